//! The `x-oss-process` language (spec §1.3, §3, Appendix A/B): typed actions, the parser, style
//! references and the canonical `Display` form. Knows nothing of pixels, files or the network.
//!
//! The types below are the contract between the parser, the planner and the engines.

/// A parsed `x-oss-process` value before style expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessRequest {
    /// `image/<action>/<action>…`
    Image(ProcessSpec),
    /// `style/<name>`: resolved against the bucket's style table by the caller.
    Style(String),
}

/// An `image/…` cascade: the actions in the order they were written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcessSpec {
    /// The actions, left to right.
    pub actions: Vec<Action>,
}

impl ProcessSpec {
    /// The image watermarks of the cascade, in order, each object key once: what a caller must
    /// fetch (with the requester's permissions) before running the job.
    pub fn watermark_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for a in &self.actions {
            if let Action::Watermark(Watermark { image: Some(img), .. }) = a {
                if !keys.contains(&img.key.as_str()) {
                    keys.push(&img.key);
                }
            }
        }
        keys
    }
}

/// One action of the 17 of spec §3.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// `resize` (§3.1).
    Resize(Resize),
    /// `crop` (§3.2).
    Crop(Crop),
    /// `indexcrop` (§3.9).
    IndexCrop(IndexCrop),
    /// `circle,r_<n>` (§3.10).
    Circle(Circle),
    /// `rounded-corners,r_<n>` (§3.11).
    RoundedCorners(RoundedCorners),
    /// `auto-orient,0|1` (§3.3): true = apply the EXIF orientation.
    AutoOrient(bool),
    /// `rotate,<deg>` (§3.4): clockwise degrees, 0–360.
    Rotate(u32),
    /// `blur,r_,s_` (§3.5).
    Blur(Blur),
    /// `bright,<v>` (§3.6): −100…100.
    Bright(i32),
    /// `contrast,<v>` (§3.7): −100…100.
    Contrast(i32),
    /// `sharpen,<v>` (§3.8): 50…399.
    Sharpen(u32),
    /// `format,<fmt>` (§3.12).
    Format(Format),
    /// `quality,q_|Q_` (§3.13).
    Quality(Quality),
    /// `interlace,0|1` (§3.14): true = progressive JPEG.
    Interlace(bool),
    /// `watermark,…` (§3.15).
    Watermark(Watermark),
    /// `info` (§3.16).
    Info,
    /// `average-hue` (§3.17).
    AverageHue,
}

/// `resize` modes (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum ResizeMode {
    /// Keep aspect; largest image inside w×h (default).
    #[default]
    Lfit,
    /// Keep aspect; smallest image covering w×h.
    Mfit,
    /// `mfit`, then centre-crop to w×h.
    Fill,
    /// `lfit`, then centre on a w×h canvas of `color`.
    Pad,
    /// Stretch to exactly w×h.
    Fixed,
}

/// `resize` parameters as written (§3.1); the precedence rules are applied by the planner.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resize {
    /// `m`, default `lfit`.
    pub mode: ResizeMode,
    /// `w`, 1–16384.
    pub w: Option<u32>,
    /// `h`, 1–16384.
    pub h: Option<u32>,
    /// `l` (long side), 1–16384.
    pub l: Option<u32>,
    /// `s` (short side), 1–16384.
    pub s: Option<u32>,
    /// `limit`: true (default) = never enlarge.
    pub limit: bool,
    /// `color` for `m_pad`, RGB, default `FFFFFF`.
    pub color: [u8; 3],
    /// `p`, percentage 1–1000.
    pub p: Option<u32>,
    /// `P`, 1–100: only in a watermark image's nested process (§3.15) — scale the watermark
    /// proportionally so that its width is `P`% of the main image's width. It replaces `w`, `h`,
    /// `l`, `s` and `p`, and may enlarge whatever `limit` says (the planner resolves it).
    pub main_percent: Option<u32>,
}

/// The nine anchor tiles of `crop` and `watermark` (§3.2, §3.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gravity {
    /// Upper-left.
    Nw,
    /// Upper-centre.
    North,
    /// Upper-right.
    Ne,
    /// Middle-left.
    West,
    /// Centre.
    Center,
    /// Middle-right.
    East,
    /// Lower-left.
    Sw,
    /// Lower-centre.
    South,
    /// Lower-right.
    Se,
}

/// `crop` parameters (§3.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Crop {
    /// `w`; `None` or 0 = to the image edge.
    pub w: Option<u32>,
    /// `h`; `None` or 0 = to the image edge.
    pub h: Option<u32>,
    /// `x` offset, default 0.
    pub x: u32,
    /// `y` offset, default 0.
    pub y: u32,
    /// `g`, default `nw`.
    pub g: Gravity,
}

/// `indexcrop` parameters (§3.9).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndexCrop {
    /// `x`: slice width when cutting along the horizontal axis.
    pub x: Option<u32>,
    /// `y`: slice height when cutting along the vertical axis (wins over `x`).
    pub y: Option<u32>,
    /// `i`: zero-based slice index, default 0.
    pub i: u32,
}

/// `circle` parameters (§3.10).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Circle {
    /// `r`, 1–4096.
    pub r: u32,
}

/// `rounded-corners` parameters (§3.11).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoundedCorners {
    /// `r`, 1–4096.
    pub r: u32,
}

/// `blur` parameters (§3.5) with the defaults of the spec's recommendation already applied.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Blur {
    /// `r`, radius 1–50.
    pub r: u32,
    /// `s`, standard deviation 1–50.
    pub s: u32,
}

/// Output formats of `format` (§3.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `jpg` (alias `jpeg`).
    Jpg,
    /// `png`.
    Png,
    /// `webp`.
    Webp,
    /// `bmp`.
    Bmp,
    /// `gif` (only effective when the source is a GIF).
    Gif,
    /// `tiff`.
    Tiff,
    /// `heic`.
    Heic,
    /// `avif`.
    Avif,
}

impl Format {
    /// The short name used in process strings and in `info`'s `Format`.
    pub const fn name(self) -> &'static str {
        match self {
            Format::Jpg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Bmp => "bmp",
            Format::Gif => "gif",
            Format::Tiff => "tiff",
            Format::Heic => "heic",
            Format::Avif => "avif",
        }
    }

    /// The MIME type of this format.
    pub const fn mime(self) -> &'static str {
        match self {
            Format::Jpg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Bmp => "image/bmp",
            Format::Gif => "image/gif",
            Format::Tiff => "image/tiff",
            Format::Heic => "image/heic",
            Format::Avif => "image/avif",
        }
    }
}

/// `quality` parameters (§3.13).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Quality {
    /// `q`: relative quality 1–100.
    pub relative: Option<u32>,
    /// `Q`: absolute quality 1–100 (wins over `q`).
    pub absolute: Option<u32>,
    /// Legacy literal `quality,lossless` (WebP lossless).
    pub lossless: bool,
}

/// `watermark` parameters (§3.15). Text and image keys are stored decoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Watermark {
    /// `t`: opacity 0–100, default 100.
    pub t: u32,
    /// `g`: anchor, default `se`.
    pub g: Gravity,
    /// `x`: horizontal margin 0–4096, default 10.
    pub x: u32,
    /// `y`: vertical margin 0–4096, default 10.
    pub y: u32,
    /// `voffset`: −1000…1000, default 0.
    pub voffset: i32,
    /// The text watermark, when `text` is present.
    pub text: Option<TextMark>,
    /// The image watermark, when `image` is present.
    pub image: Option<WatermarkImage>,
    /// `order`: false = image first (0), true = text first (1).
    pub order_text_first: bool,
    /// `align`: 0 top, 1 middle, 2 bottom (default 2).
    pub align: u32,
    /// `interval`: gap between image and text, 0–1000, default 0.
    pub interval: u32,
}

/// The image part of a `watermark` (§3.15): the decoded `image` value,
/// `<key>[?x-oss-process=image/<action>/…]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WatermarkImage {
    /// The object key, in the same bucket as the main image.
    pub key: String,
    /// The nested cascade run on the watermark before it is drawn (empty when none): `resize`
    /// (with `P`), `crop`, `indexcrop`, `rounded-corners`, `rotate` and `auto-orient` only.
    pub actions: Vec<Action>,
}

/// The text part of a `watermark` (§3.15).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextMark {
    /// The decoded UTF-8 text (≤ 64 bytes).
    pub text: String,
    /// The decoded font name, default `wqy-zenhei`.
    pub font: String,
    /// RGB colour, default black.
    pub color: [u8; 3],
    /// Font size in px, 1–1000, default 40.
    pub size: u32,
    /// Shadow opacity 0–100, default 0.
    pub shadow: u32,
    /// Clockwise rotation 0–360, default 0.
    pub rotate: u32,
    /// Tile over the whole image.
    pub fill: bool,
}

// The language itself, below the contract types: `request` (prefixes, splitting, the action table,
// limits, styles), one parser/printer per action family (`resize`, `crop` + `indexcrop`, `mask` for
// `circle`/`rounded-corners`, `blur`, `quality`, `watermark`, `single` for the seven single-value
// actions), `args` (shared lexing and value readers), `base64url` (Appendix B), `display`
// (canonical strings), `percent` (URI and form decoding) and `saveas` (the POST body of spec §7).
mod args;
mod base64url;
mod blur;
mod crop;
mod display;
mod mask;
mod percent;
mod quality;
mod request;
mod resize;
mod saveas;
mod single;
mod watermark;

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;

pub use base64url::{decode_base64url, encode_base64url};
pub use percent::{form_decode, percent_decode};
pub use request::{parse, resolve, ACTION_NAMES, MAX_ACTIONS, MAX_PROCESS_BYTES};
pub use saveas::{parse_post_body, SaveAs};
pub use watermark::{DEFAULT_FONT, FONTS, MAX_IMAGE_WATERMARKS, MAX_TEXT_BYTES, NESTED_ACTIONS};

//! `watermark` (spec §3.15): placement, text and image parameters. Base64url values are decoded
//! here and stored decoded; the canonical form re-encodes them unpadded and URL-safe.

use super::args::{
    color, color_hex, flag, gravity, sint, split_param, uint, Param, BASE64_MESSAGE,
};
use super::base64url::{decode_base64url, encode_base64url};
use super::{Gravity, TextMark, Watermark, WatermarkImage};
use crate::{Error, ErrorKind, Result};
use std::fmt;

/// EC of a `type` value that is not Base64 (spec §4.3).
const EC_TYPE_BASE64: &str = "0040-00000250";
/// EC of an unsupported font.
const EC_FONT: &str = "0040-00000251";
/// EC of a `text` value that is not Base64.
const EC_TEXT_BASE64: &str = "0040-00000257";
/// EC of a text longer than [`MAX_TEXT_BYTES`] after decoding.
const EC_TEXT_LONG: &str = "0040-00000259";
/// EC of an `image` value that is not Base64.
const EC_IMAGE_BASE64: &str = "0040-00000265";

/// The seven font names `type` accepts (spec §3.15), the default first.
pub const FONTS: [&str; 7] = [
    "wqy-zenhei",
    "wqy-microhei",
    "fangzhengshusong",
    "fangzhengkaiti",
    "fangzhengheiti",
    "fangzhengfangsong",
    "droidsansfallback",
];
/// The actions a watermark image's nested process may use (spec §3.15 \[C\]; `auto-orient` is
/// listed there beside the others).
pub const NESTED_ACTIONS: [&str; 6] =
    ["resize", "crop", "indexcrop", "rounded-corners", "rotate", "auto-orient"];
/// Most image watermarks in one request (spec §2 \[C\]: "up to 3").
pub const MAX_IMAGE_WATERMARKS: usize = 3;
/// What separates an object key from its nested process in a decoded `image` value.
const NESTED_MARK: &str = "?x-oss-process=";

/// The default font, `wqy-zenhei`.
pub const DEFAULT_FONT: &str = FONTS[0];
/// Longest decoded text, in bytes of UTF-8 (spec §3.15: "64 characters, about 21 Chinese").
pub const MAX_TEXT_BYTES: usize = 64;

/// Default `t` (opaque).
const DEFAULT_T: u32 = 100;
/// Default `g`.
const DEFAULT_G: Gravity = Gravity::Se;
/// Default `x` and `y` margins in px.
const DEFAULT_MARGIN: u32 = 10;
/// Largest `x`/`y` margin.
pub(super) const MAX_MARGIN: u32 = 4096;
/// `voffset` range limit: −1000…1000.
pub(super) const MAX_VOFFSET: i32 = 1000;
/// Default `align` (bottom).
const DEFAULT_ALIGN: u32 = 2;
/// Largest `interval` in px.
pub(super) const MAX_INTERVAL: u32 = 1000;
/// Default text colour: black.
const DEFAULT_COLOR: [u8; 3] = [0, 0, 0];
/// Default font size in px.
const DEFAULT_SIZE: u32 = 40;
/// Largest font size in px.
pub(super) const MAX_SIZE: u32 = 1000;
/// Largest `t` and `shadow` (percent).
pub(super) const MAX_PERCENT: u32 = 100;
/// Largest text `rotate` in degrees.
pub(super) const MAX_ROTATE: u32 = 360;

/// Decodes a Base64url parameter; an undecodable value is `400 BadRequest`
/// `Input is not base64 decoding.` with the given EC.
fn decode(value: &str, ec: &'static str) -> Result<Vec<u8>> {
    decode_base64url(value).map_err(|_| Error::with_ec(ErrorKind::BadRequest, ec, BASE64_MESSAGE))
}

/// Parses `watermark`. Every parameter is validated even when it has no effect (e.g. `size`
/// without `text`); the text parameters are kept only when `text` is present. `text` or `image` is
/// required (400 MissingArgument). The nested process of an `image` value (`key?x-oss-process=…`)
/// is kept as written for the watermark module. Unknown keys are ignored (spec §1.3 rule 6, \[U\]); a
/// repeated key is validated each time and the last one wins.
pub(super) fn parse(args: &[&str]) -> Result<Watermark> {
    let p = |key| Param::new("watermark", key);
    let mut w = Watermark {
        t: DEFAULT_T,
        g: DEFAULT_G,
        x: DEFAULT_MARGIN,
        y: DEFAULT_MARGIN,
        voffset: 0,
        text: None,
        image: None,
        order_text_first: false,
        align: DEFAULT_ALIGN,
        interval: 0,
    };
    let mut text: Option<String> = None;
    let mut mark = TextMark {
        text: String::new(),
        font: DEFAULT_FONT.to_owned(),
        color: DEFAULT_COLOR,
        size: DEFAULT_SIZE,
        shadow: 0,
        rotate: 0,
        fill: false,
    };
    for token in args {
        let (key, value) = split_param(token);
        let value = value.unwrap_or("");
        match key {
            "t" => w.t = uint(value, 0, MAX_PERCENT, p("t"))?,
            "g" => w.g = gravity(value, p("g"))?,
            "x" => w.x = uint(value, 0, MAX_MARGIN, p("x"))?,
            "y" => w.y = uint(value, 0, MAX_MARGIN, p("y"))?,
            "voffset" => w.voffset = sint(value, -MAX_VOFFSET, MAX_VOFFSET, p("voffset"))?,
            "text" => {
                let bytes = decode(value, EC_TEXT_BASE64)?;
                if bytes.len() > MAX_TEXT_BYTES {
                    return Err(Error::invalid(
                        EC_TEXT_LONG,
                        format!(
                            "watermark: text is {} bytes after decoding, at most {MAX_TEXT_BYTES} allowed.",
                            bytes.len()
                        ),
                    ));
                }
                let s = String::from_utf8(bytes).map_err(|_| {
                    Error::invalid(EC_TEXT_BASE64, "watermark: text is not valid UTF-8.")
                })?;
                if s.is_empty() {
                    return Err(Error::new(
                        ErrorKind::InvalidArgument,
                        "watermark: text must not be empty.",
                    ));
                }
                text = Some(s);
            }
            "type" => {
                let bytes = decode(value, EC_TYPE_BASE64)?;
                let font = FONTS.into_iter().find(|f| f.as_bytes() == bytes).ok_or_else(|| {
                    Error::invalid(
                        EC_FONT,
                        format!(
                            "watermark: unsupported font \"{}\".",
                            super::args::shown(&String::from_utf8_lossy(&bytes))
                        ),
                    )
                })?;
                mark.font = font.to_owned();
            }
            "color" => mark.color = color(value, p("color"))?,
            "size" => mark.size = uint(value, 1, MAX_SIZE, p("size"))?,
            "shadow" => mark.shadow = uint(value, 0, MAX_PERCENT, p("shadow"))?,
            "rotate" => mark.rotate = uint(value, 0, MAX_ROTATE, p("rotate"))?,
            "fill" => mark.fill = flag(value, p("fill"))?,
            "image" => {
                let bytes = decode(value, EC_IMAGE_BASE64)?;
                let key = String::from_utf8(bytes).map_err(|_| {
                    Error::invalid(EC_IMAGE_BASE64, "watermark: image is not valid UTF-8.")
                })?;
                w.image = Some(parse_image(&key)?);
            }
            "order" => w.order_text_first = flag(value, p("order"))?,
            "align" => w.align = uint(value, 0, 2, p("align"))?,
            "interval" => w.interval = uint(value, 0, MAX_INTERVAL, p("interval"))?,
            _ => {}
        }
    }
    if let Some(text) = text {
        w.text = Some(TextMark { text, ..mark });
    }
    if w.text.is_none() && w.image.is_none() {
        return Err(Error::new(
            ErrorKind::MissingArgument,
            "watermark: text or image is required.",
        ));
    }
    Ok(w)
}

/// Reads a decoded `image` value: `<key>` or `<key>?x-oss-process=image/<action>/…`. The key must
/// not be empty; the nested process is validated now, so a bad one fails the whole request
/// before any object is read.
fn parse_image(value: &str) -> Result<WatermarkImage> {
    let (key, nested) = match value.split_once(NESTED_MARK) {
        Some((key, nested)) => (key, Some(nested)),
        None => (value, None),
    };
    if key.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "watermark: image must name an object.",
        ));
    }
    let actions = match nested {
        None => Vec::new(),
        Some(nested) => {
            let rest = nested.strip_prefix("image/").ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "watermark: the image's process must start with image/, got \"{}\".",
                        super::args::shown(nested)
                    ),
                )
            })?;
            super::request::parse_nested_actions(rest)?
        }
    };
    Ok(WatermarkImage { key: key.to_owned(), actions })
}

/// The decoded `image` value of `img`: the key, then `?x-oss-process=image/…` in canonical form
/// when there is a nested process.
fn image_value(img: &WatermarkImage) -> String {
    if img.actions.is_empty() {
        return img.key.clone();
    }
    let mut s = format!("{}{NESTED_MARK}image", img.key);
    for a in &img.actions {
        s.push('/');
        s.push_str(&a.to_string());
    }
    s
}

/// Canonical `watermark`: keys in the order of spec §3.15's tables —
/// `t,g,x,y,voffset,image,text,type,color,size,shadow,rotate,fill,order,align,interval` — with
/// default values omitted and Base64 values written unpadded URL-safe.
pub(super) fn write(w: &Watermark, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("watermark")?;
    if w.t != DEFAULT_T {
        write!(f, ",t_{}", w.t)?;
    }
    if w.g != DEFAULT_G {
        write!(f, ",g_{}", w.g.name())?;
    }
    if w.x != DEFAULT_MARGIN {
        write!(f, ",x_{}", w.x)?;
    }
    if w.y != DEFAULT_MARGIN {
        write!(f, ",y_{}", w.y)?;
    }
    if w.voffset != 0 {
        write!(f, ",voffset_{}", w.voffset)?;
    }
    if let Some(image) = &w.image {
        write!(f, ",image_{}", encode_base64url(image_value(image).as_bytes()))?;
    }
    if let Some(m) = &w.text {
        write!(f, ",text_{}", encode_base64url(m.text.as_bytes()))?;
        if m.font != DEFAULT_FONT {
            write!(f, ",type_{}", encode_base64url(m.font.as_bytes()))?;
        }
        if m.color != DEFAULT_COLOR {
            write!(f, ",color_{}", color_hex(m.color))?;
        }
        if m.size != DEFAULT_SIZE {
            write!(f, ",size_{}", m.size)?;
        }
        if m.shadow != 0 {
            write!(f, ",shadow_{}", m.shadow)?;
        }
        if m.rotate != 0 {
            write!(f, ",rotate_{}", m.rotate)?;
        }
        if m.fill {
            f.write_str(",fill_1")?;
        }
    }
    if w.order_text_first {
        f.write_str(",order_1")?;
    }
    if w.align != DEFAULT_ALIGN {
        write!(f, ",align_{}", w.align)?;
    }
    if w.interval != 0 {
        write!(f, ",interval_{}", w.interval)?;
    }
    Ok(())
}

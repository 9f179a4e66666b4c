//! Text watermarks (spec §3.15): fonts, layout and rasterisation of the text block. This module
//! owns turning a [`TextMark`] into a straight-alpha RGBA8 [`Image`] — which font draws which
//! character, where each glyph goes, the anti-aliased coverage, the colour, the rotation and the
//! shadow. Placement, tiling (`fill`) and opacity (`t`) belong to the planner and the
//! `Composite` stage; this module never sees the main image.
//!
//! # Fonts
//! Fonts come from the system font directories (`/usr/share/fonts`, `/usr/local/share/fonts`,
//! `~/.fonts`, `~/.local/share/fonts`: the dirs Debian's fontconfig lists, scanned without
//! parsing its configuration), from `--font-dir` directories, and from font files named in the
//! mapping ([`FontConfig`]). OSS names seven fonts; by default they map to these families
//! (Debian packages in brackets, installed by `.ci/setup`):
//!
//! | OSS name | family | why |
//! |---|---|---|
//! | `wqy-zenhei` (default) | WenQuanYi Zen Hei \[fonts-wqy-zenhei\] | the font itself |
//! | `wqy-microhei` | WenQuanYi Micro Hei \[fonts-wqy-microhei\] | the font itself |
//! | `fangzhengshusong` | AR PL SungtiL GB \[fonts-arphic-gbsn00lp\] | a free Song (Shusong is a Song design) |
//! | `fangzhengkaiti` | AR PL KaitiM GB \[fonts-arphic-gkai00mp\] | a free Kai |
//! | `fangzhengheiti` | WenQuanYi Zen Hei Sharp \[fonts-wqy-zenhei\] | a Hei design distinct from `wqy-zenhei`'s face; only its outlines are drawn, never its embedded bitmaps |
//! | `fangzhengfangsong` | AR PL UMing CN \[fonts-arphic-uming\] | Ming/Song: no free FangSong is packaged, this is the nearest design |
//! | `droidsansfallback` | Droid Sans Fallback \[fonts-droid-fallback\] | the font itself |
//!
//! The Fangzheng (Founder) fonts are commercial; the spec allows free substitutes and makes the
//! mapping local configuration. A family is matched against every name a face declares (English
//! or localised, ASCII case ignored), each face of a collection (`.ttc`) on its own, and the most
//! regular face wins (upright, weight 400, normal width). A mapping may also name a font file;
//! its most regular face is used. An OSS name whose font is not installed fails the request with
//! EC 0040-00000251, the message saying the server lacks it. WenQuanYi Zen Hei Sharp's outlines
//! are Zen Hei's (the faces differ in their embedded bitmaps only), so `fangzhengheiti` draws as
//! `wqy-zenhei` until it is mapped to a real Hei.
//!
//! # Fallback
//! The text is split into runs by face: a character is drawn by the requested font when its
//! character map has it, else by the first of the other six OSS fonts (in the order of
//! [`FONTS`]) that has it, then DejaVu Sans (Latin, Greek, Cyrillic, symbols), then every other
//! loaded face (regular faces first, by family name). Default-ignorable characters (ZWJ,
//! variation selectors…) go with their neighbour; combining marks stay with their base when its
//! face has them. Each run is shaped by rustybuzz with its own face (kerning, ligatures, CJK
//! advances) and one pen advances across the runs. A character no loaded face has fails with
//! `WatermarkError` — a tofu box (`.notdef`) is never drawn. Char → face answers are cached.
//!
//! # The block
//! One line: line breaks, tabs and other control characters are spaces (OSS has no line breaks
//! in a text watermark). `size` is the em size in px (as Pillow's `truetype` size). The box is the
//! sum of the advances wide and the primary font's ascender − descender tall (hhea, or OS/2 typo
//! metrics when the font says to use them), the baseline at the ascender, both rounded up to
//! whole pixels (at least 1); ink outside it is clipped. The box is turned `rotate` degrees
//! clockwise about its centre and the image is the rotated box's bounding box, rounded out: 0
//! and 360 give the box, 90 swaps its sides. Coverage is anti-aliased; the colour is `color`;
//! alpha is straight.
//!
//! # Shadow
//! With `shadow` > 0: the same coverage in black, alpha × `shadow`/100, offset down and right by
//! d = max(1, round(`size`/20)) px in the image (light from the top left), under the text
//! ("source over"). The image grows by d on the right and at the bottom, so a placement that
//! aligns the image's corner aligns the text's box with the shadow beside it.
//!
//! # Limits and cache
//! A block (or one glyph's raster) over 96 Mi px (384 MiB of RGBA) is refused with
//! `WatermarkError`: every unrotated block of a valid mark fits (the widest is 68.6 M px), only a
//! long line at a large size rotated near 45° does not. Rendered blocks are cached by (text, font, color, size, shadow,
//! rotate) — not `fill`, which does not change the block — up to 64 MiB of pixels, least
//! recently used evicted first; a block larger than the budget is not kept.

mod fonts;
mod layout;
mod raster;
#[cfg(test)]
mod tests;

use crate::pipeline::Image;
use crate::process::{TextMark, FONTS};
use crate::{Error, Result};
use layout::Missing;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// EC of a font this server cannot draw (spec §3.15: unknown font → EC 0040-00000251).
const EC_FONT: &str = "0040-00000251";

/// Pixel bytes the block cache keeps at most (64 MiB: hundreds of typical blocks — "© ossimg"
/// at size 40 is ~25 KiB — and still a few large ones).
const CACHE_BYTES: usize = 64 << 20;

/// Where fonts come from and how OSS font names map to them.
#[derive(Debug, Clone)]
pub struct FontConfig {
    /// Load the system's fonts (/usr/share/fonts etc.). Default true.
    pub system_fonts: bool,
    /// Extra directories scanned recursively for .ttf/.otf/.ttc (`--font-dir`, config `font_dir`).
    pub font_dirs: Vec<PathBuf>,
    /// Overrides of the OSS font name → font mapping: (OSS name, family name or path to a font
    /// file). A value with a `/` or a font extension (.ttf/.otf/.ttc/.otc) is a path.
    pub mapping: Vec<(String, String)>,
}

impl Default for FontConfig {
    /// System fonts, no extra directories, no overrides.
    fn default() -> Self {
        FontConfig { system_fonts: true, font_dirs: Vec::new(), mapping: Vec::new() }
    }
}

/// Shapes and rasterises text watermarks; caches rendered blocks across requests (bounded).
/// Send + Sync.
pub struct TextRenderer {
    fonts: fonts::FontSet,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for TextRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextRenderer").field("fonts", &self.fonts()).finish_non_exhaustive()
    }
}

impl TextRenderer {
    /// Loads the fonts. An override naming an unknown OSS font name, or a file that does not
    /// exist / is not a font, is an Err (clear message; config errors at start-up). A family
    /// that is not installed is not: requests for that OSS name fail instead (see
    /// [`TextRenderer::fonts`] to log it).
    pub fn new(cfg: FontConfig) -> Result<TextRenderer> {
        Ok(TextRenderer { fonts: fonts::FontSet::load(&cfg)?, cache: Mutex::new(Cache::default()) })
    }

    /// A process-wide renderer with `FontConfig::default()`, loaded lazily on first call.
    pub fn global() -> &'static TextRenderer {
        static GLOBAL: OnceLock<TextRenderer> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            // The default configuration has no overrides, the only thing `new` can refuse; an
            // empty font set (every request then fails with EC 0040-00000251) is the fallback.
            TextRenderer::new(FontConfig::default()).unwrap_or_else(|_| {
                let none = FontConfig { system_fonts: false, ..FontConfig::default() };
                TextRenderer::new(none).expect("an empty font configuration always loads")
            })
        })
    }

    /// The rendered text block (rotation and shadow included), straight-alpha RGBA8, cached.
    /// `mark.fill` is ignored (tiling is the compositor's).
    pub fn render(&self, mark: &TextMark) -> Result<Arc<Image>> {
        let key = CacheKey::of(mark);
        if let Some(image) = self.lock_cache().get(&key) {
            return Ok(image);
        }
        let image = Arc::new(self.render_uncached(mark, Missing::Error)?);
        Ok(self.lock_cache().insert(key, image))
    }

    /// For each of the seven OSS names: the font it resolves to (family + file), or None when
    /// not installed. Used for a start-up log line.
    pub fn fonts(&self) -> Vec<(&'static str, Option<String>)> {
        self.fonts.describe()
    }

    /// [`TextRenderer::render`] without the cache, drawing nothing for characters no loaded font
    /// has (tests compare ink with it).
    #[cfg(test)]
    pub(crate) fn render_missing_as_blank(&self, mark: &TextMark) -> Result<Image> {
        self.render_uncached(mark, Missing::Blank)
    }

    /// Lays out and draws `mark`.
    fn render_uncached(&self, mark: &TextMark, missing: Missing) -> Result<Image> {
        let not_installed = || {
            Error::invalid(
                EC_FONT,
                format!(
                    "watermark: the font \"{}\" is not installed on this server (add its \
                     directory with --font-dir, or map the name to an installed font in the \
                     font mapping).",
                    mark.font
                ),
            )
        };
        let slot = FONTS.iter().position(|f| *f == mark.font).ok_or_else(not_installed)?;
        let primary = self.fonts.oss_face(slot).ok_or_else(not_installed)?;
        let size = f64::from(mark.size);
        let line = layout::layout(&self.fonts, slot, primary, &mark.text, size, missing)?;
        let frame = raster::Frame::new(line.advance, line.ascent + line.descent, mark.rotate);
        let paint = raster::Paint {
            color: mark.color,
            shadow: mark.shadow,
            shadow_offset: raster::shadow_offset(size),
        };
        raster::draw(&self.fonts, &line, &frame, &paint)
    }

    /// The cache, even after a panic elsewhere poisoned its lock (it holds no broken invariant
    /// mid-update: entries and byte count change together under the lock).
    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a rendered block depends on: every field of [`TextMark`] but `fill`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    text: String,
    font: String,
    color: [u8; 3],
    size: u32,
    shadow: u32,
    rotate: u32,
}

impl CacheKey {
    fn of(m: &TextMark) -> Self {
        CacheKey {
            text: m.text.clone(),
            font: m.font.clone(),
            color: m.color,
            size: m.size,
            shadow: m.shadow,
            rotate: m.rotate,
        }
    }
}

/// Rendered blocks, bounded by [`CACHE_BYTES`] of pixels, least recently used evicted first.
#[derive(Default)]
struct Cache {
    entries: HashMap<CacheKey, (Arc<Image>, u64)>,
    bytes: usize,
    /// Use counter: an entry's stamp is the counter at its last use.
    clock: u64,
}

impl Cache {
    /// The cached block for `key`, marked used.
    fn get(&mut self, key: &CacheKey) -> Option<Arc<Image>> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|(image, used)| {
            *used = clock;
            Arc::clone(image)
        })
    }

    /// Keeps `image` for `key` (evicting the least recently used until it fits) and returns the
    /// block to hand out: the one already there when another thread rendered it first, so equal
    /// marks share one `Arc`.
    fn insert(&mut self, key: CacheKey, image: Arc<Image>) -> Arc<Image> {
        if let Some(existing) = self.get(&key) {
            return existing;
        }
        let size = image.pixels.len();
        if size > CACHE_BYTES {
            return image;
        }
        while self.bytes + size > CACHE_BYTES {
            let Some(oldest) =
                self.entries.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((evicted, _)) = self.entries.remove(&oldest) {
                self.bytes -= evicted.pixels.len();
            }
        }
        self.clock += 1;
        self.bytes += size;
        self.entries.insert(key, (Arc::clone(&image), self.clock));
        image
    }
}

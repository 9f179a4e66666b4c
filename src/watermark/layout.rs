//! Layout of one line of watermark text: control characters become spaces, characters are split
//! into runs by the face that draws them (fallback), each run is shaped by rustybuzz with its own
//! face, and one pen advances along the line.

use super::fonts::FontSet;
use crate::{Error, ErrorKind, Result};
use rustybuzz::{ttf_parser, UnicodeBuffer};

/// One glyph to draw: its face, id, and its origin on the baseline in block pixels (y down).
#[derive(Debug, Clone, Copy)]
pub(super) struct Glyph {
    /// Index of the face in the [`FontSet`].
    pub face: usize,
    /// Glyph id in that face.
    pub id: u16,
    /// Origin x in px from the block's left edge.
    pub x: f64,
    /// Origin y in px from the block's top edge (the baseline, plus any mark offset).
    pub y: f64,
    /// px per font unit of the face (`size / units_per_em`).
    pub scale: f64,
}

/// A laid-out line.
#[derive(Debug, Clone)]
pub(super) struct Line {
    /// The glyphs, in visual order.
    pub glyphs: Vec<Glyph>,
    /// Sum of the advances after shaping and kerning, in px.
    pub advance: f64,
    /// The primary font's ascender in px (the baseline's distance from the top).
    pub ascent: f64,
    /// The primary font's descender in px, positive below the baseline.
    pub descent: f64,
}

/// What to do with a character no loaded font has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Missing {
    /// Fail with `WatermarkError` (never draw a tofu box).
    Error,
    /// Lay it out in the primary font and draw nothing for it (tests compare ink with it).
    #[cfg_attr(not(test), allow(dead_code))]
    Blank,
}

/// True for the default-ignorable code points (ZWJ, ZWNJ, variation selectors, bidi controls,
/// soft hyphen, tags…): they are not looked up on their own but shaped with their neighbour, and
/// rustybuzz hides them. The set is HarfBuzz's (`hb_unicode_funcs_t::is_default_ignorable`).
pub(super) fn is_default_ignorable(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// True for combining marks of the common blocks (diacritics, kana voicing marks): a mark stays
/// in its base's face when that face has it, so "e" + U+0301 is shaped as one cluster.
fn is_combining_mark(c: char) -> bool {
    matches!(u32::from(c),
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0x3099..=0x309A
        | 0xFE20..=0xFE2F)
}

/// The text as drawn: one line, so line breaks, tabs and every other control character become
/// spaces (OSS has no line breaks in one text watermark, spec §3.15).
pub(super) fn normalize(text: &str) -> Vec<char> {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The primary font's ascender and descender in font units (hhea, or OS/2 typo metrics when the
/// font asks for them, as ttf-parser picks), positive descender below the baseline. A font
/// whose metrics are missing or inverted gets 0.8 / 0.2 em.
fn vertical_metrics(face: &ttf_parser::Face<'_>) -> (f64, f64) {
    let (asc, desc) = (f64::from(face.ascender()), -f64::from(face.descender()));
    if asc + desc > 0.0 {
        (asc, desc)
    } else {
        let em = f64::from(face.units_per_em());
        (0.8 * em, 0.2 * em)
    }
}

/// Lays out `text` in the OSS font `slot` (an index into `FONTS`, resolved to `primary`) at
/// `size` px per em.
pub(super) fn layout(
    fonts: &FontSet,
    slot: usize,
    primary: usize,
    text: &str,
    size: f64,
    missing: Missing,
) -> Result<Line> {
    let primary_face = fonts.face(primary).parse().ok_or_else(|| {
        Error::new(ErrorKind::WatermarkError, "watermark: the font file cannot be read.")
    })?;
    let units = |f: &ttf_parser::Face<'_>| f64::from(f.units_per_em().max(1));
    let (asc, desc) = vertical_metrics(&primary_face);
    let primary_scale = size / units(&primary_face);
    let chars = normalize(text);
    let faces = assign_faces(fonts, slot, primary, &chars, missing)?;

    let mut glyphs = Vec::with_capacity(chars.len());
    let mut pen = 0.0f64;
    let baseline = asc * primary_scale;
    let mut start = 0;
    while start < chars.len() {
        let face_index = faces[start];
        let end = (start..chars.len()).find(|&i| faces[i] != face_index).unwrap_or(chars.len());
        let face = fonts.face(face_index);
        let shaper = rustybuzz::Face::from_slice(face.data(), face.index()).ok_or_else(|| {
            Error::new(ErrorKind::WatermarkError, "watermark: a font file cannot be read.")
        })?;
        let scale = size / units(&shaper);
        let run: String = chars[start..end].iter().collect();
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(&run);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&shaper, &[], buffer);
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            glyphs.push(Glyph {
                face: face_index,
                // Glyph ids of TrueType/OpenType fonts are 16-bit; rustybuzz widens them.
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                x: pen + f64::from(pos.x_offset) * scale,
                y: baseline - f64::from(pos.y_offset) * scale,
                scale,
            });
            pen += f64::from(pos.x_advance) * scale;
        }
        start = end;
    }
    Ok(Line { glyphs, advance: pen, ascent: baseline, descent: desc * primary_scale })
}

/// The face of each character (see [`FontSet::faces_for`]): default-ignorables take their
/// neighbour's face (the previous one, or the next for leading ones, or the primary), combining
/// marks their base's when it has them. A character no face has is an error, or, with
/// [`Missing::Blank`], laid out in the primary face.
fn assign_faces(
    fonts: &FontSet,
    slot: usize,
    primary: usize,
    chars: &[char],
    missing: Missing,
) -> Result<Vec<usize>> {
    let looked_up: Vec<char> =
        chars.iter().copied().filter(|&c| !is_default_ignorable(c)).collect();
    let mut found = fonts.faces_for(slot, &looked_up).into_iter();
    let mut faces: Vec<Option<usize>> = Vec::with_capacity(chars.len());
    let mut prev: Option<usize> = None;
    for &c in chars {
        if is_default_ignorable(c) {
            faces.push(prev);
            continue;
        }
        let mut face = found.next().flatten();
        if is_combining_mark(c) {
            if let Some(p) = prev.filter(|&p| fonts.face(p).parse().is_some_and(|f| has(&f, c))) {
                face = Some(p);
            }
        }
        let face = match (face, missing) {
            (Some(f), _) => f,
            (None, Missing::Blank) => primary,
            (None, Missing::Error) => {
                return Err(Error::new(
                    ErrorKind::WatermarkError,
                    format!(
                        "watermark: no installed font has the character U+{:04X} ({c:?}); \
                         install a font that has it (or add its directory with --font-dir).",
                        u32::from(c)
                    ),
                ))
            }
        };
        prev = Some(face);
        faces.push(prev);
    }
    // Leading ignorables take the first face after them; a text of nothing else, the primary.
    let mut next = None;
    for f in faces.iter_mut().rev() {
        match f {
            Some(v) => next = Some(*v),
            None => *f = next,
        }
    }
    Ok(faces.into_iter().map(|f| f.unwrap_or(primary)).collect())
}

/// True when `face`'s character map has `c` (not `.notdef`).
fn has(face: &ttf_parser::Face<'_>, c: char) -> bool {
    face.glyph_index(c).is_some_and(|g| g.0 != 0)
}

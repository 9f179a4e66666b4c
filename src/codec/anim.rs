//! Animated images: decoding every frame of an animated GIF or WebP, fully composited onto the
//! canvas, and writing an animated GIF or WebP. Still images go through [`super::decode`] /
//! [`super::encode`]; the planner decides which path a request takes (`ImagePlan::animated`).
//!
//! Memory is bounded twice: each decoder allocation stays under the `image` crate [`Limits`]
//! used for still images, and the frames kept together stay under the caller's byte budget
//! (the planner's `MAX_ANIMATION_BYTES`), so a GIF with more frames than its header walk
//! announced cannot grow past it.

use std::io::Cursor;

use image::codecs::gif::GifDecoder;
use image::codecs::webp::WebPDecoder;
use image::{AnimationDecoder, ImageDecoder, Limits};

use super::decode::{guarded, map_image_error, MAX_ALLOC_BYTES};
use super::encode::{check_side, gif_binary_alpha, GIF_SPEED, MAX_SIDE_16BIT, MAX_SIDE_WEBP};
use super::icc;
use crate::pipeline::Image;
use crate::plan::{DecodeSpec, OutputSpec};
use crate::process::Format;
use crate::{Error, ErrorKind, Result};

/// One frame of an animation: the whole canvas, already composited with the frames before it
/// (disposal and blending applied), and how long it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The full canvas at this frame, RGBA8 straight alpha.
    pub image: Image,
    /// Display time in milliseconds (GIF stores centiseconds, so GIF sources give multiples of 10).
    pub delay_ms: u32,
}

/// EC of a decode refused for its size (spec §4.3: "decode refused: > 250 M pixels").
const EC_DECODE_REFUSED: &str = "0040-00000012";

/// Decodes every frame of `bytes` as full RGBA8 canvases, in display order, with their delays.
///
/// * GIF: the `image` crate composites each frame onto the logical screen (sub-rectangles,
///   per-frame transparency, disposal to background / previous).
/// * WebP: animated files give each composited canvas (ICC profile converted to sRGB as for
///   stills); a still WebP gives its single image with delay 0.
/// * Any other format gives its single decoded image (delay 0), as [`super::decode`] would.
///
/// `max_bytes` bounds the frames held together (`W·H·4` bytes each): a canvas or an animation
/// past it fails with `ImageTooLarge` (EC 0040-00000012) instead of allocating more. Damaged data
/// before the first complete frame → `ImageDamage`; damage after it ends the animation at the
/// last good frame. A decoder panic is caught and reported as `ImageDamage`.
pub fn decode_frames(bytes: &[u8], format: Format, max_bytes: u64) -> Result<Vec<Frame>> {
    match format {
        Format::Gif => guarded(|| {
            let mut decoder = GifDecoder::new(Cursor::new(bytes)).map_err(map_image_error)?;
            decoder.set_limits(limits()).map_err(map_image_error)?;
            let (w, h) = decoder.dimensions();
            collect(decoder.into_frames(), w, h, max_bytes, None)
        }),
        Format::Webp => guarded(|| {
            let mut decoder = WebPDecoder::new(Cursor::new(bytes)).map_err(map_image_error)?;
            if !decoder.has_animation() {
                return still(bytes, format);
            }
            decoder.set_limits(limits()).map_err(map_image_error)?;
            let (w, h) = decoder.dimensions();
            // A profile that cannot be read is ignored (decode as sRGB), as for still images.
            let profile = decoder.icc_profile().ok().flatten();
            collect(decoder.into_frames(), w, h, max_bytes, profile.as_deref())
        }),
        _ => still(bytes, format),
    }
}

/// The single frame of a still image.
fn still(bytes: &[u8], format: Format) -> Result<Vec<Frame>> {
    let image = super::decode(bytes, format, &DecodeSpec { scale_denom: 1 })?;
    Ok(vec![Frame { image, delay_ms: 0 }])
}

/// The allocation bound of every `image` decoder (see `decode.rs`).
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_ALLOC_BYTES);
    limits
}

/// The error for an animation whose frames do not fit in the byte budget.
fn too_large(max_bytes: u64) -> Error {
    Error::with_ec(
        ErrorKind::ImageTooLarge,
        EC_DECODE_REFUSED,
        format!("The animation is too large to decode (more than {max_bytes} bytes of frames)."),
    )
}

/// Drains a frame iterator of a `w×h` canvas into [`Frame`]s under the byte budget.
fn collect(
    frames: image::Frames<'_>,
    w: u32,
    h: u32,
    max_bytes: u64,
    profile: Option<&[u8]>,
) -> Result<Vec<Frame>> {
    if w == 0 || h == 0 {
        return Err(Error::damaged());
    }
    super::decode::check_pixel_count(w, h)?;
    let frame_bytes = u64::from(w) * u64::from(h) * 4;
    if frame_bytes > max_bytes {
        return Err(too_large(max_bytes));
    }
    let mut out = Vec::new();
    let mut held = 0u64;
    for frame in frames {
        let frame = match frame {
            Ok(f) => f,
            // A file damaged after its first frames plays what it has, as browsers do and as a
            // still decode of it (first frame) would succeed; limits are never waived.
            Err(e) if !out.is_empty() && !matches!(e, image::ImageError::Limits(_)) => break,
            Err(e) => return Err(map_image_error(e)),
        };
        held += frame_bytes;
        if held > max_bytes {
            return Err(too_large(max_bytes));
        }
        let (numer, denom) = frame.delay().numer_denom_ms();
        // Rounded to whole milliseconds; a zero denominator cannot come from `Delay`, but a
        // division must never panic.
        let delay_ms = numer.checked_add(denom / 2).and_then(|n| n.checked_div(denom)).unwrap_or(0);
        let buffer = frame.into_buffer();
        if buffer.width() != w || buffer.height() != h {
            return Err(Error::damaged());
        }
        let mut image = Image { width: w, height: h, pixels: buffer.into_raw() };
        if let Some(p) = profile {
            icc::to_srgb(&mut image, p, icc::Model::Rgb);
        }
        out.push(Frame { image, delay_ms });
    }
    if out.is_empty() {
        return Err(Error::damaged());
    }
    Ok(out)
}

/// Encodes `frames` as an animation in `out.format`, looping as the source did — `loop_count`
/// `Some(0)` forever, `Some(n)` n times, `None` once — each frame shown for its `delay_ms`.
///
/// * GIF: delays rounded to centiseconds (at most 655.35 s); every frame is written as a full
///   canvas with its own palette (NeuQuant, as still GIF output), alpha made binary at half
///   coverage (as still GIF output), and disposal "restore to background", so a pixel that turns
///   transparent in a later frame is not left showing the frame before it.
/// * WebP: libwebp's animation encoder at `out.quality` (or lossless), see `anim_webp.rs`;
///   consecutive identical frames are merged into one with their delays added.
///
/// Errors: no frames, frames of different sizes, a malformed buffer or another output format →
/// `InternalError` (the pipeline produces equal sizes for equal inputs); a side over 65 535
/// (GIF) or 16 383 (WebP) → `ImageTooLarge`.
pub fn encode_frames(
    frames: &[Frame],
    out: &OutputSpec,
    loop_count: Option<u16>,
) -> Result<Vec<u8>> {
    let first =
        frames.first().ok_or_else(|| Error::new(ErrorKind::InternalError, "encode: no frames"))?;
    if !matches!(out.format, Format::Gif | Format::Webp) {
        return Err(Error::new(
            ErrorKind::InternalError,
            "encode: animated output is only written as GIF or WebP",
        ));
    }
    let (w, h) = (first.image.width, first.image.height);
    let expected = w as usize * h as usize * 4;
    if w == 0
        || h == 0
        || frames
            .iter()
            .any(|f| f.image.width != w || f.image.height != h || f.image.pixels.len() != expected)
    {
        return Err(Error::new(
            ErrorKind::InternalError,
            "encode: animation frames differ in size or are malformed",
        ));
    }
    if out.format == Format::Webp {
        check_side(&first.image, MAX_SIDE_WEBP, "WebP")?;
        return guarded(|| super::anim_webp::encode(frames, out.quality, out.lossless, loop_count));
    }
    check_side(&first.image, MAX_SIDE_16BIT, "GIF")?;
    // Checked above: both sides fit in 16 bits.
    let (w16, h16) = (w as u16, h as u16);
    let encoder_failed = |_e: gif::EncodingError| Error::internal();
    guarded(|| {
        let mut enc = gif::Encoder::new(Vec::new(), w16, h16, &[]).map_err(encoder_failed)?;
        match loop_count {
            Some(0) => enc.set_repeat(gif::Repeat::Infinite).map_err(encoder_failed)?,
            Some(n) => enc.set_repeat(gif::Repeat::Finite(n)).map_err(encoder_failed)?,
            None => {}
        }
        for f in frames {
            // Binary alpha at half coverage, as still GIFs; on a copy, as it is rewritten.
            let mut pixels = f.image.pixels.clone();
            gif_binary_alpha(&mut pixels);
            let mut frame = gif::Frame::from_rgba_speed(w16, h16, &mut pixels, GIF_SPEED);
            // Centiseconds, rounded to nearest; saturates at the 16-bit field's maximum.
            frame.delay = u16::try_from(f.delay_ms.saturating_add(5) / 10).unwrap_or(u16::MAX);
            frame.dispose = gif::DisposalMethod::Background;
            enc.write_frame(&frame).map_err(encoder_failed)?;
        }
        enc.into_inner().map_err(encoder_failed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIF: &[u8] = include_bytes!("../../tests/data/animated.gif");
    const COGS: &[u8] = include_bytes!("../../tests/data/cogs.gif");
    const WEBP: &[u8] = include_bytes!("../../tests/data/animated-loop-3.webp");
    /// Budget large enough for every test file (cogs: 85×77×4×5 ≈ 131 KB).
    const BUDGET: u64 = 64 << 20;

    fn gif_out() -> OutputSpec {
        OutputSpec {
            format: Format::Gif,
            quality: 90,
            lossless: false,
            progressive: false,
            trellis: false,
        }
    }

    #[test]
    fn gif_frames_are_full_canvases_with_delays() {
        let frames = decode_frames(COGS, Format::Gif, BUDGET).unwrap();
        assert_eq!(frames.len(), 5);
        for f in &frames {
            assert_eq!((f.image.width, f.image.height), (85, 77));
            assert_eq!(f.image.pixels.len(), 85 * 77 * 4);
            assert_eq!(f.delay_ms % 10, 0, "GIF delays are centiseconds");
        }
        // A real animation: consecutive frames differ.
        assert!(frames.windows(2).all(|p| p[0].image != p[1].image));
    }

    #[test]
    fn webp_animation_decodes_every_frame() {
        let frames = decode_frames(WEBP, Format::Webp, BUDGET).unwrap();
        // The probe and webpmux agree on 10 frames of 370×285.
        assert_eq!(frames.len(), 10);
        assert!(frames.iter().all(|f| (f.image.width, f.image.height) == (370, 285)));
        assert!(frames.windows(2).any(|p| p[0].image != p[1].image));
    }

    #[test]
    fn still_formats_give_one_frame() {
        let png = include_bytes!("../../tests/data/hopper.webp");
        let frames = decode_frames(png, Format::Webp, BUDGET).unwrap();
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].delay_ms, 0);
    }

    #[test]
    fn budget_is_enforced() {
        // animated.gif is 100×100: 40 000 bytes a frame; 2 frames need 80 000.
        let e = decode_frames(GIF, Format::Gif, 79_999).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ImageTooLarge);
        assert_eq!(e.ec, Some("0040-00000012"));
        let e = decode_frames(GIF, Format::Gif, 39_999).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ImageTooLarge);
        assert_eq!(decode_frames(GIF, Format::Gif, 80_000).unwrap().len(), 2);
    }

    #[test]
    fn damaged_input_is_an_error_not_a_panic() {
        let mut counts = Vec::new();
        for n in (0..GIF.len()).step_by(97) {
            match decode_frames(&GIF[..n], Format::Gif, BUDGET) {
                Ok(frames) => {
                    assert!(frames.iter().all(|f| f.image.pixels.len() == 100 * 100 * 4));
                    counts.push(frames.len());
                }
                Err(e) => assert_eq!(e.kind, ErrorKind::ImageDamage, "prefix {n}"),
            }
        }
        // Some prefix holds the first frame only: it plays that frame instead of failing.
        assert!(counts.contains(&1), "{counts:?}");
        assert_eq!(
            decode_frames(b"GIF89a", Format::Gif, BUDGET).unwrap_err().kind,
            ErrorKind::ImageDamage
        );
    }

    #[test]
    fn gif_round_trip_keeps_frames_pixels_and_delays() {
        // Two 4×3 frames with few colours (exact palette, no quantisation loss), one with a
        // transparent pixel where the other is opaque.
        let a = Image::filled(4, 3, [255, 0, 0, 255]);
        let mut b = Image::filled(4, 3, [0, 0, 255, 255]);
        b.pixels[3] = 0;
        let frames =
            vec![Frame { image: a.clone(), delay_ms: 70 }, Frame { image: b, delay_ms: 1230 }];
        let bytes = encode_frames(&frames, &gif_out(), Some(0)).unwrap();
        let back = decode_frames(&bytes, Format::Gif, BUDGET).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].image, a);
        assert_eq!(back[0].delay_ms, 70);
        assert_eq!(back[1].delay_ms, 1230);
        // Disposal to background: the transparent pixel does not show the red frame.
        assert_eq!(back[1].image.pixel(0, 0)[3], 0);
        assert_eq!(back[1].image.pixel(1, 0), [0, 0, 255, 255]);
        // Loops forever: NETSCAPE2.0 application extension with loop count 0.
        let netscape = bytes.windows(11).position(|w| w == b"NETSCAPE2.0").unwrap();
        assert_eq!(&bytes[netscape + 11..netscape + 15], &[3, 1, 0, 0]);
    }

    #[test]
    fn encode_refuses_bad_frame_sets() {
        assert_eq!(
            encode_frames(&[], &gif_out(), Some(0)).unwrap_err().kind,
            ErrorKind::InternalError
        );
        let mixed = [
            Frame { image: Image::filled(2, 2, [0; 4]), delay_ms: 0 },
            Frame { image: Image::filled(3, 2, [0; 4]), delay_ms: 0 },
        ];
        assert_eq!(
            encode_frames(&mixed, &gif_out(), None).unwrap_err().kind,
            ErrorKind::InternalError
        );
        let png = OutputSpec { format: Format::Png, ..gif_out() };
        assert_eq!(
            encode_frames(&mixed[..1], &png, None).unwrap_err().kind,
            ErrorKind::InternalError
        );
    }
}

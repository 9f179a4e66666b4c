//! Colour management at decode time: converts pixels described by an embedded ICC profile
//! (Display P3, Adobe RGB, ProPhoto, grey profiles, CMYK) to sRGB with `moxcms`, and converts
//! CMYK JPEG data to RGB (through its profile, or naively when it has none).
//!
//! A profile that fails to parse, or whose colour space does not match the decoded pixels, is
//! ignored: the pixels are taken as sRGB and the request never fails because of it. Profiles
//! that are colorimetrically sRGB are detected and skipped, so sRGB sources pass bit-exact.

use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions, Xyzd};

use crate::pipeline::Image;

/// How the decoded RGBA pixels relate to the source's channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Model {
    /// Colour source (R, G, B are independent).
    Rgb,
    /// Grey source (R = G = B replicate the single channel).
    Gray,
}

/// Pixels converted per `moxcms` call: keeps the scratch buffers small (≈ 64–256 KiB) whatever
/// the image size.
const STRIP_PIXELS: usize = 16 * 1024;

/// Converts `img` in place from the colour space of `profile` to sRGB. Returns true when a
/// conversion was applied; false when the profile is sRGB, unusable or does not fit `model`.
/// Alpha is preserved.
pub(crate) fn to_srgb(img: &mut Image, profile: &[u8], model: Model) -> bool {
    let Ok(src) = ColorProfile::new_from_slice(profile) else {
        return false;
    };
    let dst = ColorProfile::new_srgb();
    let opts = TransformOptions::default();
    match (model, src.color_space) {
        // A grey image tagged with an RGB profile (e.g. a grey JPEG carrying sRGB) is handled as
        // RGB: the replicated channels convert exactly like an RGB pixel.
        (Model::Rgb | Model::Gray, DataColorSpace::Rgb) => {
            if is_srgb(&src) {
                return false;
            }
            let Ok(t) = src.create_transform_8bit(Layout::Rgba, &dst, Layout::Rgba, opts) else {
                return false;
            };
            let mut scratch = vec![0u8; STRIP_PIXELS * 4];
            for strip in img.pixels.chunks_mut(STRIP_PIXELS * 4) {
                let out = &mut scratch[..strip.len()];
                if t.transform(strip, out).is_err() {
                    return false;
                }
                for (d, s) in strip.chunks_exact_mut(4).zip(out.chunks_exact(4)) {
                    d[..3].copy_from_slice(&s[..3]); // keep the source alpha as is
                }
            }
            true
        }
        (Model::Gray, DataColorSpace::Gray) => {
            let Ok(t) = src.create_transform_8bit(Layout::GrayAlpha, &dst, Layout::Rgba, opts)
            else {
                return false;
            };
            let mut gray = vec![0u8; STRIP_PIXELS * 2];
            let mut out = vec![0u8; STRIP_PIXELS * 4];
            for strip in img.pixels.chunks_mut(STRIP_PIXELS * 4) {
                let n = strip.len() / 4;
                for (g, p) in gray.chunks_exact_mut(2).zip(strip.chunks_exact(4)) {
                    g[0] = p[0];
                    g[1] = p[3];
                }
                if t.transform(&gray[..n * 2], &mut out[..n * 4]).is_err() {
                    return false;
                }
                for (d, s) in strip.chunks_exact_mut(4).zip(out.chunks_exact(4)) {
                    d[..3].copy_from_slice(&s[..3]);
                }
            }
            true
        }
        _ => false,
    }
}

/// True when [`to_srgb`] may change RGB pixels described by `profile`: it parses as an RGB
/// profile that is not sRGB. Decoders that would skip the RGBA conversion (the planar JPEG path)
/// must not when this holds.
pub(crate) fn converts_rgb(profile: &[u8]) -> bool {
    ColorProfile::new_from_slice(profile)
        .is_ok_and(|p| p.color_space == DataColorSpace::Rgb && !is_srgb(&p))
}

/// True when an RGB profile is colorimetrically sRGB: the same primaries (within 0.002 in XYZ,
/// which absorbs the s15Fixed16 rounding and the slightly different primaries vendors' sRGB
/// profiles carry, while Display P3's red X differs by ≈ 0.08) and tone curves whose 8-bit
/// linearisation tables match sRGB's within 0.001 (< ¼ of an 8-bit step in the mid-tones; a pure
/// 2.2 gamma deviates by ≈ 0.01 and is therefore converted).
fn is_srgb(p: &ColorProfile) -> bool {
    if !p.is_matrix_shaper() {
        return false;
    }
    let s = ColorProfile::new_srgb();
    let close = |a: Xyzd, b: Xyzd| {
        (a.x - b.x).abs() < 0.002 && (a.y - b.y).abs() < 0.002 && (a.z - b.z).abs() < 0.002
    };
    if !close(p.red_colorant, s.red_colorant)
        || !close(p.green_colorant, s.green_colorant)
        || !close(p.blue_colorant, s.blue_colorant)
    {
        return false;
    }
    let Ok(reference) = s.build_8bit_lin_table(&s.red_trc) else {
        return false;
    };
    [&p.red_trc, &p.green_trc, &p.blue_trc].into_iter().all(|trc| {
        p.build_8bit_lin_table(trc)
            .map(|t| t.iter().zip(reference.iter()).all(|(a, b)| (a - b).abs() < 0.001))
            .unwrap_or(false)
    })
}

/// Converts CMYK pixels (4 bytes each, as libjpeg-turbo outputs them) to opaque RGBA in place.
/// `inverted`: the data is Adobe-inverted (255 = no ink), as JPEGs with an Adobe APP14 marker
/// store it. With a usable CMYK `profile` the conversion goes through it (perceptual intent);
/// otherwise the naive `R = (1 − C)(1 − K)` formula is used, as browsers and Pillow do.
pub(crate) fn cmyk_to_rgba(buf: &mut [u8], profile: Option<&[u8]>, inverted: bool) {
    // Normalise to ICC convention: 0 = no ink.
    if inverted {
        for v in buf.iter_mut() {
            *v = 255 - *v;
        }
    }
    // Bytes already converted through the profile; the rest (all of it without a usable
    // profile, or from a strip moxcms refused) is converted naively.
    let mut done = 0;
    if let Some(t) = profile
        .and_then(|p| ColorProfile::new_from_slice(p).ok())
        .filter(|p| p.color_space == DataColorSpace::Cmyk)
        .and_then(|p| {
            p.create_transform_8bit(
                Layout::Rgba,
                &ColorProfile::new_srgb(),
                Layout::Rgb,
                TransformOptions::default(),
            )
            .ok()
        })
    {
        let mut rgb = vec![0u8; STRIP_PIXELS * 3];
        for strip in buf.chunks_mut(STRIP_PIXELS * 4) {
            let n = strip.len() / 4;
            if t.transform(strip, &mut rgb[..n * 3]).is_err() {
                break;
            }
            for (d, s) in strip.chunks_exact_mut(4).zip(rgb.chunks_exact(3)) {
                d[..3].copy_from_slice(s);
                d[3] = 255;
            }
            done += strip.len();
        }
    }
    for p in buf[done..].chunks_exact_mut(4) {
        let k = 255 - u32::from(p[3]);
        let ch = |c: u8| (((255 - u32::from(c)) * k + 127) / 255) as u8;
        let (r, g, b) = (ch(p[0]), ch(p[1]), ch(p[2]));
        p.copy_from_slice(&[r, g, b, 255]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_cmyk_handles_inversion() {
        // Adobe-inverted: 255 = no ink, so (255,255,255,255) is paper white.
        let mut px = vec![255, 255, 255, 255, 0, 255, 255, 255];
        cmyk_to_rgba(&mut px, None, true);
        // White; then full cyan ink → (0, 255, 255).
        assert_eq!(px, vec![255, 255, 255, 255, 0, 255, 255, 255]);
        // Plain CMYK: 0 = no ink; full black K → black.
        let mut px = vec![0, 0, 0, 255];
        cmyk_to_rgba(&mut px, None, false);
        assert_eq!(px, vec![0, 0, 0, 255]);
    }

    #[test]
    fn garbage_and_srgb_profiles_are_no_ops() {
        let mut img = Image::filled(3, 2, [10, 200, 30, 128]);
        assert!(!to_srgb(&mut img, b"not an icc profile", Model::Rgb));
        assert_eq!(img, Image::filled(3, 2, [10, 200, 30, 128]));
        let srgb = ColorProfile::new_srgb().encode().expect("encode sRGB");
        assert!(!to_srgb(&mut img, &srgb, Model::Rgb));
        assert_eq!(img.pixel(2, 1), [10, 200, 30, 128]);
    }

    #[test]
    fn display_p3_red_becomes_more_saturated_srgb() {
        // A mid P3 red is a more saturated colour than the same numbers in sRGB: after
        // conversion R rises and G/B fall. Alpha is kept.
        let p3 = ColorProfile::new_display_p3().encode().expect("encode P3");
        let mut img = Image::filled(1, 1, [200, 100, 100, 77]);
        assert!(to_srgb(&mut img, &p3, Model::Rgb));
        let [r, g, b, a] = img.pixel(0, 0);
        assert!(r > 205 && g < 95 && b < 100, "{r},{g},{b}");
        assert_eq!(a, 77);
    }
}

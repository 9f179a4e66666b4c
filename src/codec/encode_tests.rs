//! Encoder tests: round trips through our own decoder for every output format, with exact
//! dimensions and per-format pixel tolerances, plus the container details OSS relies on.

use super::*;
use crate::codec::decode;
use crate::plan::DecodeSpec;

/// A smooth, photo-like opaque test card with odd dimensions (partial MCUs at both edges).
fn card(w: u32, h: u32) -> Image {
    let mut img = Image::filled(w, h, [0, 0, 0, 255]);
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 4) as usize;
            img.pixels[i] = (x * 255 / (w - 1)) as u8;
            img.pixels[i + 1] = (y * 255 / (h - 1)) as u8;
            img.pixels[i + 2] = (((x + y) * 255) / (w + h - 2)) as u8;
        }
    }
    img
}

/// `card` with an alpha ramp left to right: the first columns are fully transparent, the last
/// fully opaque, partial alpha in between.
fn card_alpha(w: u32, h: u32) -> Image {
    let mut img = card(w, h);
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 4 + 3) as usize;
            img.pixels[i] = match x {
                x if x < w / 4 => 0,
                x if x >= 3 * w / 4 => 255,
                x => ((x - w / 4) * 255 / (w / 2)) as u8,
            };
        }
    }
    img
}

fn spec(format: Format) -> OutputSpec {
    OutputSpec { format, quality: 90, lossless: false, progressive: false, trellis: false }
}

fn roundtrip(img: &Image, out: &OutputSpec) -> Image {
    let bytes = encode(img, out).unwrap_or_else(|e| panic!("{:?}: {e}", out.format));
    let back = decode(&bytes, out.format, &DecodeSpec { scale_denom: 1 }).unwrap();
    assert_eq!((back.width, back.height), (img.width, img.height), "{:?}", out.format);
    back
}

/// (max, mean) absolute difference over all four channels.
fn diff(a: &Image, b: &Image) -> (u8, f64) {
    let mut max = 0;
    let mut sum = 0u64;
    for (p, q) in a.pixels.iter().zip(&b.pixels) {
        max = max.max(p.abs_diff(*q));
        sum += u64::from(p.abs_diff(*q));
    }
    (max, sum as f64 / a.pixels.len() as f64)
}

/// Straight-alpha images are equal when alpha matches everywhere and colour matches wherever
/// the pixel is visible (colour under alpha 0 carries no information; libwebp drops it).
fn same_visible(a: &Image, b: &Image) -> bool {
    a.pixels
        .chunks_exact(4)
        .zip(b.pixels.chunks_exact(4))
        .all(|(p, q)| p[3] == q[3] && (p[3] == 0 || p == q))
}

#[test]
fn lossless_formats_round_trip_exactly() {
    let opaque = card(67, 43);
    let alpha = card_alpha(67, 43);
    for f in [Format::Png, Format::Bmp, Format::Tiff] {
        assert_eq!(roundtrip(&opaque, &spec(f)), opaque, "{f:?} opaque");
        assert_eq!(roundtrip(&alpha, &spec(f)), alpha, "{f:?} alpha");
    }
    let lossless = OutputSpec { lossless: true, ..spec(Format::Webp) };
    assert_eq!(roundtrip(&opaque, &lossless), opaque);
    assert!(same_visible(&roundtrip(&alpha, &lossless), &alpha));
}

#[test]
fn lossy_formats_round_trip_within_tolerance() {
    let opaque = card(67, 43);
    // JPEG q90 4:2:0 on a smooth card: measured max 5, mean 0.59 (over RGBA); 2× headroom
    // for libjpeg-turbo SIMD/version differences.
    let (max, mean) = diff(&roundtrip(&opaque, &spec(Format::Jpg)), &opaque);
    assert!(mean < 1.2 && max <= 10, "jpg: max {max}, mean {mean}");
    // Lossy WebP q90 (4:2:0 as well): measured max 6, mean 1.13.
    let (max, mean) = diff(&roundtrip(&opaque, &spec(Format::Webp)), &opaque);
    assert!(mean < 2.3 && max <= 12, "webp: max {max}, mean {mean}");
    // GIF: 256 NeuQuant colours for a card of 2 881 distinct colours, so palette cells are
    // ~3 pixels of gradient wide (≈ ±10 levels per channel); measured mean 6.4 over RGBA.
    let (max, mean) = diff(&roundtrip(&opaque, &spec(Format::Gif)), &opaque);
    assert!(mean < 8.0 && max < 64, "gif: max {max}, mean {mean}");
    // Lossy WebP with alpha: alpha itself is coded losslessly.
    let alpha = card_alpha(67, 43);
    let back = roundtrip(&alpha, &spec(Format::Webp));
    assert!(back
        .pixels
        .chunks_exact(4)
        .zip(alpha.pixels.chunks_exact(4))
        .all(|(p, q)| p[3] == q[3]));
    // GIF keeps fully transparent pixels transparent and the opaque ones opaque.
    let back = roundtrip(&alpha, &spec(Format::Gif));
    assert_eq!(back.pixel(0, 0)[3], 0);
    assert_eq!(back.pixel(66, 42)[3], 255);
}

#[test]
fn gif_alpha_is_thresholded_at_half_coverage() {
    // Alpha 127 (just under half) is dropped, 128 kept opaque with its colour.
    let mut img = Image::filled(2, 1, [200, 10, 10, 127]);
    img.pixels[7] = 128;
    let back = roundtrip(&img, &spec(Format::Gif));
    assert_eq!(back.pixel(0, 0)[3], 0);
    assert_eq!(back.pixel(1, 0), [200, 10, 10, 255]);
}

#[test]
fn jpeg_quality_and_progressive_are_honoured() {
    let img = card(200, 120);
    let q95 = encode(&img, &OutputSpec { quality: 95, ..spec(Format::Jpg) }).unwrap();
    let q10 = encode(&img, &OutputSpec { quality: 10, ..spec(Format::Jpg) }).unwrap();
    assert!(q10.len() < q95.len() / 2, "q10 {} vs q95 {}", q10.len(), q95.len());
    let has = |b: &[u8], marker: u8| b.windows(2).any(|w| w == [0xFF, marker]);
    let baseline = encode(&img, &spec(Format::Jpg)).unwrap();
    assert!(has(&baseline, 0xC0) && !has(&baseline, 0xC2));
    let progressive = encode(&img, &OutputSpec { progressive: true, ..spec(Format::Jpg) }).unwrap();
    assert!(has(&progressive, 0xC2), "no SOF2 marker");
    assert!(!has(&progressive, 0xC0));
    // Out-of-range quality is clamped, not refused.
    assert!(encode(&img, &OutputSpec { quality: 0, ..spec(Format::Jpg) }).is_ok());
    assert!(encode(&img, &OutputSpec { quality: 250, ..spec(Format::Jpg) }).is_ok());
}

#[test]
fn jpeg_output_is_white_where_the_source_is_transparent() {
    // Left quarter fully transparent (over saturated colours), right quarter opaque.
    let img = card_alpha(128, 64);
    let back = roundtrip(&img, &spec(Format::Jpg));
    // Deep inside the transparent block (away from the 4:2:0 chroma transition): white ±3.
    for (x, y) in [(4, 4), (10, 30), (20, 60)] {
        let p = back.pixel(x, y);
        assert!(p[..3].iter().all(|&c| c >= 252) && p[3] == 255, "({x},{y}) {p:?}");
    }
    // Opaque area keeps its colour (±8 for q90 4:2:0).
    let (p, q) = (back.pixel(120, 32), img.pixel(120, 32));
    assert!((0..3).all(|c| p[c].abs_diff(q[c]) <= 8), "{p:?} vs {q:?}");
    // Half transparency blends halfway to white.
    let half = Image::filled(16, 16, [0, 0, 0, 128]);
    let back = roundtrip(&half, &spec(Format::Jpg));
    let p = back.pixel(8, 8);
    assert!(p[..3].iter().all(|&c| c.abs_diff(127) <= 2), "{p:?}");
}

#[test]
fn flatten_on_white_formula() {
    let img =
        Image { width: 3, height: 1, pixels: vec![10, 20, 30, 0, 0, 0, 0, 128, 200, 100, 50, 255] };
    assert_eq!(
        flatten_on_white(&img),
        vec![255, 255, 255, 255, 127, 127, 127, 255, 200, 100, 50, 255]
    );
}

#[test]
fn opaque_images_are_written_without_alpha() {
    let opaque = card(20, 10);
    let alpha = card_alpha(20, 10);
    // PNG IHDR colour type (byte 25): 2 = RGB, 6 = RGBA.
    assert_eq!(encode(&opaque, &spec(Format::Png)).unwrap()[25], 2);
    assert_eq!(encode(&alpha, &spec(Format::Png)).unwrap()[25], 6);
    // BMP bits per pixel (bytes 28–29): 24 opaque, 32 with alpha.
    assert_eq!(encode(&opaque, &spec(Format::Bmp)).unwrap()[28], 24);
    assert_eq!(encode(&alpha, &spec(Format::Bmp)).unwrap()[28], 32);
    // WebP: an alpha source gets a VP8X header with the alpha flag (0x10); opaque lossy is VP8.
    let w = encode(&alpha, &spec(Format::Webp)).unwrap();
    assert_eq!(&w[12..16], b"VP8X");
    assert_ne!(w[20] & 0x10, 0);
    assert_eq!(&encode(&opaque, &spec(Format::Webp)).unwrap()[12..16], b"VP8 ");
    assert_eq!(
        &encode(&opaque, &OutputSpec { lossless: true, ..spec(Format::Webp) }).unwrap()[12..16],
        b"VP8L"
    );
}

#[test]
fn limits_and_unsupported_outputs() {
    let wide = Image::filled(16_384, 1, [1, 2, 3, 255]);
    assert_eq!(encode(&wide, &spec(Format::Webp)).unwrap_err().kind, ErrorKind::ImageTooLarge);
    assert!(encode(&Image::filled(16_383, 1, [1, 2, 3, 255]), &spec(Format::Webp)).is_ok());
    let tall = Image::filled(1, 65_536, [1, 2, 3, 255]);
    for f in [Format::Heic, Format::Avif] {
        assert_eq!(encode(&tall, &spec(f)).unwrap_err().kind, ErrorKind::ImageTooLarge);
    }
    let broken = Image { width: 4, height: 4, pixels: vec![0; 7] };
    assert_eq!(encode(&broken, &spec(Format::Png)).unwrap_err().kind, ErrorKind::InternalError);
}

#[test]
fn decoded_photo_reencodes_in_every_format() {
    let b = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/example.jpg")).unwrap();
    let img = decode(&b, Format::Jpg, &DecodeSpec { scale_denom: 2 }).unwrap();
    for f in [
        Format::Jpg,
        Format::Png,
        Format::Webp,
        Format::Bmp,
        Format::Gif,
        Format::Tiff,
        Format::Avif,
        Format::Heic,
    ] {
        let back = roundtrip(&img, &spec(f));
        let (_, mean) = diff(&back, &img);
        // Lossless formats are exact; JPEG/WebP q90 and the GIF palette stay close on a photo.
        let tol = match f {
            Format::Png | Format::Bmp | Format::Tiff => 0.0,
            Format::Gif => 6.0,
            // AV1/HEVC at q90 on a half-size photo: within 3 like JPEG/WebP.
            _ => 3.0,
        };
        assert!(mean <= tol, "{f:?}: mean {mean}");
    }
}

//! Decoder tests over real files copied into `tests/data/` (dimensions from the test corpus's
//! MANIFEST.md, read by exiftool), plus colour-management and hostile-input checks.

use super::*;
use crate::plan::scaled_dim;
use crate::ErrorKind;

fn data(name: &str) -> Vec<u8> {
    let p = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The container format from magic bytes (what the header probe does in production).
fn sniff(bytes: &[u8]) -> Option<Format> {
    Some(match image::guess_format(bytes).ok()? {
        ImageFormat::Jpeg => Format::Jpg,
        ImageFormat::Png => Format::Png,
        ImageFormat::Gif => Format::Gif,
        ImageFormat::Bmp => Format::Bmp,
        ImageFormat::Tiff => Format::Tiff,
        ImageFormat::WebP => Format::Webp,
        ImageFormat::Avif => Format::Avif,
        _ => return None,
    })
}

const FULL: DecodeSpec = DecodeSpec { scale_denom: 1 };

fn load(name: &str) -> Result<Image> {
    let b = data(name);
    decode(&b, sniff(&b).expect("known format"), &FULL)
}

const DECODABLE: &[(&str, u32, u32)] = &[
    ("hopper.jpg", 128, 128),
    ("hopper.png", 128, 128),
    ("hopper.gif", 128, 128),
    ("hopper.webp", 128, 128),
    ("transparent.gif", 200, 150),
    ("transparent.webp", 200, 150),
    ("exif_gps.jpg", 8, 8),
    ("16bit.cropped.tif", 64, 64),
    ("12bit.cropped.tif", 100, 100),
    ("16bit.MM.deflate.tif", 64, 64),
    ("multipage.tiff", 10, 10),
    ("g4-fillorder-test.tif", 218, 84),
    ("photoshop-200dpi.jpg", 200, 200),
    ("bmp-g-pal1.bmp", 127, 64),
    ("bmp-g-pal1bg.bmp", 127, 64),
    ("bmp-g-pal4.bmp", 127, 64),
    ("bmp-g-pal4rle.bmp", 127, 64),
    ("bmp-g-pal8.bmp", 127, 64),
    ("bmp-g-pal8rle.bmp", 127, 64),
    ("bmp-g-pal8os2.bmp", 127, 64),
    ("bmp-g-pal8topdown.bmp", 127, 64),
    ("bmp-g-pal8v4.bmp", 127, 64),
    ("bmp-g-pal8v5.bmp", 127, 64),
    ("bmp-g-pal8w125.bmp", 125, 62),
    ("bmp-g-pal8nonsquare.bmp", 127, 32),
    ("bmp-g-rgb16.bmp", 127, 64),
    ("bmp-g-rgb16-565.bmp", 127, 64),
    ("bmp-g-rgb24.bmp", 127, 64),
    ("bmp-q-rgba32.bmp", 127, 64),
    ("bmp-q-rgba16-4444.bmp", 127, 64),
    ("bmp-q-rgb24jpeg.bmp", 127, 64),
    ("bmp-q-rgb24png.bmp", 127, 64),
    ("bmp-q-pal8oversizepal.bmp", 127, 64),
    ("bmp-q-pal4rletrns.bmp", 127, 64),
    ("png-basn0g01.png", 32, 32),
    ("png-basn0g02.png", 32, 32),
    ("png-basn0g04.png", 32, 32),
    ("png-basn0g08.png", 32, 32),
    ("png-basn0g16.png", 32, 32),
    ("png-basn2c08.png", 32, 32),
    ("png-basn2c16.png", 32, 32),
    ("png-basn3p01.png", 32, 32),
    ("png-basn3p02.png", 32, 32),
    ("png-basn3p04.png", 32, 32),
    ("png-basn3p08.png", 32, 32),
    ("png-basn4a08.png", 32, 32),
    ("png-basn4a16.png", 32, 32),
    ("png-basn6a08.png", 32, 32),
    ("png-basn6a16.png", 32, 32),
    ("png-basi0g08.png", 32, 32),
    ("png-basi2c08.png", 32, 32),
    ("png-basi3p08.png", 32, 32),
    ("png-basi6a08.png", 32, 32),
    ("png-tbbn3p08.png", 32, 32),
    ("png-tbrn2c08.png", 32, 32),
    ("png-tp1n3p08.png", 32, 32),
    ("png-tm3n3p02.png", 32, 32),
    ("png-s01n3p01.png", 1, 1),
    ("png-s01i3p01.png", 1, 1),
    ("png-s09n3p02.png", 9, 9),
    ("png-s39n3p04.png", 39, 39),
    ("png-g03n2c08.png", 32, 32),
    ("png-g25n2c08.png", 32, 32),
    ("png-ccwn2c08.png", 32, 32),
    ("png-cs3n2c16.png", 32, 32),
    ("png-ctzn0g04.png", 32, 32),
    ("png-exif2c08.png", 32, 32),
    ("png-z00n2c08.png", 32, 32),
    ("png-z09n2c08.png", 32, 32),
    ("png-f00n2c08.png", 32, 32),
    ("png-f01n2c08.png", 32, 32),
    ("png-f02n2c08.png", 32, 32),
    ("png-f03n2c08.png", 32, 32),
    ("png-f04n2c08.png", 32, 32),
    ("png-oi9n2c16.png", 32, 32),
    ("png-pp0n6a08.png", 32, 32),
    ("jpg-progressive.jpg", 32, 32),
    ("jpg-size-1x1.jpg", 1, 1),
    ("jpg-size-17x17.jpg", 17, 17),
    ("jpg-size-33x33.jpg", 33, 33),
    ("restarts.jpg", 33, 33),
    ("16bit-qtables.jpg", 1, 1),
    ("jpeg_lossless_sel1.jpg", 256, 256),
    ("non-interleaved-mcu.jpg", 64, 16),
    ("extraneous-data.jpg", 16, 16),
    ("cat.jpg", 320, 240),
    ("simple-rgb.webp", 100, 100),
    ("simple-gray.webp", 100, 100),
    ("lossy_alpha.webp", 100, 100),
    ("2-color.webp", 300, 300),
    ("alpha_gif_a.gif", 256, 256),
    ("interlaced.gif", 32, 32),
    ("rgb32f_color.tiff", 32, 32),
    ("fax4.tiff", 460, 307),
    ("hpredict.tiff", 32, 32),
    ("ycbcr_jpeg_8bit.tif", 512, 384),
    ("testorig.jpg", 227, 149),
    ("testimgari.jpg", 227, 149),
    ("testimgint.jpg", 227, 149),
    ("monkey12.jpg", 149, 227),
    ("non_interleaved_420_64x64.jpg", 64, 64),
    ("non_interleaved_422_64x64.jpg", 64, 64),
    ("non_interleaved_444_64x64.jpg", 64, 64),
    ("sampling_factors.jpg", 400, 225),
    ("1bit.tif", 256, 4),
    ("2bit.tif", 256, 4),
    ("4bit.tif", 256, 4),
    ("ojpeg-strip.tif", 160, 160),
    ("1.webp", 550, 368),
    ("trans-x.gif", 100, 100),
    ("looks-like-svg.webp", 256, 256),
    ("8bit_depth.tiff", 21, 21),
    ("watermark.png", 30, 30),
    ("bmp+alpha.bmp", 50, 50),
    ("rgba_planar.tif", 32, 10),
    ("Channel_digital_image_CMYK_color.jpg", 500, 333),
    ("Channel_digital_image_CMYK_color_no_profile.jpg", 500, 333),
    ("jpg-cmyk-1.jpg", 32, 32),
    ("jpg-cmyk-2.jpg", 256, 256),
    ("cmyk.jpg", 100, 100),
    ("jpg-gray.jpg", 32, 32),
    ("grayscale.jpg", 100, 100),
    ("grayscale-icc.jpg", 50, 50),
    ("P3-sRGB-color-bars.jpg", 1000, 800),
    ("p3.png", 8, 8),
    ("prophoto.png", 1, 1),
    ("icc_profile.png", 57, 57),
    ("icc-after-SOF.jpg", 10, 10),
    ("jpg-srgb-icc.jpg", 1, 1),
    ("rgb.jpg", 500, 333),
    ("16-bit-grey-alpha.png", 109, 96),
    ("Flag_of_the_Netherlands-16bit.png", 900, 600),
    ("example.jpg", 400, 267),
];

/// Files of the table above that this build cannot decode, all of which answer `ImageDamage`:
/// variants the `image` crate does not implement (Pillow fails on the three BMP ones too).
const UNSUPPORTED: &[&str] = &[
    "g4-fillorder-test.tif",     // CCITT G4 with FillOrder=2
    "bmp-q-rgb24jpeg.bmp",       // BMP wrapping a JPEG
    "bmp-q-rgb24png.bmp",        // BMP wrapping a PNG
    "bmp-q-pal8oversizepal.bmp", // palette larger than the bit depth allows
];

#[test]
fn every_copied_file_decodes_to_its_manifest_size() {
    let mut decoded = 0;
    for &(name, w, h) in DECODABLE {
        match load(name) {
            Ok(img) => {
                assert!(!UNSUPPORTED.contains(&name), "{name} now decodes: update UNSUPPORTED");
                assert_eq!((img.width, img.height), (w, h), "{name}");
                assert_eq!(img.pixels.len(), (w * h * 4) as usize, "{name}");
                decoded += 1;
            }
            Err(e) => {
                assert!(UNSUPPORTED.contains(&name), "{name}: {e}");
                assert_eq!(e.kind, ErrorKind::ImageDamage, "{name}");
            }
        }
    }
    assert_eq!(decoded, DECODABLE.len() - UNSUPPORTED.len());
}

#[test]
fn same_picture_in_several_formats_decodes_alike() {
    let png = load("hopper.png").unwrap();
    // PNG and BMP are lossless copies of each other.
    assert_eq!(load("hopper.bmp").unwrap(), png);
    // JPEG: Pillow (also libjpeg-turbo) measures max 3 / mean 0.05 against the PNG; allow 4 / 0.2
    // for IDCT/upsampling differences.
    let jpg = load("hopper.jpg").unwrap();
    let (max, mean) = diff(&jpg, &png);
    assert!(max <= 4 && mean < 0.2, "jpg vs png: max {max}, mean {mean}");
    // Lossy WebP and the 256-colour GIF: Pillow measures mean ≈ 3.8 and 4.0.
    for f in ["hopper.webp", "hopper.gif"] {
        let (_, mean) = diff(&load(f).unwrap(), &png);
        assert!(mean < 5.0, "{f}: mean {mean}");
    }
}

/// (max, mean) absolute difference over the RGB channels of two same-sized images.
fn diff(a: &Image, b: &Image) -> (u8, f64) {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let mut max = 0u8;
    let mut sum = 0u64;
    for (p, q) in a.pixels.chunks_exact(4).zip(b.pixels.chunks_exact(4)) {
        for c in 0..3 {
            let d = p[c].abs_diff(q[c]);
            max = max.max(d);
            sum += u64::from(d);
        }
    }
    (max, sum as f64 / (a.pixels.len() / 4 * 3) as f64)
}

/// Mean of each RGB channel.
fn mean_rgb(img: &Image) -> [f64; 3] {
    let mut s = [0u64; 3];
    for p in img.pixels.chunks_exact(4) {
        for c in 0..3 {
            s[c] += u64::from(p[c]);
        }
    }
    let n = (img.pixels.len() / 4) as f64;
    s.map(|v| v as f64 / n)
}

#[test]
fn shrink_on_load_sizes_are_ceil_of_the_scale() {
    let b = data("example.jpg"); // 400×267
    let full = decode(&b, Format::Jpg, &FULL).unwrap();
    assert_eq!((full.width, full.height), (400, 267));
    let full_mean = mean_rgb(&full);
    for (denom, w, h) in [(2, 200, 134), (4, 100, 67), (8, 50, 34)] {
        let img = decode(&b, Format::Jpg, &DecodeSpec { scale_denom: denom }).unwrap();
        assert_eq!((img.width, img.height), (w, h), "1/{denom}");
        assert_eq!((w, h), (scaled_dim(400, denom), scaled_dim(267, denom)));
        // DCT scaling averages blocks, so the picture's mean colour is preserved (±2 levels).
        let m = mean_rgb(&img);
        for c in 0..3 {
            assert!(
                (m[c] - full_mean[c]).abs() < 2.0,
                "1/{denom} channel {c}: {} vs {}",
                m[c],
                full_mean[c]
            );
        }
    }
    // A lossless JPEG cannot be DCT-scaled: it is decoded whole and box-shrunk to the same size.
    let ll = data("jpeg_lossless_sel1.jpg"); // 256×256, 16-bit grey
    let img = decode(&ll, Format::Jpg, &DecodeSpec { scale_denom: 8 }).unwrap();
    assert_eq!((img.width, img.height), (32, 32));
    // Other formats honour the denominator the same way (17×17 is not a multiple of 4).
    let png = data("png-basn2c08.png"); // 32×32
    let img = decode(&png, Format::Png, &DecodeSpec { scale_denom: 4 }).unwrap();
    assert_eq!((img.width, img.height), (8, 8));
    let j17 = data("jpg-size-17x17.jpg");
    let img = decode(&j17, Format::Jpg, &DecodeSpec { scale_denom: 4 }).unwrap();
    assert_eq!((img.width, img.height), (5, 5));
    // Anything but 1/2/4/8 is a planner bug.
    let e = decode(&b, Format::Jpg, &DecodeSpec { scale_denom: 3 }).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InternalError);
}

#[test]
fn grayscale_jpegs_are_neutral_and_opaque() {
    for f in ["grayscale.jpg", "jpg-gray.jpg", "icc-after-SOF.jpg"] {
        let img = load(f).unwrap();
        assert!(
            img.pixels.chunks_exact(4).all(|p| p[0] == p[1] && p[1] == p[2] && p[3] == 255),
            "{f}"
        );
    }
    // Pillow reads 191 at the centre of grayscale.jpg.
    assert_eq!(load("grayscale.jpg").unwrap().pixel(50, 50), [191, 191, 191, 255]);
}

#[test]
fn grey_icc_profile_is_converted() {
    // "Dot Gain 20%" grey profile: stored 186 is printed darker, i.e. displays as sRGB 200
    // (LittleCMS through Pillow's ImageCms gives 200 at (25,25)); ±3 for CMS differences.
    let img = load("grayscale-icc.jpg").unwrap();
    let p = img.pixel(25, 25);
    assert!(p[0].abs_diff(200) <= 3 && p[0] == p[1] && p[1] == p[2], "{p:?}");
}

#[test]
fn cmyk_jpegs_convert_to_plausible_rgb() {
    // The same photo stored as RGB (rgb.jpg) and as Adobe-inverted YCCK CMYK with a SWOP
    // profile / without one. Reference (Pillow + LittleCMS): mean |ΔRGB| to rgb.jpg is
    // 12.9/11.6/14.9 through the profile and 4.1 with the naive formula. A missed inversion
    // would give a photographic negative (mean Δ ≫ 60).
    let rgb = load("rgb.jpg").unwrap();
    let (_, icc_mean) = diff(&load("Channel_digital_image_CMYK_color.jpg").unwrap(), &rgb);
    // Measured 13.1. Above 8 proves the profile (not the naive formula, 4.1) was used.
    assert!(icc_mean > 8.0 && icc_mean < 20.0, "with profile: {icc_mean}");
    let naive = load("Channel_digital_image_CMYK_color_no_profile.jpg").unwrap();
    let (_, naive_mean) = diff(&naive, &rgb);
    assert!(naive_mean < 6.0, "naive: {naive_mean}");
    // Small CMYK files without profiles: Pillow's naive conversion gives these pixels
    // (exact formula, libjpeg-turbo vs libjpeg IDCT: ±3).
    let near = |p: [u8; 4], q: [u8; 3]| (0..3).all(|c| p[c].abs_diff(q[c]) <= 3) && p[3] == 255;
    let c = load("cmyk.jpg").unwrap();
    assert!(near(c.pixel(50, 50), [129, 128, 255]), "{:?}", c.pixel(50, 50));
    assert!(near(c.pixel(2, 2), [6, 5, 255]), "{:?}", c.pixel(2, 2));
    let c1 = load("jpg-cmyk-1.jpg").unwrap();
    assert!(near(c1.pixel(16, 16), [123, 123, 8]), "{:?}", c1.pixel(16, 16));
    let c2 = load("jpg-cmyk-2.jpg").unwrap();
    assert!(near(c2.pixel(2, 2), [255, 255, 255]), "{:?}", c2.pixel(2, 2));
}

#[test]
fn display_p3_jpeg_becomes_srgb() {
    // P3-sRGB-color-bars.jpg carries a DCI-P3 D65 profile. Reference values are LittleCMS's
    // (Pillow ImageCms, perceptual): P3 cyan (116,250,249) is outside sRGB and maps to
    // (4,254,251) — red drops by 112; P3 green (34,255,1) clips to (0,255,0). ±4 allows for
    // the two CMSs' LUT precision.
    let img = load("P3-sRGB-color-bars.jpg").unwrap();
    let near = |x: u32, y: u32, q: [u8; 3]| {
        let p = img.pixel(x, y);
        assert!((0..3).all(|c| p[c].abs_diff(q[c]) <= 4), "({x},{y}): {p:?} vs {q:?}");
    };
    near(500, 300, [4, 254, 251]);
    near(700, 400, [0, 255, 0]);
    near(250, 600, [59, 0, 135]);
    near(100, 400, [255, 0, 186]);
}

#[test]
fn png_icc_profiles_are_converted() {
    // ProPhoto (131,141,192) → sRGB (117,160,210) per LittleCMS; P3 (241,0,0) → (255,0,0).
    let p = load("prophoto.png").unwrap().pixel(0, 0);
    assert!(p[0].abs_diff(117) <= 4 && p[1].abs_diff(160) <= 4 && p[2].abs_diff(210) <= 4, "{p:?}");
    let p3 = load("p3.png").unwrap();
    let p = p3.pixel(0, 0);
    assert!(p[0] >= 251 && p[1] <= 4 && p[2] <= 4, "{p:?}");
    // An sRGB iCCP leaves the pixels untouched: same as decoding with the profile ignored.
    let b = data("icc_profile.png");
    let plain = image::load_from_memory(&b).unwrap().into_rgba8().into_raw();
    assert_eq!(load("icc_profile.png").unwrap().pixels, plain);
}

#[test]
fn sixteen_bit_and_alpha_sources_narrow_correctly() {
    // 16-bit RGB flag: red band, white band, blue band.
    let flag = load("Flag_of_the_Netherlands-16bit.png").unwrap();
    assert_eq!((flag.width, flag.height), (900, 600));
    assert_eq!(flag.pixel(450, 300), [255, 255, 255, 255]);
    // 16-bit grey+alpha: grey stays neutral, alpha is kept.
    let ga = load("16-bit-grey-alpha.png").unwrap();
    assert!(ga.pixels.chunks_exact(4).all(|p| p[0] == p[1] && p[1] == p[2]));
    assert!(ga.has_transparency());
    // Lossy WebP with alpha and a transparent GIF keep transparency.
    assert!(load("lossy_alpha.webp").unwrap().has_transparency());
    assert!(load("transparent.gif").unwrap().has_transparency());
    assert!(!load("hopper.webp").unwrap().has_transparency());
    // 12-bit JPEG (SOF1): decoded and narrowed to 8 bits.
    let m = load("monkey12.jpg").unwrap();
    assert_eq!((m.width, m.height), (149, 227));
    let mean = mean_rgb(&m);
    assert!(mean.iter().all(|&v| v > 20.0 && v < 235.0), "{mean:?}");
}

#[test]
fn damaged_heif_is_image_damage_and_avif_has_its_ec() {
    let e = decode(b"\0\0\0\x1cftypavif", Format::Avif, &FULL).unwrap_err();
    assert_eq!((e.kind, e.ec), (ErrorKind::ImageDamage, Some("0040-00000021")));
    let e = decode(b"\0\0\0\x1cftypheic", Format::Heic, &FULL).unwrap_err();
    assert_eq!((e.kind, e.ec), (ErrorKind::ImageDamage, None));
}

#[test]
fn heif_decodes_upright_with_alpha_and_high_bit_depth() {
    let load = |name: &str| {
        let b = data(name);
        decode(&b, crate::codec::sniff(&b).expect("HEIF brand"), &FULL)
    };
    // irot 270 + EXIF orientation 6 on a 4032×3024 grid: upright 3024×4032, turned once.
    let img = load("heic-orientation-6.heic").unwrap();
    assert_eq!((img.width, img.height), (3024, 4032));
    let a = load("with-alpha-512x512.heic").unwrap();
    assert_eq!((a.width, a.height), (512, 512));
    assert!(a.has_transparency());
    for name in ["fox.profile0.10bpc.yuv420.avif", "fox.profile2.12bpc.yuv420.avif"] {
        let deep = load(name).unwrap();
        let eight = load("fox.profile0.8bpc.yuv420.avif").unwrap();
        assert_eq!((deep.width, deep.height), (1204, 800));
        // Same picture, coded at another depth: means within 2 levels.
        let (m, e) = (mean_rgb(&deep), mean_rgb(&eight));
        assert!(m.iter().zip(e).all(|(a, b)| (a - b).abs() < 2.0), "{name}: {m:?} vs {e:?}");
    }
    // Shrink-on-load is not available: a denominator is honoured by a box filter.
    let half = decode(&data("hopper.avif"), Format::Avif, &DecodeSpec { scale_denom: 2 }).unwrap();
    assert_eq!((half.width, half.height), (64, 64));
}

/// The format a corrupt file claims: magic bytes first, then its extension.
fn claimed_format(name: &str, bytes: &[u8]) -> Option<Format> {
    sniff(bytes).or_else(|| {
        Some(match name.rsplit('.').next()?.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Format::Jpg,
            "png" => Format::Png,
            "gif" => Format::Gif,
            "bmp" => Format::Bmp,
            "tif" | "tiff" => Format::Tiff,
            "webp" => Format::Webp,
            "heic" => Format::Heic,
            "avif" => Format::Avif,
            _ => return None,
        })
    })
}

#[test]
fn corrupt_files_never_panic() {
    let dir = format!("{}/tests/data/corrupt", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let b = std::fs::read(&path).unwrap();
        let Some(format) = claimed_format(&name, &b) else {
            continue;
        };
        for denom in [1, 8] {
            // Ok or Err are both fine; a panic fails the test. An Ok image is well-formed.
            if let Ok(img) = decode(&b, format, &DecodeSpec { scale_denom: denom }) {
                assert_eq!(
                    img.pixels.len(),
                    img.width as usize * img.height as usize * 4,
                    "{name}"
                );
            }
        }
        n += 1;
    }
    assert!(n >= 60, "only {n} corrupt files found");
    let kind = |f: &str| {
        let b = data(&format!("corrupt/{f}"));
        decode(&b, claimed_format(f, &b).unwrap(), &FULL).unwrap_err().kind
    };
    assert_eq!(kind("empty.jpg"), ErrorKind::ImageDamage);
    assert_eq!(kind("image_invalid.jpg"), ErrorKind::ImageDamage);
    assert_eq!(kind("missing-sof.jpg"), ErrorKind::ImageDamage);
    assert_eq!(kind("broken.png"), ErrorKind::ImageDamage);
    assert_eq!(kind("zero_width.gif"), ErrorKind::ImageDamage);
    // 16384² = 268 M pixels > 250 M: refused before allocating.
    assert_eq!(kind("16384x16384.png"), ErrorKind::ImageTooLarge);
    assert_eq!(kind("65536-uint32-limit.png"), ErrorKind::ImageTooLarge);
    // 17000² = 289 M pixels: libheif's limit (set to 250 MP) refuses it before decoding.
    assert_eq!(kind("17000x17000.avif"), ErrorKind::ImageTooLarge);
}

#[test]
fn truncated_jpeg_decodes_partially() {
    // Policy (see jpeg.rs): a JPEG cut short decodes with a libjpeg-turbo warning and the
    // missing rows come out flat grey, as browsers show it. truncated.jpg keeps only the
    // first 10 000 bytes of a 2725×2225 photo: the bottom row is uniform mid-grey.
    let img = load("corrupt/truncated.jpg").unwrap();
    assert_eq!((img.width, img.height), (2725, 2225));
    let y = img.height - 1;
    let first = img.pixel(0, y);
    assert!((0..img.width).all(|x| img.pixel(x, y) == first));
    assert!(first[0].abs_diff(128) <= 2 && first[3] == 255, "{first:?}");
}

/// Where the full shared corpus lives (CI: `../shared/testdata` from the repo root; a worktree
/// under `wt/` has it one level further up). Tests using it skip cleanly when it is absent.
fn shared_testdata() -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    [root.join("../shared/testdata"), root.join("../../shared/testdata")]
        .into_iter()
        .find(|p| p.join("MANIFEST.md").is_file())
}

#[test]
fn shared_corpus_decodes_to_manifest_sizes() {
    let Some(dir) = shared_testdata() else {
        eprintln!("shared testdata not found; skipping");
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.md")).unwrap();
    let (mut ok, mut failed) = (0, Vec::new());
    for line in manifest.lines().filter(|l| l.starts_with("| `")) {
        let cols: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let path = cols[0].trim_matches('`');
        // animated/: the first frame, at the logical screen size.
        if !["formats/", "color/", "photos/", "animated/"].iter().any(|d| path.starts_with(d)) {
            continue;
        }
        let Some((w, h)) = cols[4]
            .split_once('x')
            .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        else {
            continue;
        };
        let b = std::fs::read(dir.join(path)).unwrap();
        let Some(format) = sniff(&b) else {
            continue;
        };
        // Photos are decoded at 1/8 to keep the test fast; sizes are then ceil(W/8).
        let denom = if path.starts_with("photos/") && format == Format::Jpg { 8 } else { 1 };
        match decode(&b, format, &DecodeSpec { scale_denom: denom }) {
            Ok(img) => {
                assert_eq!(
                    (img.width, img.height),
                    (scaled_dim(w, denom), scaled_dim(h, denom)),
                    "{path}"
                );
                ok += 1;
            }
            Err(e) => failed.push(format!("{path}: {e}")),
        }
    }
    eprintln!("decoded {ok}; not decodable: {failed:#?}");
    // Only image-crate gaps (see UNSUPPORTED, plus the float/12-bit/Lab/CMYK-JPEG TIFFs of the
    // full corpus) may fail; every JPEG, PNG, GIF and WebP must decode.
    for f in &failed {
        assert!(
            f.contains(".tif") || f.contains(".TIF") || f.contains("bmp-q-"),
            "unexpected failure {f}"
        );
    }
    assert!(ok >= 175, "only {ok} decoded"); // 179 at the time of writing
}

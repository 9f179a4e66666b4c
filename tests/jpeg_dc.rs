//! The DC-only 1/8 JPEG decoder (`codec::jpeg_dc`) against libjpeg-turbo's 1/8 decode: exact
//! pixels on every sampling, progressive script, restart interval and odd size in
//! tests/data/jpeg_dc (made by its make.sh) and on the real JPEGs in tests/data; fallbacks
//! (arithmetic, 12-bit, lossless, CMYK, block smoothing) still decode through libjpeg-turbo;
//! corrupted and truncated files never panic and never decode differently. The 1/4
//! low-frequency decode against libjpeg-turbo's 1/4: taken where it applies, close to it.

mod support;

use std::path::{Path, PathBuf};

use ossimg::codec::{decode_jpeg_reduced, decode_jpeg_with};
use ossimg::pipeline::Image;
use support::psnr;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel)
}

fn jpegs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg" || e == "jpeg"))
        .collect();
    v.sort();
    v
}

/// Panics with the first differing pixel.
fn assert_same(name: &str, dc: &Image, lib: &Image) {
    assert_eq!((dc.width, dc.height), (lib.width, lib.height), "{name}: size");
    if let Some(i) = dc.pixels.iter().zip(&lib.pixels).position(|(a, b)| a != b) {
        let p = i / 4;
        panic!(
            "{name}: pixel ({}, {}) differs: dc {:?} libjpeg-turbo {:?}",
            p % dc.width as usize,
            p / dc.width as usize,
            &dc.pixels[p * 4..p * 4 + 4],
            &lib.pixels[p * 4..p * 4 + 4]
        );
    }
}

/// The production decode (`ours`) and libjpeg-turbo's agree: the same pixels, or the same error.
fn assert_same_outcome(name: &str, ours: &ossimg::Result<Image>, lib: &ossimg::Result<Image>) {
    match (ours, lib) {
        (Ok(d), Ok(l)) => assert_same(name, d, l),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
        _ => panic!("{name}: production {:?} vs libjpeg-turbo {:?}", ours.is_ok(), lib.is_ok()),
    }
}

/// The generated files the DC decoder must handle itself.
fn supported(p: &Path) -> bool {
    let n = p.file_name().unwrap().to_str().unwrap();
    !(n.starts_with("arith_") || n.starts_with("unrefined_"))
}

#[test]
fn generated_files_decode_exactly_like_libjpeg_turbo() {
    let files: Vec<PathBuf> =
        jpegs(&data("jpeg_dc")).into_iter().filter(|p| supported(p)).collect();
    assert!(files.len() >= 29, "tests/data/jpeg_dc is incomplete: {}", files.len());
    for p in files {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&p).unwrap();
        let dc = decode_jpeg_reduced(&bytes, 8)
            .unwrap_or_else(|| panic!("{name}: DC decoder refused it"));
        let lib = decode_jpeg_with(&bytes, 8, false).unwrap();
        assert_eq!((dc.width, dc.height), (37, 28), "{name}");
        assert_same(&name, &dc, &lib);
        // And through the production entry point (which picks the DC decoder).
        assert_same(&name, &decode_jpeg_with(&bytes, 8, true).unwrap(), &lib);
    }
}

#[test]
fn real_jpegs_decode_exactly_like_libjpeg_turbo() {
    let mut files = jpegs(&data(""));
    let photos = Path::new("/work/shared/testdata/photos");
    if photos.is_dir() {
        files.extend(jpegs(photos));
    } else {
        eprintln!("{} absent: tests/data only", photos.display());
    }
    let mut dc_used = Vec::new();
    for p in files {
        let bytes = std::fs::read(&p).unwrap();
        if bytes.len() > 4 << 20 {
            continue; // the 33 MP photo: benches/dcdecode.rs
        }
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let lib = decode_jpeg_with(&bytes, 8, false);
        let dc = decode_jpeg_with(&bytes, 8, true);
        assert_same_outcome(&name, &dc, &lib);
        if decode_jpeg_reduced(&bytes, 8).is_some() {
            dc_used.push(name);
        }
    }
    // The real photos the DC decoder must take (baseline 4:2:0 and 4:4:4, progressive,
    // non-interleaved scans, tiny sizes) rather than fall back.
    for must in [
        "Landscape_1.jpg",
        "jpg-progressive.jpg",
        "non_interleaved_420_64x64.jpg",
        "non_interleaved_422_64x64.jpg",
        "non_interleaved_444_64x64.jpg",
        "jpg-size-1x1.jpg",
        "jpg-size-33x33.jpg",
        "grayscale.jpg",
    ] {
        assert!(
            dc_used.iter().any(|n| n == must),
            "{must} fell back; DC decoder used for {dc_used:?}"
        );
    }
}

#[test]
fn unsupported_files_fall_back_to_libjpeg_turbo() {
    for rel in [
        "jpeg_dc/arith_2x2.jpg",
        "jpeg_dc/arith_prog_1x1.jpg",
        "jpeg_dc/unrefined_1x1.jpg",
        "monkey12.jpg",
        "jpeg_lossless_sel1.jpg",
        "Channel_digital_image_CMYK_color.jpg",
        "cmyk.jpg",
    ] {
        let bytes = std::fs::read(data(rel)).unwrap();
        assert!(decode_jpeg_reduced(&bytes, 8).is_none(), "{rel}: DC decoder should refuse it");
        let img = decode_jpeg_with(&bytes, 8, true).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_same(rel, &img, &decode_jpeg_with(&bytes, 8, false).unwrap());
        assert!(img.width > 0 && img.pixels.len() == img.width as usize * img.height as usize * 4);
    }
}

/// 60 deterministically damaged copies of `orig` (xorshift from `seed`), in turn: 1–4 bytes
/// overwritten, one bit flipped, one byte deleted, truncated.
fn damaged(orig: &[u8], mut seed: u64) -> Vec<Vec<u8>> {
    let mut rnd = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    (0..60)
        .map(|round| {
            let mut b = orig.to_vec();
            match round % 4 {
                0 => {
                    for _ in 0..1 + rnd(4) {
                        let i = rnd(b.len());
                        b[i] = rnd(256) as u8;
                    }
                }
                1 => {
                    let i = rnd(b.len());
                    b[i] ^= 1 << rnd(8);
                }
                2 => {
                    let i = rnd(b.len());
                    b.remove(i);
                }
                _ => b.truncate(rnd(b.len())),
            }
            b
        })
        .collect()
}

/// Deterministic corruption: byte overwrites, bit flips, deletions and truncations of
/// sequential, progressive and restart-interval files. The DC decoder must never panic, and
/// whenever it answers, libjpeg-turbo must have decoded the same pixels.
#[test]
fn corrupted_files_never_panic_or_disagree() {
    let mut answered = 0;
    for rel in [
        "base_2x2.jpg",
        "prog_2x2.jpg",
        "sa_2x2_restart5b.jpg",
        "base_1x1_restart1row.jpg",
        "moz_1x1.jpg",
        "prog_4x1.jpg",
    ] {
        let orig = std::fs::read(data("jpeg_dc").join(rel)).unwrap();
        for (round, b) in damaged(&orig, 0x9E37_79B9_7F4A_7C15).into_iter().enumerate() {
            let dc = decode_jpeg_reduced(&b, 8);
            let lib = decode_jpeg_with(&b, 8, false);
            if let Some(d) = dc {
                answered += 1;
                let l = lib.unwrap_or_else(|e| {
                    panic!("{rel} round {round}: DC decoded what libjpeg-turbo refuses: {e}")
                });
                assert_same(&format!("{rel} round {round}"), &d, &l);
            }
        }
    }
    // Header-only damage (e.g. in APPn/COM payloads) leaves files decodable: some answers.
    assert!(answered > 0);
}

/// Inputs the fuzzer (`fuzz/`, target `codec`) found crashing the DC-only decoder: each must be
/// refused (or decoded exactly as libjpeg-turbo does), never panic.
#[test]
fn fuzzer_findings_are_refused_without_a_panic() {
    let dir = data("jpeg_dc/regress");
    let files = jpegs(&dir);
    assert!(!files.is_empty());
    for p in files {
        let b = std::fs::read(&p).unwrap();
        if let Some(d) = decode_jpeg_reduced(&b, 8) {
            let l = decode_jpeg_with(&b, 8, false).expect("libjpeg-turbo decodes it too");
            assert_same(&p.display().to_string(), &d, &l);
        }
        // The production path (jpeg_dc first, libjpeg-turbo behind it) answers, never panics,
        // at both scales jpeg_dc serves.
        let _ = decode_jpeg_with(&b, 8, true);
        let _ = decode_jpeg_reduced(&b, 4);
        let _ = decode_jpeg_with(&b, 4, true);
    }
}

/// The 1/4 low-frequency decode against libjpeg-turbo's 1/4 (box means of every frequency):
/// the same size, and close — the difference is the odd frequencies 3, 5, 7 that libjpeg-turbo
/// folds into its 2×2 means as aliasing. Camera photos stay above 48 dB; files with hard
/// synthetic edges (test patterns, line art) above 35 dB. Whether the thumbnails made from it
/// are as good is measured end to end by benches/shrink.rs (PSNR against a full decode).
#[test]
fn quarter_scale_is_close_to_libjpeg_turbo() {
    let mut files = jpegs(&data(""));
    files.extend(jpegs(&data("jpeg_dc")).into_iter().filter(|p| supported(p)));
    let photos = Path::new("/work/shared/testdata/photos");
    if photos.is_dir() {
        files.extend(
            jpegs(photos).into_iter().filter(|p| std::fs::metadata(p).unwrap().len() < 4 << 20),
        );
    }
    let camera =
        ["photo-12mp.jpg", "photo-2mp.jpg", "jpg-orientation-6.jpg", "2569067123_aca715a2ee_o.jpg"];
    let mut used = Vec::new();
    for p in files {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let lib = decode_jpeg_with(&bytes, 4, false);
        let prod = decode_jpeg_with(&bytes, 4, true);
        let Some(own) = decode_jpeg_reduced(&bytes, 4) else {
            // Not taken: the production path is libjpeg-turbo's, pixel for pixel.
            assert_same_outcome(&name, &prod, &lib);
            continue;
        };
        let lib =
            lib.unwrap_or_else(|e| panic!("{name}: libjpeg-turbo refuses what jpeg_dc took: {e}"));
        let prod = prod.unwrap();
        // The production path takes it too (and converts an ICC profile, like libjpeg-turbo's).
        assert_eq!((own.width, own.height), (lib.width, lib.height), "{name}: size");
        assert_eq!((prod.width, prod.height), (lib.width, lib.height), "{name}: size");
        let db = psnr(&prod, &lib);
        let floor = if camera.contains(&name.as_str()) { 48.0 } else { 35.0 };
        assert!(db >= floor, "{name}: {db:.2} dB against libjpeg-turbo's 1/4 (floor {floor})");
        used.push(name);
    }
    // Sequential files with no upsampling at 1/4 (4:2:0, 4:4:4, grey, RGB, restarts,
    // non-interleaved scans) are taken; 4:2:2-like samplings and progressive files are not.
    for must in [
        "photo-12mp.jpg",
        "photo-2mp.jpg",
        "base_2x2.jpg",
        "base_1x1_restart1row.jpg",
        "base_2x2_restart3b.jpg",
        "base_2x2_1x1_2x2.jpg",
        "gray.jpg",
        "rgb.jpg",
        "non_interleaved_420_64x64.jpg",
        "non_interleaved_444_64x64.jpg",
        "jpg-size-33x33.jpg",
    ] {
        assert!(used.iter().any(|n| n == must), "{must} fell back at 1/4; taken: {used:?}");
    }
    for refused in [
        "base_2x1.jpg",
        "base_4x1.jpg",
        "prog_2x2.jpg",
        "jpg-progressive.jpg",
        "non_interleaved_422_64x64.jpg",
    ] {
        assert!(!used.iter().any(|n| n == refused), "{refused} was taken at 1/4");
    }
}

/// Corrupted files at 1/4: never a panic, and whatever `jpeg_dc` decodes, libjpeg-turbo
/// decodes to nearly the same pixels (damage `jpeg_dc` cannot vouch for falls back).
#[test]
fn corrupted_files_at_quarter_scale_never_panic_or_drift() {
    let mut answered = 0;
    for rel in ["base_2x2.jpg", "base_2x2_restart3b.jpg", "base_1x1_restart1row.jpg", "gray.jpg"] {
        let orig = std::fs::read(data("jpeg_dc").join(rel)).unwrap();
        for (round, b) in damaged(&orig, 0x2545_F491_4F6C_DD1D).into_iter().enumerate() {
            if let Some(d) = decode_jpeg_reduced(&b, 4) {
                answered += 1;
                let l = decode_jpeg_with(&b, 4, false).unwrap_or_else(|e| {
                    panic!("{rel} round {round}: jpeg_dc decoded what libjpeg-turbo refuses: {e}")
                });
                let db = psnr(&d, &l);
                assert!(db >= 35.0, "{rel} round {round}: {db:.2} dB");
            }
            let _ = decode_jpeg_with(&b, 4, true);
        }
    }
    assert!(answered > 0);
}

//! `format,avif` and `format,heic` outputs decoded by independent decoders: Pillow 13 (libavif)
//! for AVIF and pillow-heif (its own libheif with libde265) for HEIC, pip-installed into a venv
//! under the target dir on first use (as `tests/sdk.rs` installs the SDKs). Without Python or a
//! network the tests are skipped, unless `CI` or `OSSIMG_REQUIRE_SDK=1` is set, which makes that
//! a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use image::RgbaImage;
use ossimg::backend::Engine;
use ossimg::process::Format;

use super::support::{decode_file, engines};
use super::{image_out, run};

/// The decoders the round trips were verified with. Changing this rebuilds the venv.
const REQUIREMENTS: &str = "pillow==13.0.0\npillow-heif==1.8.1\n";

/// Decodes argv[1] (AVIF with Pillow, HEIC with pillow-heif) to the PNG argv[2].
const DECODE_PY: &str = r#"
import sys
from PIL import Image
import pillow_heif
src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
if data[8:12] in (b"avif", b"avis"):
    im = Image.open(src)
else:
    im = pillow_heif.open_heif(src).to_pillow()
im.convert("RGBA").save(dst)
"#;

fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
        || std::env::var("OSSIMG_REQUIRE_SDK").is_ok_and(|v| v == "1")
}

/// The venv's python, built once per test process (kept across runs while the pins match).
fn python() -> Option<&'static Path> {
    static PY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let res = PY.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("formats-venv");
        let py = dir.join("bin").join("python");
        let marker = dir.join("ossimg-requirements.txt");
        if std::fs::read_to_string(&marker).ok().as_deref() == Some(REQUIREMENTS) {
            return Ok(py);
        }
        let _ = std::fs::remove_dir_all(&dir);
        let ok = |c: &mut Command, what: &str| -> Result<(), String> {
            let out = c.output().map_err(|e| format!("{what}: {e}"))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(format!("{what}: {}", String::from_utf8_lossy(&out.stderr)))
            }
        };
        ok(Command::new("python3").args(["-m", "venv"]).arg(&dir), "python3 -m venv")?;
        let reqs = dir.join("requirements.txt");
        std::fs::write(&reqs, REQUIREMENTS).map_err(|e| e.to_string())?;
        ok(
            Command::new(&py)
                .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
                .args(["--retries", "1", "--timeout", "20", "-r"])
                .arg(&reqs),
            "pip install",
        )?;
        std::fs::write(&marker, REQUIREMENTS).map_err(|e| e.to_string())?;
        Ok(py)
    });
    match res {
        Ok(p) => Some(p),
        Err(e) if required() => panic!("the Pillow/pillow-heif venv is required: {e}"),
        Err(e) => {
            eprintln!("ignored: no Pillow/pillow-heif venv ({e})");
            None
        }
    }
}

/// Decodes `bytes` with the independent decoder.
fn independent_decode(py: &Path, bytes: &[u8], tag: &str) -> RgbaImage {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("formats-roundtrip");
    std::fs::create_dir_all(&dir).unwrap();
    let (src, dst) = (dir.join(format!("{tag}.bin")), dir.join(format!("{tag}.png")));
    std::fs::write(&src, bytes).unwrap();
    let out = Command::new(py).arg("-c").arg(DECODE_PY).arg(&src).arg(&dst).output().unwrap();
    assert!(out.status.success(), "{tag}: {}", String::from_utf8_lossy(&out.stderr));
    image::open(&dst).unwrap().into_rgba8()
}

/// PSNR over R, G, B of two equal-sized images.
fn psnr(a: &RgbaImage, b: &[u8]) -> f64 {
    let mut se = 0f64;
    let mut n = 0f64;
    for (p, q) in a.as_raw().chunks_exact(4).zip(b.chunks_exact(4)) {
        for c in 0..3 {
            let d = f64::from(p[c]) - f64::from(q[c]);
            se += d * d;
            n += 1.0;
        }
    }
    10.0 * (255.0 * 255.0 / (se / n).max(1e-9)).log10()
}

/// Photo round trips: right size, PSNR ≥ 32 dB at the default quality 50 (measured 35.2 dB for
/// AVIF, 39.2 dB for HEIC on this 800×600 photo), and a higher `Q` gives a larger file that is
/// closer still (Q 90: 42.7 and 45.6 dB).
#[test]
fn avif_and_heic_outputs_decode_back_within_psnr() {
    let Some(py) = python() else { return };
    // The source as the pipeline sees it, resized the same way by the job itself (w_800).
    for engine in engines() {
        let (png, _) =
            image_out(run(engine, "photo-2mp.jpg", "image/resize,w_800/format,png").unwrap());
        let reference = image::load_from_memory(&png).unwrap().into_rgba8();
        for (fmt, format) in [("avif", Format::Avif), ("heic", Format::Heic)] {
            let mut sizes = Vec::new();
            for q in ["", "/quality,Q_90"] {
                let proc = format!("image/resize,w_800/format,{fmt}{q}");
                let (bytes, out_format) = image_out(run(engine, "photo-2mp.jpg", &proc).unwrap());
                assert_eq!(out_format, format, "{proc}");
                assert_eq!(ossimg::codec::sniff(&bytes), Some(format), "{proc}");
                let back = independent_decode(py, &bytes, &format!("{fmt}{}", q.len()));
                assert_eq!(back.dimensions(), reference.dimensions(), "{proc}");
                let p = psnr(&back, reference.as_raw());
                eprintln!("{proc} on {}: {} bytes, PSNR {p:.1} dB", engine.name(), bytes.len());
                assert!(p >= 32.0, "{proc}: PSNR {p:.1} dB");
                sizes.push((bytes.len(), p));
            }
            assert!(sizes[1].0 > sizes[0].0 && sizes[1].1 > sizes[0].1, "{fmt}: {sizes:?}");
        }
    }
}

/// Alpha survives both encoders: the decoded alpha matches the source's within 2 on average
/// (alpha is coded as a separate monochrome image at the same quality).
#[test]
fn alpha_survives_avif_and_heic() {
    let Some(py) = python() else { return };
    let src = decode_file("with-alpha-512x512.heic");
    assert!(src.has_transparency());
    for fmt in ["avif", "heic"] {
        let (bytes, _) = image_out(
            run(
                Engine::Cpu,
                "with-alpha-512x512.heic",
                &format!("image/format,{fmt}/quality,Q_90"),
            )
            .unwrap(),
        );
        let back = independent_decode(py, &bytes, &format!("alpha-{fmt}"));
        assert_eq!(back.dimensions(), (src.width, src.height));
        let alpha_diff: u64 = back
            .as_raw()
            .chunks_exact(4)
            .zip(src.pixels.chunks_exact(4))
            .map(|(a, b)| u64::from(a[3].abs_diff(b[3])))
            .sum();
        let mean = alpha_diff as f64 / f64::from(src.width * src.height);
        assert!(mean <= 2.0, "{fmt}: alpha differs by {mean:.2} on average");
        assert!(back.as_raw().chunks_exact(4).any(|p| p[3] == 0), "{fmt}: transparent pixels kept");
    }
}

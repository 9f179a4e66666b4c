//! The `ossimg process` command line, run as a real process: outputs, JSON on stdout, OSS errors
//! on stderr with the kind's exit code, and no partial output file on failure.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ossimg"))
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    p
}

#[test]
fn process_writes_the_image() {
    let out = scratch("small.webp");
    let st = bin()
        .args([
            "process",
            data("example.jpg").to_str().unwrap(),
            "image/resize,w_100/format,webp",
            "-o",
        ])
        .arg(&out)
        .args(["--backend", "cpu"])
        .status()
        .unwrap();
    assert!(st.success());
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WEBP");
    let info = ossimg::codec::probe(&bytes).unwrap();
    assert_eq!((info.width, info.height), (100, 67));
}

/// Runs `ossimg process` on tests/data's `input` on the CPU with `extra` arguments and the
/// environment variable `var.0` set to `var.1` (removed when None); returns the output file.
fn process_with(
    input: &str,
    process: &str,
    name: &str,
    extra: &[&str],
    var: (&str, Option<&str>),
) -> Vec<u8> {
    let out = scratch(name);
    let mut cmd = bin();
    cmd.args(["process", data(input).to_str().unwrap(), process])
        .arg("-o")
        .arg(&out)
        .args(["--backend", "cpu"])
        .args(extra)
        .env_remove(var.0);
    if let Some(v) = var.1 {
        cmd.env(var.0, v);
    }
    assert!(cmd.status().unwrap().success(), "{name}");
    std::fs::read(&out).unwrap()
}

#[test]
fn shrink_on_load_rule_is_selectable() {
    // 4032×3024 → w_300: the quality rule (default) decodes at 1/4, the fast rule at 1/8; same
    // size, different pixels, and the fast one is the softer (fewer JPEG bytes).
    let run = |name: &str, extra: &[&str], env: Option<&str>| {
        process_with(
            "photo-12mp.jpg",
            "image/resize,w_300",
            name,
            extra,
            ("OSSIMG_SHRINK_ON_LOAD", env),
        )
    };
    let default = run("sol-default.jpg", &[], None);
    let quality = run("sol-quality.jpg", &["--shrink-on-load", "quality"], None);
    let fast = run("sol-fast.jpg", &["--shrink-on-load", "fast"], None);
    let fast_env = run("sol-fast-env.jpg", &[], Some("fast"));
    assert_eq!(default, quality);
    assert_eq!(fast, fast_env);
    assert_ne!(fast, quality);
    for b in [&quality, &fast] {
        let info = ossimg::codec::probe(b).unwrap();
        assert_eq!((info.width, info.height), (300, 225));
    }
    assert!(fast.len() < quality.len(), "{} vs {}", fast.len(), quality.len());
    refuses_value("--shrink-on-load", "sharp", "fast or quality");
}

/// `ossimg process … <flag> <value>` exits with the usage code 2 and names the choices.
fn refuses_value(flag: &str, value: &str, choices: &str) {
    let bad = bin()
        .args(["process", data("example.jpg").to_str().unwrap(), "image/resize,w_10"])
        .args([flag, value, "-o", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains(choices), "{flag} {value}");
}

#[test]
fn jpeg_quantiser_is_selectable() {
    // A 300 px thumbnail: `auto` (default) trellis-quantises it, `round` is libjpeg-turbo's;
    // same size, and the trellis file is the smaller. A 1.08 MP output stays with libjpeg-turbo
    // under `auto`, unless `trellis` is asked for.
    let run = |name: &str, process: &str, extra: &[&str], env: Option<&str>| {
        process_with("photo-2mp.jpg", process, name, extra, ("OSSIMG_JPEG_QUANTISER", env))
    };
    let w300 = "image/resize,w_300";
    let default = run("jq-default.jpg", w300, &[], None);
    let auto = run("jq-auto.jpg", w300, &["--jpeg-quantiser", "auto"], None);
    let trellis = run("jq-trellis.jpg", w300, &["--jpeg-quantiser", "trellis"], None);
    let round = run("jq-round.jpg", w300, &["--jpeg-quantiser", "round"], None);
    let round_env = run("jq-round-env.jpg", w300, &[], Some("round"));
    assert_eq!(default, auto);
    assert_eq!(auto, trellis);
    assert_eq!(round, round_env);
    for b in [&trellis, &round] {
        let info = ossimg::codec::probe(b).unwrap();
        assert_eq!((info.width, info.height), (300, 225));
    }
    assert!(trellis.len() * 100 <= round.len() * 95, "{} vs {}", trellis.len(), round.len());
    let w1200 = "image/resize,w_1200";
    let big_auto = run("jq-big-auto.jpg", w1200, &[], None);
    let big_round = run("jq-big-round.jpg", w1200, &["--jpeg-quantiser", "round"], None);
    let big_trellis = run("jq-big-trellis.jpg", w1200, &["--jpeg-quantiser", "trellis"], None);
    assert_eq!(big_auto, big_round);
    assert!(big_trellis.len() < big_round.len(), "{} vs {}", big_trellis.len(), big_round.len());
    refuses_value("--jpeg-quantiser", "mozjpeg", "auto, trellis or round");
}

#[test]
fn process_accepts_url_encoded_values_and_styles() {
    let out = scratch("styled.png");
    let st = bin()
        .args([
            "process",
            data("example.jpg").to_str().unwrap(),
            "x-oss-process=style%2Fthumb",
            "--style",
            "thumb=image/resize,w_50/format,png",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    let info = ossimg::codec::probe(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!((info.width, info.height), (50, 33));
}

#[test]
fn dash_output_is_stdout() {
    let out = bin()
        .args(["process", data("example.jpg").to_str().unwrap(), "image/info", "-o", "-"])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ImageWidth"]["value"], "400");
    assert!(!std::env::temp_dir().join("-").exists());
}

#[test]
fn json_answers_go_to_stdout() {
    let o = bin()
        .args(["process", data("example.jpg").to_str().unwrap(), "image/average-hue"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let s = String::from_utf8(o.stdout).unwrap();
    assert!(s.starts_with("{\"RGB\": \"0x"), "{s}");
}

#[test]
fn bad_input_exits_with_the_oss_code_and_leaves_no_file() {
    let out = scratch("never.jpg");
    let o = bin()
        .args(["process", data("example.jpg").to_str().unwrap(), "image/rotate,400", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("InvalidArgument") && err.contains("0040-00000217"), "{err}");
    assert!(!out.exists());

    let o = bin()
        .args(["process", data("example.jpg").to_str().unwrap(), "image/crop,x_900"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr)
        .unwrap()
        .contains("Advance cut's position is out of image."));

    // A damaged source: exit code 3 with ImageDamage.
    let bad = scratch("bad.jpg");
    std::fs::write(&bad, b"\xFF\xD8\xFF\xE0garbage").unwrap();
    let o = bin()
        .args(["process", bad.to_str().unwrap(), "image/resize,w_10", "-o"])
        .arg(scratch("x.jpg"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8(o.stderr).unwrap().contains("ImageDamage"));

    // Missing input file.
    let o = bin().args(["process", "/nonexistent/in.jpg", "image/resize,w_10"]).output().unwrap();
    assert_eq!(o.status.code(), Some(3));

    // No GPU adapter (Vulkan ICDs and EGL vendors hidden, as on a host without drivers):
    // `--backend gpu` is a clear refusal with exit code 5, not a crash or a hang.
    let o = bin()
        .args([
            "process",
            data("example.jpg").to_str().unwrap(),
            "image/resize,w_10",
            "--backend",
            "gpu",
        ])
        .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
        .env("VK_DRIVER_FILES", "/nonexistent/icd.json")
        .env("__EGL_VENDOR_LIBRARY_FILENAMES", "/nonexistent/egl.json")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("--backend gpu: no GPU adapter found"), "{err}");
}

#[test]
fn image_watermarks_come_from_the_objects_directory() {
    // --objects DIR stands in for the bucket: key `marks/logo.png` → DIR/marks/logo.png, with its
    // own nested process (P_50 of a 300-wide main: 150×150).
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-objects");
    std::fs::create_dir_all(dir.join("marks")).unwrap();
    std::fs::copy(data("watermark.png"), dir.join("marks/logo.png")).unwrap();
    let key = ossimg::process::encode_base64url(b"marks/logo.png?x-oss-process=image/resize,P_50");
    let proc = format!("image/resize,w_300/watermark,image_{key},g_nw,x_0,y_0/format,png");
    let out = scratch("watermarked.png");
    let st = bin()
        .args(["process", data("example.jpg").to_str().unwrap(), &proc, "--objects"])
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .args(["--backend", "cpu"])
        .status()
        .unwrap();
    assert!(st.success());
    let with = ossimg::codec::decode(
        &std::fs::read(&out).unwrap(),
        ossimg::process::Format::Png,
        &ossimg::plan::DecodeSpec { scale_denom: 1 },
    )
    .unwrap();
    assert_eq!((with.width, with.height), (300, 200));
    // Without --objects: an error that names the option, exit code 2 (a 400), no file.
    let out = scratch("no-objects.png");
    let o = bin()
        .args(["process", data("example.jpg").to_str().unwrap(), &proc, "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("WatermarkError") && stderr.contains("--objects"), "{stderr}");
    assert!(!out.exists());
    // A key that is not in the directory, and one that would leave it.
    for (key, code) in [("marks/none.png", "WatermarkError"), ("../cli/x.png", "InvalidObjectName")]
    {
        let proc =
            format!("image/watermark,image_{}", ossimg::process::encode_base64url(key.as_bytes()));
        let o = bin()
            .args(["process", data("example.jpg").to_str().unwrap(), &proc, "--objects"])
            .arg(&dir)
            .args(["-o", "/dev/null"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{key}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(code), "{key}: {o:?}");
    }
    // A text watermark with a font mapped on the command line to a file (--font NAME=FILE).
    let out = scratch("text.png");
    let st = bin()
        .args(["process", data("example.jpg").to_str().unwrap()])
        .arg(format!(
            "image/resize,w_300/watermark,text_{},type_{}/format,png",
            ossimg::process::encode_base64url(b"Hello"),
            ossimg::process::encode_base64url(b"fangzhengkaiti")
        ))
        .args(["--font", "fangzhengkaiti=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "-o"])
        .arg(&out)
        .args(["--backend", "cpu"])
        .status()
        .unwrap();
    assert!(st.success());
    // Mapping to a file that does not exist is a start-up error.
    let o = bin()
        .args(["process", data("example.jpg").to_str().unwrap()])
        .arg(format!("image/watermark,text_{}", ossimg::process::encode_base64url(b"Hi")))
        .args(["--font", "wqy-zenhei=/nonexistent/font.ttf", "-o", "/dev/null"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/font.ttf"), "{o:?}");
}

#[test]
fn a_successful_run_prints_nothing_on_stderr() {
    // The default backend (auto) on a host without a GPU device node decides for the CPU
    // without loading any Vulkan/GL driver: no Mesa or loader lines, no notice. (On a host with a
    // GPU the probe runs and its drivers may talk; the check is for GPU-less hosts like CI.)
    if std::path::Path::new("/dev/dri").exists() || std::path::Path::new("/dev/nvidiactl").exists()
    {
        eprintln!("skipped: this host has a GPU device node");
        return;
    }
    let o = bin()
        .env_remove("OSSIMG_BACKEND")
        .args(["process", data("example.jpg").to_str().unwrap(), "image/resize,w_50", "-o"])
        .arg(scratch("quiet.jpg"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    assert_eq!(String::from_utf8_lossy(&o.stderr), "", "stderr must stay empty on success");
}

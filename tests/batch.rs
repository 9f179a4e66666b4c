//! `ossimg batch`, run as a real process over real folders: every format, nested directories,
//! corrupt files and non-images; names and formats of the outputs; the report; `--dry-run`;
//! shards that split the work exactly; a run killed with SIGKILL and resumed with
//! `--skip-existing`; and S3-compatible input and output (Garage in CI: `OSSIMG_S3_*`, see
//! tests/storage.rs; `OSSIMG_REQUIRE_S3=1` turns a missing server into a failure).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

#[path = "support/s3.rs"]
mod s3;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ossimg"));
    c.env_remove("OSSIMG_BACKEND");
    c
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// A fresh scratch directory `name` under the target's tmp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("batch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy(from: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(data(from), to).unwrap();
}

/// Every file below `dir` as (relative path → bytes). A file renamed or removed between the
/// directory read and its own read (a running batch renames its staging files) is skipped.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let gone = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if gone(&e) => return,
            Err(e) => panic!("{}: {e}", dir.display()),
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                match std::fs::read(&p) {
                    Ok(bytes) => {
                        out.insert(rel, bytes);
                    }
                    Err(e) if gone(&e) => {}
                    Err(e) => panic!("{}: {e}", p.display()),
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// The library: every decodable format, nested folders, three corrupt images, a text file.
fn library(dir: &Path) {
    copy("example.jpg", &dir.join("photos/example.jpg"));
    copy("photo-2mp.jpg", &dir.join("photos/2024/summer/photo.JPG"));
    copy("hopper.png", &dir.join("hopper.png"));
    copy("hopper.webp", &dir.join("formats/hopper.webp"));
    copy("hopper.gif", &dir.join("formats/hopper.gif"));
    copy("hopper.bmp", &dir.join("formats/hopper.bmp"));
    copy("hopper.tif", &dir.join("formats/hopper.tif"));
    copy("animated.gif", &dir.join("formats/animated.gif"));
    copy("transparent.webp", &dir.join("formats/alpha/transparent.webp"));
    copy("corrupt/empty.jpg", &dir.join("bad/empty.jpg"));
    copy("corrupt/broken.png", &dir.join("bad/broken.png"));
    copy("corrupt/corrupt-header.jpg", &dir.join("bad/header.jpg"));
    std::fs::write(dir.join("photos/notes.txt"), "not an image").unwrap();
}

/// (relative output name, width, height) the library gives with `resize,w_50/format,webp`.
const EXPECTED: &[(&str, u32, u32)] = &[
    ("formats/alpha/transparent.webp", 50, 38),
    ("formats/animated.webp", 50, 50),
    ("formats/hopper.webp", 50, 50),
    ("hopper.webp", 50, 50),
    ("photos/2024/summer/photo.webp", 50, 38),
    ("photos/example.webp", 50, 33),
];

fn run(args: &[&str]) -> Output {
    bin().arg("batch").args(args).output().unwrap()
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_library_on_every_engine() {
    let lib = scratch("lib");
    library(&lib);
    // The four hoppers of formats/ share a stem: with the default name they collide, which is a
    // usage error naming both files, before anything is written.
    let out = scratch("collide");
    let o = run(&[
        "--process",
        "image/resize,w_50/format,webp",
        "--out",
        out.to_str().unwrap(),
        lib.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("formats/hopper.") && err.contains("formats/hopper.webp"), "{err}");
    assert!(tree(&out).is_empty());

    let mut engines = vec!["cpu"];
    if Command::new(env!("CARGO_BIN_EXE_ossimg"))
        .args([
            "process",
            data("hopper.png").to_str().unwrap(),
            "image/resize,w_10",
            "--backend",
            "gpu",
            "-o",
            "/dev/null",
        ])
        .status()
        .unwrap()
        .success()
    {
        engines.push("gpu");
    } else if std::env::var("OSSIMG_REQUIRE_GPU").as_deref() == Ok("1") {
        panic!("OSSIMG_REQUIRE_GPU=1 but the GPU engine does not start");
    }
    let mut first: Option<BTreeMap<String, Vec<u8>>> = None;
    for engine in engines {
        let out = scratch(&format!("out-{engine}"));
        let rep = out.with_extension("json");
        let o = run(&[
            "--process",
            "image/resize,w_50/format,webp",
            "--out",
            out.to_str().unwrap(),
            "--name",
            "{dir}/{stem}-{hash}.{ext}",
            "--exclude",
            "formats/hopper.*",
            "--include",
            "*",
            "--backend",
            engine,
            "--report",
            rep.to_str().unwrap(),
            lib.to_str().unwrap(),
        ]);
        // Three corrupt files fail: exit 1.
        assert_eq!(o.status.code(), Some(1), "{engine}: {o:?}");
        let r = report(&rep);
        assert_eq!(r["succeeded"], 5, "{engine}: {r}");
        assert_eq!(r["skipped"], 0);
        let mut failed: Vec<(String, String)> = r["failed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["input"].as_str().unwrap().rsplit_once(':').unwrap().1.to_owned(),
                    f["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        failed.sort();
        assert_eq!(
            failed,
            [
                ("bad/broken.png".into(), "ImageDamage".into()),
                ("bad/empty.jpg".into(), "ImageDamage".into()),
                ("bad/header.jpg".into(), "ImageDamage".into())
            ],
            "{engine}"
        );
        assert!(
            r["seconds"].as_f64().unwrap() > 0.0 && r["images_per_second"].as_f64().unwrap() > 0.0
        );
        // Every good file under its name ({hash} makes names unique), as WebP of the right size.
        let files = tree(&out);
        assert_eq!(files.len(), 5, "{engine}: {:?}", files.keys());
        for (want, w, h) in EXPECTED.iter().filter(|(n, ..)| *n != "formats/hopper.webp") {
            let stem = want.trim_end_matches(".webp");
            let (name, bytes) = files
                .iter()
                .find(|(n, _)| n.starts_with(&format!("{stem}-")) && n.ends_with(".webp"))
                .unwrap_or_else(|| panic!("{engine}: no output for {want} in {:?}", files.keys()));
            let info = ossimg::codec::probe(bytes).unwrap();
            assert_eq!(
                (info.format, info.width, info.height),
                (ossimg::process::Format::Webp, *w, *h),
                "{name}"
            );
        }
        // The same bytes on every engine: the stages are resize only (bit-exact across engines).
        match &first {
            None => first = Some(files),
            Some(cpu) => assert_eq!(cpu, &files, "GPU outputs differ from the CPU's"),
        }
    }

    // The default names, with one hopper of formats/ (the four would collide).
    let out = scratch("all");
    let o = run(&[
        "--process",
        "image/resize,w_50/format,webp",
        "--out",
        out.to_str().unwrap(),
        "--exclude",
        "formats/hopper.[!w]*",
        "-q",
        lib.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let files = tree(&out);
    let got: Vec<(&str, u32, u32)> = files
        .iter()
        .map(|(n, b)| {
            let i = ossimg::codec::probe(b).unwrap();
            (n.as_str(), i.width, i.height)
        })
        .collect();
    assert_eq!(got, EXPECTED);

    // --dry-run lists and writes nothing.
    let out = scratch("dry");
    let o = run(&[
        "--process",
        "image/resize,w_50",
        "--out",
        out.to_str().unwrap(),
        "--dry-run",
        "--include",
        "photos/**",
        lib.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let listed = String::from_utf8_lossy(&o.stdout);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed.contains("photos/2024/summer/photo.JPG -> ")
            && listed.contains("/photos/2024/summer/photo.jpg"),
        "{listed}"
    );
    assert!(tree(&out).is_empty());
}

#[test]
fn shards_split_the_work_exactly() {
    let lib = scratch("shard-lib");
    for i in 0..10 {
        copy("hopper.png", &lib.join(format!("d{}/h{i}.png", i % 3)));
    }
    let mut union: Vec<String> = Vec::new();
    for i in 0..3 {
        let out = scratch(&format!("shard-{i}"));
        let o = run(&[
            "--process",
            "image/resize,w_8",
            "--out",
            out.to_str().unwrap(),
            "--shard",
            &format!("{i}/3"),
            "-q",
            lib.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{o:?}");
        let part: Vec<String> = tree(&out).into_keys().collect();
        assert!((3..=4).contains(&part.len()), "shard {i}: {part:?}");
        union.extend(part);
    }
    union.sort();
    let all: Vec<String> = tree(&lib).into_keys().collect();
    assert_eq!(union, all, "the shards together are the whole set, once each");
    for bad in ["3/3", "x"] {
        let o = run(&[
            "--process",
            "image/resize,w_8",
            "--out",
            "/tmp/x",
            "--shard",
            bad,
            lib.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
    }
}

#[test]
fn a_killed_run_resumes_exactly() {
    let lib = scratch("resume-lib");
    for i in 0..16 {
        copy("photo-2mp.jpg", &lib.join(format!("p{i:02}.jpg")));
    }
    let proc = "image/resize,w_1200/quality,Q_90";
    // The reference: one uninterrupted run.
    let whole = scratch("resume-whole");
    let o = run(&[
        "--process",
        proc,
        "--out",
        whole.to_str().unwrap(),
        "--jobs",
        "1",
        "-q",
        lib.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let want = tree(&whole);
    assert_eq!(want.len(), 16);
    // Killed with SIGKILL once a few outputs exist.
    let out = scratch("resume-out");
    let mut child = bin()
        .args([
            "batch",
            "--process",
            proc,
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            "1",
            "-q",
            lib.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while tree(&out).keys().filter(|k| !k.contains('#')).count() < 3 {
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before: BTreeMap<String, std::time::SystemTime> = tree(&out)
        .keys()
        .filter(|k| !k.contains('#'))
        .map(|k| (k.clone(), std::fs::metadata(out.join(k)).unwrap().modified().unwrap()))
        .collect();
    assert!(before.len() < 16, "killed before the end");
    // Every output present is complete (written under a staging name, then renamed).
    for k in before.keys() {
        assert_eq!(std::fs::read(out.join(k)).unwrap(), want[k], "{k} is partial");
    }
    let rep = out.with_extension("json");
    let o = run(&[
        "--process",
        proc,
        "--out",
        out.to_str().unwrap(),
        "--skip-existing",
        "--jobs",
        "1",
        "-q",
        "--report",
        rep.to_str().unwrap(),
        lib.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(
        tree(&out),
        want,
        "resumed outputs equal an uninterrupted run's, no staging file left"
    );
    let r = report(&rep);
    assert_eq!(r["skipped"].as_u64().unwrap() as usize, before.len());
    assert_eq!(r["succeeded"].as_u64().unwrap() as usize, 16 - before.len());
    for (k, t) in &before {
        assert_eq!(
            std::fs::metadata(out.join(k)).unwrap().modified().unwrap(),
            *t,
            "{k} was redone"
        );
    }
}

#[test]
fn s3_in_and_out() {
    let Some(s3) = s3::s3_env("s3_in_and_out") else { return };
    let bucket = s3.bucket.clone();
    let env = [
        ("AWS_ENDPOINT_URL", s3.endpoint.clone()),
        ("AWS_REGION", s3.region.clone()),
        ("AWS_ACCESS_KEY_ID", s3.access_key_id.clone()),
        ("AWS_SECRET_ACCESS_KEY", s3.secret_access_key.clone()),
        ("AWS_ALLOW_HTTP", "true".to_owned()),
    ];
    let run_env = |args: &[&str]| bin().arg("batch").args(args).envs(env.clone()).output().unwrap();
    let lib = scratch("s3-lib");
    copy("example.jpg", &lib.join("a/example.jpg"));
    copy("hopper.png", &lib.join("b/c/hopper.png"));
    let prefix = format!(
        "s3://{bucket}/batch-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    );
    // Local → S3 (format,png keeps what is stored easy to check), then S3 → local.
    let o = run_env(&[
        "--process",
        "image/resize,w_100/format,png",
        "--out",
        &prefix,
        "-q",
        lib.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let back = scratch("s3-back");
    let o = run_env(&[
        "--process",
        "image/resize,w_40",
        "--out",
        back.to_str().unwrap(),
        "-q",
        &prefix,
    ]);
    assert!(o.status.success(), "{o:?}");
    let files = tree(&back);
    let got: Vec<(&str, u32, u32)> = files
        .iter()
        .map(|(n, b)| {
            let i = ossimg::codec::probe(b).unwrap();
            assert_eq!(i.format, ossimg::process::Format::Png);
            (n.as_str(), i.width, i.height)
        })
        .collect();
    assert_eq!(got, [("a/example.png", 40, 27), ("b/c/hopper.png", 40, 40)]);
    // Resume against S3: everything exists, nothing is redone.
    let rep = back.with_extension("json");
    let o = run_env(&[
        "--process",
        "image/resize,w_100/format,png",
        "--out",
        &prefix,
        "--skip-existing",
        "-q",
        "--report",
        rep.to_str().unwrap(),
        lib.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(report(&rep)["skipped"], 2);
}

#[test]
fn ctrl_c_finishes_the_files_in_flight_and_writes_the_report() {
    let lib = scratch("int-lib");
    for i in 0..16 {
        copy("photo-2mp.jpg", &lib.join(format!("p{i:02}.jpg")));
    }
    let out = scratch("int-out");
    let rep = out.with_extension("json");
    let mut child = bin()
        .args(["batch", "--process", "image/resize,w_1200/quality,Q_90", "--jobs", "1", "-q"])
        .args(["--out", out.to_str().unwrap(), "--report", rep.to_str().unwrap()])
        .arg(&lib)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while tree(&out).keys().filter(|k| !k.contains('#')).count() < 2 {
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    let st = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(st.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let r = report(&rep);
    assert_eq!(r["cancelled"], true);
    let (done, not_started) =
        (r["succeeded"].as_u64().unwrap() as usize, r["not_started"].as_u64().unwrap() as usize);
    assert!(not_started > 0 && done + not_started == 16, "{r}");
    // What was started was finished: every output is whole, none half-written.
    let files = tree(&out);
    assert_eq!(files.len(), done, "{:?}", files.keys());
    for (k, bytes) in &files {
        let info = ossimg::codec::probe(bytes).unwrap_or_else(|e| panic!("{k}: {e}"));
        assert_eq!(info.width, 1200, "{k}");
    }
}

#[test]
fn watermarks_in_a_batch() {
    // Text and image watermarks: the image's key is read from --objects (a folder standing in
    // for the bucket), once, before the work; without --objects the batch is a usage error.
    let lib = scratch("wm-lib");
    copy("example.jpg", &lib.join("a.jpg"));
    copy("hopper.png", &lib.join("b.png"));
    let marks = scratch("wm-marks");
    copy("watermark.png", &marks.join("logo/mark.png"));
    let key = ossimg::process::encode_base64url(b"logo/mark.png?x-oss-process=image/resize,P_20");
    let text = ossimg::process::encode_base64url("水印 ossimg".as_bytes());
    let proc = format!("image/watermark,image_{key},g_nw/watermark,text_{text},size_16/format,png");
    let out = scratch("wm-out");
    let o = run(&[
        "--process",
        &proc,
        "--out",
        out.to_str().unwrap(),
        "--objects",
        marks.to_str().unwrap(),
        "-q",
        lib.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let files = tree(&out);
    assert_eq!(files.keys().collect::<Vec<_>>(), ["a.png", "b.png"]);
    for (name, bytes) in &files {
        let img = ossimg::codec::decode(
            bytes,
            ossimg::process::Format::Png,
            &ossimg::plan::DecodeSpec { scale_denom: 1 },
        )
        .unwrap();
        let src_name = if name == "a.png" { "example.jpg" } else { "hopper.png" };
        let src = std::fs::read(data(src_name)).unwrap();
        let plain = ossimg::codec::decode(
            &src,
            ossimg::codec::sniff(&src).unwrap(),
            &ossimg::plan::DecodeSpec { scale_denom: 1 },
        )
        .unwrap();
        assert_eq!((img.width, img.height), (plain.width, plain.height), "{name}");
        assert_ne!(img.pixels, plain.pixels, "{name}: watermarked");
    }
    let o = run(&["--process", &proc, "--out", out.to_str().unwrap(), lib.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--objects"), "{o:?}");
}

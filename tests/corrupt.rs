//! Every corrupt or hostile file of the corpus (`tests/data/corrupt/`, copied from
//! `../shared/testdata/corrupt/`) gets a clean answer from `ossimg process`: exit 0 (a damaged but
//! decodable image), 3 (ImageDamage / ImageTooLarge) or 5 (a format this build cannot decode) —
//! never a panic (101), a hang (killed after 30 s) or an abort, and always within a 4 GiB address
//! space, so a pixel bomb cannot allocate its claimed size.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn every_corrupt_file_gets_a_clean_answer() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corrupt");
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("corrupt");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    // HEIC/AVIF/TIFF with giant headers (ispe, ImageWidth/Length) made from real samples
    // (tests/data/README.md): refused from the header, or damage once the data disagrees.
    let giant = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corrupt-formats");
    files.extend(std::fs::read_dir(&giant).unwrap().map(|e| e.unwrap().path()));
    files.sort();
    assert!(files.len() >= 60, "the corrupt corpus is present ({} files)", files.len());
    let mut failures = Vec::new();
    for file in &files {
        // circle crops: a decoded size that disagrees with the header must not reach a stage.
        for process in
            ["image/resize,w_100", "image/circle,r_10", "image/info", "image/average-hue"]
        {
            let out = out_dir.join("out.bin");
            let _ = std::fs::remove_file(&out);
            // 4 GiB of address space (ulimit -v, KiB) and 30 s of wall time per run.
            let script =
                "ulimit -v 4194304; exec timeout 30 \"$0\" process \"$1\" \"$2\" -o \"$3\"";
            let o = Command::new("sh")
                .args(["-c", script, env!("CARGO_BIN_EXE_ossimg")])
                .arg(file)
                .arg(process)
                .arg(&out)
                .output()
                .unwrap();
            let code = o.status.code();
            if !matches!(code, Some(0) | Some(3) | Some(5)) {
                failures.push(format!(
                    "{} {process}: exit {code:?}: {}",
                    file.file_name().unwrap().to_string_lossy(),
                    String::from_utf8_lossy(&o.stderr).trim()
                ));
            }
            if code != Some(0) {
                assert!(!out.exists(), "{}: partial output left behind", file.display());
            }
        }
    }
    assert!(failures.is_empty(), "unclean answers:\n{}", failures.join("\n"));
}

#[test]
fn decompression_bombs_are_refused_from_the_header() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corrupt");
    // Files whose headers claim more than the limits of spec §2 (30 000 px a side or 250 MP),
    // including a 44-byte GIF whose frame descriptor (not its screen) claims ~4.3 GP.
    for name in [
        "decompression_bomb.gif",
        "max_size.jpg",
        "16384x16384.png",
        "65536-uint32-limit.png",
        "bmp-b-reallybig.bmp",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        // The GIF frame is refused by the probe itself ("decode refused"); the others probe and
        // the planner refuses them before any decode, with the EC of §4.3: 0040-00000009 for a
        // resize, 0040-00000012 for any other cascade.
        let frame_bomb = name.ends_with(".gif");
        for (process, ec) in [
            ("image/resize,w_100", if frame_bomb { "0040-00000012" } else { "0040-00000009" }),
            ("image/rotate,90", "0040-00000012"),
            ("image/average-hue", "0040-00000012"),
        ] {
            let spec = ossimg::process::resolve(process, &|_| None).unwrap();
            match ossimg::job::run(&bytes, &spec, ossimg::backend::Engine::Cpu) {
                Ok(_) => panic!("{name} {process}: accepted"),
                Err(e) => {
                    assert_eq!(e.kind, ossimg::ErrorKind::ImageTooLarge, "{name} {process}: {e}");
                    assert_eq!(e.ec, Some(ec), "{name} {process}: {e}");
                }
            }
        }
        // `info` reads the header only: answered whatever the size (the frame bomb excepted).
        let info = ossimg::process::resolve("image/info", &|_| None).unwrap();
        let answer = ossimg::job::run(&bytes, &info, ossimg::backend::Engine::Cpu);
        assert_eq!(answer.is_ok(), !frame_bomb, "{name}: info {:?}", answer.err());
    }
}

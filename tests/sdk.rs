//! End-to-end tests with the real Python SDKs: `oss2` and `alibabacloud-oss-v2`, pinned, installed
//! by `pip` into a virtual environment under the cargo target dir (created once, reused while the
//! pins are unchanged), drive a running `ossimg serve` (tests/sdk/server.rs). Each suite in
//! tests/sdk/*.py is a Python script of plain `assert`s that exits non-zero on the first failure:
//! buckets, objects, V1/V2 listings, processing, styles, process configuration and delimiter
//! URLs, presigned V1/V4 URLs, saveas, ACLs, signature failures and watermarks (see each file).
//!
//! Without a network the venv cannot be built: the tests then print "ignored: …" and pass, unless
//! `CI` or `OSSIMG_REQUIRE_SDK=1` is set, when that is a failure. `OSSIMG_PYTHON` names the
//! interpreter that creates the venv (default `python3`); `OSSIMG_SDK_VENV` moves the venv
//! (default `<target>/tmp/sdk-venv`).

#[path = "sdk/server.rs"]
mod server;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use server::{Server, TempDir, AK, REGION, SK};

/// The SDK versions the suites were verified with. Changing this rebuilds the venv.
const REQUIREMENTS: &str = "oss2==2.19.1\nalibabacloud-oss-v2==1.4.1\n";

/// The file in the venv that records the installed `REQUIREMENTS`.
const MARKER: &str = "ossimg-requirements.txt";

/// Upper bound of one suite: each takes a few seconds (two of them sleep 2 s to let a URL
/// expire); two minutes only guards against a hang.
const SUITE_TIMEOUT: Duration = Duration::from_secs(120);

/// True when a missing SDK must fail the tests rather than skip them.
fn sdk_required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
        || std::env::var("OSSIMG_REQUIRE_SDK").is_ok_and(|v| v == "1")
}

/// The venv's interpreter, building the venv on first use (once per test process).
fn venv_python() -> &'static Result<PathBuf, String> {
    static VENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    VENV.get_or_init(|| match std::env::var_os("OSSIMG_SDK_VENV") {
        Some(dir) => build_venv(Path::new(&dir)),
        None => build_venv(&Path::new(env!("CARGO_TARGET_TMPDIR")).join("sdk-venv")),
    })
}

/// Creates the venv at `dir` unless one with the same pins is there. It is built in a staging
/// directory and renamed into place, so an interrupted build never leaves a half venv that looks
/// complete (the interpreter finds its `pyvenv.cfg` next to itself, so a moved venv still works
/// when run as `bin/python -m …`).
fn build_venv(dir: &Path) -> Result<PathBuf, String> {
    let python = dir.join("bin").join("python");
    if std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|m| m == REQUIREMENTS) && python.exists()
    {
        return Ok(python);
    }
    let staging = dir.with_file_name(format!("sdk-venv.staging-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let interpreter = std::env::var("OSSIMG_PYTHON").unwrap_or_else(|_| "python3".into());
    run_quiet(Command::new(&interpreter).args(["-m", "venv"]).arg(&staging), "python3 -m venv")?;
    let reqs = staging.join("requirements.txt");
    std::fs::write(&reqs, REQUIREMENTS).map_err(|e| e.to_string())?;
    // --retries/--timeout: without a network, fail in seconds instead of minutes.
    let pip = run_quiet(
        Command::new(staging.join("bin").join("python"))
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "--retries",
                "1",
                "--timeout",
                "20",
                "-r",
            ])
            .arg(&reqs),
        "pip install",
    );
    if let Err(e) = pip {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    std::fs::write(staging.join(MARKER), REQUIREMENTS).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(dir);
    match std::fs::rename(&staging, dir) {
        Ok(()) => {}
        // Another test process installed it meanwhile: use theirs.
        Err(_) if std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|m| m == REQUIREMENTS) => {
            let _ = std::fs::remove_dir_all(&staging);
        }
        Err(e) => return Err(format!("cannot move the venv into {}: {e}", dir.display())),
    }
    Ok(python)
}

/// Runs a setup command, turning a failure into its output.
fn run_quiet(cmd: &mut Command, what: &str) -> Result<(), String> {
    match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "{what} failed ({}):\n{}{}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )),
        Err(e) => Err(format!("{what}: {e}")),
    }
}

/// The venv's python, or `None` after printing why the test is ignored (panics when the SDKs
/// are required).
fn python_or_skip() -> Option<&'static Path> {
    match venv_python() {
        Ok(p) => Some(p),
        Err(e) if sdk_required() => {
            panic!("the Python SDK venv is required (CI / OSSIMG_REQUIRE_SDK=1): {e}")
        }
        Err(e) => {
            println!("ignored: cannot build the Python SDK venv (no network?): {e}");
            None
        }
    }
}

/// Runs `tests/sdk/<script>` against `server` and asserts exit 0; prints the suite's output.
fn run_suite(python: &Path, server: &Server, script: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut child = Command::new(python)
        .arg(dir.join("sdk").join(script))
        .current_dir(dir.join("sdk"))
        .env("OSSIMG_ENDPOINT", server.endpoint())
        .env("OSSIMG_PORT", server.addr.port().to_string())
        .env("OSSIMG_AK", AK)
        .env("OSSIMG_SK", SK)
        .env("OSSIMG_REGION", REGION)
        .env("OSSIMG_TESTDATA", dir.join("data"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        // The suites talk only to the loopback server: never through a proxy.
        .env("NO_PROXY", "127.0.0.1,localhost,.localhost")
        .env("no_proxy", "127.0.0.1,localhost,.localhost")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    let readers: Vec<_> = [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|mut r| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    })
    .collect();
    let deadline = Instant::now() + SUITE_TIMEOUT;
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait for the suite") {
            break Some(st);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output: String = readers.into_iter().map(|h| h.join().unwrap_or_default()).collect();
    println!("--- {script} ---\n{output}");
    match status {
        Some(st) if st.success() => {}
        Some(st) => {
            panic!("{script} failed ({st}):\n{output}\n--- server log ---\n{}", server.log())
        }
        None => panic!("{script} did not finish within {SUITE_TIMEOUT:?}:\n{output}"),
    }
}

#[test]
fn oss2_suite() {
    let Some(python) = python_or_skip() else { return };
    let data = TempDir::new("sdk-oss2");
    let server = Server::start(data.path(), &[]);
    run_suite(python, &server, "test_oss2.py");
    server.kill();
}

#[test]
fn alibabacloud_oss_v2_suite() {
    let Some(python) = python_or_skip() else { return };
    let data = TempDir::new("sdk-v2");
    let server = Server::start(data.path(), &[]);
    run_suite(python, &server, "test_v2.py");
    server.kill();
}

/// `watermark` (spec §3.15) through oss2: text, image (nested `P`), styles, saveas and the
/// watermark object's permissions. Text is drawn with the system fonts (wqy-zenhei etc., installed
/// by `.ci/setup`), as `ossimg serve` loads them by default.
#[test]
fn watermark_suite() {
    let Some(python) = python_or_skip() else { return };
    let data = TempDir::new("sdk-watermark");
    let server = Server::start(data.path(), &[]);
    run_suite(python, &server, "test_watermark.py");
    server.kill();
}

/// Virtual-hosted addressing: `--domain localhost`, buckets at `<bucket>.localhost:<port>`, and
/// the custom domain `cdn.example.localhost` bound to `cdn-bound`. Where
/// the resolver does not map `*.localhost` to loopback, the suite does so in-process (the
/// `Host` header, which is what is under test, is unchanged).
#[test]
fn virtual_hosted_suite() {
    let Some(python) = python_or_skip() else { return };
    let data = TempDir::new("sdk-vhost");
    let server = Server::start(
        data.path(),
        &["--domain", "localhost", "--custom-domain", "cdn.example.localhost=cdn-bound"],
    );
    run_suite(python, &server, "test_vhost.py");
    server.kill();
}

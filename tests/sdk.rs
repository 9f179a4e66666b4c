//! End-to-end tests with the real OSS SDKs driving a running `ossimg serve` (tests/sdk/server.rs):
//! the Python SDKs `oss2` and `alibabacloud-oss-v2`, pinned, installed by `pip` into a virtual
//! environment under the cargo target dir, and the Node.js SDK `ali-oss`, pinned, installed by
//! `npm` into a folder beside it (each created once, reused while its pins are unchanged). Each
//! suite in tests/sdk/ (`*.py`, `test_ali_oss.js`) is a script of plain asserts that exits
//! non-zero on the first failure: buckets, objects, V1/V2 listings, processing, styles, process
//! configuration and delimiter URLs, presigned V1/V4 URLs, saveas, ACLs, signature failures,
//! watermarks, and every addressing mode (see each file).
//!
//! Without a network (or without `npm`/`node`) an SDK cannot be installed: its tests then print
//! "ignored: …" and pass, unless `CI` or `OSSIMG_REQUIRE_SDK=1` is set, when that is a failure.
//! `OSSIMG_PYTHON` names the interpreter that creates the venv (default `python3`);
//! `OSSIMG_SDK_VENV` moves the venv (default `<target>/tmp/sdk-venv`), `OSSIMG_SDK_NODE` the Node
//! packages (default `<target>/tmp/sdk-node`).

#[path = "support/run.rs"]
mod run;
#[path = "sdk/server.rs"]
mod server;

#[path = "sdk/mounts.rs"]
mod mounts;

#[path = "ops/pki.rs"]
mod pki;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use run::{run_quiet, run_to_end};
use server::{Server, TempDir, AK, REGION, SK};

/// The SDK versions the suites were verified with. Changing this rebuilds the venv.
const REQUIREMENTS: &str = "oss2==2.19.1\nalibabacloud-oss-v2==1.4.1\n";

/// The Node.js SDK version its suite was verified with. Changing this reinstalls it.
const ALI_OSS: &str = "ali-oss@6.23.0";

/// The file in an install folder that records what was installed (`REQUIREMENTS`, `ALI_OSS`).
const MARKER: &str = "ossimg-requirements.txt";

/// Upper bound of one suite: each takes a few seconds (three of them sleep 2 s to let a URL
/// expire; the ali-oss suite, every mode twice, about 10 s); two minutes only guards against a
/// hang.
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

/// Creates the venv at `dir` unless one with the same pins is there (the interpreter finds its
/// `pyvenv.cfg` next to itself, so a venv built elsewhere and moved still works when run as
/// `bin/python -m …`).
fn build_venv(dir: &Path) -> Result<PathBuf, String> {
    install_once(dir, REQUIREMENTS, |staging| {
        let interpreter = std::env::var("OSSIMG_PYTHON").unwrap_or_else(|_| "python3".into());
        run_quiet(Command::new(&interpreter).args(["-m", "venv"]).arg(staging), "python3 -m venv")?;
        let reqs = staging.join("requirements.txt");
        std::fs::write(&reqs, REQUIREMENTS).map_err(|e| e.to_string())?;
        // --retries/--timeout: without a network, fail in seconds instead of minutes.
        run_quiet(
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
        )
    })?;
    Ok(dir.join("bin").join("python"))
}

/// Installs `ali-oss` with npm into `dir` unless the same version is there; the folder for
/// `NODE_PATH`.
fn build_node_modules(dir: &Path) -> Result<PathBuf, String> {
    run_quiet(Command::new("node").arg("--version"), "node --version")?;
    install_once(dir, ALI_OSS, |staging| {
        // --fetch-retries/--fetch-timeout: without a network, fail in seconds.
        run_quiet(
            Command::new("npm").arg("install").arg("--prefix").arg(staging).args([
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--no-package-lock",
                "--loglevel=error",
                "--fetch-retries=1",
                "--fetch-timeout=20000",
                ALI_OSS,
            ]),
            "npm install",
        )
    })?;
    Ok(dir.join("node_modules"))
}

/// Makes `dir` hold what `install` puts into an empty folder, recorded as `pins`, unless it holds
/// that already. The install goes to a staging folder renamed into place, so an interrupted one
/// never leaves a half install that looks complete.
fn install_once(
    dir: &Path,
    pins: &str,
    install: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), String> {
    let installed = || std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|m| m == pins);
    if installed() {
        return Ok(());
    }
    let name = dir.file_name().and_then(OsStr::to_str).unwrap_or("sdk");
    let staging = dir.with_file_name(format!("{name}.staging-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| e.to_string())?;
    if let Err(e) = install(&staging) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    std::fs::write(staging.join(MARKER), pins).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(dir);
    match std::fs::rename(&staging, dir) {
        Ok(()) => Ok(()),
        // Another test process installed it meanwhile: use theirs.
        Err(_) if installed() => {
            let _ = std::fs::remove_dir_all(&staging);
            Ok(())
        }
        Err(e) => Err(format!("cannot move the install into {}: {e}", dir.display())),
    }
}

/// The venv's python, or `None` after printing why the test is ignored (panics when the SDKs
/// are required).
fn python_or_skip() -> Option<&'static Path> {
    installed_or_skip("the Python SDK venv", venv_python())
}

/// The `node_modules` folder holding ali-oss, built on first use (once per test process).
fn node_modules() -> &'static Result<PathBuf, String> {
    static NODE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    NODE.get_or_init(|| match std::env::var_os("OSSIMG_SDK_NODE") {
        Some(dir) => build_node_modules(Path::new(&dir)),
        None => build_node_modules(&Path::new(env!("CARGO_TARGET_TMPDIR")).join("sdk-node")),
    })
}

/// The installed SDK's path, or `None` after printing why the test is ignored (panics when the
/// SDKs are required).
fn installed_or_skip(
    what: &str,
    install: &'static Result<PathBuf, String>,
) -> Option<&'static Path> {
    match install {
        Ok(p) => Some(p),
        Err(e) if sdk_required() => panic!("{what} is required (CI / OSSIMG_REQUIRE_SDK=1): {e}"),
        Err(e) => {
            println!("ignored: cannot install {what} (no network?): {e}");
            None
        }
    }
}

/// Runs `tests/sdk/<script>` with `interpreter` against `server` and asserts exit 0; prints the
/// suite's output. `env` adds to the variables every suite gets (see tests/sdk/common.py).
fn run_suite(interpreter: &Path, server: &Server, script: &str, env: &[(&str, &OsStr)]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut cmd = Command::new(interpreter);
    cmd.arg(dir.join("sdk").join(script))
        .envs(env.iter().copied())
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
        .env("no_proxy", "127.0.0.1,localhost,.localhost");
    run_to_end(cmd, script, SUITE_TIMEOUT, || format!("--- server log ---\n{}", server.log()));
}

#[test]
fn oss2_suite() {
    let Some(python) = python_or_skip() else { return };
    let data = TempDir::new("sdk-oss2");
    let server = Server::start(data.path(), &[]);
    run_suite(python, &server, "test_oss2.py", &[]);
    server.kill();
}

#[test]
fn alibabacloud_oss_v2_suite() {
    let Some(python) = python_or_skip() else { return };
    let data = TempDir::new("sdk-v2");
    let server = Server::start(data.path(), &[]);
    run_suite(python, &server, "test_v2.py", &[]);
    server.kill();
}

/// Temporary credentials (issue 14): issued by `POST /?sts` and `ossimg key issue`, used through
/// oss2.StsAuth (V1, V4) and alibabacloud-oss-v2 with a security token: in scope, out of scope
/// (403 AccessDenied), expired (403 SecurityTokenExpired; the suite sleeps 2.5 s for it).
#[test]
fn sts_suite() {
    let Some(python) = python_or_skip() else { return };
    let data = TempDir::new("sdk-sts");
    let server = Server::start(data.path(), &[]);
    let bin = OsStr::new(env!("CARGO_BIN_EXE_ossimg"));
    run_suite(python, &server, "test_sts.py", &[("OSSIMG_BIN", bin)]);
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
    run_suite(python, &server, "test_watermark.py", &[]);
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
    run_suite(python, &server, "test_vhost.py", &[]);
    server.kill();
}

/// The Node.js SDK, ali-oss (tests/sdk/test_ali_oss.js): the object, bucket and processing APIs
/// in each addressing mode it has (virtual-hosted on OSS's own host names through a custom DNS
/// lookup, path style, CNAME on `cdn.ali.localhost` bound to `ali-cname`, an IP endpoint), each
/// with signature V1 and V4. OSS's host names are recognised by default: no `--domain` is needed.
#[test]
fn ali_oss_suite() {
    let Some(modules) = installed_or_skip("ali-oss (npm, node)", node_modules()) else { return };
    let data = TempDir::new("sdk-ali-oss");
    let server = Server::start(data.path(), &["--custom-domain", "cdn.ali.localhost=ali-cname"]);
    run_suite(Path::new("node"), &server, "test_ali_oss.js", &[("NODE_PATH", modules.as_os_str())]);
    server.kill();
}

/// Both Python SDKs over HTTPS (tests/sdk/test_https.py): a test CA and a server certificate made
/// here with `openssl`, `--tls-listen` beside the plain listener; put, processed get and presigned
/// URLs through https:// with the certificate verified against the CA.
#[test]
fn https_suite() {
    let Some(python) = python_or_skip() else { return };
    if !pki::have("openssl", "https_suite") {
        return;
    }
    let data = TempDir::new("sdk-https");
    let ca = pki::Ca::new(&data.path().join("pki"));
    let key = ca.key("server.key", "ec");
    let cert = ca.server_cert("server.pem", &key, "sdk", 1);
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let server = Server::start(
        &data.path().join("data"),
        &["--tls-listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key],
    );
    let https = server
        .log()
        .lines()
        .find_map(|l| {
            l.split("serving on https://").nth(1)?.split_whitespace().next().map(String::from)
        })
        .expect("an HTTPS listener");
    let endpoint = format!("https://{https}");
    let ca_cert = ca.cert();
    let env = [
        ("OSSIMG_HTTPS_ENDPOINT", OsStr::new(&endpoint)),
        ("OSSIMG_TEST_CA", ca_cert.as_os_str()),
        // requests (under both SDKs) trusts the test CA through this.
        ("REQUESTS_CA_BUNDLE", ca_cert.as_os_str()),
    ];
    run_suite(python, &server, "test_https.py", &env);
    server.kill();
}

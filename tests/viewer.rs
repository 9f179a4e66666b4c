//! The style viewer (`GET /-/viewer`, src/api/viewer.rs, assets/viewer/): its HTTP answers, its
//! JavaScript unit tests (the string ↔ controls round trip over every action, browser-side
//! signature V4 against the SDK vectors) run with Node's built-in test runner, and end-to-end
//! suites in a real headless Chromium (tests/viewer/e2e.mjs, driven by `playwright-core` over
//! the DevTools protocol) against a running `ossimg serve`: sign in, upload, build a cascade with
//! the controls, save a style, reopen a shared link, watermark, sign out; and anonymous browsing
//! of a public-read bucket next to a refused private one. Screenshots of every step are kept
//! under `<target>/tmp/viewer-screenshots/`.
//!
//! Needs `node` (and `npm` once, to install the pinned `playwright-core` under
//! `<target>/tmp/viewer-node`) and Debian's `chromium` (installed by .ci/setup). Without them the
//! tests print "ignored: …" and pass, unless `OSSIMG_REQUIRE_BROWSER=1` (set by .ci/run), when
//! that is a failure. `OSSIMG_CHROMIUM` names the browser binary (default: the first of
//! `chromium`, `chromium-browser`, `google-chrome` on `PATH`); `OSSIMG_VIEWER_NODE` moves the
//! `playwright-core` install.

#[path = "support/run.rs"]
mod run;
#[path = "sdk/server.rs"]
mod server;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use run::{run_quiet, run_to_end};
use server::{header, http, Server, TempDir, AK, REGION, SK};

/// The playwright-core version the suites were verified with (with Debian bookworm's Chromium
/// 156). Changing it reinstalls it. playwright-core has no dependencies and downloads no browser.
const PLAYWRIGHT: &str = "playwright-core@1.65.1";

/// The file in the install folder that records what was installed.
const MARKER: &str = "ossimg-requirements.txt";

/// Upper bound of one browser suite: each takes about 10 s on a debug build; three minutes only
/// guards against a hang on a loaded 2-core CI machine.
const SUITE_TIMEOUT: Duration = Duration::from_secs(180);

/// True when a missing browser or Node.js must fail the tests rather than skip them.
fn browser_required() -> bool {
    std::env::var("OSSIMG_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

/// The value of `result` when `what` is available, else `None` after printing why the test is
/// ignored (panics when browsers are required).
fn available<T: Clone>(what: &str, result: &Result<T, String>) -> Option<T> {
    match result {
        Ok(v) => Some(v.clone()),
        Err(e) if browser_required() => {
            panic!("{what} is required (OSSIMG_REQUIRE_BROWSER=1): {e}")
        }
        Err(e) => {
            println!("ignored: {what} is not available: {e}");
            None
        }
    }
}

/// Whether `node` runs.
fn node() -> Result<(), String> {
    run_quiet(Command::new("node").arg("--version"), "node --version")
}

/// The Chromium binary: `OSSIMG_CHROMIUM`, else the first known name on `PATH`.
fn chromium() -> &'static Result<PathBuf, String> {
    static CHROMIUM: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    CHROMIUM.get_or_init(|| {
        if let Some(p) = std::env::var_os("OSSIMG_CHROMIUM").map(PathBuf::from) {
            return if p.is_file() {
                Ok(p)
            } else {
                Err(format!("OSSIMG_CHROMIUM={} is not a file", p.display()))
            };
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in std::env::split_paths(&path) {
                let p = dir.join(name);
                if p.is_file() {
                    return Ok(p);
                }
            }
        }
        Err("no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium)"
            .into())
    })
}

/// The `node_modules` folder holding playwright-core, installed on first use (once per test
/// process) into a staging folder renamed into place, so an interrupted install never looks
/// complete.
fn playwright() -> &'static Result<PathBuf, String> {
    static NODE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    NODE.get_or_init(|| {
        let dir = std::env::var_os("OSSIMG_VIEWER_NODE")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("viewer-node"));
        let installed = || std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|m| m == PLAYWRIGHT);
        if !installed() {
            let staging = dir.with_file_name(format!("viewer-node.staging-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&staging);
            std::fs::create_dir_all(&staging).map_err(|e| e.to_string())?;
            // --fetch-retries/--fetch-timeout: without a network, fail in seconds.
            let result = run_quiet(
                Command::new("npm").arg("install").arg("--prefix").arg(&staging).args([
                    "--no-audit",
                    "--no-fund",
                    "--no-save",
                    "--no-package-lock",
                    "--loglevel=error",
                    "--fetch-retries=1",
                    "--fetch-timeout=20000",
                    PLAYWRIGHT,
                ]),
                "npm install",
            )
            .and_then(|()| {
                std::fs::write(staging.join(MARKER), PLAYWRIGHT).map_err(|e| e.to_string())
            });
            if let Err(e) = result {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(e);
            }
            let _ = std::fs::remove_dir_all(&dir);
            if let Err(e) = std::fs::rename(&staging, &dir) {
                let _ = std::fs::remove_dir_all(&staging);
                if !installed() {
                    return Err(format!("cannot move the install into {}: {e}", dir.display()));
                }
            }
        }
        Ok(dir.join("node_modules"))
    })
}

/// Runs the browser suite `suite` of tests/viewer/e2e.mjs against a fresh server.
fn browser_suite(suite: &str) {
    let Some(()) = available("node", &node()) else { return };
    let Some(chromium) = available("chromium", chromium()) else { return };
    let Some(modules) = available("playwright-core (npm install)", playwright()) else { return };
    let data = TempDir::new(&format!("viewer-{suite}"));
    let server = Server::start(data.path(), &[]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("viewer-screenshots");
    let mut cmd = Command::new("node");
    cmd.arg(root.join("tests/viewer/e2e.mjs"))
        .current_dir(root)
        .env("OSSIMG_ENDPOINT", server.endpoint())
        .env("OSSIMG_AK", AK)
        .env("OSSIMG_SK", SK)
        .env("OSSIMG_REGION", REGION)
        .env("VIEWER_CHROMIUM", chromium)
        .env("VIEWER_NODE_MODULES", modules)
        .env("VIEWER_SHOTS", &shots)
        .env("VIEWER_PHOTO", root.join("tests/data/example.jpg"))
        .env("VIEWER_SUITE", suite)
        // The page talks only to the loopback server: never through a proxy.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost");
    run_to_end(cmd, &format!("e2e.mjs {suite}"), SUITE_TIMEOUT, || {
        format!("--- server log ---\n{}", server.log())
    });
    server.kill();
}

/// Sign in, upload (single and multipart), build `resize,w_200/rotate,90` with the controls and
/// check the 134×200 result and the string, the server's error next to a bad control, presign,
/// save a style and see it listed, reopen a shared link, apply a style and a text watermark,
/// info/average-hue, slider, phone width, sign out; no console errors.
#[test]
fn browser_signed_in_flow() {
    browser_suite("flow");
}

/// A public-read bucket browsed anonymously (thumbnails, processing); a private one refused with
/// a readable message.
#[test]
fn browser_anonymous_browsing() {
    browser_suite("anonymous");
}

/// The JS unit tests (tests/viewer/*.test.mjs) under `node --test`.
#[test]
fn js_unit_tests() {
    let Some(()) = available("node", &node()) else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new("node");
    cmd.arg("--test")
        .arg(root.join("tests/viewer/process.test.mjs"))
        .arg(root.join("tests/viewer/sign.test.mjs"))
        .current_dir(root);
    run_to_end(cmd, "node --test", SUITE_TIMEOUT, String::new);
}

/// GET of `path` on `server` with `headers`: (status, headers, body).
fn get(server: &Server, method: &str, path: &str, headers: &[(&str, &str)]) -> server::Reply {
    let headers: Vec<(String, String)> =
        headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    http(server.addr, method, path, &headers, &[]).expect("http")
}

/// The whole answer to `HEAD path` (read to EOF: the helper `http` expects a body).
fn head(server: &Server, path: &str) -> String {
    use std::io::Write as _;
    let mut s = std::net::TcpStream::connect(server.addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    write!(s, "HEAD {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", server.addr)
        .expect("send");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    raw
}

/// The page and its files: served to anyone (even with a bad signature), with their content
/// types and a strict CSP; the page carries the server's region; other methods and unknown files
/// are refused; `/-` stays an OSS request and the OSS API gains no anonymous access.
#[test]
fn page_is_served_without_auth_and_with_a_strict_policy() {
    let data = TempDir::new("viewer-http");
    let server = Server::start(data.path(), &[]);
    let bad_auth = [("Authorization", "OSS4-HMAC-SHA256 Credential=nobody/x,Signature=00")];
    for headers in [&[][..], &bad_auth[..]] {
        let (status, h, body) = get(&server, "GET", "/-/viewer", headers);
        assert_eq!(status, 200);
        assert_eq!(header(&h, "content-type"), Some("text/html; charset=utf-8"));
        let csp = header(&h, "content-security-policy").expect("CSP");
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{directive} in {csp}");
        }
        assert!(!csp.contains("unsafe"), "{csp}");
        assert_eq!(header(&h, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(&h, "referrer-policy"), Some("no-referrer"));
        let html = String::from_utf8(body).expect("utf-8");
        assert!(html.contains(&format!("<meta name=\"ossimg-region\" content=\"{REGION}\">")));
        assert!(!html.contains("http://") && !html.contains("https://"), "no remote resource");
    }
    for (file, ty) in [
        ("app.js", "text/javascript; charset=utf-8"),
        ("build.js", "text/javascript; charset=utf-8"),
        ("oss.js", "text/javascript; charset=utf-8"),
        ("process.js", "text/javascript; charset=utf-8"),
        ("sign.js", "text/javascript; charset=utf-8"),
        ("viewer.css", "text/css; charset=utf-8"),
    ] {
        let (status, h, body) = get(&server, "GET", &format!("/-/viewer/{file}"), &[]);
        assert_eq!(status, 200, "{file}");
        assert_eq!(header(&h, "content-type"), Some(ty), "{file}");
        let on_disk =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/viewer").join(file))
                .expect("asset on disk");
        assert_eq!(body, on_disk, "{file} is served byte-for-byte");
        let raw = head(&server, &format!("/-/viewer/{file}"));
        assert!(raw.starts_with("HTTP/1.1 200 OK\r\n"), "HEAD {file}: {raw}");
        assert!(raw.contains(&format!("content-length: {}\r\n", on_disk.len())), "{raw}");
        assert!(raw.ends_with("\r\n\r\n"), "HEAD {file} has no body: {raw:?}");
    }
    let (status, _, _) = get(&server, "GET", "/-/viewer/secret.txt", &[]);
    assert_eq!(status, 404);
    let (status, _, _) = get(&server, "GET", "/-/viewer/../Cargo.toml", &[]);
    assert_ne!(status, 200);
    let (status, _, _) = get(&server, "PUT", "/-/viewer", &[]);
    assert_eq!(status, 405);
    // `/-` and `/-/other` are OSS requests for a bucket named `-`, which cannot exist.
    for path in ["/-", "/-/other"] {
        let (status, _, body) = get(&server, "GET", path, &[]);
        let body = String::from_utf8_lossy(&body);
        assert!(status >= 400 && body.contains("<Error><Code>"), "{path}: {status} {body}");
    }
    // The OSS API itself still wants a signature.
    let (status, _, body) = get(&server, "GET", "/", &[]);
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("<Code>AccessDenied</Code>"));
    server.kill();
}

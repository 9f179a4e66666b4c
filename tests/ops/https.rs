//! HTTPS, end to end: HTTP/1.1 and HTTP/2 (ALPN) with the test CA, certificate reloads on SIGHUP
//! and on change without dropping kept connections, plain and HTTPS listeners at once, and the
//! refusals of an HTTPS-only setup and a key that does not match its certificate.

use super::*;

/// `curl` over HTTPS with the test CA: (HTTP version, status, body).
fn curl(ca: &Path, url: &str, version_flag: &str) -> (String, u16, String) {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20", version_flag, "--cacert"])
        .arg(ca)
        .args(["-w", "\n%{http_version} %{http_code}", url])
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "curl {url}: {}{text}", String::from_utf8_lossy(&out.stderr));
    let (body, tail) = text.rsplit_once('\n').unwrap();
    let (version, code) = tail.split_once(' ').unwrap();
    (version.to_string(), code.parse().unwrap(), body.trim_end().to_string())
}

/// A kept-alive HTTPS (HTTP/1.1) connection through `openssl s_client`.
struct KeptConnection {
    child: std::process::Child,
    out: Arc<Mutex<Vec<u8>>>,
}

impl KeptConnection {
    fn open(addr: SocketAddr, ca: &Path) -> KeptConnection {
        let mut child = Command::new("openssl")
            .args([
                "s_client",
                "-quiet",
                "-alpn",
                "http/1.1",
                "-servername",
                "localhost",
                "-verify_return_error",
                "-CAfile",
            ])
            .arg(ca)
            .args(["-connect", &addr.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = out.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    return;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        KeptConnection { child, out }
    }

    /// Sends `GET /-/health` and waits for the `n`th answer on this connection.
    fn health(&mut self, n: usize) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(b"GET /-/health HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        stdin.flush().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned();
            if got.matches("HTTP/1.1 200 OK").count() >= n
                && got.matches("\r\n\r\nok\n").count() >= n
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "answer {n} never came on the kept connection: {got:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for KeptConnection {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn served_becomes(addr: SocketAddr, want: &str, within: Duration, log: &dyn Fn() -> String) {
    let deadline = Instant::now() + within;
    loop {
        let got = pki::served_fingerprint(addr);
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "served {got}, expected {want}:\n{}", log());
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn https_http2_and_certificate_reload() {
    if !pki::have("openssl", "https_http2_and_certificate_reload")
        || !pki::have("curl", "https_http2_and_certificate_reload")
    {
        return;
    }
    let dir = TempDir::new("ops-tls");
    let ca = pki::Ca::new(&dir.path().join("pki"));
    let rsa = ca.key("rsa.key", "rsa");
    let one = ca.server_cert("one.pem", &rsa, "one", 4097);
    let two = ca.server_cert("two.pem", &rsa, "two", 4098);
    assert_eq!(std::fs::metadata(&one).unwrap().len(), std::fs::metadata(&two).unwrap().len());
    let live = dir.path().join("live");
    std::fs::create_dir_all(&live).unwrap();
    let (cert, key) = (live.join("cert.pem"), live.join("key.pem"));
    std::fs::copy(&one, &cert).unwrap();
    std::fs::copy(&rsa, &key).unwrap();
    let data = dir.path().join("data");
    let srv = Proc::start(
        &data,
        &[
            "--tls-listen",
            "127.0.0.1:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        &[],
        &["http", "https"],
    );
    let log = || srv.log();
    let https = srv.https.unwrap();
    let url = |path: &str| format!("https://localhost:{}{path}", https.port());

    // HTTP/2 when the client offers it, HTTP/1.1 otherwise; plain HTTP beside it.
    assert_eq!(curl(&ca.cert(), &url("/-/health"), "--http2"), ("2".into(), 200, "ok".into()));
    assert_eq!(curl(&ca.cert(), &url("/-/health"), "--http1.1"), ("1.1".into(), 200, "ok".into()));
    let (v, status, body) = curl(&ca.cert(), &url("/nobucket"), "--http2");
    assert_eq!((v.as_str(), status), ("2", 404));
    assert!(body.contains("<Code>NoSuchBucket</Code>"), "{body}");
    let (status, _, body) = http(srv.http.unwrap(), "GET", "/-/health", &[], b"").unwrap();
    assert_eq!((status, body.as_slice()), (200, &b"ok\n"[..]));
    assert_eq!(pki::served_fingerprint(https), pki::fingerprint(&one));

    let mut kept = KeptConnection::open(https, &ca.cert());
    kept.health(1);

    // A new certificate of the same size with the old modification time: the file watcher sees
    // no change; SIGHUP re-reads the files.
    // Written beside it and renamed over it, so the watcher never sees a half-written file.
    let mtime = std::fs::metadata(&cert).unwrap().modified().unwrap();
    let staged = live.join("cert.pem.new");
    std::fs::copy(&two, &staged).unwrap();
    std::fs::File::options().write(true).open(&staged).unwrap().set_modified(mtime).unwrap();
    std::fs::rename(&staged, &cert).unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(pki::served_fingerprint(https), pki::fingerprint(&one), "reloaded without SIGHUP");
    srv.signal("HUP");
    served_becomes(https, &pki::fingerprint(&two), Duration::from_secs(10), &log);
    // The connection opened before the reload is still served.
    kept.health(2);
    drop(kept);

    // Changed on disk (an ECDSA key now): picked up without a signal. The key lands first, so
    // one reload may fail on a key that does not match the old certificate; the next succeeds.
    let ec = ca.key("ec.key", "ec");
    let three = ca.server_cert("three.pem", &ec, "three", 4099);
    std::thread::sleep(Duration::from_millis(1100)); // a new mtime even on coarse filesystems
    std::fs::copy(&ec, &key).unwrap();
    std::fs::copy(&three, &cert).unwrap();
    served_becomes(https, &pki::fingerprint(&three), Duration::from_secs(15), &log);
    assert_eq!(curl(&ca.cert(), &url("/-/health"), "--http2"), ("2".into(), 200, "ok".into()));

    // A broken file: the reload fails, the previous certificate stays.
    std::fs::write(&cert, b"not a certificate").unwrap();
    srv.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !srv.log().contains("certificate reload failed") {
        assert!(Instant::now() < deadline, "{}", srv.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(pki::served_fingerprint(https), pki::fingerprint(&three));
    let (m, _) = scrape(srv.http.unwrap());
    assert!(get(&m, "ossimg_tls_reloads_total{result=\"ok\"}") >= 2.0);
    assert!(get(&m, "ossimg_tls_reloads_total{result=\"error\"}") >= 1.0);
}

/// HTTPS alone: `--tls-cert` without `--tls-listen` turns the main listener into HTTPS; a
/// key that does not match the certificate refuses to start.
#[test]
fn https_only_and_mismatched_key() {
    if !pki::have("openssl", "https_only_and_mismatched_key")
        || !pki::have("curl", "https_only_and_mismatched_key")
    {
        return;
    }
    let dir = TempDir::new("ops-tls-only");
    let ca = pki::Ca::new(&dir.path().join("pki"));
    let ec = ca.key("ec.key", "ec");
    let cert = ca.server_cert("cert.pem", &ec, "only", 7);
    let data = dir.path().join("data");
    let srv = Proc::start(
        &data,
        &["--tls-cert", cert.to_str().unwrap(), "--tls-key", ec.to_str().unwrap()],
        &[],
        &["https"],
    );
    assert!(srv.http.is_none());
    let url = format!("https://127.0.0.1:{}/-/ready", srv.https.unwrap().port());
    assert_eq!(curl(&ca.cert(), &url, "--http2"), ("2".into(), 200, "ready".into()));
    drop(srv);
    let other = ca.key("other.key", "rsa");
    let out = Command::new(env!("CARGO_BIN_EXE_ossimg"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            other.to_str().unwrap(),
            "--data-dir",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("HTTPS certificate") && err.to_lowercase().contains("key"), "{err}");
}

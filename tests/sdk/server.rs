//! A real `ossimg serve` process for the end-to-end tests (tests/sdk.rs, tests/crash.rs): started
//! on a free loopback port (`--listen 127.0.0.1:0`; the port is read from the "serving on" line),
//! with a fixed key pair, a temporary data directory and the CPU engine; killed when dropped.

#![allow(dead_code)] // each test target uses a different part

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The AccessKeyId every test server accepts.
pub const AK: &str = "LTAIossimgTestKey";
/// Its AccessKeySecret.
pub const SK: &str = "ossimg-test-secret-0123456789";
/// The region of signature V4 scopes (the server's default, passed explicitly).
pub const REGION: &str = "cn-hangzhou";

/// How long a server may take to print its "serving on" line: a debug build starting cold on a
/// busy 2-core CI machine takes well under a second; 30 s only guards against a hang.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A directory under the system temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh, empty directory whose name contains `tag`.
    pub fn new(tag: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "ossimg-{tag}-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `ossimg serve`.
pub struct Server {
    child: Child,
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Everything it printed on stderr so far (for failure messages).
    pub log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `ossimg serve --data-dir <data_dir> --backend cpu <extra…>` and waits until it
    /// accepts connections. Panics with the server's output when it does not start.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Server {
        Self::start_with_env(data_dir, extra, &[])
    }

    /// [`Server::start`] with `env` added to the server's environment (S3 settings, say).
    pub fn start_with_env(data_dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ossimg"));
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--backend",
            "cpu",
            "--region",
            REGION,
            "--data-dir",
        ])
        .arg(data_dir)
        .args(extra)
        .envs(env.iter().copied())
        .env("OSSIMG_ACCESS_KEY_ID", AK)
        .env("OSSIMG_ACCESS_KEY_SECRET", SK)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
        // Settings from the caller's environment must not leak into the test server.
        for var in
            ["OSSIMG_LISTEN", "OSSIMG_DATA_DIR", "OSSIMG_BACKEND", "OSSIMG_DOMAIN", "OSSIMG_REGION"]
        {
            cmd.env_remove(var);
        }
        let mut child = cmd.spawn().expect("spawn ossimg serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel::<SocketAddr>();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("serving on http://").nth(1) {
                    if let Some(addr) = rest.split_whitespace().next().and_then(|a| a.parse().ok())
                    {
                        let _ = tx.send(addr);
                    }
                }
                let mut l = sink.lock().unwrap_or_else(|e| e.into_inner());
                l.push_str(&line);
                l.push('\n');
            }
        });
        let addr = match rx.recv_timeout(START_TIMEOUT) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                let status = child.wait();
                panic!(
                    "ossimg serve did not start ({status:?}):\n{}",
                    log.lock().unwrap_or_else(|e| e.into_inner())
                );
            }
        };
        let server = Server { child, addr, log };
        server.wait_ready();
        server
    }

    /// Polls `GET /` until the server answers with an HTTP status line.
    fn wait_ready(&self) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok((status, _, _)) = http(self.addr, "GET", "/", &[], &[]) {
                if status > 0 {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "ossimg serve on {} never answered:\n{}",
                self.addr,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the server printed so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// SIGKILLs the server (`Child::kill` sends SIGKILL on Unix: no shutdown code runs) and
    /// reaps it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer: status, lower-cased headers in order, body.
pub type Reply = (u16, Vec<(String, String)>, Vec<u8>);

/// One HTTP/1.1 request over a fresh connection (`Connection: close`): (status, lower-cased
/// headers, body). The body is decoded when the answer is chunked.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path_and_query: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<Reply> {
    http_paced(addr, method, path_and_query, headers, body, None)
}

/// Like [`http`], but the body is sent in chunks of `pace.0` bytes with `pace.1` between them,
/// so that a request is still in flight for a while (the crash test kills the server then).
pub fn http_paced(
    addr: SocketAddr,
    method: &str,
    path_and_query: &str,
    headers: &[(String, String)],
    body: &[u8],
    pace: Option<(usize, Duration)>,
) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect(addr)?;
    // Generous: a processed GET of a large photo on a loaded CI machine takes seconds, not 60.
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head =
        format!("{method} {path_and_query} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() || method == "PUT" || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    match pace {
        Some((chunk, pause)) => {
            for part in body.chunks(chunk.max(1)) {
                s.write_all(part)?;
                std::thread::sleep(pause);
            }
        }
        None => s.write_all(body)?,
    }
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed HTTP response")
    })
}

/// Splits a complete HTTP/1.1 response read to EOF.
fn parse_response(raw: &[u8]) -> Option<Reply> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body)?;
    } else if let Some(len) = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        if body.len() < len {
            return None; // truncated answer
        }
        body.truncate(len);
    }
    Some((status, headers, body))
}

/// Decodes a chunked body; `None` when it is malformed or ends before the last chunk.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// The value of response header `name` (lower-case).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

//! A real `ossimg serve` for the operations tests, with what tests/sdk/server.rs does not give:
//! every listener's address (plain, HTTPS, metrics), the whole stderr (the logs under test),
//! signals, and the exit status.
#![allow(dead_code)] // each test target uses a different part

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The key pair every server accepts.
pub const AK: &str = "LTAIossimgOpsKey";
/// Its secret: a test greps the logs for it.
pub const SK: &str = "ossimg-ops-secret-NEVER-LOGGED-42";

/// How long a server may take to print its listeners (a cold debug build on a busy 2-core
/// machine takes about a second; 30 s guards against a hang).
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running server.
pub struct Proc {
    child: Option<Child>,
    /// Everything it wrote on stderr so far.
    pub log: Arc<Mutex<String>>,
    /// The plain HTTP API listener, if any.
    pub http: Option<SocketAddr>,
    /// The HTTPS API listener, if any.
    pub https: Option<SocketAddr>,
    /// The metrics listener, if any.
    pub metrics: Option<SocketAddr>,
}

fn addr_after(log: &str, marker: &str) -> Option<SocketAddr> {
    log.lines().find_map(|l| {
        let rest = l.split(marker).nth(1)?;
        rest.split(|c: char| c.is_whitespace() || c == '/').next()?.parse().ok()
    })
}

impl Proc {
    /// Starts `ossimg serve --listen 127.0.0.1:0 --data-dir <data> <args…>` (`--backend cpu` unless
    /// `args` name one) with
    /// `env`, and waits until it has printed each listener `expect` names (`http`, `https`,
    /// `metrics`).
    pub fn start(data: &Path, args: &[&str], env: &[(&str, &str)], expect: &[&str]) -> Proc {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ossimg"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"]).arg(data);
        if !args.contains(&"--backend") {
            cmd.args(["--backend", "cpu"]);
        }
        cmd.args(args)
            .env("OSSIMG_ACCESS_KEY_ID", AK)
            .env("OSSIMG_ACCESS_KEY_SECRET", SK)
            .env_remove("RUST_LOG")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for var in ["OSSIMG_LISTEN", "OSSIMG_DATA_DIR", "OSSIMG_BACKEND", "OSSIMG_LOG_FORMAT"] {
            cmd.env_remove(var);
        }
        let mut child = cmd.spawn().expect("spawn ossimg serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap_or_else(|e| e.into_inner());
                l.push_str(&line);
                l.push('\n');
            }
        });
        let mut p = Proc { child: Some(child), log, http: None, https: None, metrics: None };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let text = p.log();
            p.http = addr_after(&text, "serving on http://");
            p.https = addr_after(&text, "serving on https://");
            p.metrics = addr_after(&text, "metrics on http://");
            let found = |what: &str| match what {
                "http" => p.http.is_some(),
                "https" => p.https.is_some(),
                "metrics" => p.metrics.is_some(),
                other => panic!("listener {other}"),
            };
            if expect.iter().all(|w| found(w)) {
                return p;
            }
            if let Some(status) = p.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("ossimg serve exited ({status}):\n{text}");
            }
            assert!(Instant::now() < deadline, "ossimg serve did not start:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What it wrote on stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Sends `signal` (`TERM`, `HUP`, …) with kill(1).
    pub fn signal(&self, signal: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(ok.success(), "kill -{signal} failed");
    }

    /// Waits up to `limit` for the process to exit; `None` if it is still running (it is then
    /// killed).
    pub fn wait(mut self, limit: Duration) -> Option<ExitStatus> {
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + limit;
        loop {
            if let Some(st) = child.try_wait().unwrap() {
                return Some(st);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

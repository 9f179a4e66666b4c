//! Running an external test suite (a Python SDK suite, a Node browser suite) to the end under a
//! time limit, shared by tests/sdk.rs and tests/viewer.rs.

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `cmd` to the end (at most `timeout`, then it is killed) and asserts exit 0; prints its
/// output (stdout and stderr).
/// `context` adds to the failure message (the server log).
pub fn run_to_end(mut cmd: Command, what: &str, timeout: Duration, context: impl Fn() -> String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
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
    let deadline = Instant::now() + timeout;
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
    println!("--- {what} ---\n{output}");
    match status {
        Some(st) if st.success() => {}
        Some(st) => panic!("{what} failed ({st}):\n{output}\n{}", context()),
        None => panic!("{what} did not finish within {timeout:?}:\n{output}\n{}", context()),
    }
}

/// Runs a setup command, turning a failure into its output.
pub fn run_quiet(cmd: &mut Command, what: &str) -> Result<(), String> {
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

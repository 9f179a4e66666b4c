//! What a batch tells people: a progress bar on a terminal (count, rate, ETA), a plain progress
//! line every few seconds otherwise, the closing summary, and the JSON report of `--report`.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::Error;

/// One file that failed: where it came from and the OSS error it met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// The input, as `<INPUT>:<relative path>`.
    pub input: String,
    /// The OSS error code (`ImageDamage`, `ImageTooLarge`, …).
    pub code: String,
    /// The message.
    pub message: String,
}

impl Failure {
    /// The failure for `e` (the input is filled in by the caller).
    pub fn from_error(e: &Error) -> Failure {
        let message = match e.ec {
            Some(ec) => format!("{} (EC {ec})", e.message),
            None => e.message.clone(),
        };
        Failure { input: String::new(), code: e.kind.code().to_owned(), message }
    }
}

/// The outcome of a run, written as JSON by `--report`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Files selected (after filters and shard).
    pub files: usize,
    /// Files processed and written.
    pub succeeded: usize,
    /// Files whose output existed (`--skip-existing`).
    pub skipped: usize,
    /// Files that failed, with their errors.
    pub failed: Vec<Failure>,
    /// Files not started because the run was cancelled.
    pub not_started: usize,
    /// True when the run was cancelled (Ctrl-C).
    pub cancelled: bool,
    /// Wall time of the run.
    pub seconds: f64,
    /// Processed images per second of wall time.
    pub images_per_second: f64,
    /// Megapixels of the processed sources.
    pub input_megapixels: f64,
    /// Bytes read from processed sources.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
}

impl Report {
    /// An empty report for `files` selected files.
    pub fn new(files: usize, elapsed: Duration) -> Report {
        Report {
            files,
            succeeded: 0,
            skipped: 0,
            failed: Vec::new(),
            not_started: 0,
            cancelled: false,
            seconds: elapsed.as_secs_f64(),
            images_per_second: 0.0,
            input_megapixels: 0.0,
            bytes_in: 0,
            bytes_out: 0,
        }
    }

    /// Sets the time and the rate.
    pub fn finish(&mut self, elapsed: Duration) {
        self.seconds = elapsed.as_secs_f64();
        self.images_per_second =
            if self.seconds > 0.0 { self.succeeded as f64 / self.seconds } else { 0.0 };
    }

    /// Files finished one way or another.
    pub fn done(&self) -> usize {
        self.succeeded + self.skipped + self.failed.len() + self.not_started
    }

    /// The closing summary: counts, rates, bytes, and the process's peak memory.
    pub fn summary(&self) -> String {
        let mp_s = if self.seconds > 0.0 { self.input_megapixels / self.seconds } else { 0.0 };
        let mut s = format!(
            "batch: {} files: {} done, {} skipped, {} failed{} in {:.1} s — {:.1} images/s, {:.1} MP/s, {} MB in, {} MB out",
            self.files,
            self.succeeded,
            self.skipped,
            self.failed.len(),
            if self.not_started > 0 { format!(", {} not started", self.not_started) } else { String::new() },
            self.seconds,
            self.images_per_second,
            mp_s,
            self.bytes_in / 1_000_000,
            self.bytes_out / 1_000_000,
        );
        if let Some(kb) = peak_rss_kb() {
            s.push_str(&format!(", peak RSS {} MB", kb / 1024));
        }
        s
    }
}

/// The process's peak resident set (`VmHWM` of /proc/self/status) in KiB, where there is one.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Progress on stderr: a bar on a terminal, else a line every `LINE_EVERY`.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    total: usize,
    started: Instant,
    last_line: Instant,
}

/// How often the plain progress line is printed when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

impl Progress {
    /// Progress for `total` files; silent when `enabled` is false.
    pub fn new(total: usize, enabled: bool) -> Progress {
        let terminal = enabled && std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} files  {per_sec}  ETA {eta}  {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        let now = Instant::now();
        Progress { bar, plain: enabled && !terminal, total, started: now, last_line: now }
    }

    /// Records one more finished file.
    pub fn tick(&mut self, report: &Report) {
        if let Some(bar) = &self.bar {
            bar.set_position(report.done() as u64);
            if !report.failed.is_empty() {
                bar.set_message(format!("{} failed", report.failed.len()));
            }
        } else if self.plain && self.last_line.elapsed() >= LINE_EVERY {
            self.last_line = Instant::now();
            let done = report.done();
            let secs = self.started.elapsed().as_secs_f64();
            let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
            let eta = if rate > 0.0 { (self.total - done) as f64 / rate } else { 0.0 };
            eprintln!(
                "batch: {done}/{} files, {} failed, {rate:.1} files/s, ETA {eta:.0} s",
                self.total,
                report.failed.len()
            );
        }
    }

    /// Prints a line above the bar (or plainly).
    pub fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None if self.plain => eprintln!("{line}"),
            None => {}
        }
    }

    /// Ends the bar and prints the summary.
    pub fn finish(&self, report: &Report) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.bar.is_some() || self.plain {
            eprintln!("{}", report.summary());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_json_with_the_promised_fields() {
        let mut r = Report::new(3, Duration::ZERO);
        r.succeeded = 2;
        r.failed.push(Failure {
            input: "in:a.jpg".into(),
            code: "ImageDamage".into(),
            message: "The image file may be damaged.".into(),
        });
        r.finish(Duration::from_secs(2));
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(v["succeeded"], 2);
        assert_eq!(v["skipped"], 0);
        assert_eq!(v["failed"][0]["code"], "ImageDamage");
        assert_eq!(v["failed"][0]["input"], "in:a.jpg");
        assert_eq!(v["seconds"], 2.0);
        assert_eq!(v["images_per_second"], 1.0);
        assert_eq!(r.done(), 3);
        assert!(r.summary().starts_with("batch: 3 files: 2 done, 0 skipped, 1 failed in 2.0 s"));
        let e = Error::with_ec(crate::ErrorKind::ImageTooLarge, "0040-00000009", "too big");
        let f = Failure::from_error(&e);
        assert_eq!(
            (f.code.as_str(), f.message.as_str()),
            ("ImageTooLarge", "too big (EC 0040-00000009)")
        );
    }
}

//! The operator's limits on what one request may cost, in one struct: source and result sizes,
//! the process string, request heads and bodies, timeouts, the processing queue and the memory
//! budget of images in flight. Defaults are the spec's values (§1.3, §2) and the service's own
//! where the spec gives none; `serve` reads them from the `[limits]` table of its configuration,
//! then `OSSIMG_LIMITS` and `--limit KEY=VALUE` ([`Limits::set`]). The limits that the parser,
//! planner and codecs enforce themselves at the spec's value (source and result sizes, the
//! process string) may be lowered here, never raised: the spec's value stays their ceiling.

use std::time::Duration;

/// Every configurable limit; see [`Limits::KEYS`] for their configuration keys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Largest source object processed, bytes (spec §2: 20 MB; ceiling).
    pub source_bytes: u64,
    /// Largest source width or height, px (spec §2: 30 000; ceiling).
    pub source_side: u32,
    /// Most source pixels, W×H×frames (spec §2: 250 000 000; ceiling).
    pub source_pixels: u64,
    /// Largest result width or height, px (spec §2: 16 384; ceiling).
    pub result_side: u32,
    /// Most result pixels (spec §2: 16 777 216 = 4096²; ceiling).
    pub result_pixels: u64,
    /// Longest process string, bytes (spec §1.3: 4096; ceiling).
    pub process_bytes: usize,
    /// Most actions in a process string (spec §1.3: 20; ceiling).
    pub process_actions: usize,
    /// Largest request head (request line and headers), bytes: hyper's read buffer (default
    /// hyper's own, 408 KiB; at least 8 KiB).
    pub header_bytes: usize,
    /// Largest declared request body, bytes (OSS's object size limit, 5 GiB; ceiling).
    pub body_bytes: u64,
    /// Time a client may take to send a request head.
    pub header_timeout: Duration,
    /// Time a client may pause while sending a body.
    pub body_idle_timeout: Duration,
    /// Longest a processed request waits for its job (queue and run), `None` without a limit;
    /// past it the answer is `503 CpuLimitExceeded` (the job, once running, still finishes).
    pub job_timeout: Option<Duration>,
    /// Most jobs waiting for the processing pool, per worker thread.
    pub queue_jobs_per_worker: usize,
    /// Most work waiting for the processing pool, by the measured job time.
    pub queue_wait: Duration,
    /// Memory budget of images in flight, MiB: a job holds its estimated decode size until it is
    /// done, and waits (within the queue bound) while the budget is spent.
    pub memory_mib: u32,
}

/// Spec §2: source object size for processing.
const SPEC_SOURCE_BYTES: u64 = 20 * 1024 * 1024;
/// Spec §2: source side.
const SPEC_SOURCE_SIDE: u32 = 30_000;
/// Spec §2: source pixels.
const SPEC_SOURCE_PIXELS: u64 = 250_000_000;
/// Spec §2: result side.
const SPEC_RESULT_SIDE: u32 = 16_384;
/// Spec §2: result pixels.
const SPEC_RESULT_PIXELS: u64 = 16_777_216;
/// Spec §1.3: process string length.
const SPEC_PROCESS_BYTES: usize = 4096;
/// Spec §1.3: actions per process string.
const SPEC_PROCESS_ACTIONS: usize = 20;
/// OSS's largest object, the ceiling of a request body.
const MAX_BODY_BYTES: u64 = 5 * 1024 * 1024 * 1024;
/// hyper's default read buffer (8 KiB + 100 headers of 4 KiB), and its least.
const HYPER_BUF: (usize, usize) = (8192 + 4096 * 100, 8192);

impl Default for Limits {
    fn default() -> Self {
        Limits {
            source_bytes: SPEC_SOURCE_BYTES,
            source_side: SPEC_SOURCE_SIDE,
            source_pixels: SPEC_SOURCE_PIXELS,
            result_side: SPEC_RESULT_SIDE,
            result_pixels: SPEC_RESULT_PIXELS,
            process_bytes: SPEC_PROCESS_BYTES,
            process_actions: SPEC_PROCESS_ACTIONS,
            header_bytes: HYPER_BUF.0,
            body_bytes: MAX_BODY_BYTES,
            header_timeout: Duration::from_secs(30),
            body_idle_timeout: Duration::from_secs(60),
            job_timeout: None,
            queue_jobs_per_worker: 32,
            queue_wait: Duration::from_secs(3),
            memory_mib: 1024,
        }
    }
}

impl Limits {
    /// The configuration keys, in the order of the README's table.
    pub const KEYS: &'static [&'static str] = &[
        "source_bytes",
        "source_side",
        "source_pixels",
        "result_side",
        "result_pixels",
        "process_bytes",
        "process_actions",
        "header_bytes",
        "body_bytes",
        "header_timeout_s",
        "body_idle_timeout_s",
        "job_timeout_s",
        "queue_jobs_per_worker",
        "queue_wait_s",
        "memory_mib",
    ];

    /// Sets the limit named `key` (one of [`Limits::KEYS`]) from its text: a whole number, or
    /// seconds (fractions allowed) for the `_s` keys, where 0 means no limit for `job_timeout_s`.
    /// Values over a ceiling are refused, as are zeros where they would refuse everything.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let value = value.trim().trim_matches('"');
        let bad = |why: &str| format!("limit {key} = {value:?}: {why}");
        let whole = || value.replace('_', "").parse::<u64>().map_err(|_| bad("not a whole number"));
        let positive = |ceiling: u64| {
            let n = whole()?;
            match n {
                0 => Err(bad("must be at least 1")),
                n if n > ceiling => Err(bad(&format!("must be at most {ceiling}"))),
                n => Ok(n),
            }
        };
        let seconds = || match value.parse::<f64>() {
            Ok(s) if (0.0..=1e9).contains(&s) => Ok(Duration::from_secs_f64(s)),
            _ => Err(bad("not a number of seconds")),
        };
        let nonzero = |d: Duration| if d.is_zero() { Err(bad("must be above 0")) } else { Ok(d) };
        let size = |n: u64| usize::try_from(n).map_err(|_| bad("too large"));
        match key {
            "source_bytes" => self.source_bytes = positive(SPEC_SOURCE_BYTES)?,
            "source_side" => self.source_side = positive(SPEC_SOURCE_SIDE.into())? as u32,
            "source_pixels" => self.source_pixels = positive(SPEC_SOURCE_PIXELS)?,
            "result_side" => self.result_side = positive(SPEC_RESULT_SIDE.into())? as u32,
            "result_pixels" => self.result_pixels = positive(SPEC_RESULT_PIXELS)?,
            "process_bytes" => self.process_bytes = size(positive(SPEC_PROCESS_BYTES as u64)?)?,
            "process_actions" => {
                self.process_actions = size(positive(SPEC_PROCESS_ACTIONS as u64)?)?
            }
            "header_bytes" => {
                let n = size(positive(u32::MAX.into())?)?;
                if n < HYPER_BUF.1 {
                    return Err(bad(&format!("must be at least {}", HYPER_BUF.1)));
                }
                self.header_bytes = n;
            }
            "body_bytes" => self.body_bytes = positive(MAX_BODY_BYTES)?,
            "header_timeout_s" => self.header_timeout = nonzero(seconds()?)?,
            "body_idle_timeout_s" => self.body_idle_timeout = nonzero(seconds()?)?,
            "job_timeout_s" => self.job_timeout = Some(seconds()?).filter(|d| !d.is_zero()),
            "queue_jobs_per_worker" => {
                self.queue_jobs_per_worker = size(positive(u32::MAX.into())?)?
            }
            "queue_wait_s" => self.queue_wait = nonzero(seconds()?)?,
            "memory_mib" => self.memory_mib = positive(u32::MAX.into())? as u32,
            _ => return Err(format!("unknown limit {key:?} (known: {})", Self::KEYS.join(", "))),
        }
        Ok(())
    }

    /// Applies `KEY=VALUE` pairs separated by commas or whitespace (`OSSIMG_LIMITS`) or one
    /// pair (`--limit`).
    pub fn set_pairs(&mut self, pairs: &str) -> Result<(), String> {
        for pair in pairs.split([',', ' ', '\n']).filter(|p| !p.trim().is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("limit {pair:?}: expected KEY=VALUE"))?;
            self.set(key.trim(), value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_spec_values() {
        let l = Limits::default();
        assert_eq!(
            (l.source_bytes, l.source_side, l.source_pixels),
            (20 << 20, 30_000, 250_000_000)
        );
        assert_eq!((l.result_side, l.result_pixels), (16_384, 4096 * 4096));
        assert_eq!((l.process_bytes, l.process_actions), (4096, 20));
        assert_eq!(l.body_bytes, 5 << 30);
        assert_eq!(l.job_timeout, None);
        assert_eq!(Limits::KEYS.len(), 15);
    }

    #[test]
    fn every_key_can_be_set_within_its_ceiling() {
        let mut l = Limits::default();
        for key in Limits::KEYS {
            let value = if *key == "header_bytes" { "16384" } else { "7" };
            l.set(key, value).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(l.source_side, 7);
        assert_eq!(l.queue_wait, Duration::from_secs(7));
        assert_eq!(l.job_timeout, Some(Duration::from_secs(7)));
        l.set("job_timeout_s", "0").unwrap();
        assert_eq!(l.job_timeout, None);
        l.set_pairs("source_bytes=1_000, queue_wait_s=0.5").unwrap();
        assert_eq!((l.source_bytes, l.queue_wait), (1000, Duration::from_millis(500)));
    }

    #[test]
    fn out_of_range_and_unknown_limits_are_refused() {
        let mut l = Limits::default();
        for (k, v) in [
            ("source_side", "30001"),
            ("process_actions", "0"),
            ("result_pixels", "-1"),
            ("header_bytes", "100"),
            ("queue_wait_s", "0"),
            ("header_timeout_s", "soon"),
            ("nonsense", "1"),
        ] {
            assert!(l.set(k, v).is_err(), "{k}={v}");
        }
        assert!(l.set_pairs("source_side").is_err());
        assert_eq!(l, Limits::default());
    }
}

//! Telemetry: the Prometheus metrics of the process ([`render`] for `GET /metrics`), the
//! request log ([`log`]) and the state the health probes report. Other modules call the
//! functions here to count what they do; this module calls nobody.
//!
//! Every function is cheap (atomic adds, one label lookup) and safe to call from any thread,
//! with or without a server running: the registry is created on first use.

mod metrics;

pub mod log;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use metrics::METRICS;
pub use metrics::{render, CONTENT_TYPE};

/// One request answered: counts it by OSS `operation` and `status`, observes its `latency`,
/// and adds the body bytes read and sent.
pub fn request(operation: &str, status: u16, latency: Duration, bytes_in: u64, bytes_out: u64) {
    let m = &*METRICS;
    m.requests.with_label_values(&[operation, status_label(status)]).inc();
    m.request_seconds.with_label_values(&[operation]).observe(latency.as_secs_f64());
    m.received_bytes.inc_by(bytes_in);
    m.sent_bytes.inc_by(bytes_out);
}

/// A status code as a label without allocating for the usual ones.
fn status_label(status: u16) -> &'static str {
    match status {
        200 => "200",
        204 => "204",
        206 => "206",
        304 => "304",
        400 => "400",
        403 => "403",
        404 => "404",
        405 => "405",
        409 => "409",
        412 => "412",
        416 => "416",
        500 => "500",
        501 => "501",
        503 => "503",
        s if s < 200 => "1xx",
        s if s < 300 => "2xx",
        s if s < 400 => "3xx",
        s if s < 500 => "4xx",
        _ => "5xx",
    }
}

/// A request started (+1) or ended (-1): the requests-in-flight gauge.
pub fn requests_in_flight(delta: i64) {
    if delta > 0 {
        REQUESTS_STARTED.fetch_add(1, Ordering::Relaxed);
    }
    METRICS.requests_in_flight.add(delta);
}

/// Requests started since the process began (read by [`request_activity`]).
static REQUESTS_STARTED: AtomicU64 = AtomicU64::new(0);

/// (requests started so far, requests in flight now): what tells the server it has gone idle.
pub fn request_activity() -> (u64, i64) {
    (REQUESTS_STARTED.load(Ordering::Relaxed), METRICS.requests_in_flight.get())
}

/// One processing job actually run (probe → plan → decode → engine → encode) on `engine`
/// (`"cpu"` or `"gpu"`). Called once per job by [`crate::job::run_with`]; a result answered
/// from a cache runs no job and is not counted, so `ossimg_jobs_total` counts the work done.
pub fn job_run(engine: &str) {
    METRICS.jobs.with_label_values(&[engine]).inc();
}

/// Time spent in one stage of a job: `stage` is `"decode"`, `"run"` (the engine's pixel stages)
/// or `"encode"`; `engine` is `"cpu"` or `"gpu"`.
pub fn stage_time(stage: &str, engine: &str, took: Duration) {
    METRICS.stage_seconds.with_label_values(&[stage, engine]).observe(took.as_secs_f64());
}

/// Time to decode a source of `format` (`"jpg"`, `"png"`, …).
pub fn decode_time(format: &str, took: Duration) {
    METRICS.decode_seconds.with_label_values(&[format]).observe(took.as_secs_f64());
}

/// Time to encode a result as `format` (`"jpg"`, `"webp"`, …).
pub fn encode_time(format: &str, took: Duration) {
    METRICS.encode_seconds.with_label_values(&[format]).observe(took.as_secs_f64());
}

/// A job was queued for a worker (+1) or taken by one (-1).
pub fn jobs_queued(delta: i64) {
    METRICS.jobs_queued.add(delta);
}

/// A processing job was refused because the queue was over its bound (answered 503).
pub fn job_shed() {
    METRICS.jobs_shed.inc();
}

/// A worker started (+1) or finished (-1) a job.
pub fn jobs_in_flight(delta: i64) {
    METRICS.jobs_in_flight.add(delta);
}

/// The worker pool has `threads` threads.
pub fn worker_pool_size(threads: usize) {
    METRICS.worker_threads.set(i64::try_from(threads).unwrap_or(i64::MAX));
}

/// A processed result was answered from the result cache.
pub fn cache_hit() {
    METRICS.cache_hits.inc();
}

/// A processed result was looked up in the result cache and not found (a job runs).
pub fn cache_miss() {
    METRICS.cache_misses.inc();
}

/// The result cache now holds `bytes` bytes in all (a gauge: pass the new total).
pub fn cache_bytes(bytes: u64) {
    METRICS.cache_bytes.set(i64::try_from(bytes).unwrap_or(i64::MAX));
}

/// One entry of `bytes` bytes was evicted from the result cache (call once per entry).
pub fn cache_evicted(bytes: u64) {
    METRICS.cache_evictions.inc();
    METRICS.cache_evicted_bytes.inc_by(bytes);
}

/// The GPU adapter found at start (`None`: none) and whether the GPU engine runs the jobs.
pub fn gpu(adapter: Option<&str>, active: bool) {
    if let Some(name) = adapter {
        METRICS.gpu_adapter.with_label_values(&[name]).set(1);
    }
    METRICS.gpu_active.set(i64::from(active));
}

/// The outcome of the last readiness probe.
pub fn ready(ok: bool) {
    METRICS.ready.set(i64::from(ok));
}

/// A TLS certificate reload succeeded or failed.
pub fn tls_reload(ok: bool) {
    METRICS.tls_reloads.with_label_values(&[if ok { "ok" } else { "error" }]).inc();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the sample `name{labels}` in `text`, found by parsing each line.
    fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
        let want = if labels.is_empty() { name.to_string() } else { format!("{name}{{{labels}}}") };
        text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            (series == want).then(|| value.parse().ok())?
        })
    }

    #[test]
    fn counters_and_histograms_render() {
        let before = render();
        let hits = sample(&before, "ossimg_result_cache_hits_total", "").unwrap();
        cache_hit();
        cache_hit();
        cache_bytes(1234);
        cache_evicted(100);
        job_run("cpu");
        request("GetObject", 200, Duration::from_millis(3), 10, 20);
        decode_time("jpg", Duration::from_millis(2));
        let after = render();
        // Other tests in this process may count too: at least these two.
        assert!(sample(&after, "ossimg_result_cache_hits_total", "").unwrap() >= hits + 2.0);
        assert!(sample(&after, "ossimg_result_cache_bytes", "").is_some());
        assert!(sample(&after, "ossimg_result_cache_evicted_bytes_total", "").unwrap() >= 100.0);
        assert!(sample(&after, "ossimg_jobs_total", "engine=\"cpu\"").unwrap() >= 1.0);
        assert!(
            sample(&after, "ossimg_http_requests_total", "operation=\"GetObject\",status=\"200\"")
                .unwrap()
                >= 1.0
        );
        // 3 ms falls in the 5 ms bucket, not the 2.5 ms one.
        let le = |b: &str| {
            sample(
                &after,
                "ossimg_http_request_duration_seconds_bucket",
                &format!("operation=\"GetObject\",le=\"{b}\""),
            )
            .unwrap()
        };
        assert!(le("0.005") >= 1.0);
        assert!(le("0.005") > le("0.0025"));
        assert!(sample(&after, "ossimg_decode_duration_seconds_count", "format=\"jpg\"").is_some());
        // The build's own profile, so the test holds under `cargo test --release` too.
        let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
        assert_eq!(
            sample(
                &after,
                "ossimg_build_info",
                &format!("profile=\"{profile}\",version=\"{}\"", env!("CARGO_PKG_VERSION"))
            ),
            Some(1.0)
        );
    }
}

//! The Prometheus registry of the process: every metric ossimg exports, created once on first
//! use and rendered in the text exposition format by [`render`].

use std::sync::LazyLock;

use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};

/// Latency buckets in seconds, 1 ms to ~16 s: a cached answer takes about a millisecond, a
/// 12 MP photo through the CPU engine a few hundred, a queue behind it seconds.
const LATENCY_BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 16.0];

/// Every metric, registered in one [`Registry`].
pub(super) struct Metrics {
    pub registry: Registry,
    pub requests: IntCounterVec,
    pub request_seconds: HistogramVec,
    pub received_bytes: IntCounter,
    pub sent_bytes: IntCounter,
    pub requests_in_flight: IntGauge,
    pub jobs: IntCounterVec,
    pub stage_seconds: HistogramVec,
    pub decode_seconds: HistogramVec,
    pub encode_seconds: HistogramVec,
    pub jobs_in_flight: IntGauge,
    pub jobs_queued: IntGauge,
    pub jobs_shed: IntCounter,
    pub worker_threads: IntGauge,
    pub cache_hits: IntCounter,
    pub cache_misses: IntCounter,
    pub cache_bytes: IntGauge,
    pub cache_evictions: IntCounter,
    pub cache_evicted_bytes: IntCounter,
    pub gpu_adapter: IntGaugeVec,
    pub gpu_active: IntGauge,
    pub build_info: IntGaugeVec,
    pub ready: IntGauge,
    pub tls_reloads: IntCounterVec,
}

fn counter(r: &Registry, name: &str, help: &str) -> IntCounter {
    let c = IntCounter::new(name, help).expect("valid metric");
    r.register(Box::new(c.clone())).expect("unique metric");
    c
}

fn counter_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
    r.register(Box::new(c.clone())).expect("unique metric");
    c
}

fn gauge(r: &Registry, name: &str, help: &str) -> IntGauge {
    let g = IntGauge::new(name, help).expect("valid metric");
    r.register(Box::new(g.clone())).expect("unique metric");
    g
}

fn gauge_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    let g = IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric");
    r.register(Box::new(g.clone())).expect("unique metric");
    g
}

fn histogram_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> HistogramVec {
    let opts = HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec());
    let h = HistogramVec::new(opts, labels).expect("valid metric");
    r.register(Box::new(h.clone())).expect("unique metric");
    h
}

impl Metrics {
    fn new() -> Metrics {
        let r = Registry::new();
        let m = Metrics {
            requests: counter_vec(
                &r,
                "ossimg_http_requests_total",
                "HTTP requests answered, by OSS operation and status code.",
                &["operation", "status"],
            ),
            request_seconds: histogram_vec(
                &r,
                "ossimg_http_request_duration_seconds",
                "Time from a request's head to its answer's head, by OSS operation.",
                &["operation"],
            ),
            received_bytes: counter(
                &r,
                "ossimg_http_received_bytes_total",
                "Request body bytes read from clients.",
            ),
            sent_bytes: counter(
                &r,
                "ossimg_http_sent_bytes_total",
                "Response body bytes sent to clients (as declared by Content-Length).",
            ),
            requests_in_flight: gauge(
                &r,
                "ossimg_http_requests_in_flight",
                "Requests being handled now.",
            ),
            jobs: counter_vec(
                &r,
                "ossimg_jobs_total",
                "Image processing jobs run (a result-cache hit runs none), by engine.",
                &["engine"],
            ),
            stage_seconds: histogram_vec(
                &r,
                "ossimg_job_stage_duration_seconds",
                "Time spent in each stage of a processing job (decode, run, encode), by engine.",
                &["stage", "engine"],
            ),
            decode_seconds: histogram_vec(
                &r,
                "ossimg_decode_duration_seconds",
                "Time to decode a source image, by source format.",
                &["format"],
            ),
            encode_seconds: histogram_vec(
                &r,
                "ossimg_encode_duration_seconds",
                "Time to encode a result, by output format.",
                &["format"],
            ),
            jobs_in_flight: gauge(
                &r,
                "ossimg_jobs_in_flight",
                "Processing jobs running on a worker now.",
            ),
            jobs_queued: gauge(&r, "ossimg_jobs_queued", "Processing jobs waiting for a worker."),
            jobs_shed: counter(
                &r,
                "ossimg_jobs_shed_total",
                "Processing jobs refused with 503 CpuLimitExceeded because the queue was full.",
            ),
            worker_threads: gauge(
                &r,
                "ossimg_worker_pool_threads",
                "Threads of the CPU worker pool.",
            ),
            cache_hits: counter(
                &r,
                "ossimg_result_cache_hits_total",
                "Processed results answered from the result cache.",
            ),
            cache_misses: counter(
                &r,
                "ossimg_result_cache_misses_total",
                "Processed results looked up in the result cache and not found.",
            ),
            cache_bytes: gauge(
                &r,
                "ossimg_result_cache_bytes",
                "Bytes held by the result cache on disk.",
            ),
            cache_evictions: counter(
                &r,
                "ossimg_result_cache_evictions_total",
                "Entries evicted from the result cache to stay within its byte budget.",
            ),
            cache_evicted_bytes: counter(
                &r,
                "ossimg_result_cache_evicted_bytes_total",
                "Bytes evicted from the result cache.",
            ),
            gpu_adapter: gauge_vec(
                &r,
                "ossimg_gpu_adapter_info",
                "The GPU adapter found at start (1), labelled with its name; absent without one.",
                &["adapter"],
            ),
            gpu_active: gauge(
                &r,
                "ossimg_gpu_active",
                "1 when the GPU engine runs the jobs, 0 when the CPU engine does.",
            ),
            build_info: gauge_vec(
                &r,
                "ossimg_build_info",
                "Always 1; the labels say which build is running.",
                &["version", "profile"],
            ),
            ready: gauge(
                &r,
                "ossimg_ready",
                "1 when the last readiness probe found the store answering, else 0.",
            ),
            tls_reloads: counter_vec(
                &r,
                "ossimg_tls_reloads_total",
                "Certificate reloads, by result (ok or error).",
                &["result"],
            ),
            registry: r,
        };
        let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
        m.build_info.with_label_values(&[env!("CARGO_PKG_VERSION"), profile]).set(1);
        m
    }
}

/// The process-wide metrics, created on first use.
pub(super) static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// Every metric in the Prometheus text exposition format (version 0.0.4).
pub fn render() -> String {
    let mut buf = Vec::new();
    // Encoding gathered families into a Vec cannot fail.
    let _ = TextEncoder::new().encode(&METRICS.registry.gather(), &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

/// The `Content-Type` of [`render`]'s output.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

//! Operations, end to end against a real `ossimg serve` (issue 14): HTTPS with a test CA
//! (HTTP/2 by ALPN, certificate reloads on SIGHUP and on change without dropping connections,
//! plain and HTTPS listeners at once), Prometheus metrics parsed after real requests, the
//! health probes (readiness follows an S3 store that goes away and comes back), the access log
//! (fields present, never a secret), and graceful shutdown on SIGTERM. The HTTPS cases are in
//! `ops/https.rs`.
//!
//! Tools: `openssl` (the test CA, `s_client`) and `curl` (an HTTP/2 client), installed by
//! `.ci/setup`; the S3 case needs the Garage test server (`.ci/garage.sh start`).

#[path = "sdk/server.rs"]
mod server;

#[path = "ops/pki.rs"]
mod pki;

#[path = "ops/proc.rs"]
mod proc;

#[path = "support/s3.rs"]
mod s3;

#[path = "support/relay.rs"]
mod relay;

#[path = "ops/https.rs"]
mod https;

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use ossimg::api::auth::{self, SignedRequest};
use proc::{Proc, AK, SK};
use server::{header, http, http_paced, TempDir};

/// A small JPEG (33×33) to store and process.
const PHOTO: &str = "jpg-size-33x33.jpg";

fn photo() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(PHOTO)).unwrap()
}

fn now() -> i64 {
    auth::unix_seconds(SystemTime::now())
}

/// Headers of a request signed with signature V1 (`Authorization: OSS AK:…`) with `secret`,
/// and the signature itself.
fn v1_headers(
    method: &str,
    bucket: &str,
    key: Option<&str>,
    query: &[(String, String)],
    secret: &str,
) -> (Vec<(String, String)>, String) {
    let mut headers = vec![("Date".to_string(), auth::format_http_date(now()))];
    let req = SignedRequest { method, bucket: Some(bucket), key, query, headers: &headers };
    let authorization = auth::sign_v1_header(&req, AK, secret);
    let signature = authorization.rsplit(':').next().unwrap().to_string();
    headers.push(("Authorization".to_string(), authorization));
    (headers, signature)
}

/// `path?query` of a path-style request.
fn target(bucket: &str, key: Option<&str>, query: &[(String, String)]) -> String {
    let mut t = format!("/{bucket}");
    if let Some(k) = key {
        t.push('/');
        t.push_str(&auth::v4_encode_path(k));
    }
    if !query.is_empty() {
        t.push('?');
        t.push_str(&auth::encode_query(query));
    }
    t
}

/// A V1-signed request: status, headers, body, and the signature sent.
fn signed(
    addr: SocketAddr,
    method: &str,
    bucket: &str,
    key: Option<&str>,
    query: &[(&str, &str)],
    body: &[u8],
) -> (server::Reply, String) {
    let query: Vec<(String, String)> =
        query.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    let (headers, sig) = v1_headers(method, bucket, key, &query, SK);
    let reply = http(addr, method, &target(bucket, key, &query), &headers, body).unwrap();
    (reply, sig)
}

/// Creates `bucket` and stores the test photo as `key`.
fn put_photo(addr: SocketAddr, bucket: &str, key: &str) {
    let ((status, _, body), _) = signed(addr, "PUT", bucket, None, &[], b"");
    assert_eq!(status, 200, "PutBucket: {}", String::from_utf8_lossy(&body));
    let ((status, _, body), _) = signed(addr, "PUT", bucket, Some(key), &[], &photo());
    assert_eq!(status, 200, "PutObject: {}", String::from_utf8_lossy(&body));
}

// ---- Prometheus text ---------------------------------------------------------------------------

/// Parses the Prometheus text exposition format: every sample as `name{labels}` → value, and
/// every `# TYPE` as name → type. Panics on a line that is neither a comment nor a sample.
fn parse_metrics(text: &str) -> (HashMap<String, f64>, HashMap<String, String>) {
    let (mut samples, mut types) = (HashMap::new(), HashMap::new());
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE line");
            types.insert(name.to_string(), kind.to_string());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("bad line {line:?}"));
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad metric name in {line:?}"
        );
        if name_end < series.len() {
            assert!(series.ends_with('}'), "bad labels in {line:?}");
        }
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("bad value in {line:?}")),
        };
        samples.insert(series.to_string(), value);
    }
    (samples, types)
}

/// `GET /metrics` on `addr`, parsed.
fn scrape(addr: SocketAddr) -> (HashMap<String, f64>, HashMap<String, String>) {
    let (status, headers, body) = http(addr, "GET", "/metrics", &[], b"").unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(header(&headers, "content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    parse_metrics(std::str::from_utf8(&body).unwrap())
}

fn get(m: &HashMap<String, f64>, series: &str) -> f64 {
    m.get(series).copied().unwrap_or(0.0)
}

#[test]
fn metrics_move_after_requests() {
    let data = TempDir::new("ops-metrics");
    let srv = Proc::start(data.path(), &[], &[], &["http"]);
    let addr = srv.http.unwrap();
    let (before, _) = scrape(addr);
    assert_eq!(get(&before, "ossimg_gpu_active"), 0.0, "--backend cpu");
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        get(&before, &format!("ossimg_build_info{{profile=\"debug\",version=\"{version}\"}}")),
        1.0
    );

    put_photo(addr, "ops-metrics", "a.jpg");
    let ((status, _, original), _) = signed(addr, "GET", "ops-metrics", Some("a.jpg"), &[], b"");
    assert_eq!(status, 200);
    let process = [("x-oss-process", "image/resize,w_20/format,png")];
    let ((status, _, png), _) = signed(addr, "GET", "ops-metrics", Some("a.jpg"), &process, b"");
    assert_eq!(status, 200);
    assert_eq!(&png[..4], b"\x89PNG");
    let ((status, _, _), _) = signed(addr, "GET", "ops-metrics", Some("missing.jpg"), &[], b"");
    assert_eq!(status, 404);

    let (after, types) = scrape(addr);
    assert_eq!(types["ossimg_http_requests_total"], "counter");
    assert_eq!(types["ossimg_http_request_duration_seconds"], "histogram");
    assert_eq!(types["ossimg_job_stage_duration_seconds"], "histogram");
    assert_eq!(types["ossimg_result_cache_bytes"], "gauge");
    let delta = |s: &str| get(&after, s) - get(&before, s);
    let req = |op: &str, status: u16| {
        delta(&format!("ossimg_http_requests_total{{operation=\"{op}\",status=\"{status}\"}}"))
    };
    assert_eq!(req("PutBucket", 200), 1.0);
    assert_eq!(req("PutObject", 200), 1.0);
    assert_eq!(req("GetObject", 200), 1.0);
    assert_eq!(req("GetObject", 404), 1.0);
    assert_eq!(req("ProcessImage", 200), 1.0);
    // The first scrape counted itself once its answer was out.
    assert_eq!(req("Metrics", 200), 1.0);
    let hist = |name: &str, labels: &str, part: &str| delta(&format!("{name}_{part}{{{labels}}}"));
    let latency = "ossimg_http_request_duration_seconds";
    assert_eq!(hist(latency, "operation=\"ProcessImage\"", "count"), 1.0);
    assert!(hist(latency, "operation=\"ProcessImage\"", "sum") > 0.0);
    assert_eq!(hist(latency, "operation=\"GetObject\"", "count"), 2.0);
    // Cumulative buckets: +Inf holds every observation, and no bucket holds more than a wider one.
    assert_eq!(delta(&format!("{latency}_bucket{{operation=\"GetObject\",le=\"+Inf\"}}")), 2.0);
    assert!(
        get(&after, &format!("{latency}_bucket{{operation=\"GetObject\",le=\"0.001\"}}"))
            <= get(&after, &format!("{latency}_bucket{{operation=\"GetObject\",le=\"16\"}}"))
    );
    // One job, on the CPU: decode (jpg), run, encode (png).
    assert_eq!(delta("ossimg_jobs_total{engine=\"cpu\"}"), 1.0);
    let stage = "ossimg_job_stage_duration_seconds";
    for s in ["decode", "run", "encode"] {
        assert_eq!(hist(stage, &format!("engine=\"cpu\",stage=\"{s}\""), "count"), 1.0, "{s}");
    }
    assert_eq!(hist("ossimg_decode_duration_seconds", "format=\"jpg\"", "count"), 1.0);
    assert_eq!(hist("ossimg_encode_duration_seconds", "format=\"png\"", "count"), 1.0);
    // Bytes: the photo went in once and came out once, the PNG came out, plus error bodies.
    let photo_len = photo().len() as f64;
    assert_eq!(original.len() as f64, photo_len);
    assert_eq!(delta("ossimg_http_received_bytes_total"), photo_len);
    assert!(delta("ossimg_http_sent_bytes_total") >= photo_len + png.len() as f64);
    // Gauges: this scrape is the one request in flight; no job queued or running; the pool.
    assert_eq!(get(&after, "ossimg_http_requests_in_flight"), 1.0);
    assert_eq!(get(&after, "ossimg_jobs_queued"), 0.0);
    assert_eq!(get(&after, "ossimg_jobs_in_flight"), 0.0);
    assert!(get(&after, "ossimg_worker_pool_threads") >= 1.0);
    // The result cache is off: no hit, no miss.
    assert_eq!(delta("ossimg_result_cache_hits_total"), 0.0);
}

/// On the GPU engine (`--backend gpu`: Mesa lavapipe in CI) the adapter's name is exported and
/// jobs count under `engine="gpu"`. Without an adapter the test is ignored, unless
/// `OSSIMG_REQUIRE_GPU=1`.
#[test]
fn gpu_adapter_in_metrics() {
    let data = TempDir::new("ops-gpu");
    let photo_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(PHOTO);
    let probe = Command::new(env!("CARGO_BIN_EXE_ossimg"))
        .args(["process", "--backend", "gpu"])
        .arg(&photo_path)
        .args(["image/resize,w_20/format,png", "-o"])
        .arg(data.path().join("probe.png"))
        .output()
        .unwrap();
    if !probe.status.success() {
        assert!(
            std::env::var("OSSIMG_REQUIRE_GPU").as_deref() != Ok("1"),
            "no GPU adapter: {}",
            String::from_utf8_lossy(&probe.stderr)
        );
        println!("gpu_adapter_in_metrics: ignored, no GPU adapter");
        return;
    }
    let srv = Proc::start(data.path(), &["--backend", "gpu"], &[], &["http"]);
    let addr = srv.http.unwrap();
    let (before, _) = scrape(addr);
    assert_eq!(get(&before, "ossimg_gpu_active"), 1.0, "{}", srv.log());
    let adapter = before
        .iter()
        .find(|(k, _)| k.starts_with("ossimg_gpu_adapter_info{adapter=\""))
        .map(|(k, v)| (k.clone(), *v))
        .expect("an adapter series");
    assert_eq!(adapter.1, 1.0);
    assert!(adapter.0.len() > "ossimg_gpu_adapter_info{adapter=\"\"}".len(), "{}", adapter.0);
    put_photo(addr, "ops-gpu", "a.jpg");
    let process = [("x-oss-process", "image/resize,w_20")];
    let ((status, _, _), _) = signed(addr, "GET", "ops-gpu", Some("a.jpg"), &process, b"");
    assert_eq!(status, 200);
    let (after, _) = scrape(addr);
    let jobs = "ossimg_jobs_total{engine=\"gpu\"}";
    assert_eq!(get(&after, jobs) - get(&before, jobs), 1.0);
}

/// With `--metrics-listen`, metrics are served there; on the API listener `/metrics` is then the
/// bucket `metrics` (here: none, so `NoSuchBucket`).
#[test]
fn metrics_on_their_own_listener() {
    let data = TempDir::new("ops-metrics-listen");
    let srv =
        Proc::start(data.path(), &["--metrics-listen", "127.0.0.1:0"], &[], &["http", "metrics"]);
    let (m, _) = scrape(srv.metrics.unwrap());
    assert!(m.contains_key("ossimg_worker_pool_threads"));
    let (status, _, body) = http(srv.metrics.unwrap(), "GET", "/-/ready", &[], b"").unwrap();
    assert_eq!((status, body.as_slice()), (200, &b"ready\n"[..]));
    let (status, _, body) = http(srv.http.unwrap(), "GET", "/metrics", &[], b"").unwrap();
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("<Code>NoSuchBucket</Code>"), "{body}");
    // A bucket may be named `metrics`; a signed request on the main listener reaches it.
    let ((status, _, _), _) = signed(srv.http.unwrap(), "PUT", "metrics", None, &[], b"");
    assert_eq!(status, 200);
    let ((status, _, body), _) = signed(srv.http.unwrap(), "GET", "metrics", None, &[], b"");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("<ListBucketResult"));
}

// ---- health ------------------------------------------------------------------------------------

/// `/-/health` and `/-/ready` answer without credentials, and never as the bucket `-`.
#[test]
fn health_probes_answer_without_auth() {
    let data = TempDir::new("ops-health");
    let srv = Proc::start(data.path(), &[], &[], &["http"]);
    let addr = srv.http.unwrap();
    let (status, headers, body) = http(addr, "GET", "/-/health", &[], b"").unwrap();
    assert_eq!((status, body.as_slice()), (200, &b"ok\n"[..]));
    assert!(header(&headers, "x-oss-request-id").is_none(), "not an OSS answer");
    let (status, _, body) = http(addr, "GET", "/-/ready", &[], b"").unwrap();
    assert_eq!((status, body.as_slice()), (200, &b"ready\n"[..]));
}

/// Polls `/-/ready` until it answers `want` (each probe waits at most 3 s for the store).
fn ready_becomes(addr: SocketAddr, want: u16, log: &dyn Fn() -> String) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, _, _) = http(addr, "GET", "/-/ready", &[], b"").unwrap();
        if status == want {
            return;
        }
        assert!(Instant::now() < deadline, "/-/ready stayed {status}, expected {want}:\n{}", log());
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn ready_follows_the_s3_store() {
    let Some(env) = s3::s3_env("ready_follows_the_s3_store") else { return };
    let relay = relay::Relay::new(env.socket_addr());
    let data = TempDir::new("ops-ready");
    let config = env.config_via(relay.port, data.path(), "ops-ready");
    let srv = Proc::start(data.path(), &["--config", config.to_str().unwrap()], &[], &["http"]);
    let addr = srv.http.unwrap();
    let log = || srv.log();
    ready_becomes(addr, 200, &log);
    put_photo(addr, "ops-ready", "a.jpg");

    relay.stop();
    ready_becomes(addr, 503, &log);
    let (status, _, body) = http(addr, "GET", "/-/ready", &[], b"").unwrap();
    assert_eq!(status, 503);
    assert_eq!(body, b"not ready: the store does not answer\n");
    // Liveness is not readiness: the process still answers.
    let (status, _, _) = http(addr, "GET", "/-/health", &[], b"").unwrap();
    assert_eq!(status, 200);
    let (m, _) = scrape(addr);
    assert_eq!(get(&m, "ossimg_ready"), 0.0);

    relay.start();
    ready_becomes(addr, 200, &log);
    let ((status, _, body), _) = signed(addr, "GET", "ops-ready", Some("a.jpg"), &[], b"");
    assert_eq!((status, body), (200, photo()));
    let (m, _) = scrape(addr);
    assert_eq!(get(&m, "ossimg_ready"), 1.0);
}

// ---- logs --------------------------------------------------------------------------------------

/// The access-log lines (JSON) of `log`, by request id.
fn access_lines(log: &str) -> Vec<serde_json::Value> {
    log.lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{e}: {l}"))
        })
        .filter(|v| v["target"] == "ossimg::access")
        .collect()
}

#[test]
fn access_log_has_the_fields_and_no_secret() {
    let data = TempDir::new("ops-log");
    let srv = Proc::start(data.path(), &["--log-format", "json"], &[], &["http"]);
    let addr = srv.http.unwrap();
    let mut secrets: Vec<String> = vec![SK.to_string()];
    put_photo(addr, "ops-log", "dir/a.jpg");
    // Header-signed V1 (the signature is in Authorization).
    let process = [("x-oss-process", "image/resize,w_10")];
    let ((status, headers, body), sig) =
        signed(addr, "GET", "ops-log", Some("dir/a.jpg"), &process, b"");
    assert_eq!(status, 200);
    secrets.push(sig);
    let processed_id = header(&headers, "x-oss-request-id").unwrap().to_string();
    let processed_len = body.len();
    // Header-signed V4.
    let date = auth::format_iso8601_basic(now());
    let mut v4_headers = vec![
        ("x-oss-date".to_string(), date),
        ("x-oss-content-sha256".to_string(), auth::UNSIGNED_PAYLOAD.to_string()),
    ];
    let req = SignedRequest {
        method: "GET",
        bucket: Some("ops-log"),
        key: Some("dir/a.jpg"),
        query: &[],
        headers: &v4_headers,
    };
    let authorization = auth::sign_v4_header(&req, AK, SK, "cn-hangzhou", &[]).unwrap();
    secrets.push(authorization.rsplit("Signature=").next().unwrap().to_string());
    v4_headers.push(("Authorization".to_string(), authorization));
    let (status, _, _) = http(addr, "GET", "/ops-log/dir/a.jpg", &v4_headers, b"").unwrap();
    assert_eq!(status, 200);
    // A presigned V1 URL (the signature is in the query string).
    let req = SignedRequest {
        method: "GET",
        bucket: Some("ops-log"),
        key: Some("dir/a.jpg"),
        query: &[],
        headers: &[],
    };
    let query = auth::presign_v1_url(&req, AK, SK, now() + 600);
    secrets.push(query.iter().find(|(n, _)| n == "Signature").unwrap().1.clone());
    let (status, _, _) =
        http(addr, "GET", &target("ops-log", Some("dir/a.jpg"), &query), &[], b"").unwrap();
    assert_eq!(status, 200);
    // A URL with a security token, and a request signed with a wrong secret: refused, and
    // neither the token nor the signature is logged.
    let token = "CAISsecurityTOKENneverLOGGEDq1w2e3r4";
    secrets.push(token.to_string());
    let mut q = query.clone();
    q.push(("security-token".to_string(), token.to_string()));
    let (status, _, _) =
        http(addr, "GET", &target("ops-log", Some("dir/a.jpg"), &q), &[], b"").unwrap();
    assert_eq!(status, 403);
    let (bad, bad_sig) = v1_headers("GET", "ops-log", Some("dir/a.jpg"), &[], "wrong-secret-zzz");
    secrets.push(bad_sig);
    let (status, _, _) = http(addr, "GET", "/ops-log/dir/a.jpg", &bad, b"").unwrap();
    assert_eq!(status, 403);

    // Lines are written after the answer: wait for the last one.
    let deadline = Instant::now() + Duration::from_secs(10);
    while access_lines(&srv.log()).len() < 7 {
        assert!(Instant::now() < deadline, "missing access lines:\n{}", srv.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = srv.log();
    let lines = access_lines(&log);
    let line = lines
        .iter()
        .find(|l| l["fields"]["request_id"] == processed_id.as_str())
        .unwrap_or_else(|| panic!("no line for {processed_id}:\n{log}"));
    let f = &line["fields"];
    assert_eq!(line["level"], "INFO");
    assert_eq!(f["message"], "request");
    assert_eq!(f["method"], "GET");
    assert_eq!(f["operation"], "ProcessImage");
    assert_eq!(f["bucket"], "ops-log");
    assert_eq!(f["key"], "dir/a.jpg");
    assert_eq!(f["status"], 200);
    assert_eq!(f["bytes_in"], 0);
    assert_eq!(f["bytes_out"], processed_len as u64);
    assert_eq!(f["engine"], "cpu");
    assert!(f["ms"].as_f64().unwrap() > 0.0);
    let remote: SocketAddr = f["remote"].as_str().unwrap().parse().unwrap();
    assert!(remote.ip().is_loopback());
    let put = lines.iter().find(|l| l["fields"]["operation"] == "PutObject").unwrap();
    assert_eq!(put["fields"]["bytes_in"], photo().len() as u64);
    assert_eq!(put["fields"]["engine"], "-");
    let refused: Vec<_> = lines.iter().filter(|l| l["fields"]["status"] == 403).collect();
    assert_eq!(refused.len(), 2, "{log}");

    for s in &secrets {
        assert!(!log.contains(s.as_str()), "the log holds a secret {s:?}:\n{log}");
        let encoded = auth::v4_encode(s);
        assert!(!log.contains(&encoded), "the log holds a secret {encoded:?}:\n{log}");
    }
    for word in [
        "Signature",
        "OSSAccessKeyId",
        "security-token",
        "Authorization",
        "authorization",
        "OSS4-HMAC-SHA256",
    ] {
        assert!(!log.contains(word), "the log mentions {word}:\n{log}");
    }
}

/// The default text format carries the same fields; `RUST_LOG` filters the access log.
#[test]
fn text_log_and_rust_log() {
    let data = TempDir::new("ops-log-text");
    let srv = Proc::start(data.path(), &[], &[], &["http"]);
    let (status, _, _) =
        http(srv.http.unwrap(), "GET", "/nobucket/k?Signature=zzSIGzz", &[], b"").unwrap();
    assert_eq!(status, 403, "a bad presigned URL");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !srv.log().contains("ossimg::access") {
        assert!(Instant::now() < deadline, "{}", srv.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = srv.log();
    let line = log.lines().find(|l| l.contains("ossimg::access")).unwrap();
    for field in [
        "request_id=\"",
        "remote=\"127.0.0.1:",
        "operation=\"GetObject\"",
        "bucket=\"nobucket\"",
        "key=\"k\"",
        "status=403",
        "bytes_out=",
        "ms=",
        "engine=\"-\"",
    ] {
        assert!(line.contains(field), "{field} missing in {line}");
    }
    assert!(!log.contains("zzSIGzz"), "{log}");
    drop(srv);

    let quiet = Proc::start(data.path(), &[], &[("RUST_LOG", "warn")], &["http"]);
    let (status, _, _) = http(quiet.http.unwrap(), "GET", "/nobucket/k", &[], b"").unwrap();
    assert_eq!(status, 404);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!quiet.log().contains("ossimg::access"), "{}", quiet.log());
    let bad = Command::new(env!("CARGO_BIN_EXE_ossimg"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .env("RUST_LOG", "ossimg=loud")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("RUST_LOG"));
}

// ---- shutdown ----------------------------------------------------------------------------------

#[test]
fn sigterm_drains_in_flight_requests_and_exits_0() {
    let data = TempDir::new("ops-term");
    let srv = Proc::start(data.path(), &[], &[], &["http"]);
    let addr = srv.http.unwrap();
    let ((status, _, _), _) = signed(addr, "PUT", "ops-term", None, &[], b"");
    assert_eq!(status, 200);
    // An upload paced over ~2.4 s: 48 KiB in 4 KiB pieces every 200 ms.
    let body: Vec<u8> = (0..48 * 1024u32).map(|i| (i % 251) as u8).collect();
    let (headers, _) = v1_headers("PUT", "ops-term", Some("slow.bin"), &[], SK);
    let upload = {
        let body = body.clone();
        std::thread::spawn(move || {
            http_paced(
                addr,
                "PUT",
                "/ops-term/slow.bin",
                &headers,
                &body,
                Some((4096, Duration::from_millis(200))),
            )
        })
    };
    std::thread::sleep(Duration::from_millis(600));
    srv.signal("TERM");
    // New connections are refused at once.
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(addr).is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, _, answer) = upload.join().unwrap().expect("the upload in flight was answered");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    let log = srv.log.clone();
    let exit = srv.wait(Duration::from_secs(20)).expect("exits after draining");
    let log = log.lock().unwrap().clone();
    assert!(exit.success(), "{exit}:\n{log}");
    assert!(log.contains("SIGTERM"), "{log}");

    // The object is whole after a restart.
    let again = Proc::start(data.path(), &[], &[], &["http"]);
    let ((status, _, stored), _) =
        signed(again.http.unwrap(), "GET", "ops-term", Some("slow.bin"), &[], b"");
    assert_eq!(status, 200);
    assert!(stored == body, "stored {} bytes, sent {}", stored.len(), body.len());
}

/// A request that outlasts `--shutdown-timeout` is abandoned; the process still exits 0, on time.
#[test]
fn sigterm_gives_up_after_the_drain_timeout() {
    let data = TempDir::new("ops-term-timeout");
    let srv = Proc::start(data.path(), &["--shutdown-timeout", "1"], &[], &["http"]);
    let addr = srv.http.unwrap();
    let ((status, _, _), _) = signed(addr, "PUT", "ops-slow", None, &[], b"");
    assert_eq!(status, 200);
    let (headers, _) = v1_headers("PUT", "ops-slow", Some("never.bin"), &[], SK);
    // 30 s of upload: far past the 1 s drain.
    let upload = std::thread::spawn(move || {
        http_paced(
            addr,
            "PUT",
            "/ops-slow/never.bin",
            &headers,
            &[7u8; 300],
            Some((10, Duration::from_secs(1))),
        )
    });
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    srv.signal("TERM");
    let exit = srv.wait(Duration::from_secs(15)).expect("exits after the drain timeout");
    assert!(exit.success(), "{exit}");
    assert!(start.elapsed() < Duration::from_secs(6), "took {:?}", start.elapsed());
    assert!(upload.join().unwrap().is_err(), "the abandoned upload was answered");
}

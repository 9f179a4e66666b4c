//! The operator's side of the service: the health probes (`/-/health`, `/-/ready`), `GET
//! /metrics`, and the middleware that writes one access-log line and the request metrics for
//! every request ([`crate::telemetry`]). Paths under `/-/` never name a bucket: OSS bucket names
//! cannot start with `-`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use axum::middleware::Next;

use super::context::AppState;
use crate::error::ErrorKind;
use crate::telemetry::{self, log::RequestLog};

/// The liveness probe's path: answers 200 while the process serves requests.
pub const HEALTH_PATH: &str = "/-/health";
/// The readiness probe's path: 200 when the store answers, 503 otherwise.
pub const READY_PATH: &str = "/-/ready";
/// The metrics path.
pub const METRICS_PATH: &str = "/metrics";

/// How long the readiness probe waits for the store: long enough for a store across a network
/// under load, short enough for a load balancer's probe timeout (typically 5 s).
const READY_TIMEOUT: Duration = Duration::from_secs(3);

/// A bucket name no one can have created through ossimg (it is read, never written): the
/// readiness probe reads its configuration, one small GET against the store.
const PROBE_BUCKET: &str = "ossimg-readiness-probe";

/// Who may read `GET /metrics` on a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Nobody: `/metrics` is a path-style request for the bucket `metrics`.
    Off,
    /// Clients on a loopback address; others reach the bucket `metrics`.
    Loopback,
    /// Every client.
    Anyone,
}

/// What the accept loop knows about a connection, attached to each of its requests.
#[derive(Debug, Clone, Copy)]
pub struct Connection {
    /// The client's address.
    pub remote: SocketAddr,
    /// Who may read `/metrics` on this connection's listener.
    pub metrics: MetricsAccess,
}

impl Connection {
    /// True when this connection may read `GET /metrics`.
    pub fn may_read_metrics(&self) -> bool {
        match self.metrics {
            MetricsAccess::Off => false,
            MetricsAccess::Loopback => self.remote.ip().to_canonical().is_loopback(),
            MetricsAccess::Anyone => true,
        }
    }
}

/// `GET /-/health`: the process is up and answering.
pub async fn health() -> Response<Body> {
    text(StatusCode::OK, "ok\n")
}

/// `GET /-/ready`: 200 when the store answers a probe within `READY_TIMEOUT` (the engine is
/// initialised before the server listens), else 503 saying why.
pub async fn ready(State(state): State<AppState>) -> Response<Body> {
    let probe = tokio::time::timeout(READY_TIMEOUT, state.0.storage.bucket(PROBE_BUCKET)).await;
    let failure = match probe {
        Ok(Ok(_)) => None,
        Ok(Err(e)) if e.kind == ErrorKind::NoSuchBucket => None,
        Ok(Err(e)) => Some(format!("store: {}", e.message)),
        Err(_) => Some(format!("store: no answer within {READY_TIMEOUT:?}")),
    };
    telemetry::ready(failure.is_none());
    match failure {
        None => text(StatusCode::OK, "ready\n"),
        Some(why) => {
            tracing::warn!(target: "ossimg::ready", "not ready: {why}");
            text(StatusCode::SERVICE_UNAVAILABLE, "not ready: the store does not answer\n")
        }
    }
}

/// The Prometheus text of every metric.
pub fn metrics() -> Response<Body> {
    let mut resp = Response::new(Body::from(telemetry::render()));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(telemetry::CONTENT_TYPE));
    resp
}

/// True when `req` on the API listener is a metrics scrape: `GET /metrics` path-style (the
/// host names no bucket), without a query or a signature, from a connection allowed to read
/// metrics. Anything else on that path is a request for the bucket `metrics`.
pub fn is_metrics_scrape(state: &AppState, req: &Request) -> bool {
    let allowed = req.extensions().get::<Connection>().is_some_and(Connection::may_read_metrics);
    allowed
        && (req.method() == Method::GET || req.method() == Method::HEAD)
        && req.uri().path() == METRICS_PATH
        && req.uri().query().is_none()
        && !req.headers().contains_key(header::AUTHORIZATION)
        && state.0.addressing.target(host(req), METRICS_PATH).is_some_and(|t| t.key.is_none())
}

/// The host a request addressed: the `Host` header (HTTP/1.1) or the URI's authority (HTTP/2).
pub fn host(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    resp
}

/// Middleware around every API request: counts it in flight, then writes its access-log line
/// and its metrics (operation, status, latency to the answer's head, bytes in and out).
pub async fn access_log(State(state): State<AppState>, req: Request, next: Next) -> Response<Body> {
    let start = Instant::now();
    let conn = req.extensions().get::<Connection>().copied();
    let method = req.method().clone();
    let target = state.0.addressing.target(host(&req), req.uri().path());
    let (bucket, key) = target.map(|t| (t.bucket, t.key)).unwrap_or_default();
    let query = req.uri().query().unwrap_or("");
    let path = req.uri().path();
    let op = if path == HEALTH_PATH {
        "Health"
    } else if path == READY_PATH {
        "Ready"
    } else if is_metrics_scrape(&state, &req) {
        "Metrics"
    } else if path.starts_with("/-/") {
        // The style viewer's page and assets (api::viewer).
        "Viewer"
    } else {
        operation(&method, bucket.is_some(), key.is_some(), query, &req)
    };
    let processing = op == "ProcessImage" || op == "SaveAs";
    let bytes_in = content_length(req.headers());
    telemetry::requests_in_flight(1);
    let resp = next.run(req).await;
    telemetry::requests_in_flight(-1);
    let latency = start.elapsed();
    let status = resp.status().as_u16();
    let bytes_out = if method == Method::HEAD { 0 } else { content_length(resp.headers()) };
    telemetry::request(op, status, latency, bytes_in, bytes_out);
    let request_id = resp
        .headers()
        .get("x-oss-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let line = RequestLog {
        request_id: &request_id,
        remote: conn.map(|c| c.remote),
        method: method.as_str(),
        operation: op,
        bucket: bucket.as_deref(),
        key: key.as_deref(),
        status,
        bytes_in,
        bytes_out,
        latency,
        engine: processing.then(|| state.0.engine.name()),
    };
    // Probes and scrapes come every few seconds: at debug level, out of the default log.
    if matches!(op, "Health" | "Ready" | "Metrics") {
        if tracing::enabled!(target: telemetry::log::ACCESS_TARGET, tracing::Level::DEBUG) {
            line.emit_debug();
        }
    } else {
        line.emit();
    }
    resp
}

fn content_length(headers: &axum::http::HeaderMap) -> u64 {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The OSS API name of a request, for metrics labels and logs (a fixed, small set).
fn operation(method: &Method, bucket: bool, key: bool, query: &str, req: &Request) -> &'static str {
    let has = |name: &str| query.split('&').any(|p| p.split('=').next().is_some_and(|n| n == name));
    let m = method.as_str();
    if !bucket {
        return match m {
            "GET" => "ListBuckets",
            "POST" if has("sts") => "IssueCredentials",
            _ => "Unknown",
        };
    }
    if !key {
        let sub = [
            ("style", "Style"),
            ("processConfiguration", "ProcessConfiguration"),
            ("acl", "BucketAcl"),
            ("bucketInfo", "GetBucketInfo"),
            ("location", "GetBucketLocation"),
            ("uploads", "ListMultipartUploads"),
        ];
        if let Some((_, op)) = sub.iter().find(|(q, _)| has(q)) {
            return match (*op, m) {
                ("Style", "PUT") => "PutStyle",
                ("Style", "DELETE") => "DeleteStyle",
                ("Style", _) if has("styleName") => "GetStyle",
                ("Style", _) => "ListStyle",
                ("ProcessConfiguration", "PUT") => "PutBucketProcessConfiguration",
                ("ProcessConfiguration", _) => "GetBucketProcessConfiguration",
                ("BucketAcl", "PUT") => "PutBucketAcl",
                ("BucketAcl", _) => "GetBucketAcl",
                (op, _) => op,
            };
        }
        return match m {
            "PUT" => "PutBucket",
            "DELETE" => "DeleteBucket",
            "GET" if query.contains("list-type=2") => "ListObjectsV2",
            "GET" => "ListObjects",
            "HEAD" => "HeadBucket",
            "POST" if has("delete") => "DeleteMultipleObjects",
            "POST" => "PostObject",
            _ => "Unknown",
        };
    }
    if has("acl") {
        return if m == "PUT" { "PutObjectAcl" } else { "GetObjectAcl" };
    }
    if has("uploadId") {
        return match m {
            "PUT" if req.headers().contains_key("x-oss-copy-source") => "UploadPartCopy",
            "PUT" => "UploadPart",
            "POST" => "CompleteMultipartUpload",
            "DELETE" => "AbortMultipartUpload",
            "GET" => "ListParts",
            _ => "Unknown",
        };
    }
    match m {
        "POST" if has("uploads") => "InitiateMultipartUpload",
        "POST" if has("x-oss-process") => "SaveAs",
        "PUT" if req.headers().contains_key("x-oss-copy-source") => "CopyObject",
        "PUT" => "PutObject",
        "GET" if has("x-oss-process") => "ProcessImage",
        "GET" => "GetObject",
        "HEAD" if has("objectMeta") => "GetObjectMeta",
        "HEAD" => "HeadObject",
        "DELETE" => "DeleteObject",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(remote: &str, metrics: MetricsAccess) -> Connection {
        Connection { remote: remote.parse().unwrap(), metrics }
    }

    #[test]
    fn metrics_only_from_loopback_unless_configured() {
        use MetricsAccess::*;
        assert!(conn("127.0.0.1:5000", Loopback).may_read_metrics());
        assert!(conn("[::1]:5000", Loopback).may_read_metrics());
        // An IPv4 client on a dual-stack socket.
        assert!(conn("[::ffff:127.0.0.1]:5000", Loopback).may_read_metrics());
        assert!(!conn("10.1.2.3:5000", Loopback).may_read_metrics());
        assert!(!conn("[::ffff:10.1.2.3]:5000", Loopback).may_read_metrics());
        assert!(conn("10.1.2.3:5000", Anyone).may_read_metrics());
        assert!(!conn("127.0.0.1:5000", Off).may_read_metrics());
    }

    #[test]
    fn operations_are_named_as_oss_names_them() {
        let req = |m: &str, q: &str, copy: bool| {
            let mut b = Request::builder().method(m).uri("/b/k");
            if copy {
                b = b.header("x-oss-copy-source", "/b/src");
            }
            let r = b.body(Body::empty()).unwrap();
            let method = r.method().clone();
            (method, q.to_string(), r)
        };
        let cases: &[(&str, bool, bool, &str, bool, &str)] = &[
            ("GET", false, false, "", false, "ListBuckets"),
            ("POST", false, false, "sts&bucket=b&duration-seconds=900", false, "IssueCredentials"),
            ("POST", false, false, "", false, "Unknown"),
            ("PUT", true, false, "", false, "PutBucket"),
            ("GET", true, false, "list-type=2&prefix=a", false, "ListObjectsV2"),
            ("GET", true, false, "prefix=a", false, "ListObjects"),
            ("PUT", true, false, "style&styleName=s", false, "PutStyle"),
            ("GET", true, false, "style&styleName=s", false, "GetStyle"),
            ("GET", true, false, "style", false, "ListStyle"),
            ("POST", true, false, "delete", false, "DeleteMultipleObjects"),
            ("GET", true, true, "x-oss-process=image%2Fresize%2Cw_1", false, "ProcessImage"),
            ("POST", true, true, "x-oss-process", false, "SaveAs"),
            ("PUT", true, true, "", true, "CopyObject"),
            ("PUT", true, true, "partNumber=1&uploadId=x", true, "UploadPartCopy"),
            ("PUT", true, true, "partNumber=1&uploadId=x", false, "UploadPart"),
            ("POST", true, true, "uploads", false, "InitiateMultipartUpload"),
            ("HEAD", true, true, "objectMeta", false, "GetObjectMeta"),
            ("GET", true, true, "acl", false, "GetObjectAcl"),
            ("DELETE", true, true, "", false, "DeleteObject"),
            ("PATCH", true, true, "", false, "Unknown"),
        ];
        for &(m, bucket, key, q, copy, want) in cases {
            let (method, q, r) = req(m, q, copy);
            assert_eq!(operation(&method, bucket, key, &q, &r), want, "{m} {q}");
        }
    }
}

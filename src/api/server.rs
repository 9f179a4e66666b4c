//! The router: one fallback handler that resolves bucket and key (virtual-hosted or path
//! style), authenticates, and dispatches on method, target and sub-resource to the bucket,
//! object, style and processing handlers; beside it the health probes and `/metrics`
//! ([`super::ops`]). Built by [`router`] and testable without a socket; served by
//! [`super::listener`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, Response};
use axum::routing::get;
use axum::Router;

use super::auth::{self, KeyStore, Principal, SignedRequest};
use super::response::{with_common_headers, ApiError};
use super::{bucket, listener, object, ops, wire};
use crate::backend::Engine;
use crate::error::ErrorKind;
use crate::storage::{Acl, Storage};

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

/// The shared part of [`AppState`].
pub struct Shared {
    /// Buckets and objects.
    pub storage: Storage,
    /// AccessKeyId → secret.
    pub keys: Box<dyn KeyStore + Send + Sync>,
    /// The engine that runs pixel stages.
    pub engine: Engine,
    /// Fonts for text watermarks; `None` uses the system fonts
    /// ([`crate::watermark::TextRenderer::global`]).
    pub fonts: Option<Arc<crate::watermark::TextRenderer>>,
    /// Planner settings from the configuration (the shrink-on-load rule).
    pub plan: crate::plan::Options,
    /// How hosts name buckets: virtual-hosted domain and custom domains (spec §1.1).
    pub addressing: wire::Addressing,
    /// The region signature V4 scopes must name.
    pub region: String,
    /// The clock (fixed in tests).
    pub clock: Box<dyn Fn() -> SystemTime + Send + Sync>,
    /// Bounds the image work in flight: each job holds permits worth its decoded size in MiB.
    pub processing: Arc<tokio::sync::Semaphore>,
    /// Total permits of `processing` (the memory budget in MiB).
    pub processing_budget_mib: u32,
    /// Limits on slow clients.
    pub timeouts: Timeouts,
    /// Caching of processed results: `Cache-Control` per bucket and the result cache.
    pub results: super::processing::ResultCaching,
}

impl AppState {
    /// The current time by the state's clock.
    pub fn now(&self) -> SystemTime {
        (self.0.clock)()
    }
}

/// The axum router of the service: the health probes, then every OSS request through
/// [`dispatch`], all behind the access log ([`ops::access_log`]).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(ops::HEALTH_PATH, get(ops::health))
        .route(ops::READY_PATH, get(ops::ready))
        .fallback(dispatch)
        .layer(axum::middleware::from_fn_with_state(state.clone(), ops::access_log))
        .with_state(state)
}

/// The router of a metrics-only listener (`--metrics-listen`): `/metrics` for anyone who can
/// reach it, and the health probes.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(ops::METRICS_PATH, get(|| async { ops::metrics() }))
        .route(ops::HEALTH_PATH, get(ops::health))
        .route(ops::READY_PATH, get(ops::ready))
        .with_state(state)
}

/// How long a client may take to send a request's headers, and to send the next piece of a
/// body, before its connection is closed: a stalled client (slowloris) holds no connection,
/// task or half-written upload for longer.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From the first byte of a request (or the end of the previous one) to its blank line.
    pub header: Duration,
    /// Between two pieces of a request body.
    pub body_idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { header: Duration::from_secs(30), body_idle: Duration::from_secs(60) }
    }
}

/// Serves `state` on `listener` until Ctrl-C (SIGINT), then finishes the requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves `state` on `listener` (plain HTTP/1.1, keep-alive, the state's [`Timeouts`],
/// `/metrics` for loopback clients) until `stop` completes, then finishes the requests in
/// flight however long they take. [`listener::serve_on`] serves several listeners, HTTPS and a
/// bounded drain.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let api = listener::Listener {
        tcp: listener,
        tls: None,
        role: listener::Role::Api(ops::MetricsAccess::Loopback),
    };
    // A year: no limit in practice.
    let unbounded = Duration::from_secs(365 * 24 * 3600);
    listener::serve_on(vec![api], state, stop, unbounded).await;
    Ok(())
}

/// What one request is, once decoded.
pub struct Ctx {
    /// The host the client addressed (the `HostId` of errors).
    pub host: String,
    /// The method.
    pub method: Method,
    /// The bucket addressed.
    pub bucket: Option<String>,
    /// The key addressed.
    pub key: Option<String>,
    /// Decoded query parameters in order.
    pub query: Vec<(String, String)>,
    /// The request headers.
    pub headers: HeaderMap,
    /// Who is asking.
    pub principal: Principal,
    /// How long the client may pause while sending the body.
    pub body_idle: Duration,
}

impl Ctx {
    /// The first value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// True when the query carries `name` (with or without a value).
    pub fn has(&self, name: &str) -> bool {
        self.query.iter().any(|(n, _)| n == name)
    }

    /// A header as UTF-8 text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The bucket, or `400 InvalidBucketName`-style failure when the request names none.
    pub fn bucket(&self) -> Result<&str, ApiError> {
        self.bucket
            .as_deref()
            .ok_or_else(|| ApiError::new(ErrorKind::InvalidArgument, "No bucket was given."))
    }

    /// The key (callers dispatch here only when there is one).
    pub fn key(&self) -> &str {
        self.key.as_deref().unwrap_or_default()
    }

    /// True for an authenticated request (every key is an owner of every bucket: ossimg is
    /// single-tenant).
    pub fn is_owner(&self) -> bool {
        matches!(self.principal, Principal::Key(_))
    }

    /// Allowed to read objects under `acl`.
    pub fn can_read(&self, acl: Acl) -> bool {
        self.is_owner() || matches!(acl, Acl::PublicRead | Acl::PublicReadWrite)
    }

    /// Allowed to write objects under `acl`.
    pub fn can_write(&self, acl: Acl) -> bool {
        self.is_owner() || acl == Acl::PublicReadWrite
    }
}

/// `403 AccessDenied` for an operation the principal may not do.
pub fn denied(what: &str) -> ApiError {
    let msg = match what {
        "object" => "You have no right to access this object because of bucket acl.",
        _ => "You are forbidden to access this resource.",
    };
    ApiError::new(ErrorKind::AccessDenied, msg)
}

async fn dispatch(State(state): State<AppState>, req: Request<Body>) -> Response<Body> {
    if ops::is_metrics_scrape(&state, &req) {
        return ops::metrics();
    }
    let request_id = wire::request_id();
    // HTTP/2 carries the host in the URI's authority, HTTP/1.1 in `Host`.
    let host = ops::host(&req).unwrap_or_default().to_string();
    let (parts, body) = req.into_parts();
    if let Some(resp) = super::viewer::respond(&parts.method, parts.uri.path(), &state.0.region) {
        return resp;
    }
    let head = parts.method == Method::HEAD;
    let has_body = parts.headers.contains_key(axum::http::header::TRANSFER_ENCODING)
        || parts.headers.get(axum::http::header::CONTENT_LENGTH).is_some_and(|v| v != "0");
    let result = async {
        let target = state.0.addressing.target(Some(&host), parts.uri.path()).ok_or_else(|| {
            ApiError::new(ErrorKind::InvalidArgument, "The request path is not valid UTF-8.")
        })?;
        let query = wire::parse_query(parts.uri.query().unwrap_or("")).ok_or_else(|| {
            ApiError::new(ErrorKind::InvalidArgument, "The query string is not valid UTF-8.")
        })?;
        let header_pairs: Vec<(String, String)> = parts
            .headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let signed = SignedRequest {
            method: parts.method.as_str(),
            bucket: target.bucket.as_deref(),
            key: target.key.as_deref(),
            query: &query,
            headers: &header_pairs,
        };
        let principal =
            auth::authenticate(&signed, state.0.keys.as_ref(), state.now(), &state.0.region)
                .map_err(|f| ApiError { error: f.error, extra: f.details })?;
        let ctx = Ctx {
            host: host.clone(),
            method: parts.method.clone(),
            bucket: target.bucket,
            key: target.key,
            query,
            headers: parts.headers.clone(),
            principal,
            body_idle: state.0.timeouts.body_idle,
        };
        route(&state, ctx, body).await
    }
    .await;
    match result {
        Ok(resp) => with_common_headers(resp, &request_id),
        Err(e) => {
            let mut resp = e.into_response(&request_id, &host, head);
            // An error may answer a request whose body was never read (a refused upload); hyper
            // then closes the connection once the answer is out. Saying so keeps the client
            // from sending its next request into the closing connection.
            if has_body {
                let close = axum::http::HeaderValue::from_static("close");
                resp.headers_mut().insert(axum::http::header::CONNECTION, close);
            }
            resp
        }
    }
}

/// Adds what OSS puts in a not-found error when the handler did not (spec §10.3): EC
/// 0015-00000101 and `<BucketName>` to `NoSuchBucket`, EC 0026-00000001 and `<Key>` to
/// `NoSuchKey`. `bucket` and `key` name what was not found.
pub fn not_found_details(mut e: ApiError, bucket: Option<&str>, key: Option<&str>) -> ApiError {
    let (ec, element, value) = match e.error.kind {
        ErrorKind::NoSuchBucket => ("0015-00000101", "BucketName", bucket),
        ErrorKind::NoSuchKey => ("0026-00000001", "Key", key),
        _ => return e,
    };
    if e.error.ec.is_none() {
        e.error.ec = Some(ec);
    }
    if let Some(v) = value {
        if !e.extra.iter().any(|(n, _)| *n == element) {
            e.extra.push((element, v.to_string()));
        }
    }
    e
}

/// Sub-resources this service implements; any other OSS sub-resource (`?uploads`, `?stat`,
/// `?lifecycle`, …) is answered 501 `NotImplemented` instead of being mistaken for a plain
/// object or bucket request.
const SUPPORTED_SUBRESOURCES: &[&str] = &[
    "acl",
    "delete",
    "style",
    "styleName",
    "processConfiguration",
    "bucketInfo",
    "location",
    "uploads",
    "uploadId",
    "partNumber",
    "security-token",
    "continuation-token",
    // GetObjectMeta (`HEAD /key?objectMeta`, oss2's object_exists) is a HeadObject.
    "objectMeta",
    // No versioning: every object has the one (null) version, which these address.
    "versionId",
    // Bandwidth hints that change nothing in the answer.
    "x-oss-traffic-limit",
    "x-oss-request-payer",
    "x-oss-process",
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
];

/// Request headers asking for what this service does not do, answered 501 `NotImplemented` with
/// `<Header>` (spec §10.9) rather than ignored: with `x-oss-callback` (PutObject,
/// CompleteMultipartUpload) the client waits for the answer of its application server, which
/// ossimg never calls, and would store the object without it.
const UNSUPPORTED_HEADERS: &[&str] = &["x-oss-callback"];

async fn route(state: &AppState, ctx: Ctx, body: Body) -> Result<Response<Body>, ApiError> {
    if let Some((name, _)) = ctx.query.iter().find(|(n, _)| {
        auth::V1_SIGNED_SUBRESOURCES.contains(&n.as_str())
            && !SUPPORTED_SUBRESOURCES.contains(&n.as_str())
    }) {
        return Err(ApiError::new(
            ErrorKind::NotImplemented,
            format!("The sub-resource '{name}' is not implemented by this server."),
        ));
    }
    if let Some(name) = UNSUPPORTED_HEADERS.iter().find(|h| ctx.headers.contains_key(**h)) {
        let mut e = ApiError::new(
            ErrorKind::NotImplemented,
            "A header you provided implies functionality that is not implemented.",
        );
        e.extra.push(("Header", (*name).to_string()));
        return Err(e);
    }
    let (method, bucket, key) = (ctx.method.clone(), ctx.bucket.clone(), ctx.key.clone());
    route_inner(state, ctx, body).await.map_err(|e| {
        let e = not_found_details(e, bucket.as_deref(), key.as_deref());
        request_details(e, &method, bucket.as_deref(), key.is_some())
    })
}

/// The elements OSS adds to request errors: `<BucketName>` to `InvalidBucketName`, `<Method>`
/// and `<ResourceType>` (Service, Bucket or Object) to `MethodNotAllowed`.
fn request_details(mut e: ApiError, method: &Method, bucket: Option<&str>, key: bool) -> ApiError {
    let has = |e: &ApiError, element: &str| e.extra.iter().any(|(n, _)| *n == element);
    match e.error.kind {
        ErrorKind::InvalidBucketName if !has(&e, "BucketName") => {
            if let Some(b) = bucket {
                e.extra.push(("BucketName", b.to_string()));
            }
        }
        ErrorKind::MethodNotAllowed if !has(&e, "Method") => {
            let resource = match (bucket, key) {
                (None, _) => "Service",
                (Some(_), false) => "Bucket",
                (Some(_), true) => "Object",
            };
            e.extra.push(("Method", method.as_str().to_string()));
            e.extra.push(("ResourceType", resource.to_string()));
        }
        _ => {}
    }
    e
}

async fn route_inner(state: &AppState, ctx: Ctx, body: Body) -> Result<Response<Body>, ApiError> {
    let m = ctx.method.clone();
    match (&ctx.bucket, &ctx.key) {
        (None, _) if ctx.has(super::sts::PARAM) => super::sts::handle(state, &ctx).await,
        (None, _) if m == Method::GET => bucket::list_buckets(state, &ctx).await,
        (None, _) => Err(not_allowed()),
        (Some(_), None) => {
            if ctx.has("style") {
                return super::style::handle(state, &ctx, body).await;
            }
            if ctx.has("processConfiguration") {
                return bucket::process_configuration(state, &ctx, body).await;
            }
            if ctx.has("acl") {
                return bucket::acl(state, &ctx).await;
            }
            if ctx.has("bucketInfo") {
                return bucket::info(state, &ctx).await;
            }
            if ctx.has("location") {
                return bucket::location(state, &ctx).await;
            }
            if ctx.has("uploads") {
                return match m {
                    Method::GET => super::multipart::list_uploads(state, &ctx).await,
                    _ => Err(not_allowed()),
                };
            }
            match m {
                Method::PUT => bucket::create(state, &ctx, body).await,
                Method::DELETE => bucket::delete(state, &ctx).await,
                Method::GET => bucket::list_objects(state, &ctx).await,
                Method::POST if ctx.has("delete") => {
                    bucket::delete_multiple(state, &ctx, body).await
                }
                // PostObject: a browser form upload (ali-oss's calculatePostSignature).
                Method::POST
                    if ctx.header("content-type").is_some_and(|t| {
                        t.to_ascii_lowercase().starts_with("multipart/form-data")
                    }) =>
                {
                    Err(ApiError::new(
                        ErrorKind::NotImplemented,
                        "PostObject (form upload) is not implemented by this server.",
                    ))
                }
                Method::HEAD => bucket::head(state, &ctx).await,
                _ => Err(not_allowed()),
            }
        }
        (Some(_), Some(_)) => {
            if ctx.has("acl") {
                return object::acl(state, &ctx).await;
            }
            // Bucket-level sub-resources say nothing about an object.
            if ctx.has("bucketInfo") || ctx.has("location") {
                return Err(not_allowed());
            }
            if ctx.has("uploads") {
                return match m {
                    Method::POST => super::multipart::initiate(state, &ctx).await,
                    _ => Err(not_allowed()),
                };
            }
            if ctx.has("uploadId") {
                return match m {
                    Method::PUT => super::multipart::upload_part(state, &ctx, body).await,
                    Method::POST => super::multipart::complete(state, &ctx, body).await,
                    Method::DELETE => super::multipart::abort(state, &ctx).await,
                    Method::GET => super::multipart::list_parts(state, &ctx).await,
                    _ => Err(not_allowed()),
                };
            }
            match m {
                Method::PUT if ctx.headers.contains_key("x-oss-copy-source") => {
                    object::copy(state, &ctx).await
                }
                Method::PUT => object::put(state, &ctx, body).await,
                Method::GET | Method::HEAD => object::get(state, &ctx).await,
                Method::DELETE => object::delete(state, &ctx).await,
                Method::POST if ctx.has("x-oss-process") => {
                    super::processing::save_as(state, &ctx, body).await
                }
                _ => Err(not_allowed()),
            }
        }
    }
}

/// `405 MethodNotAllowed`.
pub(super) fn not_allowed() -> ApiError {
    ApiError::new(
        ErrorKind::MethodNotAllowed,
        "The specified method is not allowed against this resource.",
    )
}

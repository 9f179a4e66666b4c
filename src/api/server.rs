//! The router: one fallback handler that resolves bucket and key (virtual-hosted or path
//! style), authenticates, and dispatches on method, target and sub-resource to the bucket,
//! object, style and processing handlers; beside it the health probes and `/metrics`
//! ([`super::ops`]). Built by [`router`] and testable without a socket; served by
//! [`super::listener`].

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, Response};
use axum::routing::get;
use axum::Router;

use super::auth::{self, SignedRequest};
use super::context::{not_allowed, not_found_details, AppState, Ctx};
use super::response::{with_common_headers, ApiError};
use super::{bucket, object, ops, wire};
use crate::error::ErrorKind;

/// The axum router of the service: the health probes, then every OSS request through
/// `dispatch`, all behind the access log ([`ops::access_log`]).
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
    // HTTP/2 ends a stream on its own; only an HTTP/1 connection needs an unread body handled.
    let http1 = parts.version <= axum::http::Version::HTTP_11;
    let (body, leftover) = super::drain::track(body);
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
        check_body_length(&parts.headers, state.0.limits.body_bytes)?;
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
    let mut resp = match result {
        Ok(resp) => with_common_headers(resp, &request_id),
        Err(e) => {
            let retry = (e.error.kind == ErrorKind::CpuLimitExceeded)
                .then(|| state.0.load.retry_after_secs());
            let mut resp = e.into_response(&request_id, &host, head);
            if let Some(secs) = retry {
                resp.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
            }
            resp
        }
    };
    // An answer may come before its request's body was read (a refused upload): a small rest is
    // drained so the connection serves the client's next request, a large one closes it, and
    // the answer says so (`drain`).
    if http1 {
        super::drain::settle(&mut resp, leftover, state.0.timeouts.body_idle).await;
    }
    resp
}

/// Refuses a request whose declared body is over the configured limit, before any of it is read
/// (the rest is then drained when small, else the connection closes: [`super::drain`]).
fn check_body_length(headers: &HeaderMap, max: u64) -> Result<(), ApiError> {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    match declared {
        Some(n) if n > max => Err(ApiError::new(
            ErrorKind::InvalidArgument,
            "Your proposed upload exceeds the maximum allowed object size.",
        )),
        _ => Ok(()),
    }
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

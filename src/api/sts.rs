//! The temporary-credentials call (what OSS users get from STS's AssumeRole):
//! `POST /?sts&bucket=B[&prefix=P][&read-only=true][&duration-seconds=N]`, signed with a
//! permanent key, answers `200` with the credential as JSON ([`sts::Credentials::to_json`]),
//! scoped to the bucket (which must exist), the prefix and, with `read-only`, to reads. The
//! credential is derived from the calling key's secret ([`super::auth::sts`]): any instance
//! sharing the keys accepts it.

use axum::body::Body;
use axum::http::{Method, Response, StatusCode};

use super::auth::sts;
use super::auth::{unix_seconds, Principal};
use super::context::{denied, not_allowed, not_found_details, AppState, Ctx};
use super::response::ApiError;
use crate::error::{Error, ErrorKind};

/// The query parameter that names this call on the service (`/?sts`).
pub const PARAM: &str = "sts";
/// Default lifetime, seconds: STS's default `DurationSeconds`.
const DEFAULT_TTL_SECS: u64 = 3600;
/// Shortest lifetime through the API, seconds: STS's minimum `DurationSeconds` (the CLI allows
/// shorter ones, for tests and one-off links).
const MIN_TTL_SECS: u64 = 900;

/// Handles `/?sts`.
pub async fn handle(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    if ctx.method != Method::POST {
        return Err(not_allowed());
    }
    let parent = match &ctx.principal {
        Principal::Key(id) if !id.starts_with(sts::ID_PREFIX) => id.clone(),
        _ => return Err(denied("service")),
    };
    let secret = state.0.keys.secret(&parent).ok_or_else(|| denied("service"))?;
    let bucket = ctx
        .param("bucket")
        .filter(|b| !b.is_empty())
        .ok_or_else(|| ApiError::new(ErrorKind::MissingArgument, "The bucket is missing."))?;
    state
        .0
        .storage
        .bucket(bucket)
        .await
        .map_err(|e| not_found_details(e.into(), Some(bucket), None))?;
    let read_only = match ctx.param("read-only") {
        None | Some("false") => false,
        Some("" | "true") => true,
        Some(_) => {
            return Err(ApiError::new(ErrorKind::InvalidArgument, "read-only is true or false."))
        }
    };
    let ttl = match ctx.param("duration-seconds") {
        None => DEFAULT_TTL_SECS,
        Some(v) => v.parse::<u64>().ok().filter(|t| *t >= MIN_TTL_SECS).ok_or_else(|| {
            ApiError::new(
                ErrorKind::InvalidArgument,
                format!(
                    "duration-seconds must be between {MIN_TTL_SECS} and {}.",
                    sts::MAX_TTL_SECS
                ),
            )
        })?,
    };
    let prefix = ctx.param("prefix").unwrap_or("");
    let now = unix_seconds(state.now());
    let grant = sts::Grant::new(&parent, bucket, prefix, read_only, now, ttl)?;
    let json = sts::issue(&grant, &secret, sts::nonce()?).to_json();
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .header("content-length", json.len())
        .header("cache-control", "no-store")
        .body(Body::from(json))
        .map_err(|_| ApiError::from(Error::internal()))
}

//! What every handler is given: the service's shared state ([`AppState`]: storage, keys, engine,
//! limits, result caching), the decoded request ([`Ctx`]) and the access errors all handlers
//! answer with. The lowest module of the handlers: it imports none of them.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, Method};

use super::auth::{KeyStore, Principal};
use super::response::ApiError;
use super::wire;
use crate::backend::Engine;
use crate::cache::ResultCache;
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
    pub results: ResultCaching,
    /// The processing job queue and its bound: jobs over it are shed with `503
    /// CpuLimitExceeded`.
    pub load: Arc<crate::workers::Admission>,
    /// The configured limits checked by the API (source and result sizes, the process string,
    /// request heads and bodies, the job timeout); the timeouts, queue bound and memory budget
    /// above are built from the same [`crate::limits::Limits`].
    pub limits: crate::limits::Limits,
}

/// How processed results are cached: by clients and CDNs (`Cache-Control`) and on this server
/// (the result cache).
#[derive(Default)]
pub struct ResultCaching {
    /// The result cache, when one is configured (`[cache]`, `serve --cache-dir`).
    pub cache: Option<Arc<ResultCache<ApiError>>>,
    /// Bucket → the `Cache-Control` its processed results carry, overriding the default: the
    /// source object's own stored `Cache-Control`, as on a GetObject, or none.
    pub cache_control: HashMap<String, String>,
}

impl AppState {
    /// The current time by the state's clock.
    pub fn now(&self) -> SystemTime {
        (self.0.clock)()
    }
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

/// `405 MethodNotAllowed`.
pub(super) fn not_allowed() -> ApiError {
    ApiError::new(
        ErrorKind::MethodNotAllowed,
        "The specified method is not allowed against this resource.",
    )
}

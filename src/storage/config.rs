//! Which backing store to use ([`StorageConfig`]) and how an S3 one is built.

use object_store::ObjectStore;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::pages::Paged;
use super::record::internal;
use super::{backend, parse_path};
use crate::Result;

/// Which backing store to use.
#[derive(Clone, PartialEq, Eq)]
pub enum StorageConfig {
    /// A directory on the local filesystem (created if missing): the embedded default.
    Local {
        /// The data directory.
        root: PathBuf,
    },
    /// One bucket of an S3-compatible server (AWS, Garage, MinIO, …).
    S3 {
        /// Endpoint URL, e.g. `http://127.0.0.1:3900`; `http://` is allowed.
        endpoint: String,
        /// Signing region (`garage` for Garage, `us-east-1` for MinIO).
        region: String,
        /// The backing S3 bucket.
        bucket: String,
        /// A key prefix inside the backing bucket ("" = its root), e.g. to share one bucket.
        prefix: String,
        /// Access key id.
        access_key_id: String,
        /// Secret access key.
        secret_access_key: String,
        /// Path-style addressing (`http://host/bucket/key`), as Garage and MinIO expect.
        path_style: bool,
    },
    /// A store in memory, empty at start and gone at exit (tests).
    Memory,
}

impl fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageConfig::Local { root } => f.debug_struct("Local").field("root", root).finish(),
            StorageConfig::S3 {
                endpoint,
                region,
                bucket,
                prefix,
                access_key_id,
                path_style,
                ..
            } => f
                .debug_struct("S3")
                .field("endpoint", endpoint)
                .field("region", region)
                .field("bucket", bucket)
                .field("prefix", prefix)
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"<redacted>")
                .field("path_style", path_style)
                .finish(),
            StorageConfig::Memory => f.write_str("Memory"),
        }
    }
}

/// The store of one S3 bucket (and key prefix, "" = its root) on the server `settings` names
/// (endpoint, region, keys, addressing; its own bucket and prefix are not used); `None` when
/// `settings` is not an S3 configuration.
pub(super) fn s3_store(
    settings: &StorageConfig,
    bucket: &str,
    prefix: &str,
) -> Result<Option<Arc<dyn ObjectStore>>> {
    Ok(s3_store_paged(settings, bucket, prefix)?.map(|(store, _)| store))
}

/// [`s3_store`], with the same store's paged LIST (requests of a chosen size; see `pages`).
pub(super) fn s3_store_paged(
    settings: &StorageConfig,
    bucket: &str,
    prefix: &str,
) -> Result<Option<(Arc<dyn ObjectStore>, Paged)>> {
    let StorageConfig::S3 {
        endpoint, region, access_key_id, secret_access_key, path_style, ..
    } = settings
    else {
        return Ok(None);
    };
    // reqwest is built with rustls but no bundled crypto provider (see Cargo.toml); install
    // ring's once for HTTPS endpoints. An error means one is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let t = Timeouts::from_env()?;
    let s3 = object_store::aws::AmazonS3Builder::new()
        .with_client_options(
            object_store::ClientOptions::new()
                .with_connect_timeout(t.connect)
                .with_timeout(t.request),
        )
        .with_retry(object_store::RetryConfig {
            max_retries: t.retries,
            retry_timeout: t.request,
            ..Default::default()
        })
        .with_allow_http(endpoint.starts_with("http://"))
        .with_endpoint(endpoint)
        .with_region(region)
        .with_bucket_name(bucket)
        .with_access_key_id(access_key_id)
        .with_secret_access_key(secret_access_key)
        .with_virtual_hosted_style_request(!path_style)
        .build()
        .map_err(backend)?;
    let prefix = prefix.trim_matches('/');
    let paged = Paged {
        store: Arc::new(s3.clone()),
        prefix: if prefix.is_empty() { String::new() } else { format!("{prefix}/") },
    };
    let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
        Arc::new(s3)
    } else {
        Arc::new(object_store::prefix::PrefixStore::new(s3, parse_path(prefix)?))
    };
    Ok(Some((store, paged)))
}

/// How long a call to an S3 store may take before it fails as `503 ServiceUnavailable`
/// (nothing hangs on a store that is down): connecting (`OSSIMG_S3_CONNECT_TIMEOUT`, seconds,
/// default 3), one request (`OSSIMG_S3_TIMEOUT`, default 30; also the bound on retrying one
/// call) and the retries of a failed call (`OSSIMG_S3_RETRIES`, default 2, with backoff).
struct Timeouts {
    connect: Duration,
    request: Duration,
    retries: usize,
}

impl Timeouts {
    fn from_env() -> Result<Self> {
        let secs = |name: &str, default: f64| -> Result<Duration> {
            match std::env::var(name) {
                Err(_) => Ok(Duration::from_secs_f64(default)),
                Ok(v) => v
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .map(Duration::from_secs_f64)
                    .ok_or_else(|| internal(format!("{name}={v:?}: expected seconds > 0"))),
            }
        };
        let retries = match std::env::var("OSSIMG_S3_RETRIES") {
            Err(_) => 2,
            Ok(v) => v
                .trim()
                .parse()
                .map_err(|_| internal(format!("OSSIMG_S3_RETRIES={v:?}: expected a count")))?,
        };
        Ok(Timeouts {
            connect: secs("OSSIMG_S3_CONNECT_TIMEOUT", 3.0)?,
            request: secs("OSSIMG_S3_TIMEOUT", 30.0)?,
            retries,
        })
    }
}

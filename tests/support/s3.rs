//! The S3-compatible test server of the S3 test cases (tests/storage.rs, tests/mounts.rs, the SDK
//! mounts suite): named by `OSSIMG_S3_ENDPOINT` with `OSSIMG_S3_REGION`, `OSSIMG_S3_BUCKET`,
//! `OSSIMG_S3_ACCESS_KEY_ID` and `OSSIMG_S3_SECRET_ACCESS_KEY` (`.ci/garage.sh start` prints
//! them). Without an endpoint a test skips, saying so, unless `OSSIMG_REQUIRE_S3=1`, which makes
//! that a failure.
#![allow(dead_code)] // each test target uses a different part

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use object_store::ObjectStore;
use ossimg::storage::StorageConfig;

/// Where the S3 test server is and how to sign for it.
pub struct S3Env {
    /// Endpoint URL (`http://127.0.0.1:3900`).
    pub endpoint: String,
    /// Signing region.
    pub region: String,
    /// The test bucket.
    pub bucket: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
}

/// The S3 test server, or `None` after printing that `test` is skipped; panics when
/// `OSSIMG_REQUIRE_S3=1` and no endpoint is set, or when the endpoint lacks its companions.
pub fn s3_env(test: &str) -> Option<S3Env> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let Some(endpoint) = var("OSSIMG_S3_ENDPOINT") else {
        if var("OSSIMG_REQUIRE_S3").as_deref() == Some("1") {
            panic!(
                "OSSIMG_REQUIRE_S3=1 but OSSIMG_S3_ENDPOINT is not set (run `.ci/garage.sh start`)"
            );
        }
        println!("{test}: skipped, OSSIMG_S3_ENDPOINT is not set");
        return None;
    };
    let need =
        |k: &str| var(k).unwrap_or_else(|| panic!("{k} must be set with OSSIMG_S3_ENDPOINT"));
    Some(S3Env {
        endpoint,
        region: need("OSSIMG_S3_REGION"),
        bucket: need("OSSIMG_S3_BUCKET"),
        access_key_id: need("OSSIMG_S3_ACCESS_KEY_ID"),
        secret_access_key: need("OSSIMG_S3_SECRET_ACCESS_KEY"),
    })
}

impl S3Env {
    /// A key prefix no other run has used (runs sharing one S3 bucket never see each other).
    pub fn fresh_prefix(tag: &str) -> String {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        format!("{tag}-{}-{nanos}", std::process::id())
    }

    /// The storage configuration of the test bucket under `prefix`.
    pub fn config(&self, prefix: &str) -> StorageConfig {
        StorageConfig::S3 {
            endpoint: self.endpoint.clone(),
            region: self.region.clone(),
            bucket: self.bucket.clone(),
            prefix: prefix.to_string(),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            path_style: true,
        }
    }

    /// The address the endpoint names (to put a relay in front of it).
    pub fn socket_addr(&self) -> std::net::SocketAddr {
        let hostport = self.endpoint.trim_start_matches("http://").trim_end_matches('/');
        std::net::ToSocketAddrs::to_socket_addrs(hostport).unwrap().next().unwrap()
    }

    /// A `[storage]` section of `serve`'s configuration file for the test bucket under
    /// `prefix`, reached through `endpoint` (this server's own, or a relay's).
    pub fn toml_section(&self, endpoint: &str, prefix: &str) -> String {
        format!(
            "[storage]\ntype = \"s3\"\nendpoint = \"{endpoint}\"\nregion = \"{}\"\n\
             bucket = \"{}\"\nprefix = \"{prefix}\"\naccess_key_id = \"{}\"\n\
             secret_access_key = \"{}\"\n",
            self.region, self.bucket, self.access_key_id, self.secret_access_key
        )
    }

    /// Writes `dir/ossimg.toml`, storing on the test bucket through a relay on 127.0.0.1:`port`
    /// under a fresh prefix named after `tag`; returns the file's path (for `--config`).
    pub fn config_via(&self, port: u16, dir: &std::path::Path, tag: &str) -> std::path::PathBuf {
        let config = dir.join("ossimg.toml");
        let endpoint = format!("http://127.0.0.1:{port}");
        std::fs::write(&config, self.toml_section(&endpoint, &Self::fresh_prefix(tag))).unwrap();
        config
    }

    /// The test bucket as a plain object store, to write and read objects without ossimg.
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        // reqwest has no bundled TLS provider (Cargo.toml): ring's, once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let s3 = object_store::aws::AmazonS3Builder::new()
            .with_allow_http(true)
            .with_endpoint(&self.endpoint)
            .with_region(&self.region)
            .with_bucket_name(&self.bucket)
            .with_access_key_id(&self.access_key_id)
            .with_secret_access_key(&self.secret_access_key)
            .build()
            .expect("an S3 client for the test server");
        Arc::new(s3)
    }
}

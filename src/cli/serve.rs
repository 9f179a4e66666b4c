//! `ossimg serve`: the OSS-compatible HTTP service. Configuration: defaults → TOML file
//! (`--config`) → environment (`OSSIMG_…`) → flags. The embedded default needs none of them: a
//! local-filesystem store in `./data`, and an access key pair generated on first start, stored in
//! the data directory with owner-only permissions and printed once.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context as _};
use serde::Deserialize;

use crate::api::{AppState, Shared};
use crate::backend::{BackendChoice, Engine};
use crate::storage::{Acl, MountConfig, Storage, StorageConfig};

/// Arguments of `ossimg serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// Data directory of the local store and the generated credentials (default ./data).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// A TOML configuration file.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The engine: auto, gpu or cpu (default: `OSSIMG_BACKEND`, else auto).
    #[arg(long)]
    pub backend: Option<BackendChoice>,
    /// Shrink-on-load rule for JPEG sources: `quality` (default: the decoded image stays ≥ 2× the
    /// resize target) or `fast` (≥ 1×, sharp's fastShrinkOnLoad; faster, visibly softer).
    #[arg(long, env = "OSSIMG_SHRINK_ON_LOAD", value_name = "quality|fast")]
    pub shrink_on_load: Option<crate::plan::ShrinkOnLoad>,
    /// JPEG quantisation: `auto` (default: trellis for outputs up to 1 MP, smaller files),
    /// `trellis` (always; smallest files, slower encode) or `round` (libjpeg-turbo's, fastest).
    #[arg(long, env = "OSSIMG_JPEG_QUANTISER", value_name = "auto|trellis|round")]
    pub jpeg_quantiser: Option<crate::plan::JpegQuantiser>,
    /// Domain for virtual-hosted buckets: `<bucket>.<domain>`.
    #[arg(long)]
    pub domain: Option<String>,
    /// A custom domain bound to a bucket, `HOST=BUCKET` (OSS's CNAME): requests to that host
    /// address the bucket, the whole path being the key. Repeatable; adds to the config file's.
    #[arg(long = "custom-domain", value_name = "HOST=BUCKET")]
    pub custom_domains: Vec<String>,
    /// Whether OSS's own host names (`<bucket>.oss-<region>[-internal].aliyuncs.com`) address
    /// their bucket, virtual-hosted, beside `--domain` (default true).
    #[arg(long, value_name = "BOOL")]
    pub aliyuncs_hosts: Option<bool>,
    /// The region signature V4 requests must name (default cn-hangzhou).
    #[arg(long)]
    pub region: Option<String>,
    /// Serves a folder or S3 prefix of plain images in place as a bucket, `BUCKET=URL`
    /// (`file:///srv/images`, `s3://bucket/prefix`): private and read-only (`[[mounts]]` in the
    /// config file sets the ACL and `writable`). Repeatable; adds to the config file's.
    #[arg(long = "mount", value_name = "BUCKET=URL")]
    pub mounts: Vec<String>,
    /// Result cache: keeps processed variants in this directory (off unless set).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Byte budget of the result cache (K/M/G/T suffixes; default 1G).
    #[arg(long, value_name = "BYTES")]
    pub cache_max_bytes: Option<String>,
    /// `Cache-Control` of one bucket's processed results, `BUCKET=VALUE` (default: the source
    /// object's own). Repeatable; adds to the config file's `[cache_control]`.
    #[arg(long = "cache-control", value_name = "BUCKET=VALUE")]
    pub cache_control: Vec<String>,
    /// A limit, `KEY=VALUE` (keys of the `[limits]` table: source_bytes, result_side,
    /// queue_wait_s, memory_mib, …; README "Security"). Repeatable; wins over `OSSIMG_LIMITS`
    /// (the same pairs, comma-separated) and the config file.
    #[arg(long = "limit", value_name = "KEY=VALUE")]
    pub limits: Vec<String>,
    /// Fonts for text watermarks.
    #[command(flatten)]
    pub fonts: super::FontArgs,
    /// HTTPS, metrics, logs and shutdown.
    #[command(flatten)]
    pub ops: super::serve_ops::OpsArgs,
}

/// The TOML configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Listen address.
    pub listen: Option<SocketAddr>,
    /// Data directory.
    pub data_dir: Option<PathBuf>,
    /// auto, gpu or cpu.
    pub backend: Option<String>,
    /// Virtual-host domain.
    pub domain: Option<String>,
    /// `[custom_domains]`: host = "bucket" (custom domains bound to buckets).
    #[serde(default)]
    pub custom_domains: HashMap<String, String>,
    /// Whether OSS's own host names address their bucket (default true).
    pub aliyuncs_hosts: Option<bool>,
    /// V4 region.
    pub region: Option<String>,
    /// Memory budget of image processing in flight, MiB (default 1024); `[limits] memory_mib`
    /// wins.
    pub processing_memory_mib: Option<u32>,
    /// `[limits]`: key = value (crate::limits::Limits::KEYS).
    #[serde(default)]
    pub limits: toml::Table,
    /// Shrink-on-load rule for JPEG sources: "quality" (default) or "fast".
    pub shrink_on_load: Option<String>,
    /// JPEG quantisation: "auto" (default), "trellis" or "round".
    pub jpeg_quantiser: Option<String>,
    /// Access key pairs.
    #[serde(default)]
    pub keys: Vec<KeyPair>,
    /// The object store (default: local, in the data directory).
    pub storage: Option<StorageSection>,
    /// `[[mounts]]`: buckets served from folders or S3 prefixes of plain images.
    #[serde(default)]
    pub mounts: Vec<MountSection>,
    /// A directory of extra fonts for text watermarks (besides the system's).
    pub font_dir: Option<PathBuf>,
    /// `[fonts]`: OSS font name = "installed family" or "/path/to/font.ttf".
    #[serde(default)]
    pub fonts: HashMap<String, String>,
    /// `[cache]`: the result cache (`dir`, `max_bytes`).
    pub cache: Option<super::results::CacheSection>,
    /// `[cache_control]`: bucket = "Cache-Control of its processed results".
    #[serde(default)]
    pub cache_control: HashMap<String, String>,
    /// `[tls]`: HTTPS certificate, key and listener.
    pub tls: Option<super::serve_ops::TlsSection>,
    /// `[metrics]`: the metrics listener and who may read `/metrics`.
    pub metrics: Option<super::serve_ops::MetricsSection>,
    /// `[log]`: the log format.
    pub log: Option<super::serve_ops::LogSection>,
    /// Seconds a shutdown waits for requests in flight (default 25).
    pub shutdown_timeout: Option<u64>,
}

/// One access key pair.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPair {
    /// AccessKeyId.
    pub id: String,
    /// AccessKeySecret.
    pub secret: String,
}

/// `[storage]` of the configuration file.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum StorageSection {
    /// The local filesystem under `root` (default: the data directory).
    Local {
        /// Root directory.
        root: Option<PathBuf>,
    },
    /// Any S3-compatible store (Garage, MinIO, AWS S3, OSS).
    S3 {
        /// Endpoint URL, e.g. `http://127.0.0.1:3900`.
        endpoint: String,
        /// Region.
        region: String,
        /// The backing bucket.
        bucket: String,
        /// Key prefix inside it.
        #[serde(default)]
        prefix: String,
        /// Access key id of the store.
        access_key_id: String,
        /// Secret of the store.
        secret_access_key: String,
        /// Path-style addressing (default true: what self-hosted servers expect).
        #[serde(default = "yes")]
        path_style: bool,
    },
    /// In memory (tests, demos): nothing survives a restart.
    Memory,
}

fn yes() -> bool {
    true
}

impl StorageSection {
    /// The store `section` names (none: the local store under `data_dir/objects`, also the
    /// default root of a `local` section).
    pub fn config(section: Option<StorageSection>, data_dir: &Path) -> StorageConfig {
        match section {
            None => StorageConfig::Local { root: data_dir.join("objects") },
            Some(StorageSection::Local { root }) => {
                StorageConfig::Local { root: root.unwrap_or_else(|| data_dir.join("objects")) }
            }
            Some(StorageSection::Memory) => StorageConfig::Memory,
            Some(StorageSection::S3 {
                endpoint,
                region,
                bucket,
                prefix,
                access_key_id,
                secret_access_key,
                path_style,
            }) => StorageConfig::S3 {
                endpoint,
                region,
                bucket,
                prefix,
                access_key_id,
                secret_access_key,
                path_style,
            },
        }
    }
}

/// One `[[mounts]]` entry of the configuration file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MountSection {
    /// The OSS bucket name clients use.
    pub bucket: String,
    /// `file:///dir` or `s3://bucket/prefix` (S3 settings from `[storage]` when it is S3, else
    /// from the `AWS_*` environment).
    pub source: String,
    /// The bucket's ACL (default private).
    pub acl: Option<String>,
    /// Whether objects may be written and deleted (default false).
    #[serde(default)]
    pub writable: bool,
}

/// The `[[mounts]]` of the config file plus the `--mount BUCKET=URL` flags.
fn mount_configs(file: Vec<MountSection>, args: &[String]) -> anyhow::Result<Vec<MountConfig>> {
    let mut out = Vec::with_capacity(file.len() + args.len());
    for m in file {
        let acl = match &m.acl {
            Some(a) => Acl::parse(a)
                .map_err(|e| anyhow::anyhow!("mount {}: acl {a:?}: {}", m.bucket, e.message))?,
            None => Acl::Private,
        };
        out.push(MountConfig { acl, writable: m.writable, ..MountConfig::new(m.bucket, m.source) });
    }
    for pair in args {
        out.push(MountConfig::parse(pair).map_err(|e| anyhow::anyhow!("--mount: {}", e.message))?);
    }
    Ok(out)
}

/// Runs `ossimg serve` until SIGTERM or Ctrl-C; exits 0 after a graceful shutdown.
pub fn run(args: ServeArgs) -> ExitCode {
    match serve(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ossimg: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The custom domains of the config file plus `--custom-domain HOST=BUCKET` pairs (which win),
/// as lower-case host → bucket; a bucket name OSS would refuse or a host that is not a bare host
/// name is an error at start.
fn bind_custom_domains(
    file: HashMap<String, String>,
    args: &[String],
) -> anyhow::Result<HashMap<String, String>> {
    let from_args = args.iter().map(|pair| {
        pair.split_once('=')
            .map(|(h, b)| (h.to_string(), b.to_string()))
            .with_context(|| format!("--custom-domain {pair:?}: expected HOST=BUCKET"))
    });
    let mut bound = HashMap::new();
    for pair in file.into_iter().map(Ok).chain(from_args) {
        let (host, bucket) = pair?;
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() || host.contains(['/', ':', ' ']) {
            bail!("custom domain {host:?}: expected a host name");
        }
        crate::storage::validate_bucket_name(&bucket).map_err(|e| {
            anyhow::anyhow!("custom domain {host}: bucket {bucket:?}: {}", e.message)
        })?;
        bound.insert(host, bucket);
    }
    Ok(bound)
}

/// The limits: defaults, then the legacy `processing_memory_mib`, the `[limits]` table,
/// `OSSIMG_LIMITS` and the `--limit` flags, each winning over the one before.
fn resolve_limits(
    memory_mib: Option<u32>,
    table: &toml::Table,
    flags: &[String],
) -> anyhow::Result<crate::limits::Limits> {
    let mut limits = crate::limits::Limits::default();
    if let Some(mib) = memory_mib {
        limits.memory_mib = mib;
    }
    for (key, value) in table {
        let text = match value {
            toml::Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        limits.set(key, &text).map_err(|e| anyhow::anyhow!("config [limits]: {e}"))?;
    }
    if let Some(pairs) = env("OSSIMG_LIMITS") {
        limits.set_pairs(&pairs).map_err(|e| anyhow::anyhow!("OSSIMG_LIMITS: {e}"))?;
    }
    for pair in flags {
        limits.set_pairs(pair).map_err(|e| anyhow::anyhow!("--limit: {e}"))?;
    }
    Ok(limits)
}

/// Caps glibc's malloc arenas at 2 unless the user set `MALLOC_ARENA_MAX` (which glibc reads
/// itself). glibc's default, 8 per core, gives each new thread an arena of its own up to that
/// count, and an arena keeps the memory freed in it: under a long mixed load, with tokio's
/// blocking threads coming and going, RSS grew 14 % over 5 rounds (issue 17). Measured with
/// tests/soak.sh on 2 cores (benches/RESULTS.md, "Soak"): 16 arenas (the default there) +15 %
/// over 4 rounds, 4 (2 per core) +9 %, 2 +6 %, at the same throughput. Returns the cap set.
fn cap_malloc_arenas() -> Option<i32> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
            return None;
        }
        let cap = 2;
        // SAFETY: mallopt only changes a tunable of the allocator, and this runs before the
        // runtime's threads start; glibc returns 1 on success.
        let set = unsafe { libc::mallopt(libc::M_ARENA_MAX, cap) } == 1;
        set.then_some(cap)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

/// Gives the memory freed after a burst of requests back to the system once the server has
/// been idle for about a second (no request started in the last tick, none in flight):
/// glibc's `malloc_trim`, which returns the free pages of every arena, not only the heap's top.
/// Without it the idle RSS ratchets up with each burst, as freed chunks scattered through the
/// arenas stay mapped (issue 17's soak; benches/RESULTS.md, "Soak"). Runs at most once per idle
/// spell, never under load.
async fn trim_when_idle() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let (mut seen, mut trimmed_at) = (0, 0);
        loop {
            tick.tick().await;
            let (started, in_flight) = crate::telemetry::request_activity();
            if started == seen && in_flight == 0 && started != trimmed_at {
                trimmed_at = started;
                // SAFETY: malloc_trim only releases free memory; it takes each arena's lock.
                let _ = tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) }).await;
            }
            seen = started;
        }
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let arenas = cap_malloc_arenas();
    let file: FileConfig = match &args.config {
        Some(p) => toml::from_str(
            &std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
        )
        .with_context(|| format!("invalid configuration {}", p.display()))?,
        None => FileConfig::default(),
    };
    let ops = super::serve_ops::Ops::resolve(
        args.ops,
        file.tls,
        file.metrics,
        file.log,
        file.shutdown_timeout,
    )?;
    crate::telemetry::log::init(ops.log_format).map_err(anyhow::Error::msg)?;
    let listen = args
        .listen
        .or(env("OSSIMG_LISTEN").map(|v| v.parse()).transpose().context("OSSIMG_LISTEN")?)
        .or(file.listen)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let data_dir = args
        .data_dir
        .or(env("OSSIMG_DATA_DIR").map(PathBuf::from))
        .or(file.data_dir)
        .unwrap_or_else(|| PathBuf::from("data"));
    let backend = match args.backend {
        Some(b) => b,
        None => match env("OSSIMG_BACKEND").or(file.backend) {
            Some(v) => v.parse().map_err(anyhow::Error::msg)?,
            None => BackendChoice::Auto,
        },
    };
    let domain = args.domain.or(env("OSSIMG_DOMAIN")).or(file.domain);
    let custom_domains = bind_custom_domains(file.custom_domains, &args.custom_domains)?;
    let aliyuncs_hosts = args.aliyuncs_hosts.or(file.aliyuncs_hosts).unwrap_or(true);
    let region = args
        .region
        .or(env("OSSIMG_REGION"))
        .or(file.region)
        .unwrap_or_else(|| "cn-hangzhou".to_string());
    let limits = resolve_limits(file.processing_memory_mib, &file.limits, &args.limits)?;
    let budget = limits.memory_mib.max(64);
    let shrink_on_load = match (args.shrink_on_load, &file.shrink_on_load) {
        (Some(rule), _) => rule,
        (None, Some(s)) => s.parse().map_err(|e: String| anyhow::anyhow!("config: {e}"))?,
        (None, None) => Default::default(),
    };
    let jpeg_quantiser = match (args.jpeg_quantiser, &file.jpeg_quantiser) {
        (Some(q), _) => q,
        (None, Some(s)) => s.parse().map_err(|e: String| anyhow::anyhow!("config: {e}"))?,
        (None, None) => Default::default(),
    };
    let mounts = mount_configs(file.mounts, &args.mounts)?;
    let mounted: Vec<String> = mounts
        .iter()
        .map(|m| {
            let mode = if m.writable { "writable" } else { "read-only" };
            format!("bucket {} mounted on {} ({mode}, {})", m.bucket, m.source, m.acl.as_str())
        })
        .collect();

    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let storage_config = StorageSection::config(file.storage, &data_dir);
    let mut keys: Vec<KeyPair> = file.keys;
    match (env("OSSIMG_ACCESS_KEY_ID"), env("OSSIMG_ACCESS_KEY_SECRET")) {
        (Some(id), Some(secret)) => keys.push(KeyPair { id, secret }),
        (None, None) => {}
        _ => bail!("set both OSSIMG_ACCESS_KEY_ID and OSSIMG_ACCESS_KEY_SECRET, or neither"),
    }
    if keys.is_empty() {
        keys.push(load_or_generate_keys(&data_dir)?);
    }
    let engine = Engine::select(backend)?;
    match engine {
        Engine::Gpu(g) => crate::telemetry::gpu(Some(&g.backend().describe()), true),
        Engine::Cpu => crate::telemetry::gpu(None, false),
    }
    let storage = Storage::new(storage_config.clone())?
        .with_mounts(mounts, &storage_config)
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let font_config = args.fonts.config(file.font_dir, &file.fonts)?;
    let fonts = crate::watermark::TextRenderer::new(font_config).context("fonts")?;
    let missing: Vec<&str> =
        fonts.fonts().into_iter().filter(|(_, f)| f.is_none()).map(|(name, _)| name).collect();
    if !missing.is_empty() {
        eprintln!(
            "ossimg: warning: no font installed for {} (text watermarks naming them answer \
             0040-00000251; install the fonts, or map them with --font / [fonts])",
            missing.join(", ")
        );
    }
    let results = super::results::result_caching(
        file.cache,
        args.cache_dir,
        args.cache_max_bytes,
        file.cache_control,
        &args.cache_control,
    )?;
    let key_map: HashMap<String, String> =
        keys.iter().map(|k| (k.id.clone(), k.secret.clone())).collect();
    let state = AppState(Arc::new(Shared {
        storage,
        keys: Box::new(key_map),
        engine,
        fonts: Some(Arc::new(fonts)),
        plan: crate::plan::Options { shrink_on_load, jpeg_quantiser },
        addressing: crate::api::wire::Addressing { domain, custom_domains, aliyuncs_hosts },
        region: region.clone(),
        clock: Box::new(std::time::SystemTime::now),
        processing: Arc::new(tokio::sync::Semaphore::new(budget as usize)),
        processing_budget_mib: budget,
        timeouts: crate::api::Timeouts {
            header: limits.header_timeout,
            body_idle: limits.body_idle_timeout,
        },
        results,
        load: Arc::new(crate::workers::Admission::new(
            None,
            crate::workers::QueueBound {
                max_jobs_per_worker: limits.queue_jobs_per_worker,
                max_wait: limits.queue_wait,
            },
        )),
        limits,
    }));
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let served: anyhow::Result<()> = rt.block_on(async move {
        eprintln!(
            "ossimg: storage: {}, engine: {}, region: {region}",
            state.0.storage.backend(),
            state.0.engine.name()
        );
        if let Some(n) = arenas {
            tracing::debug!("malloc arenas capped at {n} (MALLOC_ARENA_MAX overrides)");
        }
        tokio::spawn(trim_when_idle());
        for line in &mounted {
            eprintln!("ossimg: {line}");
        }
        if state.0.storage.backend() == "s3" {
            match state.0.storage.conditional_writes().await {
                Ok(true) => {}
                Ok(false) => eprintln!(
                    "ossimg: warning: the S3 server ignores conditional writes (If-Match): bucket settings \
                     (ACL, styles, process configuration) edited at the same moment through two instances \
                     can overwrite each other; edits through one instance are always kept"
                ),
                Err(e) => eprintln!("ossimg: warning: cannot probe the S3 server for conditional writes: {e}"),
            }
        }
        let storage = state.0.storage.clone();
        let served = super::serve_ops::run(listen, ops, state).await;
        // Listing cards of the last writes (S3): a few seconds to finish, else the first
        // listing that misses them writes them.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), storage.settle()).await;
        served
    });
    // Jobs abandoned by a timed-out drain must not hold the exit.
    rt.shutdown_background();
    served
}

/// File of the generated key pair inside the data directory.
const CREDENTIALS_FILE: &str = "credentials.toml";

/// Reads the key pair generated on a previous start, or generates one, stores it with
/// owner-only permissions and prints it once.
fn load_or_generate_keys(data_dir: &Path) -> anyhow::Result<KeyPair> {
    #[derive(Deserialize, serde::Serialize)]
    struct Stored {
        keys: Vec<KeyPair>,
    }
    let path = data_dir.join(CREDENTIALS_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let stored: Stored =
            toml::from_str(&text).with_context(|| format!("invalid {}", path.display()))?;
        if let Some(k) = stored.keys.into_iter().next() {
            return Ok(k);
        }
    }
    let pair = KeyPair { id: format!("LTAI{}", random_token(20)?), secret: random_token(30)? };
    let text = toml::to_string(&Stored { keys: vec![pair.clone()] })?;
    write_private(&path, &text)?;
    eprintln!(
        "ossimg: generated an access key pair (saved in {}; shown only now):\n  AccessKeyId:     {}\n  AccessKeySecret: {}",
        path.display(),
        pair.id,
        pair.secret
    );
    Ok(pair)
}

/// `n` random characters of `[A-Za-z0-9]` from the OS generator (rejection sampling, no bias).
fn random_token(n: usize) -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let mut buf = [0u8; 64];
        getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
        // 62 * 4 = 248: bytes ≥ 248 would bias the modulo, so they are dropped.
        out.extend(
            buf.iter()
                .filter(|&&b| b < 248)
                .map(|&b| ALPHABET[usize::from(b % 62)] as char)
                .take(n - out.len()),
        );
    }
    Ok(out)
}

/// Creates `path` readable and writable by the owner only (0600 on Unix).
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_private_and_stable() {
        let dir = std::env::temp_dir().join(format!("ossimg-keys-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let a = load_or_generate_keys(&dir).unwrap();
        assert!(a.id.starts_with("LTAI") && a.id.len() == 24 && a.secret.len() == 30);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.join(CREDENTIALS_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = load_or_generate_keys(&dir).unwrap();
        assert_eq!((a.id, a.secret), (b.id, b.secret));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn custom_domains_from_file_and_flags() {
        let file: FileConfig =
            toml::from_str("[custom_domains]\n\"Img.Example.com\" = \"photos\"\n").unwrap();
        let args = ["cdn.example.com=thumbs".to_string(), "img.example.com=other".to_string()];
        let bound = bind_custom_domains(file.custom_domains, &args).unwrap();
        assert_eq!(
            bound,
            HashMap::from([
                ("img.example.com".to_string(), "other".to_string()),
                ("cdn.example.com".to_string(), "thumbs".to_string()),
            ])
        );
        for bad in ["no-equals", "img.example.com=Bad_Bucket", "=photos", "a:80=photos"] {
            assert!(bind_custom_domains(HashMap::new(), &[bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn config_file_parses() {
        let c: FileConfig = toml::from_str(
            "listen = \"0.0.0.0:9000\"\nregion = \"cn-shanghai\"\n[[keys]]\nid = \"a\"\nsecret = \"b\"\n\
             [storage]\ntype = \"s3\"\nendpoint = \"http://127.0.0.1:3900\"\nregion = \"garage\"\nbucket = \"b\"\n\
             access_key_id = \"k\"\nsecret_access_key = \"s\"\n",
        )
        .unwrap();
        assert_eq!(c.keys.len(), 1);
        assert!(matches!(c.storage, Some(StorageSection::S3 { path_style: true, .. })));
        assert!(toml::from_str::<FileConfig>("bogus = 1").is_err());
        assert_eq!(c.aliyuncs_hosts, None);
        let off: FileConfig = toml::from_str("aliyuncs_hosts = false").unwrap();
        assert_eq!(off.aliyuncs_hosts, Some(false));
    }

    #[test]
    fn limits_from_file_and_flags() {
        let c: FileConfig = toml::from_str(
            "processing_memory_mib = 512\n[limits]\nsource_bytes = 1_000_000\nqueue_wait_s = 1.5\n\
             result_side = \"4096\"\n",
        )
        .unwrap();
        let flags = ["result_side=2048".to_string()];
        let l = resolve_limits(c.processing_memory_mib, &c.limits, &flags).unwrap();
        assert_eq!((l.source_bytes, l.result_side, l.memory_mib), (1_000_000, 2048, 512));
        assert_eq!(l.queue_wait, std::time::Duration::from_millis(1500));
        assert_eq!(l.process_actions, 20);
        let bad: FileConfig = toml::from_str("[limits]\nsource_side = 99999\n").unwrap();
        assert!(resolve_limits(None, &bad.limits, &[]).is_err());
        assert!(resolve_limits(None, &toml::Table::new(), &["nope=1".to_string()]).is_err());
    }

    #[test]
    fn mounts_from_file_and_flags() {
        let c: FileConfig = toml::from_str(
            "[[mounts]]\nbucket = \"photos\"\nsource = \"s3://lib/images\"\nacl = \"public-read\"\n\
             [[mounts]]\nbucket = \"drop\"\nsource = \"file:///srv/drop\"\nwritable = true\n",
        )
        .unwrap();
        let all = mount_configs(c.mounts, &["old=/srv/old".to_string()]).unwrap();
        assert_eq!(
            all,
            [
                MountConfig {
                    acl: Acl::PublicRead,
                    ..MountConfig::new("photos", "s3://lib/images")
                },
                MountConfig { writable: true, ..MountConfig::new("drop", "file:///srv/drop") },
                MountConfig::new("old", "/srv/old"),
            ]
        );
        let bad_acl: FileConfig =
            toml::from_str("[[mounts]]\nbucket = \"a-b\"\nsource = \"/x\"\nacl = \"open\"\n")
                .unwrap();
        assert!(mount_configs(bad_acl.mounts, &[]).is_err());
        assert!(mount_configs(Vec::new(), &["no-equals".to_string()]).is_err());
        assert!(toml::from_str::<FileConfig>(
            "[[mounts]]\nbucket = \"a\"\nsource = \"/x\"\nro = 1\n"
        )
        .is_err());
    }
}

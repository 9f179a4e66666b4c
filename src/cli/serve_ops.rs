//! The operator settings of `ossimg serve`: HTTPS (`--tls-cert`, `--tls-key`, `--tls-listen`,
//! `[tls]`), the metrics endpoint (`--metrics-listen`, `--metrics-access`), the log format
//! (`--log-format`, `RUST_LOG`) and the shutdown drain (`--shutdown-timeout`); and running the
//! listeners they describe until SIGTERM or Ctrl-C, with certificate reloads on SIGHUP or when
//! the files change.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use serde::Deserialize;

use crate::api::listener::{Listener, Role, Shutdown};
use crate::api::ops::MetricsAccess;
use crate::api::tls::Tls;
use crate::api::AppState;
use crate::telemetry::log::LogFormat;

/// How often the certificate files are checked for changes.
const CERT_POLL: Duration = Duration::from_secs(2);

/// Default drain of a shutdown: long enough for a large upload or a queue of processing jobs
/// to finish, shorter than the 30 s + grace most orchestrators wait before SIGKILL.
const DEFAULT_SHUTDOWN_SECS: u64 = 25;

/// The operator flags of `ossimg serve`.
#[derive(Debug, Default, clap::Args)]
pub struct OpsArgs {
    /// PEM certificate chain (leaf first): serve HTTPS, HTTP/2 and HTTP/1.1 by ALPN.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key (PKCS#8, RSA or EC) of `--tls-cert`.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Address of the HTTPS listener; plain HTTP then stays on `--listen`. Without it,
    /// `--listen` itself serves HTTPS.
    #[arg(long, value_name = "ADDR")]
    pub tls_listen: Option<SocketAddr>,
    /// Serve `/metrics` (and the health probes) on this address, to anyone who can reach it;
    /// the API listeners then answer no `/metrics`.
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// Who may read `/metrics` on the API listeners when there is no `--metrics-listen`:
    /// loopback (default), any, or off.
    #[arg(long, value_name = "WHO")]
    pub metrics_access: Option<String>,
    /// Log lines as text (default) or json; `RUST_LOG` filters them.
    #[arg(long, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Seconds a shutdown (SIGTERM, Ctrl-C) waits for requests in flight (default 25).
    #[arg(long, value_name = "SECS")]
    pub shutdown_timeout: Option<u64>,
}

/// `[tls]` of the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSection {
    /// PEM certificate chain.
    pub cert: Option<PathBuf>,
    /// PEM private key.
    pub key: Option<PathBuf>,
    /// Address of the HTTPS listener (default: the main `listen` serves HTTPS).
    pub listen: Option<SocketAddr>,
}

/// `[metrics]` of the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSection {
    /// A separate metrics listener.
    pub listen: Option<SocketAddr>,
    /// `loopback`, `any` or `off`.
    pub access: Option<String>,
}

/// `[log]` of the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// `text` or `json`.
    pub format: Option<String>,
}

/// The resolved operator settings.
#[derive(Debug)]
pub struct Ops {
    /// Certificate and key files, when HTTPS is on.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// A separate HTTPS address (else the main one serves HTTPS).
    pub tls_listen: Option<SocketAddr>,
    /// The metrics-only listener.
    pub metrics_listen: Option<SocketAddr>,
    /// `/metrics` on the API listeners.
    pub metrics_access: MetricsAccess,
    /// The log format.
    pub log_format: LogFormat,
    /// The shutdown drain.
    pub shutdown_timeout: Duration,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn parse_access(v: &str) -> anyhow::Result<MetricsAccess> {
    Ok(match v {
        "loopback" => MetricsAccess::Loopback,
        "any" => MetricsAccess::Anyone,
        "off" => MetricsAccess::Off,
        other => bail!("metrics access {other:?}: expected loopback, any or off"),
    })
}

impl Ops {
    /// Flags, then `OSSIMG_…` variables, then the file's sections, then defaults.
    pub fn resolve(
        args: OpsArgs,
        tls: Option<TlsSection>,
        metrics: Option<MetricsSection>,
        log: Option<LogSection>,
        shutdown_timeout: Option<u64>,
    ) -> anyhow::Result<Ops> {
        let (tls, metrics, log) =
            (tls.unwrap_or_default(), metrics.unwrap_or_default(), log.unwrap_or_default());
        let addr = |name: &str| -> anyhow::Result<Option<SocketAddr>> {
            env(name).map(|v| v.parse().with_context(|| format!("{name}={v:?}"))).transpose()
        };
        let cert = args.tls_cert.or(env("OSSIMG_TLS_CERT").map(PathBuf::from)).or(tls.cert);
        let key = args.tls_key.or(env("OSSIMG_TLS_KEY").map(PathBuf::from)).or(tls.key);
        let tls_files = match (cert, key) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            _ => bail!("HTTPS needs both a certificate and a key (--tls-cert and --tls-key)"),
        };
        let tls_listen = args.tls_listen.or(addr("OSSIMG_TLS_LISTEN")?).or(tls.listen);
        if tls_listen.is_some() && tls_files.is_none() {
            bail!("--tls-listen needs --tls-cert and --tls-key");
        }
        let access = args.metrics_access.or(env("OSSIMG_METRICS_ACCESS")).or(metrics.access);
        let log_format = match args.log_format {
            Some(f) => f,
            None => match env("OSSIMG_LOG_FORMAT").or(log.format) {
                Some(v) => v.parse().map_err(anyhow::Error::msg)?,
                None => LogFormat::Text,
            },
        };
        let shutdown = match args.shutdown_timeout {
            Some(s) => s,
            None => match env("OSSIMG_SHUTDOWN_TIMEOUT") {
                Some(v) => v.parse().with_context(|| format!("OSSIMG_SHUTDOWN_TIMEOUT={v:?}"))?,
                None => shutdown_timeout.unwrap_or(DEFAULT_SHUTDOWN_SECS),
            },
        };
        Ok(Ops {
            tls: tls_files,
            tls_listen,
            metrics_listen: args
                .metrics_listen
                .or(addr("OSSIMG_METRICS_LISTEN")?)
                .or(metrics.listen),
            metrics_access: access
                .as_deref()
                .map(parse_access)
                .transpose()?
                .unwrap_or(MetricsAccess::Loopback),
            log_format,
            shutdown_timeout: Duration::from_secs(shutdown),
        })
    }
}

/// Binds the listeners `ops` describes beside the main address `listen`, prints where each
/// serves, and serves `state` until SIGTERM or Ctrl-C; then stops accepting and waits for the
/// requests in flight. Certificates are re-read on SIGHUP and when their files change.
pub async fn run(listen: SocketAddr, ops: Ops, state: AppState) -> anyhow::Result<()> {
    let tls = match &ops.tls {
        Some((cert, key)) => Some(Arc::new(
            Tls::load(cert, key)
                .with_context(|| format!("HTTPS certificate {}", cert.display()))?,
        )),
        None => None,
    };
    // With a metrics listener the API listeners answer no /metrics (it is a bucket name there).
    let access = if ops.metrics_listen.is_some() { MetricsAccess::Off } else { ops.metrics_access };
    let mut plan: Vec<(SocketAddr, Option<Arc<Tls>>, Role)> = Vec::new();
    match (&tls, ops.tls_listen) {
        (Some(t), Some(https)) => {
            plan.push((listen, None, Role::Api(access)));
            plan.push((https, Some(t.clone()), Role::Api(access)));
        }
        (Some(t), None) => plan.push((listen, Some(t.clone()), Role::Api(access))),
        (None, _) => plan.push((listen, None, Role::Api(access))),
    }
    if let Some(m) = ops.metrics_listen {
        plan.push((m, None, Role::Metrics));
    }
    let mut listeners = Vec::with_capacity(plan.len());
    for (addr, tls, role) in plan {
        let tcp = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = tcp.local_addr()?;
        match (&role, &tls) {
            (Role::Metrics, _) => eprintln!("ossimg: metrics on http://{local}/metrics"),
            (Role::Api(_), None) => eprintln!("ossimg: serving on http://{local}"),
            (Role::Api(_), Some(_)) => {
                eprintln!("ossimg: serving on https://{local} (HTTP/2, HTTP/1.1)")
            }
        }
        listeners.push(Listener { tcp, tls, role });
    }
    if let Some(t) = tls {
        tokio::spawn(watch_certificate(t));
    }
    let drain = ops.shutdown_timeout;
    let outcome = crate::api::listener::serve_on(listeners, state, stop_signal(), drain).await;
    match outcome {
        Shutdown::Drained => tracing::info!("shut down: every request in flight finished"),
        Shutdown::TimedOut => tracing::warn!(
            "shut down: requests still in flight after {}s were abandoned",
            drain.as_secs()
        ),
    }
    Ok(())
}

/// Completes on SIGTERM or SIGINT (Ctrl-C), logging which.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM: stopping; finishing requests in flight"),
                _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT: stopping; finishing requests in flight"),
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("Ctrl-C: stopping; finishing requests in flight");
    }
}

/// Re-reads the certificate on SIGHUP and whenever its files change ([`CERT_POLL`]); a failed
/// reload is logged and the previous certificate stays in use.
async fn watch_certificate(tls: Arc<Tls>) {
    let report = |r: Result<(), crate::api::tls::TlsError>, why: &str| match r {
        Ok(()) => {
            crate::telemetry::tls_reload(true);
            tracing::info!("certificate {} reloaded ({why})", tls.cert_path().display());
        }
        Err(e) => {
            crate::telemetry::tls_reload(false);
            tracing::error!(
                "certificate reload failed ({why}), still serving the previous one: {e}"
            );
        }
    };
    #[cfg(unix)]
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut tick = tokio::time::interval(CERT_POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        #[cfg(unix)]
        let hangup = async {
            match hup.as_mut() {
                Some(h) => {
                    h.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let hangup = std::future::pending::<()>();
        tokio::select! {
            () = hangup => report(tls.reload(), "SIGHUP"),
            _ = tick.tick() => {
                if let Some(r) = tls.reload_if_changed() {
                    report(r, "files changed");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_resolve_and_refuse_half_tls() {
        let file: TlsSection =
            toml::from_str("cert = \"c.pem\"\nkey = \"k.pem\"\nlisten = \"127.0.0.1:8443\"")
                .unwrap();
        let ops = Ops::resolve(OpsArgs::default(), Some(file), None, None, Some(5)).unwrap();
        assert_eq!(ops.tls, Some((PathBuf::from("c.pem"), PathBuf::from("k.pem"))));
        assert_eq!(ops.tls_listen, Some("127.0.0.1:8443".parse().unwrap()));
        assert_eq!(ops.shutdown_timeout, Duration::from_secs(5));
        assert_eq!(ops.metrics_access, MetricsAccess::Loopback);
        let half = TlsSection { cert: Some("c.pem".into()), ..Default::default() };
        assert!(Ops::resolve(OpsArgs::default(), Some(half), None, None, None).is_err());
        let metrics = MetricsSection { listen: None, access: Some("everyone".into()) };
        assert!(Ops::resolve(OpsArgs::default(), None, Some(metrics), None, None).is_err());
        let log = LogSection { format: Some("json".into()) };
        let ops = Ops::resolve(OpsArgs::default(), None, None, Some(log), None).unwrap();
        assert_eq!(ops.log_format, LogFormat::Json);
        assert_eq!(ops.shutdown_timeout, Duration::from_secs(DEFAULT_SHUTDOWN_SECS));
    }
}

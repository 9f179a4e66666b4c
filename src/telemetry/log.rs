//! Logging: the `tracing` subscriber of `ossimg serve` (text or JSON lines on stderr, filtered by
//! `RUST_LOG`) and the one access-log line per request ([`RequestLog`]).
//!
//! The access line carries named fields only — never a header, a query string, a signature, a
//! security token or a secret: a presigned URL's `Signature`, `OSSAccessKeyId` and
//! `security-token` and the `Authorization` header are not in [`RequestLog`], so they cannot
//! reach a log.

use std::net::SocketAddr;
use std::time::Duration;

/// The `tracing` target of access-log lines (`RUST_LOG=ossimg::access=off` silences them).
pub const ACCESS_TARGET: &str = "ossimg::access";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines: time, level, target, message, `field=value` pairs.
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `target`, `fields`).
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<LogFormat, String> {
        match s {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("log format {other:?}: expected text or json")),
        }
    }
}

/// Installs the process-wide subscriber writing `format` lines to stderr; the filter comes
/// from `RUST_LOG` (e.g. `info`, `ossimg=debug`, `ossimg::access=off`), `info` when unset.
/// An invalid `RUST_LOG` is an error rather than silently logging nothing. Calling it twice
/// keeps the first subscriber.
pub fn init(format: LogFormat) -> Result<(), String> {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => {
            EnvFilter::try_new(&v).map_err(|e| format!("RUST_LOG={v:?}: {e}"))?
        }
        _ => EnvFilter::new("info"),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // Ok or "a subscriber is already set" (a second server in one process): either is fine.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    Ok(())
}

/// What one access-log line says about a request.
#[derive(Debug, Clone)]
pub struct RequestLog<'a> {
    /// The `x-oss-request-id` sent back.
    pub request_id: &'a str,
    /// The client's address (`None` in tests without a socket).
    pub remote: Option<SocketAddr>,
    /// The HTTP method.
    pub method: &'a str,
    /// The OSS operation name (`GetObject`, `PutObject`, `ProcessImage`, …).
    pub operation: &'a str,
    /// The bucket addressed, if any.
    pub bucket: Option<&'a str>,
    /// The object key addressed, if any.
    pub key: Option<&'a str>,
    /// The answer's status code.
    pub status: u16,
    /// Request body bytes (from `Content-Length`).
    pub bytes_in: u64,
    /// Response body bytes (from `Content-Length`).
    pub bytes_out: u64,
    /// From the request's head to the answer's head.
    pub latency: Duration,
    /// The engine of an image-processing request (`cpu` or `gpu`), else `None`.
    pub engine: Option<&'a str>,
}

/// One access-log event at `$level` with every field of a [`RequestLog`].
macro_rules! access_event {
    ($level:expr, $r:expr) => {{
        let r = $r;
        let remote = r.remote.map(|a| a.to_string());
        tracing::event!(
            target: ACCESS_TARGET,
            $level,
            request_id = r.request_id,
            remote = remote.as_deref().unwrap_or("-"),
            method = r.method,
            operation = r.operation,
            bucket = r.bucket.unwrap_or("-"),
            key = r.key.unwrap_or("-"),
            status = r.status,
            bytes_in = r.bytes_in,
            bytes_out = r.bytes_out,
            // Milliseconds with microsecond precision.
            ms = (r.latency.as_secs_f64() * 1e6).round() / 1e3,
            engine = r.engine.unwrap_or("-"),
            "request"
        )
    }};
}

impl RequestLog<'_> {
    /// Writes the line at level INFO, target [`ACCESS_TARGET`].
    pub fn emit(&self) {
        access_event!(tracing::Level::INFO, self);
    }

    /// Writes the line at level DEBUG (health probes, metrics scrapes).
    pub fn emit_debug(&self) {
        access_event!(tracing::Level::DEBUG, self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse() {
        assert_eq!("json".parse::<LogFormat>(), Ok(LogFormat::Json));
        assert_eq!("text".parse::<LogFormat>(), Ok(LogFormat::Text));
        assert!("xml".parse::<LogFormat>().is_err());
    }
}

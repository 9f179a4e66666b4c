//! Small wire-format helpers shared by every handler: request ids, bucket/key addressing
//! (custom domains, virtual-hosted and path style) and percent-decoding. Dates live in `auth::time`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A new request id: 24 upper-case hex characters as OSS sends (spec §1.1) — 8 of process start
/// time, 16 of a per-process counter mixed with the current nanoseconds, so ids never repeat
/// within a process and rarely across instances.
pub fn request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let start = *START.get_or_init(|| {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as u32).unwrap_or(0)
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{start:08X}{:016X}", (u64::from(nanos) << 32) ^ n)
}

/// Decodes `%XX` escapes of a URI path or query component (`+` stays `+`); `None` when an escape
/// is malformed or the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Decodes a query component as form data (`+` is a space), as query strings are.
pub fn query_decode(s: &str) -> Option<String> {
    percent_decode(&s.replace('+', " "))
}

/// Splits a raw query string into decoded `(name, value)` pairs, in order; a bare name has an
/// empty value. `None` when a component is not valid percent-encoded UTF-8.
pub fn parse_query(raw: &str) -> Option<Vec<(String, String)>> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            Some((query_decode(n)?, query_decode(v)?))
        })
        .collect()
}

/// The bucket and key a request addresses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    /// The bucket, if the request names one.
    pub bucket: Option<String>,
    /// The object key, if the request names one.
    pub key: Option<String>,
}

/// How the `Host` of a request names its bucket (spec §1.1).
#[derive(Debug, Clone, Default)]
pub struct Addressing {
    /// Virtual-hosted style: `Host: <bucket>.<domain>`, when set.
    pub domain: Option<String>,
    /// Custom domains bound to a bucket (OSS's CNAME): lower-case host name → bucket. A request
    /// to such a host addresses that bucket with the whole path as the key.
    pub custom_domains: HashMap<String, String>,
}

impl Addressing {
    /// Resolves the bucket and key from `Host` and the raw (still percent-encoded) path: a custom
    /// domain first, then virtual-hosted style when `Host` is `<bucket>.<domain>`, path style
    /// (`/<bucket>/<key>`) otherwise. `None` when the path is not valid percent-encoded UTF-8.
    pub fn target(&self, host: Option<&str>, raw_path: &str) -> Option<Target> {
        let path = percent_decode(raw_path)?;
        let path = path.strip_prefix('/').unwrap_or(&path);
        let host = host.map(|h| {
            h.rsplit_once(':')
                .filter(|(_, p)| p.bytes().all(|c| c.is_ascii_digit()))
                .map_or(h, |(h, _)| h)
                .to_ascii_lowercase()
        });
        let bound = host.as_ref().and_then(|h| self.custom_domains.get(h)).cloned();
        let vhost_bucket = bound.or_else(|| match (&host, &self.domain) {
            (Some(h), Some(d)) => h
                .strip_suffix(&format!(".{}", d.trim_start_matches('.').to_ascii_lowercase()))
                .filter(|b| !b.is_empty() && !b.contains('.'))
                .map(str::to_string),
            _ => None,
        });
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Some(match vhost_bucket {
            Some(bucket) => Target { bucket: Some(bucket), key: non_empty(path) },
            None => {
                let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
                Target { bucket: non_empty(bucket), key: non_empty(key) }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_24_upper_hex_and_unique() {
        let a = request_id();
        let b = request_id();
        assert_eq!(a.len(), 24);
        assert!(a.chars().all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn addressing() {
        let target = |h: Option<&str>, p: &str, d: Option<&str>| {
            Addressing { domain: d.map(Into::into), ..Addressing::default() }.target(h, p)
        };
        let t = |h: Option<&str>, p: &str, d: Option<&str>| target(h, p, d).unwrap();
        let bk =
            |b: &str, k: Option<&str>| Target { bucket: Some(b.into()), key: k.map(Into::into) };
        assert_eq!(
            t(Some("bkt.oss.local:8080"), "/a/b%20c.jpg", Some("oss.local")),
            bk("bkt", Some("a/b c.jpg"))
        );
        assert_eq!(t(Some("bkt.oss.local"), "/", Some("oss.local")), bk("bkt", None));
        assert_eq!(
            t(Some("127.0.0.1:8080"), "/bkt/a/b.jpg", Some("oss.local")),
            bk("bkt", Some("a/b.jpg"))
        );
        assert_eq!(t(Some("127.0.0.1:8080"), "/bkt", None), bk("bkt", None));
        assert_eq!(t(Some("127.0.0.1:8080"), "/bkt/", None), bk("bkt", None));
        assert_eq!(t(None, "/", None), Target::default());
        assert_eq!(target(None, "/bkt/%FF", None), None);
    }

    #[test]
    fn custom_domains() {
        let a = Addressing {
            domain: Some("oss.local".into()),
            custom_domains: HashMap::from([("img.example.com".into(), "photos".into())]),
        };
        let bk =
            |b: &str, k: Option<&str>| Target { bucket: Some(b.into()), key: k.map(Into::into) };
        // The whole path is the key, whatever the case of the host and its port.
        assert_eq!(
            a.target(Some("IMG.example.com:8080"), "/2024/a%20b.jpg").unwrap(),
            bk("photos", Some("2024/a b.jpg"))
        );
        assert_eq!(a.target(Some("img.example.com"), "/").unwrap(), bk("photos", None));
        // Other hosts keep virtual-hosted and path style.
        assert_eq!(a.target(Some("bkt.oss.local"), "/k").unwrap(), bk("bkt", Some("k")));
        assert_eq!(a.target(Some("other.example.com"), "/b/k").unwrap(), bk("b", Some("k")));
    }

    #[test]
    fn queries() {
        assert_eq!(
            parse_query("acl&x-oss-process=image%2Fresize%2Cw_100&prefix=a+b").unwrap(),
            vec![
                ("acl".to_string(), String::new()),
                ("x-oss-process".to_string(), "image/resize,w_100".to_string()),
                ("prefix".to_string(), "a b".to_string())
            ]
        );
    }
}

//! Small wire-format helpers shared by every handler: request ids, bucket/key addressing
//! (custom domains, virtual-hosted under `--domain` or OSS's own host names, path style) and
//! percent-decoding. Dates live in `auth::time`.

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

/// `%XX` decoding of URI components and form values; defined beside the process language, which
/// needs them too (a saveas body may be form-encoded, spec §7).
pub use crate::process::{form_decode as query_decode, percent_decode};

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
#[derive(Debug, Clone)]
pub struct Addressing {
    /// Virtual-hosted style: `Host: <bucket>.<domain>`, when set.
    pub domain: Option<String>,
    /// Custom domains bound to a bucket (OSS's CNAME): lower-case host name → bucket. A request
    /// to such a host addresses that bucket with the whole path as the key.
    pub custom_domains: HashMap<String, String>,
    /// OSS's own endpoint host names ([`aliyuncs_bucket`]) are virtual-hosted too: applications
    /// moved from OSS keep their endpoints and change only DNS, and ali-oss given an IP endpoint
    /// sends `Host: <bucket>.oss-<region>.aliyuncs.com`. On by default.
    pub aliyuncs_hosts: bool,
}

impl Default for Addressing {
    /// No domain, no custom domain, OSS's host names recognised.
    fn default() -> Self {
        Addressing { domain: None, custom_domains: HashMap::new(), aliyuncs_hosts: true }
    }
}

/// The suffix of every OSS endpoint host name.
const ALIYUNCS_SUFFIX: &str = ".aliyuncs.com";

/// The bucket an OSS endpoint host name names: `Some(bucket)` for the public
/// `<bucket>.oss-<region>.aliyuncs.com` and the internal `<bucket>.oss-<region>-internal.aliyuncs.com`
/// (any region: the V4 scope, not the host, is checked against the server's); `None` for the
/// bucket-less endpoint `oss-<region>[-internal].aliyuncs.com` (path style, as any other host),
/// for `.oss-<region>.aliyuncs.com` (an empty label: ali-oss's ListBuckets with an IP endpoint),
/// and for anything else. `host` is lower-case, without port.
pub fn aliyuncs_bucket(host: &str) -> Option<&str> {
    let (bucket, endpoint) = host.strip_suffix(ALIYUNCS_SUFFIX)?.rsplit_once('.')?;
    let region = endpoint.strip_prefix("oss-")?;
    let is_region = !region.is_empty()
        && region.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    (is_region && !bucket.is_empty() && !bucket.contains('.')).then_some(bucket)
}

/// The bucket of `Host: <bucket>.<domain>`: one non-empty label in front of the domain.
fn domain_bucket<'h>(host: &'h str, domain: &str) -> Option<&'h str> {
    let domain = domain.trim_matches('.').to_ascii_lowercase();
    let bucket = host.strip_suffix(domain.as_str())?.strip_suffix('.')?;
    (!bucket.is_empty() && !bucket.contains('.')).then_some(bucket)
}

/// A `Host` header as host names compare: lower-case, without the port and a final `.`.
fn host_name(host: &str) -> String {
    let host = host
        .rsplit_once(':')
        .filter(|(_, p)| p.bytes().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase()
}

impl Addressing {
    /// Resolves the bucket and key from `Host` and the raw (still percent-encoded) path. The host
    /// names the bucket, the whole path being the key, when it is (in this order) a custom domain,
    /// `<bucket>.<domain>`, or (with [`Addressing::aliyuncs_hosts`]) an OSS endpoint of a bucket
    /// ([`aliyuncs_bucket`]); otherwise the path does, in path style (`/<bucket>/<key>`). `None`
    /// when the path is not valid percent-encoded UTF-8.
    pub fn target(&self, host: Option<&str>, raw_path: &str) -> Option<Target> {
        let path = percent_decode(raw_path)?;
        let path = path.strip_prefix('/').unwrap_or(&path);
        let host = host.map(host_name).unwrap_or_default();
        let vhost_bucket = self.custom_domains.get(&host).cloned().or_else(|| {
            self.domain
                .as_deref()
                .and_then(|d| domain_bucket(&host, d))
                .or_else(|| aliyuncs_bucket(&host).filter(|_| self.aliyuncs_hosts))
                .map(str::to_string)
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
            ..Addressing::default()
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
    fn aliyuncs_host_names() {
        for (host, bucket) in [
            ("photos.oss-cn-hangzhou.aliyuncs.com", Some("photos")),
            ("photos.oss-cn-hangzhou-internal.aliyuncs.com", Some("photos")),
            ("photos.oss-ap-southeast-1.aliyuncs.com", Some("photos")),
            ("photos.oss-accelerate.aliyuncs.com", Some("photos")),
            // Bucket-less endpoints, and ali-oss's `.oss-…` for ListBuckets with an IP endpoint.
            ("oss-cn-hangzhou.aliyuncs.com", None),
            ("oss-cn-hangzhou-internal.aliyuncs.com", None),
            (".oss-cn-hangzhou.aliyuncs.com", None),
            // Not OSS endpoints: two labels, no `oss-` region, an empty region, other domains.
            ("a.b.oss-cn-hangzhou.aliyuncs.com", None),
            ("photos.ecs-cn-hangzhou.aliyuncs.com", None),
            ("photos.oss-.aliyuncs.com", None),
            ("photos.oss-cn_hz.aliyuncs.com", None),
            ("photos.oss-cn-hangzhou.aliyuncs.com.evil.example", None),
            ("photos.aliyuncs.com", None),
            ("aliyuncs.com", None),
            ("", None),
        ] {
            assert_eq!(aliyuncs_bucket(host), bucket, "{host}");
        }
        let on = Addressing { domain: Some("oss.local".into()), ..Addressing::default() };
        let off = Addressing { aliyuncs_hosts: false, ..on.clone() };
        let bk =
            |b: &str, k: Option<&str>| Target { bucket: Some(b.into()), key: k.map(Into::into) };
        // Port, upper case and a final dot do not matter; the whole path is the key.
        let host = Some("Photos.OSS-cn-hangzhou.aliyuncs.com.:8080");
        assert_eq!(on.target(host, "/a/b.jpg").unwrap(), bk("photos", Some("a/b.jpg")));
        assert_eq!(off.target(host, "/a/b.jpg").unwrap(), bk("a", Some("b.jpg")));
        let service = Some("oss-cn-hangzhou.aliyuncs.com");
        assert_eq!(on.target(service, "/").unwrap(), Target::default());
        assert_eq!(on.target(service, "/b/k").unwrap(), bk("b", Some("k")));
        assert_eq!(
            on.target(Some(".oss-cn-hangzhou.aliyuncs.com"), "/").unwrap(),
            Target::default()
        );
        // `--domain` still works beside them.
        assert_eq!(on.target(Some("b.oss.local"), "/k").unwrap(), bk("b", Some("k")));
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

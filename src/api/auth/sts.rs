//! Temporary credentials, as OSS users get them from STS: an AccessKeyId, an AccessKeySecret and
//! a SecurityToken that expire together and allow one bucket (optionally one key prefix, and
//! optionally reads only).
//!
//! Stateless: the token is its grant (parent key, bucket, prefix, read-only, expiry, nonce) in
//! base64url, followed by an HMAC-SHA256 of it under a key derived from the parent key's secret;
//! the temporary AccessKeyId and AccessKeySecret are derived from the token with two further keys
//! derived from that secret. Any instance that knows the parent key verifies them, no session
//! store is shared, and removing the parent key from the configuration revokes every credential
//! it issued.
//!
//! A request carries the token as the `x-oss-security-token` header (signed as an `x-oss-`
//! header), the `security-token` query parameter of a V1 presigned URL (a signed sub-resource) or
//! the `x-oss-security-token` parameter of a V4 presigned URL (spec §9.4).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{AuthFailure, KeyStore, SignedRequest};
use crate::{Error, ErrorKind};

type HmacSha256 = Hmac<Sha256>;

/// Prefix of every temporary AccessKeyId, as STS's.
pub const ID_PREFIX: &str = "STS.";
/// The longest lifetime a credential may be issued for: 12 hours, STS's maximum.
pub const MAX_TTL_SECS: u64 = 12 * 3600;
/// Version tag at the start of a token's grant.
const VERSION: &str = "ossimg-sts-1";
/// EC of an expired token (OSS's page 0002-00000007).
const EC_EXPIRED: &str = "0002-00000007";
/// EC of a token that is not valid (OSS's page 0002-00000006).
const EC_INVALID: &str = "0002-00000006";
/// EC of a request the token's policy does not allow (OSS's page 0003-00000301).
const EC_POLICY: &str = "0003-00000301";
/// Exact message of `403 SecurityTokenExpired`, as OSS sends it.
pub const MSG_EXPIRED: &str = "The security token you provided has expired.";

/// What a temporary credential allows, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The AccessKeyId that issued it (its secret keys the token).
    pub parent: String,
    /// The one bucket it may address.
    pub bucket: String,
    /// The key prefix objects must start with (`""`: the whole bucket).
    pub prefix: String,
    /// Reads only (GET/HEAD).
    pub read_only: bool,
    /// Expiry, Unix seconds: valid while `now < expires`.
    pub expires: i64,
}

/// A temporary credential as handed to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `STS.` followed by 24 characters.
    pub access_key_id: String,
    /// The secret to sign with.
    pub access_key_secret: String,
    /// The token to send with every request.
    pub security_token: String,
    /// Expiry, Unix seconds.
    pub expiration: i64,
}

impl Credentials {
    /// The credential as STS's AssumeRole answers it: `{"Credentials": {"AccessKeyId",
    /// "AccessKeySecret", "SecurityToken", "Expiration"}}`, the expiration in ISO 8601 UTC
    /// (`2026-12-03T07:05:00Z`), so clients that parse STS answers read it unchanged.
    pub fn to_json(&self) -> String {
        let expiration = super::format_iso8601(self.expiration).replace(".000Z", "Z");
        let v = serde_json::json!({
            "Credentials": {
                "AccessKeyId": self.access_key_id,
                "AccessKeySecret": self.access_key_secret,
                "SecurityToken": self.security_token,
                "Expiration": expiration,
            }
        });
        serde_json::to_string_pretty(&v).unwrap_or_default()
    }
}

impl Grant {
    /// A grant from `parent` on `bucket` (and `prefix`) for `ttl_secs` from `now` (Unix
    /// seconds). The lifetime must be 1 s to [`MAX_TTL_SECS`] (`400 InvalidArgument`).
    pub fn new(
        parent: &str,
        bucket: &str,
        prefix: &str,
        read_only: bool,
        now: i64,
        ttl_secs: u64,
    ) -> crate::Result<Grant> {
        if ttl_secs == 0 || ttl_secs > MAX_TTL_SECS {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("The duration must be between 1 and {MAX_TTL_SECS} seconds."),
            ));
        }
        if bucket.is_empty() || bucket.contains(['\n', '/']) || prefix.contains('\n') {
            return Err(Error::new(ErrorKind::InvalidArgument, "The bucket or prefix is invalid."));
        }
        Ok(Grant {
            parent: parent.to_string(),
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            read_only,
            expires: now + ttl_secs as i64,
        })
    }
}

/// A fresh nonce for [`issue`], from the OS generator.
pub fn nonce() -> crate::Result<[u8; 12]> {
    let mut n = [0u8; 12];
    getrandom::fill(&mut n).map_err(|_| Error::internal())?;
    Ok(n)
}

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// One of the three keys derived from the parent secret (`purpose` keeps them apart).
fn derived_key(parent_secret: &str, purpose: &str) -> [u8; 32] {
    mac(parent_secret.as_bytes(), &[b"ossimg sts ", purpose.as_bytes()])
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

/// The AccessKeyId and secret of a token (whose grant part is `grant_b64`).
fn derive_pair(parent_secret: &str, grant_b64: &str) -> (String, String) {
    let id = mac(&derived_key(parent_secret, "id"), &[grant_b64.as_bytes()]);
    let secret = mac(&derived_key(parent_secret, "secret"), &[grant_b64.as_bytes()]);
    let id: String = b64(&id).chars().filter(char::is_ascii_alphanumeric).take(24).collect();
    (format!("{ID_PREFIX}{id}"), b64(&secret[..24]))
}

/// Issues a credential for `grant`, signed with the parent key's `parent_secret`; `nonce`
/// makes two credentials of one grant differ.
pub fn issue(grant: &Grant, parent_secret: &str, nonce: [u8; 12]) -> Credentials {
    let text = [
        VERSION,
        &grant.parent,
        &grant.bucket,
        &grant.prefix,
        if grant.read_only { "r" } else { "rw" },
        &grant.expires.to_string(),
        &b64(&nonce),
    ]
    .join("\n");
    let grant_b64 = b64(text.as_bytes());
    let tag = mac(&derived_key(parent_secret, "token"), &[grant_b64.as_bytes()]);
    let (access_key_id, access_key_secret) = derive_pair(parent_secret, &grant_b64);
    Credentials {
        access_key_id,
        access_key_secret,
        security_token: format!("{grant_b64}.{}", b64(&tag)),
        expiration: grant.expires,
    }
}

/// The grant a token states, without checking its MAC: for callers that already authenticated
/// the request (see [`request_grant`]).
fn decode(token: &str) -> Option<(Grant, &str)> {
    let (grant_b64, _) = token.split_once('.')?;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(grant_b64).ok()?;
    let text = String::from_utf8(text).ok()?;
    let f: Vec<&str> = text.split('\n').collect();
    let [version, parent, bucket, prefix, mode, expires, _nonce] = f.as_slice() else {
        return None;
    };
    if *version != VERSION {
        return None;
    }
    let read_only = match *mode {
        "r" => true,
        "rw" => false,
        _ => return None,
    };
    Some((
        Grant {
            parent: parent.to_string(),
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            read_only,
            expires: expires.parse().ok()?,
        },
        grant_b64,
    ))
}

/// `403 InvalidAccessKeyId` (EC 0002-00000006) for a token this server did not issue or that
/// was altered (**[U]** code: OSS's EC page does not name it; InvalidAccessKeyId is what its
/// SDK users see for STS key trouble).
fn invalid_token() -> AuthFailure {
    AuthFailure::new(Error::with_ec(
        ErrorKind::InvalidAccessKeyId,
        EC_INVALID,
        "The security token you provided is invalid.",
    ))
}

/// The security token a request carries, if any: header, V1 `security-token` or V4
/// `x-oss-security-token` query parameter.
pub fn request_token<'a>(req: &SignedRequest<'a>) -> Option<&'a str> {
    req.header("x-oss-security-token")
        .or_else(|| req.query_param("security-token"))
        .or_else(|| req.query_param("x-oss-security-token"))
}

/// Verifies a token at `now` (Unix seconds) against the parent keys in `keys`: its grant, and
/// the temporary (AccessKeyId, secret) requests must be signed with.
pub fn verify(
    token: &str,
    keys: &dyn KeyStore,
    now: i64,
) -> Result<(Grant, String, String), AuthFailure> {
    let (grant, grant_b64) = decode(token).ok_or_else(invalid_token)?;
    let parent_secret = keys.secret(&grant.parent).ok_or_else(invalid_token)?;
    let (_, tag_b64) = token.split_once('.').ok_or_else(invalid_token)?;
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(tag_b64)
        .map_err(|_| invalid_token())?;
    let mut m = <HmacSha256 as Mac>::new_from_slice(&derived_key(&parent_secret, "token"))
        .expect("HMAC takes keys of any length");
    m.update(grant_b64.as_bytes());
    m.verify_slice(&tag).map_err(|_| invalid_token())?;
    if now >= grant.expires {
        return Err(AuthFailure::new(Error::with_ec(
            ErrorKind::SecurityTokenExpired,
            EC_EXPIRED,
            MSG_EXPIRED,
        )));
    }
    let (id, secret) = derive_pair(&parent_secret, grant_b64);
    Ok((grant, id, secret))
}

/// The grant of an already authenticated request signed with temporary credentials, for
/// handlers that must check what the request's body names (a saveas target, watermark objects).
pub fn request_grant(req: &SignedRequest<'_>) -> Option<Grant> {
    decode(request_token(req)?).map(|(g, _)| g)
}

/// The key store a request signed with temporary credentials is verified against: that one
/// pair, nothing else (a permanent AccessKeyId sent with a token is unknown, as OSS answers).
pub struct TemporaryKey {
    /// The temporary AccessKeyId.
    pub id: String,
    /// Its secret.
    pub secret: String,
}

impl KeyStore for TemporaryKey {
    fn secret(&self, access_key_id: &str) -> Option<String> {
        (access_key_id == self.id).then(|| self.secret.clone())
    }
}

/// `403 AccessDenied` (EC 0003-00000301) for a request outside a credential's grant.
pub fn outside_grant() -> AuthFailure {
    AuthFailure::new(Error::with_ec(
        ErrorKind::AccessDenied,
        EC_POLICY,
        "The request is denied by the policy of the security token.",
    ))
}

impl Grant {
    /// May read `key` of `bucket`.
    pub fn allows_read(&self, bucket: &str, key: &str) -> bool {
        bucket == self.bucket && key.starts_with(&self.prefix)
    }

    /// May write `key` of `bucket`.
    pub fn allows_write(&self, bucket: &str, key: &str) -> bool {
        !self.read_only && self.allows_read(bucket, key)
    }

    /// Whether the request is inside the grant: object reads (GET/HEAD) under the prefix, and
    /// unless read-only object writes there (PUT, DELETE, POST, copies from inside it too);
    /// listing the bucket with a `prefix` under the grant's, HeadBucket, GetBucketInfo and
    /// GetBucketLocation; DeleteMultipleObjects only with a grant on the whole bucket. Nothing
    /// else: bucket settings, other buckets, ListBuckets. Requests whose body names further
    /// objects (saveas) are checked by their handler with [`request_grant`].
    pub fn permits(&self, req: &SignedRequest<'_>) -> bool {
        let Some(bucket) = req.bucket else { return false };
        if bucket != self.bucket {
            return false;
        }
        let read = matches!(req.method, "GET" | "HEAD");
        match req.key {
            Some(key) => {
                if let Some(source) = req.header("x-oss-copy-source") {
                    let Some((b, k)) = copy_source(source) else { return false };
                    if !self.allows_read(&b, &k) {
                        return false;
                    }
                }
                if read {
                    self.allows_read(bucket, key)
                } else {
                    self.allows_write(bucket, key)
                }
            }
            None => {
                let has = |n: &str| req.query.iter().any(|(q, _)| q == n);
                let settings = [
                    "acl",
                    "style",
                    "styleName",
                    "processConfiguration",
                    "lifecycle",
                    "referer",
                    "cors",
                    "policy",
                ];
                if settings.iter().any(|s| has(s)) {
                    return false;
                }
                if read && (has("bucketInfo") || has("location") || req.method == "HEAD") {
                    return true;
                }
                if read {
                    // ListObjects (V1/V2) and ListMultipartUploads: their `prefix` must stay
                    // inside the grant's.
                    return req.query_param("prefix").unwrap_or("").starts_with(&self.prefix);
                }
                req.method == "POST" && has("delete") && !self.read_only && self.prefix.is_empty()
            }
        }
    }
}

/// The bucket and key of an `x-oss-copy-source` header (`/bucket/key`, key percent-encoded).
fn copy_source(value: &str) -> Option<(String, String)> {
    let value = value.strip_prefix('/').unwrap_or(value);
    let (bucket, key) = value.split_once('/')?;
    let key = key.split_once("?versionId=").map_or(key, |(k, _)| k);
    Some((bucket.to_string(), percent_decode(key)?))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn keys() -> HashMap<String, String> {
        HashMap::from([("ak".to_string(), "sk".to_string())])
    }

    fn grant(expires: i64) -> Grant {
        Grant {
            parent: "ak".into(),
            bucket: "b".into(),
            prefix: "up/".into(),
            read_only: false,
            expires,
        }
    }

    #[test]
    fn issued_credentials_verify_until_expiry() {
        let c = issue(&grant(1000), "sk", [7; 12]);
        assert!(c.access_key_id.starts_with("STS.") && c.access_key_id.len() == 28);
        let (g, id, secret) = verify(&c.security_token, &keys(), 999).unwrap();
        assert_eq!((g, id, secret), (grant(1000), c.access_key_id.clone(), c.access_key_secret));
        let e = verify(&c.security_token, &keys(), 1000).unwrap_err();
        assert_eq!(e.error.kind, ErrorKind::SecurityTokenExpired);
        assert_eq!(e.error.ec, Some(EC_EXPIRED));
        // Another nonce, another pair.
        assert_ne!(issue(&grant(1000), "sk", [8; 12]).access_key_id, c.access_key_id);
    }

    #[test]
    fn altered_or_foreign_tokens_are_invalid() {
        let c = issue(&grant(1000), "sk", [7; 12]);
        // A longer expiry in the grant part: the MAC no longer matches.
        let longer = issue(&grant(9999), "other", [7; 12]).security_token;
        let (g2, _) = longer.split_once('.').unwrap();
        let (_, tag) = c.security_token.split_once('.').unwrap();
        for bad in [format!("{g2}.{tag}"), longer, "x.y".into(), "nodot".into()] {
            assert_eq!(verify(&bad, &keys(), 0).unwrap_err().error.ec, Some(EC_INVALID), "{bad}");
        }
        // The parent key removed from the configuration: its tokens are gone with it.
        assert!(verify(&c.security_token, &HashMap::<String, String>::new(), 0).is_err());
    }

    fn req<'a>(
        method: &'a str,
        bucket: Option<&'a str>,
        key: Option<&'a str>,
        query: &'a [(String, String)],
    ) -> SignedRequest<'a> {
        SignedRequest { method, bucket, key, query, headers: &[] }
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn grants_allow_their_scope_only() {
        let g = grant(1000);
        let none = &q(&[])[..];
        assert!(g.permits(&req("GET", Some("b"), Some("up/a.jpg"), none)));
        assert!(g.permits(&req("PUT", Some("b"), Some("up/a.jpg"), none)));
        assert!(!g.permits(&req("GET", Some("b"), Some("down/a.jpg"), none)));
        assert!(!g.permits(&req("GET", Some("c"), Some("up/a.jpg"), none)));
        assert!(!g.permits(&req("GET", None, None, none)));
        assert!(!g.permits(&req("GET", Some("b"), None, none)));
        let listing = q(&[("prefix", "up/x")]);
        assert!(g.permits(&req("GET", Some("b"), None, &listing)));
        let acl = q(&[("acl", "")]);
        assert!(!g.permits(&req("GET", Some("b"), None, &acl)));
        let ro = Grant { read_only: true, ..grant(1000) };
        assert!(ro.permits(&req("GET", Some("b"), Some("up/a.jpg"), none)));
        assert!(!ro.permits(&req("DELETE", Some("b"), Some("up/a.jpg"), none)));
        let headers = [("x-oss-copy-source".to_string(), "/b/down/%E5%9B%BE.jpg".to_string())];
        let copy = SignedRequest { headers: &headers, ..req("PUT", Some("b"), Some("up/c"), none) };
        assert!(!g.permits(&copy));
        assert_eq!(copy_source("/b/down/%E5%9B%BE.jpg"), Some(("b".into(), "down/图.jpg".into())));
    }
}

//! Request authentication: who sent a request (spec §8.2, §9). Owns the classification
//! (anonymous, V1 header, V1 presigned URL, V4 header, V4 presigned URL), the four verifiers, the
//! pure signing building blocks they share, and signing helpers that build requests for tests and
//! clients. Knows nothing of HTTP frameworks: the router hands it a [`SignedRequest`] of plain
//! slices.
//!
//! Errors are [`AuthFailure`]: a [`crate::Error`] (Code, Message, EC) plus the extra XML elements
//! OSS adds to that error body (`<OSSAccessKeyId>`, `<SignatureProvided>`, `<StringToSign>`,
//! `<StringToSignBytes>`, `<Expires>`, `<ServerTime>` …), in order, for the router to append
//! after `<HostId>`. `From<AuthFailure> for crate::Error` drops them.

mod encode;
pub mod sts;
mod time;
mod v1;
mod v4;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::time::SystemTime;

use crate::{Error, ErrorKind};

pub use encode::{encode_query, v4_encode, v4_encode_path};
pub use time::{
    format_http_date, format_iso8601, format_iso8601_basic, parse_http_date, parse_iso8601_basic,
    unix_seconds,
};
pub use v1::{
    is_v1_signed_subresource, presign_v1_url, sign_v1_header, v1_canonical_oss_headers,
    v1_canonical_resource, v1_sign, v1_string_to_sign, MSG_V1_QUERY_MISSING,
    V1_SIGNED_SUBRESOURCES,
};
pub use v4::{
    presign_v4_query, sign_v4_header, v4_canonical_request, v4_scope, v4_sign, v4_signing_key,
    v4_string_to_sign, UNSIGNED_PAYLOAD, V4_ALGORITHM, V4_MAX_EXPIRES, V4_PRODUCT, V4_TERMINATOR,
};

/// The largest accepted difference between a signed request's time and the server clock:
/// 15 minutes (spec §9.1, §9.3).
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// Exact message of `403 SignatureDoesNotMatch` (spec §9.1).
pub const MSG_SIGNATURE_MISMATCH: &str =
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.";
/// Exact message of `403 InvalidAccessKeyId` (spec §9.1).
pub const MSG_INVALID_ACCESS_KEY_ID: &str =
    "The OSS Access Key Id you provided does not exist in our records.";
/// Exact message of `403 RequestTimeTooSkewed` (spec §9.1).
pub const MSG_TIME_TOO_SKEWED: &str =
    "The difference between the request time and the current time is too large.";

/// EC of a request time outside the ±15 minute window (EC page 0002-00000504).
const EC_TIME_SKEWED: &str = "0002-00000504";

/// What the verifiers need of an HTTP request, already decoded by the router.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The HTTP method, upper-case (`GET`, `PUT`, …).
    pub method: &'a str,
    /// The bucket addressed (virtual-host or path style), if any.
    pub bucket: Option<&'a str>,
    /// The object key, percent-decoded (raw UTF-8), if any.
    pub key: Option<&'a str>,
    /// The query parameters, percent-decoded, in arrival order; `?acl` is `("acl", "")`.
    pub query: &'a [(String, String)],
    /// The headers in arrival order; names are compared case-insensitively.
    pub headers: &'a [(String, String)],
}

impl<'a> SignedRequest<'a> {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter (name compared exactly, as OSS does).
    pub fn query_param(&self, name: &str) -> Option<&'a str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Where AccessKeySecrets come from.
pub trait KeyStore {
    /// The secret of an AccessKeyId, or `None` when the id is unknown.
    fn secret(&self, access_key_id: &str) -> Option<String>;
}

/// An in-memory key store: AccessKeyId → AccessKeySecret.
impl KeyStore for HashMap<String, String> {
    fn secret(&self, access_key_id: &str) -> Option<String> {
        self.get(access_key_id).cloned()
    }
}

/// Who sent a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// No signature at all (spec §8.2); ACLs decide what it may do.
    Anonymous,
    /// A verified signature made with this AccessKeyId.
    Key(String),
}

/// A failed authentication: the error and the extra elements of its XML body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    /// Code, HTTP status, Message and EC.
    pub error: Error,
    /// Extra `<Name>value</Name>` elements, in order, that follow the standard ones in the body
    /// (values unescaped; the router escapes them).
    pub details: Vec<(&'static str, String)>,
}

impl AuthFailure {
    /// A failure without extra elements.
    pub fn new(error: Error) -> Self {
        AuthFailure { error, details: Vec::new() }
    }

    /// Adds one extra element.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.details.push((name, value.into()));
        self
    }

    /// The value of an extra element, if present.
    pub fn detail(&self, name: &str) -> Option<&str> {
        self.details.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The StringToSign the server computed, for a signature mismatch.
    pub fn string_to_sign(&self) -> Option<&str> {
        self.detail("StringToSign")
    }
}

impl From<AuthFailure> for Error {
    fn from(f: AuthFailure) -> Self {
        f.error
    }
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for AuthFailure {}

/// `403 AccessDenied` with an optional EC.
fn access_denied(ec: Option<&'static str>, message: impl Into<String>) -> AuthFailure {
    let error = match ec {
        Some(ec) => Error::with_ec(ErrorKind::AccessDenied, ec, message),
        None => Error::new(ErrorKind::AccessDenied, message),
    };
    AuthFailure::new(error)
}

/// `400 InvalidArgument` for an `Authorization` header that cannot be read (spec §9.1). The
/// message is **[U]**.
fn malformed() -> AuthFailure {
    AuthFailure::new(Error::new(ErrorKind::InvalidArgument, "Authorization header is invalid."))
}

/// `403 RequestTimeTooSkewed` when `time` is more than [`MAX_SKEW_SECS`] from `now`, with
/// `<RequestTime>` and `<ServerTime>` elements (**[U]**: S3 sends these; harmless to clients).
fn check_skew(time: i64, now: i64) -> Result<(), AuthFailure> {
    if time.abs_diff(now) > MAX_SKEW_SECS as u64 {
        return Err(AuthFailure::new(Error::with_ec(
            ErrorKind::RequestTimeTooSkewed,
            EC_TIME_SKEWED,
            MSG_TIME_TOO_SKEWED,
        ))
        .with("RequestTime", format_iso8601(time))
        .with("ServerTime", format_iso8601(now)));
    }
    Ok(())
}

/// The secret of `access_key_id`, or `403 InvalidAccessKeyId` carrying `<OSSAccessKeyId>`.
fn lookup_secret(keys: &dyn KeyStore, access_key_id: &str) -> Result<String, AuthFailure> {
    keys.secret(access_key_id).ok_or_else(|| {
        AuthFailure::new(Error::new(ErrorKind::InvalidAccessKeyId, MSG_INVALID_ACCESS_KEY_ID))
            .with("OSSAccessKeyId", access_key_id)
    })
}

/// `403 SignatureDoesNotMatch` with the elements OSS adds: `OSSAccessKeyId`,
/// `SignatureProvided`, `StringToSign`, `StringToSignBytes` (spec §9.1), and for V4 the
/// `CanonicalRequest` too (**[U]**: a debugging aid; clients ignore unknown elements).
fn mismatch(
    ec: &'static str,
    access_key_id: &str,
    provided: &str,
    string_to_sign: &str,
    canonical_request: Option<String>,
) -> AuthFailure {
    let f = AuthFailure::new(Error::with_ec(
        ErrorKind::SignatureDoesNotMatch,
        ec,
        MSG_SIGNATURE_MISMATCH,
    ))
    .with("OSSAccessKeyId", access_key_id)
    .with("SignatureProvided", provided)
    .with("StringToSign", string_to_sign)
    .with("StringToSignBytes", encode::spaced_hex(string_to_sign.as_bytes()));
    match canonical_request {
        Some(c) => f.with("CanonicalRequest", c),
        None => f,
    }
}

/// How a request claims to be signed (spec §8.2).
enum Scheme<'r> {
    Anonymous,
    /// `Authorization` header, with its full value.
    Header(&'r str),
    V1Query,
    V4Query,
}

fn classify<'r>(req: &SignedRequest<'r>) -> Result<Scheme<'r>, AuthFailure> {
    let header = req.header("authorization");
    let v1_query =
        req.query_param("OSSAccessKeyId").is_some() || req.query_param("Signature").is_some();
    let v4_query = ["x-oss-signature", "x-oss-credential", "x-oss-signature-version"]
        .iter()
        .any(|n| req.query_param(n).is_some());
    match (header, v1_query, v4_query) {
        (None, false, false) => Ok(Scheme::Anonymous),
        (Some(h), false, false) => Ok(Scheme::Header(h)),
        (None, true, false) => Ok(Scheme::V1Query),
        (None, false, true) => Ok(Scheme::V4Query),
        // Message **[U]**; the status and code are spec §8.2.
        _ => Err(AuthFailure::new(Error::new(
            ErrorKind::InvalidArgument,
            "Only one authentication method is allowed: the Authorization header or signature query parameters.",
        ))),
    }
}

/// Authenticates a request: classifies it (spec §8.2) and verifies its signature (V1 or V4,
/// header or presigned URL) against `keys`, with `now` as the server clock and `region` as the
/// region V4 scopes must name. A request without any signature is [`Principal::Anonymous`].
///
/// Check order: form (400 `InvalidArgument` when malformed), then time (skew, expiry), then the
/// AccessKeyId (403 `InvalidAccessKeyId`), then the signature (403 `SignatureDoesNotMatch`,
/// compared in constant time; for V1 retried once without `x-oss-process`, spec §9.1).
pub fn authenticate(
    req: &SignedRequest<'_>,
    keys: &dyn KeyStore,
    now: SystemTime,
    region: &str,
) -> Result<Principal, AuthFailure> {
    let now = unix_seconds(now);
    let scheme = classify(req)?;
    // Temporary credentials (spec §9.4): the token names the only key pair the signature may
    // use, and the request must stay inside its grant.
    if let (Some(token), false) = (sts::request_token(req), matches!(scheme, Scheme::Anonymous)) {
        let (grant, id, secret) = sts::verify(token, keys, now)?;
        let principal = verify(req, scheme, &sts::TemporaryKey { id, secret }, now, region)?;
        if !grant.permits(req) {
            return Err(sts::outside_grant());
        }
        return Ok(principal);
    }
    verify(req, scheme, keys, now, region)
}

/// Verifies a classified request's signature against `keys` (`now` in Unix seconds).
fn verify(
    req: &SignedRequest<'_>,
    scheme: Scheme<'_>,
    keys: &dyn KeyStore,
    now: i64,
    region: &str,
) -> Result<Principal, AuthFailure> {
    match scheme {
        Scheme::Anonymous => Ok(Principal::Anonymous),
        Scheme::V1Query => v1::verify_query(req, keys, now),
        Scheme::V4Query => v4::verify_query(req, keys, now, region),
        Scheme::Header(value) => {
            let value = value.trim();
            if let Some(rest) = value.strip_prefix("OSS ") {
                v1::verify_header(req, rest, keys, now)
            } else if let Some(rest) =
                value.strip_prefix(V4_ALGORITHM).filter(|r| r.starts_with(' '))
            {
                v4::verify_header(req, rest, keys, now, region)
            } else {
                Err(malformed())
            }
        }
    }
}

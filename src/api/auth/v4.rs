//! Signature V4 (`OSS4-HMAC-SHA256`, the default of the V2 SDKs), header and presigned-URL
//! forms: canonical request, StringToSign, the derived signing key (spec §9.3).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::encode::{hex_decode, hex_lower, v4_encode, v4_encode_path};
use super::time::{format_iso8601_basic, parse_iso8601_basic};
use super::v1::{expired, EC_BAD_EXPIRES, EC_BAD_TIME};
use super::{
    access_denied, check_skew, lookup_secret, malformed, mismatch, AuthFailure, KeyStore,
    Principal, SignedRequest,
};
use crate::{Error, ErrorKind};

type HmacSha256 = Hmac<Sha256>;

/// The V4 algorithm name, in the `Authorization` header and `x-oss-signature-version`.
pub const V4_ALGORITHM: &str = "OSS4-HMAC-SHA256";
/// The only accepted `x-oss-content-sha256` value, and the hashed payload when it is absent.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The product of the scope; always `oss` for this service.
pub const V4_PRODUCT: &str = "oss";
/// The last element of every V4 scope.
pub const V4_TERMINATOR: &str = "aliyun_v4_request";
/// The longest validity of a presigned V4 URL: 7 days in seconds (spec §9.3).
pub const V4_MAX_EXPIRES: u64 = 604_800;

/// EC of a V4 signature mismatch (EC page 0002-00000201).
const EC_V4_MISMATCH: &str = "0002-00000201";
/// EC of an `x-oss-content-sha256` other than `UNSIGNED-PAYLOAD` (spec §9.3).
const EC_BAD_CONTENT_SHA256: &str = "0002-00000214";
/// EC of a presigned V4 URL without `x-oss-expires` (spec §9.3).
const EC_MISSING_EXPIRES: &str = "0002-00000215";
/// EC of a presigned V4 URL without `x-oss-signature` (spec §9.3).
const EC_MISSING_SIGNATURE: &str = "0002-00000219";
/// EC of a scope region other than the server's (spec §9.3).
const EC_REGION: &str = "0002-00000228";
/// EC of a presigned V4 URL used more than 15 minutes before its `x-oss-date` (EC page
/// 0002-00000235).
const EC_NOT_YET_VALID: &str = "0002-00000235";

/// `<yyyymmdd>/<region>/<product>/aliyun_v4_request`.
pub fn v4_scope(date: &str, region: &str, product: &str) -> String {
    format!("{date}/{region}/{product}/{V4_TERMINATOR}")
}

/// Whether a lower-cased header name is signed without being listed in AdditionalHeaders.
fn is_default_signed(lower: &str) -> bool {
    lower.starts_with("x-oss-") || lower == "content-type" || lower == "content-md5"
}

/// The V4 canonical request: VERB, CanonicalURI, CanonicalQueryString (every parameter but
/// `x-oss-signature`, names and values RFC 3986-encoded, sorted, empty value as bare name),
/// CanonicalHeaders (`x-oss-*`, `content-type`, `content-md5` and the `additional_headers`
/// present, lower-cased, values trimmed and `,`-joined, sorted), the AdditionalHeaders line
/// (`;`-joined as given) and the hashed payload (`x-oss-content-sha256`, else `UNSIGNED-PAYLOAD`).
pub fn v4_canonical_request(req: &SignedRequest<'_>, additional_headers: &[String]) -> String {
    let mut uri = String::from("/");
    if let Some(b) = req.bucket {
        uri.push_str(b);
        uri.push('/');
    }
    if let Some(k) = req.key {
        uri.push_str(k);
    }

    let mut query: Vec<(String, String)> = req
        .query
        .iter()
        .filter(|(n, _)| n != "x-oss-signature")
        .map(|(n, v)| (v4_encode(n), v4_encode(v)))
        .collect();
    query.sort();
    let query: Vec<String> =
        query.into_iter().map(|(n, v)| if v.is_empty() { n } else { format!("{n}={v}") }).collect();

    let mut headers: Vec<(String, Vec<&str>)> = Vec::new();
    for (name, value) in req.headers {
        let lower = name.to_ascii_lowercase();
        if !(is_default_signed(&lower)
            || additional_headers.iter().any(|h| h.eq_ignore_ascii_case(&lower)))
        {
            continue;
        }
        match headers.iter_mut().find(|(n, _)| *n == lower) {
            Some((_, values)) => values.push(value.trim()),
            None => headers.push((lower, vec![value.trim()])),
        }
    }
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let mut canonical_headers = String::new();
    for (name, values) in headers {
        canonical_headers.push_str(&name);
        canonical_headers.push(':');
        canonical_headers.push_str(&values.join(","));
        canonical_headers.push('\n');
    }

    let payload =
        req.header("x-oss-content-sha256").filter(|v| !v.is_empty()).unwrap_or(UNSIGNED_PAYLOAD);
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        v4_encode_path(&uri),
        query.join("&"),
        canonical_headers,
        additional_headers.join(";"),
        payload
    )
}

/// `OSS4-HMAC-SHA256\n<datetime>\n<scope>\n<hex(SHA256(canonical_request))>`.
pub fn v4_string_to_sign(datetime: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{V4_ALGORITHM}\n{datetime}\n{scope}\n{}",
        hex_lower(&Sha256::digest(canonical_request.as_bytes()))
    )
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut m = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(data);
    m
}

/// `HMAC(HMAC(HMAC(HMAC("aliyun_v4" + secret, date), region), product), "aliyun_v4_request")`.
pub fn v4_signing_key(secret: &str, date: &str, region: &str, product: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("aliyun_v4{secret}").as_bytes(), date.as_bytes())
        .finalize()
        .into_bytes();
    let k_region = hmac_sha256(&k_date, region.as_bytes()).finalize().into_bytes();
    let k_product = hmac_sha256(&k_region, product.as_bytes()).finalize().into_bytes();
    hmac_sha256(&k_product, V4_TERMINATOR.as_bytes()).finalize().into_bytes().into()
}

/// `hex(HMAC-SHA256(signing_key, string_to_sign))`, lower-case.
pub fn v4_sign(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex_lower(&hmac_sha256(signing_key, string_to_sign.as_bytes()).finalize().into_bytes())
}

/// What a client puts in AdditionalHeaders: the names lower-cased, without default-signed ones
/// and ones the request lacks, sorted and de-duplicated.
fn client_additional_headers(req: &SignedRequest<'_>, names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = names
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .filter(|n| !is_default_signed(n) && req.header(n).is_some_and(|v| !v.is_empty()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The `Authorization` header value for `req` signed with V4. `req` must carry the `x-oss-date`
/// header (ISO 8601 basic) and, as the SDKs send it, `x-oss-content-sha256: UNSIGNED-PAYLOAD`.
/// `additional_headers` are filtered as the SDKs do (default-signed or absent names dropped).
pub fn sign_v4_header(
    req: &SignedRequest<'_>,
    access_key_id: &str,
    secret: &str,
    region: &str,
    additional_headers: &[&str],
) -> crate::Result<String> {
    let datetime =
        req.header("x-oss-date").filter(|d| parse_iso8601_basic(d).is_some()).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                "V4 signing needs an ISO 8601 x-oss-date header.",
            )
        })?;
    let additional = client_additional_headers(req, additional_headers);
    let date = &datetime[..8];
    let scope = v4_scope(date, region, V4_PRODUCT);
    let sts = v4_string_to_sign(datetime, &scope, &v4_canonical_request(req, &additional));
    let signature = v4_sign(&v4_signing_key(secret, date, region, V4_PRODUCT), &sts);
    let mut out = format!("{V4_ALGORITHM} Credential={access_key_id}/{scope}");
    if !additional.is_empty() {
        out.push_str(",AdditionalHeaders=");
        out.push_str(&additional.join(";"));
    }
    out.push_str(",Signature=");
    out.push_str(&signature);
    Ok(out)
}

/// The query of a V4 presigned URL for `req`, signed at `sign_time` (Unix seconds) and valid for
/// `expires` seconds: `req.query` followed by `x-oss-signature-version`, `x-oss-date`,
/// `x-oss-expires`, `x-oss-credential`, `x-oss-additional-headers` (when any) and
/// `x-oss-signature`, decoded (render it with [`super::encode_query`]). STS callers put
/// `x-oss-security-token` in `req.query` first.
pub fn presign_v4_query(
    req: &SignedRequest<'_>,
    access_key_id: &str,
    secret: &str,
    region: &str,
    sign_time: i64,
    expires: u64,
    additional_headers: &[&str],
) -> Vec<(String, String)> {
    let datetime = format_iso8601_basic(sign_time);
    let date = &datetime[..8];
    let scope = v4_scope(date, region, V4_PRODUCT);
    let additional = client_additional_headers(req, additional_headers);
    let mut query = req.query.to_vec();
    query.push(("x-oss-signature-version".into(), V4_ALGORITHM.into()));
    query.push(("x-oss-date".into(), datetime.clone()));
    query.push(("x-oss-expires".into(), expires.to_string()));
    query.push(("x-oss-credential".into(), format!("{access_key_id}/{scope}")));
    if !additional.is_empty() {
        query.push(("x-oss-additional-headers".into(), additional.join(";")));
    }
    let signed = SignedRequest { query: &query, ..*req };
    let sts = v4_string_to_sign(&datetime, &scope, &v4_canonical_request(&signed, &additional));
    let signature = v4_sign(&v4_signing_key(secret, date, region, V4_PRODUCT), &sts);
    query.push(("x-oss-signature".into(), signature));
    query
}

/// The fields of an `OSS4-HMAC-SHA256` Authorization header.
struct HeaderFields<'h> {
    credential: &'h str,
    additional: Option<&'h str>,
    signature: &'h str,
}

/// Parses `Credential=…[,AdditionalHeaders=…],Signature=…` (spaces after commas allowed).
fn parse_header_fields(rest: &str) -> Result<HeaderFields<'_>, AuthFailure> {
    let (mut credential, mut additional, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (name, value) = part.split_once('=').ok_or_else(malformed)?;
        match name.trim() {
            "Credential" => credential = Some(value.trim()),
            "AdditionalHeaders" => additional = Some(value.trim()),
            "Signature" => signature = Some(value.trim()),
            _ => return Err(malformed()),
        }
    }
    match (credential, signature) {
        (Some(credential), Some(signature)) => {
            Ok(HeaderFields { credential, additional, signature })
        }
        _ => Err(malformed()),
    }
}

/// `<AccessKeyId>/<yyyymmdd>/<region>/<product>/aliyun_v4_request`, split.
struct Credential<'c> {
    access_key_id: &'c str,
    date: &'c str,
    region: &'c str,
    product: &'c str,
}

fn parse_credential(s: &str) -> Result<Credential<'_>, AuthFailure> {
    let parts: Vec<&str> = s.split('/').collect();
    let [access_key_id, date, region, product, terminator] = parts[..] else {
        return Err(malformed_credential());
    };
    if access_key_id.is_empty()
        || date.len() != 8
        || !date.bytes().all(|b| b.is_ascii_digit())
        || region.is_empty()
        || terminator != V4_TERMINATOR
    {
        return Err(malformed_credential());
    }
    Ok(Credential { access_key_id, date, region, product })
}

fn malformed_credential() -> AuthFailure {
    AuthFailure::new(Error::new(
        ErrorKind::InvalidArgument,
        "Invalid credential: expected <AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request.",
    ))
}

/// The checks shared by both forms once the fields are read: the credential date is the day of
/// `x-oss-date`, the scope names this region and `oss`, and `x-oss-content-sha256` (when sent) is
/// `UNSIGNED-PAYLOAD`. The spec gives ECs, not Codes: a region or product mismatch is answered
/// `403 AccessDenied` and a bad `x-oss-content-sha256` `400 InvalidArgument` (both **[U]**), and
/// the messages are **[U]**.
fn check_scope(
    req: &SignedRequest<'_>,
    cred: &Credential<'_>,
    datetime: &str,
    region: &str,
) -> Result<(), AuthFailure> {
    if !datetime.starts_with(cred.date) {
        return Err(access_denied(
            None,
            "Invalid credential date: it must be the date of x-oss-date.",
        ));
    }
    if cred.region != region {
        return Err(access_denied(
            Some(EC_REGION),
            format!("Invalid credential region: expected {region}, got {}.", cred.region),
        ));
    }
    if cred.product != V4_PRODUCT {
        return Err(access_denied(
            None,
            format!("Invalid credential product: expected {V4_PRODUCT}."),
        ));
    }
    if let Some(v) = req.header("x-oss-content-sha256") {
        if v != UNSIGNED_PAYLOAD {
            return Err(AuthFailure::new(Error::with_ec(
                ErrorKind::InvalidArgument,
                EC_BAD_CONTENT_SHA256,
                "Invalid x-oss-content-sha256: only UNSIGNED-PAYLOAD is supported.",
            )));
        }
    }
    Ok(())
}

/// Looks up the key and compares the signature in constant time.
fn verify_signature(
    req: &SignedRequest<'_>,
    keys: &dyn KeyStore,
    cred: &Credential<'_>,
    datetime: &str,
    additional: &str,
    provided: &str,
) -> Result<Principal, AuthFailure> {
    let secret = lookup_secret(keys, cred.access_key_id)?;
    let additional: Vec<String> = additional
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    let canonical_request = v4_canonical_request(req, &additional);
    let scope = v4_scope(cred.date, cred.region, cred.product);
    let sts = v4_string_to_sign(datetime, &scope, &canonical_request);
    let key = v4_signing_key(&secret, cred.date, cred.region, cred.product);
    let ok = hex_decode(provided.trim())
        .is_some_and(|sig| hmac_sha256(&key, sts.as_bytes()).verify_slice(&sig).is_ok());
    if ok {
        Ok(Principal::Key(cred.access_key_id.to_string()))
    } else {
        Err(mismatch(EC_V4_MISMATCH, cred.access_key_id, provided, &sts, Some(canonical_request)))
    }
}

/// Verifies `Authorization: OSS4-HMAC-SHA256 …`; `rest` is the text after the algorithm name.
pub(super) fn verify_header(
    req: &SignedRequest<'_>,
    rest: &str,
    keys: &dyn KeyStore,
    now: i64,
    region: &str,
) -> Result<Principal, AuthFailure> {
    let fields = parse_header_fields(rest)?;
    let cred = parse_credential(fields.credential)?;
    let datetime = req.header("x-oss-date").ok_or_else(|| {
        access_denied(None, "Missing required header for this request: x-oss-date.")
    })?;
    let time = parse_iso8601_basic(datetime).ok_or_else(|| {
        access_denied(Some(EC_BAD_TIME), "Invalid date format of the request time.")
    })?;
    check_scope(req, &cred, datetime, region)?;
    check_skew(time, now)?;
    verify_signature(req, keys, &cred, datetime, fields.additional.unwrap_or(""), fields.signature)
}

/// Verifies a presigned V4 URL: the parameters, `x-oss-date` and `x-oss-expires` against the
/// clock, the scope, then the key and the signature. A missing parameter or a bad
/// `x-oss-expires` is `403 AccessDenied` with the spec's EC where it gives one; the messages, and
/// the choice of AccessDenied for them, are **[U]**.
pub(super) fn verify_query(
    req: &SignedRequest<'_>,
    keys: &dyn KeyStore,
    now: i64,
    region: &str,
) -> Result<Principal, AuthFailure> {
    let missing = |ec: Option<&'static str>, name: &str| {
        access_denied(ec, format!("Missing required parameter: {name}."))
    };
    let version = req
        .query_param("x-oss-signature-version")
        .ok_or_else(|| missing(None, "x-oss-signature-version"))?;
    if version != V4_ALGORITHM {
        return Err(AuthFailure::new(Error::new(
            ErrorKind::InvalidArgument,
            format!("Unsupported x-oss-signature-version: {version}."),
        )));
    }
    let credential =
        req.query_param("x-oss-credential").ok_or_else(|| missing(None, "x-oss-credential"))?;
    let datetime = req.query_param("x-oss-date").ok_or_else(|| missing(None, "x-oss-date"))?;
    let expires = req
        .query_param("x-oss-expires")
        .ok_or_else(|| missing(Some(EC_MISSING_EXPIRES), "x-oss-expires"))?;
    let provided = req
        .query_param("x-oss-signature")
        .ok_or_else(|| missing(Some(EC_MISSING_SIGNATURE), "x-oss-signature"))?;
    let cred = parse_credential(credential)?;
    let time = parse_iso8601_basic(datetime).ok_or_else(|| {
        access_denied(Some(EC_BAD_TIME), "Invalid date format of the request time.")
    })?;
    let expires: i64 = expires
        .trim()
        .parse()
        .ok()
        .filter(|e| (1..=V4_MAX_EXPIRES as i64).contains(e))
        .ok_or_else(|| {
            access_denied(
                Some(EC_BAD_EXPIRES),
                "Invalid x-oss-expires: it must be 1 to 604800 seconds.",
            )
        })?;
    if now + super::MAX_SKEW_SECS < time {
        return Err(access_denied(
            Some(EC_NOT_YET_VALID),
            "Request is not valid yet: x-oss-date is in the future.",
        ));
    }
    if now > time + expires {
        return Err(expired(time + expires, now));
    }
    check_scope(req, &cred, datetime, region)?;
    let additional = req.query_param("x-oss-additional-headers").unwrap_or("");
    verify_signature(req, keys, &cred, datetime, additional, provided)
}

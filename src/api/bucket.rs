//! Service- and bucket-level operations (spec §5.3, §10): ListBuckets, PutBucket, DeleteBucket,
//! Get/PutBucketAcl, GetBucketInfo, GetBucketLocation, ListObjects (V1 and V2),
//! DeleteMultipleObjects and Get/PutBucketProcessConfiguration.

use axum::body::Body;
use axum::http::{Method, Response, StatusCode};

use super::access::check_write;
use super::common::{
    acl_policy, iso, malformed_xml, owner, read_small_body, url_encode, url_encoding,
};
use super::context::{denied, AppState, Ctx};
use super::response::{empty, xml, ApiError};
use super::xml::{element, elements, XmlWriter};
use crate::error::ErrorKind;
use crate::storage::{Acl, CompliedHost, ListQuery, ProcessConfig, StorageClass};

/// The `max-keys` of a listing: 1–1000, default 100 (spec §10.6; ListBuckets the same); anything
/// else is `400 InvalidArgument`.
fn max_keys(ctx: &Ctx) -> Result<usize, ApiError> {
    match ctx.param("max-keys") {
        None | Some("") => Ok(100),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => Ok(n),
            _ => Err(ApiError::new(
                ErrorKind::InvalidArgument,
                "max-keys must be an integer from 1 to 1000.",
            )),
        },
    }
}

/// `GET /` — ListBuckets (owners only), in name order: those starting with `prefix`, strictly
/// after `marker`, at most `max-keys` ([`max_keys`]). As OSS, only a truncated answer carries
/// `Prefix`, `Marker`, `MaxKeys`, `IsTruncated` and `NextMarker` (the last bucket listed), in that
/// order before `Owner`; one holding every remaining bucket has none of them.
pub async fn list_buckets(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    if !ctx.is_owner() {
        return Err(denied("service"));
    }
    let prefix = ctx.param("prefix").unwrap_or("");
    let marker = ctx.param("marker").unwrap_or("");
    let max_keys = max_keys(ctx)?;
    let mut buckets = state.0.storage.list_buckets().await?;
    buckets.retain(|b| b.name.starts_with(prefix) && b.name.as_str() > marker);
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    let truncated = buckets.len() > max_keys;
    buckets.truncate(max_keys);
    let mut w = XmlWriter::new();
    w.open("ListAllMyBucketsResult");
    if let Some(last) = buckets.last().filter(|_| truncated) {
        w.elem("Prefix", prefix)
            .elem("Marker", marker)
            .elem("MaxKeys", &max_keys.to_string())
            .elem("IsTruncated", "true")
            .elem("NextMarker", &last.name);
    }
    owner(&mut w);
    w.open("Buckets");
    // The service's host; ali-oss with an IP endpoint sends `.oss-<region>.aliyuncs.com`.
    let endpoint = ctx.host.trim_start_matches('.');
    for b in &buckets {
        w.open("Bucket")
            .elem("CreationDate", &iso(b.creation_date))
            .elem("ExtranetEndpoint", endpoint)
            .elem("IntranetEndpoint", endpoint)
            .elem("Location", &format!("oss-{}", state.0.region))
            .elem("Name", &b.name)
            .elem("Region", &state.0.region)
            .elem("StorageClass", b.storage_class.as_str())
            .close("Bucket");
    }
    w.close("Buckets").close("ListAllMyBucketsResult");
    Ok(xml(w.finish()))
}

/// The endpoint a bucket is reached at, as GetBucketInfo names it: the request's host without
/// the bucket's own label when the request was virtual-hosted.
fn endpoint<'a>(ctx: &'a Ctx, bucket: &str) -> &'a str {
    ctx.host.strip_prefix(bucket).and_then(|h| h.strip_prefix('.')).unwrap_or(&ctx.host)
}

/// `GET /?bucketInfo` — GetBucketInfo (owners only): name, creation date, endpoints, location,
/// storage class, owner and ACL. ossimg has no access tracking, acceleration, replication,
/// redundancy zones or server-side encryption, and the answer says so in OSS's own terms.
pub async fn info(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    if !ctx.is_owner() {
        return Err(denied("bucket"));
    }
    if ctx.method != Method::GET {
        return Err(super::context::not_allowed());
    }
    let name = ctx.bucket()?;
    let cfg = state.0.storage.bucket(name).await?;
    let host = endpoint(ctx, name);
    let mut w = XmlWriter::new();
    w.open("BucketInfo")
        .open("Bucket")
        .elem("AccessMonitor", "Disabled")
        .elem("CreationDate", &iso(cfg.created))
        .elem("ExtranetEndpoint", host)
        .elem("IntranetEndpoint", host)
        .elem("Location", &format!("oss-{}", state.0.region))
        .elem("StorageClass", cfg.storage_class.as_str())
        .elem("TransferAcceleration", "Disabled")
        .elem("CrossRegionReplication", "Disabled")
        .elem("DataRedundancyType", "LRS")
        .elem("Name", name);
    w.open("Owner").elem("DisplayName", "ossimg").elem("ID", "ossimg").close("Owner");
    w.open("AccessControlList").elem("Grant", cfg.acl.as_str()).close("AccessControlList");
    w.open("ServerSideEncryptionRule")
        .elem("SSEAlgorithm", "None")
        .close("ServerSideEncryptionRule");
    w.close("Bucket").close("BucketInfo");
    Ok(xml(w.finish()))
}

/// `GET /?location` — GetBucketLocation (owners only): `oss-<region>`.
pub async fn location(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    if !ctx.is_owner() {
        return Err(denied("bucket"));
    }
    if ctx.method != Method::GET {
        return Err(super::context::not_allowed());
    }
    state.0.storage.bucket(ctx.bucket()?).await?;
    let mut w = XmlWriter::new();
    w.elem("LocationConstraint", &format!("oss-{}", state.0.region));
    Ok(xml(w.finish()))
}

/// `PUT /` on a bucket — PutBucket with `x-oss-acl`; answers `Location: /<bucket>`.
pub async fn create(state: &AppState, ctx: &Ctx, body: Body) -> Result<Response<Body>, ApiError> {
    if !ctx.is_owner() {
        return Err(denied("bucket"));
    }
    let acl = match ctx.header("x-oss-acl") {
        Some(v) => Acl::parse(v)?,
        None => Acl::Private,
    };
    let body = read_small_body(ctx, body).await?;
    if !body.trim().is_empty()
        && element(&body, "CreateBucketConfiguration").is_none()
        && element(&body, "StorageClass").is_none()
    {
        return Err(malformed_xml());
    }
    let class = match element(&body, "StorageClass") {
        Some(c) => StorageClass::parse(c.trim())?,
        None => StorageClass::Standard,
    };
    let name = ctx.bucket()?;
    state.0.storage.create_bucket(name, acl, class).await?;
    let mut resp = empty(StatusCode::OK);
    if let Ok(location) = axum::http::HeaderValue::from_str(&format!("/{name}")) {
        resp.headers_mut().insert(axum::http::header::LOCATION, location);
    }
    Ok(resp)
}

/// `DELETE /` on a bucket — DeleteBucket (must be empty).
pub async fn delete(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    if !ctx.is_owner() {
        return Err(denied("bucket"));
    }
    state.0.storage.delete_bucket(ctx.bucket()?).await?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `HEAD /` on a bucket: 200 when it exists and the caller may read it.
pub async fn head(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let cfg = state.0.storage.bucket(ctx.bucket()?).await?;
    if !ctx.can_read(cfg.acl) {
        return Err(denied("bucket"));
    }
    Ok(empty(StatusCode::OK))
}

/// `?acl` on a bucket — GetBucketAcl / PutBucketAcl (owners only).
pub async fn acl(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    if !ctx.is_owner() {
        return Err(denied("bucket"));
    }
    let name = ctx.bucket()?;
    let cfg = state.0.storage.bucket(name).await?;
    if ctx.method == Method::PUT {
        let v = ctx.header("x-oss-acl").ok_or_else(|| {
            ApiError::new(ErrorKind::MissingArgument, "The x-oss-acl header is missing.")
        })?;
        let acl = Acl::parse(v)?;
        state
            .0
            .storage
            .update_bucket_config(name, |c| {
                c.acl = acl;
                Ok(true)
            })
            .await?;
        return Ok(empty(StatusCode::OK));
    }
    Ok(xml(acl_policy(cfg.acl.as_str())))
}

/// `GET /` on a bucket — ListObjects, or ListObjectsV2 with `list-type=2`. Anonymous callers may
/// list public-read and public-read-write buckets (spec §8.1 recommendation \[U\]).
pub async fn list_objects(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let name = ctx.bucket()?;
    let cfg = state.0.storage.bucket(name).await?;
    if !ctx.can_read(cfg.acl) {
        return Err(denied("bucket"));
    }
    let v2 = ctx.param("list-type") == Some("2");
    let url = url_encoding(ctx)?;
    let max_keys = max_keys(ctx)?;
    let prefix = ctx.param("prefix").unwrap_or("").to_string();
    let delimiter = ctx.param("delimiter").unwrap_or("").to_string();
    let start_after = ctx.param("start-after").unwrap_or("").to_string();
    // oss2 sends an empty `continuation-token` on every first page: that is no token, and
    // `start-after` applies.
    let token = ctx.param("continuation-token").filter(|t| !t.is_empty()).map(str::to_string);
    let marker = if v2 {
        match &token {
            Some(t) => t.clone(),
            None => start_after.clone(),
        }
    } else {
        ctx.param("marker").unwrap_or("").to_string()
    };
    for (what, v) in [("prefix", &prefix), ("marker", &marker)] {
        if v.len() >= 1024 {
            return Err(ApiError::new(
                ErrorKind::InvalidArgument,
                format!("The {what} is longer than 1023 bytes."),
            ));
        }
    }
    let page = state
        .0
        .storage
        .list_objects(
            name,
            &ListQuery {
                prefix: prefix.clone(),
                delimiter: delimiter.clone(),
                marker: marker.clone(),
                max_keys,
            },
        )
        .await?;
    let enc = |s: &str| if url { url_encode(s) } else { s.to_string() };
    let fetch_owner = !v2 || ctx.param("fetch-owner") == Some("true");
    let mut w = XmlWriter::new();
    w.open("ListBucketResult");
    w.elem("Name", name).elem("Prefix", &enc(&prefix));
    if v2 {
        if !start_after.is_empty() {
            w.elem("StartAfter", &enc(&start_after));
        }
        if let Some(t) = &token {
            w.elem("ContinuationToken", &enc(t));
        }
    } else {
        w.elem("Marker", &enc(&marker));
    }
    w.elem("MaxKeys", &max_keys.to_string()).elem("Delimiter", &enc(&delimiter));
    if url {
        w.elem("EncodingType", "url");
    }
    w.elem("IsTruncated", if page.is_truncated { "true" } else { "false" });
    if let Some(next) = page.next_marker.as_deref().filter(|_| page.is_truncated) {
        w.elem(if v2 { "NextContinuationToken" } else { "NextMarker" }, &enc(next));
    }
    if v2 {
        w.elem("KeyCount", &(page.objects.len() + page.common_prefixes.len()).to_string());
    }
    for o in &page.objects {
        w.open("Contents")
            .elem("Key", &enc(&o.key))
            .elem("LastModified", &iso(o.last_modified))
            .elem("ETag", &o.etag)
            .elem("Type", o.object_type())
            .elem("Size", &o.size.to_string())
            .elem("StorageClass", o.storage_class.as_str());
        if fetch_owner {
            owner(&mut w);
        }
        w.close("Contents");
    }
    for p in &page.common_prefixes {
        w.open("CommonPrefixes").elem("Prefix", &enc(p)).close("CommonPrefixes");
    }
    w.close("ListBucketResult");
    Ok(xml(w.finish()))
}

/// `POST /?delete` — DeleteMultipleObjects (at most 1000 keys; quiet mode lists nothing).
pub async fn delete_multiple(
    state: &AppState,
    ctx: &Ctx,
    body: Body,
) -> Result<Response<Body>, ApiError> {
    let name = ctx.bucket()?;
    let cfg = state.0.storage.bucket(name).await?;
    if !ctx.can_write(cfg.acl) {
        return Err(denied("bucket"));
    }
    let body = read_small_body(ctx, body).await?;
    if element(&body, "Delete").is_none() {
        return Err(malformed_xml());
    }
    let quiet = element(&body, "Quiet").is_some_and(|q| q.eq_ignore_ascii_case("true"));
    let keys = elements(&body, "Key").ok_or_else(malformed_xml)?;
    if keys.is_empty() || keys.len() > 1000 {
        return Err(malformed_xml());
    }
    // A non-owner deletes nothing unless every key may be deleted: an object's own ACL decides
    // (a private object of a public-read-write bucket stays), as for DeleteObject.
    for k in keys.iter().filter(|_| !ctx.is_owner()) {
        check_write(state, ctx, (name, &cfg), k).await?;
    }
    let url = ctx.param("encoding-type") == Some("url");
    let mut w = XmlWriter::new();
    w.open("DeleteResult");
    for k in &keys {
        state.0.storage.delete_object(name, k).await?;
        if !quiet {
            w.open("Deleted")
                .elem("Key", &if url { url_encode(k) } else { k.clone() })
                .close("Deleted");
        }
    }
    if url {
        w.elem("EncodingType", "url");
    }
    w.close("DeleteResult");
    Ok(xml(w.finish()))
}

/// The fixed order OSS normalises style delimiters into (spec §5.3: `-`, `_`, `/`, `!`).
const DELIMITER_ORDER: [char; 4] = ['-', '_', '/', '!'];

/// `?processConfiguration` — Get/PutBucketProcessConfiguration (spec §5.3, owners only).
pub async fn process_configuration(
    state: &AppState,
    ctx: &Ctx,
    body: Body,
) -> Result<Response<Body>, ApiError> {
    if !ctx.is_owner() {
        return Err(denied("bucket"));
    }
    let name = ctx.bucket()?;
    let cfg = state.0.storage.bucket(name).await?;
    if ctx.method == Method::PUT {
        let body = read_small_body(ctx, body).await?;
        let process = parse_process_config(&body, state.now())?;
        state
            .0
            .storage
            .update_bucket_config(name, |c| {
                c.process = process.clone();
                Ok(true)
            })
            .await?;
        return Ok(empty(StatusCode::OK));
    }
    if ctx.method != Method::GET {
        return Err(ApiError::new(
            ErrorKind::MethodNotAllowed,
            "The specified method is not allowed against this resource.",
        ));
    }
    let p = &cfg.process;
    let enabled = |b: bool| if b { "Enabled" } else { "Disabled" };
    let mut w = XmlWriter::new();
    w.open("BucketProcessConfiguration");
    w.elem(
        "CompliedHost",
        match p.complied_host {
            CompliedHost::Img => "Img",
            CompliedHost::Both => "Both",
        },
    );
    w.elem("SourceFileProtect", enabled(p.source_file_protect));
    w.elem("SourceFileProtectSuffix", &p.suffixes.join(","));
    w.elem(
        "StyleDelimiters",
        &p.delimiters.iter().map(char::to_string).collect::<Vec<_>>().join(","),
    );
    w.elem("OssDomainSupportAtProcess", enabled(p.oss_domain_support_at_process));
    w.elem("Version", "2");
    if let Some(t) = p.last_modified {
        w.elem("LastModified", &iso(t));
    }
    w.close("BucketProcessConfiguration");
    Ok(xml(w.finish()))
}

/// Parses a PutBucketProcessConfiguration body. Suffixes are cleared when protection is
/// disabled, and delimiters normalised into OSS's fixed order (the Java SDK's live test, §5.3).
pub(super) fn parse_process_config(
    body: &str,
    now: std::time::SystemTime,
) -> Result<ProcessConfig, ApiError> {
    let bad = |what: &str| ApiError::new(ErrorKind::InvalidArgument, format!("Invalid {what}."));
    let complied_host = match element(body, "CompliedHost").as_deref().map(str::trim) {
        Some("Img") => CompliedHost::Img,
        Some("Both") | None => CompliedHost::Both,
        Some(_) => return Err(bad("CompliedHost")),
    };
    let flag = |name: &str| -> Result<bool, ApiError> {
        match element(body, name).as_deref().map(str::trim) {
            Some("Enabled") => Ok(true),
            Some("Disabled") | None => Ok(false),
            Some(_) => Err(bad(name)),
        }
    };
    let source_file_protect = flag("SourceFileProtect")?;
    let oss_domain_support_at_process = flag("OssDomainSupportAtProcess")?;
    let suffixes: Vec<String> = if source_file_protect {
        element(body, "SourceFileProtectSuffix")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let mut delimiters = Vec::new();
    for d in element(body, "StyleDelimiters")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let c = match d {
            "-" => '-',
            "_" => '_',
            "/" => '/',
            "!" => '!',
            _ => return Err(bad("StyleDelimiters")),
        };
        if !delimiters.contains(&c) {
            delimiters.push(c);
        }
    }
    delimiters.sort_by_key(|c| DELIMITER_ORDER.iter().position(|d| d == c));
    Ok(ProcessConfig {
        complied_host,
        source_file_protect,
        suffixes,
        delimiters,
        oss_domain_support_at_process,
        last_modified: Some(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_configuration_is_normalised() {
        let now = std::time::SystemTime::UNIX_EPOCH;
        let c = parse_process_config(
            "<BucketProcessConfiguration><CompliedHost>Img</CompliedHost><SourceFileProtect>Enabled</SourceFileProtect>\
             <SourceFileProtectSuffix>jpg,png</SourceFileProtectSuffix><StyleDelimiters>/,-</StyleDelimiters></BucketProcessConfiguration>",
            now,
        )
        .unwrap();
        assert_eq!(c.delimiters, vec!['-', '/']);
        assert_eq!(c.suffixes, vec!["jpg", "png"]);
        let c = parse_process_config(
            "<BucketProcessConfiguration><CompliedHost>Both</CompliedHost><SourceFileProtect>Disabled</SourceFileProtect>\
             <SourceFileProtectSuffix>gif</SourceFileProtectSuffix><StyleDelimiters>-</StyleDelimiters></BucketProcessConfiguration>",
            now,
        )
        .unwrap();
        assert!(c.suffixes.is_empty());
        assert!(parse_process_config("<X><StyleDelimiters>#</StyleDelimiters></X>", now).is_err());
    }

    #[test]
    fn url_encoding_of_listings() {
        assert_eq!(url_encode("a b+c/d~é"), "a%20b%2Bc/d~%C3%A9");
    }
}

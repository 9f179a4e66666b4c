//! Multipart upload over HTTP: InitiateMultipartUpload (`POST ?uploads`), UploadPart and
//! UploadPartCopy (`PUT ?partNumber&uploadId`), CompleteMultipartUpload (`POST ?uploadId`),
//! AbortMultipartUpload (`DELETE ?uploadId`), ListParts (`GET ?uploadId`) and
//! ListMultipartUploads (`GET /<bucket>?uploads`) — what the SDKs' resumable uploaders send.
//! Every one needs write permission on the bucket, as PutObject does.

use axum::body::Body;
use axum::http::{Response, StatusCode};

use super::access::check_write;
use super::common::{
    body_stream, check_upload_length, content_md5, iso, malformed_xml, object_meta, parse_range,
    read_small_body, set, stored, url_encode, url_encoding,
};
use super::context::{denied, AppState, Ctx};
use super::object::{copy_source, CopySource};
use super::response::{empty, xml, ApiError};
use super::xml::{element, raw_element, raw_elements, XmlWriter};
use crate::error::ErrorKind;
use crate::storage::{check_part_number, BucketConfig, UploadListed, UploadQuery, MAX_PART_NUMBER};

fn maybe_encoded(s: &str, url: bool) -> String {
    if url {
        url_encode(s)
    } else {
        s.to_string()
    }
}

/// Checks that the caller may write the upload's key (its own ACL if it exists, else the
/// bucket's), or into the bucket for the bucket-wide ListMultipartUploads.
async fn writable(state: &AppState, ctx: &Ctx) -> Result<BucketConfig, ApiError> {
    let bucket = ctx.bucket()?;
    let cfg = state.0.storage.bucket(bucket).await?;
    if ctx.key().is_empty() {
        return if ctx.can_write(cfg.acl) { Ok(cfg) } else { Err(denied("object")) };
    }
    check_write(state, ctx, (bucket, &cfg), ctx.key()).await?;
    Ok(cfg)
}

fn upload_id(ctx: &Ctx) -> &str {
    ctx.param("uploadId").unwrap_or_default()
}

/// An integer parameter in `1..=max`, `default` when absent.
fn bounded(ctx: &Ctx, name: &str, default: u32, max: u32) -> Result<u32, ApiError> {
    match ctx.param(name) {
        None | Some("") => Ok(default),
        Some(v) => v.parse::<u32>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
            ApiError::new(ErrorKind::InvalidArgument, format!("Invalid {name}: {v}"))
        }),
    }
}

/// `POST /<key>?uploads` — InitiateMultipartUpload. The object's metadata (Content-Type,
/// `x-oss-meta-*`, `x-oss-object-acl`, Cache-Control, …) is given here, as with PutObject.
pub async fn initiate(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let cfg = writable(state, ctx).await?;
    let url = url_encoding(ctx)?;
    let meta = object_meta(ctx, cfg.storage_class)?;
    let bucket = ctx.bucket()?;
    let id = state.0.storage.initiate_multipart_upload(bucket, ctx.key(), meta).await?;
    let mut w = XmlWriter::new();
    w.open("InitiateMultipartUploadResult");
    if url {
        w.elem("EncodingType", "url");
    }
    w.elem("Bucket", bucket)
        .elem("Key", &maybe_encoded(ctx.key(), url))
        .elem("UploadId", &id)
        .close("InitiateMultipartUploadResult");
    Ok(xml(w.finish()))
}

/// `PUT /<key>?partNumber=N&uploadId=ID` — UploadPart, streamed to the store; with
/// `x-oss-copy-source` (and optionally `x-oss-copy-source-range`, `bytes=first-last`,
/// `bytes=first-` or `bytes=-suffix`) it is UploadPartCopy, the part being (that range of) an
/// object the caller may read.
pub async fn upload_part(
    state: &AppState,
    ctx: &Ctx,
    body: Body,
) -> Result<Response<Body>, ApiError> {
    writable(state, ctx).await?;
    let n = match ctx.param("partNumber") {
        Some(v) => v.parse::<u32>().unwrap_or(0),
        None => {
            return Err(ApiError::new(
                ErrorKind::MissingArgument,
                "The partNumber parameter is required.",
            ))
        }
    };
    check_part_number(n)?;
    if ctx.headers.contains_key("x-oss-copy-source") {
        return upload_part_copy(state, ctx, n).await;
    }
    check_upload_length(ctx)?;
    let md5 = content_md5(ctx)?;
    let stream = body_stream(ctx, body);
    let r = state
        .0
        .storage
        .upload_part(ctx.bucket()?, ctx.key(), upload_id(ctx), n, stream, md5)
        .await?;
    Ok(stored(&r))
}

/// UploadPartCopy: part `n` from the copy source. A range past the end of the source is
/// `InvalidRange`; a malformed range header copies the whole source (as OSS does).
async fn upload_part_copy(state: &AppState, ctx: &Ctx, n: u32) -> Result<Response<Body>, ApiError> {
    let (src_bucket, src_key) = match copy_source(state, ctx).await? {
        CopySource::Object(b, k) => (b, k),
        CopySource::NotModified(r) => return Ok(r),
    };
    // GetObject's range grammar, strictly: an end past the source is clamped, a start past it is
    // `416 InvalidRange`, and a malformed range is an error rather than the whole source.
    let range = match ctx.header("x-oss-copy-source-range") {
        None => None,
        Some(v) => {
            let size = state.0.storage.head_object(&src_bucket, &src_key).await?.size;
            let range = parse_range(v, size, true)?;
            Some(range.ok_or_else(|| {
                ApiError::new(ErrorKind::InvalidArgument, "Invalid x-oss-copy-source-range.")
            })?)
        }
    };
    let (_, source) = state.0.storage.get_object(&src_bucket, &src_key, range).await?;
    let r = state
        .0
        .storage
        .upload_part(ctx.bucket()?, ctx.key(), upload_id(ctx), n, source.into_stream(), None)
        .await?;
    let mut w = XmlWriter::new();
    w.open("CopyPartResult")
        .elem("LastModified", &iso(r.last_modified))
        .elem("ETag", &r.etag)
        .close("CopyPartResult");
    let mut resp = xml(w.finish());
    set(resp.headers_mut(), "etag", &r.etag);
    set(resp.headers_mut(), "x-oss-hash-crc64ecma", &r.crc64.to_string());
    Ok(resp)
}

/// `POST /<key>?uploadId=ID` — CompleteMultipartUpload with the `<CompleteMultipartUpload>`
/// part list, or none with `x-oss-complete-all: yes`.
pub async fn complete(state: &AppState, ctx: &Ctx, body: Body) -> Result<Response<Body>, ApiError> {
    writable(state, ctx).await?;
    let url = url_encoding(ctx)?;
    let all = ctx.header("x-oss-complete-all").is_some_and(|v| v.eq_ignore_ascii_case("yes"));
    let body = read_small_body(ctx, body).await?;
    let parts = if all {
        if !body.trim().is_empty() {
            return Err(ApiError::new(
                ErrorKind::InvalidArgument,
                "The request body must be empty when x-oss-complete-all is yes.",
            ));
        }
        None
    } else {
        Some(complete_parts(&body).ok_or_else(malformed_xml)?)
    };
    let forbid =
        ctx.header("x-oss-forbid-overwrite").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let bucket = ctx.bucket()?;
    let r = state
        .0
        .storage
        .complete_multipart_upload(bucket, ctx.key(), upload_id(ctx), parts.as_deref(), forbid)
        .await?;
    let mut w = XmlWriter::new();
    w.open("CompleteMultipartUploadResult");
    if url {
        w.elem("EncodingType", "url");
    }
    w.elem("Location", &format!("http://{}/{bucket}/{}", ctx.host, url_encode(ctx.key())))
        .elem("Bucket", bucket)
        .elem("Key", &maybe_encoded(ctx.key(), url))
        .elem("ETag", &r.etag)
        .close("CompleteMultipartUploadResult");
    let mut resp = xml(w.finish());
    let h = resp.headers_mut();
    set(h, "etag", &r.etag);
    set(h, "x-oss-hash-crc64ecma", &r.crc64.to_string());
    Ok(resp)
}

/// `DELETE /<key>?uploadId=ID` — AbortMultipartUpload.
pub async fn abort(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    writable(state, ctx).await?;
    state.0.storage.abort_multipart_upload(ctx.bucket()?, ctx.key(), upload_id(ctx)).await?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `GET /<key>?uploadId=ID` — ListParts (`max-parts` up to 1000, `part-number-marker`).
pub async fn list_parts(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    writable(state, ctx).await?;
    let url = url_encoding(ctx)?;
    let max = bounded(ctx, "max-parts", 1000, 1000)?;
    let marker = match ctx.param("part-number-marker") {
        None | Some("") => 0,
        Some(v) => v.parse::<u32>().ok().filter(|n| *n <= MAX_PART_NUMBER).ok_or_else(|| {
            ApiError::new(ErrorKind::InvalidArgument, format!("Invalid part-number-marker: {v}"))
        })?,
    };
    let bucket = ctx.bucket()?;
    let id = upload_id(ctx);
    let parts = state.0.storage.list_parts(bucket, ctx.key(), id).await?;
    let rest: Vec<_> = parts.into_iter().filter(|p| p.number > marker).collect();
    let truncated = rest.len() > max as usize;
    let page = &rest[..rest.len().min(max as usize)];
    let next = page.last().map_or(marker, |p| p.number);
    let mut w = XmlWriter::new();
    w.open("ListPartsResult");
    if url {
        w.elem("EncodingType", "url");
    }
    w.elem("Bucket", bucket)
        .elem("Key", &maybe_encoded(ctx.key(), url))
        .elem("UploadId", id)
        .elem("PartNumberMarker", &marker.to_string())
        .elem("NextPartNumberMarker", &next.to_string())
        .elem("MaxParts", &max.to_string())
        .elem("IsTruncated", if truncated { "true" } else { "false" });
    for p in page {
        w.open("Part")
            .elem("PartNumber", &p.number.to_string())
            .elem("LastModified", &iso(p.last_modified))
            .elem("ETag", &p.etag)
            .elem("HashCrc64ecma", &p.crc64.to_string())
            .elem("Size", &p.size.to_string())
            .close("Part");
    }
    w.close("ListPartsResult");
    Ok(xml(w.finish()))
}

/// `GET /<bucket>?uploads` — ListMultipartUploads (`prefix`, `delimiter`, `key-marker`,
/// `upload-id-marker`, `max-uploads` up to 1000), by key then upload ID.
pub async fn list_uploads(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    writable(state, ctx).await?;
    let url = url_encoding(ctx)?;
    let max = bounded(ctx, "max-uploads", 1000, 1000)? as usize;
    let prefix = ctx.param("prefix").unwrap_or("");
    let delimiter = ctx.param("delimiter").unwrap_or("");
    let key_marker = ctx.param("key-marker").unwrap_or("");
    let id_marker = ctx.param("upload-id-marker").unwrap_or("");
    let bucket = ctx.bucket()?;
    let q = UploadQuery {
        prefix: prefix.to_string(),
        delimiter: delimiter.to_string(),
        key_marker: key_marker.to_string(),
        upload_id_marker: id_marker.to_string(),
        max,
    };
    let page = state.0.storage.list_uploads(bucket, &q).await?;
    let mut w = XmlWriter::new();
    w.open("ListMultipartUploadsResult");
    if url {
        w.elem("EncodingType", "url");
    }
    w.elem("Bucket", bucket)
        .elem("KeyMarker", &maybe_encoded(key_marker, url))
        .elem("UploadIdMarker", id_marker)
        .elem("NextKeyMarker", &maybe_encoded(&page.next_key_marker, url))
        .elem("NextUploadIdMarker", &page.next_upload_id_marker)
        .elem("Delimiter", &maybe_encoded(delimiter, url))
        .elem("Prefix", &maybe_encoded(prefix, url))
        .elem("MaxUploads", &max.to_string())
        .elem("IsTruncated", if page.truncated { "true" } else { "false" });
    for e in &page.entries {
        if let UploadListed::Upload(u) = e {
            w.open("Upload")
                .elem("Key", &maybe_encoded(&u.key, url))
                .elem("UploadId", &u.upload_id)
                .elem("Initiated", &iso(u.initiated))
                .close("Upload");
        }
    }
    for e in &page.entries {
        if let UploadListed::Prefix(p) = e {
            w.open("CommonPrefixes").elem("Prefix", &maybe_encoded(p, url)).close("CommonPrefixes");
        }
    }
    w.close("ListMultipartUploadsResult");
    Ok(xml(w.finish()))
}

/// The `(PartNumber, ETag)` list of a CompleteMultipartUpload body, in order; `None` when the
/// body is malformed or lists no part. The nested elements are read from the raw markup, so each
/// text is unescaped exactly once (an ETag holding `&amp;` reads as `&`).
pub(super) fn complete_parts(body: &str) -> Option<Vec<(u32, String)>> {
    let root = raw_element(body, "CompleteMultipartUpload")?;
    let mut parts = Vec::new();
    for p in raw_elements(root, "Part")? {
        let n = element(p, "PartNumber").and_then(|v| v.trim().parse::<u32>().ok())?;
        parts.push((n, element(p, "ETag")?));
    }
    (!parts.is_empty()).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::complete_parts;

    #[test]
    fn complete_parts_unescapes_each_text_once() {
        let body = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>\
            <ETag>\"A&amp;B\"</ETag></Part><Part><PartNumber> 2 </PartNumber>\
            <ETag>&lt;/ETag&gt;x</ETag></Part></CompleteMultipartUpload>";
        // Found writing fuzz/xml's round trip: the root's text was unescaped before its parts
        // were read, so `&amp;` became a bare `&` (MalformedXML) and `&lt;/ETag&gt;` closed the
        // element early.
        assert_eq!(
            complete_parts(body),
            Some(vec![(1, "\"A&B\"".to_string()), (2, "</ETag>x".to_string())])
        );
        let cdata = "<CompleteMultipartUpload><Part><PartNumber>3</PartNumber>\
            <ETag><![CDATA[a&amp;]]></ETag></Part></CompleteMultipartUpload>";
        assert_eq!(complete_parts(cdata), Some(vec![(3, "a&amp;".to_string())]));
        assert_eq!(complete_parts("<CompleteMultipartUpload></CompleteMultipartUpload>"), None);
        assert_eq!(complete_parts("<CompleteMultipartUpload><Part>"), None);
        let no_etag = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>";
        assert_eq!(complete_parts(no_etag), None);
    }
}

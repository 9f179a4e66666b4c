//! Image processing on the wire: GET with `x-oss-process` (inline `image/…` or `style/<name>`,
//! and delimiter styles routed here by `object`), and POST `?x-oss-process` with `sys/saveas`
//! (spec §7). The work runs on the CPU worker pool ([`crate::workers`]), admitted by a semaphore whose
//! permits are MiB of a memory budget.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode};

use super::auth::{format_http_date, unix_seconds};
use super::bucket::read_small_body;
use super::object::{
    processing_source, protected, protection_denied, read_allowed, read_allowed_body,
};
use super::response::ApiError;
use super::server::{not_found_details, AppState, Ctx};
use crate::error::{Error, ErrorKind};
use crate::job::{self, Output, WatermarkObjects};
use crate::process::{self, ProcessSpec};
use crate::storage::{BucketConfig, ObjectInfo, ObjectMeta};

/// Parses and expands a process string against the bucket's styles.
fn resolve(cfg: &BucketConfig, process: &str) -> Result<ProcessSpec, ApiError> {
    Ok(process::resolve(process, &|name| cfg.style(name).map(|s| s.content.clone()))?)
}

/// Runs a job on `source` off the runtime, holding permits for its estimated memory; the
/// watermark `objects` were fetched by [`watermark_objects`].
pub async fn run_job(
    state: &AppState,
    source: bytes::Bytes,
    spec: ProcessSpec,
    objects: WatermarkObjects,
) -> Result<Output, ApiError> {
    job::check_source_size(source.len() as u64)?;
    let bytes = job::estimate_bytes(&source, &spec, &objects)?;
    let mib = (bytes / (1024 * 1024) + 1).min(u64::from(state.0.processing_budget_mib)) as u32;
    let memory = state
        .0
        .processing
        .clone()
        .acquire_many_owned(mib)
        .await
        .map_err(|_| ApiError::from(Error::internal()))?;
    // On the CPU worker pool: FIFO, one job per core, the runtime stays free for I/O. The permit
    // travels with the job, so a job whose client went away still counts until it is done.
    let engine = state.0.engine;
    let fonts = state.0.fonts.clone();
    crate::workers::run(move || {
        let _memory = memory;
        let resources = job::Resources { fonts: fonts.as_deref(), objects: Some(&objects) };
        job::run_with(&source, &spec, engine, resources)
    })
    .await
    .ok_or_else(|| ApiError::from(Error::internal()))?
    .map_err(ApiError::from)
}

/// Fetches the objects the cascade's image watermarks name, from the request's bucket, with the
/// requester's permissions (spec §3.15): each must be readable by them as a GetObject would be
/// (403 `AccessDenied` otherwise), and for an inline `image/…` process string an anonymous
/// requester may not use an object under source-file protection (§5.1), since the watermark
/// would show its pixels. A missing object is `400 WatermarkError` (spec §3.15 \[U\]); one over
/// 20 MB is refused from its stored size. Each key is read once however often it is used.
pub async fn watermark_objects(
    state: &AppState,
    ctx: &Ctx,
    cfg: &BucketConfig,
    spec: &ProcessSpec,
    inline: bool,
) -> Result<WatermarkObjects, ApiError> {
    let mut objects = WatermarkObjects::new();
    for key in spec.watermark_keys() {
        let (_, bytes) = read_allowed_body(state, ctx, cfg, key).await.map_err(|e| {
            if e.error.kind == ErrorKind::NoSuchKey {
                ApiError::new(
                    ErrorKind::WatermarkError,
                    "The watermark object does not exist in this bucket.",
                )
            } else {
                e
            }
        })?;
        if inline && protected(cfg, ctx, key) {
            return Err(protection_denied());
        }
        objects.insert(key.to_owned(), bytes);
    }
    Ok(objects)
}

/// GET processing: answers with the processed image or JSON.
pub async fn process(
    state: &AppState,
    ctx: &Ctx,
    cfg: &BucketConfig,
    (info, source): (ObjectInfo, bytes::Bytes),
    process: &str,
) -> Result<Response<Body>, ApiError> {
    let spec = resolve(cfg, process)?;
    let objects = watermark_objects(state, ctx, cfg, &spec, !process.starts_with("style/")).await?;
    let out = run_job(state, source, spec, objects).await?;
    let body = out.as_bytes().to_vec();
    let mut resp = Response::builder()
        .status(StatusCode::OK)
        .header("content-type", out.content_type())
        .header("content-length", body.len())
        // The SDKs verify this header against the bytes they receive, so it describes the
        // processed bytes, never the source (spec §1.5).
        .header("x-oss-hash-crc64ecma", crate::storage::crc64(&body).to_string())
        .body(Body::from(body))
        .map_err(|_| ApiError::from(Error::internal()))?;
    if let Ok(v) = HeaderValue::from_str(&format_http_date(unix_seconds(info.last_modified))) {
        resp.headers_mut().insert("last-modified", v);
    }
    Ok(resp)
}

/// POST `?x-oss-process` with `…|sys/saveas,o_…[,b_…]`: processes and stores the result, then
/// answers with the exact JSON of spec §7.
pub async fn save_as(state: &AppState, ctx: &Ctx, body: Body) -> Result<Response<Body>, ApiError> {
    let bucket = ctx.bucket()?;
    let body = read_small_body(ctx, body).await?;
    let (request, save) = process::parse_post_body(body.trim_end_matches(['\r', '\n']))?;
    let save = save.ok_or_else(|| {
        ApiError::new(ErrorKind::InvalidArgument, "A POST process request needs sys/saveas.")
    })?;
    let cfg = state.0.storage.bucket(bucket).await?;
    let info = read_allowed(state, ctx, &cfg, ctx.key()).await.map_err(processing_source)?;
    job::check_source_size(info.size)?;
    let process = request.to_string();
    // Source-file protection (spec §5.1) covers inline processing whatever its method: else an
    // anonymous caller could save the unprotected result where it may read it.
    if !process.starts_with("style/") && protected(&cfg, ctx, ctx.key()) {
        return Err(protection_denied());
    }
    let spec = resolve(&cfg, &process)?;
    let objects =
        watermark_objects(state, ctx, &cfg, &spec, !process.starts_with("style/")).await?;
    let target_bucket = save.bucket.clone().unwrap_or_else(|| bucket.to_string());
    let target_cfg = state
        .0
        .storage
        .bucket(&target_bucket)
        .await
        .map_err(|e| not_found_details(e.into(), Some(&target_bucket), None))?;
    super::object::check_write(state, ctx, (&target_bucket, &target_cfg), &save.object).await?;
    let (_, body) = state.0.storage.get_object(bucket, &info.key, None).await?;
    let out = run_job(state, body.bytes().await?, spec, objects).await?;
    let data = bytes::Bytes::from(out.as_bytes().to_vec());
    let size = data.len();
    let meta = ObjectMeta {
        content_type: Some(out.content_type().to_string()),
        storage_class: target_cfg.storage_class,
        ..ObjectMeta::default()
    };
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(data)]);
    state.0.storage.put_object(&target_bucket, &save.object, stream, meta, false).await?;
    let json = saveas_json(save.bucket.as_deref().unwrap_or(""), size, &save.object);
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .header("content-length", json.len())
        .body(Body::from(json))
        .map_err(|_| ApiError::from(Error::internal()))
}

/// Escapes a JSON string value.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The saveas answer, byte for byte as OSS writes it (spec §7: four-space indent, `": "`
/// separators, `status` last, the closing brace on the last line).
pub fn saveas_json(bucket: &str, file_size: usize, object: &str) -> String {
    format!(
        "{{\n    \"bucket\": {},\n    \"fileSize\": {file_size},\n    \"object\": {},\n    \"status\": \"OK\"}}",
        json_string(bucket),
        json_string(object)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saveas_json_is_byte_exact() {
        assert_eq!(
            saveas_json("", 3267, "dest.jpg"),
            "{\n    \"bucket\": \"\",\n    \"fileSize\": 3267,\n    \"object\": \"dest.jpg\",\n    \"status\": \"OK\"}"
        );
        assert!(saveas_json("b", 1, "a\"b").contains("\"object\": \"a\\\"b\""));
    }
}

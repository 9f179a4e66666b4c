//! Image processing on the wire: GET with `x-oss-process` (inline `image/…` or `style/<name>`,
//! and delimiter styles routed here by `object`), and POST `?x-oss-process` with `sys/saveas`
//! (spec §7). The work runs on the CPU worker pool ([`crate::workers`]), admitted by a semaphore whose
//! permits are MiB of a memory budget, behind a bounded queue: a job over the bound is answered
//! `503 CpuLimitExceeded` at once ([`crate::workers::Admission`]).
//!
//! Processed GETs are cacheable: a strong `ETag` derived from the source's ETag, the canonical
//! process string, the ETags of watermark objects and the ossimg version (so every instance of one
//! version answers one request with one ETag, and a changed source gets a new one),
//! `If-None-Match` answered `304` before any pixel is decoded, the source's `Last-Modified`, and a
//! `Cache-Control` per bucket ([`ResultCaching`]). With a result cache ([`crate::cache`]) the
//! processed bytes are kept on local disk; the source's metadata is read on every request, so a
//! changed or deleted source is never answered from it.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode};
use sha2::{Digest as _, Sha256};

use super::access::{
    check_write, processing_source, protected, protection_denied, read_allowed, read_allowed_body,
};
use super::auth::sts::{self, Grant};
use super::auth::{format_http_date, unix_seconds, SignedRequest};
use super::common::read_small_body;
use super::context::{not_found_details, AppState, Ctx};
use super::response::ApiError;
use crate::cache::{CacheKey, Computed, Entry};
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
    check_source_bytes(state, source.len() as u64)?;
    let (info, result) = job::planned_size(&source, &spec)?;
    check_image_limits(&state.0.limits, &info, result, &spec)?;
    let bytes = job::estimate_bytes(&source, &spec, &objects)?;
    // Refused at once when the queue (memory wait included) is over its bound.
    let ticket = state.0.load.admit().map_err(|_| overloaded())?;
    let mib = (bytes / (1024 * 1024) + 1).min(u64::from(state.0.processing_budget_mib)) as u32;
    let memory = state.0.processing.clone().acquire_many_owned(mib);
    let memory = match state.0.limits.job_timeout {
        Some(limit) => tokio::time::timeout(limit, memory).await.map_err(|_| overloaded())?,
        None => memory.await,
    }
    .map_err(|_| ApiError::from(Error::internal()))?;
    // On the CPU worker pool: FIFO, one job per core, the runtime stays free for I/O. The permit
    // travels with the job, so a job whose client went away still counts until it is done.
    let engine = state.0.engine;
    let fonts = state.0.fonts.clone();
    let options = state.0.plan;
    let load = state.0.load.clone();
    let ran = load.run(ticket, move || {
        let _memory = memory;
        let resources =
            job::Resources { fonts: fonts.as_deref(), objects: Some(&objects), options };
        job::run_with(&source, &spec, engine, resources)
    });
    let ran = match state.0.limits.job_timeout {
        // A job still queued when its wait ends is skipped; one running finishes unanswered.
        Some(limit) => tokio::time::timeout(limit, ran).await.map_err(|_| overloaded())?,
        None => ran.await,
    };
    ran.ok_or_else(|| ApiError::from(Error::internal()))?.map_err(ApiError::from)
}

/// Spec §2's source object size, and the configured one when lower: 400 `ImageTooLarge`.
fn check_source_bytes(state: &AppState, size: u64) -> Result<(), ApiError> {
    job::check_source_size(size)?;
    let max = state.0.limits.source_bytes;
    if size > max {
        return Err(ApiError::new(
            ErrorKind::ImageTooLarge,
            format!("The source image is larger than {max} bytes and cannot be processed."),
        ));
    }
    Ok(())
}

/// The configured process-string limits (lower than the parser's spec values, which it checks
/// itself): length before style expansion, actions after; 400 `InvalidArgument` as the parser
/// answers.
fn check_process_limits(
    state: &AppState,
    process: &str,
    spec: &ProcessSpec,
) -> Result<(), ApiError> {
    let l = &state.0.limits;
    if process.len() > l.process_bytes {
        return Err(ApiError::new(
            ErrorKind::InvalidArgument,
            format!(
                "The process string is {} bytes long, at most {} are allowed.",
                process.len(),
                l.process_bytes
            ),
        ));
    }
    if spec.actions.len() > l.process_actions {
        return Err(ApiError::new(
            ErrorKind::InvalidArgument,
            format!(
                "Too many actions: {}, at most {} are allowed.",
                spec.actions.len(),
                l.process_actions
            ),
        ));
    }
    Ok(())
}

/// The configured source and result size limits (the planner checks the spec's own), with the
/// spec's answers: 400 `ImageTooLarge` with EC 0040-00000009 for a cascade with a resize, else
/// 0040-00000012 (decode refused); 400 `InvalidArgument` EC 0040-00000007 for the result.
fn check_image_limits(
    l: &crate::limits::Limits,
    src: &crate::plan::SourceInfo,
    result: Option<(u32, u32)>,
    spec: &ProcessSpec,
) -> Result<(), ApiError> {
    // `info` reads the header only, whatever the size (as the planner allows it).
    if spec.actions.iter().any(|a| matches!(a, process::Action::Info)) {
        return Ok(());
    }
    let pixels = u64::from(src.width) * u64::from(src.height) * u64::from(src.frames.max(1));
    if src.width > l.source_side || src.height > l.source_side || pixels > l.source_pixels {
        let resizes = spec.actions.iter().any(|a| matches!(a, process::Action::Resize(_)));
        let ec = if resizes { "0040-00000009" } else { crate::codec::EC_DECODE_REFUSED };
        return Err(Error::with_ec(
            ErrorKind::ImageTooLarge,
            ec,
            format!(
                "The source image {}x{} ({} frame(s)) exceeds the limits of {} px per side and \
                 {} pixels.",
                src.width,
                src.height,
                src.frames.max(1),
                l.source_side,
                l.source_pixels
            ),
        )
        .into());
    }
    if let Some((w, h)) = result {
        if w > l.result_side || h > l.result_side || u64::from(w) * u64::from(h) > l.result_pixels {
            return Err(Error::invalid(
                "0040-00000007",
                format!(
                    "The result {w}x{h} exceeds the limit of {} px per side and {} pixels.",
                    l.result_side, l.result_pixels
                ),
            )
            .into());
        }
    }
    Ok(())
}

/// `503 CpuLimitExceeded`: the processing queue is full (the server adds `Retry-After`).
fn overloaded() -> ApiError {
    ApiError::new(ErrorKind::CpuLimitExceeded, "Please reduce your request rate.")
}

/// The grant of a request signed with temporary credentials (`None` for any other request).
fn grant(ctx: &Ctx) -> Option<Grant> {
    if !matches!(&ctx.principal, super::auth::Principal::Key(id) if id.starts_with(sts::ID_PREFIX))
    {
        return None;
    }
    let headers: Vec<(String, String)> = ["x-oss-security-token"]
        .iter()
        .filter_map(|n| Some((n.to_string(), ctx.header(n)?.to_string())))
        .collect();
    let req = SignedRequest {
        method: ctx.method.as_str(),
        bucket: ctx.bucket.as_deref(),
        key: ctx.key.as_deref(),
        query: &ctx.query,
        headers: &headers,
    };
    sts::request_grant(&req)
}

/// Checks that the caller may use `key` of the request's bucket as a watermark: readable by
/// them as a GetObject would be (403 `AccessDenied` otherwise, also outside the grant of
/// temporary credentials), and for an inline `image/…` process string not under source-file
/// protection for an anonymous caller (§5.1), since the watermark would show its pixels.
/// A missing object is `400 WatermarkError` (spec §3.15 \[U\]). Returns its info.
async fn watermark_info(
    state: &AppState,
    ctx: &Ctx,
    cfg: &BucketConfig,
    key: &str,
    inline: bool,
) -> Result<ObjectInfo, ApiError> {
    if grant(ctx).is_some_and(|g| !g.allows_read(ctx.bucket().unwrap_or_default(), key)) {
        return Err(ApiError::from(sts::outside_grant().error));
    }
    let missing = |e: ApiError| {
        if e.error.kind == ErrorKind::NoSuchKey {
            ApiError::new(
                ErrorKind::WatermarkError,
                "The watermark object does not exist in this bucket.",
            )
        } else {
            e
        }
    };
    let info = read_allowed(state, ctx, cfg, key).await.map_err(missing)?;
    if inline && protected(cfg, ctx, key) {
        return Err(protection_denied());
    }
    Ok(info)
}

/// Fetches the objects the cascade's image watermarks name, from the request's bucket, with the
/// requester's permissions ([`watermark_info`]'s rules); one over 20 MB is refused from its
/// stored size. Each key is read once however often it is used.
pub async fn watermark_objects(
    state: &AppState,
    ctx: &Ctx,
    cfg: &BucketConfig,
    spec: &ProcessSpec,
    inline: bool,
) -> Result<WatermarkObjects, ApiError> {
    let mut objects = WatermarkObjects::new();
    for key in spec.watermark_keys() {
        watermark_info(state, ctx, cfg, key, inline).await?;
        let (_, bytes) = read_allowed_body(state, ctx, cfg, key).await?;
        objects.insert(key.to_owned(), bytes);
    }
    Ok(objects)
}

/// The strong ETag of a processed result: a digest of the ossimg version, the source's ETag,
/// the canonical process string, `marks` (watermark key and ETag lines) and the planner
/// `settings` (shrink-on-load rule, JPEG quantiser), as OSS writes ETags (32 upper-case hex
/// digits, quoted). Every instance of one version and configuration computes the same.
pub fn result_etag(
    source_etag: &str,
    canonical: &str,
    marks: &str,
    settings: &crate::plan::Options,
) -> String {
    let mut h = Sha256::new();
    let settings = settings.fingerprint();
    for part in [env!("CARGO_PKG_VERSION"), source_etag, canonical, marks, &settings] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02X}")).collect();
    format!("\"{hex}\"")
}

/// Strips quotes and compares ETags case-insensitively (spec §10.3 \[U\]).
fn etag_eq(a: &str, b: &str) -> bool {
    a.trim().trim_matches('"').eq_ignore_ascii_case(b.trim().trim_matches('"'))
}

/// The conditional headers of a processed GET, with the rules of GetObject (spec §10.3) against
/// the result's ETag and the source's Last-Modified: `Ok(true)` answers `304`, a failed
/// `If-Match` / `If-Unmodified-Since` is `412`.
fn not_modified(ctx: &Ctx, etag: &str, modified: SystemTime) -> Result<bool, ApiError> {
    let modified = unix_seconds(modified);
    let failed = || {
        ApiError::new(
            ErrorKind::PreconditionFailed,
            "At least one of the pre-conditions you specified did not hold.",
        )
    };
    if let Some(m) = ctx.header("if-match") {
        if !m.split(',').any(|t| t.trim() == "*" || etag_eq(t, etag)) {
            return Err(failed());
        }
    }
    if let Some(d) = ctx.header("if-unmodified-since").and_then(super::auth::parse_http_date) {
        if modified > d {
            return Err(failed());
        }
    }
    if let Some(m) = ctx.header("if-none-match") {
        return Ok(m.split(',').any(|t| t.trim() == "*" || etag_eq(t, etag)));
    }
    Ok(ctx
        .header("if-modified-since")
        .and_then(super::auth::parse_http_date)
        .is_some_and(|d| modified <= d))
}

/// GET processing of `key` with `process`: answers with the processed image or JSON, from the
/// result cache when it holds it, or `304` when the client's copy is current. A 200 carries
/// `Server-Timing: process;dur=<ms>`: the server's time for the answer (source read, job or cache
/// look-up), which the style viewer shows.
pub async fn process(
    state: &AppState,
    ctx: &Ctx,
    cfg: &BucketConfig,
    key: &str,
    process: &str,
) -> Result<Response<Body>, ApiError> {
    let started = std::time::Instant::now();
    let bucket = ctx.bucket()?;
    // The source's metadata, always from the store: the ETag the result is keyed by.
    let info = read_allowed(state, ctx, cfg, key).await.map_err(processing_source)?;
    check_source_bytes(state, info.size)?;
    let inline = !process.starts_with("style/");
    if inline && protected(cfg, ctx, key) {
        return Err(protection_denied());
    }
    let spec = resolve(cfg, process)?;
    check_process_limits(state, process, &spec)?;
    let mut marks = String::new();
    for mark in spec.watermark_keys() {
        let m = watermark_info(state, ctx, cfg, mark, inline).await?;
        marks.push_str(&format!("{mark} {}\n", m.etag));
    }
    let canonical = spec.to_string();
    let settings = state.0.plan;
    let etag = result_etag(&info.etag, &canonical, &marks, &settings);
    let results = &state.0.results;
    let cache_control =
        results.cache_control.get(bucket).cloned().or_else(|| info.cache_control.clone());
    if not_modified(ctx, &etag, info.last_modified)? {
        let mut r = Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(|_| ApiError::from(Error::internal()))?;
        headers(&mut r, Some(&etag), info.last_modified, cache_control.as_deref());
        return Ok(r);
    }
    let compute = || async {
        let (fresh, source) = read_allowed_body(state, ctx, cfg, key).await?;
        let objects = watermark_objects(state, ctx, cfg, &spec, inline).await?;
        let out = run_job(state, source, spec.clone(), objects).await?;
        let entry =
            Entry { content_type: out.content_type().to_string(), body: Arc::from(out.as_bytes()) };
        // The source changed between its metadata and its bytes: answer this once, uncached.
        Ok::<_, ApiError>(Computed { entry, store: fresh.etag == info.etag })
    };
    let (entry, etag) = match &results.cache {
        Some(cache) => {
            let ckey = CacheKey {
                bucket: bucket.to_string(),
                key: key.to_string(),
                source_etag: info.etag.clone(),
                process: format!(
                    "{}\n{}\n{canonical}\n{marks}",
                    env!("CARGO_PKG_VERSION"),
                    settings.fingerprint()
                ),
            };
            (cache.get_or_compute(&ckey, compute).await.0?, Some(etag))
        }
        None => {
            let c = compute().await?;
            let etag = c.store.then_some(etag);
            (c.entry, etag)
        }
    };
    let body = bytes::Bytes::from_owner(entry.body.clone());
    let mut resp = Response::builder()
        .status(StatusCode::OK)
        .header("content-type", entry.content_type.as_str())
        .header("content-length", body.len())
        // The SDKs verify this header against the bytes they receive, so it describes the
        // processed bytes, never the source (spec §1.5).
        .header("x-oss-hash-crc64ecma", crate::storage::crc64(&body).to_string())
        .header(
            "server-timing",
            format!("process;dur={:.1}", started.elapsed().as_secs_f64() * 1e3),
        )
        .body(Body::from(body))
        .map_err(|_| ApiError::from(Error::internal()))?;
    headers(&mut resp, etag.as_deref(), info.last_modified, cache_control.as_deref());
    Ok(resp)
}

/// The validators and caching headers of a processed answer (200 or 304).
fn headers(
    resp: &mut Response<Body>,
    etag: Option<&str>,
    last_modified: SystemTime,
    cache_control: Option<&str>,
) {
    let h = resp.headers_mut();
    for (name, value) in [
        ("etag", etag.map(str::to_string)),
        ("last-modified", Some(format_http_date(unix_seconds(last_modified)))),
        ("cache-control", cache_control.map(str::to_string)),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(name, v);
        }
    }
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
    check_source_bytes(state, info.size)?;
    let process = request.to_string();
    // Source-file protection (spec §5.1) covers inline processing whatever its method: else an
    // anonymous caller could save the unprotected result where it may read it.
    if !process.starts_with("style/") && protected(&cfg, ctx, ctx.key()) {
        return Err(protection_denied());
    }
    let spec = resolve(&cfg, &process)?;
    check_process_limits(state, &process, &spec)?;
    let objects =
        watermark_objects(state, ctx, &cfg, &spec, !process.starts_with("style/")).await?;
    let target_bucket = save.bucket.clone().unwrap_or_else(|| bucket.to_string());
    let target_cfg = state
        .0
        .storage
        .bucket(&target_bucket)
        .await
        .map_err(|e| not_found_details(e.into(), Some(&target_bucket), None))?;
    if grant(ctx).is_some_and(|g| !g.allows_write(&target_bucket, &save.object)) {
        return Err(ApiError::from(sts::outside_grant().error));
    }
    check_write(state, ctx, (&target_bucket, &target_cfg), &save.object).await?;
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

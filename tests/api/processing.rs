//! Image processing through the router: `x-oss-process` on GET (inline, `style/<name>`, delimiter
//! styles, JSON answers, errors), POST `sys/saveas` (spec §7) and source-file protection (§5.1).

use base64::Engine as _;
use ossimg::process::Format;

use crate::buckets::configure;
use crate::harness::*;
use crate::styles::put_style;

/// The OSS SDKs' example.jpg: 400×267, 21 839 bytes (tests/data/README.md).
pub(crate) const PHOTO: &str = "example.jpg";
const PHOTO_SIZE: &str = "21839";

/// Bucket `img` (private) holding `photo.jpg` (image/jpeg) and the style `small` (`w_50`).
pub(crate) async fn server() -> Server {
    let s = Server::new();
    s.bucket("img").await;
    s.put("img/photo.jpg")
        .h("Content-Type", "image/jpeg")
        .body(data(PHOTO))
        .send()
        .await
        .status(200);
    put_style(&s, "img", "small", "image/resize,w_50").await;
    s
}

/// Asserts a processed image answer of `w`×`h` whose CRC header describes the processed bytes
/// (spec §1.5: never the source's).
#[track_caller]
pub(crate) fn assert_image(r: &Resp, format: Format, mime: &str, w: u32, h: u32) {
    r.status(200).has("content-type", mime).has("content-length", &r.body.len().to_string());
    let info = ossimg::codec::probe(&r.body).expect("a decodable image");
    assert_eq!((info.format, info.width, info.height), (format, w, h));
    assert_eq!(
        r.header("x-oss-hash-crc64ecma"),
        Some(ossimg::storage::crc64(&r.body).to_string().as_str())
    );
}

/// `base64url` without padding, as the docs write saveas keys.
pub(crate) fn b64(s: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

#[tokio::test]
async fn inline_resize_of_a_real_jpeg() {
    let s = server().await;
    let src = s.head("img/photo.jpg").send().await;
    let r = s.get("img/photo.jpg").q("x-oss-process", "image/resize,w_100").send().await;
    // 267 × 100 / 400 = 66.75 → 67.
    assert_image(&r, Format::Jpg, "image/jpeg", 100, 67);
    // The server's own time for the answer, which the style viewer shows.
    let timing = r.header("server-timing").expect("Server-Timing").to_string();
    let ms = timing.strip_prefix("process;dur=").expect("process;dur=…");
    assert!(ms.parse::<f64>().is_ok_and(|v| v >= 0.0) && ms.contains('.'), "{timing}");
    assert_ne!(r.header("x-oss-hash-crc64ecma"), src.header("x-oss-hash-crc64ecma"));
    assert_ne!(r.header("etag"), src.header("etag"));
    r.has("last-modified", "Tue, 14 Nov 2023 22:13:20 GMT");
    // A cascade with a format change.
    let r = s
        .get("img/photo.jpg")
        .q("x-oss-process", "image/resize,w_100/rotate,90/format,png")
        .send()
        .await;
    assert_image(&r, Format::Png, "image/png", 67, 100);
}

#[tokio::test]
async fn processing_ignores_range_and_conditionals() {
    let s = server().await;
    let etag = s.head("img/photo.jpg").send().await.header("etag").unwrap().to_string();
    let r = s
        .get("img/photo.jpg")
        .q("x-oss-process", "image/resize,w_100")
        .h("Range", "bytes=0-9")
        .h("If-None-Match", &etag)
        .send()
        .await;
    assert_image(&r, Format::Jpg, "image/jpeg", 100, 67);
    r.lacks("content-range");
}

#[tokio::test]
async fn named_style_and_delimiter_style() {
    let s = server().await;
    // 267 × 50 / 400 = 33.4 → 33.
    let r = s.get("img/photo.jpg").q("x-oss-process", "style/small").send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 50, 33);
    // Without a configured delimiter, `photo.jpg!small` is just a missing key.
    s.get("img/photo.jpg!small").send().await.err(404, "NoSuchKey");
    configure(&s, "img", "Both", "Disabled", "", "!").await;
    let r = s.get("img/photo.jpg!small").send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 50, 33);
    // The same through virtual-hosted addressing.
    let r = s.get("img/photo.jpg!small").vhost().send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 50, 33);
    // A configured delimiter that is not the one used.
    s.get("img/photo.jpg-small").send().await.err(404, "NoSuchKey");
    // A key that really contains the delimiter is still served as a key.
    s.object("img/a!b", b"plain").await;
    s.get("img/a!b").send().await.status(200).body_is("plain");
}

#[tokio::test]
async fn delimiter_with_a_missing_style_is_no_such_style() {
    let s = server().await;
    configure(&s, "img", "Both", "Disabled", "", "-,!").await;
    // Spec §5.2: missing style after a delimiter → 404 NoSuchStyle.
    s.get("img/photo.jpg!nosuch").send().await.err(404, "NoSuchStyle");
    // Neither a key nor an object followed by a style: NoSuchKey.
    s.get("img/ghost.jpg!nosuch").send().await.err(404, "NoSuchKey");
}

#[tokio::test]
async fn info_and_average_hue_are_json() {
    let s = server().await;
    let r = s.get("img/photo.jpg").q("x-oss-process", "image/info").send().await;
    r.status(200).has("content-type", "application/json");
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    assert_eq!(v["ImageWidth"]["value"], "400");
    assert_eq!(v["ImageHeight"]["value"], "267");
    assert_eq!(v["FileSize"]["value"], PHOTO_SIZE);
    assert_eq!(v["Format"]["value"], "jpg");
    r.has("x-oss-hash-crc64ecma", &ossimg::storage::crc64(&r.body).to_string());
    let r = s.get("img/photo.jpg").q("x-oss-process", "image/average-hue").send().await;
    r.status(200).has("content-type", "application/json");
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    let rgb = v["RGB"].as_str().expect("RGB string");
    assert!(rgb.len() == 8 && rgb.starts_with("0x"), "{rgb}");
}

#[tokio::test]
async fn process_errors() {
    let s = server().await;
    let p = |process: &'static str| s.get("img/photo.jpg").q("x-oss-process", process).send();
    // ECs of the parser (spec §4.3).
    p("image/slim,1").await.err(400, "InvalidArgument").ec("0040-00000213");
    p("image/").await.err(400, "InvalidArgument").ec("0040-00000212");
    p("image/rotate,90,200,300").await.err(400, "InvalidArgument").ec("0040-00000203");
    p("image/resize,m_abc,w_10").await.err(400, "InvalidArgument").ec("0040-00000311");
    p("style/nosuch").await.err(404, "NoSuchStyle");
    // sys/saveas belongs to POST only.
    let r = p("image/resize,w_10|sys/saveas,o_ZGVzdC5qcGc").await;
    r.err(400, "InvalidArgument").msg("sys/saveas is only allowed in the body of a POST request.");
    s.head("img/dest.jpg").send().await.err(404, "NoSuchKey");
    // The source must exist (IMG's EC for a missing source, §4.3, not GetObject's) and be an
    // image of at most 20 MB — refused from its stored size, before it is read (§2).
    s.get("img/none.jpg")
        .q("x-oss-process", "image/resize,w_10")
        .send()
        .await
        .err(404, "NoSuchKey")
        .ec("0040-00000024");
    s.get("img/none.jpg").send().await.err(404, "NoSuchKey").ec("0026-00000001");
    let mut big = data(PHOTO);
    big.resize(20 * 1024 * 1024 + 1, 0);
    s.object("img/big.jpg", &big).await;
    let r = s.get("img/big.jpg").q("x-oss-process", "image/resize,w_10").send().await;
    r.err(400, "ImageTooLarge")
        .msg("The source image is larger than 20 MB and cannot be processed.");
    let save = format!("x-oss-process=image/resize,w_10|sys/saveas,o_{}", b64("d.jpg"));
    s.post("img/big.jpg").q("x-oss-process", "").body(save).send().await.err(400, "ImageTooLarge");
    s.object("img/text.jpg", b"this is not an image").await;
    s.get("img/text.jpg")
        .q("x-oss-process", "image/resize,w_10")
        .send()
        .await
        .err(403, "ImageDamage");
}

#[tokio::test]
async fn processing_follows_acls() {
    let s = server().await;
    s.get("img/photo.jpg")
        .q("x-oss-process", "image/resize,w_10")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.put("img").q("acl", "").h("x-oss-acl", "public-read").send().await.status(200);
    let r = s.get("img/photo.jpg").q("x-oss-process", "image/resize,w_10").anon().send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 10, 7);
}

// ------------------------------------------------------------------ sys/saveas (§7)

/// The saveas answer of spec §7.
pub(crate) fn saveas_json(bucket: &str, size: usize, object: &str) -> String {
    format!("{{\n    \"bucket\": \"{bucket}\",\n    \"fileSize\": {size},\n    \"object\": \"{object}\",\n    \"status\": \"OK\"}}")
}

#[tokio::test]
async fn saveas_into_the_same_bucket() {
    let s = server().await;
    let body = format!("x-oss-process=image/resize,w_100|sys/saveas,o_{}", b64("dest.jpg"));
    let r = s.post("img/photo.jpg").q("x-oss-process", "").body(&body).send().await;
    r.status(200).has("content-type", "application/json");
    let saved = s.get("img/dest.jpg").send().await;
    assert_image(&saved, Format::Jpg, "image/jpeg", 100, 67);
    r.body_is(&saveas_json("", saved.body.len(), "dest.jpg"));
    // The Java SDK's check (spec §7).
    assert!(r.text().find("\"status\": \"OK\"").is_some_and(|i| i > 0));
}

#[tokio::test]
async fn saveas_into_another_bucket_with_a_style() {
    let s = server().await;
    s.bucket("out").await;
    // Padded base64url for o and b (Go/Python SDK tests).
    let pad = |v: &str| base64::engine::general_purpose::URL_SAFE.encode(v);
    let body =
        format!("x-oss-process=style/small|sys/saveas,o_{},b_{}", pad("thumbs/s.jpg"), pad("out"));
    let r = s.post("img/photo.jpg").q("x-oss-process", "").body(&body).send().await;
    let saved = s.get("out/thumbs/s.jpg").send().await;
    assert_image(&saved, Format::Jpg, "image/jpeg", 50, 33);
    r.status(200).body_is(&saveas_json("out", saved.body.len(), "thumbs/s.jpg"));
    s.head("img/thumbs/s.jpg").send().await.err(404, "NoSuchKey");
}

#[tokio::test]
async fn saveas_needs_write_permission_on_the_target() {
    let s = Server::new();
    s.bucket_acl("open", "public-read-write").await;
    s.bucket("closed").await;
    s.put("open/photo.jpg").body(data(PHOTO)).send().await.status(200);
    // Anonymous: may read the source and write `open`, not `closed`.
    let to = |bucket: &str| {
        format!("x-oss-process=image/resize,w_20|sys/saveas,o_{},b_{}", b64("t.jpg"), b64(bucket))
    };
    s.post("open/photo.jpg")
        .q("x-oss-process", "")
        .body(to("closed"))
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.head("closed/t.jpg").send().await.err(404, "NoSuchKey");
    s.post("open/photo.jpg")
        .q("x-oss-process", "")
        .body(to("open"))
        .anon()
        .send()
        .await
        .status(200);
    s.head("open/t.jpg").send().await.status(200);
    // A private object in the writable bucket is not overwritten by an anonymous saveas (§8.1).
    s.put("open/kept.jpg").h("x-oss-object-acl", "private").body("mine").send().await.status(200);
    let onto_kept = format!(
        "x-oss-process=image/resize,w_20|sys/saveas,o_{},b_{}",
        b64("kept.jpg"),
        b64("open")
    );
    s.post("open/photo.jpg")
        .q("x-oss-process", "")
        .body(onto_kept)
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.get("open/kept.jpg").send().await.body_is("mine");
    // A target bucket that does not exist.
    let r = s.post("open/photo.jpg").q("x-oss-process", "").body(to("nowhere")).send().await;
    r.err(404, "NoSuchBucket");
    assert_eq!(r.el("BucketName").as_deref(), Some("nowhere"));
}

#[tokio::test]
async fn saveas_errors() {
    let s = server().await;
    let post = |body: String| s.post("img/photo.jpg").q("x-oss-process", "").body(body).send();
    // Without sys/saveas, without the sys/ prefix, without o_, with bad base64.
    post("x-oss-process=image/resize,w_10".into()).await.err(400, "InvalidArgument");
    post(format!("x-oss-process=image/resize,w_10|saveas,o_{}", b64("d.jpg")))
        .await
        .err(400, "InvalidArgument");
    post("x-oss-process=image/resize,w_10|sys/saveas,b_aW1n".into())
        .await
        .err(400, "MissingArgument");
    post("x-oss-process=image/resize,w_10|sys/saveas,o_!!!".into()).await.err(400, "BadRequest");
    post(format!("x-oss-process=image/slim|sys/saveas,o_{}", b64("d.jpg")))
        .await
        .err(400, "InvalidArgument")
        .ec("0040-00000213");
    let save = format!("x-oss-process=image/resize,w_10|sys/saveas,o_{}", b64("d.jpg"));
    s.post("img/none.jpg")
        .q("x-oss-process", "")
        .body(save)
        .send()
        .await
        .err(404, "NoSuchKey")
        .ec("0040-00000024");
    s.head("img/d.jpg").send().await.err(404, "NoSuchKey");
}

// ------------------------------------------------------------------ source-file protection (§5.1)

#[tokio::test]
async fn source_file_protection() {
    let s = Server::new();
    s.bucket_acl("prot", "public-read").await;
    put_style(&s, "prot", "small", "image/resize,w_50").await;
    for key in ["prot/photo.jpg", "prot/UPPER.JPG", "prot/photo.gif"] {
        s.put(key).body(data(PHOTO)).send().await.status(200);
    }
    s.object("prot/note.txt", b"hello").await;
    configure(&s, "prot", "Img", "Enabled", "jpg,png", "!").await;
    let denied = |r: &Resp| {
        r.err(403, "AccessDenied").ec("0040-00000031");
    };
    // Anonymous: direct download and inline processing of a protected suffix are refused.
    denied(&s.get("prot/photo.jpg").anon().send().await);
    denied(&s.get("prot/UPPER.JPG").anon().send().await);
    denied(&s.get("prot/photo.jpg").q("x-oss-process", "image/resize,w_10").anon().send().await);
    // Styles are allowed, both forms.
    let r = s.get("prot/photo.jpg").q("x-oss-process", "style/small").anon().send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 50, 33);
    let r = s.get("prot/photo.jpg!small").anon().send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 50, 33);
    // Other suffixes are not protected.
    s.get("prot/note.txt").anon().send().await.status(200).body_is("hello");
    s.get("prot/photo.gif").anon().send().await.status(200);
    // Signed requests are not affected.
    s.get("prot/photo.jpg").send().await.status(200);
    s.get("prot/photo.jpg").auth(Auth::V1).send().await.status(200);
    let r = s.get("prot/photo.jpg").q("x-oss-process", "image/resize,w_10").send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 10, 7);
    // Anonymous inline saveas is refused as well (else the result would be readable elsewhere);
    // a style is allowed.
    s.bucket_acl("dump", "public-read-write").await;
    let body =
        |p: &str| format!("x-oss-process={p}|sys/saveas,o_{},b_{}", b64("out.jpg"), b64("dump"));
    denied(
        &s.post("prot/photo.jpg")
            .q("x-oss-process", "")
            .body(body("image/resize,w_10"))
            .anon()
            .send()
            .await,
    );
    s.head("dump/out.jpg").send().await.err(404, "NoSuchKey");
    s.post("prot/photo.jpg")
        .q("x-oss-process", "")
        .body(body("style/small"))
        .anon()
        .send()
        .await
        .status(200);
    s.post("prot/photo.jpg")
        .q("x-oss-process", "")
        .body(body("image/resize,w_10"))
        .send()
        .await
        .status(200);
    // `*` protects every suffix.
    configure(&s, "prot", "Img", "Enabled", "*", "!").await;
    denied(&s.get("prot/note.txt").anon().send().await);
    // Disabled again: anonymous reads work.
    configure(&s, "prot", "Img", "Disabled", "*", "!").await;
    s.get("prot/photo.jpg").anon().send().await.status(200);
}

#[tokio::test]
async fn style_with_more_actions_and_empty_process_are_refused() {
    let s = server().await;
    // Spec §6.5 recommendation: a style cannot be combined with inline actions.
    s.get("img/photo.jpg")
        .q("x-oss-process", "style/small/resize,w_10")
        .send()
        .await
        .err(400, "InvalidArgument");
    s.get("img/photo.jpg").q("x-oss-process", "").send().await.err(400, "InvalidArgument");
    s.get("img/photo.jpg")
        .q("x-oss-process", "video/snapshot,t_0")
        .send()
        .await
        .err(400, "InvalidArgument");
}

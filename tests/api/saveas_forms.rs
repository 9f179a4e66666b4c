//! The two forms of a `sys/saveas` POST body (issue 16, spec §7): raw (the Go, Java and Python
//! SDKs) and form-encoded (ali-oss's `processObjectSave`, `querystring.stringify`), with the
//! exact answers of each, the Base64 alphabets in both, and the errors that follow once the body
//! is understood (a missing source or bucket is 404, no longer 400).

use base64::Engine as _;
use md5::Digest as _;
use ossimg::api::auth::encode_query;
use ossimg::process::Format;

use crate::harness::*;
use crate::processing::{assert_image, b64, saveas_json, server};

/// Standard, padded Base64, as ali-oss (js-base64) and the Java SDK write `o`/`b`.
fn std_b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// The body ali-oss sends for `processObjectSave`: `querystring.stringify({'x-oss-process': v})`.
fn form(process: &str) -> String {
    encode_query(&[("x-oss-process".to_string(), process.to_string())])
}

/// POSTs `body` to `target?x-oss-process` as ali-oss does: `Content-Type` from the key's
/// extension and a `Content-MD5` of the body.
async fn post(s: &Server, target: &str, body: &str) -> Resp {
    let md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(body.as_bytes()));
    s.post(target)
        .q("x-oss-process", "")
        .h("Content-Type", "image/jpeg")
        .h("Content-MD5", &md5)
        .body(body)
        .send()
        .await
}

#[tokio::test]
async fn ali_oss_form_encoded_body_saves() {
    let s = server().await;
    let body = form(&format!("image/resize,w_100|sys/saveas,o_{}", std_b64("dest.jpg")));
    assert_eq!(body, "x-oss-process=image%2Fresize%2Cw_100%7Csys%2Fsaveas%2Co_ZGVzdC5qcGc%3D");
    let r = post(&s, "img/photo.jpg", &body).await;
    r.status(200).has("content-type", "application/json");
    let saved = s.get("img/dest.jpg").send().await;
    assert_image(&saved, Format::Jpg, "image/jpeg", 100, 67);
    r.body_is(&saveas_json("", saved.body.len(), "dest.jpg"));
}

#[tokio::test]
async fn both_forms_save_the_same_names_in_another_bucket() {
    // Names whose standard Base64 has `+`, `/` and `=` ("out/a??>>.jpg"), and one with `%` and
    // a space: raw they stay as written, form-encoded they are escaped and decoded once.
    let s = server().await;
    s.bucket("out").await;
    for (i, name) in ["out/a??>>.jpg", "100% a%2Fb.jpg"].into_iter().enumerate() {
        let raw = format!("style/small|sys/saveas,o_{},b_{}", std_b64(name), std_b64("out"));
        assert!(i > 0 || (raw.contains('+') && raw.contains("/Pz4")), "{raw}");
        for body in [format!("x-oss-process={raw}"), form(&raw)] {
            s.delete(&format!("out/{name}")).send().await.status(204);
            let r = post(&s, "img/photo.jpg", &body).await;
            let saved = s.get(&format!("out/{name}")).send().await;
            assert_image(&saved, Format::Jpg, "image/jpeg", 50, 33);
            r.status(200).body_is(&saveas_json("out", saved.body.len(), name));
        }
    }
}

#[tokio::test]
async fn missing_source_and_buckets_are_404_in_either_form() {
    let s = server().await;
    let to = |bucket: Option<&str>| {
        let b = bucket.map(|b| format!(",b_{}", std_b64(b))).unwrap_or_default();
        format!("image/resize,w_10|sys/saveas,o_{}{b}", std_b64("d.jpg"))
    };
    for body in [format!("x-oss-process={}", to(None)), form(&to(None))] {
        let r = post(&s, "img/none.jpg", &body).await;
        r.err(404, "NoSuchKey").ec("0040-00000024");
        let r = post(&s, "ghost/photo.jpg", &body).await;
        r.err(404, "NoSuchBucket");
        assert_eq!(r.el("BucketName").as_deref(), Some("ghost"));
    }
    for body in [format!("x-oss-process={}", to(Some("nowhere"))), form(&to(Some("nowhere")))] {
        let r = post(&s, "img/photo.jpg", &body).await;
        r.err(404, "NoSuchBucket");
        assert_eq!(r.el("BucketName").as_deref(), Some("nowhere"));
    }
    s.head("img/d.jpg").send().await.err(404, "NoSuchKey");
}

#[tokio::test]
async fn bodies_that_are_neither_form_are_refused() {
    let s = server().await;
    let saveas = format!("sys/saveas,o_{}", b64("d.jpg"));
    // A malformed escape; a double-encoded body (decoded once it is still encoded); a raw body
    // with an escape (never decoded: `%2C` is no comma there); `saveas` without `sys/`.
    for (body, message) in [
        (
            "x-oss-process=image%2Fresize%2Cw_10%7".to_string(),
            "The form-encoded request body has a malformed escape or is not UTF-8.",
        ),
        (
            format!("x-oss-process=image%252Fresize%252Cw_10%257C{saveas}"),
            "The process string must start with image/ or style/, got \"image%2Fresize%2Cw_10%7Csys/",
        ),
        (format!("x-oss-process=image/resize%2Cw_10|{saveas}"), ""),
        (form(&format!("image/resize,w_10|saveas,o_{}", b64("d.jpg"))), "saveas must be written sys/saveas."),
    ] {
        let r = post(&s, "img/photo.jpg", &body).await;
        r.err(400, "InvalidArgument");
        let got = r.el("Message").unwrap_or_default();
        assert!(got.starts_with(message), "{body}: {got}");
    }
    // A form-encoded `+` is a space, not Base64's plus.
    let body = form(&format!("image/resize,w_10|sys/saveas,o_{}", std_b64("out/a??>>.jpg")));
    let r = post(&s, "img/photo.jpg", &body.replace("%2B", "+")).await;
    r.err(400, "BadRequest").msg("Input is not base64 decoding.");
    s.head("img/d.jpg").send().await.err(404, "NoSuchKey");
}

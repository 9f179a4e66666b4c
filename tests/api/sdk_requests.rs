//! Requests the official SDKs (ali-oss's `lib/` above all, issue 16) can send for features
//! ossimg does not have: each is a clear OSS error, `501 NotImplemented`, and changes nothing —
//! never a success that silently did less than asked.

use crate::harness::*;

/// The message of a sub-resource this server does not implement.
fn not_implemented(name: &str) -> String {
    format!("The sub-resource '{name}' is not implemented by this server.")
}

#[tokio::test]
async fn callback_header_is_not_implemented_and_stores_nothing() {
    let s = Server::new();
    s.bucket("bkt").await;
    // ali-oss `put(name, data, { callback })`: base64 JSON naming the application's server.
    let callback = "eyJjYWxsYmFja1VybCI6Imh0dHA6Ly8xMjcuMC4wLjE6OS9jYiJ9";
    let r = s.put("bkt/cb.txt").h("x-oss-callback", callback).body("x").send().await;
    r.err(501, "NotImplemented")
        .msg("A header you provided implies functionality that is not implemented.");
    assert_eq!(r.el("Header").as_deref(), Some("x-oss-callback"));
    s.head("bkt/cb.txt").send().await.err(404, "NoSuchKey");
    // CompleteMultipartUpload with a callback: the upload stays, uncompleted.
    let init = s.post("bkt/mp.bin").q("uploads", "").send().await;
    let id = init.el("UploadId").expect("an upload id");
    let r = s
        .post("bkt/mp.bin")
        .q("uploadId", &id)
        .h("x-oss-callback", callback)
        .body("<CompleteMultipartUpload></CompleteMultipartUpload>")
        .send()
        .await;
    r.err(501, "NotImplemented");
    s.get("bkt/mp.bin").q("uploadId", &id).send().await.status(200);
}

#[tokio::test]
async fn post_object_form_upload_is_not_implemented() {
    let s = Server::new();
    s.bucket("bkt").await;
    let form = "--xx\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk.txt\r\n--xx--\r\n";
    for content_type in ["multipart/form-data; boundary=xx", "Multipart/Form-Data;boundary=xx"] {
        s.post("bkt")
            .h("Content-Type", content_type)
            .body(form)
            .anon()
            .send()
            .await
            .err(501, "NotImplemented")
            .msg("PostObject (form upload) is not implemented by this server.");
    }
    s.head("bkt/k.txt").send().await.err(404, "NoSuchKey");
    // Another POST on a bucket is still no method of it.
    s.post("bkt").body("x").send().await.err(405, "MethodNotAllowed");
}

#[tokio::test]
async fn ali_oss_sub_resources_without_a_server_side_are_not_implemented() {
    let s = Server::new();
    s.bucket("bkt").await;
    s.object("bkt/a.txt", b"hello").await;
    // (method, target, sub-resource) as ali-oss sends them.
    let requests = [
        ("PUT", "bkt/a.txt", "symlink"),
        ("GET", "bkt/a.txt", "symlink"),
        ("PUT", "bkt/a.txt", "tagging"),
        ("GET", "bkt/a.txt", "tagging"),
        ("DELETE", "bkt/a.txt", "tagging"),
        ("POST", "bkt/a.txt", "append"),
        ("POST", "bkt/a.txt", "restore"),
        ("POST", "bkt/f.txt", "asyncFetch"),
        ("GET", "bkt", "versions"),
        ("PUT", "bkt", "lifecycle"),
        ("PUT", "bkt", "website"),
        ("PUT", "bkt", "referer"),
        ("PUT", "bkt", "cors"),
        ("PUT", "bkt", "logging"),
        ("PUT", "bkt", "policy"),
        ("PUT", "bkt", "encryption"),
        ("PUT", "bkt", "tagging"),
        ("PUT", "bkt", "versioning"),
        ("GET", "bkt", "requestPayment"),
        ("GET", "bkt", "stat"),
        ("POST", "bkt", "worm"),
        ("GET", "bkt", "inventory"),
        ("PUT", "bkt/ch", "live"),
    ];
    for (method, target, sub) in requests {
        s.req(method, target)
            .q(sub, "")
            .body("<x/>")
            .send()
            .await
            .err(501, "NotImplemented")
            .msg(&not_implemented(sub));
    }
    s.get("bkt/a.txt").send().await.status(200).body_is("hello");
}

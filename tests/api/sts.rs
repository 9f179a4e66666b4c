//! Temporary credentials (issue 14 item 7): issued by `POST /?sts` (or `ossimg key issue`),
//! accepted with signature V1 and V4, in headers and presigned URLs, by any instance sharing the
//! keys, until they expire (`403 SecurityTokenExpired`, EC 0002-00000007) and only inside their
//! grant (`403 AccessDenied`, EC 0003-00000301).

use crate::harness::*;
use crate::processing::{b64, PHOTO};

/// A credential as the API answers it.
#[derive(Clone)]
struct Creds {
    id: String,
    secret: String,
    token: String,
}

/// Issues a credential through the API (signed V4 by the owner).
async fn issue(s: &Server, params: &[(&str, &str)]) -> Creds {
    let mut r = s.post("").q("sts", "");
    for (n, v) in params {
        r = r.q(n, v);
    }
    let r = r.send().await;
    r.status(200).has("content-type", "application/json");
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    let c = &v["Credentials"];
    let field = |n: &str| c[n].as_str().unwrap_or_else(|| panic!("{n} in {v}")).to_string();
    assert!(field("AccessKeyId").starts_with("STS."));
    assert!(field("Expiration").ends_with('Z') && field("Expiration").len() == 20);
    Creds {
        id: field("AccessKeyId"),
        secret: field("AccessKeySecret"),
        token: field("SecurityToken"),
    }
}

async fn setup() -> Server {
    let s = Server::new();
    for b in ["img", "other"] {
        s.bucket(b).await;
    }
    s.put("img/up/photo.jpg").body(data(PHOTO)).send().await.status(200);
    s.put("img/private/secret.jpg").body(data(PHOTO)).send().await.status(200);
    s
}

/// A request signed with `c` in `auth`'s way, the token where that way carries it.
fn with<'s>(req: Req<'s>, c: &Creds, auth: Auth) -> Req<'s> {
    let req = req.key_id(&c.id).secret(&c.secret);
    match auth {
        Auth::V1Url(_) => req.q("security-token", &c.token).auth(auth),
        Auth::V4Url(_) => req.q("x-oss-security-token", &c.token).auth(auth),
        _ => req.h("x-oss-security-token", &c.token).auth(auth),
    }
}

fn all_ways(s: &Server) -> [Auth; 4] {
    [Auth::V1, Auth::V4, Auth::V1Url(s.now() + 600), Auth::V4Url(600)]
}

#[tokio::test]
async fn in_scope_works_with_every_signature() {
    let s = setup().await;
    let c = issue(&s, &[("bucket", "img"), ("prefix", "up/"), ("duration-seconds", "900")]).await;
    for auth in all_ways(&s) {
        let name = format!("{auth:?}");
        with(s.get("img/up/photo.jpg"), &c, auth).send().await.status(200);
        let r = with(s.get("img/up/photo.jpg"), &c, auth)
            .q("x-oss-process", "image/resize,w_40")
            .send()
            .await;
        r.status(200);
        assert_eq!(ossimg::codec::probe(&r.body).unwrap().width, 40, "{name}");
        if matches!(auth, Auth::V1 | Auth::V4) {
            let key = format!("img/up/new-{}.txt", name.len());
            with(s.put(&key), &c, auth).body("hello").send().await.status(200);
            s.get(&key).send().await.status(200).body_is("hello");
            with(s.delete(&key), &c, auth).send().await.status(204);
        }
    }
    // Listing inside the prefix.
    with(s.get("img").q("prefix", "up/"), &c, Auth::V4).send().await.status(200);
    // saveas into the prefix.
    let body = format!("x-oss-process=image/resize,w_20|sys/saveas,o_{}", b64("up/thumb.jpg"));
    with(s.post("img/up/photo.jpg").q("x-oss-process", ""), &c, Auth::V1)
        .body(body)
        .send()
        .await
        .status(200);
}

#[tokio::test]
async fn out_of_scope_is_403_access_denied() {
    let s = setup().await;
    let c = issue(&s, &[("bucket", "img"), ("prefix", "up/")]).await;
    let denied = |r: &Resp| {
        r.err(403, "AccessDenied").ec("0003-00000301");
    };
    for auth in all_ways(&s) {
        denied(&with(s.get("img/private/secret.jpg"), &c, auth).send().await);
        denied(&with(s.get("other/up/photo.jpg"), &c, auth).send().await);
    }
    denied(&with(s.put("img/private/x"), &c, Auth::V1).body("x").send().await);
    denied(&with(s.get(""), &c, Auth::V4).send().await); // ListBuckets
    denied(&with(s.get("img"), &c, Auth::V4).send().await); // listing the whole bucket
    denied(&with(s.get("img").q("acl", ""), &c, Auth::V4).send().await);
    denied(&with(s.delete("img"), &c, Auth::V4).send().await);
    // Copying a readable-only-outside object into the prefix.
    denied(
        &with(s.put("img/up/copy.jpg"), &c, Auth::V1)
            .h("x-oss-copy-source", "/img/private/secret.jpg")
            .send()
            .await,
    );
    // saveas out of the prefix; a watermark showing an object outside it.
    let body = format!("x-oss-process=image/resize,w_20|sys/saveas,o_{}", b64("private/t.jpg"));
    let r = with(s.post("img/up/photo.jpg").q("x-oss-process", ""), &c, Auth::V1)
        .body(body)
        .send()
        .await;
    r.err(403, "AccessDenied");
    let mark = format!("image/watermark,image_{}", b64("private/secret.jpg"));
    let r = with(s.get("img/up/photo.jpg").q("x-oss-process", &mark), &c, Auth::V4).send().await;
    r.err(403, "AccessDenied");
    // Temporary credentials cannot issue more.
    denied(&with(s.post("").q("sts", "").q("bucket", "img"), &c, Auth::V4).send().await);
    // Read-only: reads yes, writes no.
    let ro = issue(&s, &[("bucket", "img"), ("read-only", "true")]).await;
    with(s.get("img/private/secret.jpg"), &ro, Auth::V1).send().await.status(200);
    denied(&with(s.put("img/up/x"), &ro, Auth::V1).body("x").send().await);
    denied(&with(s.delete("img/up/photo.jpg"), &ro, Auth::V4).send().await);
}

#[tokio::test]
async fn expired_is_403_security_token_expired() {
    let s = setup().await;
    let c = issue(&s, &[("bucket", "img"), ("duration-seconds", "900")]).await;
    s.set_now(s.now() + 899);
    with(s.get("img/up/photo.jpg"), &c, Auth::V1).send().await.status(200);
    s.set_now(s.now() + 1);
    for auth in all_ways(&s) {
        with(s.get("img/up/photo.jpg"), &c, auth)
            .send()
            .await
            .err(403, "SecurityTokenExpired")
            .ec("0002-00000007")
            .msg("The security token you provided has expired.");
    }
}

#[tokio::test]
async fn tokens_are_checked_and_stateless() {
    let s = setup().await;
    let c = issue(&s, &[("bucket", "img")]).await;
    // Another instance with the same keys accepts them: nothing was stored.
    let other = setup().await;
    with(other.get("img/up/photo.jpg"), &c, Auth::V4).send().await.status(200);
    // A token altered, or missing, or the permanent key sent with a token.
    let mut bad = Creds { token: c.token.replacen('.', "x.", 1), ..c.clone() };
    with(s.get("img/up/photo.jpg"), &bad, Auth::V1).send().await.err(403, "InvalidAccessKeyId");
    bad.token = c.token.clone();
    bad.secret = "wrong".into();
    with(s.get("img/up/photo.jpg"), &bad, Auth::V1).send().await.err(403, "SignatureDoesNotMatch");
    s.get("img/up/photo.jpg")
        .key_id(&c.id)
        .secret(&c.secret)
        .send()
        .await
        .err(403, "InvalidAccessKeyId");
    s.get("img/up/photo.jpg")
        .h("x-oss-security-token", &c.token)
        .send()
        .await
        .err(403, "InvalidAccessKeyId");
}

#[tokio::test]
async fn the_issuing_call_checks_its_arguments() {
    let s = setup().await;
    s.post("").q("sts", "").q("bucket", "img").anon().send().await.err(403, "AccessDenied");
    s.post("").q("sts", "").send().await.err(400, "MissingArgument");
    s.post("").q("sts", "").q("bucket", "nope").send().await.err(404, "NoSuchBucket");
    for d in ["899", "43201", "x"] {
        s.post("")
            .q("sts", "")
            .q("bucket", "img")
            .q("duration-seconds", d)
            .send()
            .await
            .err(400, "InvalidArgument");
    }
    s.post("")
        .q("sts", "")
        .q("bucket", "img")
        .q("read-only", "maybe")
        .send()
        .await
        .err(400, "InvalidArgument");
    s.get("").q("sts", "").q("bucket", "img").send().await.err(405, "MethodNotAllowed");
    // 43200 (12 h) is the longest.
    issue(&s, &[("bucket", "img"), ("duration-seconds", "43200")]).await;
}

/// `ossimg key issue` with `env` (and no config file, no data directory keys).
fn cli(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let empty = std::env::temp_dir().join(format!("ossimg-sts-cli-{}", std::process::id()));
    std::process::Command::new(env!("CARGO_BIN_EXE_ossimg"))
        .args(["key", "issue", "--data-dir"])
        .arg(&empty)
        .args(args)
        .env_remove("OSSIMG_ACCESS_KEY_ID")
        .env_remove("OSSIMG_ACCESS_KEY_SECRET")
        .env_remove("OSSIMG_DATA_DIR")
        .envs(env.iter().copied())
        .output()
        .expect("run ossimg")
}

#[tokio::test]
async fn the_cli_issues_what_servers_with_the_same_keys_accept() {
    let s = setup().await;
    let keys = [("OSSIMG_ACCESS_KEY_ID", AK), ("OSSIMG_ACCESS_KEY_SECRET", SK)];
    let out = cli(&["--bucket", "img", "--prefix", "up/", "--read-only", "--ttl", "15m"], &keys);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let field = |n: &str| v["Credentials"][n].as_str().unwrap().to_string();
    let c = Creds {
        id: field("AccessKeyId"),
        secret: field("AccessKeySecret"),
        token: field("SecurityToken"),
    };
    // Issued on the wall clock: move the test server there.
    s.set_now(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
            as i64,
    );
    with(s.get("img/up/photo.jpg"), &c, Auth::V4).send().await.status(200);
    with(s.put("img/up/x"), &c, Auth::V1).body("x").send().await.err(403, "AccessDenied");
    s.set_now(s.now() + 15 * 60);
    with(s.get("img/up/photo.jpg"), &c, Auth::V4).send().await.err(403, "SecurityTokenExpired");
    // Refused: a lifetime over 12 h, an unknown --key-id, no key at all (exit 2, a reason).
    for (args, env) in [
        (&["--bucket", "img", "--ttl", "13h"][..], &keys[..]),
        (&["--bucket", "img", "--key-id", "nobody"][..], &keys[..]),
        (&["--bucket", "img"][..], &[][..]),
    ] {
        let out = cli(args, env);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty() && !out.stderr.is_empty(), "{args:?}");
    }
}

//! ListObjects (V1) and ListObjectsV2: prefix, delimiter and CommonPrefixes, marker and
//! continuation, max-keys with IsTruncated/NextMarker, `encoding-type=url`, KeyCount, exact XML
//! (spec §10.6, §10.7).

use crate::harness::*;

/// The keys of [`server`], in UTF-8 byte order (space sorts before `.`).
const KEYS: [&str; 6] =
    ["a b+c.txt", "a.txt", "fun/movie/001.avi", "fun/movie/007.avi", "fun/test.jpg", "oss.jpg"];
/// ETag of the one-byte body `x`.
const X_ETAG: &str = "\"9DD4E461268C8034F5C8564E155C67A6\"";
const OWNER: &str = "<Owner><ID>ossimg</ID><DisplayName>ossimg</DisplayName></Owner>";

/// A bucket `lst` holding [`KEYS`], each the body `x`.
async fn server() -> Server {
    let s = Server::new();
    s.bucket("lst").await;
    for k in KEYS {
        s.object(&format!("lst/{k}"), b"x").await;
    }
    s
}

/// One `<Contents>` entry as listed (key already encoded as the listing encodes it).
fn contents(key: &str, owner: bool) -> String {
    format!(
        "<Contents><Key>{key}</Key><LastModified>2023-11-14T22:13:20.000Z</LastModified><ETag>{X_ETAG}</ETag>\
         <Type>Normal</Type><Size>1</Size><StorageClass>Standard</StorageClass>{}</Contents>",
        if owner { OWNER } else { "" }
    )
}

fn prefixes(ps: &[&str]) -> String {
    ps.iter().map(|p| format!("<CommonPrefixes><Prefix>{p}</Prefix></CommonPrefixes>")).collect()
}

/// The `<Key>`s of a listing, in order.
fn keys_of(r: &Resp) -> Vec<String> {
    ossimg::api::xml::elements(&r.text(), "Key").expect("well-formed listing")
}

#[tokio::test]
async fn list_v1_everything_exact() {
    let s = server().await;
    let all: String = KEYS.iter().map(|k| contents(k, true)).collect();
    s.get("lst").send().await.status(200).has("content-type", "application/xml").body_is(&format!(
        "{PROLOG}<ListBucketResult><Name>lst</Name><Prefix></Prefix><Marker></Marker><MaxKeys>100</MaxKeys>\
         <Delimiter></Delimiter><IsTruncated>false</IsTruncated>{all}</ListBucketResult>"
    ));
}

#[tokio::test]
async fn list_v1_prefix_and_delimiter() {
    let s = server().await;
    s.get("lst").q("prefix", "fun/").q("delimiter", "/").send().await.status(200).body_is(&format!(
        "{PROLOG}<ListBucketResult><Name>lst</Name><Prefix>fun/</Prefix><Marker></Marker><MaxKeys>100</MaxKeys>\
         <Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>{}{}</ListBucketResult>",
        contents("fun/test.jpg", true),
        prefixes(&["fun/movie/"])
    ));
    // At the root: three keys and one common prefix.
    let r = s.get("lst").q("delimiter", "/").send().await;
    assert_eq!(keys_of(&r), ["a b+c.txt", "a.txt", "oss.jpg"]);
    assert!(r.text().contains(&prefixes(&["fun/"])));
    // A prefix matching nothing.
    let r = s.get("lst").q("prefix", "zzz").send().await;
    assert!(keys_of(&r).is_empty());
    r.status(200);
}

#[tokio::test]
async fn list_v1_marker_and_max_keys_pages() {
    let s = server().await;
    let page = |marker: &'static str| s.get("lst").q("max-keys", "2").q("marker", marker).send();
    let r = page("").await;
    assert_eq!(keys_of(&r), ["a b+c.txt", "a.txt"]);
    assert_eq!(r.el("IsTruncated").as_deref(), Some("true"));
    assert_eq!(r.el("NextMarker").as_deref(), Some("a.txt"));
    assert_eq!(r.el("MaxKeys").as_deref(), Some("2"));
    let r = page("a.txt").await;
    assert_eq!(r.el("Marker").as_deref(), Some("a.txt"));
    assert_eq!(keys_of(&r), ["fun/movie/001.avi", "fun/movie/007.avi"]);
    assert_eq!(r.el("NextMarker").as_deref(), Some("fun/movie/007.avi"));
    let r = page("fun/movie/007.avi").await;
    assert_eq!(keys_of(&r), ["fun/test.jpg", "oss.jpg"]);
    assert_eq!(r.el("IsTruncated").as_deref(), Some("false"));
    assert_eq!(r.el("NextMarker"), None);
    // The marker need not be a key: strictly greater keys follow.
    let r = s.get("lst").q("marker", "fun/n").send().await;
    assert_eq!(keys_of(&r), ["fun/test.jpg", "oss.jpg"]);
}

#[tokio::test]
async fn list_v1_pages_with_common_prefixes() {
    let s = server().await;
    // max-keys counts keys and common prefixes together.
    let r = s.get("lst").q("delimiter", "/").q("max-keys", "3").send().await;
    assert_eq!(keys_of(&r), ["a b+c.txt", "a.txt"]);
    assert!(r.text().contains(&prefixes(&["fun/"])));
    assert_eq!(r.el("IsTruncated").as_deref(), Some("true"));
    let next = r.el("NextMarker").expect("NextMarker");
    // Continuing after the common prefix does not list it (or its keys) again.
    let r = s.get("lst").q("delimiter", "/").q("max-keys", "3").q("marker", &next).send().await;
    assert_eq!(keys_of(&r), ["oss.jpg"]);
    assert!(!r.text().contains("<CommonPrefixes>"), "{}", r.text());
    assert_eq!(r.el("IsTruncated").as_deref(), Some("false"));
}

#[tokio::test]
async fn list_encoding_type_url() {
    let s = server().await;
    s.get("lst")
        .q("prefix", "a b+")
        .q("encoding-type", "url")
        .send()
        .await
        .status(200)
        .body_is(&format!(
            "{PROLOG}<ListBucketResult><Name>lst</Name><Prefix>a%20b%2B</Prefix><Marker></Marker><MaxKeys>100</MaxKeys>\
             <Delimiter></Delimiter><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>{}</ListBucketResult>",
            contents("a%20b%2Bc.txt", true)
        ));
    // NextMarker is encoded too.
    let r = s.get("lst").q("max-keys", "1").q("encoding-type", "url").send().await;
    assert_eq!(r.el("NextMarker").as_deref(), Some("a%20b%2Bc.txt"));
    // Without encoding-type, the raw key.
    let r = s.get("lst").q("max-keys", "1").send().await;
    assert_eq!(keys_of(&r), ["a b+c.txt"]);
}

#[tokio::test]
async fn list_v2_pages_exact() {
    let s = server().await;
    s.get("lst")
        .q("list-type", "2")
        .q("max-keys", "2")
        .q("encoding-type", "url")
        .send()
        .await
        .status(200)
        .body_is(&format!(
            "{PROLOG}<ListBucketResult><Name>lst</Name><Prefix></Prefix><MaxKeys>2</MaxKeys><Delimiter></Delimiter>\
             <EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextContinuationToken>a.txt</NextContinuationToken>\
             <KeyCount>2</KeyCount>{}{}</ListBucketResult>",
            contents("a%20b%2Bc.txt", false),
            contents("a.txt", false)
        ));
    s.get("lst")
        .q("list-type", "2")
        .q("max-keys", "3")
        .q("continuation-token", "a.txt")
        .q("delimiter", "/")
        .q("fetch-owner", "true")
        .send()
        .await
        .status(200)
        .body_is(&format!(
            "{PROLOG}<ListBucketResult><Name>lst</Name><Prefix></Prefix><ContinuationToken>a.txt</ContinuationToken>\
             <MaxKeys>3</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated><KeyCount>2</KeyCount>{}{}</ListBucketResult>",
            contents("oss.jpg", true),
            prefixes(&["fun/"])
        ));
}

#[tokio::test]
async fn list_v2_start_after_and_key_count() {
    let s = server().await;
    let r = s
        .get("lst")
        .q("list-type", "2")
        .q("start-after", "fun/movie/001.avi")
        .q("prefix", "fun/")
        .send()
        .await;
    r.status(200);
    assert_eq!(r.el("StartAfter").as_deref(), Some("fun/movie/001.avi"));
    assert_eq!(keys_of(&r), ["fun/movie/007.avi", "fun/test.jpg"]);
    assert_eq!(r.el("KeyCount").as_deref(), Some("2"));
    assert_eq!(r.el("ContinuationToken"), None);
    assert!(!r.text().contains("<Owner>"));
    // oss2 always sends `continuation-token=` (empty) on the first page: start-after still holds.
    let r = s
        .get("lst")
        .q("list-type", "2")
        .q("continuation-token", "")
        .q("start-after", "fun/movie/001.avi")
        .q("prefix", "fun/")
        .send()
        .await;
    assert_eq!(keys_of(&r), ["fun/movie/007.avi", "fun/test.jpg"]);
    // KeyCount counts common prefixes.
    let r = s.get("lst").q("list-type", "2").q("prefix", "fun/").q("delimiter", "/").send().await;
    assert_eq!(r.el("KeyCount").as_deref(), Some("2"));
    // Encoded StartAfter and ContinuationToken.
    let r = s
        .get("lst")
        .q("list-type", "2")
        .q("start-after", "a b")
        .q("encoding-type", "url")
        .send()
        .await;
    assert_eq!(r.el("StartAfter").as_deref(), Some("a%20b"));
    let r = s
        .get("lst")
        .q("list-type", "2")
        .q("continuation-token", "a b")
        .q("encoding-type", "url")
        .send()
        .await;
    assert_eq!(r.el("ContinuationToken").as_deref(), Some("a%20b"));
    assert_eq!(keys_of(&r)[0], "a%20b%2Bc.txt");
}

#[tokio::test]
async fn list_errors_and_access() {
    let s = server().await;
    for bad in ["0", "1001", "ten", "-1"] {
        s.get("lst").q("max-keys", bad).send().await.err(400, "InvalidArgument");
    }
    s.get("lst").q("max-keys", "1000").send().await.status(200);
    s.get("lst").q("encoding-type", "xml").send().await.err(400, "InvalidArgument");
    s.get("lst").q("prefix", &"p".repeat(1024)).send().await.err(400, "InvalidArgument");
    s.get("nob").send().await.err(404, "NoSuchBucket");
    s.get("lst").anon().send().await.err(403, "AccessDenied");
    // Public buckets may be listed anonymously (spec §8.1 recommendation).
    s.put("lst").q("acl", "").h("x-oss-acl", "public-read").send().await.status(200);
    let r = s.get("lst").anon().send().await;
    assert_eq!(keys_of(&r).len(), KEYS.len());
}

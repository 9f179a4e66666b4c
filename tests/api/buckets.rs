//! Service and bucket operations: ListBuckets, PutBucket (+ `x-oss-acl`), DeleteBucket,
//! Get/PutBucketAcl, DeleteMultipleObjects and Get/PutBucketProcessConfiguration (spec §5.3, §10).

use crate::harness::*;

/// The `AccessControlPolicy` of Get{Bucket,Object}Acl for `grant` (spec §10.8).
pub fn acl_xml(grant: &str) -> String {
    format!(
        "{PROLOG}<AccessControlPolicy><Owner><ID>ossimg</ID><DisplayName>ossimg</DisplayName></Owner>\
         <AccessControlList><Grant>{grant}</Grant></AccessControlList></AccessControlPolicy>"
    )
}

/// One `<Bucket>` of ListBuckets, created at [`NOW`] and listed over [`PATH_HOST`].
pub(crate) fn bucket_entry(name: &str) -> String {
    format!(
        "<Bucket><CreationDate>2023-11-14T22:13:20.000Z</CreationDate><ExtranetEndpoint>{PATH_HOST}</ExtranetEndpoint>\
         <IntranetEndpoint>{PATH_HOST}</IntranetEndpoint><Location>oss-{REGION}</Location><Name>{name}</Name>\
         <Region>{REGION}</Region><StorageClass>Standard</StorageClass></Bucket>"
    )
}

/// The `<Owner>` of every listing.
pub(crate) const OWNER: &str = "<Owner><ID>ossimg</ID><DisplayName>ossimg</DisplayName></Owner>";

#[tokio::test]
async fn list_buckets_exact_xml_sorted_and_prefix_filtered() {
    let s = Server::new();
    s.get("").send().await.status(200).has("content-type", "application/xml").body_is(&format!(
        "{PROLOG}<ListAllMyBucketsResult>{OWNER}<Buckets></Buckets></ListAllMyBucketsResult>"
    ));
    s.bucket("zeta").await;
    s.bucket("alpha").await;
    s.bucket("alpine").await;
    s.get("").send().await.status(200).body_is(&format!(
        "{PROLOG}<ListAllMyBucketsResult>{OWNER}<Buckets>{}{}{}</Buckets></ListAllMyBucketsResult>",
        bucket_entry("alpha"),
        bucket_entry("alpine"),
        bucket_entry("zeta")
    ));
    s.get("").q("prefix", "alp").send().await.status(200).body_is(&format!(
        "{PROLOG}<ListAllMyBucketsResult>{OWNER}<Buckets>{}{}</Buckets></ListAllMyBucketsResult>",
        bucket_entry("alpha"),
        bucket_entry("alpine")
    ));
}

#[tokio::test]
async fn list_buckets_anonymous_is_denied() {
    let s = Server::new();
    s.bucket_acl("open", "public-read-write").await;
    s.get("").anon().send().await.err(403, "AccessDenied");
}

#[tokio::test]
async fn put_bucket_answers_empty_200_and_defaults_to_private() {
    let s = Server::new();
    let r = s.put("photos").send().await;
    r.status(200).has("content-length", "0").has("location", "/photos").body_is("");
    s.get("photos").q("acl", "").send().await.status(200).body_is(&acl_xml("private"));
}

#[tokio::test]
async fn put_bucket_with_acl_header_and_configuration_body() {
    let s = Server::new();
    s.put("pub")
        .h("x-oss-acl", "public-read")
        .body(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateBucketConfiguration><StorageClass>Standard</StorageClass>\
             <DataRedundancyType>LRS</DataRedundancyType></CreateBucketConfiguration>",
        )
        .send()
        .await
        .status(200);
    s.get("pub").q("acl", "").send().await.status(200).body_is(&acl_xml("public-read"));
    s.put("rwx").h("x-oss-acl", "public-read-write").send().await.status(200);
    s.get("rwx").q("acl", "").send().await.body_is(&acl_xml("public-read-write"));
    // An unknown ACL is refused and creates nothing.
    s.put("bad1").h("x-oss-acl", "public").send().await.err(400, "InvalidArgument");
    s.get("bad1").send().await.err(404, "NoSuchBucket");
    // A body that is not a CreateBucketConfiguration.
    s.put("junk").body("not xml at all").send().await.err(400, "MalformedXML");
}

#[tokio::test]
async fn put_bucket_twice_is_bucket_already_exists() {
    let s = Server::new();
    s.bucket("twice").await;
    s.put("twice").send().await.err(409, "BucketAlreadyExists").msg(
        "The requested bucket name is not available. The bucket namespace is shared by all users of the system. \
         Please select a different name and try again.",
    );
}

#[tokio::test]
async fn invalid_bucket_names() {
    let s = Server::new();
    let long = "a".repeat(64);
    // Too short, upper case, underscore, leading/trailing dash, too long (spec §1.1).
    for name in ["ab", "Photos", "a_b", "-abc", "abc-", long.as_str()] {
        let r = s.put(name).send().await;
        r.err(400, "InvalidBucketName");
        assert_eq!(r.el("BucketName").as_deref(), Some(name));
    }
    // 3 and 63 bytes are the inclusive limits.
    s.put("abc").send().await.status(200);
    s.put(&"b".repeat(63)).send().await.status(200);
}

#[tokio::test]
async fn delete_bucket_empty_and_not_empty() {
    let s = Server::new();
    s.bucket("full").await;
    s.object("full/a.txt", b"x").await;
    s.delete("full").send().await.err(409, "BucketNotEmpty");
    s.delete("full/a.txt").send().await.status(204);
    s.delete("full").send().await.status(204).body_is("");
    s.get("full").send().await.err(404, "NoSuchBucket");
    s.get("").send().await.status(200).body_is(&format!(
        "{PROLOG}<ListAllMyBucketsResult>{OWNER}<Buckets></Buckets></ListAllMyBucketsResult>"
    ));
    // Deleting a missing bucket.
    s.delete("full").send().await.err(404, "NoSuchBucket");
}

#[tokio::test]
async fn no_such_bucket_carries_ec_and_bucket_name() {
    let s = Server::new();
    for r in [
        s.get("ghost").send().await,
        s.get("ghost/k").send().await,
        s.put("ghost/k").body("x").send().await,
    ] {
        r.err(404, "NoSuchBucket").msg("The specified bucket does not exist.").ec("0015-00000101");
        assert_eq!(r.el("BucketName").as_deref(), Some("ghost"));
    }
}

#[tokio::test]
async fn bucket_acl_get_put() {
    let s = Server::new();
    s.bucket("bkt").await;
    s.put("bkt").q("acl", "").h("x-oss-acl", "public-read").send().await.status(200).body_is("");
    s.get("bkt")
        .q("acl", "")
        .send()
        .await
        .status(200)
        .has("content-type", "application/xml")
        .body_is(&acl_xml("public-read"));
    s.put("bkt").q("acl", "").h("x-oss-acl", "nope").send().await.err(400, "InvalidArgument");
    s.put("bkt").q("acl", "").send().await.err(400, "MissingArgument");
    // Owners only, even on a public bucket.
    s.get("bkt").q("acl", "").anon().send().await.err(403, "AccessDenied");
    s.put("bkt")
        .q("acl", "")
        .h("x-oss-acl", "private")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.get("bkt").q("acl", "").send().await.body_is(&acl_xml("public-read"));
}

/// GetBucketInfo's body for a bucket created at [`NOW`] and reached over `host`.
fn bucket_info_xml(name: &str, host: &str, grant: &str) -> String {
    format!(
        "{PROLOG}<BucketInfo><Bucket><AccessMonitor>Disabled</AccessMonitor>\
         <CreationDate>2023-11-14T22:13:20.000Z</CreationDate><ExtranetEndpoint>{host}</ExtranetEndpoint>\
         <IntranetEndpoint>{host}</IntranetEndpoint><Location>oss-{REGION}</Location>\
         <StorageClass>Standard</StorageClass><TransferAcceleration>Disabled</TransferAcceleration>\
         <CrossRegionReplication>Disabled</CrossRegionReplication><DataRedundancyType>LRS</DataRedundancyType>\
         <Name>{name}</Name><Owner><DisplayName>ossimg</DisplayName><ID>ossimg</ID></Owner>\
         <AccessControlList><Grant>{grant}</Grant></AccessControlList>\
         <ServerSideEncryptionRule><SSEAlgorithm>None</SSEAlgorithm></ServerSideEncryptionRule></Bucket></BucketInfo>"
    )
}

#[tokio::test]
async fn bucket_info_and_location() {
    let s = Server::new();
    s.bucket_acl("pics", "public-read").await;
    s.get("pics")
        .q("bucketInfo", "")
        .send()
        .await
        .status(200)
        .has("content-type", "application/xml")
        .body_is(&bucket_info_xml("pics", PATH_HOST, "public-read"));
    // Virtual-hosted: the endpoint is the domain, without the bucket's label.
    s.get("pics").q("bucketInfo", "").vhost().send().await.status(200).body_is(&bucket_info_xml(
        "pics",
        DOMAIN,
        "public-read",
    ));
    s.put("pics").q("acl", "").h("x-oss-acl", "private").send().await.status(200);
    s.get("pics")
        .q("bucketInfo", "")
        .send()
        .await
        .body_is(&bucket_info_xml("pics", PATH_HOST, "private"));
    s.get("pics")
        .q("location", "")
        .send()
        .await
        .status(200)
        .body_is(&format!("{PROLOG}<LocationConstraint>oss-{REGION}</LocationConstraint>"));
    s.bucket_acl("open", "public-read-write").await;
    for sub in ["bucketInfo", "location"] {
        // Owners only, even on a public bucket; a missing bucket is NoSuchBucket; GET only.
        s.get("open").q(sub, "").anon().send().await.err(403, "AccessDenied");
        s.get("nobucket").q(sub, "").send().await.err(404, "NoSuchBucket");
        let r = s.put("pics").q(sub, "").send().await;
        r.err(405, "MethodNotAllowed");
        assert_eq!(
            (r.el("Method"), r.el("ResourceType")),
            (Some("PUT".into()), Some("Bucket".into()))
        );
        let r = s.get("pics/key.jpg").q(sub, "").send().await;
        r.err(405, "MethodNotAllowed");
        assert_eq!(
            (r.el("Method"), r.el("ResourceType")),
            (Some("GET".into()), Some("Object".into()))
        );
    }
}

#[tokio::test]
async fn head_bucket() {
    let s = Server::new();
    s.bucket("bkt").await;
    s.head("bkt").send().await.status(200);
    s.head("bkt").anon().send().await.err(403, "AccessDenied");
    s.head("nob").send().await.err(404, "NoSuchBucket");
}

// ------------------------------------------------------------------ DeleteMultipleObjects

fn delete_body(quiet: bool, keys: &[&str]) -> String {
    let objects: String = keys.iter().map(|k| format!("<Object><Key>{k}</Key></Object>")).collect();
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>{quiet}</Quiet>{objects}</Delete>")
}

#[tokio::test]
async fn delete_multiple_objects_normal_and_quiet() {
    let s = Server::new();
    s.bucket("bkt").await;
    for k in ["a", "b", "c", "d"] {
        s.object(&format!("bkt/{k}"), b"1").await;
    }
    // A missing key is reported as deleted too (as DeleteObject answers 204).
    s.post("bkt")
        .q("delete", "")
        .body(delete_body(false, &["a", "b", "missing"]))
        .send()
        .await
        .status(200)
        .has("content-type", "application/xml")
        .body_is(&format!(
            "{PROLOG}<DeleteResult><Deleted><Key>a</Key></Deleted><Deleted><Key>b</Key></Deleted>\
             <Deleted><Key>missing</Key></Deleted></DeleteResult>"
        ));
    s.post("bkt")
        .q("delete", "")
        .body(delete_body(true, &["c"]))
        .send()
        .await
        .status(200)
        .body_is(&format!("{PROLOG}<DeleteResult></DeleteResult>"));
    for k in ["a", "b", "c"] {
        s.head(&format!("bkt/{k}")).send().await.err(404, "NoSuchKey");
    }
    s.head("bkt/d").send().await.status(200);
}

#[tokio::test]
async fn delete_multiple_objects_url_encoding_and_errors() {
    let s = Server::new();
    s.bucket("bkt").await;
    s.object("bkt/a b+c", b"1").await;
    s.post("bkt")
        .q("delete", "")
        .q("encoding-type", "url")
        .body(delete_body(false, &["a b+c"]))
        .send()
        .await
        .status(200)
        .body_is(&format!(
            "{PROLOG}<DeleteResult><Deleted><Key>a%20b%2Bc</Key></Deleted><EncodingType>url</EncodingType></DeleteResult>"
        ));
    s.head("bkt/a b+c").send().await.err(404, "NoSuchKey");
    s.post("bkt").q("delete", "").body("<Delete></Delete>").send().await.err(400, "MalformedXML");
    s.post("bkt").q("delete", "").body("garbage").send().await.err(400, "MalformedXML");
    s.post("bkt")
        .q("delete", "")
        .body(delete_body(false, &["x"]))
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
}

// ------------------------------------------------------------------ process configuration (§5.3)

fn process_config_body(host: &str, protect: &str, suffix: &str, delimiters: &str) -> String {
    format!(
        "<BucketProcessConfiguration><CompliedHost>{host}</CompliedHost><SourceFileProtect>{protect}</SourceFileProtect>\
         <SourceFileProtectSuffix>{suffix}</SourceFileProtectSuffix><StyleDelimiters>{delimiters}</StyleDelimiters>\
         <OssDomainSupportAtProcess>Disabled</OssDomainSupportAtProcess></BucketProcessConfiguration>"
    )
}

fn process_config_xml(
    host: &str,
    protect: &str,
    suffix: &str,
    delimiters: &str,
    last_modified: bool,
) -> String {
    format!(
        "{PROLOG}<BucketProcessConfiguration><CompliedHost>{host}</CompliedHost><SourceFileProtect>{protect}</SourceFileProtect>\
         <SourceFileProtectSuffix>{suffix}</SourceFileProtectSuffix><StyleDelimiters>{delimiters}</StyleDelimiters>\
         <OssDomainSupportAtProcess>Disabled</OssDomainSupportAtProcess><Version>2</Version>{}</BucketProcessConfiguration>",
        if last_modified { "<LastModified>2023-11-14T22:13:20.000Z</LastModified>" } else { "" }
    )
}

/// Puts a process configuration (owner) and asserts 200.
pub async fn configure(
    s: &Server,
    bucket: &str,
    host: &str,
    protect: &str,
    suffix: &str,
    delimiters: &str,
) {
    s.put(bucket)
        .q("processConfiguration", "")
        .body(process_config_body(host, protect, suffix, delimiters))
        .send()
        .await
        .status(200)
        .body_is("");
}

#[tokio::test]
async fn process_configuration_follows_the_java_sdk_sequence() {
    let s = Server::new();
    s.bucket("img").await;
    let get = || s.get("img").q("processConfiguration", "").send();
    // Fresh bucket.
    get()
        .await
        .status(200)
        .has("content-type", "application/xml")
        .body_is(&process_config_xml("Both", "Disabled", "", "", false));
    // Delimiters normalised into the fixed order - _ / !.
    configure(&s, "img", "Img", "Enabled", "jpg,png", "/,-").await;
    get().await.body_is(&process_config_xml("Img", "Enabled", "jpg,png", "-,/", true));
    // Disabled clears the suffix.
    configure(&s, "img", "Both", "Disabled", "gif", "-").await;
    get().await.body_is(&process_config_xml("Both", "Disabled", "", "-", true));
    configure(&s, "img", "Img", "Enabled", "*", "/").await;
    get().await.body_is(&process_config_xml("Img", "Enabled", "*", "/", true));
    // All four delimiters, given backwards and repeated.
    configure(&s, "img", "Img", "Enabled", "*", "!,/,_,-,!").await;
    get().await.body_is(&process_config_xml("Img", "Enabled", "*", "-,_,/,!", true));
}

#[tokio::test]
async fn process_configuration_errors() {
    let s = Server::new();
    s.bucket("img").await;
    s.get("nob").q("processConfiguration", "").send().await.err(404, "NoSuchBucket");
    s.put("img")
        .q("processConfiguration", "")
        .body(process_config_body("Img", "Enabled", "jpg", "#"))
        .send()
        .await
        .err(400, "InvalidArgument");
    s.put("img")
        .q("processConfiguration", "")
        .body(process_config_body("Nowhere", "Enabled", "jpg", "-"))
        .send()
        .await
        .err(400, "InvalidArgument");
    s.get("img").q("processConfiguration", "").anon().send().await.err(403, "AccessDenied");
    // Nothing was stored by the failures.
    s.get("img")
        .q("processConfiguration", "")
        .send()
        .await
        .body_is(&process_config_xml("Both", "Disabled", "", "", false));
}

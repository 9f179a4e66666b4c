//! OSS's own endpoint host names as virtual-hosted addressing (issue 16, spec §1.1):
//! `<bucket>.oss-<region>.aliyuncs.com`, `<bucket>.oss-<region>-internal.aliyuncs.com` and the
//! bucket-less `oss-<region>.aliyuncs.com`, beside `--domain`, on by default and switched off by
//! [`Addressing::aliyuncs_hosts`]. The requests are those of an SDK that keeps its OSS endpoint
//! (only DNS changes) and of ali-oss given an IP endpoint (the URL keeps the IP, `Host` names the
//! bucket's OSS endpoint without a port).

use crate::harness::*;
use ossimg::api::wire::Addressing;

/// The public endpoint of [`REGION`].
const ENDPOINT: &str = "oss-cn-hangzhou.aliyuncs.com";

/// Bucket `bkt` holding `dir/a.txt` = `hello`.
async fn server_with(addressing: Addressing) -> Server {
    let s = Server::with_addressing(addressing);
    s.bucket("bkt").await;
    s.object("bkt/dir/a.txt", b"hello").await;
    s
}

#[tokio::test]
async fn bucket_endpoints_address_their_bucket_with_every_signature() {
    let s = server_with(addressing()).await;
    let hosts = [
        format!("bkt.{ENDPOINT}"),
        "bkt.oss-cn-hangzhou-internal.aliyuncs.com".to_string(),
        // A port, upper case, another region's endpoint (the V4 scope is what names the region).
        format!("BKT.{ENDPOINT}:8080"),
        "bkt.oss-cn-shanghai.aliyuncs.com".to_string(),
    ];
    for host in &hosts {
        for auth in [Auth::V1, Auth::V4, Auth::V1Url(NOW + 60), Auth::V4Url(60), Auth::Anonymous] {
            let r = s.get("bkt/dir/a.txt").vhost().host(host).auth(auth).send().await;
            if auth == Auth::Anonymous {
                r.err(403, "AccessDenied");
            } else {
                r.status(200).body_is("hello");
            }
        }
    }
    // Writes, bucket-level requests and errors (HostId is the host as sent).
    let host = format!("bkt.{ENDPOINT}");
    s.put("bkt/dir/b.txt").vhost().host(&host).body("new").send().await.status(200);
    s.get("bkt/dir/b.txt").send().await.status(200).body_is("new");
    let r = s.get("bkt").vhost().host(&host).q("prefix", "dir/").send().await;
    r.status(200);
    assert_eq!(r.el("Name").as_deref(), Some("bkt"));
    assert_eq!(r.el("Key").as_deref(), Some("dir/a.txt"));
    s.get("bkt").vhost().host(&host).q("acl", "").send().await.status(200);
    let r = s.get("bkt").vhost().host(&host).q("bucketInfo", "").send().await;
    r.status(200);
    assert_eq!(r.el("ExtranetEndpoint").as_deref(), Some(ENDPOINT));
    let r = s.get("bkt/missing").vhost().host(&host).send().await;
    r.err(404, "NoSuchKey");
    assert_eq!(r.el("HostId").as_deref(), Some(host.as_str()));
    // PutBucket through its own endpoint.
    s.put("fresh").vhost().host(&format!("fresh.{ENDPOINT}")).send().await.status(200);
    s.head("fresh").send().await.status(200);
}

#[tokio::test]
async fn bucket_less_endpoints_are_the_service_and_path_style() {
    let s = server_with(addressing()).await;
    for host in [ENDPOINT, "oss-cn-hangzhou-internal.aliyuncs.com", ".oss-cn-hangzhou.aliyuncs.com"]
    {
        // `.oss-…` is what ali-oss sends for ListBuckets with an IP endpoint (an empty bucket).
        let r = s.get("").host(host).send().await;
        r.status(200);
        assert_eq!(r.el("Name").as_deref(), Some("bkt"), "{host}");
        assert_eq!(r.el("ExtranetEndpoint").as_deref(), Some(host.trim_start_matches('.')));
        s.get("bkt/dir/a.txt").host(host).send().await.status(200).body_is("hello");
        s.get("bkt/dir/a.txt").host(host).auth(Auth::V1).send().await.status(200);
    }
}

#[tokio::test]
async fn other_aliyuncs_hosts_stay_path_style() {
    let s = server_with(addressing()).await;
    // Not an OSS bucket endpoint: two labels, a product other than oss, no region.
    for host in [
        format!("a.bkt.{ENDPOINT}"),
        "bkt.ecs-cn-hangzhou.aliyuncs.com".to_string(),
        "bkt.aliyuncs.com".to_string(),
    ] {
        s.get("bkt/dir/a.txt").host(&host).send().await.status(200).body_is("hello");
    }
}

#[tokio::test]
async fn switched_off_they_are_ordinary_hosts() {
    let s = server_with(Addressing { aliyuncs_hosts: false, ..addressing() }).await;
    let host = format!("bkt.{ENDPOINT}");
    // The path alone names bucket and key: `/dir/a.txt` is bucket `dir`. A request signed for
    // bkt/dir/a.txt does not match (what ali-oss with an IP endpoint met before issue 16), and an
    // anonymous one looks for bucket `dir`.
    s.get("bkt/dir/a.txt").vhost().host(&host).send().await.err(403, "SignatureDoesNotMatch");
    let r = s.get("bkt/dir/a.txt").vhost().host(&host).anon().send().await;
    r.err(404, "NoSuchBucket");
    assert_eq!(r.el("BucketName").as_deref(), Some("dir"));
    // `--domain`, custom domains and path style are unaffected.
    s.get("bkt/dir/a.txt").vhost().send().await.status(200).body_is("hello");
    s.get("bkt/dir/a.txt").host(&host).send().await.status(200).body_is("hello");
}

#[tokio::test]
async fn custom_domains_come_first() {
    // A custom domain that looks like an OSS endpoint stays bound to its own bucket: the request
    // signed for bkt succeeds, where the endpoint rule would have named bucket `img`.
    let mut a = addressing();
    a.custom_domains.insert(format!("img.{ENDPOINT}"), "bkt".into());
    let s = server_with(a).await;
    s.bucket("img").await;
    s.get("bkt/dir/a.txt").vhost().host(&format!("img.{ENDPOINT}")).send().await.status(200);
}

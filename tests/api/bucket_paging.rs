//! ListBuckets paging as OSS pages (issue 16): `prefix`, `marker` (strictly after), `max-keys`
//! (1–1000, default 100), and `Prefix`, `Marker`, `MaxKeys`, `IsTruncated`, `NextMarker` before
//! `Owner`, only in a truncated answer.

use crate::buckets::{bucket_entry, OWNER};
use crate::harness::*;

/// Buckets listed in this order.
const NAMES: [&str; 5] = ["alpha", "alpha-2", "beta", "gamma", "gamma-2"];

async fn server() -> Server {
    let s = Server::new();
    // Created out of order: the listing sorts.
    for name in ["gamma", "alpha-2", "beta", "gamma-2", "alpha"] {
        s.bucket(name).await;
    }
    s
}

/// A complete answer: no paging elements.
fn whole(names: &[&str]) -> String {
    let entries: String = names.iter().map(|n| bucket_entry(n)).collect();
    format!("{PROLOG}<ListAllMyBucketsResult>{OWNER}<Buckets>{entries}</Buckets></ListAllMyBucketsResult>")
}

/// A truncated answer, as OSS's sample: the paging elements first, `NextMarker` the last name.
fn page(prefix: &str, marker: &str, max_keys: usize, names: &[&str]) -> String {
    let entries: String = names.iter().map(|n| bucket_entry(n)).collect();
    let next = names.last().expect("a truncated page lists a bucket");
    format!(
        "{PROLOG}<ListAllMyBucketsResult><Prefix>{prefix}</Prefix><Marker>{marker}</Marker>\
         <MaxKeys>{max_keys}</MaxKeys><IsTruncated>true</IsTruncated><NextMarker>{next}</NextMarker>\
         {OWNER}<Buckets>{entries}</Buckets></ListAllMyBucketsResult>"
    )
}

/// `GET /` with these query parameters.
async fn list(s: &Server, query: &[(&str, &str)]) -> Resp {
    let mut r = s.get("");
    for (n, v) in query {
        r = r.q(n, v);
    }
    r.send().await
}

#[tokio::test]
async fn max_keys_truncates_with_the_paging_elements() {
    let s = server().await;
    list(&s, &[]).await.status(200).body_is(&whole(&NAMES));
    list(&s, &[("max-keys", "2")]).await.status(200).body_is(&page("", "", 2, &NAMES[..2]));
    // Exactly as many as remain is complete: nothing is left for a next page.
    list(&s, &[("max-keys", "5")]).await.status(200).body_is(&whole(&NAMES));
    list(&s, &[("max-keys", "1000")]).await.status(200).body_is(&whole(&NAMES));
}

#[tokio::test]
async fn marker_is_strictly_after() {
    let s = server().await;
    let r = list(&s, &[("marker", "alpha-2"), ("max-keys", "2")]).await;
    r.status(200).body_is(&page("", "alpha-2", 2, &["beta", "gamma"]));
    // The last page is complete; a marker between names, or past them all.
    let r = list(&s, &[("marker", "beta"), ("max-keys", "2")]).await;
    r.status(200).body_is(&whole(&["gamma", "gamma-2"]));
    list(&s, &[("marker", "b")]).await.status(200).body_is(&whole(&NAMES[2..]));
    list(&s, &[("marker", "gamma-2")]).await.status(200).body_is(&whole(&[]));
    list(&s, &[("marker", "zzz")]).await.status(200).body_is(&whole(&[]));
}

#[tokio::test]
async fn prefix_with_marker_and_max_keys() {
    let s = server().await;
    list(&s, &[("prefix", "gamma")]).await.status(200).body_is(&whole(&["gamma", "gamma-2"]));
    let r = list(&s, &[("prefix", "alpha"), ("max-keys", "1")]).await;
    r.status(200).body_is(&page("alpha", "", 1, &["alpha"]));
    let r = list(&s, &[("prefix", "alpha"), ("marker", "alpha"), ("max-keys", "1")]).await;
    r.status(200).body_is(&whole(&["alpha-2"]));
    list(&s, &[("prefix", "delta")]).await.status(200).body_is(&whole(&[]));
}

#[tokio::test]
async fn following_next_marker_lists_every_bucket_once() {
    let s = server().await;
    for (max_keys, pages) in [(1, 5), (2, 3), (3, 2)] {
        let (mut seen, mut marker, mut requests) = (Vec::new(), String::new(), 0);
        loop {
            requests += 1;
            let mk = max_keys.to_string();
            let r = list(&s, &[("marker", &marker), ("max-keys", &mk)]).await;
            r.status(200);
            let text = r.text();
            seen.extend(
                text.split("<Name>").skip(1).map(|t| t[..t.find('<').unwrap()].to_string()),
            );
            match r.el("NextMarker") {
                Some(next) => {
                    assert_eq!(r.el("IsTruncated").as_deref(), Some("true"));
                    marker = next;
                }
                None => {
                    assert_eq!(r.el("IsTruncated"), None, "{text}");
                    break;
                }
            }
        }
        assert_eq!(seen, NAMES, "max-keys {max_keys}");
        assert_eq!(requests, pages, "max-keys {max_keys}");
    }
}

#[tokio::test]
async fn max_keys_out_of_range_is_invalid_argument() {
    let s = server().await;
    for bad in ["0", "1001", "-1", "abc", "1.5", " 2"] {
        list(&s, &[("max-keys", bad)])
            .await
            .err(400, "InvalidArgument")
            .msg("max-keys must be an integer from 1 to 1000.");
    }
    // Empty is the default, as no parameter.
    list(&s, &[("max-keys", "")]).await.status(200).body_is(&whole(&NAMES));
}

#[tokio::test]
async fn paging_signed_with_v1_and_v4_alike() {
    let s = server().await;
    for auth in [Auth::V1, Auth::V4, Auth::V1Url(NOW + 60), Auth::V4Url(60)] {
        let r = s.get("").q("prefix", "alpha").q("max-keys", "1").auth(auth).send().await;
        r.status(200).body_is(&page("alpha", "", 1, &["alpha"]));
    }
    s.get("").q("max-keys", "1").anon().send().await.err(403, "AccessDenied");
}

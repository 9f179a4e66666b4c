//! A small signed OSS client over `sdk/server.rs`'s `http` (every request on a fresh connection,
//! with that helper's 60 s read timeout: a server that hangs fails the test), with the
//! operations the fault tests need: objects, listings, multipart uploads and saveas.
#![allow(dead_code)] // each fault test uses a part

use std::net::SocketAddr;
use std::time::SystemTime;

use md5::Digest as _;
use ossimg::api::auth::{self, SignedRequest};
use ossimg::process::encode_base64url;

use crate::server::{http, Reply, AK, SK};

/// Requests to one bucket of one server.
#[derive(Clone)]
pub struct Client {
    pub addr: SocketAddr,
    pub bucket: String,
}

/// The quoted upper-case hex MD5 of `body`, as an OSS ETag.
pub fn etag(body: &[u8]) -> String {
    let d = md5::Md5::digest(body);
    format!("\"{}\"", d.iter().map(|b| format!("{b:02X}")).collect::<String>())
}

/// The text of `<tag>…</tag>` in an XML answer.
pub fn element(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..end].to_string())
}

/// The `Code` of an OSS error answer (`""` when the body has none).
pub fn code(reply: &Reply) -> String {
    element(&String::from_utf8_lossy(&reply.2), "Code").unwrap_or_default()
}

impl Client {
    pub fn new(addr: SocketAddr, bucket: &str) -> Client {
        Client { addr, bucket: bucket.to_string() }
    }

    /// A V1-signed request; `Err` only when the connection fails.
    pub fn try_req(
        &self,
        method: &str,
        key: Option<&str>,
        query: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Reply> {
        let query: Vec<(String, String)> =
            query.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        let mut headers = vec![(
            "Date".to_string(),
            auth::format_http_date(auth::unix_seconds(SystemTime::now())),
        )];
        let req = SignedRequest {
            method,
            bucket: Some(&self.bucket),
            key,
            query: &query,
            headers: &headers,
        };
        let authorization = auth::sign_v1_header(&req, AK, SK);
        headers.push(("Authorization".to_string(), authorization));
        let mut target = format!("/{}", self.bucket);
        if let Some(k) = key {
            target.push('/');
            target.push_str(&auth::v4_encode_path(k));
        }
        if !query.is_empty() {
            target.push('?');
            target.push_str(&auth::encode_query(&query));
        }
        http(self.addr, method, &target, &headers, body)
    }

    /// [`Client::try_req`], panicking when the connection fails.
    pub fn req(
        &self,
        method: &str,
        key: Option<&str>,
        query: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        self.try_req(method, key, query, body)
            .unwrap_or_else(|e| panic!("{method} {:?} {query:?}: {e}", key))
    }

    pub fn create_bucket(&self) {
        let r = self.req("PUT", None, &[], b"");
        assert_eq!(r.0, 200, "PutBucket: {}", String::from_utf8_lossy(&r.2));
    }

    pub fn put(&self, key: &str, body: &[u8]) -> Reply {
        self.req("PUT", Some(key), &[], body)
    }

    pub fn get(&self, key: &str) -> Reply {
        self.req("GET", Some(key), &[], b"")
    }

    pub fn delete(&self, key: &str) -> Reply {
        self.req("DELETE", Some(key), &[], b"")
    }

    /// Every key of the bucket with its size, following `NextMarker` over pages of 50.
    pub fn list_all(&self) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        let mut marker = String::new();
        loop {
            let r = self.req("GET", None, &[("max-keys", "50"), ("marker", &marker)], b"");
            let xml = String::from_utf8_lossy(&r.2).to_string();
            assert_eq!(r.0, 200, "ListObjects: {xml}");
            for c in xml.split("<Contents>").skip(1) {
                let key = element(c, "Key").expect("Key");
                let size = element(c, "Size").expect("Size").parse().expect("Size");
                out.push((key, size));
            }
            match element(&xml, "NextMarker") {
                Some(m) if element(&xml, "IsTruncated").as_deref() == Some("true") => marker = m,
                _ => return out,
            }
        }
    }

    /// InitiateMultipartUpload: the upload id, or the failed answer.
    pub fn initiate(&self, key: &str) -> Result<String, Reply> {
        let r = self.req("POST", Some(key), &[("uploads", "")], b"");
        if r.0 != 200 {
            return Err(r);
        }
        Ok(element(&String::from_utf8_lossy(&r.2), "UploadId").expect("UploadId"))
    }

    pub fn upload_part(&self, key: &str, id: &str, n: u32, body: &[u8]) -> Reply {
        let n = n.to_string();
        self.req("PUT", Some(key), &[("partNumber", &n), ("uploadId", id)], body)
    }

    /// CompleteMultipartUpload of parts 1..=`etags.len()` with these ETags.
    pub fn complete(&self, key: &str, id: &str, etags: &[String]) -> std::io::Result<Reply> {
        let mut xml = String::from("<CompleteMultipartUpload>");
        for (i, e) in etags.iter().enumerate() {
            xml.push_str(&format!(
                "<Part><PartNumber>{}</PartNumber><ETag>{e}</ETag></Part>",
                i + 1
            ));
        }
        xml.push_str("</CompleteMultipartUpload>");
        self.try_req("POST", Some(key), &[("uploadId", id)], xml.as_bytes())
    }

    /// POST `?x-oss-process` saving `process` of `src` as `dst` in the same bucket.
    pub fn saveas(&self, src: &str, process: &str, dst: &str) -> std::io::Result<Reply> {
        let body =
            format!("x-oss-process={process}|sys/saveas,o_{}", encode_base64url(dst.as_bytes()));
        self.try_req("POST", Some(src), &[("x-oss-process", "")], body.as_bytes())
    }
}

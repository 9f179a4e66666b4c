//! The test harness: a router over an in-memory store with a fixed clock and one fixed key pair,
//! a request builder that signs (V1/V4, header or presigned URL) with `ossimg::api::auth`'s
//! helpers, and a response wrapper whose every answer is checked for the common OSS headers and,
//! for errors, the XML envelope (spec §4.1, §10).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use base64::Engine as _;
use ossimg::api::auth::{
    encode_query, format_http_date, format_iso8601_basic, parse_http_date, presign_v1_url,
    presign_v4_query, sign_v1_header, sign_v4_header, v4_encode_path, SignedRequest,
    UNSIGNED_PAYLOAD,
};
use ossimg::api::wire::Addressing;
use ossimg::api::{router, xml, AppState, Shared, Timeouts};
use ossimg::backend::Engine;
use ossimg::storage::Storage;
use tower::ServiceExt as _;

/// The one AccessKeyId the server knows.
pub const AK: &str = "ak";
/// Its secret.
pub const SK: &str = "sk";
/// The region V4 scopes must name.
pub const REGION: &str = "cn-hangzhou";
/// The virtual-hosted domain: `Host: <bucket>.oss.local`.
pub const DOMAIN: &str = "oss.local";
/// A custom domain bound to the bucket `bound` (`Host: img.example.com`, path `/<key>`).
pub const CUSTOM_DOMAIN: &str = "img.example.com";
/// The `Host` of path-style requests (not under [`DOMAIN`]).
pub const PATH_HOST: &str = "127.0.0.1:8080";
/// The fixed clock of the server and the store: 2023-11-14T22:13:20Z.
pub const NOW: i64 = 1_700_000_000;
/// Processing budget of the test server, MiB: ample for the small test images.
const BUDGET_MIB: u32 = 256;

/// Unix seconds as a `SystemTime`.
pub fn at(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs as u64)
}

/// A test image from `tests/data`.
pub fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// How every test server resolves hosts: [`DOMAIN`], [`CUSTOM_DOMAIN`] bound to `bound`, and
/// OSS's own host names (`<bucket>.oss-<region>.aliyuncs.com`).
pub fn addressing() -> Addressing {
    Addressing {
        domain: Some(DOMAIN.to_string()),
        custom_domains: [(CUSTOM_DOMAIN.to_string(), "bound".to_string())].into(),
        aliyuncs_hosts: true,
    }
}

/// The router's state, with a clock that only moves when a test moves it.
pub struct Server {
    /// The shared state (its fields are public: tests may inspect the store).
    pub state: AppState,
    /// What the server's and the store's clock read, in Unix seconds.
    clock: Arc<AtomicI64>,
}

impl Server {
    /// A server whose clock reads [`NOW`].
    pub fn new() -> Self {
        Self::at(NOW)
    }

    /// A server whose clock (and its store's) reads `t`.
    pub fn at(t: i64) -> Self {
        Self::build(t, Timeouts::default(), addressing())
    }

    /// A server with these slow-client limits (for tests over a real socket).
    pub fn with_timeouts(timeouts: Timeouts) -> Self {
        Self::build(NOW, timeouts, addressing())
    }

    /// A server that resolves hosts with `addressing` instead of [`addressing`]'s.
    pub fn with_addressing(addressing: Addressing) -> Self {
        Self::build(NOW, Timeouts::default(), addressing)
    }

    /// A server whose store (in memory, on the test clock) is first changed by `setup`: mounts
    /// added, say.
    pub fn with_storage(setup: impl FnOnce(Storage) -> Storage) -> Self {
        Self::build_with(NOW, Timeouts::default(), addressing(), setup)
    }

    /// A server whose processed results are cached as `results` says (result cache,
    /// `Cache-Control` per bucket).
    pub fn with_results(results: ossimg::api::ResultCaching) -> Self {
        let mut s = Self::new();
        Arc::get_mut(&mut s.state.0).expect("a fresh state is not shared").results = results;
        s
    }

    fn build(t: i64, timeouts: Timeouts, addressing: Addressing) -> Self {
        Self::build_with(t, timeouts, addressing, |s| s)
    }

    fn build_with(
        t: i64,
        timeouts: Timeouts,
        addressing: Addressing,
        setup: impl FnOnce(Storage) -> Storage,
    ) -> Self {
        let clock = Arc::new(AtomicI64::new(t));
        let (c1, c2) = (Arc::clone(&clock), Arc::clone(&clock));
        let storage = setup(Storage::memory().with_clock(move || at(c1.load(Ordering::SeqCst))));
        let keys: HashMap<String, String> = HashMap::from([(AK.to_string(), SK.to_string())]);
        let state = AppState(Arc::new(Shared {
            storage,
            keys: Box::new(keys),
            engine: Engine::Cpu,
            fonts: None,
            plan: Default::default(),
            addressing,
            region: REGION.to_string(),
            clock: Box::new(move || at(c2.load(Ordering::SeqCst))),
            processing: Arc::new(tokio::sync::Semaphore::new(BUDGET_MIB as usize)),
            processing_budget_mib: BUDGET_MIB,
            timeouts,
            results: Default::default(),
            load: Default::default(),
            limits: Default::default(),
        }));
        Server { state, clock }
    }

    /// Serves this server's state on a socket of 127.0.0.1 (`api::serve_until`), for tests that
    /// need a real connection (keep-alive, stalls, early refusals).
    pub async fn listen(&self) -> Listening {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(ossimg::api::serve_until(listener, self.state.clone(), async {
            let _ = stopped.await;
        }));
        Listening { addr, stop, server }
    }

    /// Moves the clock (server and store) to `t`.
    pub fn set_now(&self, t: i64) {
        self.clock.store(t, Ordering::SeqCst);
    }

    /// The server's clock in Unix seconds.
    pub fn now(&self) -> i64 {
        self.state.now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    }

    /// A request to `target`: `""` (the service), `"bucket"` or `"bucket/key…"`; V4-signed by
    /// the owner, path style, unless the builder says otherwise.
    pub fn req(&self, method: &str, target: &str) -> Req<'_> {
        let (bucket, key) = match target.split_once('/') {
            Some((b, k)) => (Some(b.to_string()), Some(k.to_string())),
            None if target.is_empty() => (None, None),
            None => (Some(target.to_string()), None),
        };
        Req {
            server: self,
            method: method.to_string(),
            bucket,
            key,
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
            auth: Auth::V4,
            ak: AK.to_string(),
            sk: SK.to_string(),
            sign_time: None,
            vhost: false,
            no_length: false,
            host: None,
        }
    }

    /// `GET target`.
    pub fn get(&self, target: &str) -> Req<'_> {
        self.req("GET", target)
    }

    /// `PUT target`.
    pub fn put(&self, target: &str) -> Req<'_> {
        self.req("PUT", target)
    }

    /// `HEAD target`.
    pub fn head(&self, target: &str) -> Req<'_> {
        self.req("HEAD", target)
    }

    /// `DELETE target`.
    pub fn delete(&self, target: &str) -> Req<'_> {
        self.req("DELETE", target)
    }

    /// `POST target`.
    pub fn post(&self, target: &str) -> Req<'_> {
        self.req("POST", target)
    }

    /// Creates a bucket (owner, default ACL) and asserts 200.
    pub async fn bucket(&self, name: &str) {
        self.put(name).send().await.status(200);
    }

    /// Creates a bucket with `x-oss-acl: acl`.
    pub async fn bucket_acl(&self, name: &str, acl: &str) {
        self.put(name).h("x-oss-acl", acl).send().await.status(200);
    }

    /// Puts an object (owner) and asserts 200.
    pub async fn object(&self, target: &str, body: &[u8]) -> Resp {
        let r = self.put(target).body(body).send().await;
        r.status(200);
        r
    }
}

/// How a request is signed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Auth {
    /// No signature.
    Anonymous,
    /// `Authorization: OSS ak:sig` with a `Date` header.
    V1,
    /// V1 presigned URL valid until the given Unix time.
    V1Url(i64),
    /// `Authorization: OSS4-HMAC-SHA256 …` with `x-oss-date` and `x-oss-content-sha256`.
    V4,
    /// V4 presigned URL valid for the given seconds.
    V4Url(u64),
}

/// A request being built.
pub struct Req<'s> {
    server: &'s Server,
    method: String,
    bucket: Option<String>,
    key: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    auth: Auth,
    ak: String,
    sk: String,
    sign_time: Option<i64>,
    vhost: bool,
    no_length: bool,
    host: Option<String>,
}

impl Req<'_> {
    /// Sends this `Host` header instead of the one the addressing style implies (the path is
    /// unchanged).
    pub fn host(mut self, host: &str) -> Self {
        self.host = Some(host.to_string());
        self
    }

    /// Sends no `Content-Length` header (nor `Transfer-Encoding`).
    pub fn no_length(mut self) -> Self {
        self.no_length = true;
        self
    }

    /// Adds a query parameter (decoded; `""` renders as a bare name).
    pub fn q(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds a header.
    pub fn h(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body (a `Content-Length` header is added).
    pub fn body(mut self, body: impl AsRef<[u8]>) -> Self {
        self.body = body.as_ref().to_vec();
        self
    }

    /// Sends it unsigned.
    pub fn anon(mut self) -> Self {
        self.auth = Auth::Anonymous;
        self
    }

    /// Signs with another scheme.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Signs with another AccessKeyId.
    pub fn key_id(mut self, ak: &str) -> Self {
        self.ak = ak.to_string();
        self
    }

    /// Signs with another secret.
    pub fn secret(mut self, sk: &str) -> Self {
        self.sk = sk.to_string();
        self
    }

    /// Signs as if the client clock read `t`.
    pub fn signed_at(mut self, t: i64) -> Self {
        self.sign_time = Some(t);
        self
    }

    /// Uses virtual-hosted addressing (`Host: <bucket>.oss.local`, path `/<key>`).
    pub fn vhost(mut self) -> Self {
        self.vhost = true;
        self
    }

    /// Signs, sends through the router, and checks the common headers of the answer.
    pub async fn send(self) -> Resp {
        let t = self.sign_time.unwrap_or_else(|| self.server.now());
        let mut headers = self.headers.clone();
        let mut query = self.query.clone();
        let has =
            |hs: &[(String, String)], n: &str| hs.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
        match self.auth {
            Auth::V1 if !has(&headers, "date") => {
                headers.push(("Date".into(), format_http_date(t)))
            }
            Auth::V4 => {
                headers.push(("x-oss-date".into(), format_iso8601_basic(t)));
                headers.push(("x-oss-content-sha256".into(), UNSIGNED_PAYLOAD.into()));
            }
            _ => {}
        }
        let signed = SignedRequest {
            method: &self.method,
            bucket: self.bucket.as_deref(),
            key: self.key.as_deref(),
            query: &query,
            headers: &headers,
        };
        let authorization = match self.auth {
            Auth::V1 => Some(sign_v1_header(&signed, &self.ak, &self.sk)),
            Auth::V4 => {
                Some(sign_v4_header(&signed, &self.ak, &self.sk, REGION, &[]).expect("V4 signing"))
            }
            _ => None,
        };
        match self.auth {
            Auth::V1Url(expires) => query = presign_v1_url(&signed, &self.ak, &self.sk, expires),
            Auth::V4Url(expires) => {
                query = presign_v4_query(&signed, &self.ak, &self.sk, REGION, t, expires, &[])
            }
            _ => {}
        }
        if let Some(a) = authorization {
            headers.push(("Authorization".into(), a));
        }
        let (host, path) = match (&self.bucket, self.vhost) {
            (Some(b), true) => {
                (format!("{b}.{DOMAIN}"), format!("/{}", self.key.as_deref().unwrap_or("")))
            }
            (Some(b), false) => (
                PATH_HOST.to_string(),
                match &self.key {
                    Some(k) => format!("/{b}/{k}"),
                    None => format!("/{b}"),
                },
            ),
            (None, _) => (PATH_HOST.to_string(), "/".to_string()),
        };
        let host = self.host.clone().unwrap_or(host);
        let mut uri = v4_encode_path(&path);
        if !query.is_empty() {
            uri.push('?');
            uri.push_str(&encode_query(&query));
        }
        let mut b = Request::builder().method(self.method.as_str()).uri(&uri).header("host", &host);
        for (n, v) in &headers {
            b = b.header(n.as_str(), v.as_str());
        }
        if !self.no_length
            && (!self.body.is_empty() || matches!(self.method.as_str(), "PUT" | "POST"))
        {
            b = b.header("content-length", self.body.len());
        }
        let request = b.body(Body::from(self.body)).expect("a valid request");
        let resp = router(self.server.state.clone()).oneshot(request).await.expect("infallible");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX).await.expect("body").to_vec();
        let r = Resp { status, headers, body, host, head: self.method == "HEAD" };
        r.check_common();
        r
    }
}

/// A collected answer.
#[derive(Debug)]
pub struct Resp {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
    /// The `Host` the request carried (the expected `HostId`).
    pub host: String,
    head: bool,
}

/// The XML prolog every OSS XML body starts with.
pub const PROLOG: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

impl Resp {
    /// The body as UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
    }

    /// The text of the first `<name>` element of the body (or of `x-oss-err` for HEAD).
    pub fn el(&self, name: &str) -> Option<String> {
        xml::element(&self.error_xml(), name)
    }

    /// The error XML: the body, or the decoded `x-oss-err` header of a HEAD answer.
    pub fn error_xml(&self) -> String {
        if self.head {
            let b64 = self.header("x-oss-err").unwrap_or("");
            String::from_utf8(
                base64::engine::general_purpose::STANDARD.decode(b64).expect("x-oss-err is base64"),
            )
            .expect("UTF-8 x-oss-err")
        } else {
            self.text()
        }
    }

    /// Asserts the status.
    #[track_caller]
    pub fn status(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "body: {}", String::from_utf8_lossy(&self.body));
        self
    }

    /// Asserts an error answer: status and `<Code>`.
    #[track_caller]
    pub fn err(&self, status: u16, code: &str) -> &Self {
        self.status(status);
        assert_eq!(self.el("Code").as_deref(), Some(code), "{}", self.error_xml());
        self
    }

    /// Asserts the `<EC>` element and the `x-oss-ec` header.
    #[track_caller]
    pub fn ec(&self, ec: &str) -> &Self {
        assert_eq!(self.el("EC").as_deref(), Some(ec), "{}", self.error_xml());
        assert_eq!(self.header("x-oss-ec"), Some(ec));
        self
    }

    /// Asserts the `<Message>` element.
    #[track_caller]
    pub fn msg(&self, message: &str) -> &Self {
        assert_eq!(self.el("Message").as_deref(), Some(message), "{}", self.error_xml());
        self
    }

    /// Asserts the body is exactly `expected`.
    #[track_caller]
    pub fn body_is(&self, expected: &str) -> &Self {
        assert_eq!(self.text(), expected);
        self
    }

    /// Asserts a header value.
    #[track_caller]
    pub fn has(&self, name: &str, value: &str) -> &Self {
        assert_eq!(self.header(name), Some(value), "header {name}");
        self
    }

    /// Asserts a header is absent.
    #[track_caller]
    pub fn lacks(&self, name: &str) -> &Self {
        assert_eq!(self.header(name), None, "header {name}");
        self
    }

    /// Every answer: `x-oss-request-id` (24 upper-case hex), a parseable `Date`, `Server:
    /// AliyunOSS`, a true `Content-Length`; every error: the OSS XML envelope with that RequestId and `HostId` = `Host`,
    /// in the body or, for HEAD, base64 in `x-oss-err` with an empty body.
    #[track_caller]
    fn check_common(&self) {
        let id = self.header("x-oss-request-id").expect("x-oss-request-id");
        assert!(
            id.len() == 24 && id.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)),
            "request id {id:?}"
        );
        let date = self.header("date").expect("Date");
        assert!(parse_http_date(date).is_some(), "Date {date:?}");
        assert_eq!(self.header("server"), Some("AliyunOSS"));
        // A Content-Length, when sent with a body, is the body's length (HEAD and 304 have none).
        if let Some(len) =
            self.header("content-length").filter(|_| !self.head && self.status != 304)
        {
            assert_eq!(len.parse::<usize>().ok(), Some(self.body.len()), "Content-Length");
        }
        if self.status < 400 {
            return;
        }
        assert_eq!(self.header("content-type"), Some("application/xml"));
        if self.head {
            assert!(self.body.is_empty(), "HEAD error with a body");
        }
        let x = self.error_xml();
        assert!(x.starts_with(&format!("{PROLOG}<Error><Code>")), "{x}");
        assert!(x.ends_with("</Error>"), "{x}");
        assert_eq!(xml::element(&x, "RequestId").as_deref(), Some(id), "{x}");
        assert_eq!(xml::element(&x, "HostId").as_deref(), Some(self.host.as_str()), "{x}");
        assert!(xml::element(&x, "Message").is_some_and(|m| !m.is_empty()), "{x}");
        if let Some(ec) = xml::element(&x, "EC") {
            assert_eq!(self.header("x-oss-ec"), Some(ec.as_str()), "{x}");
        }
    }
}

/// A server answering on a socket ([`Server::listen`]).
pub struct Listening {
    /// The address it listens on.
    pub addr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Listening {
    /// Stops the server and checks that it ended cleanly.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.server.await.unwrap().unwrap();
    }
}

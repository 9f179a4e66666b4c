//! Soak (issue 17): the built `ossimg serve` on 127.0.0.1 under a mixed load of concurrent
//! keep-alive clients, in rounds: processed GETs (several cascades, jpg/webp/png output and
//! `info`), plain GETs with ranges, small PUTs and multipart uploads, lists, deletes, presigned
//! GETs and bad requests (bad signatures with and without a body, hostile process strings, a
//! corrupt image, anonymous access to a private bucket). Asserts: no 5xx other than the declared
//! overload (`503 CpuLimitExceeded` with its OSS body and `Retry-After`), no request over its
//! timeout, no connection dropped under a client (every connection opened is a round's first or
//! follows a declared `Connection: close`), every acknowledged write readable with its MD5 at the
//! end (and every acknowledged delete gone), and RSS flat across rounds (the last round's idle
//! RSS within 10 % of the first after the warm-up round, or 8 MiB for a small server). Each
//! client keeps a bounded number of objects, written before the first round, so the data set
//! holds its size and the RSS comparison measures leaks, not the store's index growing with it;
//! RSS is read when the server has been idle long enough for its idle threads to exit.
//!
//! Sized for CI by default; `tests/soak.sh` runs it long. Parameters (environment):
//! `SOAK_CONCURRENCY` (64 clients), `SOAK_ROUNDS` (4), `SOAK_SECONDS` (15 per round),
//! `SOAK_TIMEOUT_S` (30: the most one request may take), `SOAK_WRITES` (1; 0 for reads only),
//! `SOAK_IDLE_S` (12: idle seconds after each round before RSS is read).

#[path = "support/rng.rs"]
mod rng;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use bytes::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use md5::{Digest as _, Md5};
use ossimg::api::auth::{
    encode_query, format_http_date, presign_v1_url, sign_v1_header, SignedRequest,
};
use rng::Rng;

const AK: &str = "LTAIsoak";
const SK: &str = "soak-secret";
const BUCKET: &str = "soak";
/// The seeded object ranges and presigned GETs read.
const RANGE_KEY: &str = "range.bin";
const RANGE_LEN: usize = 256 * 1024;
/// Sources of processed GETs (key, file in tests/data).
const SOURCES: &[(&str, &str)] = &[
    ("src/landscape.jpg", "Landscape_1.jpg"),
    ("src/example.jpg", "example.jpg"),
    ("src/hopper.png", "hopper.png"),
    ("src/one.webp", "1.webp"),
];
/// Sources every processed GET of which is refused (key, file in tests/data): undecodable, or
/// a pixel bomb.
const CORRUPT: &[(&str, &str)] = &[
    ("bad/header.jpg", "corrupt/corrupt-header.jpg"),
    ("bad/broken.png", "corrupt/broken.png"),
    ("bad/bomb.gif", "corrupt/decompression_bomb.gif"),
    ("bad/huge.png", "corrupt/16384x16384.png"),
];
/// Cascades of processed GETs and the content type each answers with.
const CASCADES: &[(&str, &str)] = &[
    ("image/resize,w_200/format,webp", "image/webp"),
    ("image/resize,m_fill,w_120,h_120/quality,q_80/format,jpg", "image/jpeg"),
    ("image/crop,w_100,h_100,g_center/rotate,90/format,png", "image/png"),
    ("image/resize,p_50/blur,r_3,s_2/format,jpg", "image/jpeg"),
    ("image/auto-orient,1/resize,l_160/sharpen,100/format,webp", "image/webp"),
    ("image/circle,r_50/format,png", "image/png"),
    ("image/info", "application/json"),
];
/// Process strings every one of which is refused with a 4xx.
const HOSTILE: &[&str] = &[
    "image/resize,w_999999999",
    "image/crop,x_-1,y_-1",
    "image/blur,r_100000,s_100000",
    "image/resize,w_0,h_0",
    "image/format,exe",
    "image/nosuchaction,x_1",
    "image/rotate,abc",
    "image/watermark,text_%%%",
    "image/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10/resize,w_10",
];

/// The most objects one client keeps written at a time.
const LIVE_MAX: usize = 32;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data).iter().map(|b| format!("{b:02X}")).collect()
}

/// What `/proc/PID/status` says of a process's memory, in KiB.
#[derive(Debug, Clone, Copy)]
struct Memory {
    /// Resident set: anonymous pages plus the pages of mapped files (the binary's code).
    rss: u64,
    /// Resident anonymous pages (heap, stacks): what a leak grows.
    anon: u64,
    /// Peak resident set.
    hwm: u64,
    /// Threads of the process.
    threads: u64,
}

/// The server under test, killed and its directory removed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

impl Server {
    fn start() -> Server {
        let dir = std::env::temp_dir().join(format!("ossimg-soak-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_ossimg"))
            .arg("serve")
            .args(["--listen", &addr.to_string(), "--backend", "cpu"])
            .arg("--data-dir")
            .arg(dir.join("data"))
            .env("OSSIMG_ACCESS_KEY_ID", AK)
            .env("OSSIMG_ACCESS_KEY_SECRET", SK)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start ossimg serve");
        let server = Server { child, addr, dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "the server did not listen: {}", server.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn log(&self) -> String {
        let bytes = std::fs::read(self.dir.join("server.log")).unwrap_or_default();
        String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(4000)..]).into_owned()
    }

    /// The server's memory, from `/proc/PID/status`.
    fn memory(&self) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server is running");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss: field("VmRSS:"),
            anon: field("RssAnon:"),
            hwm: field("VmHWM:"),
            threads: field("Threads:"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// How a request is authenticated.
#[derive(Clone, Copy, PartialEq)]
enum Auth {
    /// Signature V1 in the `Authorization` header.
    V1,
    /// A V1 presigned URL.
    Presigned,
    /// A signature that does not verify.
    Bad,
    /// None.
    Anonymous,
}

/// A request to `BUCKET` (`key` `None`: the bucket itself).
fn request(
    method: &str,
    key: Option<&str>,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    body: Vec<u8>,
    auth: Auth,
) -> Request<Body> {
    let query: Vec<(String, String)> =
        query.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let mut headers: Vec<(String, String)> =
        headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    headers.push(("Date".into(), format_http_date(now)));
    let signed =
        SignedRequest { method, bucket: Some(BUCKET), key, query: &query, headers: &headers };
    let mut full_query = query.clone();
    match auth {
        Auth::V1 => headers.push(("Authorization".into(), sign_v1_header(&signed, AK, SK))),
        Auth::Bad => {
            headers.push(("Authorization".into(), format!("OSS {AK}:AAAAAAAAAAAAAAAAAAAAAAAAAAA=")))
        }
        Auth::Presigned => full_query = presign_v1_url(&signed, AK, SK, now + 3600),
        Auth::Anonymous => {}
    }
    let mut uri = format!("/{BUCKET}");
    if let Some(k) = key {
        uri.push('/');
        uri.push_str(k);
    }
    if !full_query.is_empty() {
        uri.push('?');
        uri.push_str(&encode_query(&full_query));
    }
    let mut b = Request::builder().method(method).uri(uri).header("host", "soak.test");
    for (n, v) in &headers {
        b = b.header(n.as_str(), v.as_str());
    }
    b.body(Body::from(body)).unwrap()
}

/// One answer, read whole.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The start of the body, for failure messages.
    fn excerpt(&self) -> String {
        String::from_utf8_lossy(&self.body[..self.body.len().min(300)]).into_owned()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn code(&self) -> Option<String> {
        let t = self.text();
        let start = t.find("<Code>")? + 6;
        Some(t[start..start + t[start..].find("</Code>")?].to_string())
    }

    /// The declared overload: 503 `CpuLimitExceeded` with its OSS body and `Retry-After`.
    fn is_shed(&self) -> bool {
        self.status == 503
            && self.code().as_deref() == Some("CpuLimitExceeded")
            && self.header("retry-after").is_some_and(|v| v.parse::<u64>().is_ok_and(|s| s >= 1))
    }
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    requests: u64,
    connections: u64,
    declared_closes: u64,
    shed: u64,
    by_op: HashMap<&'static str, u64>,
    latencies_us: Vec<u64>,
    processed_us: Vec<u64>,
    failures: Vec<String>,
    /// Acknowledged writes still expected (key → MD5) and acknowledged deletes.
    written: HashMap<String, String>,
    deleted: Vec<String>,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.requests += o.requests;
        self.connections += o.connections;
        self.declared_closes += o.declared_closes;
        self.shed += o.shed;
        for (k, v) in o.by_op {
            *self.by_op.entry(k).or_default() += v;
        }
        self.latencies_us.extend(o.latencies_us);
        self.processed_us.extend(o.processed_us);
        self.failures.extend(o.failures);
        self.written.extend(o.written);
        self.deleted.extend(o.deleted);
    }

    fn fail(&mut self, what: String) {
        if self.failures.len() < 50 {
            self.failures.push(what);
        }
    }
}

/// A keep-alive client on one connection at a time.
struct Client {
    addr: SocketAddr,
    conn: Option<SendRequest<Body>>,
    timeout: Duration,
    tally: Tally,
}

impl Client {
    fn new(addr: SocketAddr, timeout: Duration) -> Client {
        Client { addr, conn: None, timeout, tally: Tally::default() }
    }

    async fn connect(&mut self) -> Result<SendRequest<Body>, String> {
        let tcp = tokio::net::TcpStream::connect(self.addr).await.map_err(|e| e.to_string())?;
        let _ = tcp.set_nodelay(true);
        let (send, conn) = http1::handshake(TokioIo::new(tcp)).await.map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        self.tally.connections += 1;
        Ok(send)
    }

    /// Sends `req` (`op` names it in the tally); `None` after a failure already recorded: a
    /// dropped connection or a request over its timeout.
    async fn send(&mut self, op: &'static str, req: Request<Body>) -> Option<Answer> {
        let what = format!("{op} {} {}", req.method(), req.uri());
        let mut conn = match self.conn.take() {
            Some(c) => c,
            None => match self.connect().await {
                Ok(c) => c,
                Err(e) => {
                    self.tally.fail(format!("{what}: cannot connect: {e}"));
                    return None;
                }
            },
        };
        let started = Instant::now();
        let exchange = async {
            conn.ready().await.map_err(|e| format!("connection dropped before sending: {e}"))?;
            let resp =
                conn.send_request(req).await.map_err(|e| format!("connection dropped: {e}"))?;
            let (parts, body) = resp.into_parts();
            let body = axum::body::to_bytes(Body::new(body), usize::MAX)
                .await
                .map_err(|e| format!("answer body cut: {e}"))?;
            Ok::<_, String>(Answer { status: parts.status.as_u16(), headers: parts.headers, body })
        };
        let answer = match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => {
                self.tally.fail(format!("{what}: {e}"));
                return None;
            }
            Err(_) => {
                self.tally.fail(format!("{what}: over its timeout of {:?}", self.timeout));
                return None;
            }
        };
        let took = started.elapsed().as_micros() as u64;
        self.tally.requests += 1;
        *self.tally.by_op.entry(op).or_default() += 1;
        self.tally.latencies_us.push(took);
        if op == "processed" {
            self.tally.processed_us.push(took);
        }
        if answer.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close")) {
            self.tally.declared_closes += 1;
        } else {
            self.conn = Some(conn);
        }
        if answer.status >= 500 && !answer.is_shed() {
            self.tally.fail(format!("{what}: {} {}", answer.status, answer.excerpt()));
            return None;
        }
        if answer.is_shed() {
            self.tally.shed += 1;
        }
        Some(answer)
    }

    /// Sends and checks the status is `want` (or the declared overload where `may_shed`).
    async fn expect(
        &mut self,
        op: &'static str,
        req: Request<Body>,
        want: &[u16],
        may_shed: bool,
    ) -> Option<Answer> {
        let what = format!("{op} {} {}", req.method(), req.uri());
        let a = self.send(op, req).await?;
        if a.is_shed() && may_shed {
            return None;
        }
        if !want.contains(&a.status) {
            self.tally.fail(format!("{what}: {} (wanted {want:?}) {}", a.status, a.excerpt()));
            return None;
        }
        Some(a)
    }
}

/// The bytes of the seeded objects, by key.
struct Seed {
    range: Vec<u8>,
}

async fn seed(c: &mut Client) -> Seed {
    c.expect("seed", request("PUT", None, &[], &[], Vec::new(), Auth::V1), &[200], false).await;
    let data = |name: &str| {
        std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    for (key, file) in SOURCES {
        let r = request("PUT", Some(key), &[], &[], data(file), Auth::V1);
        c.expect("seed", r, &[200], false).await;
    }
    for (key, file) in CORRUPT {
        let r = request("PUT", Some(key), &[], &[], data(file), Auth::V1);
        c.expect("seed", r, &[200], false).await;
    }
    let range = Rng(7).bytes(RANGE_LEN);
    let r = request("PUT", Some(RANGE_KEY), &[], &[], range.clone(), Auth::V1);
    c.expect("seed", r, &[200], false).await;
    assert!(c.tally.failures.is_empty(), "seeding failed: {:?}", c.tally.failures);
    Seed { range }
}

/// Writes client `id`'s share of the data set, [`LIVE_MAX`] objects, before the rounds: the store
/// (and its index cache) is then at its steady size from the first round on, so the rounds' RSS
/// compares like with like instead of following the data set as it fills.
async fn fill(c: &mut Client, id: u64) {
    let mut rng = Rng(0xF111_0000 ^ (id << 32));
    for n in 0..LIVE_MAX {
        let key = format!("w{id}/f{n}");
        let body = rng.bytes_between(1, 64 * 1024);
        let md5 = md5_hex(&body);
        let r = request("PUT", Some(&key), &[], &[], body, Auth::V1);
        if c.expect("fill", r, &[200], false).await.is_some() {
            c.tally.written.insert(key, md5);
        }
    }
}

/// The value of `<name>` in an XML body.
fn xml_value(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    Some(body[start..start + body[start..].find('<')?].to_string())
}

/// One client's round: random operations until `until`.
async fn client_round(c: &mut Client, id: u64, round: u64, until: Instant, seed: &Seed) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (id << 32) ^ (round + 1));
    let mut seq = 0u64;
    let mut mine: Vec<String> = c.tally.written.keys().cloned().collect();
    let writes = env_num("SOAK_WRITES", 1) != 0;
    while Instant::now() < until {
        seq += 1;
        let mut roll = rng.below(100);
        // Each client keeps at most LIVE_MAX objects: a write over it deletes one instead, so the
        // data set (and the store's index cache) stops growing and RSS measures leaks alone.
        if (45..=62).contains(&roll) && mine.len() >= LIVE_MAX {
            roll = 71;
        }
        // SOAK_WRITES=0: reads only (writes become range GETs), to tell the store's share of
        // the memory from the rest.
        if !writes && (45..=77).contains(&roll) {
            roll = 30;
        }
        match roll {
            0..=29 => {
                let (src, _) = SOURCES[rng.below(SOURCES.len() as u64) as usize];
                let (process, ctype) = CASCADES[rng.below(CASCADES.len() as u64) as usize];
                let r =
                    request("GET", Some(src), &[("x-oss-process", process)], &[], vec![], Auth::V1);
                if let Some(a) = c.expect("processed", r, &[200], true).await {
                    let magic_ok = match ctype {
                        "image/jpeg" => a.body.starts_with(&[0xFF, 0xD8]),
                        "image/png" => a.body.starts_with(b"\x89PNG"),
                        "image/webp" => a.body.get(8..12) == Some(b"WEBP".as_slice()),
                        _ => a.body.starts_with(b"{"),
                    };
                    if a.header("content-type") != Some(ctype) || !magic_ok {
                        c.tally.fail(format!("{src}?{process}: {:?}", a.header("content-type")));
                    }
                }
            }
            30..=44 => {
                let start = rng.below(RANGE_LEN as u64) as usize;
                let end = (start + rng.below(64 * 1024) as usize).min(RANGE_LEN - 1);
                let range = format!("bytes={start}-{end}");
                let r =
                    request("GET", Some(RANGE_KEY), &[], &[("Range", &range)], vec![], Auth::V1);
                if let Some(a) = c.expect("range", r, &[206], false).await {
                    if a.body[..] != seed.range[start..=end] {
                        c.tally.fail(format!("range {range}: wrong bytes"));
                    }
                }
            }
            45..=59 => {
                let key = format!("w{id}/s{round}-{seq}");
                let body = rng.bytes_between(1, 64 * 1024);
                let md5 = md5_hex(&body);
                let r = request("PUT", Some(&key), &[], &[], body, Auth::V1);
                if let Some(a) = c.expect("put", r, &[200], false).await {
                    if a.header("etag") != Some(&format!("\"{md5}\"")) {
                        c.tally.fail(format!("put {key}: ETag {:?}, MD5 {md5}", a.header("etag")));
                    }
                    c.tally.written.insert(key.clone(), md5);
                    mine.push(key);
                }
            }
            60..=62 => {
                let key = format!("w{id}/m{round}-{seq}");
                if let Some(md5) = multipart(c, &key, &mut rng).await {
                    c.tally.written.insert(key.clone(), md5);
                    mine.push(key);
                }
            }
            63..=70 => {
                let prefix = format!("w{id}/");
                let q = [("prefix", prefix.as_str()), ("max-keys", "20")];
                let r = request("GET", None, &q, &[], vec![], Auth::V1);
                if let Some(a) = c.expect("list", r, &[200], false).await {
                    if !a.text().contains("<ListBucketResult") {
                        c.tally.fail(format!("list: {}", a.excerpt()));
                    }
                }
            }
            71..=77 => {
                let key = match mine.len() {
                    0 => format!("w{id}/never"),
                    n => mine.swap_remove(rng.below(n as u64) as usize),
                };
                let r = request("DELETE", Some(&key), &[], &[], vec![], Auth::V1);
                if c.expect("delete", r, &[204], false).await.is_some()
                    && c.tally.written.remove(&key).is_some()
                {
                    c.tally.deleted.push(key);
                }
            }
            78..=84 => {
                let r = request("GET", Some(RANGE_KEY), &[], &[], vec![], Auth::Presigned);
                if let Some(a) = c.expect("presigned", r, &[200], false).await {
                    if a.body[..] != seed.range[..] {
                        c.tally.fail("presigned GET: wrong bytes".into());
                    }
                }
            }
            _ => bad_request(c, id, &mut rng).await,
        }
    }
}

/// A multipart upload of two parts (the first at the 100 KB minimum); the MD5 of the whole on
/// success.
async fn multipart(c: &mut Client, key: &str, rng: &mut Rng) -> Option<String> {
    let r = request("POST", Some(key), &[("uploads", "")], &[], vec![], Auth::V1);
    let a = c.expect("multipart", r, &[200], false).await?;
    let upload = xml_value(&a.text(), "UploadId")?;
    let parts = [rng.bytes_between(100 * 1024, 1024), rng.bytes_between(1, 50_000)];
    let mut complete = String::from("<CompleteMultipartUpload>");
    for (i, part) in parts.iter().enumerate() {
        let n = (i + 1).to_string();
        let q = [("partNumber", n.as_str()), ("uploadId", upload.as_str())];
        let r = request("PUT", Some(key), &q, &[], part.clone(), Auth::V1);
        let a = c.expect("multipart", r, &[200], false).await?;
        let etag = a.header("etag")?.to_string();
        complete.push_str(&format!("<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>"));
    }
    complete.push_str("</CompleteMultipartUpload>");
    let q = [("uploadId", upload.as_str())];
    let r = request("POST", Some(key), &q, &[], complete.into_bytes(), Auth::V1);
    c.expect("multipart", r, &[200], false).await?;
    Some(md5_hex(&parts.concat()))
}

/// One bad request, checked for its 4xx; each leaves the connection usable.
async fn bad_request(c: &mut Client, id: u64, rng: &mut Rng) {
    let (r, want): (Request<Body>, &[u16]) = match rng.below(6) {
        // Refused before its body is read: the body is drained, the connection kept.
        0 => {
            let key = format!("w{id}/refused");
            (request("PUT", Some(&key), &[], &[], rng.bytes(2048), Auth::Bad), &[403])
        }
        1 => (request("GET", Some(RANGE_KEY), &[], &[], vec![], Auth::Bad), &[403]),
        2 => {
            let p = HOSTILE[rng.below(HOSTILE.len() as u64) as usize];
            let r = request(
                "GET",
                Some("src/example.jpg"),
                &[("x-oss-process", p)],
                &[],
                vec![],
                Auth::V1,
            );
            (r, &[400])
        }
        3 => {
            let q = [("x-oss-process", "image/resize,w_50")];
            let (key, _) = CORRUPT[rng.below(CORRUPT.len() as u64) as usize];
            (request("GET", Some(key), &q, &[], vec![], Auth::V1), &[400, 403])
        }
        4 => {
            let q = [("x-oss-process", "image/resize,w_50")];
            (request("GET", Some("src/missing.jpg"), &q, &[], vec![], Auth::V1), &[404])
        }
        _ => (request("GET", Some(RANGE_KEY), &[], &[], vec![], Auth::Anonymous), &[403]),
    };
    c.expect("bad", r, want, true).await;
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_load_keeps_every_promise() {
    let concurrency = env_num("SOAK_CONCURRENCY", 64);
    let rounds = env_num("SOAK_ROUNDS", 4).max(1);
    let seconds = env_num("SOAK_SECONDS", 15);
    let timeout = Duration::from_secs(env_num("SOAK_TIMEOUT_S", 30));
    let idle = env_num("SOAK_IDLE_S", 12);
    let server = Server::start();
    let addr = server.addr;
    let mut seeder = Client::new(addr, timeout);
    let seed = std::sync::Arc::new(seed(&mut seeder).await);
    let mut clients: Vec<Client> = (0..concurrency).map(|_| Client::new(addr, timeout)).collect();
    if env_num("SOAK_WRITES", 1) != 0 {
        let fillers: Vec<_> = (0..concurrency)
            .map(|id| {
                tokio::spawn(async move {
                    let mut c = Client::new(addr, timeout);
                    fill(&mut c, id).await;
                    c.tally
                })
            })
            .collect();
        for (c, f) in clients.iter_mut().zip(fillers) {
            let filled = f.await.expect("a fill task");
            assert!(filled.failures.is_empty(), "filling failed: {:?}", filled.failures);
            c.tally.written = filled.written;
        }
    }
    let mut rss = Vec::new();
    // Time under load: the rounds without the idle waits between them.
    let mut elapsed = Duration::ZERO;
    for round in 0..rounds {
        let started = Instant::now();
        let until = started + Duration::from_secs(seconds);
        let tasks: Vec<_> = clients
            .drain(..)
            .enumerate()
            .map(|(id, mut c)| {
                let seed = seed.clone();
                tokio::spawn(async move {
                    // Each round starts on a fresh connection.
                    c.conn = None;
                    client_round(&mut c, id as u64, round, until, &seed).await;
                    c
                })
            })
            .collect();
        for t in tasks {
            clients.push(t.await.expect("a client task"));
        }
        elapsed += started.elapsed();
        // Idle: what the server keeps between bursts, read once the runtime's idle blocking
        // threads (the file system calls' pool) have exited, after tokio's 10 s keep-alive: how
        // many were alive, each with its touched stack, otherwise sways the reading by several
        // MiB from round to round.
        tokio::time::sleep(Duration::from_secs(idle)).await;
        let now = server.memory();
        let done: u64 = clients.iter().map(|c| c.tally.requests).sum();
        println!(
            "soak: round {round}: {done} requests so far, idle RSS {} MiB (anonymous {} MiB), {} threads",
            now.rss / 1024,
            now.anon / 1024,
            now.threads
        );
        rss.push(now);
    }
    let hwm = server.memory().hwm;
    let mut all = Tally::default();
    for c in clients {
        all.merge(c.tally);
    }
    // Every acknowledged write is there with its MD5; every acknowledged delete is gone.
    let mut checker = Client::new(addr, timeout);
    let mut keys: Vec<_> = all.written.iter().collect();
    keys.sort();
    for (key, md5) in keys {
        let r = request("GET", Some(key), &[], &[], vec![], Auth::V1);
        if let Some(a) = checker.expect("verify", r, &[200], false).await {
            if md5_hex(&a.body) != *md5 {
                checker.tally.fail(format!(
                    "{key}: MD5 {} after the soak, acknowledged {md5}",
                    md5_hex(&a.body)
                ));
            }
        }
    }
    for key in &all.deleted {
        let r = request("GET", Some(key), &[], &[], vec![], Auth::V1);
        checker.expect("verify", r, &[404], false).await;
    }
    all.failures.extend(checker.tally.failures);
    all.latencies_us.sort_unstable();
    all.processed_us.sort_unstable();
    println!(
        "soak: {concurrency} clients, {rounds} rounds of {seconds} s: {} requests in {:.0} s under load ({:.0}/s), \
         {} shed (503), {} failures; latency p50 {:.1} ms p99 {:.1} ms, processed p50 {:.1} ms p99 {:.1} ms; \
         {} connections, {} declared closes; idle RSS by round {:?} MiB (anonymous {:?} MiB), VmHWM {} MiB; {} objects verified, {} deletes verified; ops {:?}",
        all.requests,
        elapsed.as_secs_f64(),
        all.requests as f64 / elapsed.as_secs_f64(),
        all.shed,
        all.failures.len(),
        percentile(&all.latencies_us, 0.5),
        percentile(&all.latencies_us, 0.99),
        percentile(&all.processed_us, 0.5),
        percentile(&all.processed_us, 0.99),
        all.connections,
        all.declared_closes,
        rss.iter().map(|m| m.rss / 1024).collect::<Vec<_>>(),
        rss.iter().map(|m| m.anon / 1024).collect::<Vec<_>>(),
        hwm / 1024,
        all.written.len(),
        all.deleted.len(),
        all.by_op,
    );
    assert!(all.failures.is_empty(), "{:#?}\nserver log:\n{}", all.failures, server.log());
    let writes = env_num("SOAK_WRITES", 1) != 0;
    assert!(all.requests > 0 && (!writes || (!all.written.is_empty() && !all.deleted.is_empty())));
    // No connection was lost under a client: each was opened at a round's start or after an
    // answer that said `Connection: close`.
    assert_eq!(all.connections, concurrency * rounds + all.declared_closes);
    // Memory flat: the last idle RSS within 10 % of the first after the warm-up round (the
    // anonymous part, heap and stacks, is printed beside it: a leak shows there first), or within
    // RSS_STEP_KIB where that is more: at CI size (a ~60 MiB debug server) the allocator's steps
    // alone move the reading by 3–5 MiB between rounds, more than 10 %; a leak of 1 KiB per
    // request still fails it.
    if rss.len() >= 3 {
        let (first, last) = (rss[1].rss, rss.last().unwrap().rss);
        let allowed = (first / 10).max(RSS_STEP_KIB);
        assert!(
            last <= first + allowed,
            "idle RSS grew from {} to {} MiB over the rounds (allowed: {} MiB): {rss:?}",
            first / 1024,
            last / 1024,
            allowed / 1024
        );
    }
}

/// The least growth of idle RSS the soak treats as a leak, KiB (see the end of the soak).
const RSS_STEP_KIB: u64 = 8 * 1024;

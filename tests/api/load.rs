//! Behaviour under load (issue 17): a connection stays usable after a request refused before its
//! body was read (a small rest is drained; a large one closes the connection and says so), and
//! processing jobs over the queue bound are shed with `503 CpuLimitExceeded` and `Retry-After`
//! while every admitted job succeeds.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use crate::harness::*;
use ossimg::api::auth::format_http_date;
use ossimg::workers::{Admission, Pool, QueueBound};

/// Reads one HTTP/1.1 answer with a `Content-Length` body: (lower-cased head, body).
fn read_answer(c: &mut TcpStream) -> (String, Vec<u8>) {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = c.read(&mut byte).expect("the answer's head");
        assert_eq!(n, 1, "connection closed in the head: {}", String::from_utf8_lossy(&buf));
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap().to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; len];
    c.read_exact(&mut body).unwrap();
    (head, body)
}

/// A PUT with a signature that does not verify, declaring a body of `len` bytes.
fn bad_put_head(len: usize) -> String {
    format!(
        "PUT /open/new HTTP/1.1\r\nHost: x\r\nDate: {}\r\nAuthorization: OSS {AK}:c2lnbmF0dXJl\r\n\
         Content-Length: {len}\r\n\r\n",
        format_http_date(NOW)
    )
}

/// Serves `s` on a socket of 127.0.0.1 with the public-read bucket `open` holding `open/kept`
/// = `v1`.
async fn listen(s: &Server) -> Listening {
    s.bucket_acl("open", "public-read").await;
    s.object("open/kept", b"v1").await;
    s.listen().await
}

const GET_KEPT: &[u8] = b"GET /open/kept HTTP/1.1\r\nHost: x\r\n\r\n";

/// Over a real socket: a PUT refused for its signature before its body was read keeps the
/// connection (the small body is drained and the next request is answered on it); one whose
/// declared body is large answers `Connection: close` and the server closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_refusals_keep_or_close_the_connection_explicitly() {
    let s = Server::new();
    let listening = listen(&s).await;
    let addr = listening.addr;
    let clients = tokio::task::spawn_blocking(move || {
        let connect = || {
            let c = TcpStream::connect(addr).unwrap();
            c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            c
        };
        // Small body, sent whole with the head: drained, the connection serves the next request.
        let mut c = connect();
        let mut req = bad_put_head(1000).into_bytes();
        req.extend_from_slice(&[b'x'; 1000]);
        c.write_all(&req).unwrap();
        let (head, body) = read_answer(&mut c);
        assert!(head.starts_with("http/1.1 403"), "{head}");
        assert!(String::from_utf8_lossy(&body).contains("<Code>SignatureDoesNotMatch</Code>"));
        assert!(!head.contains("connection: close"), "{head}");
        c.write_all(GET_KEPT).unwrap();
        let (head, body) = read_answer(&mut c);
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert_eq!(body, b"v1");
        // Small body sent after the answer was read: drained as it arrives.
        let mut c = connect();
        c.write_all(bad_put_head(5000).as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        c.write_all(&[b'y'; 5000]).unwrap();
        let (head, _) = read_answer(&mut c);
        assert!(head.starts_with("http/1.1 403") && !head.contains("connection: close"), "{head}");
        c.write_all(GET_KEPT).unwrap();
        assert_eq!(read_answer(&mut c).1, b"v1");
        // Large declared body, not sent: refused at once, closed, and the answer says so.
        let mut c = connect();
        c.write_all(bad_put_head(50 << 20).as_bytes()).unwrap();
        c.write_all(&[b'z'; 4096]).unwrap();
        let (head, _) = read_answer(&mut c);
        assert!(head.starts_with("http/1.1 403"), "{head}");
        assert!(head.contains("connection: close"), "{head}");
        let mut rest = Vec::new();
        // The server closes: EOF (or a reset for the unread bytes), never a second answer.
        let _ = c.read_to_end(&mut rest);
        assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    });
    clients.await.unwrap();
    // Nothing was stored by the refused uploads.
    s.get("open/new").send().await.err(404, "NoSuchKey");
    listening.stop().await;
}

/// The count of shed jobs in the process's metrics.
fn jobs_shed() -> u64 {
    ossimg::telemetry::render()
        .lines()
        .find_map(|l| l.strip_prefix("ossimg_jobs_shed_total "))
        .map_or(0, |v| v.trim().parse().unwrap())
}

/// A pool of one worker with room for two waiting jobs, the worker held busy: of 16 processed
/// GETs at once, exactly two are admitted (and succeed once the worker is free), fourteen are
/// answered `503 CpuLimitExceeded` with the OSS envelope and `Retry-After` at once, and the
/// metrics count them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_over_the_queue_bound_are_shed_with_503() {
    let mut s = Server::new();
    let bound = QueueBound { max_jobs_per_worker: 2, max_wait: Duration::from_secs(3600) };
    let load = Arc::new(Admission::new(Pool::new(1), bound));
    Arc::get_mut(&mut s.state.0).expect("a fresh state").load = load.clone();
    s.bucket("bkt").await;
    s.object("bkt/photo.jpg", &data("example.jpg")).await;
    // Hold the only worker until released.
    let (release, held) = std::sync::mpsc::channel::<()>();
    let blocker = tokio::spawn({
        let load = load.clone();
        async move { load.pool().unwrap().run(move || held.recv().unwrap()).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let shed_before = jobs_shed();
    let requests = (0..16).map(|i| {
        s.get("bkt/photo.jpg").q("x-oss-process", &format!("image/resize,w_{}", 20 + i)).send()
    });
    let (answers, ()) = tokio::join!(futures_util::future::join_all(requests), async {
        // Every request has reached the queue long before: the shed ones are already answered.
        tokio::time::sleep(Duration::from_millis(500)).await;
        release.send(()).unwrap();
    });
    blocker.await.unwrap().unwrap();
    let (mut ok, mut shed) = (0, 0);
    for r in &answers {
        if r.status == 503 {
            shed += 1;
            let id = r.header("x-oss-request-id").unwrap();
            r.err(503, "CpuLimitExceeded").has("retry-after", "1").body_is(&format!(
                "{PROLOG}<Error><Code>CpuLimitExceeded</Code><Message>Please reduce your request rate.</Message>\
                 <RequestId>{id}</RequestId><HostId>{PATH_HOST}</HostId></Error>"
            ));
        } else {
            ok += 1;
            r.status(200).has("content-type", "image/jpeg");
            assert!(ossimg::codec::probe(&r.body).is_ok());
        }
    }
    assert_eq!((ok, shed), (2, 14));
    assert_eq!(jobs_shed() - shed_before, 14);
    // With the queue empty again, the next job is admitted.
    s.get("bkt/photo.jpg").q("x-oss-process", "image/resize,w_10").send().await.status(200);
}

/// A server with these limits (`KEY=VALUE` pairs), set before any request shares its state.
fn with_limits(pairs: &str) -> Server {
    let mut s = Server::new();
    let mut limits = ossimg::limits::Limits::default();
    limits.set_pairs(pairs).unwrap();
    Arc::get_mut(&mut s.state.0).expect("a fresh state").limits = limits;
    s
}

/// Limits lowered by configuration refuse with the answers of the spec's own limits: source
/// bytes, side and pixels (400 `ImageTooLarge`, EC 0040-00000009 with a resize), result side
/// and pixels (400 `InvalidArgument`, EC 0040-00000007), the process string's length and action
/// count (400 `InvalidArgument`), and a declared request body (400 `InvalidArgument`); requests
/// within them succeed.
#[tokio::test]
async fn configured_limits_refuse_with_the_spec_answers() {
    let s = with_limits(
        "source_bytes=20000 source_side=300 result_side=200 result_pixels=30000 \
         process_bytes=40 process_actions=2 body_bytes=30000",
    );
    s.bucket("bkt").await;
    s.object("bkt/photo.jpg", &data("example.jpg")).await; // 400x267, 21 839 bytes
    s.object("bkt/small.png", &data("png-basn2c08.png")).await; // 32x32
    let get = |key: &'static str, p: &'static str| s.get(key).q("x-oss-process", p).send();
    get("bkt/photo.jpg", "image/resize,w_100")
        .await
        .err(400, "ImageTooLarge")
        .msg("The source image is larger than 20000 bytes and cannot be processed.");
    // Within the bytes, over the side.
    let s2 = with_limits("source_side=300");
    s2.bucket("bkt").await;
    s2.object("bkt/photo.jpg", &data("example.jpg")).await;
    let r = s2.get("bkt/photo.jpg").q("x-oss-process", "image/resize,w_100").send().await;
    r.err(400, "ImageTooLarge").has("x-oss-ec", "0040-00000009");
    let r = s2.get("bkt/photo.jpg").q("x-oss-process", "image/rotate,90").send().await;
    r.err(400, "ImageTooLarge").has("x-oss-ec", "0040-00000012");
    // Result: 250x250 is over 30 000 pixels, 150x150 within; 201 px is over the side.
    let r = get("bkt/small.png", "image/resize,w_250,limit_0").await;
    r.err(400, "InvalidArgument").has("x-oss-ec", "0040-00000007");
    let r = get("bkt/small.png", "image/resize,w_100,h_201,m_fixed,limit_0").await;
    r.err(400, "InvalidArgument").has("x-oss-ec", "0040-00000007");
    get("bkt/small.png", "image/resize,w_150,limit_0").await.status(200);
    get("bkt/small.png", "image/resize,w_20/quality,q_80/format,png/rotate,90")
        .await
        .err(400, "InvalidArgument")
        .msg("The process string is 51 bytes long, at most 40 are allowed.");
    get("bkt/small.png", "image/resize,w_20/rotate,90/blur,r_1,s_1")
        .await
        .err(400, "InvalidArgument")
        .msg("Too many actions: 3, at most 2 are allowed.");
    get("bkt/small.png", "image/resize,w_20/format,png").await.status(200);
    s.put("bkt/big.bin")
        .body(vec![7u8; 30001])
        .send()
        .await
        .err(400, "InvalidArgument")
        .msg("Your proposed upload exceeds the maximum allowed object size.");
    s.put("bkt/fits.bin").body(vec![7u8; 30000]).send().await.status(200);
}

/// The memory budget and the job timeout: a job that cannot get its memory waits for it, and
/// past `job_timeout_s` is answered `503 CpuLimitExceeded`; with the memory free again, it runs.
#[tokio::test]
async fn a_job_waiting_past_its_timeout_is_answered_503() {
    let s = with_limits("job_timeout_s=0.3");
    s.bucket("bkt").await;
    s.object("bkt/photo.jpg", &data("example.jpg")).await;
    let budget = s.state.0.processing_budget_mib;
    let held = s.state.0.processing.clone().acquire_many_owned(budget).await.unwrap();
    let r = s.get("bkt/photo.jpg").q("x-oss-process", "image/resize,w_50").send().await;
    r.err(503, "CpuLimitExceeded").has("retry-after", "1");
    drop(held);
    s.get("bkt/photo.jpg").q("x-oss-process", "image/resize,w_50").send().await.status(200);
}

/// A request head over `header_bytes` is refused by the HTTP layer (431) and one within it is
/// served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_heads_over_the_limit_are_refused() {
    let s = with_limits("header_bytes=16384");
    let listening = listen(&s).await;
    let addr = listening.addr;
    tokio::task::spawn_blocking(move || {
        let ask = |filler: usize| {
            let mut c = TcpStream::connect(addr).unwrap();
            c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let pad = "a".repeat(filler);
            let req = format!(
                "GET /open/kept HTTP/1.1\r\nHost: x\r\nX-Pad: {pad}\r\nConnection: close\r\n\r\n"
            );
            let _ = c.write_all(req.as_bytes());
            let mut got = Vec::new();
            let _ = c.read_to_end(&mut got);
            String::from_utf8_lossy(&got).into_owned()
        };
        let big = ask(20_000);
        assert!(big.starts_with("HTTP/1.1 431"), "{big}");
        let fits = ask(8_000);
        assert!(fits.starts_with("HTTP/1.1 200"), "{fits}");
    })
    .await
    .unwrap();
    listening.stop().await;
}

//! Crash consistency of the local store through the real service: 8 threads upload random
//! bodies (200 KiB – 3 MiB, sent slowly so that several are always in flight) to a running
//! `ossimg serve`, which is SIGKILLed in the middle and restarted on the same data directory.
//! Then every acknowledged upload must be intact (or replaced by a later upload of the same key),
//! every listed key must hold exactly one of the bodies sent for it (nothing truncated, nothing
//! half-written), listed sizes must match, and no staging file may show in a listing.

#[path = "sdk/server.rs"]
mod server;

#[path = "support/rng.rs"]
mod rng;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use md5::Digest as _;
use ossimg::api::auth::{format_http_date, sign_v1_header, unix_seconds, SignedRequest};
use rng::Rng;
use server::{header, http, http_paced, Server, TempDir, AK, SK};

const BUCKET: &str = "crash";
/// Concurrent uploaders.
const THREADS: usize = 8;
/// Upper bound of uploads per thread (bounds the loop; the kill comes long before, about one
/// second in).
const MAX_UPLOADS: usize = 40;
/// Per-thread keys, written round-robin, so most keys are overwritten while the test runs.
const KEYS_PER_THREAD: usize = 3;
/// Body sizes of most threads: a few hundred KiB to a few MiB, below the store's single-put
/// limit (`SINGLE_PUT_MAX`, 8 MiB: buffered, then one staged write and a rename).
const SMALL: (usize, usize) = (200 << 10, 3 << 20);
/// The first `LARGE_THREADS` threads send 9–17 MiB: above `SINGLE_PUT_MAX`, so these stream through
/// the store's multipart path (8 MiB parts appended to a staging file while the body arrives),
/// where a kill leaves a half-written staging file behind.
const LARGE: (usize, usize) = ((8 << 20) + (1 << 20), 17 << 20);
const LARGE_THREADS: usize = 2;
/// Bodies go out in 64 KiB pieces with 2 ms pauses: a 3 MiB upload takes ~100 ms, so at the kill
/// nearly every thread is mid-body.
const PACE: (usize, Duration) = (64 << 10, Duration::from_millis(2));
/// The server is killed once this many uploads were acknowledged, `KILL_AFTER_LARGE_ACKS` of
/// them large …
const KILL_AFTER_ACKS: usize = 20;
const KILL_AFTER_LARGE_ACKS: usize = 2;
/// … or after this long, whichever comes first.
const KILL_DEADLINE: Duration = Duration::from_secs(20);

fn md5(data: &[u8]) -> Vec<u8> {
    md5::Md5::digest(data).to_vec()
}

/// Headers with `Date` and a V1 `Authorization` for a request on `key` (or the bucket).
fn signed(
    method: &str,
    key: Option<&str>,
    query: &[(String, String)],
    extra: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut headers = vec![("Date".to_string(), format_http_date(unix_seconds(SystemTime::now())))];
    headers.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    let req = SignedRequest { method, bucket: Some(BUCKET), key, query, headers: &headers };
    let auth = sign_v1_header(&req, AK, SK);
    headers.push(("Authorization".into(), auth));
    headers
}

/// One sent body: which upload of its key it was, its digest and length, and whether the server
/// acknowledged it with 200.
#[derive(Clone)]
struct Sent {
    seq: usize,
    md5: Vec<u8>,
    len: usize,
    acked: bool,
}

/// GET of an object: (status, body).
fn get(server: &Server, key: &str) -> (u16, Vec<u8>) {
    let (status, _, body) = http(
        server.addr,
        "GET",
        &format!("/{BUCKET}/{key}"),
        &signed("GET", Some(key), &[], &[]),
        &[],
    )
    .unwrap_or_else(|e| panic!("GET {key}: {e}"));
    (status, body)
}

/// Every (key, size) of the bucket, following `NextMarker` pages.
fn list_all(server: &Server) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut marker = String::new();
    loop {
        let path = format!("/{BUCKET}/?max-keys=7&marker={marker}");
        let (status, _, body) =
            http(server.addr, "GET", &path, &signed("GET", None, &[], &[]), &[]).expect("list");
        let xml = String::from_utf8(body).expect("UTF-8 listing");
        assert_eq!(status, 200, "ListObjects: {xml}");
        for contents in xml.split("<Contents>").skip(1) {
            let key = between(contents, "<Key>", "</Key>").expect("Key").to_string();
            let size =
                between(contents, "<Size>", "</Size>").and_then(|s| s.parse().ok()).expect("Size");
            out.push((key, size));
        }
        match between(&xml, "<NextMarker>", "</NextMarker>") {
            Some(next) if between(&xml, "<IsTruncated>", "</IsTruncated>") == Some("true") => {
                marker = next.to_string()
            }
            _ => return out,
        }
    }
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    Some(&s[start..start + s[start..].find(close)?])
}

#[test]
fn sigkill_during_uploads_loses_no_acknowledged_object_and_shows_no_partial_one() {
    let started = Instant::now();
    let data = TempDir::new("crash");
    let server = Server::start(data.path(), &[]);
    let (status, _, body) =
        http(server.addr, "PUT", &format!("/{BUCKET}/"), &signed("PUT", None, &[], &[]), &[])
            .expect("create bucket");
    assert_eq!(status, 200, "PutBucket: {}", String::from_utf8_lossy(&body));

    let sent: Arc<Mutex<HashMap<String, Vec<Sent>>>> = Arc::default();
    let acks = Arc::new(AtomicUsize::new(0));
    let large_acks = Arc::new(AtomicUsize::new(0));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let seed =
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1) | 1;
    println!("crash test seed {seed:#x}");
    let addr = server.addr;
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (sent, acks, in_flight, killed) =
                (sent.clone(), acks.clone(), in_flight.clone(), killed.clone());
            let large_acks = large_acks.clone();
            let sizes = if t < LARGE_THREADS { LARGE } else { SMALL };
            std::thread::spawn(move || {
                let mut rng = Rng(seed ^ (t as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                for i in 0..MAX_UPLOADS {
                    if killed.load(Ordering::SeqCst) {
                        return;
                    }
                    // The first upload of every thread goes to one shared key (concurrent writers).
                    let key = if i == 0 {
                        "shared.bin".to_string()
                    } else {
                        format!("t{t}/k{}.bin", i % KEYS_PER_THREAD)
                    };
                    let body = rng.bytes_between(sizes.0, (sizes.1 - sizes.0) as u64);
                    let idx = {
                        let mut s = sent.lock().unwrap();
                        let v = s.entry(key.clone()).or_default();
                        v.push(Sent {
                            seq: v.len(),
                            md5: md5(&body),
                            len: body.len(),
                            acked: false,
                        });
                        v.len() - 1
                    };
                    let headers = signed(
                        "PUT",
                        Some(&key),
                        &[],
                        &[("Content-Type", "application/octet-stream")],
                    );
                    in_flight.fetch_add(1, Ordering::SeqCst);
                    let r = http_paced(
                        addr,
                        "PUT",
                        &format!("/{BUCKET}/{key}"),
                        &headers,
                        &body,
                        Some(PACE),
                    );
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    match r {
                        Ok((200, h, _)) => {
                            let etag = format!("\"{}\"", hex_upper(&md5(&body)));
                            assert_eq!(header(&h, "etag"), Some(etag.as_str()), "ETag of {key}");
                            sent.lock().unwrap().get_mut(&key).unwrap()[idx].acked = true;
                            acks.fetch_add(1, Ordering::SeqCst);
                            if t < LARGE_THREADS {
                                large_acks.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                        Ok((status, _, body)) => {
                            panic!("PUT {key}: {status} {}", String::from_utf8_lossy(&body))
                        }
                        // The connection died: only acceptable once the server was killed.
                        Err(e) => {
                            assert!(
                                killed.load(Ordering::SeqCst),
                                "PUT {key} failed before the kill: {e}"
                            );
                            return;
                        }
                    }
                }
            })
        })
        .collect();

    let deadline = Instant::now() + KILL_DEADLINE;
    let enough = || {
        acks.load(Ordering::SeqCst) >= KILL_AFTER_ACKS
            && large_acks.load(Ordering::SeqCst) >= KILL_AFTER_LARGE_ACKS
    };
    while !enough() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let flying = in_flight.load(Ordering::SeqCst);
    killed.store(true, Ordering::SeqCst);
    let pid = server.pid();
    server.kill();
    println!(
        "SIGKILLed ossimg (pid {pid}) after {} acks with {flying} uploads in flight",
        acks.load(Ordering::SeqCst)
    );
    for w in workers {
        w.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
    }
    assert!(
        enough(),
        "only {} uploads ({} large) acknowledged in {KILL_DEADLINE:?}",
        acks.load(Ordering::SeqCst),
        large_acks.load(Ordering::SeqCst)
    );
    // Eight paced uploaders never pause between uploads: some are always mid-body.
    assert!(flying > 0, "no upload was in flight at the kill: the test would prove nothing");

    let server = Server::start(data.path(), &[]);
    let sent = sent.lock().unwrap().clone();
    let digest_of = |key: &str| -> Option<(Vec<u8>, usize)> {
        let (status, body) = get(&server, key);
        match status {
            200 => Some((md5(&body), body.len())),
            404 => None,
            s => panic!("GET {key} after restart: {s} {}", String::from_utf8_lossy(&body)),
        }
    };

    // 1. Acknowledged uploads survive: the key holds the last acknowledged body or a body sent
    //    after it (a later upload that landed without its answer reaching us). The shared key has
    //    no order across threads: any acknowledged-or-later body of any writer will do, so it is
    //    only checked in step 2.
    let mut acked_keys = 0;
    for (key, bodies) in &sent {
        let Some(last_acked) = bodies.iter().rposition(|s| s.acked) else { continue };
        acked_keys += 1;
        let got = digest_of(key)
            .unwrap_or_else(|| panic!("acknowledged object {key} is gone after the crash"));
        if key == "shared.bin" {
            continue;
        }
        let ok = bodies[last_acked..].iter().any(|s| (s.md5.clone(), s.len) == got);
        assert!(
            ok,
            "{key}: holds {} bytes matching none of uploads {}.. (acknowledged up to #{})",
            got.1, last_acked, bodies[last_acked].seq
        );
    }
    assert!(acked_keys > 0, "no key had an acknowledged upload");

    // 2. Nothing partial is visible: every listed key is one we sent, with a listed size and a
    //    body equal to one of its uploads; no staging file shows up as a key.
    let listed = list_all(&server);
    for (key, size) in &listed {
        let bodies = sent.get(key).unwrap_or_else(|| {
            panic!("listing shows {key:?}, which was never uploaded (a staging file?)")
        });
        let got = digest_of(key).unwrap_or_else(|| panic!("{key} is listed but GET says 404"));
        assert_eq!(*size, got.1, "{key}: listed size {size} != body length {}", got.1);
        assert!(
            bodies.iter().any(|s| (s.md5.clone(), s.len) == got),
            "{key}: {} bytes equal to none of the {} bodies sent for it (partial write visible)",
            got.1,
            bodies.len()
        );
    }
    for (key, bodies) in &sent {
        if bodies.iter().any(|s| s.acked) {
            assert!(
                listed.iter().any(|(k, _)| k == key),
                "acknowledged {key} missing from the listing"
            );
        }
    }

    // 3. The store still works after the crash: an overwrite of a key and a fresh key.
    for key in ["t0/k1.bin", "after-crash.bin"] {
        let body = Rng(seed.rotate_left(7) | 1).bytes_between(SMALL.0, (SMALL.1 - SMALL.0) as u64);
        let headers = signed("PUT", Some(key), &[], &[]);
        let (status, _, _) = http(server.addr, "PUT", &format!("/{BUCKET}/{key}"), &headers, &body)
            .expect("PUT after restart");
        assert_eq!(status, 200, "PUT {key} after restart");
        assert_eq!(get(&server, key), (200, body), "GET {key} after restart");
    }

    let staging = count_files(data.path(), &|n| n.contains('#'));
    println!(
        "{} keys listed, {} acknowledged keys intact, {staging} staging file(s) left on disk (never listed); {:.1}s",
        listed.len(),
        acked_keys,
        started.elapsed().as_secs_f64()
    );
    server.kill();
}

fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Files under `dir` whose name satisfies `pred` (recursively).
fn count_files(dir: &std::path::Path, pred: &dyn Fn(&str) -> bool) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else { return 0 };
    rd.flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                count_files(&p, pred)
            } else {
                usize::from(pred(&e.file_name().to_string_lossy()))
            }
        })
        .sum()
}

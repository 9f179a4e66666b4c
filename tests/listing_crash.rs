//! Crash consistency of the local store's object index through the real service: writers PUT
//! and DELETE small objects over a pool of keys while a reader walks the listing, and the server
//! is SIGKILLed in the middle, then restarted on the same data directory. After the restart the
//! listing (every page, and a delimiter listing) must be exactly the set of keys a GET finds,
//! with the sizes a GET returns — no key listed that is gone, none missing that is readable.

#[path = "sdk/server.rs"]
mod server;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ossimg::api::auth::{format_http_date, sign_v1_header, unix_seconds, SignedRequest};
use server::{http, Server, TempDir, AK, SK};

const BUCKET: &str = "lcrash";
/// Writer threads, each over its own keys and a few shared ones.
const WRITERS: usize = 6;
/// Keys per writer (`w<t>/k<j>`) plus [`SHARED`] keys every writer touches.
const KEYS: usize = 12;
const SHARED: usize = 4;
/// The kill comes after this many acknowledged operations, or after [`KILL_DEADLINE`].
const KILL_AFTER_OPS: usize = 150;
const KILL_DEADLINE: Duration = Duration::from_secs(15);

fn signed(method: &str, key: Option<&str>) -> Vec<(String, String)> {
    let mut headers = vec![("Date".to_string(), format_http_date(unix_seconds(SystemTime::now())))];
    let req = SignedRequest { method, bucket: Some(BUCKET), key, query: &[], headers: &headers };
    let auth = sign_v1_header(&req, AK, SK);
    headers.push(("Authorization".into(), auth));
    headers
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    Some(&s[start..start + s[start..].find(close)?])
}

/// One page of ListObjects: keys with sizes, common prefixes, the next marker when truncated.
type Page = (Vec<(String, usize)>, Vec<String>, Option<String>);

/// One page of ListObjects.
fn list_page(server: &Server, query: &str) -> std::io::Result<Page> {
    let (status, _, body) =
        http(server.addr, "GET", &format!("/{BUCKET}/?{query}"), &signed("GET", None), &[])?;
    let xml = String::from_utf8(body).expect("UTF-8 listing");
    assert_eq!(status, 200, "ListObjects: {xml}");
    let mut objects = Vec::new();
    for c in xml.split("<Contents>").skip(1) {
        let key = between(c, "<Key>", "</Key>").expect("Key").to_string();
        let size = between(c, "<Size>", "</Size>").and_then(|s| s.parse().ok()).expect("Size");
        objects.push((key, size));
    }
    let prefixes = xml
        .split("<CommonPrefixes>")
        .skip(1)
        .map(|c| between(c, "<Prefix>", "</Prefix>").expect("Prefix").to_string())
        .collect();
    let next = match between(&xml, "<IsTruncated>", "</IsTruncated>") {
        Some("true") => Some(between(&xml, "<NextMarker>", "</NextMarker>").expect("NextMarker")),
        _ => None,
    };
    Ok((objects, prefixes, next.map(str::to_string)))
}

/// Every page of the listing, `max-keys=5`.
fn list_all(server: &Server) -> std::io::Result<Vec<(String, usize)>> {
    let mut out = Vec::new();
    let mut marker = String::new();
    loop {
        let (objects, _, next) = list_page(server, &format!("max-keys=5&marker={marker}"))?;
        out.extend(objects);
        match next {
            Some(m) => marker = m,
            None => return Ok(out),
        }
    }
}

fn pool() -> Vec<String> {
    let mut keys: Vec<String> = (0..SHARED).map(|j| format!("shared/k{j}")).collect();
    for t in 0..WRITERS {
        keys.extend((0..KEYS).map(|j| format!("w{t}/k{j}")));
    }
    keys
}

#[test]
fn sigkill_during_puts_and_deletes_leaves_the_listing_equal_to_the_readable_objects() {
    let data = TempDir::new("listing-crash");
    let server = Server::start(data.path(), &[]);
    let (status, _, _) =
        http(server.addr, "PUT", &format!("/{BUCKET}/"), &signed("PUT", None), &[]).unwrap();
    assert_eq!(status, 200);
    let ops = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let addr = server.addr;
    let writers: Vec<_> = (0..WRITERS)
        .map(|t| {
            let (ops, killed) = (ops.clone(), killed.clone());
            std::thread::spawn(move || {
                let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (t as u64 + 1);
                while !killed.load(Ordering::SeqCst) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let key = if x.is_multiple_of(4) {
                        format!("shared/k{}", (x >> 8) as usize % SHARED)
                    } else {
                        format!("w{t}/k{}", (x >> 8) as usize % KEYS)
                    };
                    let (method, body) = if x.is_multiple_of(3) {
                        ("DELETE", Vec::new())
                    } else {
                        ("PUT", vec![b'a' + t as u8; 100 + (x >> 20) as usize % 20_000])
                    };
                    let r = http(
                        addr,
                        method,
                        &format!("/{BUCKET}/{key}"),
                        &signed(method, Some(&key)),
                        &body,
                    );
                    match r {
                        Ok((s, _, _)) if s == 200 || s == 204 => {
                            ops.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok((s, _, b)) => {
                            assert!(
                                killed.load(Ordering::SeqCst),
                                "{method} {key}: {s} {}",
                                String::from_utf8_lossy(&b)
                            )
                        }
                        Err(e) => assert!(killed.load(Ordering::SeqCst), "{method} {key}: {e}"),
                    }
                }
            })
        })
        .collect();
    // A reader walks the listing meanwhile: it must never fail before the kill.
    let started = Instant::now();
    let mut walks = 0;
    while ops.load(Ordering::SeqCst) < KILL_AFTER_OPS && started.elapsed() < KILL_DEADLINE {
        list_all(&server).expect("listing before the kill");
        walks += 1;
    }
    killed.store(true, Ordering::SeqCst);
    let acked = ops.load(Ordering::SeqCst);
    server.kill();
    for w in writers {
        w.join().unwrap();
    }
    assert!(acked >= 20, "only {acked} operations before the kill: the test would prove little");
    println!("killed after {acked} operations and {walks} listing walks");

    let server = Server::start(data.path(), &[]);
    let listed = list_all(&server).unwrap();
    let mut readable = Vec::new();
    for key in pool() {
        let (status, _, body) =
            http(server.addr, "GET", &format!("/{BUCKET}/{key}"), &signed("GET", Some(&key)), &[])
                .unwrap();
        match status {
            200 => readable.push((key, body.len())),
            404 => {}
            s => panic!("GET {key}: {s}"),
        }
    }
    readable.sort();
    assert!(!readable.is_empty(), "nothing readable: the writers wrote nothing");
    assert_eq!(listed, readable, "the listing after the restart is the set of readable objects");
    // A delimiter listing skips each directory whole and names exactly the non-empty ones.
    let (objects, prefixes, next) = list_page(&server, "delimiter=/").unwrap();
    assert!(objects.is_empty() && next.is_none());
    let mut dirs: Vec<String> =
        readable.iter().map(|(k, _)| k[..=k.find('/').unwrap()].to_string()).collect();
    dirs.dedup();
    assert_eq!(prefixes, dirs);
}

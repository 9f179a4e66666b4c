//! Faults of what ossimg depends on (issue 17 item 3), through a real `ossimg serve`:
//!
//! - the S3 store goes away under load (a TCP relay in front of the shared Garage is cut, never
//!   Garage itself): every request answers, `503 ServiceUnavailable`, nothing acknowledged is
//!   lost or corrupt, and the service recovers when the relay returns;
//! - the disk fills (the data directory on a small tmpfs): PutObject, multipart and saveas answer
//!   `507 InsufficientStorage`, the previous version of an object stays, no staging file shows,
//!   and the store works again once space is freed;
//! - `serve` is SIGKILLed during saveas and during CompleteMultipartUpload, at random moments,
//!   several times: after a restart each object is absent or whole, and the listing is exactly
//!   the readable objects;
//! - staging files a crash left (a put's, a part's) are removed at start-up, objects untouched.

#[path = "sdk/server.rs"]
mod server;

#[path = "support/s3.rs"]
mod s3;

#[path = "faults/client.rs"]
mod client;

#[path = "support/relay.rs"]
mod relay;

#[path = "support/rng.rs"]
mod rng;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client::{code, etag, Client};
use rng::Rng;
use server::{header, Server, TempDir};

fn photo() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/Landscape_1.jpg")).unwrap()
}

/// Every regular file under `dir` (recursively).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Staging files (`name#<digits>`) under `dir`.
fn staging_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.rsplit_once('#'))
                .is_some_and(|(_, d)| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect()
}

/// Asserts `reply` is the OSS error `status`/`code`.
fn assert_error(reply: &server::Reply, status: u16, want: &str, what: &str) {
    assert_eq!(
        (reply.0, code(reply).as_str()),
        (status, want),
        "{what}: {}",
        String::from_utf8_lossy(&reply.2)
    );
}

// ---- (d) staging files left by a crash ---------------------------------------------------------

#[test]
fn leftover_staging_files_are_removed_at_start_up() {
    let data = TempDir::new("faults-staging");
    let srv = Server::start(data.path(), &[]);
    let c = Client::new(srv.addr, "stage");
    c.create_bucket();
    let body = Rng(7).bytes(300_000);
    assert_eq!(c.put("dir/a.bin", &body).0, 200);
    let id = c.initiate("big.bin").unwrap();
    let part = Rng(8).bytes(200_000);
    assert_eq!(c.upload_part("big.bin", &id, 1, &part).0, 200);
    srv.kill();

    // Plant what a crash leaves: a half-written put beside the object and in the bucket root,
    // a half-written part beside the stored one.
    let objects = data.path().join("objects");
    let stored: Vec<PathBuf> = files_under(&objects.join("stage"));
    assert_eq!(stored.len(), 1, "one object file: {stored:?}");
    let part_file = files_under(&objects.join(".ossimg/uploads"))
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "00001"))
        .expect("the stored part");
    let planted = [
        PathBuf::from(format!("{}#1234", stored[0].display())),
        objects.join("stage/zz#9"),
        part_file.with_file_name("00002#77"),
    ];
    for p in &planted {
        std::fs::write(p, b"half-written").unwrap();
    }
    assert_eq!(staging_files(&objects).len(), 3);

    let srv = Server::start(data.path(), &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !staging_files(&objects).is_empty() {
        assert!(Instant::now() < deadline, "still there: {:?}", staging_files(&objects));
        std::thread::sleep(Duration::from_millis(100));
    }
    let c = Client::new(srv.addr, "stage");
    let r = c.get("dir/a.bin");
    assert_eq!((r.0, r.2 == body), (200, true));
    assert_eq!(c.list_all(), vec![("dir/a.bin".to_string(), body.len() as u64)]);
    let r = c.complete("big.bin", &id, &[etag(&part)]).unwrap();
    assert_eq!(r.0, 200, "{}", String::from_utf8_lossy(&r.2));
    assert_eq!(c.get("big.bin").2, part);
}

// ---- (b) a full disk ---------------------------------------------------------------------------

/// A tmpfs of `mib` MiB mounted on a fresh directory, unmounted on drop; `None` (after saying
/// why) where mounting is not permitted.
struct SmallDisk(TempDir);

impl SmallDisk {
    fn mount(tag: &str, mib: u32) -> Option<SmallDisk> {
        let dir = TempDir::new(tag);
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .output()
            .expect("run mount");
        if !out.status.success() {
            println!(
                "{tag}: skipped, cannot mount a tmpfs (needs root): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        Some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_disk_answers_507_and_keeps_what_was_there() {
    let Some(disk) = SmallDisk::mount("faults-full", 48) else { return };
    let srv = Server::start(disk.0.path(), &[]);
    let c = Client::new(srv.addr, "full");
    c.create_bucket();
    let mut rng = Rng(42);
    let src = photo();
    assert_eq!(c.put("src.jpg", &src).0, 200);
    let v1 = rng.bytes(1 << 20);
    assert_eq!(c.put("keep.bin", &v1).0, 200);

    // Fill the disk with ever smaller objects until even small ones no longer fit.
    let mut fills = Vec::new();
    for size in [4 << 20, 256 << 10, 16 << 10] {
        for _ in 0..64 {
            let key = format!("fill/{}", fills.len());
            let r = c.put(&key, &rng.bytes(size));
            if r.0 != 200 {
                assert_error(&r, 507, "InsufficientStorage", "PutObject on a full disk");
                break;
            }
            fills.push(key);
        }
    }
    assert!(fills.len() > 5, "the disk filled after {} objects", fills.len());

    // Every write path answers 507 and leaves what was there.
    let r = c.put("keep.bin", &rng.bytes(2 << 20));
    assert_error(&r, 507, "InsufficientStorage", "overwrite");
    let r = c.put("big.bin", &rng.bytes(9 << 20)); // streamed: above the single-put limit
    assert_error(&r, 507, "InsufficientStorage", "streamed PutObject");
    match c.initiate("mp.bin") {
        Err(r) => assert_error(&r, 507, "InsufficientStorage", "InitiateMultipartUpload"),
        Ok(id) => {
            let r = c.upload_part("mp.bin", &id, 1, &rng.bytes(1 << 20));
            assert_error(&r, 507, "InsufficientStorage", "UploadPart");
        }
    }
    let r = c.saveas("src.jpg", "image/resize,w_1200", "saved.jpg").unwrap();
    assert_error(&r, 507, "InsufficientStorage", "saveas");
    let r = c.get("keep.bin");
    assert_eq!((r.0, r.2 == v1), (200, true), "the previous version is intact");
    let mut listed: Vec<String> = c.list_all().into_iter().map(|(k, _)| k).collect();
    let mut want: Vec<String> =
        fills.iter().cloned().chain(["keep.bin".into(), "src.jpg".into()]).collect();
    listed.sort();
    want.sort();
    assert_eq!(listed, want, "exactly the acknowledged objects are listed");
    assert_eq!(staging_files(disk.0.path()), Vec::<PathBuf>::new(), "no staging file left");

    // Freeing space brings every path back, without a restart.
    for k in &fills {
        assert_eq!(c.delete(k).0, 204, "DeleteObject {k}");
    }
    let v2 = rng.bytes(2 << 20);
    assert_eq!(c.put("keep.bin", &v2).0, 200);
    assert_eq!(c.get("keep.bin").2, v2);
    let big = rng.bytes(9 << 20);
    assert_eq!(c.put("big.bin", &big).0, 200);
    assert_eq!(header(&c.get("big.bin").1, "etag").map(str::to_string), Some(etag(&big)));
    let id = c.initiate("mp.bin").unwrap();
    let part = rng.bytes(1 << 20);
    assert_eq!(c.upload_part("mp.bin", &id, 1, &part).0, 200);
    assert_eq!(c.complete("mp.bin", &id, &[etag(&part)]).unwrap().0, 200);
    assert_eq!(c.get("mp.bin").2, part);
    let r = c.saveas("src.jpg", "image/resize,w_1200", "saved.jpg").unwrap();
    assert_eq!(r.0, 200, "saveas after freeing space: {}", String::from_utf8_lossy(&r.2));
    drop(srv);
}

// ---- (c) SIGKILL during saveas and CompleteMultipartUpload -------------------------------------

/// After a restart: every key of `want` is absent or exactly its expected body, and the listing
/// is exactly the readable keys. Returns how many were present.
fn nothing_partial(c: &Client, want: &HashMap<String, Vec<u8>>, round: usize) -> usize {
    let mut present = HashSet::new();
    for (k, body) in want {
        let r = c.get(k);
        match r.0 {
            404 => assert_eq!(code(&r), "NoSuchKey"),
            200 => {
                assert!(r.2 == *body, "round {round}: {k} is not the whole object");
                present.insert(k.clone());
            }
            s => panic!("round {round}: GET {k} answered {s}"),
        }
    }
    let listed: HashSet<String> = c.list_all().into_iter().map(|(k, _)| k).collect();
    let sources: HashSet<String> =
        listed.iter().filter(|k| !want.contains_key(*k)).cloned().collect();
    assert_eq!(listed, &present | &sources, "round {round}: listing = readable objects");
    present.len()
}

/// True when the request got no answer (the server died under it); an answer must be a 200.
fn answered_200(r: std::io::Result<server::Reply>, what: &str) -> bool {
    match r {
        Err(_) => true,
        Ok(r) => {
            assert_eq!(r.0, 200, "{what}: {}", String::from_utf8_lossy(&r.2));
            false
        }
    }
}

#[test]
fn sigkill_during_saveas_and_multipart_completion_leaves_nothing_partial() {
    const ROUNDS: usize = 4;
    const PARTS: usize = 3;
    let data = TempDir::new("faults-kill");
    let mut rng = Rng::from_clock("sigkill_during_saveas");
    let mut srv = Server::start(data.path(), &[]);
    let c = Client::new(srv.addr, "kill");
    c.create_bucket();
    assert_eq!(c.put("src.jpg", &photo()).0, 200);
    // What each saveas stores: the same process as a GET (deterministic on one engine).
    let process = "image/resize,w_2400/quality,q_90";
    let r = c.req("GET", Some("src.jpg"), &[("x-oss-process", process)], b"");
    assert_eq!(r.0, 200);
    let saved = r.2;
    let (mut present, mut absent, mut cut) = (0, 0, 0);
    for round in 0..ROUNDS {
        let c = Client::new(srv.addr, "kill");
        let mut want = HashMap::new();
        // Uploads ready to complete: three 3 MiB parts (9 MiB: streamed through the store).
        let mut uploads = Vec::new();
        for u in 0..3 {
            let key = format!("mp-{round}-{u}");
            let id = c.initiate(&key).unwrap();
            let mut whole = Vec::new();
            let mut etags = Vec::new();
            for n in 1..=PARTS {
                let part = rng.bytes(3 << 20);
                assert_eq!(c.upload_part(&key, &id, n as u32, &part).0, 200);
                etags.push(etag(&part));
                whole.extend_from_slice(&part);
            }
            want.insert(key.clone(), whole);
            uploads.push((key, id, etags));
        }
        for s in 0..3 {
            want.insert(format!("saved-{round}-{s}"), saved.clone());
        }
        let started = Arc::new(AtomicUsize::new(0));
        let mut threads = Vec::new();
        for (key, id, etags) in uploads {
            let (c, started) = (c.clone(), started.clone());
            threads.push(std::thread::spawn(move || {
                started.fetch_add(1, Ordering::SeqCst);
                answered_200(c.complete(&key, &id, &etags), "complete")
            }));
        }
        for s in 0..3 {
            let (c, started) = (c.clone(), started.clone());
            threads.push(std::thread::spawn(move || {
                started.fetch_add(1, Ordering::SeqCst);
                answered_200(c.saveas("src.jpg", process, &format!("saved-{round}-{s}")), "saveas")
            }));
        }
        while started.load(Ordering::SeqCst) < 6 {
            std::thread::sleep(Duration::from_millis(1));
        }
        // The first kill comes early (every operation still running), the later ones later and
        // later (some operations done, some under way, some barely started).
        let delay = if round == 0 { 30 } else { 250 * round as u64 + rng.below(250) };
        std::thread::sleep(Duration::from_millis(delay));
        srv.kill();
        for t in threads {
            // No answer: the operation was in flight when the server died.
            cut += usize::from(t.join().unwrap());
        }
        srv = Server::start(data.path(), &[]);
        let n = nothing_partial(&Client::new(srv.addr, "kill"), &want, round);
        present += n;
        absent += want.len() - n;
    }
    println!(
        "after {ROUNDS} kills: {cut} operations cut, {present} objects whole, {absent} absent"
    );
    assert!(cut > 0, "no kill landed during an operation");
}

// ---- (a) the S3 store goes away under load -----------------------------------------------------

/// One loader's writes: every body sent per key (an unacknowledged one may have landed too).
type Sent = HashMap<String, Vec<Vec<u8>>>;

#[test]
fn an_s3_outage_answers_503_and_recovers() {
    let Some(env) = s3::s3_env("an_s3_outage_answers_503_and_recovers") else { return };
    let relay = relay::Relay::new(env.socket_addr());
    let data = TempDir::new("faults-s3");
    let config = env.config_via(relay.port, data.path(), "faults-s3");
    let timeouts = [
        ("OSSIMG_S3_CONNECT_TIMEOUT", "1"),
        ("OSSIMG_S3_TIMEOUT", "5"),
        ("OSSIMG_S3_RETRIES", "1"),
    ];
    let srv =
        Server::start_with_env(data.path(), &["--config", config.to_str().unwrap()], &timeouts);
    let c = Client::new(srv.addr, "outage");
    c.create_bucket();

    // Four loaders, each on keys of its own, PUT and GET until stopped; every answer must be a
    // 200 or a 503 ServiceUnavailable, and every body read one that was sent for that key.
    let stop = Arc::new(AtomicBool::new(false));
    let unavailable = Arc::new(AtomicUsize::new(0));
    let cut = Arc::new(AtomicUsize::new(0));
    let bad: Arc<Mutex<Vec<String>>> = Default::default();
    let mut loaders = Vec::new();
    for t in 0..4u64 {
        let (c, stop, unavailable, bad, cut) =
            (c.clone(), stop.clone(), unavailable.clone(), bad.clone(), cut.clone());
        loaders.push(std::thread::spawn(move || {
            let mut rng = Rng(t + 11);
            let mut sent = Sent::new();
            let mut acked: HashMap<String, Vec<u8>> = HashMap::new();
            while !stop.load(Ordering::SeqCst) {
                let key = format!("t{t}/k{}", rng.below(3));
                let len = 20_000 + rng.below(400_000) as usize;
                let body = rng.bytes(len);
                sent.entry(key.clone()).or_default().push(body.clone());
                let (r, what) = if rng.below(2) == 0 {
                    (c.try_req("PUT", Some(&key), &[], &body), "PUT")
                } else {
                    (c.try_req("GET", Some(&key), &[], b""), "GET")
                };
                let r = match r {
                    Ok(r) => r,
                    // A GET whose body was streaming when the store went away: its headers are
                    // out, so the server can only cut the answer short (the client sees fewer
                    // bytes than `Content-Length`, never a wrong body). A timeout is a hang.
                    Err(e)
                        if what == "GET"
                            && !matches!(
                                e.kind(),
                                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                            ) =>
                    {
                        cut.fetch_add(1, Ordering::SeqCst);
                        continue;
                    }
                    Err(e) => {
                        bad.lock().unwrap().push(format!("{what} {key}: no answer: {e}"));
                        continue;
                    }
                };
                match (r.0, what) {
                    (200, "PUT") => drop(acked.insert(key, body)),
                    (200, _) if sent[&key].contains(&r.2) => {}
                    (404, "GET") if !acked.contains_key(&key) => {}
                    (503, _) if code(&r) == "ServiceUnavailable" => {
                        unavailable.fetch_add(1, Ordering::SeqCst);
                    }
                    (s, _) => bad.lock().unwrap().push(format!(
                        "{what} {key}: {s} {}",
                        String::from_utf8_lossy(&r.2[..r.2.len().min(300)])
                    )),
                }
            }
            (sent, acked)
        }));
    }
    std::thread::sleep(Duration::from_secs(2));
    relay.stop();
    // Each kind of request answers, with the OSS error.
    for (method, key) in [("PUT", Some("direct")), ("GET", Some("t0/k0")), ("HEAD", Some("t0/k0"))]
    {
        let r = c.req(method, key, &[], if method == "PUT" { b"x" } else { b"" });
        assert_eq!(r.0, 503, "{method} during the outage");
        if method != "HEAD" {
            assert_error(&r, 503, "ServiceUnavailable", method);
        }
    }
    assert_error(&c.req("GET", None, &[], b""), 503, "ServiceUnavailable", "ListObjects");
    std::thread::sleep(Duration::from_secs(4));
    relay.start();
    let deadline = Instant::now() + Duration::from_secs(60);
    while c.put("after", b"back").0 != 200 {
        assert!(Instant::now() < deadline, "no recovery:\n{}", srv.log());
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::SeqCst);
    let mut all_sent = Sent::new();
    let mut ever_acked = HashSet::new();
    for l in loaders {
        let (sent, acked) = l.join().unwrap();
        ever_acked.extend(acked.into_keys());
        all_sent.extend(sent);
    }
    assert_eq!(*bad.lock().unwrap(), Vec::<String>::new(), "unexpected answers");
    assert!(unavailable.load(Ordering::SeqCst) > 0, "the loaders saw the outage");
    println!(
        "outage: {} answers 503, {} GET bodies cut short",
        unavailable.load(Ordering::SeqCst),
        cut.load(Ordering::SeqCst)
    );

    // Nothing corrupt: every stored object is one body sent for its key, whole, with its MD5.
    assert_eq!(c.get("after").2, b"back");
    let listed: Vec<(String, u64)> = c.list_all();
    for (key, size) in &listed {
        if key == "after" {
            continue;
        }
        let r = c.get(key);
        assert_eq!(r.0, 200, "GET {key}");
        assert_eq!(r.2.len() as u64, *size, "{key}: listed size");
        assert!(all_sent[key].contains(&r.2), "{key}: a body that was sent");
        assert_eq!(header(&r.1, "etag").map(str::to_string), Some(etag(&r.2)), "{key}: ETag");
    }
    let listed: HashSet<String> = listed.into_iter().map(|(k, _)| k).collect();
    assert!(ever_acked.iter().all(|k| listed.contains(k)), "every acknowledged key is listed");
}

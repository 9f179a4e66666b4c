//! Mounted buckets end to end (tests/sdk/test_mounts.py): a folder, and an S3 prefix on the
//! S3-compatible test server, of plain images seeded here without ossimg, served by `ossimg
//! serve` as `lib` (`[[mounts]]`, public-read, read-only), `vault` (`--mount`, private, read-only)
//! and `drop` (`[[mounts]]`, writable); after the suite, what it wrote into `drop` is checked here,
//! byte for byte, on disk or in S3. The S3 case needs the S3 test server (tests/support/s3.rs),
//! and the server under test reads its settings from the `AWS_*` environment.

use std::ffi::OsStr;
use std::path::Path;

use object_store::path::Path as StorePath;
use object_store::ObjectStoreExt;

#[path = "../support/s3.rs"]
mod s3;
use s3::{s3_env, S3Env};
#[path = "../support/storage.rs"]
mod storage;
use storage::files_under;

use super::server::{Server, TempDir};
use super::{python_or_skip, run_suite};

/// The read-only source: (path below it, bytes) — what test_mounts.py expects.
fn library() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("photo.jpg", data("Landscape_1.jpg")),
        ("sub/hopper.png", data("hopper.png")),
        ("sub/deeper/cat.jpg", data("cat.jpg")),
        ("notes.txt", b"plain text\n".to_vec()),
    ]
}

/// What test_mounts.py leaves in the writable mount, byte for byte (`None`: only that it is a
/// PNG, the server's own encoding).
fn written() -> Vec<(&'static str, Option<Vec<u8>>)> {
    // The multipart upload's body: test_mounts.py's BIG.
    let big: Vec<u8> = (0..600 * 1024usize).map(|i| ((i * 7 + i / 251) % 256) as u8).collect();
    vec![
        ("w/big.bin", Some(big)),
        ("w/copy.jpg", Some(data("Landscape_1.jpg"))),
        ("w/oss2.jpg", Some(data("hopper.jpg"))),
        ("w/thumb.png", None),
        ("w/v2.png", Some(data("hopper.png"))),
    ]
}

fn data(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts that the writable mount holds exactly [`written`] (read with `read`, listed as
/// `listed`) and that the read-only source is unchanged.
fn check_written(listed: Vec<String>, read: impl Fn(&str) -> Option<Vec<u8>>) {
    let want: Vec<&str> = written().iter().map(|(k, _)| *k).collect();
    assert_eq!(listed, want, "the writable mount's contents");
    for (rel, bytes) in written() {
        let got = read(&format!("drop/{rel}")).unwrap_or_else(|| panic!("{rel} was not written"));
        match bytes {
            Some(b) => assert!(got == b, "{rel}: the stored bytes differ from what was put"),
            None => assert!(got.starts_with(b"\x89PNG\r\n\x1a\n"), "{rel} is not a PNG"),
        }
    }
    for (rel, bytes) in library() {
        assert!(read(&format!("library/{rel}")) == Some(bytes), "library/{rel} changed");
    }
    assert_eq!(read("outside.jpg").as_deref(), Some(&b"never served"[..]));
}

/// The config file mounting `library` and `drop` below `root` (a `file://` URL or an `s3://`
/// prefix).
fn config(root: &str) -> String {
    format!(
        "[[mounts]]\nbucket = \"lib\"\nsource = \"{root}/library\"\nacl = \"public-read\"\n\n\
         [[mounts]]\nbucket = \"drop\"\nsource = \"{root}/drop\"\nwritable = true\n"
    )
}

/// Starts the server with the mounts of `root` and runs test_mounts.py against it.
fn run(python: &Path, state: &TempDir, root: &str, kind: &str, env: &[(&str, &str)]) {
    let cfg = state.path().join("ossimg.toml");
    std::fs::write(&cfg, config(root)).unwrap();
    let data_dir = state.path().join("data");
    let vault = format!("vault={root}/library");
    let extra = ["--config", cfg.to_str().unwrap(), "--mount", vault.as_str()];
    let server = Server::start_with_env(&data_dir, &extra, env);
    let suite_env = [
        ("OSSIMG_MOUNT_RO", OsStr::new("lib")),
        ("OSSIMG_MOUNT_PRIVATE", OsStr::new("vault")),
        ("OSSIMG_MOUNT_RW", OsStr::new("drop")),
        ("OSSIMG_MOUNT_KIND", OsStr::new(kind)),
    ];
    run_suite(python, &server, "test_mounts.py", &suite_env);
    server.kill();
}

#[test]
fn mounts_folder_suite() {
    let Some(python) = python_or_skip() else { return };
    let state = TempDir::new("sdk-mounts");
    let root = TempDir::new("sdk-mounts-folder");
    for (rel, bytes) in library() {
        let p = root.path().join("library").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    std::fs::create_dir_all(root.path().join("drop")).unwrap();
    std::fs::write(root.path().join("outside.jpg"), b"never served").unwrap();
    run(python, &state, &format!("file://{}", root.path().display()), "folder", &[]);
    let listed = files_under(&root.path().join("drop"));
    check_written(listed, |rel| std::fs::read(root.path().join(rel)).ok());
}

#[test]
fn mounts_s3_suite() {
    let Some(env) = s3_env("mounts_s3_suite") else { return };
    let Some(python) = python_or_skip() else { return };
    let store = env.store();
    let prefix = S3Env::fresh_prefix("ossimg-sdk-mounts");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let at = |rel: &str| StorePath::parse(format!("{prefix}/{rel}")).unwrap();
    rt.block_on(async {
        for (rel, bytes) in library() {
            store.put(&at(&format!("library/{rel}")), bytes.into()).await.unwrap();
        }
        store.put(&at("outside.jpg"), b"never served".to_vec().into()).await.unwrap();
    });
    let state = TempDir::new("sdk-mounts-s3");
    let aws = [
        ("AWS_ENDPOINT_URL", env.endpoint.as_str()),
        ("AWS_REGION", env.region.as_str()),
        ("AWS_ACCESS_KEY_ID", env.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", env.secret_access_key.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
    ];
    run(python, &state, &format!("s3://{}/{prefix}", env.bucket), "s3", &aws);
    let listed: Vec<String> = rt.block_on(async {
        let drop = at("drop");
        let mut keys: Vec<String> =
            futures_util::TryStreamExt::try_collect::<Vec<_>>(store.list(Some(&drop)))
                .await
                .unwrap()
                .into_iter()
                .map(|m| {
                    m.location.as_ref().trim_start_matches(&format!("{prefix}/drop/")).to_string()
                })
                .collect();
        keys.sort();
        keys
    });
    let read = |rel: &str| {
        rt.block_on(async {
            match store.get(&at(rel)).await {
                Ok(r) => Some(r.bytes().await.unwrap().to_vec()),
                Err(object_store::Error::NotFound { .. }) => None,
                Err(e) => panic!("{rel}: {e}"),
            }
        })
    };
    check_written(listed, read);
}

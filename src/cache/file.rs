//! The result cache's files: names, the entry format, atomic writes, the start-up scan.
//!
//! An entry file is `MAGIC`, then the key text and the content type (each a little-endian `u32`
//! length and the bytes), then the body.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::Entry;

/// The staging sub-directory.
pub const TMP: &str = "tmp";
const MAGIC: &[u8; 16] = b"ossimg-result-1\n";

/// A stable 128-bit FNV-1a hash of the key text: the same name on every run and every
/// instance (std's hashers promise neither). Not collision-resistant, which is why each file
/// carries its full key.
pub fn name(text: &str) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    text.bytes().fold(OFFSET, |h, b| (h ^ u128::from(b)).wrapping_mul(PRIME))
}

/// `<dir>/<2 hex>/<30 hex>`.
fn path(dir: &Path, name: u128) -> PathBuf {
    let hex = format!("{name:032x}");
    dir.join(&hex[..2]).join(&hex[2..])
}

/// The size an entry takes on disk.
pub fn encoded_len(text: &str, entry: &Entry) -> u64 {
    (MAGIC.len() + 8 + text.len() + entry.content_type.len() + entry.body.len()) as u64
}

/// Writes an entry under a staging name and renames it into place; returns its size.
pub fn write(dir: &Path, name: u128, text: &str, entry: &Entry) -> io::Result<u64> {
    let target = path(dir, name);
    // Both may have been removed under the cache.
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::create_dir_all(dir.join(TMP))?;
    let mut nonce = [0u8; 8];
    staging_suffix(&mut nonce);
    let tmp = dir.join(TMP).join(format!("{name:032x}.{}", u64::from_le_bytes(nonce)));
    let result = (|| {
        let mut f = io::BufWriter::new(fs::File::create(&tmp)?);
        f.write_all(MAGIC)?;
        for part in [text.as_bytes(), entry.content_type.as_bytes()] {
            f.write_all(&(part.len() as u32).to_le_bytes())?;
            f.write_all(part)?;
        }
        f.write_all(&entry.body)?;
        f.into_inner().map_err(|e| e.into_error())?.sync_data()?;
        fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|()| encoded_len(text, entry))
}

/// A unique-enough staging suffix: a randomly keyed hash of the time (std only).
fn staging_suffix(out: &mut [u8; 8]) {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(super::index::now());
    *out = h.finish().to_le_bytes();
}

/// Reads the entry `name` if its file exists and holds exactly `text`; refreshes its
/// modification time (the last use a restart sees). A file that is not an entry of this key is
/// removed.
pub fn read(dir: &Path, name: u128, text: &str) -> Option<Entry> {
    let p = path(dir, name);
    let mut f = fs::File::open(&p).ok()?;
    let mut data = Vec::new();
    f.read_to_end(&mut data).ok()?;
    let Some(entry) = decode(&data, text) else {
        let _ = fs::remove_file(&p);
        return None;
    };
    let _ = f.set_modified(SystemTime::now());
    Some(entry)
}

fn decode(data: &[u8], text: &str) -> Option<Entry> {
    let rest = data.strip_prefix(MAGIC.as_slice())?;
    let (key, rest) = field(rest)?;
    if key != text.as_bytes() {
        return None;
    }
    let (ctype, body) = field(rest)?;
    Some(Entry { content_type: String::from_utf8(ctype.to_vec()).ok()?, body: body.into() })
}

fn field(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
    let rest = &data[4..];
    Some((rest.get(..len)?, &rest[len..]))
}

/// Removes an entry's file (already gone is fine).
pub fn remove(dir: &Path, name: u128) {
    let _ = fs::remove_file(path(dir, name));
}

/// Empties the staging directory (files left by a crash mid-write).
pub fn clear_tmp(dir: &Path) -> io::Result<()> {
    for e in fs::read_dir(dir.join(TMP))? {
        let _ = fs::remove_file(e?.path());
    }
    Ok(())
}

/// Every entry file under `dir`: (name, size, last use in ns). Names that are not entries are
/// left alone.
pub fn scan(dir: &Path) -> io::Result<Vec<(u128, u64, u128)>> {
    let mut out = Vec::new();
    for top in fs::read_dir(dir)? {
        let top = top?;
        let prefix = top.file_name().to_string_lossy().into_owned();
        if prefix.len() != 2 || !top.file_type()?.is_dir() {
            continue;
        }
        for e in fs::read_dir(top.path())? {
            let Ok(e) = e else { continue };
            let rest = e.file_name().to_string_lossy().into_owned();
            if rest.len() != 30 {
                continue;
            }
            let Ok(name) = u128::from_str_radix(&format!("{prefix}{rest}"), 16) else { continue };
            let Ok(meta) = e.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let used = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            out.push((name, meta.len(), used));
        }
    }
    Ok(out)
}

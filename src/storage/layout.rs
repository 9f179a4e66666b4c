//! Flat, order-preserving, bounded store names for the S3-compatible and in-memory backends.
//!
//! An object `key` of `bucket` is stored at `<bucket>/<name>`, where `name` is one path segment:
//!
//! - escape: the key's bytes `0x30..=0x7D` (digits, letters, most punctuation) stay as they are;
//!   bytes `0x00..=0x2F` (controls, space, `!"#$%&'()*+,-./`) become `!XX` and bytes
//!   `0x7E..=0xFF` (`~`, DEL and every byte of a non-ASCII character) become `~XX` (upper-case
//!   hex). The escape of every byte sorts where the byte does (`!` below every kept byte, `~`
//!   above), and the code is prefix-free, so the escaped names sort exactly as the keys do in
//!   UTF-8 byte order, and the keys starting with `p` are the names starting with `escape(p)`.
//!   A name is plain ASCII, never holds `/` or a control, and never is `.` or `..`;
//! - bound: a name longer than [`Names::max`] keeps its first [`Names::group_len`] bytes and
//!   ends with a space and the SHA-256 (hex) of the key. A space sorts below every escaped byte,
//!   so the names sharing those first bytes (a *group*) stay together in store order; within a
//!   group the lister reads the keys back (from the objects' records) and sorts them. With a
//!   1023-byte key escaping to up to 3069 bytes, this keeps `<prefix>/<bucket>/<name>` within the
//!   1024-byte key limit of AWS S3 and MinIO.
//!
//! Names written by earlier versions (`keys`: `/`-separated segments each ending in a `%` tag)
//! always hold a `%`, which this escape never produces: both can live side by side.

use sha2::Digest as _;

use super::keys::validate_key;

/// Separates the kept head of a long name from its hash: below every byte of an escaped name.
const SEP: u8 = b' ';
/// Hex digits of the SHA-256 ending a long name.
const HASH_HEX: usize = 64;
/// The S3 key limit (bytes) the names must fit under, with their bucket and store prefix.
const S3_KEY_LIMIT: usize = 1024;
/// Room kept for `<bucket>/`: a bucket name is at most 63 bytes (spec §1.1).
const BUCKET_ROOM: usize = 64;
/// The shortest name bound accepted whatever the prefix (a name must hold a group head and a hash).
const MIN_MAX: usize = 256;

/// What a store name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Decoded {
    /// The name of this key.
    Key(String),
    /// A long key's name: its key is in the object's record.
    Hashed,
    /// Not a name this module makes (a file of another program, or of an earlier layout).
    Foreign,
}

/// The naming rules of one store (their bound depends on the store's key prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Names {
    max: usize,
}

/// Appends the escape of `key` to `out`.
pub(super) fn escape_into(key: &[u8], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in key {
        if (0x30..=0x7D).contains(&b) {
            out.push(b as char);
        } else {
            out.push(if b < 0x30 { '!' } else { '~' });
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// The escape of `key` (unbounded).
pub(super) fn escape(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + key.len() / 4);
    escape_into(key.as_bytes(), &mut out);
    out
}

/// Reverses [`escape`]; `None` when `name` is not canonical escaping of UTF-8.
fn unescape(name: &str) -> Option<String> {
    let b = name.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c @ (b'!' | b'~') => {
                let hex = name.get(i + 1..i + 3)?;
                if hex.bytes().any(|h| !(h.is_ascii_digit() || (b'A'..=b'F').contains(&h))) {
                    return None;
                }
                let v = u8::from_str_radix(hex, 16).ok()?;
                // Canonical: `!` only for bytes below 0x30, `~` only from 0x7E up.
                if (c == b'!') != (v < 0x30) || (c == b'~') != (v >= 0x7E) {
                    return None;
                }
                out.push(v);
                i += 3;
            }
            c @ 0x30..=0x7D => {
                out.push(c);
                i += 1;
            }
            _ => return None,
        }
    }
    String::from_utf8(out).ok()
}

impl Names {
    /// The rules for a store whose keys start with `store_prefix` (`""`: none).
    pub(super) fn new(store_prefix: &str) -> Self {
        let prefix = store_prefix.trim_matches('/');
        let used = if prefix.is_empty() { 0 } else { prefix.len() + 1 };
        Names { max: S3_KEY_LIMIT.saturating_sub(BUCKET_ROOM + used).max(MIN_MAX) }
    }

    /// The rules for names that the store keeps `extra` more bytes beside (a longer folder, a
    /// tag after the name): the name bound is that much lower.
    pub(super) fn reserving(&self, extra: usize) -> Self {
        Names { max: self.max.saturating_sub(extra).max(MIN_MAX) }
    }

    /// The longest name (bytes).
    #[cfg(test)]
    fn max(&self) -> usize {
        self.max
    }

    /// The bytes of a long key's escape that its name keeps: names at least this long belong to
    /// the group of their first `group_len` bytes.
    pub(super) fn group_len(&self) -> usize {
        self.max - 1 - HASH_HEX
    }

    /// The store name of `key` (a valid key).
    pub(super) fn name(&self, key: &str) -> String {
        let mut e = escape(key);
        if e.len() > self.max {
            e.truncate(self.group_len());
            e.push(SEP as char);
            for b in sha2::Sha256::digest(key.as_bytes()) {
                e.push_str(&format!("{b:02x}"));
            }
        }
        e
    }

    /// What `name` holds.
    pub(super) fn decode(&self, name: &str) -> Decoded {
        if let Some(sep) = name.bytes().position(|b| b == SEP) {
            let (head, hash) = (&name[..sep], &name[sep + 1..]);
            let hash_ok = hash.len() == HASH_HEX
                && hash.bytes().all(|h| h.is_ascii_digit() || (b'a'..=b'f').contains(&h));
            let head_ok = head.len() == self.group_len()
                && head.bytes().all(|c| c == b'!' || c == b'~' || (0x30..=0x7D).contains(&c));
            return if hash_ok && head_ok { Decoded::Hashed } else { Decoded::Foreign };
        }
        match unescape(name) {
            Some(k) if name.len() <= self.max && validate_key(&k).is_ok() => Decoded::Key(k),
            _ => Decoded::Foreign,
        }
    }

    /// A name below every name of a key `>= s`, and above as few others as it can (`None`: list
    /// from the start): where a listing that wants the keys from `s` on starts.
    pub(super) fn start_before(&self, s: &str) -> Option<String> {
        let mut e = escape(s);
        if e.len() >= self.group_len() {
            // A group: from its head on (the lister sorts it and skips the keys before `s`).
            e.truncate(self.group_len() - 1);
            return (!e.is_empty()).then_some(e);
        }
        // The greatest possible name below `e`: its last byte (a kept byte or a hex digit, never
        // an escape mark) one lower, then `~~`, above every continuation. Below `0` come only
        // escapes (`!XX`): `!~~` is above all of them.
        let last = e.pop()?;
        match last {
            '0' => e.push('!'),
            c => e.push((c as u8 - 1) as char),
        }
        e.push_str("~~");
        Some(e)
    }

    /// A name above every name of a key starting with `prefix`, when one exists that skips them
    /// all (`None` for a prefix whose names fall in a long-key group: those are walked).
    pub(super) fn after_all_with(&self, prefix: &str) -> Option<String> {
        let e = escape(prefix);
        // `~~` is above every escaped byte (`~` is followed by a hex digit, below `~`).
        (e.len() < self.group_len()).then(|| e + "~~")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names::new("")
    }

    #[test]
    fn names_sort_as_keys_and_round_trip() {
        let keys = [
            "a",
            "a b",
            "a!",
            "a-",
            "a.",
            "a/",
            "a//b",
            "a/b",
            "a0",
            "a~",
            "a\u{7f}",
            "aé",
            "a日",
            "a\u{10FFFF}",
            "a\t",
            "%",
            "!",
            "~",
            "..",
            ".",
            "photos/2024/cat.jpg",
        ];
        let n = names();
        for k in keys {
            let name = n.name(k);
            assert!(name.is_ascii() && !name.contains('/') && name != "." && name != "..");
            assert!(!name.bytes().any(|b| b.is_ascii_control() || b == b' ' || b == b'%'));
            assert_eq!(n.decode(&name), Decoded::Key(k.to_string()), "{k:?} -> {name:?}");
        }
        for a in keys {
            for b in keys {
                assert_eq!(a.cmp(b), n.name(a).cmp(&n.name(b)), "{a:?} vs {b:?}");
            }
        }
        assert_eq!(n.name("photos/a b.jpg"), "photos!2Fa!20b!2Ejpg");
    }

    #[test]
    fn long_keys_get_a_bounded_hashed_name_in_their_group() {
        let n = Names::new("some/prefix");
        assert!(n.max() + "some/prefix/".len() + BUCKET_ROOM <= S3_KEY_LIMIT);
        let slashes = format!("a{}", "/".repeat(1022));
        let long = n.name(&slashes);
        assert_eq!(long.len(), n.max());
        assert_eq!(n.decode(&long), Decoded::Hashed);
        assert_eq!(&long[..n.group_len()], &escape(&slashes)[..n.group_len()]);
        // Two long keys differing only after the head share the group, not the name.
        let other = format!("a{}b", "/".repeat(1021));
        assert_ne!(n.name(&other), long);
        assert_eq!(n.name(&other)[..n.group_len()], long[..n.group_len()]);
        // A key right at the bound keeps its plain name.
        let fits = "k".repeat(n.max());
        assert!(fits.len() <= 1023);
        assert_eq!(n.decode(&n.name(&fits)), Decoded::Key(fits.clone()));
    }

    #[test]
    fn foreign_and_legacy_names_are_not_keys() {
        let n = names();
        for f in ["a%", "photos%2F", "!61", "~41", "!2", "a b", "!2f", "", "\u{e9}"] {
            assert_eq!(n.decode(f), Decoded::Foreign, "{f:?}");
        }
    }

    #[test]
    fn offsets_bound_the_listing() {
        let n = names();
        let keys = ["a", "a/", "a/b", "a0", "b", "ab", "a~"];
        for s in ["a", "a/", "ab", "b", "z"] {
            let start = n.start_before(s);
            for k in keys {
                let listed = start.as_deref().is_none_or(|st| n.name(k).as_str() > st);
                assert_eq!(listed, k >= s, "{k} from {s}");
            }
            let after = n.after_all_with(s).unwrap();
            for k in keys {
                assert_eq!(k.starts_with(s), n.name(k) < after && n.name(k) >= escape(s), "{k}");
            }
        }
    }
}

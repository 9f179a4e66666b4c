//! Names: bucket-name and object-key validation (spec §1.1) and the reversible mapping of an OSS
//! key onto a backend path that every backend (local filesystem, S3, memory) can hold.
//!
//! An OSS key is any UTF-8 string of 1–1023 bytes; it may contain `//`, end with `/`, hold `.` or
//! `..` pieces, and `a` and `a/b` may both exist. A local filesystem can hold none of that
//! directly (a name cannot be both a file and a directory, `..` climbs, names are limited to 255
//! bytes), and `object_store`'s `Path` refuses empty and `.`/`..` segments. So each `/`-separated
//! piece of the key is escaped and tagged:
//!
//! - escape: bytes outside [`is_literal`] become `%XX` (upper-case hex); everything else, including
//!   all non-ASCII UTF-8, stays as it is;
//! - tag: a piece followed by `/` in the key ends with `%2F` (a directory), the last piece ends
//!   with a lone `%` (the object), and a piece whose escaped form is longer than
//!   [`MAX_SEGMENT`] is cut into several segments, each but the last ending with `%-`.
//!
//! Escaping never produces a lone `%` or `%-`, so the last byte of a segment says what it is: a
//! directory never equals an object name, no segment is empty, `.` or `..`, and no segment ends in
//! `#<digits>` (the names `LocalFileSystem` uses for its staging files). Example: `photos/a b.jpg`
//! → `photos%2F/a b.jpg%`; `dir/` → `dir%2F/%`.

use crate::{Error, ErrorKind, Result};

/// Tag of a segment whose piece is followed by `/` in the key.
const TAG_DIR: &str = "%2F";
/// Tag of a segment continued by the next one (a piece too long for one file name).
const TAG_CONT: &str = "%-";
/// Tag of the key's last segment (the object itself).
const TAG_LEAF: &str = "%";

/// The longest escaped text in one segment, in bytes: with a 3-byte tag it stays under the
/// 255-byte file-name limit of ext4, xfs and most other filesystems, with room to spare for the
/// `#<n>` suffix `LocalFileSystem` appends to its staging files.
const MAX_SEGMENT: usize = 200;

/// Longest object key in bytes (spec §1.1).
pub const MAX_KEY_LEN: usize = 1023;

/// Checks a bucket name against spec §1.1: 3–63 bytes of lower-case letters, digits and `-`,
/// starting and ending with a letter or digit.
pub fn validate_bucket_name(name: &str) -> Result<()> {
    let b = name.as_bytes();
    let ok_char = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-';
    let ok_end = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    // 3 and 63 are the OSS limits (spec §1.1).
    let valid = (3..=63).contains(&b.len())
        && b.iter().all(ok_char)
        && b.first().is_some_and(ok_end)
        && b.last().is_some_and(ok_end);
    if valid {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::InvalidBucketName, "The specified bucket is not valid."))
    }
}

/// Checks an object key against spec §1.1: 1–1023 bytes, not starting with `/` or `\`.
pub fn validate_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || key.starts_with('/') || key.starts_with('\\') {
        return Err(Error::new(ErrorKind::InvalidObjectName, "The specified object is not valid."));
    }
    Ok(())
}

/// Bytes kept as they are in a segment: ASCII letters and digits, a few punctuation marks that
/// every filesystem and S3 accept, and every byte of a multi-byte UTF-8 character. Everything
/// else (controls, `%`, `#`, `\`, `:`, `*`, `?`, `"`, `<`, `>`, `|`, …) is escaped.
fn is_literal(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b" -_.~!'()+,;=@$&".contains(&b)
}

/// Appends the segments of one key piece, the last of them tagged with `tag`.
fn encode_piece(piece: &str, tag: &str, out: &mut Vec<String>) {
    let mut cur = String::new();
    let mut buf = [0u8; 4];
    for ch in piece.chars() {
        let enc: &str = ch.encode_utf8(&mut buf);
        let mut piece_enc = String::new();
        if enc.len() == 1 && !is_literal(enc.as_bytes()[0]) {
            piece_enc.push_str(&format!("%{:02X}", enc.as_bytes()[0]));
        } else {
            piece_enc.push_str(enc);
        }
        if cur.len() + piece_enc.len() > MAX_SEGMENT {
            out.push(std::mem::take(&mut cur) + TAG_CONT);
        }
        cur.push_str(&piece_enc);
    }
    out.push(cur + tag);
}

/// The backend segments of a key (without the bucket). The key must be valid.
pub fn encode_key(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let pieces: Vec<&str> = key.split('/').collect();
    let last = pieces.len() - 1;
    for (i, piece) in pieces.iter().enumerate() {
        encode_piece(piece, if i == last { TAG_LEAF } else { TAG_DIR }, &mut out);
    }
    out
}

/// Reverses `%XX` escapes in one segment body; `None` when the text is not canonical escaping.
fn unescape(body: &str, out: &mut Vec<u8>) -> Option<()> {
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = body.get(i + 1..i + 3)?;
            if hex.bytes().any(|c| c.is_ascii_lowercase()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(())
}

/// The key stored under these backend segments (without the bucket), or `None` for a name this
/// module did not make (a foreign file): decoding is strict, the result re-encodes to exactly
/// the same segments.
pub fn decode_key<'a>(segments: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let segs: Vec<&str> = segments.into_iter().collect();
    let mut bytes = Vec::new();
    let n = segs.len();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == n;
        if let Some(body) = seg.strip_suffix(TAG_DIR).filter(|_| !last) {
            unescape(body, &mut bytes)?;
            bytes.push(b'/');
        } else if let Some(body) = seg.strip_suffix(TAG_CONT).filter(|_| !last) {
            unescape(body, &mut bytes)?;
        } else if let Some(body) = seg.strip_suffix(TAG_LEAF).filter(|_| last) {
            unescape(body, &mut bytes)?;
        } else {
            return None;
        }
    }
    let key = String::from_utf8(bytes).ok()?;
    if validate_key(&key).is_err() || encode_key(&key) != segs {
        return None;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(key: &str) -> Vec<String> {
        let segs = encode_key(key);
        for s in &segs {
            assert!(!s.is_empty() && s != "." && s != ".." && !s.contains('/'), "{s:?}");
            assert!(s.len() <= MAX_SEGMENT + 3, "segment too long: {}", s.len());
            assert!(!s.bytes().any(|b| b.is_ascii_control()), "{s:?}");
        }
        assert_eq!(decode_key(segs.iter().map(String::as_str)).as_deref(), Some(key));
        segs
    }

    #[test]
    fn keys_map_to_tagged_segments_and_back() {
        assert_eq!(roundtrip("photos/a b.jpg"), ["photos%2F", "a b.jpg%"]);
        assert_eq!(roundtrip("dir/"), ["dir%2F", "%"]);
        assert_eq!(roundtrip("a//b"), ["a%2F", "%2F", "b%"]);
        assert_eq!(roundtrip("../x/./y"), ["..%2F", "x%2F", ".%2F", "y%"]);
        assert_eq!(roundtrip("100%#1"), ["100%25%231%"]);
        assert_eq!(roundtrip("ünï/日本.png"), ["ünï%2F", "日本.png%"]);
        assert_eq!(roundtrip("a\\b:c*?\"<>|\t"), ["a%5Cb%3Ac%2A%3F%22%3C%3E%7C%09%"]);
        // `a` and `a/b` map to different names, so both can exist on a filesystem.
        assert_ne!(roundtrip("a")[0], roundtrip("a/b")[0]);
    }

    #[test]
    fn long_pieces_are_cut_into_segments() {
        let key = "k".repeat(MAX_KEY_LEN);
        let segs = roundtrip(&key);
        // 1023 bytes at 200 per segment: five full segments and a 23-byte tail.
        assert_eq!(segs.len(), 6);
        assert!(segs[..5].iter().all(|s| s.ends_with("%-")));
        // Escapes and multi-byte characters are never cut in half.
        roundtrip(&"#".repeat(341));
        roundtrip(&"é".repeat(511));
        roundtrip(&"a/".repeat(511));
    }

    #[test]
    fn foreign_names_are_not_keys() {
        assert_eq!(decode_key(["plain"]), None);
        assert_eq!(decode_key(["a%2F"]), None);
        assert_eq!(decode_key(["a%", "b%"]), None);
        assert_eq!(decode_key(["a%2f%"]), None);
        // Non-canonical: `a` need not be escaped, so `%61` is not ours.
        assert_eq!(decode_key(["%61%"]), None);
        assert_eq!(decode_key(["%"]), None, "the empty key is invalid");
        assert_eq!(decode_key(["x.json"]), None);
    }

    #[test]
    fn names_follow_spec_1_1() {
        for ok in ["abc", "a-b", "0ab", "a".repeat(63).as_str()] {
            assert!(validate_bucket_name(ok).is_ok(), "{ok}");
        }
        for bad in ["ab", "-ab", "ab-", "aBc", "a_b", "a.b", "", &"a".repeat(64)] {
            let e = validate_bucket_name(bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidBucketName, "{bad}");
        }
        assert!(validate_key("a").is_ok());
        assert!(validate_key(&"k".repeat(1023)).is_ok());
        for bad in ["", "/a", "\\a", &"k".repeat(1024)] {
            assert_eq!(validate_key(bad).unwrap_err().kind, ErrorKind::InvalidObjectName);
        }
    }
}

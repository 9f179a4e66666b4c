//! The stores' key mappings (`storage::fuzzing`): the local store's directory segments
//! (`keys`) and the flat, bounded names of the S3 and in-memory stores (`layout`).
//!
//! Local segments: a valid key round-trips, every segment is a plain file name (non-empty, not
//! `.`/`..`, no `/` or NUL, at most 203 bytes, never a staging `#<digits>` name), so the path
//! stays inside the bucket's directory and distinct keys never share a path. Flat names: one
//! ASCII segment without `/` or controls, within the store's bound, decoding back to the key
//! (or to "hashed" for a long key), ordered as the keys are outside a long-key group, and the
//! listing seeks (`start_before`, `after_all_with`) bracket the right names.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use ossimg::storage::fuzzing::{
    decode_key, encode_key, flat_after_all_with, flat_decode, flat_escape, flat_group_len,
    flat_name, flat_start_before,
};
use ossimg::storage::validate_key;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Picks the store prefix (which sets the name bound).
    prefix: u8,
    /// Two keys, each `text` repeated `1 + repeat % 64` times (long keys are easy to reach).
    a: (String, u8),
    b: (String, u8),
}

const PREFIXES: [&str; 4] = [
    "",
    "p",
    "tenant/images/",
    "a-much-longer-store-prefix/with/several/levels/to/shrink/the/bound/x",
];

fn key((text, repeat): &(String, u8)) -> String {
    let mut k = text.repeat(1 + usize::from(*repeat % 64));
    // Cut at a char boundary below the OSS limit rather than dropping long inputs.
    while k.len() > ossimg::storage::MAX_KEY_LEN {
        k.pop();
    }
    k
}

/// The local store's segments of a valid key.
fn check_local(k: &str) {
    let segs = encode_key(k);
    assert!(!segs.is_empty());
    for s in &segs {
        assert!(!s.is_empty() && s != "." && s != "..", "segment {s:?} of {k:?}");
        assert!(!s.contains('/') && !s.contains('\0'), "segment {s:?} of {k:?}");
        assert!(s.len() <= 203, "segment of {} bytes for {k:?}", s.len());
        let staging =
            s.rsplit_once('#').is_some_and(|(_, n)| n.bytes().all(|b| b.is_ascii_digit()));
        assert!(!staging, "segment {s:?} looks like a staging file");
    }
    assert_eq!(decode_key(segs.iter().map(String::as_str)).as_deref(), Some(k));
}

/// The flat name of a valid key.
fn check_flat(prefix: &str, k: &str) -> String {
    let n = flat_name(prefix, k);
    assert!(!n.is_empty() && n != "." && n != "..");
    assert!(n.bytes().all(|b| (0x20..0x7F).contains(&b) && b != b'/'), "name {n:?}");
    let used =
        if prefix.trim_matches('/').is_empty() { 0 } else { prefix.trim_matches('/').len() + 1 };
    assert!(n.len() <= 1024usize.saturating_sub(64 + used).max(256), "name of {} bytes", n.len());
    match flat_decode(prefix, &n) {
        Some(Some(back)) => assert_eq!(back, k),
        Some(None) => assert!(flat_escape(k).len() > n.len()),
        None => panic!("the name {n:?} of {k:?} decodes as foreign"),
    }
    n
}

/// True when both keys' names fall in one long-key group (sorted by the lister, not the store).
fn same_group(prefix: &str, a: &str, b: &str) -> bool {
    let g = flat_group_len(prefix);
    let (ea, eb) = (flat_escape(a), flat_escape(b));
    ea.len() >= g && eb.len() >= g && ea[..g] == eb[..g]
}

fuzz_target!(|input: Input| {
    let prefix = PREFIXES[usize::from(input.prefix) % PREFIXES.len()];
    let (a, b) = (key(&input.a), key(&input.b));
    // Any text: decoding never panics.
    let _ = flat_decode(prefix, &input.a.0);
    let _ = decode_key(input.a.0.split('/'));
    if validate_key(&a).is_err() || validate_key(&b).is_err() {
        return;
    }
    check_local(&a);
    check_local(&b);
    let (na, nb) = (check_flat(prefix, &a), check_flat(prefix, &b));
    if a != b {
        assert_ne!(encode_key(&a), encode_key(&b));
        assert_ne!(na, nb, "{a:?} and {b:?} share a name");
    }
    if !same_group(prefix, &a, &b) {
        assert_eq!(na.cmp(&nb), a.as_bytes().cmp(b.as_bytes()), "{a:?} vs {b:?}: {na:?} vs {nb:?}");
    }
    // A listing from `b` on starts below the name of every key >= b.
    if a.as_bytes() >= b.as_bytes() {
        if let Some(start) = flat_start_before(prefix, &b) {
            assert!(start < na, "start_before({b:?}) = {start:?} is not below {na:?}");
        }
    }
    // Skipping the keys that start with `b`: above all of them, below every later key.
    if let Some(after) = flat_after_all_with(prefix, &b) {
        if a.starts_with(b.as_str()) {
            assert!(na < after, "{na:?} of {a:?} is not below {after:?}");
        } else if a.as_bytes() > b.as_bytes() {
            assert!(na > after, "{na:?} of {a:?} is not above {after:?}");
        }
    }
});

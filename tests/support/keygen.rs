//! Random OSS keys for the listing property tests (`listing_props`, `upload_props`): built from
//! pieces that each stress a case of the store names (src/storage/layout.rs).
#![allow(dead_code)] // each test target uses a different part

use ossimg::storage::validate_key;
use proptest::prelude::*;

/// Key pieces: bytes that escape, `/` runs, unicode, `~` and `!` that sort between escaped and
/// kept bytes, DEL, NUL, text that looks like an escape.
pub const PIECES: &[&str] = &[
    "a",
    "b",
    "a/",
    "/",
    "//",
    "!",
    "~",
    " ",
    "%",
    "-",
    ".",
    "..",
    "0",
    "z",
    "é",
    "日本",
    "\u{7f}",
    "\t",
    "\0",
    "!2F",
    "~7E",
    "#1",
    "a~",
    "ab",
    "\u{10FFFF}",
];

/// A piece long enough that keys holding it get hashed names (more than ~900 escaped bytes).
pub fn long_piece() -> String {
    "L".repeat(450) + &"/".repeat(150)
}

/// Valid keys of 1 to `max_pieces - 1` pieces, now and then a long one.
pub fn key_strategy(max_pieces: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        20 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => Just(long_piece()),
    ];
    proptest::collection::vec(piece, 1..max_pieces)
        .prop_map(|v| v.concat())
        .prop_filter("a valid key", |k| validate_key(k).is_ok())
}

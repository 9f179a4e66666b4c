//! Entry points for the fuzz targets (`fuzz/`), compiled only under `--cfg fuzzing` (set by
//! `cargo fuzz`): the two key mappings private to this module — the local store's segments
//! (`keys`) and the flat, bounded names of the S3 and in-memory stores (`layout`). Not part of
//! the API.

use super::layout::{self, Decoded, Names};

pub use super::keys::{decode_key, encode_key};

/// The unbounded escape of `key` (`layout::escape`).
pub fn flat_escape(key: &str) -> String {
    layout::escape(key)
}

/// The flat store name of `key` in a store whose keys start with `store_prefix`.
pub fn flat_name(store_prefix: &str, key: &str) -> String {
    Names::new(store_prefix).name(key)
}

/// What a flat store name holds: `Some(Some(key))` for a short key's name, `Some(None)` for a
/// long key's hashed name, `None` for a name the layout never makes.
pub fn flat_decode(store_prefix: &str, name: &str) -> Option<Option<String>> {
    match Names::new(store_prefix).decode(name) {
        Decoded::Key(k) => Some(Some(k)),
        Decoded::Hashed => Some(None),
        Decoded::Foreign => None,
    }
}

/// The escaped bytes a long key's name keeps (its group's head length).
pub fn flat_group_len(store_prefix: &str) -> usize {
    Names::new(store_prefix).group_len()
}

/// Where a listing of the keys `>= s` starts (`Names::start_before`).
pub fn flat_start_before(store_prefix: &str, s: &str) -> Option<String> {
    Names::new(store_prefix).start_before(s)
}

/// A name above every name of a key starting with `prefix` (`Names::after_all_with`).
pub fn flat_after_all_with(store_prefix: &str, prefix: &str) -> Option<String> {
    Names::new(store_prefix).after_all_with(prefix)
}

//! Request-header and URL parsing outside authentication: `Range` (`api::object::parse_range`),
//! the HTTP dates of `If-Modified-Since`/`If-Unmodified-Since`/`Date` and the ISO 8601 times of
//! V4 (`api::auth`), query strings (`api::wire::parse_query`) and bucket/key addressing from
//! `Host` and the path (`api::wire::Addressing`).
//!
//! A served range lies inside the object; dates and times round-trip through their formatters
//! and every parsed date formats back to a date that parses to the same instant; an encoded
//! query parses back to its pairs; a path-style path built from a bucket and key addresses them.
#![no_main]

use std::collections::HashMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use ossimg::api::auth::{
    encode_query, format_http_date, format_iso8601_basic, parse_http_date, parse_iso8601_basic,
    v4_encode_path,
};
use ossimg::api::fuzzing::parse_range;
use ossimg::api::wire::{parse_query, percent_decode, Addressing};

#[derive(Arbitrary, Debug)]
struct Input {
    range: String,
    /// An object size: small sizes (where the edge cases are) most of the time.
    size: u64,
    standard: bool,
    date: String,
    instant: i64,
    query: Vec<(String, String)>,
    raw_query: String,
    host: Option<String>,
    path: String,
    bucket: String,
    key: String,
}

fuzz_target!(|input: Input| {
    // Range: `Some((first, last))` is a non-empty slice of the object.
    let size = if input.size % 4 == 0 { input.size } else { input.size % 1024 };
    let ranged = format!("bytes={}", input.range);
    for header in [input.range.as_str(), ranged.as_str()] {
        if let Ok(Some((first, last))) = parse_range(header, size, input.standard) {
            assert!(first <= last && last < size, "{header:?} of {size}: {first}-{last}");
        }
    }

    // Dates: parse → format → parse is stable; format → parse is the identity (years 0–9999).
    if let Some(t) = parse_http_date(&input.date) {
        let shown = format_http_date(t);
        assert_eq!(parse_http_date(&shown), Some(t), "{:?} → {shown:?}", input.date);
    }
    if let Some(t) = parse_iso8601_basic(&input.date) {
        assert_eq!(format_iso8601_basic(t), input.date);
    }
    let t = input.instant.rem_euclid(253_402_300_800); // up to 9999-12-31T23:59:59Z
    assert_eq!(parse_http_date(&format_http_date(t)), Some(t));
    assert_eq!(parse_iso8601_basic(&format_iso8601_basic(t)), Some(t));

    // Queries: any raw query is parsed or refused; an encoded one parses back to its pairs.
    let _ = parse_query(&input.raw_query);
    let _ = percent_decode(&input.raw_query);
    let pairs: Vec<(String, String)> =
        input.query.into_iter().filter(|(n, v)| !(n.is_empty() && v.is_empty())).collect();
    assert_eq!(parse_query(&encode_query(&pairs)).as_ref(), Some(&pairs));

    // Addressing: arbitrary hosts and paths never panic; a path-style path round-trips.
    let addressing = Addressing {
        domain: Some("oss.local".into()),
        custom_domains: HashMap::from([("img.example.com".into(), "bound".into())]),
        aliyuncs_hosts: true,
    };
    let _ = addressing.target(input.host.as_deref(), &input.path);
    if !input.bucket.is_empty() && !input.bucket.contains('/') && !input.key.is_empty() {
        let path = format!("/{}/{}", v4_encode_path(&input.bucket), v4_encode_path(&input.key));
        let t = addressing.target(Some("127.0.0.1:8080"), &path).expect("an encoded path decodes");
        assert_eq!(t.bucket.as_deref(), Some(input.bucket.as_str()));
        assert_eq!(t.key.as_deref(), Some(input.key.as_str()));
    }
});

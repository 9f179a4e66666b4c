//! Base64url as OSS uses it for watermark `text`/`type`/`image` and saveas `o`/`b` (spec §3.15,
//! Appendix B): the decoder accepts both the URL-safe (`-` `_`) and the standard (`+` `/`) alphabet,
//! with or without `=` padding; the encoder writes unpadded URL-safe Base64.

use super::args::BASE64_MESSAGE;
use crate::{Error, ErrorKind, Result};

/// The URL-safe alphabet the encoder writes.
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The 6-bit value of one Base64 character of either alphabet.
fn sextet(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' | b'+' => 62,
        b'_' | b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes Base64 per Appendix B: characters `A–Z a–z 0–9 - _ + /` (the two alphabets may even be
/// mixed), optional `=` padding (when present it must pad to a multiple of 4), no whitespace, and
/// the unused low bits of the last character must be zero (as every encoder writes them). The empty
/// string decodes to no bytes. Anything else is `400 BadRequest`, `Input is not base64 decoding.`
pub fn decode_base64url(s: &str) -> Result<Vec<u8>> {
    let bad = || Error::new(ErrorKind::BadRequest, BASE64_MESSAGE);
    let bytes = s.as_bytes();
    let data = s.trim_end_matches('=').as_bytes();
    let pad = bytes.len() - data.len();
    // Padding: none, or exactly what completes the last quantum of 4 characters (at most 2).
    if pad > 0 && (pad > 2 || !bytes.len().is_multiple_of(4)) {
        return Err(bad());
    }
    // One leftover character carries only 6 bits, less than a byte: never valid.
    if data.len() % 4 == 1 {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    for chunk in data.chunks(4) {
        let mut acc: u32 = 0;
        for &c in chunk {
            acc = (acc << 6) | sextet(c).ok_or_else(bad)?;
        }
        match chunk.len() {
            4 => out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]),
            // 3 characters = 18 bits: 2 bytes and 2 unused bits that must be zero.
            3 => {
                if acc & 0b11 != 0 {
                    return Err(bad());
                }
                out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]);
            }
            // 2 characters = 12 bits: 1 byte and 4 unused bits that must be zero.
            2 => {
                if acc & 0b1111 != 0 {
                    return Err(bad());
                }
                out.push((acc >> 4) as u8);
            }
            // `data.len() % 4 == 1` was rejected above.
            _ => return Err(bad()),
        }
    }
    Ok(out)
}

/// Encodes bytes as unpadded URL-safe Base64 (the form OSS documents: `+`→`-`, `/`→`_`, no `=`).
pub fn encode_base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    let put = |out: &mut String, v: u32| out.push(char::from(URL_SAFE[(v & 63) as usize]));
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let acc = (b(0) << 16) | (b(1) << 8) | b(2);
        // n input bytes give n+1 output characters.
        for k in 0..=chunk.len() {
            put(&mut out, acc >> (18 - 6 * k));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use proptest::prelude::*;

    #[test]
    fn documented_values_decode() {
        // Values from spec §3.15 and §7.
        assert_eq!(decode_base64url("cGFuZGEucG5n").unwrap(), b"panda.png");
        assert_eq!(decode_base64url("aW1hZ2UvcGFuZGEucG5n").unwrap(), b"image/panda.png");
        assert_eq!(decode_base64url("d3F5LXplbmhlaQ").unwrap(), b"wqy-zenhei");
        assert_eq!(decode_base64url("dGVzdC5qcGc").unwrap(), b"test.jpg");
        assert_eq!(decode_base64url("dGVzdA").unwrap(), b"test");
        assert_eq!(decode_base64url("dGVzdA==").unwrap(), b"test");
        assert_eq!(decode_base64url("").unwrap(), b"");
    }

    #[test]
    fn both_alphabets_and_padding() {
        // 0xfb 0xff 0xbf encodes to "+/+/" (standard) / "-_-_" (URL-safe).
        assert_eq!(decode_base64url("-_-_").unwrap(), [0xfb, 0xff, 0xbf]);
        assert_eq!(decode_base64url("+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
        assert_eq!(decode_base64url("-/+_").unwrap(), [0xfb, 0xff, 0xbf]);
        assert_eq!(decode_base64url("YQ").unwrap(), b"a");
        assert_eq!(decode_base64url("YQ==").unwrap(), b"a");
        assert_eq!(decode_base64url("YWI").unwrap(), b"ab");
        assert_eq!(decode_base64url("YWI=").unwrap(), b"ab");
        assert_eq!(encode_base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(encode_base64url(b"wqy-zenhei"), "d3F5LXplbmhlaQ");
        assert_eq!(encode_base64url(b""), "");
    }

    #[test]
    fn invalid_inputs_are_bad_request() {
        for s in
            ["Y", "YQ=", "YQ===", "Y=Q=", "YQ =", " YQ", "YQ\n", "Y!==", "YR", "YWJ", "=", "===="]
        {
            let e = decode_base64url(s).unwrap_err();
            assert_eq!(e.kind, ErrorKind::BadRequest, "{s:?}");
            assert_eq!(e.message, "Input is not base64 decoding.", "{s:?}");
            assert_eq!(e.ec, None);
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_base64_crate(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let ours = encode_base64url(&bytes);
            prop_assert_eq!(&ours, &base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes));
            prop_assert_eq!(decode_base64url(&ours).unwrap(), bytes.clone());
            let padded = base64::engine::general_purpose::URL_SAFE.encode(&bytes);
            prop_assert_eq!(decode_base64url(&padded).unwrap(), bytes.clone());
            let standard = base64::engine::general_purpose::STANDARD.encode(&bytes);
            prop_assert_eq!(decode_base64url(&standard).unwrap(), bytes.clone());
            let standard_no_pad = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&bytes);
            prop_assert_eq!(decode_base64url(&standard_no_pad).unwrap(), bytes);
        }

        #[test]
        fn never_panics(s in ".{0,16}") {
            let _ = decode_base64url(&s);
        }
    }
}

//! Percent-decoding, the two ways a process string arrives encoded: `%XX` escapes of a URI
//! component (the `x-oss-process` query value, spec §1.2) and `application/x-www-form-urlencoded`
//! values (a saveas POST body as ali-oss writes it, spec §7), where `+` is also a space. Std only;
//! `api::wire` re-exports both for the rest of the URI.

/// Decodes `%XX` escapes of a URI path or query component (`+` stays `+`); `None` when an escape
/// is malformed or the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            // `from_str_radix` would also take a sign: `%+1` is no escape.
            if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Decodes a form-encoded value (`+` is a space, then `%XX` escapes), as query strings and
/// `application/x-www-form-urlencoded` bodies are written; `None` as [`percent_decode`].
pub fn form_decode(s: &str) -> Option<String> {
    percent_decode(&s.replace('+', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(percent_decode("image%2Fresize%2cw_100").as_deref(), Some("image/resize,w_100"));
        assert_eq!(percent_decode("a+b%20c%C3%A9").as_deref(), Some("a+b cé"));
        assert_eq!(form_decode("a+b%2B").as_deref(), Some("a b+"));
        assert_eq!(percent_decode("plain").as_deref(), Some("plain"));
        // Malformed or cut escapes, a sign where a digit belongs, bytes that are not UTF-8.
        for bad in ["%", "%2", "%zz", "%+1", "%-1", "a%FF", "%C3"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
    }
}

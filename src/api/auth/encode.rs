//! Byte encodings used by the signatures: the RFC 3986 percent-encoding of signature V4 (also
//! used to render presigned query strings), lower-case hex digests, and the spaced upper-case hex
//! of `<StringToSignBytes>`.

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// RFC 3986 unreserved characters, the only ones V4 leaves unescaped.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX_UPPER[usize::from(b >> 4)] as char);
            out.push(HEX_UPPER[usize::from(b & 15)] as char);
        }
    }
    out
}

/// Percent-encodes a V4 query name or value: RFC 3986 unreserved bytes kept, every other byte
/// (including `/`, `,`, `+` and space) as `%XX` with upper-case hex.
pub fn v4_encode(s: &str) -> String {
    encode(s, false)
}

/// Percent-encodes a V4 canonical URI: like [`v4_encode`] but `/` is kept
/// (`/bucket/1234+-/123/1.txt` → `/bucket/1234%2B-/123/1.txt`).
pub fn v4_encode_path(s: &str) -> String {
    encode(s, true)
}

/// Renders decoded `(name, value)` pairs as a URL query string (without the `?`), in the given
/// order, each part V4-encoded; an empty value is written as the bare name.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&v4_encode(name));
        if !value.is_empty() {
            out.push('=');
            out.push_str(&v4_encode(value));
        }
    }
    out
}

/// Lower-case hex of bytes (V4 signatures and payload hashes).
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX_LOWER[usize::from(b >> 4)] as char);
        out.push(HEX_LOWER[usize::from(b & 15)] as char);
    }
    out
}

/// Decodes hex (either case); `None` on an odd length or a non-hex digit.
pub fn hex_decode(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks_exact(2).map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?)).collect()
}

/// The `<StringToSignBytes>` rendering OSS uses: each byte as two upper-case hex digits followed
/// by a space (`PUT` → `50 55 54 `).
pub fn spaced_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        out.push(HEX_UPPER[usize::from(b >> 4)] as char);
        out.push(HEX_UPPER[usize::from(b & 15)] as char);
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_encoding_keeps_only_unreserved() {
        assert_eq!(v4_encode("image/resize,w_300"), "image%2Fresize%2Cw_300");
        assert_eq!(v4_encode("a b+c~d.e-f_g"), "a%20b%2Bc~d.e-f_g");
        assert_eq!(v4_encode("|param1"), "%7Cparam1");
        assert_eq!(v4_encode("é"), "%C3%A9");
        assert_eq!(v4_encode_path("/bucket/1234+-/123/1.txt"), "/bucket/1234%2B-/123/1.txt");
    }

    #[test]
    fn query_rendering_writes_bare_names() {
        let q = vec![
            ("acl".to_string(), String::new()),
            ("Signature".to_string(), "a+b/c=".to_string()),
        ];
        assert_eq!(encode_query(&q), "acl&Signature=a%2Bb%2Fc%3D");
    }

    #[test]
    fn hex_helpers() {
        assert_eq!(hex_lower(&[0x00, 0xab, 0x7f]), "00ab7f");
        assert_eq!(hex_decode("00AB7f"), Some(vec![0x00, 0xab, 0x7f]));
        assert_eq!(hex_decode("abc"), None);
        assert_eq!(hex_decode("zz"), None);
        assert_eq!(spaced_hex(b"PUT\n"), "50 55 54 0A ");
    }
}

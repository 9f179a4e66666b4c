//! The stored form of one object: its body followed by a metadata trailer, in one backend
//! object, so that one atomic write (a rename on the local store, one PUT or one multipart
//! completion on S3, one map insert in memory) publishes body and metadata together.
//!
//! ```text
//! [ body: size bytes ][ JSON record: n bytes ][ n: u32 little-endian ][ "OSSIMGT1" ]
//! ```
//!
//! The trailer goes last because the MD5 and CRC of a streamed body are only known at its end.
//! The body starts at offset 0, so a range read of the body is a range read of the blob.

use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::types::{ObjectAcl, ObjectInfo, StorageClass};
use crate::{Error, ErrorKind, Result};

/// Marks the end of every stored object ("ossimg trailer, format 1").
pub const MAGIC: &[u8; 8] = b"OSSIMGT1";
/// The fixed part at the very end: the record length (4 bytes) and [`MAGIC`].
pub const FOOTER_LEN: u64 = 12;

/// The JSON record of the trailer. Field names are short and stable: this is an on-disk format.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// The key, stored again so a misplaced blob is detected.
    pub key: String,
    /// Body length.
    pub size: u64,
    /// Lower-case hex MD5 of the body.
    pub md5: String,
    /// CRC-64/XZ of the body.
    pub crc64: u64,
    /// Milliseconds since the Unix epoch.
    pub mtime_ms: u64,
    /// Content-Type.
    pub content_type: String,
    /// User metadata, names lower-cased.
    #[serde(default)]
    pub meta: Vec<(String, String)>,
    /// Object ACL.
    #[serde(default)]
    pub acl: ObjectAcl,
    /// Cache-Control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    /// Content-Disposition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_disposition: Option<String>,
    /// Content-Encoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    /// Expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The ETag when it is not the body's MD5: a multipart upload's `"<MD5 of part MD5s>-<n>"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The storage class (absent: `Standard`).
    #[serde(default, skip_serializing_if = "StorageClass::is_standard")]
    pub class: StorageClass,
}

/// Milliseconds since the epoch (times before it count as 0).
pub fn to_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// The time `ms` milliseconds after the epoch.
pub fn from_ms(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

impl Record {
    /// The JSON record alone (what the local index keeps).
    pub fn to_json(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|e| internal(format!("record encode: {e}")))
    }

    /// A record from its JSON alone (as the local index keeps it).
    pub fn from_json(json: &[u8]) -> Result<Self> {
        serde_json::from_slice(json).map_err(|e| internal(format!("record decode: {e}")))
    }

    /// The trailer bytes: JSON, its length, the magic.
    pub fn to_trailer(&self) -> Result<Vec<u8>> {
        let mut out =
            serde_json::to_vec(self).map_err(|e| internal(format!("record encode: {e}")))?;
        let n = u32::try_from(out.len()).map_err(|_| internal("record too large"))?;
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(MAGIC);
        Ok(out)
    }

    /// The length of the JSON record given the last [`FOOTER_LEN`] bytes of a blob.
    pub fn record_len(footer: &[u8]) -> Result<u64> {
        if footer.len() != FOOTER_LEN as usize || &footer[4..] != MAGIC {
            return Err(internal("stored object has no ossimg trailer"));
        }
        let mut n = [0u8; 4];
        n.copy_from_slice(&footer[..4]);
        Ok(u64::from(u32::from_le_bytes(n)))
    }

    /// Parses the JSON record and checks it against the blob's size.
    pub fn parse(json: &[u8], blob_size: u64) -> Result<Self> {
        let rec: Record =
            serde_json::from_slice(json).map_err(|e| internal(format!("record decode: {e}")))?;
        if rec.size + json.len() as u64 + FOOTER_LEN != blob_size {
            return Err(internal("stored object size disagrees with its trailer"));
        }
        Ok(rec)
    }

    /// The public view of the record.
    pub fn info(&self) -> Result<ObjectInfo> {
        let md5 = parse_hex16(&self.md5).ok_or_else(|| internal("bad md5 in trailer"))?;
        Ok(ObjectInfo {
            key: self.key.clone(),
            size: self.size,
            etag: self.etag.clone().unwrap_or_else(|| etag(&md5)),
            md5: Some(md5),
            crc64: Some(self.crc64),
            last_modified: from_ms(self.mtime_ms),
            content_type: self.content_type.clone(),
            user_meta: self.meta.clone(),
            acl: self.acl,
            cache_control: self.cache_control.clone(),
            content_disposition: self.content_disposition.clone(),
            content_encoding: self.content_encoding.clone(),
            expires: self.expires.clone(),
            storage_class: self.class,
        })
    }
}

/// A 500 carrying the cause (the API layer replaces 5xx messages on the wire).
pub fn internal(msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InternalError, format!("storage: {msg}"))
}

/// Lower-case hex of 16 bytes.
pub fn hex16(b: &[u8; 16]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Parses 32 hex digits.
fn parse_hex16(s: &str) -> Option<[u8; 16]> {
    if s.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The OSS ETag of a simple upload: the quoted upper-case hex MD5 (spec §10.2).
pub fn etag(md5: &[u8; 16]) -> String {
    format!("\"{}\"", hex16(md5).to_ascii_uppercase())
}

/// MD5 and CRC-64/XZ of a body, fed in pieces.
pub struct Digests {
    md5: md5::Md5,
    crc: crc_fast::Digest,
    /// Bytes seen so far.
    pub len: u64,
}

impl Default for Digests {
    fn default() -> Self {
        use md5::Digest as _;
        Digests {
            md5: md5::Md5::new(),
            crc: crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Xz),
            len: 0,
        }
    }
}

impl Digests {
    /// Feeds the next piece of the body.
    pub fn update(&mut self, data: &[u8]) {
        use md5::Digest as _;
        self.md5.update(data);
        self.crc.update(data);
        self.len += data.len() as u64;
    }

    /// The MD5 and CRC-64 of everything fed.
    pub fn finish(self) -> ([u8; 16], u64) {
        use md5::Digest as _;
        let md5: [u8; 16] = self.md5.finalize().into();
        (md5, self.crc.finalize())
    }
}

/// CRC-64/ECMA-182 in its reflected, all-ones form (CRC-64/XZ, Go's `crc64.ECMA`): the value of
/// OSS's `x-oss-hash-crc64ecma` (spec §10.2).
pub fn crc64(data: &[u8]) -> u64 {
    crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Xz, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bitwise reference (reflected polynomial 0xC96C5795D7870F42, init and xor-out all ones),
    /// independent of the crate used above.
    fn crc64_reference(data: &[u8]) -> u64 {
        let mut crc = !0u64;
        for &b in data {
            crc ^= u64::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xC96C_5795_D787_0F42 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn crc64_is_oss_crc64ecma() {
        // The check value of CRC-64/XZ (spec §10.2).
        assert_eq!(crc64(b"123456789"), 11051210869376104954);
        assert_eq!(crc64(b""), 0);
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 + i / 256) as u8).collect();
        assert_eq!(crc64(&data), crc64_reference(&data));
        // Fed in uneven pieces, the digest agrees with the one-shot value.
        let mut d = Digests::default();
        for piece in data.chunks(977) {
            d.update(piece);
        }
        assert_eq!(d.len, 100_000);
        assert_eq!(d.finish().1, crc64(&data));
    }

    #[test]
    fn md5_etag_is_quoted_upper_hex() {
        let mut d = Digests::default();
        d.update(b"hello world");
        let (md5, _) = d.finish();
        assert_eq!(etag(&md5), "\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"");
        assert_eq!(parse_hex16(&hex16(&md5)), Some(md5));
    }

    #[test]
    fn trailer_round_trips_and_rejects_garbage() {
        let rec = Record {
            key: "a/b".into(),
            size: 5,
            md5: "5eb63bbbe01eeed093cb22bb8f5acdc3".into(),
            crc64: 7,
            mtime_ms: 1_700_000_000_123,
            content_type: "image/png".into(),
            meta: vec![("k".into(), "v".into())],
            acl: ObjectAcl::PublicRead,
            cache_control: None,
            content_disposition: None,
            content_encoding: None,
            expires: Some("Thu, 01 Jan 2037 00:00:00 GMT".into()),
            etag: None,
            class: StorageClass::Standard,
        };
        // A record written before multipart uploads existed has no "etag": the MD5 is the ETag.
        let old: Record = serde_json::from_slice(&serde_json::to_vec(&rec).unwrap()).unwrap();
        assert_eq!(old.info().unwrap().etag, "\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"");
        assert!(!String::from_utf8(serde_json::to_vec(&rec).unwrap()).unwrap().contains("etag"));
        let multipart =
            Record { etag: Some("\"0F343B0931126A20F133D67C2B018A3B-3\"".into()), ..rec.clone() };
        assert_eq!(multipart.info().unwrap().etag, "\"0F343B0931126A20F133D67C2B018A3B-3\"");
        assert_eq!(multipart.info().unwrap().object_type(), "Multipart");
        // Records before storage classes (and Standard ones) have no "class": Standard.
        assert!(!String::from_utf8(serde_json::to_vec(&rec).unwrap()).unwrap().contains("class"));
        assert_eq!(old.info().unwrap().storage_class, StorageClass::Standard);
        let ia = Record { class: StorageClass::InfrequentAccess, ..rec.clone() };
        let json = serde_json::to_vec(&ia).unwrap();
        assert!(String::from_utf8(json.clone()).unwrap().contains("\"class\":\"IA\""));
        let back: Record = serde_json::from_slice(&json).unwrap();
        assert_eq!(back.info().unwrap().storage_class, StorageClass::InfrequentAccess);
        let t = rec.to_trailer().unwrap();
        let n = Record::record_len(&t[t.len() - 12..]).unwrap();
        assert_eq!(n as usize, t.len() - 12);
        let back = Record::parse(&t[..n as usize], 5 + t.len() as u64).unwrap();
        assert_eq!(back.info().unwrap().last_modified, from_ms(1_700_000_000_123));
        assert_eq!(back.expires, rec.expires);
        assert!(Record::parse(&t[..n as usize], 4 + t.len() as u64).is_err());
        assert!(Record::record_len(b"\0\0\0\0OSSIMGT2").is_err());
    }
}

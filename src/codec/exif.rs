//! EXIF: finding the raw TIFF-structured EXIF block in each container and reading the
//! orientation from it (with `kamadak-exif`). Bad EXIF is ignored, never an error (spec §3.16
//! recommendation \[U\]).

use crate::codec::probe::{jpeg_segments, png_chunks, riff_chunks};
use crate::process::Format;

/// The prefix of an EXIF APP1 segment, which some writers also put in PNG/WebP EXIF chunks.
const EXIF_PREFIX: &[u8] = b"Exif\0\0";

/// Returns the raw TIFF-structured EXIF block of `bytes` (starting at the `II*\0`/`MM\0*`
/// header): the first JPEG APP1 `Exif\0\0` segment, the PNG `eXIf` chunk, the WebP `EXIF`
/// chunk (a non-standard `Exif\0\0` prefix is tolerated), the HEIF `Exif` item or, for TIFF,
/// the file itself. `None` for other formats or when no well-formed
/// TIFF header is found.
pub fn exif_block(bytes: &[u8], format: Format) -> Option<&[u8]> {
    let raw = match format {
        Format::Jpg => jpeg_segments(bytes)
            .take_while(|s| s.marker != 0xDA)
            .find(|s| s.marker == 0xE1 && s.data.starts_with(EXIF_PREFIX))
            .map(|s| &s.data[EXIF_PREFIX.len()..])?,
        Format::Png => png_chunks(bytes).find(|(t, _)| t == b"eXIf").map(|(_, d)| d)?,
        Format::Webp => riff_chunks(bytes).find(|(t, _)| t == b"EXIF").map(|(_, d)| d)?,
        Format::Tiff => bytes,
        Format::Heic | Format::Avif => super::heif::exif_item(bytes)?,
        _ => return None,
    };
    let raw = raw.strip_prefix(EXIF_PREFIX).unwrap_or(raw);
    (raw.starts_with(b"II*\0") || raw.starts_with(b"MM\0*")).then_some(raw)
}

/// Parses an EXIF block with `kamadak-exif`, keeping whatever parsed before an error.
pub(crate) fn parse(block: &[u8]) -> Option<::exif::Exif> {
    ::exif::Reader::new()
        .continue_on_error(true)
        .read_raw(block.to_vec())
        .or_else(|e| e.distill_partial_result(|_| {}))
        .ok()
}

/// The EXIF orientation (1–8) of the primary image; 1 when the tag is absent, out of range or
/// the EXIF cannot be read.
pub fn orientation(bytes: &[u8], format: Format) -> u32 {
    let Some(exif) = exif_block(bytes, format).and_then(parse) else {
        return 1;
    };
    let Some(field) = exif.get_field(::exif::Tag::Orientation, ::exif::In::PRIMARY) else {
        return 1;
    };
    // Tolerate writers that store the SHORT as another integer type.
    let v = match &field.value {
        ::exif::Value::SLong(v) => v.first().and_then(|&x| u32::try_from(x).ok()),
        ::exif::Value::SShort(v) => v.first().and_then(|&x| u32::try_from(x).ok()),
        other => other.get_uint(0),
    };
    v.filter(|o| (1..=8).contains(o)).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn orientation_per_container() {
        assert_eq!(orientation(&data("Landscape_6.jpg"), Format::Jpg), 6);
        assert_eq!(orientation(&data("orientation-6.png"), Format::Png), 6);
        assert_eq!(orientation(&data("webp-orientation-6.webp"), Format::Webp), 6);
        assert_eq!(orientation(&data("g4_orientation_6.tif"), Format::Tiff), 6);
        // exif-72dpi-int.jpg stores Orientation 1 as an SLONG.
        assert_eq!(orientation(&data("exif-72dpi-int.jpg"), Format::Jpg), 1);
        // No EXIF at all.
        assert_eq!(orientation(&data("example.jpg"), Format::Jpg), 1);
        assert_eq!(orientation(&data("animated.gif"), Format::Gif), 1);
    }

    #[test]
    fn blocks() {
        let webp = data("webp-orientation-6.webp");
        let b = exif_block(&webp, Format::Webp).unwrap();
        assert!(b.starts_with(b"II*\0"), "the Exif\\0\\0 prefix is stripped");
        let jpg = data("exif_gps.jpg");
        assert!(
            exif_block(&jpg, Format::Jpg).unwrap().starts_with(b"MM\0*")
                || exif_block(&jpg, Format::Jpg).unwrap().starts_with(b"II*\0")
        );
        assert!(exif_block(&data("example.jpg"), Format::Jpg).is_none());
        assert!(exif_block(&data("hopper.tif"), Format::Tiff).is_some());
    }

    #[test]
    fn bad_exif_is_ignored() {
        // A JPEG whose APP1 Exif segment is garbage: orientation falls back to 1.
        let mut jpg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10];
        jpg.extend_from_slice(b"Exif\0\0MM\0*\xFF\xFF\xFF\xFF");
        jpg.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(orientation(&jpg, Format::Jpg), 1);
        // Orientation 0 (invalid) is read as 1.
        let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(orientation(&tiff, Format::Tiff), 1);
        tiff[19] = 8;
        assert_eq!(orientation(&tiff, Format::Tiff), 8);
        tiff[19] = 9;
        assert_eq!(orientation(&tiff, Format::Tiff), 1);
    }
}

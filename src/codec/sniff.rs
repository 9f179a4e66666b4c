//! Format sniffing: which container a byte string is, from its magic bytes alone.

use crate::process::Format;

/// Identifies the container format of `bytes` from its leading magic bytes.
///
/// Recognised: JPEG (`FF D8 FF`), PNG, GIF (`GIF87a`/`GIF89a`), BMP (`BM`), TIFF (`II*\0` /
/// `MM\0*`; BigTIFF is not supported), WebP (`RIFF….WEBP`), and ISO BMFF files whose `ftyp`
/// brands name AVIF or HEIF/HEIC. Returns `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Format::Jpg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Format::Png);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(Format::Gif);
    }
    if bytes.starts_with(b"BM") {
        return Some(Format::Bmp);
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Some(Format::Tiff);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(Format::Webp);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return sniff_ftyp(bytes);
    }
    None
}

/// Brands that make a file AVIF (still image or sequence).
const AVIF_BRANDS: [&[u8; 4]; 2] = [b"avif", b"avis"];
/// Brands that make a file HEIC/HEIF (HEVC-coded images and sequences).
const HEIC_BRANDS: [&[u8; 4]; 7] = [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm"];
/// Generic HEIF structural brands: the codec is told by the compatible brands (AVIF when one of
/// them is an AVIF brand, HEIC otherwise).
const GENERIC_HEIF_BRANDS: [&[u8; 4]; 2] = [b"mif1", b"msf1"];

/// Classifies an ISO BMFF file by the brands of its leading `ftyp` box.
fn sniff_ftyp(bytes: &[u8]) -> Option<Format> {
    let declared = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    // A box of size < 16 cannot hold major brand + minor version; clamp to what is present.
    if declared < 16 {
        return None;
    }
    let end = declared.min(bytes.len());
    let major: &[u8] = &bytes[8..12];
    // Compatible brands follow the 4-byte minor version, 4 bytes each.
    let compatible: Vec<&[u8]> = bytes[16.min(end)..end].chunks_exact(4).collect();
    let is = |set: &[&[u8; 4]], b: &[u8]| set.iter().any(|s| &s[..] == b);
    if is(&AVIF_BRANDS, major) {
        return Some(Format::Avif);
    }
    if is(&HEIC_BRANDS, major) {
        return Some(Format::Heic);
    }
    if compatible.iter().any(|b| is(&AVIF_BRANDS, b)) {
        return Some(Format::Avif);
    }
    if compatible.iter().any(|b| is(&HEIC_BRANDS, b)) || is(&GENERIC_HEIF_BRANDS, major) {
        return Some(Format::Heic);
    }
    if compatible.iter().any(|b| is(&GENERIC_HEIF_BRANDS, b)) {
        return Some(Format::Heic);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compat: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compat.len();
        let mut v = (size as u32).to_be_bytes().to_vec();
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(major);
        v.extend_from_slice(&[0, 0, 0, 0]);
        for c in compat {
            v.extend_from_slice(&c[..]);
        }
        v
    }

    #[test]
    fn magic_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Format::Jpg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Format::Png));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Some(Format::Gif));
        assert_eq!(sniff(b"GIF87a\x01\0\x01\0"), Some(Format::Gif));
        assert_eq!(sniff(b"BM\0\0\0\0"), Some(Format::Bmp));
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Some(Format::Tiff));
        assert_eq!(sniff(b"MM\0*\0\0\0\x08"), Some(Format::Tiff));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::Webp));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(b"II+\0\x08\0\0\0"), None, "BigTIFF is not supported");
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"\xFF\xD8"), None);
        assert_eq!(sniff(b"<svg xmlns"), None);
    }

    #[test]
    fn ftyp_brands() {
        assert_eq!(sniff(&ftyp(b"avif", &[b"mif1", b"miaf"])), Some(Format::Avif));
        assert_eq!(sniff(&ftyp(b"avis", &[])), Some(Format::Avif));
        assert_eq!(sniff(&ftyp(b"heic", &[b"mif1"])), Some(Format::Heic));
        assert_eq!(sniff(&ftyp(b"heix", &[])), Some(Format::Heic));
        assert_eq!(sniff(&ftyp(b"mif1", &[b"heic"])), Some(Format::Heic));
        assert_eq!(sniff(&ftyp(b"mif1", &[b"avif", b"miaf"])), Some(Format::Avif));
        assert_eq!(sniff(&ftyp(b"msf1", &[])), Some(Format::Heic));
        assert_eq!(sniff(&ftyp(b"isom", &[b"mp41"])), None, "plain MP4 is not an image");
        assert_eq!(sniff(&ftyp(b"mp42", &[b"mif1", b"avif"])), Some(Format::Avif));
    }

    #[test]
    fn real_files() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
        for (name, f) in [
            ("example.jpg", Format::Jpg),
            ("orientation-6.png", Format::Png),
            ("webp-orientation-6.webp", Format::Webp),
            ("animated.gif", Format::Gif),
            ("hopper.tif", Format::Tiff),
            ("bmp-g-rgb24.bmp", Format::Bmp),
            ("white_1x1.avif", Format::Avif),
            ("image.heic", Format::Heic),
        ] {
            let bytes = std::fs::read(format!("{dir}{name}")).unwrap();
            assert_eq!(sniff(&bytes), Some(f), "{name}");
        }
    }
}

//! JPEG quality estimation from the quantisation tables, the way ImageMagick does it (spec
//! §3.13: `quality,q_` is relative to the source quality, which must be estimated).
//!
//! ImageMagick (`coders/jpeg.c`) compares two statistics of the tables against reference
//! values computed from the standard IJG tables (ITU-T T.81 Annex K) scaled to each quality
//! 1–100 with libjpeg's `jpeg_quality_scaling` and baseline clamping: the sum of all table
//! entries, and a "hash" of four (two, for a single table) sample coefficients. Instead of
//! copying its literal tables we compute the same reference values at compile time.

use crate::codec::jpeg_std::{scaled, STD_CHROMINANCE, STD_LUMINANCE, ZIGZAG};
use crate::codec::probe::jpeg_segments;

/// The natural-order coefficients ImageMagick samples: luminance [2] and [53], chrominance
/// [0] and [63].
const HASH_LUMA: [usize; 2] = [2, 53];
const HASH_CHROMA: [usize; 2] = [0, 63];

/// The reference statistics for quality `i + 1` at index `i` (i = 0‥99); index 100 is the
/// zero sentinel ImageMagick's tables end with. `both` = luminance and chrominance tables
/// (`hash`/`sums`), otherwise luminance only (`single_hash`/`single_sums`).
const fn reference(both: bool) -> ([u32; 101], [u32; 101]) {
    let mut hash = [0u32; 101];
    let mut sums = [0u32; 101];
    let mut i = 0;
    while i < 100 {
        let q = i as u32 + 1;
        let mut s = 0;
        let mut k = 0;
        while k < 64 {
            s += scaled(STD_LUMINANCE[k], q);
            if both {
                s += scaled(STD_CHROMINANCE[k], q);
            }
            k += 1;
        }
        let mut h = scaled(STD_LUMINANCE[HASH_LUMA[0]], q) + scaled(STD_LUMINANCE[HASH_LUMA[1]], q);
        if both {
            h += scaled(STD_CHROMINANCE[HASH_CHROMA[0]], q)
                + scaled(STD_CHROMINANCE[HASH_CHROMA[1]], q);
        }
        hash[i] = h;
        sums[i] = s;
        i += 1;
    }
    (hash, sums)
}

/// Reference values for files with (at least) tables 0 and 1.
const PAIR: ([u32; 101], [u32; 101]) = reference(true);
/// Reference values for files with table 0 only (greyscale).
const SINGLE: ([u32; 101], [u32; 101]) = reference(false);

/// The quantisation tables (natural order) defined before the first scan, by slot 0–3; a later
/// definition of the same slot replaces the earlier one, as in libjpeg. `None` when a DQT
/// segment is malformed.
fn read_tables(bytes: &[u8]) -> Option<[Option<[u32; 64]>; 4]> {
    let mut tables: [Option<[u32; 64]>; 4] = [None; 4];
    for seg in jpeg_segments(bytes).filter(|s| s.marker == 0xDB) {
        let mut d = seg.data;
        while let Some((&pq_tq, rest)) = d.split_first() {
            let (precision, slot) = (pq_tq >> 4, usize::from(pq_tq & 0x0F));
            let width = match precision {
                0 => 1,
                1 => 2,
                _ => return None,
            };
            let values = rest.get(..64 * width)?;
            let mut t = [0u32; 64];
            for (k, &natural) in ZIGZAG.iter().enumerate() {
                t[natural] = if width == 1 {
                    u32::from(values[k])
                } else {
                    u32::from(u16::from_be_bytes([values[2 * k], values[2 * k + 1]]))
                };
            }
            *tables.get_mut(slot)? = Some(t);
            d = &rest[64 * width..];
        }
    }
    Some(tables)
}

/// Estimates the libjpeg quality (1–100) a JPEG was saved with, from its DQT tables, exactly as
/// ImageMagick's `identify -format %Q` does (checked on 83 JPEGs of the shared test corpus).
/// `None` when the file has no usable tables or when ImageMagick's method leaves the quality
/// undefined (tables far from any scaled IJG table below quality 51); `identify` then prints
/// its default, 92, which is the caller's choice to make here.
pub fn estimate_jpeg_quality(bytes: &[u8]) -> Option<u32> {
    let tables = read_tables(bytes)?;
    let sum: u64 = tables.iter().flatten().flat_map(|t| t.iter()).map(|&v| u64::from(v)).sum();
    let (qvalue, (hash, sums)) = match (&tables[0], &tables[1]) {
        (Some(l), Some(c)) => {
            let h = l[HASH_LUMA[0]] + l[HASH_LUMA[1]] + c[HASH_CHROMA[0]] + c[HASH_CHROMA[1]];
            (u64::from(h), &PAIR)
        }
        (Some(l), None) => (u64::from(l[HASH_LUMA[0]] + l[HASH_LUMA[1]]), &SINGLE),
        _ => return None,
    };
    for i in 0..100 {
        let (h, s) = (u64::from(hash[i]), u64::from(sums[i]));
        if qvalue < h && sum < s {
            continue;
        }
        // Past quality 50 ImageMagick accepts the first row it stops at; below, only a row
        // that bounds both statistics.
        return ((qvalue <= h && sum <= s) || i >= 50).then_some(i as u32 + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn reference_values_match_imagemagick_tables() {
        // First and last entries of ImageMagick's published `hash`/`sums` and
        // `single_hash`/`single_sums` tables.
        assert_eq!(&PAIR.0[..4], &[1020, 1015, 932, 848]);
        assert_eq!(PAIR.1[0], 32640);
        assert_eq!((PAIR.0[99], PAIR.1[99], PAIR.0[100], PAIR.1[100]), (4, 128, 0, 0));
        assert_eq!(&SINGLE.0[..4], &[510, 505, 422, 380]);
        assert_eq!((SINGLE.1[0], SINGLE.0[99], SINGLE.1[99]), (16320, 2, 64));
    }

    #[test]
    fn matches_imagemagick_identify() {
        // Expected values: ImageMagick 6.9.11 `identify -format %Q <file>`.
        for (name, q) in [
            ("example.jpg", 82),
            ("Landscape_6.jpg", 73),
            ("exif_gps.jpg", 75),
            ("exif-72dpi-int.jpg", 90),
            ("hopper.jpg", 88),
            ("iptc.jpg", 50),
            ("paris_exif_xmp_icc.jpg", 40),
            ("testorig.jpg", 75),
            ("grayscale.jpg", 92),
        ] {
            assert_eq!(estimate_jpeg_quality(&data(name)), Some(q), "{name}");
        }
        // 16-bit tables far above any scaled IJG table: ImageMagick's method leaves the quality
        // undefined (`identify` then prints its default, 92).
        assert_eq!(estimate_jpeg_quality(&data("16bit-qtables.jpg")), None);
    }

    /// A minimal JPEG header holding the standard tables scaled to `q` (what libjpeg writes).
    fn synthetic(q: u32, both: bool) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        let tables: &[(u8, &[u16; 64])] = if both {
            &[(0, &STD_LUMINANCE), (1, &STD_CHROMINANCE)]
        } else {
            &[(0, &STD_LUMINANCE)]
        };
        for &(slot, t) in tables {
            v.extend_from_slice(&[0xFF, 0xDB, 0x00, 67, slot]);
            v.extend(ZIGZAG.iter().map(|&n| scaled(t[n], q) as u8));
        }
        v.extend_from_slice(&[0xFF, 0xD9]);
        v
    }

    #[test]
    fn scaled_standard_tables_give_their_quality() {
        for q in 1..=100 {
            assert_eq!(estimate_jpeg_quality(&synthetic(q, true)), Some(q), "colour q{q}");
            assert_eq!(estimate_jpeg_quality(&synthetic(q, false)), Some(q), "grey q{q}");
        }
    }

    #[test]
    fn no_tables() {
        assert_eq!(estimate_jpeg_quality(&[0xFF, 0xD8, 0xFF, 0xD9]), None);
        assert_eq!(estimate_jpeg_quality(b"not a jpeg"), None);
        // A DQT segment claiming slot 5 is malformed.
        let mut v = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 67, 0x05];
        v.extend([1u8; 64]);
        assert_eq!(estimate_jpeg_quality(&v), None);
    }
}

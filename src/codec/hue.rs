//! The `average-hue` answer (spec §3.17).

use crate::pipeline::Image;

/// The salient colour of an image.
pub fn average_hue(img: &Image) -> [u8; 3] {
    let mut s = [0u64; 3];
    let mut n = 0u64;
    for p in img.pixels.chunks_exact(4).filter(|p| p[3] != 0) {
        for c in 0..3 {
            s[c] += u64::from(p[c]);
        }
        n += 1;
    }
    if n == 0 {
        return [0; 3];
    }
    [(s[0] / n) as u8, (s[1] / n) as u8, (s[2] / n) as u8]
}

/// The `average-hue` JSON.
pub fn average_hue_json(rgb: [u8; 3]) -> String {
    format!("{{\"RGB\": \"0x{:02x}{:02x}{:02x}\"}}", rgb[0], rgb[1], rgb[2])
}

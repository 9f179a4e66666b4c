//! The `average-hue` answer (spec §3.17): the image's dominant colour as `{"RGB": "0xrrggbb"}`.
//!
//! Algorithm [U] (the OSS FAQ names the steps but neither the hue definition nor the
//! threshold):
//! 1. the HSV hue (0–360°) of every visible, chromatic pixel (fully transparent pixels and
//!    greys, whose hue is undefined, take no part);
//! 2. their arithmetic mean hue;
//! 3. the mean colour of the chromatic pixels whose hue lies within [`HUE_WINDOW_DEG`] of that
//!    mean, rounded half up.
//!
//! Step 3 keeps the pixels *near* the average hue. The spec paraphrases the FAQ as keeping
//! those that differ by *more* than a threshold, but that reading moves away from the
//! documented answer as the threshold grows (distance ≥ 46 for `example.jpg`), while keeping
//! the near ones reproduces it: for `example.jpg` (documented `0x5c783b` = 92,120,59) this
//! gives 92,121,59 (Euclidean distance 1.0). A circular mean of the hue, more robust for red
//! images, lands at best 2.1 away, so the plain arithmetic mean is kept, as OSS evidently
//! uses it. Images without a chromatic pixel answer their plain mean colour; an image with no
//! visible pixel answers black.

use crate::pipeline::Image;

/// Half-width of the hue window around the mean hue, in degrees: an eighth of the colour
/// wheel. Fitted on the one documented example (distance to it ≤ 1.0 for 44–46°; 30° gives
/// 2.6, 60° gives 3.3).
pub const HUE_WINDOW_DEG: f64 = 45.0;

/// HSV hue in degrees [0, 360) of an RGB triple, `None` for greys (max == min).
fn hue(r: u8, g: u8, b: u8) -> Option<f64> {
    let (r, g, b) = (f64::from(r), f64::from(g), f64::from(b));
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let d = max - min;
    if d == 0.0 {
        return None;
    }
    let sector = if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    Some(sector * 60.0)
}

/// Running sum of RGB values for a rounded mean.
#[derive(Default)]
struct Sum {
    rgb: [u64; 3],
    n: u64,
}

impl Sum {
    fn add(&mut self, p: &[u8]) {
        for (sum, &v) in self.rgb.iter_mut().zip(p) {
            *sum += u64::from(v);
        }
        self.n += 1;
    }

    /// The mean, rounded half up; `None` when empty.
    fn mean(&self) -> Option<[u8; 3]> {
        if self.n == 0 {
            return None;
        }
        // Each channel mean is ≤ 255, so the cast cannot truncate.
        Some(self.rgb.map(|s| ((s + self.n / 2) / self.n) as u8))
    }
}

/// The salient colour of `img` (see the module docs for the algorithm).
pub fn average_hue(img: &Image) -> [u8; 3] {
    let visible = || img.pixels.chunks_exact(4).filter(|p| p[3] != 0);
    let mut all = Sum::default();
    let (mut hue_sum, mut chromatic) = (0.0f64, 0u64);
    for p in visible() {
        all.add(p);
        if let Some(h) = hue(p[0], p[1], p[2]) {
            hue_sum += h;
            chromatic += 1;
        }
    }
    if chromatic == 0 {
        return all.mean().unwrap_or([0, 0, 0]);
    }
    let mean_hue = hue_sum / chromatic as f64;
    let mut near = Sum::default();
    for p in visible() {
        if hue(p[0], p[1], p[2]).is_some_and(|h| (h - mean_hue).abs() <= HUE_WINDOW_DEG) {
            near.add(p);
        }
    }
    // Non-empty in practice (the mean lies within the hues' range); fall back to the mean.
    near.mean().or_else(|| all.mean()).unwrap_or([0, 0, 0])
}

/// The `average-hue` JSON: `{"RGB": "0xrrggbb"}` with lower-case hex digits, as documented.
pub fn average_hue_json(rgb: [u8; 3]) -> String {
    format!("{{\"RGB\": \"0x{:02x}{:02x}{:02x}\"}}", rgb[0], rgb[1], rgb[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_jpg_is_close_to_the_documented_answer() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/example.jpg");
        let bytes = std::fs::read(path).unwrap();
        let t = turbojpeg::decompress(&bytes, turbojpeg::PixelFormat::RGBA).unwrap();
        assert_eq!((t.width, t.height, t.pitch), (400, 267, 1600));
        let img = Image { width: t.width as u32, height: t.height as u32, pixels: t.pixels };
        let rgb = average_hue(&img);
        let documented = [92.0, 120.0, 59.0];
        let dist = rgb
            .iter()
            .zip(documented)
            .map(|(&a, b)| (f64::from(a) - b).powi(2))
            .sum::<f64>()
            .sqrt();
        // Reached: 92,121,59 (distance 1.0); 0.5 of margin for decoder differences. The plain
        // mean (119,139,92) is 46.8 away.
        assert!(dist <= 1.5, "{rgb:?} is {dist:.2} from the documented 0x5c783b");
    }

    #[test]
    fn json_shape() {
        assert_eq!(average_hue_json([92, 120, 59]), "{\"RGB\": \"0x5c783b\"}");
        assert_eq!(average_hue_json([0, 10, 255]), "{\"RGB\": \"0x000aff\"}");
    }

    #[test]
    fn hue_definition() {
        assert_eq!(hue(255, 0, 0), Some(0.0));
        assert_eq!(hue(0, 255, 0), Some(120.0));
        assert_eq!(hue(0, 0, 255), Some(240.0));
        assert_eq!(hue(255, 0, 128).map(|h| h.round()), Some(330.0));
        assert_eq!(hue(7, 7, 7), None);
    }

    #[test]
    fn outliers_and_transparency_are_ignored() {
        // 6 green pixels, 2 blue ones (hue 240, outside the window around the mean ~155),
        // and 2 fully transparent red ones.
        let mut img = Image::filled(10, 1, [0, 200, 0, 255]);
        for x in 6..8 {
            img.pixels[x * 4..x * 4 + 4].copy_from_slice(&[0, 0, 200, 255]);
        }
        for x in 8..10 {
            img.pixels[x * 4..x * 4 + 4].copy_from_slice(&[255, 0, 0, 0]);
        }
        assert_eq!(average_hue(&img), [0, 200, 0]);
    }

    #[test]
    fn grey_and_empty_images() {
        assert_eq!(average_hue(&Image::filled(3, 3, [40, 40, 40, 255])), [40, 40, 40]);
        assert_eq!(average_hue(&Image::filled(2, 2, [9, 9, 9, 0])), [0, 0, 0]);
        assert_eq!(average_hue(&Image::filled(0, 0, [0, 0, 0, 0])), [0, 0, 0]);
    }
}

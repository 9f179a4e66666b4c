//! The T.81 tables every JPEG part of the codec shares: the zig-zag order, the IJG
//! quantisation tables (Annex K.1/K.2) and libjpeg's scaling of them by quality. Used by the
//! quality estimate (`quality.rs`), the DC-only decoder (`jpeg_dc`) and the trellis encoder
//! (`jpeg_enc`).

/// IJG luminance quantisation table (T.81 Table K.1), natural (row-major) order.
pub(super) const STD_LUMINANCE: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, //
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, //
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, //
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// IJG chrominance quantisation table (T.81 Table K.2), natural order.
pub(super) const STD_CHROMINANCE: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, //
    24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, //
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, //
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// Zig-zag position k → natural (row-major) index (libjpeg's `jpeg_natural_order`). DQT
/// segments store their 64 values, and scans their coefficients, in zig-zag order.
pub(super) const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, //
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, //
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, //
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// libjpeg's `jpeg_quality_scaling`: the percentage the standard tables are scaled by at
/// quality `q` (1–100; 0 at 100, where every entry becomes 1).
pub(super) const fn quality_scale(q: u32) -> u32 {
    if q < 50 {
        5000 / q
    } else {
        200 - 2 * q
    }
}

/// [`quality_scale`] followed by `jpeg_add_quant_table` with
/// `force_baseline = TRUE`: the entry `basic` becomes at quality `q`.
pub(super) const fn scaled(basic: u16, q: u32) -> u32 {
    let v = (basic as u32 * quality_scale(q) + 50) / 100;
    // Baseline tables hold 8-bit values, and 0 is not a valid divisor.
    if v < 1 {
        1
    } else if v > 255 {
        255
    } else {
        v
    }
}

/// The quantisation tables libjpeg writes at `quality` (1–100, baseline): luminance and
/// chrominance, natural order.
pub(super) fn standard_tables(quality: u32) -> ([u16; 64], [u16; 64]) {
    let q = quality.clamp(1, 100);
    let table = |basic: &[u16; 64]| basic.map(|b| scaled(b, q) as u16);
    (table(&STD_LUMINANCE), table(&STD_CHROMINANCE))
}

//! Rate-distortion optimised quantisation of one block ("trellis quantisation", as mozjpeg
//! does it): instead of rounding every coefficient, choose the quantised values and the end of
//! block that minimise `distortion + bits`, by dynamic programming over the zigzag positions.
//!
//! A coefficient whose rounded value is `v` (category `s`) may be coded as `v`, as the largest
//! value of the category below (one magnitude bit fewer), or as zero (a longer run); the bits
//! come from the code lengths of T.81's typical AC Huffman tables (the file's own tables are
//! optimised afterwards). Distortion is measured
//! as the squared error of the pixels (the DCT is orthonormal) at a fixed price in bits
//! ([`lambda`]): the trade that maximises PSNR per byte.

use super::entropy::{bitmask, category};
use crate::codec::jpeg_std::{quality_scale, ZIGZAG};

/// Bit costs of the AC symbols of one Huffman table.
pub(super) struct Rate {
    /// `by_size[s][r]`: code length of the symbol (run `r`, size `s`), magnitude bits
    /// included; symbols the table lacks cost [`MISSING`].
    by_size: [[f32; 16]; 11],
    eob: f32,
    zrl: f32,
    /// The most a longer run (ZRLs included) can cost less than a shorter one before a symbol
    /// of the same size: a run end whose cost exceeds a later one's by more than this can
    /// never be the better predecessor.
    slack: f32,
}

/// Cost, in bits, assumed for a symbol the statistics never saw.
const MISSING: f32 = 16.0;

/// The AC symbols of T.81's typical Huffman tables (K.5 luminance, K.6 chrominance) whose
/// codes are shorter than 16 bits, in code order, and how many codes of each length 1–15 there
/// are; every other symbol has a 16-bit code.
const TYPICAL_LUMA: ([u8; 15], [u8; 37]) = (
    [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1],
    [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61,
        0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52,
        0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82,
    ],
);
const TYPICAL_CHROMA: ([u8; 15], [u8; 43]) = (
    [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2],
    [
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61,
        0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33,
        0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1,
    ],
);

impl Rate {
    /// Rates from T.81's typical AC table for luminance or chrominance. Fixed rates keep each
    /// block's quantisation a function of that block alone: an edit (a watermark) changes the
    /// output only where it changes the pixels, and the rates need no first pass.
    pub(super) fn typical(chroma: bool) -> Rate {
        let (counts, short): (&[u8; 15], &[u8]) = if chroma {
            (&TYPICAL_CHROMA.0, &TYPICAL_CHROMA.1)
        } else {
            (&TYPICAL_LUMA.0, &TYPICAL_LUMA.1)
        };
        let mut len = [16u8; 256];
        let mut k = 0;
        for (l, &n) in counts.iter().enumerate() {
            for &sym in &short[k..k + usize::from(n)] {
                len[usize::from(sym)] = l as u8 + 1;
            }
            k += usize::from(n);
        }
        Rate::new(|s| len[usize::from(s)])
    }

    /// Rates from the code lengths `len(symbol)` (0 = no code).
    pub(super) fn new(len: impl Fn(u8) -> u8) -> Rate {
        let bits = |s: u8| match len(s) {
            0 => MISSING,
            l => f32::from(l),
        };
        let mut by_size = [[0f32; 16]; 11];
        for (s, row) in by_size.iter_mut().enumerate().skip(1) {
            for (r, v) in row.iter_mut().enumerate() {
                *v = bits((r as u8) << 4 | s as u8) + s as f32;
            }
        }
        let zrl = bits(0xF0);
        // For each size, the largest `cost(short run) − cost(long run)` over runs 0–62: scan the
        // runs from long to short, keeping the cheapest longer one seen.
        let mut slack = f32::MIN;
        for row in &by_size[1..] {
            let cost = |r: usize| (r >> 4) as f32 * zrl + row[r & 15];
            let mut cheapest_longer = cost(62);
            for r in (0..62).rev() {
                slack = slack.max(cost(r) - cheapest_longer);
                cheapest_longer = cheapest_longer.min(cost(r));
            }
        }
        Rate { by_size, eob: bits(0x00), zrl, slack }
    }
}

/// One quantisation table, prepared: divisors (natural order) and, by zigzag position, their
/// reciprocals and the price of one squared quantiser step.
pub(super) struct Quant {
    q: [f32; 64],
    recip: [f32; 64],
    weight: [f32; 64],
}

impl Quant {
    /// Prepares `table` (natural order, entries ≥ 1) for a trellis pricing squared error at
    /// `lambda` bits.
    pub(super) fn new(table: &[u16; 64], lambda: f32) -> Quant {
        let q = table.map(f32::from);
        Quant {
            q,
            recip: std::array::from_fn(|k| 1.0 / q[ZIGZAG[k]]),
            weight: std::array::from_fn(|k| lambda * q[ZIGZAG[k]] * q[ZIGZAG[k]]),
        }
    }
}

/// λ at libjpeg's quality scale 1 (`Q_50`, where the tables are used as published).
/// Chosen by measurement (`benches/jpegenc.rs`, benches/RESULTS.md): at `Q_85` (scale 0.3,
/// λ = 0.25) on W1 thumbnails, 5–11 % fewer bytes than rounding for 0.1–0.2 dB of PSNR, where
/// lowering the quality setting to the same bytes loses 0.4–0.8 dB.
const LAMBDA_AT_UNIT_SCALE: f32 = 0.0225;

/// Bits one unit of squared pixel error is worth at `quality` (the cost minimised is
/// `bits + λ·SSE`), or `None` at quality 100, whose unit quantisers leave nothing to trade.
///
/// λ scales with the inverse square of libjpeg's quality scale (`jpeg_quality_scaling`), as
/// the quantiser steps scale with it: the same decisions, in quantiser steps, at every
/// quality, instead of a fixed price that would strip a `Q_95` file of detail its user asked
/// for.
pub(super) fn lambda(quality: u32) -> Option<f32> {
    let scale = quality_scale(quality.clamp(1, 100));
    (scale > 0).then(|| {
        let s = scale as f32 / 100.0;
        LAMBDA_AT_UNIT_SCALE / (s * s)
    })
}

/// Largest AC magnitude of 8-bit baseline JPEG (category 10).
const AC_MAX: f32 = 1023.0;
/// Largest DC magnitude: 8-bit samples give at most 1024 (8 × 128), and within ±1023 every
/// difference of two DCs stays in category 11, the largest baseline allows.
const DC_MAX: f32 = 1023.0;

/// `x` rounded half away from zero, within ±`max` (truncation of `x ± 0.5`: SSE2 has no
/// rounding instruction, and `f32::round` is a libm call there).
#[inline]
fn round_to(x: f32, max: f32) -> i16 {
    (x + 0.5f32.copysign(x)).clamp(-max, max) as i16
}

/// Quantises the DC coefficient by rounding (it is coded as a difference; not optimised).
#[inline]
fn dc(c: f32, q: f32) -> i16 {
    round_to(c / q, DC_MAX)
}

/// Plain rounding of every coefficient: `coef` (orthonormal DCT, zigzag order) by `t` into
/// `out` (zigzag order).
pub(super) fn round(coef: &[f32; 64], t: &Quant, out: &mut [i16; 64]) {
    out[0] = dc(coef[0], t.q[0]);
    for k in 1..64 {
        out[k] = round_to(coef[k] * t.recip[k], AC_MAX);
    }
}

/// Trellis-quantises one block; arguments as [`round`], `rate` the AC table's bit costs.
///
/// A coefficient whose rounded magnitude is `v` (category `s`) is tried as `v`, as the largest
/// value of category `s − 1` (one magnitude bit fewer; smaller values cost more distortion
/// than they can save), and as zero (part of a longer run). Costs are counted from the
/// all-zero block: coding position k as `v` adds its bits and `λ·q²·((v − x)² − x²)`, where
/// `x` is its unrounded value in quantiser steps, so zeros cost nothing and positions that
/// round to zero are never visited.
pub(super) fn trellis(coef: &[f32; 64], t: &Quant, rate: &Rate, out: &mut [i16; 64]) {
    out.fill(0);
    out[0] = dc(coef[0], t.q[0]);
    let mut x = [0f32; 64];
    let mut flags = [0u8; 64];
    for k in 1..64 {
        x[k] = (coef[k] * t.recip[k]).abs().min(AC_MAX);
        flags[k] = u8::from(x[k] >= 0.5);
    }
    let mut live = bitmask(&flags);
    // For each position p that may end a run (0, the block start, or a live one): cost[p], the
    // least cost of coding 1..=p with p the last non-zero one; from[p] the non-zero position
    // before it; val[p] its magnitude. `active` lists the run ends still worth trying.
    let mut cost = [0f32; 64];
    let mut from = [0u8; 64];
    let mut val = [0i16; 64];
    let mut active = [0u8; 64];
    let mut n = 1;
    while live != 0 {
        let i = live.trailing_zeros() as usize;
        live &= live - 1;
        let (x, w) = (x[i], t.weight[i]);
        let v = (x + 0.5) as i32;
        let s = category(v) as usize;
        let lo = (1i32 << (s - 1)) - 1;
        let e = x * x;
        let (d_hi, d_lo) = (w * ((v as f32 - x).powi(2) - e), w * ((lo as f32 - x).powi(2) - e));
        let (row_hi, row_lo) = (&rate.by_size[s], &rate.by_size[s - 1]);
        let (mut best_hi, mut at_hi) = (f32::INFINITY, 0usize);
        let (mut best_lo, mut at_lo) = (f32::INFINITY, 0usize);
        for &p in &active[..n] {
            let p = usize::from(p);
            let run = i - 1 - p;
            let c = cost[p] + (run >> 4) as f32 * rate.zrl;
            let (c_hi, c_lo) = (c + row_hi[run & 15], c + row_lo[run & 15]);
            if c_hi < best_hi {
                (best_hi, at_hi) = (c_hi, p);
            }
            if c_lo < best_lo {
                (best_lo, at_lo) = (c_lo, p);
            }
        }
        let (c, at, v) = if lo > 0 && best_lo + d_lo < best_hi + d_hi {
            (best_lo + d_lo, at_lo, lo)
        } else {
            (best_hi + d_hi, at_hi, v)
        };
        cost[i] = c;
        from[i] = at as u8;
        val[i] = v as i16;
        // Run ends that cost more than this one plus `slack` never win again: drop them.
        let mut kept = 0;
        for k in 0..n {
            let p = active[k];
            if cost[usize::from(p)] <= c + rate.slack {
                active[kept] = p;
                kept += 1;
            }
        }
        active[kept] = i as u8;
        n = kept + 1;
    }
    // Where the block ends: after the last non-zero position (an EOB follows unless it is 63).
    let (mut best, mut last) = (f32::INFINITY, 0usize);
    for &p in &active[..n] {
        let p = usize::from(p);
        let c = cost[p] + if p < 63 { rate.eob } else { 0.0 };
        if c < best {
            (best, last) = (c, p);
        }
    }
    let mut i = last;
    while i > 0 {
        out[i] = if coef[i] < 0.0 { -val[i] } else { val[i] };
        i = usize::from(from[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat_rate(bits: u8) -> Rate {
        Rate::new(|_| bits)
    }

    #[test]
    fn typical_rates_are_t81s_code_lengths() {
        let (l, c) = (Rate::typical(false), Rate::typical(true));
        // Luminance: 0/1 two bits, EOB four, ZRL eleven, 0/10 sixteen (plus magnitude bits).
        assert_eq!((l.by_size[1][0], l.eob, l.zrl, l.by_size[10][0]), (3.0, 4.0, 11.0, 26.0));
        // Chrominance: EOB two bits, 0/1 two, 1/1 four, ZRL ten.
        assert_eq!((c.eob, c.by_size[1][0], c.by_size[1][1], c.zrl), (2.0, 3.0, 5.0, 10.0));
        // Both tables are complete prefix codes of 162 symbols (Kraft sum 1 − 2⁻¹⁶).
        for (counts, short) in
            [(&TYPICAL_LUMA.0[..], &TYPICAL_LUMA.1[..]), (&TYPICAL_CHROMA.0, &TYPICAL_CHROMA.1)]
        {
            assert_eq!(counts.iter().map(|&n| usize::from(n)).sum::<usize>(), short.len());
            let kraft: f64 = counts
                .iter()
                .enumerate()
                .map(|(l, &n)| f64::from(n) * 0.5f64.powi(l as i32 + 1))
                .sum::<f64>()
                + (162 - short.len()) as f64 * 0.5f64.powi(16);
            assert!((kraft - (1.0 - 0.5f64.powi(16))).abs() < 1e-12, "{kraft}");
        }
    }

    #[test]
    fn lambda_follows_the_quality_scale() {
        assert_eq!(lambda(100), None);
        assert!((lambda(85).unwrap() - 0.25).abs() < 1e-6);
        assert!((lambda(50).unwrap() - LAMBDA_AT_UNIT_SCALE).abs() < 1e-9);
        // Q 95 (scale 0.1) prices error 9× Q 85's; Q 25 (scale 2) a quarter of Q 50's.
        assert!((lambda(95).unwrap() / lambda(85).unwrap() - 9.0).abs() < 1e-3);
        assert!((lambda(25).unwrap() * 4.0 - LAMBDA_AT_UNIT_SCALE).abs() < 1e-6);
    }

    #[test]
    fn a_strong_lone_coefficient_is_kept_and_dust_is_dropped() {
        let q = Quant::new(&[10; 64], 0.25);
        let mut coef = [0f32; 64];
        coef[0] = 505.0;
        coef[3] = -200.0; // 20 steps: far more distortion than bits if dropped
        coef[40] = 6.0; // 0.6 step: rounds to 1, not worth a long run and a code
        let mut out = [0i16; 64];
        trellis(&coef, &q, &flat_rate(4), &mut out);
        assert_eq!(out[0], 51);
        assert_eq!(out[3], -20);
        assert_eq!(out[40], 0);
        let mut plain = [0i16; 64];
        round(&coef, &q, &mut plain);
        assert_eq!((plain[3], plain[40]), (-20, 1));
    }

    #[test]
    fn trellis_never_costs_more_than_rounding_by_its_own_measure() {
        let table: [u16; 64] = std::array::from_fn(|k| 4 + k as u16);
        let q = Quant::new(&table, 0.25);
        let rate = Rate::new(|s| 2 + (s >> 4) + (s & 15));
        let mut seed = 7u32;
        for _ in 0..200 {
            let coef: [f32; 64] = std::array::from_fn(|k| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((seed >> 16) as f32 / 65_536.0 - 0.5) * 400.0 / (1.0 + k as f32 / 4.0)
            });
            let (mut t, mut r) = ([0i16; 64], [0i16; 64]);
            trellis(&coef, &q, &rate, &mut t);
            round(&coef, &q, &mut r);
            let measure = |b: &[i16; 64]| {
                let (mut total, mut run) = (0f32, 0usize);
                let last = (1..64).rev().find(|&k| b[k] != 0).unwrap_or(0);
                for k in 1..64 {
                    let (c, qk) = (coef[k], q.q[ZIGZAG[k]]);
                    total += 0.25 * (f32::from(b[k]) * qk - c).powi(2);
                    if k > last {
                        continue;
                    }
                    if b[k] == 0 {
                        run += 1;
                    } else {
                        let s = category(i32::from(b[k])) as usize;
                        total += (run >> 4) as f32 * rate.zrl + rate.by_size[s][run & 15];
                        run = 0;
                    }
                }
                total + if last < 63 { rate.eob } else { 0.0 }
            };
            assert!(measure(&t) <= measure(&r) + 1e-2, "{} > {}", measure(&t), measure(&r));
            assert_eq!(t[0], r[0]);
        }
    }
}

#[cfg(test)]
mod pruning_tests {
    use super::*;

    /// The least `bits + λ·SSE` of a block, relative to coding every AC coefficient as zero,
    /// by the same dynamic programme with every earlier position kept as a candidate run end.
    fn unpruned_least_cost(coef: &[f32; 64], t: &Quant, rate: &Rate) -> f32 {
        let x: [f32; 64] = std::array::from_fn(|k| (coef[k] * t.recip[k]).abs().min(AC_MAX));
        let mut cost = [f32::INFINITY; 64];
        cost[0] = 0.0;
        for i in (1..64).filter(|&i| x[i] >= 0.5) {
            let v = (x[i] + 0.5) as i32;
            let s = category(v) as usize;
            let lo = (1i32 << (s - 1)) - 1;
            for (val, size) in [(v, s), (lo, s - 1)] {
                if val == 0 {
                    continue;
                }
                let d = t.weight[i] * ((val as f32 - x[i]).powi(2) - x[i] * x[i]);
                for p in 0..i {
                    let run = i - 1 - p;
                    let bits = (run >> 4) as f32 * rate.zrl + rate.by_size[size][run & 15];
                    cost[i] = cost[i].min(cost[p] + bits + d);
                }
            }
        }
        (0..64).map(|p| cost[p] + if p < 63 { rate.eob } else { 0.0 }).fold(f32::INFINITY, f32::min)
    }

    /// The same relative cost of the quantised block `b`.
    fn cost_of(b: &[i16; 64], coef: &[f32; 64], t: &Quant, rate: &Rate) -> f32 {
        let (mut total, mut prev) = (0f32, 0usize);
        for k in (1..64).filter(|&k| b[k] != 0) {
            let x = coef[k] * t.recip[k];
            total += t.weight[k] * ((f32::from(b[k]) - x).powi(2) - x * x);
            let run = k - 1 - prev;
            let s = category(i32::from(b[k])) as usize;
            total += (run >> 4) as f32 * rate.zrl + rate.by_size[s][run & 15];
            prev = k;
        }
        total + if prev < 63 { rate.eob } else { 0.0 }
    }

    /// The pruning (`slack`) is exact: the trellis finds the least cost on real-looking blocks
    /// (coefficients falling off with frequency, runs past 16) and on noise, with T.81's rates.
    #[test]
    fn pruned_trellis_finds_the_least_cost() {
        let table: [u16; 64] = std::array::from_fn(|k| 3 + (k as u16) / 3);
        let mut seed = 11u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as f32 / 65_536.0 - 0.5
        };
        for chroma in [false, true] {
            let rate = Rate::typical(chroma);
            for lambda in [0.05, 0.25, 1.0] {
                let q = Quant::new(&table, lambda);
                for n in 0..300 {
                    let coef: [f32; 64] = std::array::from_fn(|k| {
                        let fall = if n % 2 == 0 { 1.0 + k as f32 / 3.0 } else { 1.0 };
                        // Sparse blocks: most positions near zero, a few strong ones.
                        let strong = if rnd() > 0.3 { 60.0 } else { 4.0 };
                        rnd() * strong * 8.0 / fall
                    });
                    let mut out = [0i16; 64];
                    trellis(&coef, &q, &rate, &mut out);
                    let (got, want) =
                        (cost_of(&out, &coef, &q, &rate), unpruned_least_cost(&coef, &q, &rate));
                    assert!((got - want).abs() <= 1e-3 * want.abs().max(1.0), "{got} vs {want}");
                }
            }
        }
    }

    #[test]
    fn slack_of_the_typical_tables() {
        // Luma: run 15 of size 1 (0xF1, 16-bit code) costs 17 bits, run 16 (ZRL + 0x01) 14.
        assert_eq!(Rate::typical(false).slack, 3.0);
        assert_eq!(Rate::typical(true).slack, 3.0);
    }
}

//! Huffman coding for the encoder: symbol statistics, optimal length-limited tables (T.81
//! Annex K.2/K.3, the procedure libjpeg's `jpeg_gen_optimal_table` follows), the DHT payload,
//! and the entropy-coded segment with byte stuffing.

/// The magnitude category of `v` (T.81 F.1.2.1.1): the number of bits of `|v|`.
#[inline]
pub(super) fn category(v: i32) -> u32 {
    32 - v.unsigned_abs().leading_zeros()
}

/// A Huffman table: the DHT's 16 counts and symbols, and each symbol's code and length.
pub(super) struct Table {
    /// Number of codes of each length 1–16.
    pub(super) counts: [u8; 16],
    /// Symbols in code order.
    pub(super) symbols: Vec<u8>,
    code: [u16; 256],
    len: [u8; 256],
}

impl Table {
    /// The optimal table for symbol frequencies `freq` (T.81 K.2, lengths limited to 16 by
    /// K.3; one code point is reserved so no code is all ones). Symbols that never occur get
    /// no code.
    pub(super) fn optimal(freq: &[u32; 256]) -> Table {
        let mut freq = *freq;
        loop {
            if let Some(t) = Table::try_optimal(&freq) {
                return t;
            }
            // A tree deeper than 32 (Fibonacci-like counts, millions of blocks): flatten the
            // statistics and build again, as K.3 only repairs depths up to 32.
            for f in &mut freq {
                if *f > 0 {
                    *f = (*f / 2).max(1);
                }
            }
        }
    }

    /// [`Table::optimal`], or `None` when the unlimited tree is deeper than 32.
    fn try_optimal(freq: &[u32; 256]) -> Option<Table> {
        // Index 256 is the reserved pseudo-symbol.
        let mut f = [0u64; 257];
        for (d, &s) in f.iter_mut().zip(freq.iter()) {
            *d = u64::from(s);
        }
        f[256] = 1;
        let mut size = [0u32; 257];
        let mut next = [usize::MAX; 257];
        loop {
            // The two least frequent live entries; ties go to the higher symbol (as libjpeg).
            let (mut c1, mut c2) = (usize::MAX, usize::MAX);
            let (mut v1, mut v2) = (u64::MAX, u64::MAX);
            for (i, &v) in f.iter().enumerate() {
                if v == 0 {
                    continue;
                }
                if v <= v1 {
                    (c2, v2) = (c1, v1);
                    (c1, v1) = (i, v);
                } else if v <= v2 {
                    (c2, v2) = (i, v);
                }
            }
            if c2 == usize::MAX {
                break;
            }
            f[c1] += f[c2];
            f[c2] = 0;
            // Every member of both chains gets one bit longer; chain c2 is appended to c1.
            let tail = lengthen(c1, &mut size, &next);
            next[tail] = c2;
            lengthen(c2, &mut size, &next);
        }
        let mut bits = [0u32; 33];
        for &s in &size {
            if s > 32 {
                return None;
            }
            if s > 0 {
                bits[s as usize] += 1;
            }
        }
        // K.3: move codes longer than 16 bits up the tree.
        for i in (17..=32).rev() {
            while bits[i] > 0 {
                let mut j = i - 2;
                while bits[j] == 0 {
                    j -= 1;
                }
                bits[i] -= 2;
                bits[i - 1] += 1;
                bits[j + 1] += 2;
                bits[j] -= 1;
            }
        }
        // Drop the reserved code (the longest one).
        let mut i = 16;
        while bits[i] == 0 {
            i -= 1;
        }
        bits[i] -= 1;
        // Symbols by increasing code length (their unlimited size orders them), then value.
        let mut symbols: Vec<u8> =
            (0..256usize).filter(|&s| size[s] > 0).map(|s| s as u8).collect();
        symbols.sort_by_key(|&s| (size[usize::from(s)], s));
        let mut counts = [0u8; 16];
        for (c, &b) in counts.iter_mut().zip(&bits[1..=16]) {
            *c = b as u8;
        }
        Some(Table::from_counts(counts, symbols))
    }

    /// Assigns canonical codes (T.81 C.2) to `symbols` given the per-length `counts`.
    fn from_counts(counts: [u8; 16], symbols: Vec<u8>) -> Table {
        let mut t = Table { counts, symbols, code: [0; 256], len: [0; 256] };
        let mut code = 0u16;
        let mut k = 0;
        for l in 1..=16u8 {
            for _ in 0..counts[usize::from(l) - 1] {
                let s = usize::from(t.symbols[k]);
                t.code[s] = code;
                t.len[s] = l;
                code += 1;
                k += 1;
            }
            code <<= 1;
        }
        t
    }

    /// Bits this table spends on symbols with frequencies `freq`, plus its DHT payload.
    fn cost(&self, freq: &[u32; 256]) -> u64 {
        let coded: u64 =
            freq.iter().zip(&self.len).map(|(&f, &l)| u64::from(f) * u64::from(l)).sum();
        coded + 8 * (17 + self.symbols.len() as u64)
    }

    /// The DHT payload for class `class` (0 DC, 1 AC) and slot `id`.
    pub(super) fn dht(&self, class: u8, id: u8, out: &mut Vec<u8>) {
        out.push(class << 4 | id);
        out.extend_from_slice(&self.counts);
        out.extend_from_slice(&self.symbols);
    }
}

/// The Huffman tables of one class for luminance (`luma` frequencies) and chrominance:
/// `[luma, chroma]`, or one table for both where that costs fewer bytes in all (small or flat
/// images, where a second table costs more than it saves).
pub(super) fn tables(luma: &[u32; 256], chroma: &[u32; 256]) -> Vec<Table> {
    let (l, c) = (Table::optimal(luma), Table::optimal(chroma));
    let both: [u32; 256] = std::array::from_fn(|s| luma[s] + chroma[s]);
    let shared = Table::optimal(&both);
    if shared.cost(&both) <= l.cost(luma) + c.cost(chroma) {
        vec![shared]
    } else {
        vec![l, c]
    }
}

/// Adds one bit to the code size of every symbol in the chain that starts at `c` (linked by
/// `next`) and returns the chain's last symbol.
fn lengthen(mut c: usize, size: &mut [u32; 257], next: &[usize; 257]) -> usize {
    loop {
        size[c] += 1;
        if next[c] == usize::MAX {
            return c;
        }
        c = next[c];
    }
}

/// Symbol statistics of one DC and one AC table.
pub(super) struct Counts {
    pub(super) dc: [u32; 256],
    pub(super) ac: [u32; 256],
}

impl Counts {
    pub(super) fn new() -> Counts {
        Counts { dc: [0; 256], ac: [0; 256] }
    }

    /// Counts the symbols of one block (`q`: quantised, zigzag order; `mask` its
    /// [`nonzero`] positions; `dc_diff` its DC minus the previous block's of the same
    /// component).
    pub(super) fn add(&mut self, q: &[i16; 64], mask: u64, dc_diff: i32) {
        self.dc[category(dc_diff) as usize] += 1;
        let mut prev = 0u32;
        let mut mask = mask & !1;
        while mask != 0 {
            let k = mask.trailing_zeros();
            let run = k - prev - 1;
            self.ac[0xF0] += run >> 4;
            self.ac[((run & 15) << 4 | category(i32::from(q[k as usize]))) as usize] += 1;
            prev = k;
            mask &= mask - 1;
        }
        if prev < 63 {
            self.ac[0] += 1;
        }
    }
}

/// Bit `k` set where `q[k]` is not zero.
#[inline]
pub(super) fn nonzero(q: &[i16; 64]) -> u64 {
    let mut flags = [0u8; 64];
    for (f, &v) in flags.iter_mut().zip(q) {
        *f = u8::from(v != 0);
    }
    bitmask(&flags)
}

/// Bit `k` set where `flags[k]` is 1 (every flag 0 or 1). Eight flags at a time: multiplying
/// their little-endian word by `0x0102_0408_1020_4080` gathers flag `j` into bit `56 + j`
/// with no carries, since the partial products of the other bytes stay below bit 56.
#[inline]
pub(super) fn bitmask(flags: &[u8; 64]) -> u64 {
    let mut m = 0u64;
    for (i, chunk) in flags.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        m |= (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * i);
    }
    m
}

/// Writes the entropy-coded segment: bits MSB first, a 0x00 after every 0xFF byte.
pub(super) struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    pub(super) fn new(out: Vec<u8>) -> BitWriter {
        BitWriter { out, acc: 0, n: 0 }
    }

    /// Appends the low `len` bits of `bits` (len ≤ 32).
    #[inline]
    fn put(&mut self, bits: u32, len: u32) {
        self.acc = self.acc << len | u64::from(bits) & ((1u64 << len) - 1);
        self.n += len;
        if self.n >= 32 {
            self.n -= 32;
            let word = (self.acc >> self.n) as u32;
            // Four bytes at once unless one of them is 0xFF (which needs a 0x00 after it).
            if (!word).wrapping_sub(0x0101_0101) & word & 0x8080_8080 == 0 {
                self.out.extend_from_slice(&word.to_be_bytes());
            } else {
                for b in word.to_be_bytes() {
                    self.out.push(b);
                    if b == 0xFF {
                        self.out.push(0);
                    }
                }
            }
        }
    }

    /// Codes one block (see [`Counts::add`] for the arguments) with tables `dc` and `ac`.
    pub(super) fn block(&mut self, q: &[i16; 64], mask: u64, dc_diff: i32, dc: &Table, ac: &Table) {
        let s = category(dc_diff);
        let code = |t: &Table, sym: usize| (u32::from(t.code[sym]), u32::from(t.len[sym]));
        let (c, l) = code(dc, s as usize);
        self.put(c << s | magnitude_bits(dc_diff, s), l + s);
        let mut prev = 0u32;
        let mut mask = mask & !1;
        while mask != 0 {
            let k = mask.trailing_zeros();
            let mut run = k - prev - 1;
            while run > 15 {
                let (c, l) = code(ac, 0xF0);
                self.put(c, l);
                run -= 16;
            }
            let v = i32::from(q[k as usize]);
            let s = category(v);
            let (c, l) = code(ac, (run << 4 | s) as usize);
            self.put(c << s | magnitude_bits(v, s), l + s);
            prev = k;
            mask &= mask - 1;
        }
        if prev < 63 {
            let (c, l) = code(ac, 0);
            self.put(c, l);
        }
    }

    /// Pads the last byte with 1 bits and returns the buffer.
    pub(super) fn finish(mut self) -> Vec<u8> {
        let pad = (8 - self.n % 8) % 8;
        if pad > 0 {
            self.put((1 << pad) - 1, pad);
        }
        // Whole bytes still in the accumulator.
        while self.n >= 8 {
            self.n -= 8;
            let b = (self.acc >> self.n) as u8;
            self.out.push(b);
            if b == 0xFF {
                self.out.push(0);
            }
        }
        self.out
    }
}

/// The `s` magnitude bits of `v` (T.81 F.1.2.1.1: negative values as `v − 1` in `s` bits).
#[inline]
fn magnitude_bits(v: i32, s: u32) -> u32 {
    let v = if v < 0 { v - 1 } else { v };
    (v as u32) & ((1u64 << s) - 1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimal_tables_are_prefix_free_limited_and_frequency_ordered() {
        // Geometric frequencies force lengths past 16 before K.3's limiting.
        let mut freq = [0u32; 256];
        for (i, f) in freq.iter_mut().enumerate().take(40) {
            *f = 1 << (30 - (i * 3 / 4).min(30));
        }
        let t = Table::optimal(&freq);
        assert_eq!(t.symbols.len(), 40);
        let lens: Vec<u8> = t.len[..40].to_vec();
        assert!(lens.iter().all(|&l| (1..=16).contains(&l)), "{lens:?}");
        // Kraft sum < 1 (the all-ones code stays unused).
        let kraft: f64 = lens.iter().map(|&l| 0.5f64.powi(i32::from(l))).sum();
        assert!(kraft < 1.0, "{kraft}");
        // More frequent symbols never get longer codes.
        for w in lens.windows(2) {
            assert!(w[0] <= w[1], "{lens:?}");
        }
        // A single symbol still gets a code (of one bit, beside the reserved one).
        let mut one = [0u32; 256];
        one[5] = 100;
        let t = Table::optimal(&one);
        assert_eq!((t.len[5], t.symbols.as_slice()), (1, &[5u8][..]));
    }

    #[test]
    fn chroma_shares_the_luma_table_only_when_that_is_smaller() {
        // Alike statistics: one table saves a whole DHT.
        let mut a = [0u32; 256];
        a[..6].copy_from_slice(&[900, 500, 300, 200, 80, 20]);
        assert_eq!(tables(&a, &a).len(), 1);
        // Disjoint, busy statistics: two tables code each side in fewer bits.
        let mut b = [0u32; 256];
        b[6..12].copy_from_slice(&[900, 500, 300, 200, 80, 20]);
        let t = tables(&a.map(|v| v * 50), &b.map(|v| v * 50));
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].len[0], t[1].len[6]), (1, 1));
    }

    #[test]
    fn magnitudes_follow_t81() {
        assert_eq!(
            (category(0), category(1), category(-1), category(255), category(-1024)),
            (0, 1, 1, 8, 11)
        );
        assert_eq!(magnitude_bits(-1, 1), 0);
        assert_eq!(magnitude_bits(-3, 2), 0b00);
        assert_eq!(magnitude_bits(3, 2), 0b11);
        assert_eq!(magnitude_bits(-2, 2), 0b01);
    }
}

#[cfg(test)]
mod mask_tests {
    use super::*;

    #[test]
    fn bitmask_sets_the_flagged_positions() {
        let mut seed = 5u32;
        for _ in 0..200 {
            let flags: [u8; 64] = std::array::from_fn(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                u8::from(seed >> 16 & 3 == 0)
            });
            let want = (0..64).fold(0u64, |m, k| m | u64::from(flags[k]) << k);
            assert_eq!(bitmask(&flags), want);
        }
        assert_eq!(bitmask(&[1; 64]), u64::MAX);
        let mut q = [0i16; 64];
        (q[0], q[9], q[63]) = (-1, 300, 1);
        assert_eq!(nonzero(&q), 1 | 1 << 9 | 1 << 63);
    }
}

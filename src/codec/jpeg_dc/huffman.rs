//! Huffman tables and the entropy bit reader: libjpeg-turbo's derived-table checks
//! (`jpeg_make_d_derived_tbl`), a 9-bit lookahead symbol decoder, and the AC *skip* table that
//! consumes one or several (run, size) symbols plus their magnitude bits per lookup without
//! producing coefficients.

use crate::codec::jpeg_std::ZIGZAG;

/// Zigzag index → natural index, with libjpeg's 16 extra entries for runs past the end.
pub(super) const NATURAL: [usize; 80] = {
    let mut t = [63usize; 80];
    let mut i = 0;
    while i < 64 {
        t[i] = ZIGZAG[i];
        i += 1;
    }
    t
};

/// Bits of lookahead for the symbol decoder.
const LOOK: u32 = 9;
/// Bits of lookahead for the AC skip table.
const SKIP: u32 = 13;
// A skip entry's bit count must fit below its `advance` field (see `Huff::skip_entry`).
const _: () = assert!(SKIP < 16);

/// One DHT table made ready for decoding.
pub(super) struct Huff {
    /// `len << 8 | symbol` for codes of at most [`LOOK`] bits, 0 for longer ones.
    look: [u16; 1 << LOOK],
    /// Largest code of each length (index 1..=16), -1 when there is none.
    maxcode: [i32; 17],
    /// Offset from a code of each length to its symbol's index in `vals`.
    valoff: [i32; 17],
    vals: [u8; 256],
    nvals: usize,
    /// AC skip entries (see [`Huff::skip_entry`]); `None` until [`Huff::ensure_skip`].
    skip: Option<Box<[u16; 1 << SKIP]>>,
}

impl Huff {
    /// Builds the table from a DHT's 16 counts and symbols, refusing what libjpeg-turbo refuses
    /// (too many symbols, over-subscribed lengths, DC symbols above 15).
    pub(super) fn new(counts: &[u8; 16], symbols: &[u8], is_dc: bool) -> Option<Huff> {
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total > 256 || symbols.len() != total {
            return None;
        }
        if is_dc && symbols.iter().any(|&s| s > 15) {
            return None;
        }
        let mut h = Huff {
            look: [0; 1 << LOOK],
            maxcode: [-1; 17],
            valoff: [0; 17],
            vals: [0; 256],
            nvals: total,
            skip: None,
        };
        h.vals[..total].copy_from_slice(symbols);
        let mut code: i64 = 0;
        let mut p = 0usize;
        for len in 1..=16u32 {
            let n = usize::from(counts[len as usize - 1]);
            if n > 0 {
                // Over-subscribed (or using the all-ones code): refused before any entry is
                // written, since such codes fall outside the look-up table.
                if code + n as i64 >= (1i64 << len) {
                    return None;
                }
                h.valoff[len as usize] = p as i32 - code as i32;
                for i in 0..n {
                    let c = code + i as i64;
                    if len <= LOOK {
                        let shift = LOOK - len;
                        let base = (c as usize) << shift;
                        let e = (len as u16) << 8 | u16::from(symbols[p + i]);
                        h.look[base..base + (1 << shift)].fill(e);
                    }
                }
                code += n as i64;
                p += n;
                h.maxcode[len as usize] = (code - 1) as i32;
            }
            code <<= 1;
        }
        Some(h)
    }

    /// Builds the AC skip table unless it exists (sequential scans only need it).
    pub(super) fn ensure_skip(&mut self) {
        if self.skip.is_none() {
            let t: Vec<u16> = (0..1u32 << SKIP).map(|w| self.skip_entry(w)).collect();
            self.skip = t.into_boxed_slice().try_into().ok();
        }
    }

    /// The symbol whose code is a prefix of the `nbits`-bit string `bits`, and its length.
    fn match_bits(&self, bits: u32, nbits: u32) -> Option<(u32, u8)> {
        for len in 1..=nbits.min(16) {
            let code = (bits >> (nbits - len)) as i32;
            if code <= self.maxcode[len as usize] {
                let i = (code + self.valoff[len as usize]) as usize;
                return (i < self.nvals).then(|| (len, self.vals[i]));
            }
        }
        None
    }

    /// The skip entry for a [`SKIP`]-bit window: as many whole AC symbols (code and magnitude
    /// bits) as fit, stopping after an EOB. Packed as `bits | advance << 6 | eob << 13`, where
    /// `advance` (< 80) is how far the coefficient index moves; `bits` 0 means "decode one by
    /// one". Bits 4 and 5 stay clear so that the entry itself is the shift count.
    fn skip_entry(&self, w: u32) -> u16 {
        let (mut pos, mut adv, mut eob) = (0u32, 0u32, 0u32);
        while pos < SKIP && adv < 64 {
            let rem = SKIP - pos;
            let bits = w & ((1 << rem) - 1);
            let Some((len, sym)) = self.match_bits(bits, rem) else { break };
            let (run, size) = (u32::from(sym >> 4), u32::from(sym & 15));
            if size == 0 && run != 15 {
                pos += len;
                eob = 1;
                break;
            }
            if len + size > rem {
                break;
            }
            pos += len + size;
            adv += if size == 0 { 16 } else { run + 1 };
        }
        (pos | adv << 6 | eob << 13) as u16
    }

    /// Decodes one symbol; `None` for a code no table entry matches (libjpeg-turbo warns).
    #[inline]
    pub(super) fn decode(&self, br: &mut Bits) -> Option<u8> {
        let e = self.look[br.peek(LOOK) as usize];
        if e != 0 {
            br.consume(u32::from(e >> 8));
            return Some(e as u8);
        }
        for len in LOOK + 1..=16 {
            let code = br.peek(len) as i32;
            if code <= self.maxcode[len as usize] {
                br.consume(len);
                let i = (code + self.valoff[len as usize]) as usize;
                return (i < self.nvals).then(|| self.vals[i]);
            }
        }
        None
    }

    /// Decodes a DC difference (symbol plus extended magnitude bits).
    #[inline(always)]
    pub(super) fn decode_diff(&self, br: &mut Bits) -> Option<i32> {
        br.refill();
        let s = u32::from(self.decode(br)?);
        Some(if s == 0 { 0 } else { extend(br.take(s), s) })
    }

    /// Decodes coefficients `ss..=se` of one block into `blk` (natural order, values shifted
    /// left by `al`) as libjpeg's sequential (`decode_mcu_slow`) and first progressive AC
    /// (`decode_mcu_AC_first`) decoders do, including their writes for runs past the band.
    /// Returns the run field of the EOB symbol that ended the band, if one did.
    pub(super) fn decode_band(
        &self,
        br: &mut Bits,
        blk: &mut [i16; 64],
        ss: usize,
        se: usize,
        al: u8,
    ) -> Option<Option<u32>> {
        let mut k = ss;
        while k <= se {
            br.refill();
            let sym = self.decode(br)?;
            let (run, size) = (u32::from(sym >> 4), u32::from(sym & 15));
            if size != 0 {
                k += run as usize;
                let v = extend(br.take(size), size);
                blk[NATURAL[k]] = (i64::from(v) << al) as i16;
            } else if run == 15 {
                k += 15;
            } else {
                return Some(Some(run));
            }
            k += 1;
        }
        Some(None)
    }

    /// Decodes coefficients 1..=63 of one sequential block into `blk` exactly as
    /// `decode_band(br, blk, 1, 63, 0)` does; returns a mask of the natural positions written
    /// (bit `i` for `blk[i]`), a superset of the nonzero AC coefficients.
    #[inline]
    pub(super) fn decode_ac(&self, br: &mut Bits, blk: &mut [i16; 64]) -> Option<u64> {
        let mut nz = 0u64;
        let mut k = 1usize;
        while k <= 63 {
            br.refill();
            let sym = self.decode(br)?;
            let (run, size) = (usize::from(sym >> 4), u32::from(sym & 15));
            if size != 0 {
                k += run;
                let nat = NATURAL[k] & 63;
                blk[nat] = extend(br.take(size), size) as i16;
                nz |= 1 << nat;
            } else if run == 15 {
                k += 15;
            } else {
                break;
            }
            k += 1;
        }
        Some(nz)
    }

    /// Skips the AC part of one block (coefficients 1..=63) of a sequential scan. Requires
    /// [`Huff::ensure_skip`].
    #[inline]
    pub(super) fn skip_ac(&self, br: &mut Bits) -> Option<()> {
        self.skip_from(br, 1)
    }

    /// Decodes coefficients 1..=`last` (zigzag order) of one sequential block into `blk`
    /// (natural order) and skips the rest of the block as [`Huff::skip_ac`] does: what a
    /// reduced IDCT that reads only the first few coefficients needs. Requires
    /// [`Huff::ensure_skip`].
    #[inline]
    pub(super) fn decode_head(&self, br: &mut Bits, blk: &mut [i16; 64], last: u32) -> Option<()> {
        let mut k = 1u32;
        while k <= last {
            br.refill();
            let sym = self.decode(br)?;
            let (run, size) = (u32::from(sym >> 4), u32::from(sym & 15));
            if size != 0 {
                k += run;
                let v = extend(br.take(size), size);
                if k <= last {
                    blk[NATURAL[k as usize]] = v as i16;
                }
            } else if run == 15 {
                k += 15;
            } else {
                return Some(());
            }
            k += 1;
        }
        if k < 64 {
            self.skip_from(br, k)?;
        }
        Some(())
    }

    /// Skips coefficients `k..=63` of a sequential block (`k` ≥ 1; the block ends at its EOB
    /// or at 63).
    ///
    /// Each step looks the skip entry up from the bits buffered before the step's refill (at
    /// least 43 are), so the refill is off the lookup → shift dependency chain.
    #[inline]
    fn skip_from(&self, br: &mut Bits, mut k: u32) -> Option<()> {
        let skip = self.skip.as_deref()?;
        br.fill();
        loop {
            let e = u32::from(skip[(br.buf >> (64 - SKIP)) as usize]);
            br.fill();
            let bits = e & 15;
            let adv = (e >> 6) & 127;
            if bits != 0 && k + adv < 64 {
                // `wrapping_shl` shifts by `e & 63`, which is `bits`: one instruction on the
                // lookup → shift chain.
                br.buf = br.buf.wrapping_shl(e);
                br.n -= bits;
                k += adv;
                if e >> 13 != 0 {
                    return Some(());
                }
                continue;
            }
            let sym = self.decode(br)?;
            let (run, size) = (u32::from(sym >> 4), u32::from(sym & 15));
            if size != 0 {
                br.consume(size);
                k += run + 1;
            } else if run == 15 {
                k += 16;
            } else {
                return Some(());
            }
            if k >= 64 {
                return Some(());
            }
        }
    }
}

/// `HUFF_EXTEND`: the signed value of `s` magnitude bits `v`.
#[inline]
pub(super) fn extend(v: u32, s: u32) -> i32 {
    if v < 1 << (s - 1) {
        v as i32 - (1 << s) + 1
    } else {
        v as i32
    }
}

/// Bit reader over one entropy-coded segment, copied out of the file without its stuffed
/// zero bytes and followed by zero padding: a refill is one unaligned load, no 0xFF checks.
/// Reading past the data supplies zero bits and is detected afterwards, never a panic.
///
/// The refill is the branch-free one of F. Giesen's "Reading bits in far too many ways"
/// (variant 4): the next word is ORed in below the buffered bits and the byte pointer moves by
/// whole bytes, so the load's address never waits on the bits being decoded.
pub(super) struct Bits {
    /// Unstuffed segment bytes, then 8 zero bytes.
    data: Vec<u8>,
    /// Real bits in `data`.
    len_bits: usize,
    /// The next byte of `data` not yet counted in `n`.
    ptr: usize,
    /// The next `n` bits, most significant first; the bits below them are zero or the bits
    /// that follow in the data (a refill ORs the same bits in again).
    buf: u64,
    /// Buffered bits, at most 63.
    n: u32,
}

impl Bits {
    pub(super) fn new() -> Bits {
        Bits { data: Vec::new(), len_bits: 0, ptr: 0, buf: 0, n: 0 }
    }

    /// Loads the entropy-coded data of `file` from `from` up to the next marker; returns the
    /// position of the marker's first 0xFF and its code. `None` for data libjpeg-turbo would
    /// read differently (0xFF fill bytes followed by a stuffed zero) or a missing marker.
    pub(super) fn load(&mut self, file: &[u8], from: usize) -> Option<(usize, u8)> {
        self.data.clear();
        let mut p = from;
        let marker = loop {
            let rest = file.get(p..)?;
            let i = memchr::memchr(0xFF, rest)?;
            self.data.extend_from_slice(&rest[..i]);
            p += i;
            match *file.get(p + 1)? {
                0x00 => {
                    self.data.push(0xFF);
                    p += 2;
                }
                0xFF => {
                    let mut q = p + 1;
                    while *file.get(q)? == 0xFF {
                        q += 1;
                    }
                    break (file[q] != 0).then_some((p, file[q]))?;
                }
                m => break (p, m),
            }
        };
        self.len_bits = self.data.len() * 8;
        self.data.extend_from_slice(&[0; 8]);
        self.ptr = 0;
        self.buf = 0;
        self.n = 0;
        self.fill();
        Some(marker)
    }

    /// Tops the buffer up to at least 56 bits, whatever it holds (branch-free).
    #[inline(always)]
    pub(super) fn fill(&mut self) {
        let word = match self.data.get(self.ptr..self.ptr + 8) {
            Some(s) => u64::from_be_bytes(s.try_into().unwrap_or([0; 8])),
            None => 0,
        };
        self.buf |= word >> self.n;
        self.ptr += ((63 - self.n) >> 3) as usize;
        self.n |= 56;
    }

    /// Tops the buffer up to at least 56 bits when it holds fewer than 32.
    #[inline(always)]
    pub(super) fn refill(&mut self) {
        if self.n < 32 {
            self.fill();
        }
    }

    /// The next `k` bits (1..=32), most significant first.
    #[inline(always)]
    pub(super) fn peek(&self, k: u32) -> u32 {
        (self.buf >> (64 - k)) as u32
    }

    /// Drops `k` bits (at most the `n` buffered, which a refill makes ≥ 32).
    #[inline(always)]
    pub(super) fn consume(&mut self, k: u32) {
        let k = k.min(self.n);
        self.buf <<= k;
        self.n -= k;
    }

    /// Reads `k` bits (0..=16); the caller has refilled since the last ≤ 31 bits were read.
    #[inline(always)]
    pub(super) fn take(&mut self, k: u32) -> u32 {
        if k == 0 {
            return 0;
        }
        let v = self.peek(k);
        self.consume(k);
        v
    }

    /// Position of the first unconsumed bit.
    #[inline]
    fn pos(&self) -> usize {
        self.ptr * 8 - self.n as usize
    }

    /// True once the reader has run far past the segment (hostile or truncated data).
    #[inline]
    pub(super) fn overrun(&self) -> bool {
        self.pos() > self.len_bits + 64
    }

    /// True when the segment was consumed exactly: no bit past its end was used and fewer than
    /// 8 real bits are left (more would be extraneous bytes libjpeg-turbo warns about).
    pub(super) fn finished_cleanly(&self) -> bool {
        let pos = self.pos();
        pos <= self.len_bits && self.len_bits - pos < 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_unstuffs_and_counts_padding() {
        let data = [0xAB, 0xFF, 0x00, 0x12, 0xFF, 0xD9];
        let mut b = Bits::new();
        assert_eq!(b.load(&data, 0), Some((4, 0xD9)));
        // Fill bytes before a stuffed zero are refused, a missing marker too.
        assert_eq!(Bits::new().load(&[1, 0xFF, 0xFF, 0x00, 0xFF, 0xD9], 0), None);
        assert_eq!(Bits::new().load(&[1, 2, 3], 0), None);
        assert_eq!(b.take(8), 0xAB);
        assert_eq!(b.take(8), 0xFF);
        assert_eq!(b.take(4), 0x1);
        assert!(b.finished_cleanly());
        assert_eq!(b.take(4), 0x2);
        assert!(b.finished_cleanly());
        b.take(1);
        assert!(!b.finished_cleanly());
    }

    #[test]
    fn oversubscribed_and_bad_dc_tables_are_refused() {
        let mut counts = [0u8; 16];
        counts[0] = 2; // two 1-bit codes: the second is all ones, which libjpeg refuses
        assert!(Huff::new(&counts, &[0, 1], false).is_none());
        // More codes than the length has room for fall outside the look-up table: refused
        // without touching it (found by fuzz/codec: a slice index panic).
        counts[0] = 3;
        assert!(Huff::new(&counts, &[0, 1, 2], false).is_none());
        let mut counts = [0u8; 16];
        counts[1] = 1;
        counts[2] = 9;
        assert!(Huff::new(&counts, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], false).is_none());
        let mut counts = [0u8; 16];
        counts[0] = 1;
        counts[1] = 1;
        assert!(Huff::new(&counts, &[0, 16], true).is_none());
        assert!(Huff::new(&counts, &[0, 1], true).is_some());
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(2, 3), -5);
    }
}

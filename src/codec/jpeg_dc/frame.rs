//! Frame geometry at 1/8 scale (libjpeg-turbo's `jpeg_core_output_dimensions` and
//! `jinit_upsampler` rules) and at 1/4 (the same rules, planes that need no upsampling),
//! per-component sample planes and reduced IDCTs, MCU/block iteration, and the restart-aware
//! entropy segment walker shared by the sequential and progressive decoders.

use super::huffman::Bits;
use super::markers::{after_marker, Sof, Sos};

/// The scale a frame is decoded at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 1/8, pixel for pixel libjpeg-turbo's.
    Eighth,
    /// 1/4, from the four lowest frequencies of each fully sampled block.
    Quarter,
}

impl Scale {
    /// The output's reduction factor.
    pub fn denom(self) -> usize {
        match self {
            Scale::Eighth => 8,
            Scale::Quarter => 4,
        }
    }
}

/// How a component's blocks become samples, and which of their coefficients are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Idct {
    /// 1/8: one sample from the DC; the AC coefficients are skipped.
    Dc,
    /// 1/8, subsampled chroma raised to 2×2: `jpeg_idct_2x2` of every coefficient.
    Exact2,
    /// 1/4: 2×2 from coefficients (0,0), (0,1), (1,0), (1,1); the rest are skipped.
    Low2,
    /// 1/4, subsampled chroma raised to 4×4: 2×2 box means of every coefficient's IDCT.
    Box4,
}

/// A component being decoded.
pub(super) struct Comp {
    pub h: usize,
    pub v: usize,
    pub tq: usize,
    /// Samples per block side: 1 or 2 at 1/8 (2 for raised subsampled chroma), 2 or 4 at 1/4.
    pub ssize: usize,
    /// How blocks become `ssize × ssize` samples.
    pub idct: Idct,
    /// Allocated blocks per row / column (the MCU grid, which covers the single-component grid).
    pub bw: usize,
    pub bh: usize,
    /// Blocks per row / column of a single-component (non-interleaved) scan.
    pub wib: usize,
    pub hib: usize,
    /// Quantisation table latched at the component's first scan (`latch_quant_tables`).
    pub quant: Option<[u16; 64]>,
    /// Samples at the scaled size, `bw * ssize` per row.
    pub plane: Vec<u8>,
    /// Progressive only: the DC per block ([`Idct::Dc`]) or all 64 per block.
    pub coefs: Vec<i16>,
    /// Sequential scans seen for this component.
    pub scans: u32,
    /// Progressive only: libjpeg's `coef_bits` (current Al per coefficient, -1 = none yet).
    pub coef_bits: [i32; 64],
}

/// The frame being decoded.
pub(super) struct Frame {
    pub width: usize,
    pub height: usize,
    pub progressive: bool,
    pub hmax: usize,
    pub vmax: usize,
    pub mcux: usize,
    pub mcuy: usize,
    pub comps: Vec<Comp>,
}

impl Frame {
    /// Sets up the frame at `scale`, or `None` for sampling libjpeg-turbo handles with IDCT
    /// sizes or upsampling this decoder does not implement (at 1/4: any upsampling at all, and
    /// progressive files).
    pub fn new(sof: &Sof, scale: Scale) -> Option<Frame> {
        if scale == Scale::Quarter && sof.progressive {
            return None;
        }
        let min = 8 / scale.denom();
        let hmax = sof.comps.iter().map(|c| c.h).max()?;
        let vmax = sof.comps.iter().map(|c| c.v).max()?;
        let mcux = sof.width.div_ceil(8 * hmax);
        let mcuy = sof.height.div_ceil(8 * vmax);
        let mut comps = Vec::with_capacity(sof.comps.len());
        for fc in &sof.comps {
            let (h, v) = (fc.h, fc.v);
            // `jpeg_core_output_dimensions`: subsampled components get a larger IDCT instead
            // of upsampling while that stays within 8.
            let mut raise = 1;
            while min * raise < 8 && hmax % (h * raise * 2) == 0 && vmax % (v * raise * 2) == 0 {
                raise *= 2;
            }
            let ssize = min * raise;
            let idct = match (scale, ssize) {
                (Scale::Eighth, 1) => Idct::Dc,
                (Scale::Eighth, 2) => Idct::Exact2,
                (Scale::Quarter, 2) => Idct::Low2,
                (Scale::Quarter, 4) => Idct::Box4,
                _ => return None,
            };
            let upsampled = h * raise != hmax || v * raise != vmax;
            if hmax % (h * raise) != 0
                || vmax % (v * raise) != 0
                || (scale == Scale::Quarter && upsampled)
            {
                return None;
            }
            let (bw, bh) = (mcux.checked_mul(h)?, mcuy.checked_mul(v)?);
            let blocks = bw.checked_mul(bh)?;
            comps.push(Comp {
                h,
                v,
                tq: fc.tq,
                ssize,
                idct,
                bw,
                bh,
                wib: (sof.width * h).div_ceil(8 * hmax),
                hib: (sof.height * v).div_ceil(8 * vmax),
                quant: None,
                plane: vec![0; blocks.checked_mul(ssize * ssize)?],
                coefs: Vec::new(),
                scans: 0,
                coef_bits: [-1; 64],
            });
        }
        if sof.progressive {
            for c in &mut comps {
                let per_block = if c.idct == Idct::Dc { 1 } else { 64 };
                c.coefs = vec![0; (c.bw * c.bh).checked_mul(per_block)?];
            }
        }
        Some(Frame {
            width: sof.width,
            height: sof.height,
            progressive: sof.progressive,
            hmax,
            vmax,
            mcux,
            mcuy,
            comps,
        })
    }

    /// Each component's (h, v) sampling factors.
    pub fn samp(&self) -> Vec<(usize, usize)> {
        self.comps.iter().map(|c| (c.h, c.v)).collect()
    }

    /// MCUs per row and column of a scan (a one-component scan's MCU is one block).
    pub fn scan_mcus(&self, sos: &Sos) -> (usize, usize) {
        if sos.comps.len() == 1 {
            let c = &self.comps[sos.comps[0].0];
            (c.wib, c.hib)
        } else {
            (self.mcux, self.mcuy)
        }
    }

    /// Blocks per MCU of an interleaved scan must not exceed libjpeg's limit of 10.
    pub fn scan_ok(&self, sos: &Sos) -> bool {
        sos.comps.len() == 1
            || sos.comps.iter().map(|&(ci, ..)| self.comps[ci].h * self.comps[ci].v).sum::<usize>()
                <= 10
    }
}

/// One block of an MCU: the index of its component in the scan, that component's sampling
/// factors within the MCU (1 × 1 in a one-component scan) and the block's offset in the MCU.
#[derive(Clone, Copy)]
pub(super) struct McuBlock {
    pub k: usize,
    pub ch: usize,
    pub cv: usize,
    pub dx: usize,
    pub dy: usize,
}

impl McuBlock {
    /// The block's position in its component's block grid in MCU (`mx`, `my`).
    #[inline]
    pub fn at(&self, mx: usize, my: usize) -> (usize, usize) {
        (mx * self.ch + self.dx, my * self.cv + self.dy)
    }
}

/// The blocks of one MCU of `sos`, in decoding order; `samp` holds each frame component's
/// (h, v) sampling factors.
pub(super) fn mcu_blocks(samp: &[(usize, usize)], sos: &Sos) -> Vec<McuBlock> {
    let interleaved = sos.comps.len() > 1;
    let mut blocks = Vec::new();
    for (k, &(ci, ..)) in sos.comps.iter().enumerate() {
        let (ch, cv) = if interleaved { samp[ci] } else { (1, 1) };
        for dy in 0..cv {
            for dx in 0..ch {
                blocks.push(McuBlock { k, ch, cv, dx, dy });
            }
        }
    }
    blocks
}

/// Walks a scan's entropy-coded segments across restart markers.
pub(super) struct Entropy<'a> {
    data: &'a [u8],
    pub bits: Bits,
    seg_end: usize,
    marker: u8,
    next_rst: u8,
}

impl<'a> Entropy<'a> {
    /// Starts at the first byte after the SOS segment.
    pub fn new(data: &'a [u8], pos: usize) -> Option<Entropy<'a>> {
        let mut bits = Bits::new();
        let (seg_end, marker) = bits.load(data, pos)?;
        Some(Entropy { data, bits, seg_end, marker, next_rst: 0 })
    }

    /// Ends an interval: the segment must be used up exactly and followed by the expected RSTn.
    pub fn restart(&mut self) -> Option<()> {
        if !self.bits.finished_cleanly() || self.marker != 0xD0 + self.next_rst {
            return None;
        }
        self.next_rst = (self.next_rst + 1) & 7;
        let pos = after_marker(self.data, self.seg_end);
        (self.seg_end, self.marker) = self.bits.load(self.data, pos)?;
        Some(())
    }

    /// Ends the scan: returns the position of the marker that follows it.
    pub fn finish(self) -> Option<usize> {
        (self.bits.finished_cleanly() && !(0xD0..=0xD7).contains(&self.marker))
            .then_some(self.seg_end)
    }
}

/// Runs `mcu(entropy, mx, my, restarted)` over every MCU of a scan, handling restart
/// intervals (`restarted`: the first MCU after an RST marker, when predictors reset); returns
/// the position of the marker after the scan.
pub(super) fn run_scan<'a>(
    data: &'a [u8],
    pos: usize,
    (mcus_x, mcus_y): (usize, usize),
    restart: usize,
    mut mcu: impl FnMut(&mut Entropy<'a>, usize, usize, bool) -> Option<()>,
) -> Option<usize> {
    let mut e = Entropy::new(data, pos)?;
    let total = mcus_x.checked_mul(mcus_y)?;
    let mut left = restart;
    let (mut mx, mut my) = (0, 0);
    for _ in 0..total {
        let mut restarted = false;
        if restart > 0 {
            if left == 0 {
                e.restart()?;
                restarted = true;
                left = restart;
            }
            left -= 1;
        }
        mcu(&mut e, mx, my, restarted)?;
        mx += 1;
        if mx == mcus_x {
            if e.bits.overrun() {
                return None;
            }
            (mx, my) = (0, my + 1);
        }
    }
    e.finish()
}

//! JPEG decoding at reduced scale without the AC coefficients it does not need.
//!
//! At 1/8: DC-only, the same pixels as libjpeg-turbo's 1/8 DCT-scaled decode
//! (`jpeg_idct_1x1` per block, `jpeg_idct_2x2` where libjpeg-turbo raises subsampled chroma's
//! scaled size, replication upsampling, `jdcolor.c` conversion). Supported: 8-bit sequential
//! and progressive Huffman JPEG, one (grey) or three (YCbCr or RGB) components, any sampling
//! whose 1/8 IDCT sizes are 1 or 2 (1×1, 2×1, 1×2, 2×2, 4×1, 4×2, …), restart intervals.
//!
//! At 1/4: each fully sampled block becomes the 2×2 box means of its four lowest frequencies
//! (coefficients past zigzag position 4 are skipped, not decoded), chroma subsampled 2× both
//! ways the 4×4 box means of all of its; same colour conversion. libjpeg-turbo's 1/4 also
//! folds frequencies 3, 5 and 7 into its 2×2 means (aliasing above the new Nyquist limit), so
//! the pixels differ slightly; thumbnails made from either are equally close to a full decode
//! (benches/RESULTS.md, "1/4-scale low-frequency decode"). Supported: 8-bit sequential Huffman
//! JPEG whose planes need no upsampling at 1/4 (grey, 4:4:4, 4:2:0).
//!
//! Everything else — and anything libjpeg-turbo would warn about (corrupt or truncated data,
//! extraneous bytes, bogus progression) or smooth — returns `None` and the caller decodes with
//! libjpeg-turbo, so damaged files keep libjpeg-turbo's behaviour.
//!
//! Files: `markers` (segments), `huffman` (tables, bit reader, AC skipping), `frame`
//! (geometry, reduced-IDCT choice, scan walking), `baseline` and `progressive` (scans),
//! `output` (IDCTs, upsampling, colour).

mod baseline;
mod frame;
mod huffman;
mod markers;
mod output;
mod progressive;

pub use frame::Scale;
pub use output::ColorSpace;

use crate::pipeline::Image;
use frame::Frame;
use markers::{Reader, Tables};
use output::PlaneRef;

/// Largest frame attempted, in source pixels (the service's source limit).
const MAX_PIXELS: usize = 250_000_000;

/// Scans accepted; libjpeg-turbo is given the same limit (`TJPARAM_SCANLIMIT` in `jpeg.rs`).
const MAX_SCANS: usize = 500;

/// Decodes `bytes` to RGBA at `scale` (`ceil(W/d) × ceil(H/d)`), given the colour space
/// libjpeg-turbo chose for the file: at 1/8 exactly as libjpeg-turbo does with TurboJPEG's
/// defaults, at 1/4 from each block's low frequencies. `None` when the file is not one this
/// decoder handles at that scale or anything about it is doubtful.
pub fn decode(bytes: &[u8], cs: ColorSpace, scale: Scale) -> Option<Image> {
    let mut r = Reader { data: bytes, pos: 0 };
    if r.marker()? != 0xD8 {
        return None;
    }
    let mut t = Tables::default();
    let mut frame: Option<Frame> = None;
    let mut ids: Vec<u8> = Vec::new();
    let mut scans = 0;
    loop {
        match r.marker()? {
            m @ 0xC0..=0xC2 => {
                let sof = markers::sof(r.segment()?, m == 0xC2)?;
                if frame.is_some() || sof.width * sof.height > MAX_PIXELS {
                    return None;
                }
                frame = Some(Frame::new(&sof, scale)?);
                ids = sof.comps.iter().map(|c| c.id).collect();
            }
            0xC4 => markers::dht(r.segment()?, &mut t)?,
            0xDB => markers::dqt(r.segment()?, &mut t)?,
            0xDD => {
                let s = r.segment()?;
                t.restart = usize::from(u16::from_be_bytes(s.try_into().ok()?));
            }
            0xDA => {
                let f = frame.as_mut()?;
                scans += 1;
                if scans > MAX_SCANS {
                    return None;
                }
                let body = r.segment()?;
                let sos = markers::sos(body, &ids)?;
                r.pos = if f.progressive {
                    progressive::scan(f, &t, &sos, bytes, r.pos)?
                } else {
                    baseline::scan(f, &mut t, &sos, bytes, r.pos)?
                };
            }
            0xD9 => break,
            0xE0..=0xEF | 0xFE => {
                r.segment()?;
            }
            _ => return None,
        }
    }
    let mut f = frame?;
    if f.progressive {
        progressive::finish(&mut f)?;
    } else if f.comps.iter().any(|c| c.scans != 1) {
        return None;
    }
    let want = match cs {
        ColorSpace::Gray => 1,
        _ => 3,
    };
    if f.comps.len() != want {
        return None;
    }
    // Output samples per block side: the fully sampled components' `ssize`.
    let min = 8 / scale.denom();
    let planes: Vec<PlaneRef> = f
        .comps
        .iter()
        .map(|c| PlaneRef {
            samples: &c.plane,
            stride: c.bw * c.ssize,
            hexp: f.hmax * min / (c.h * c.ssize),
            vexp: f.vmax * min / (c.v * c.ssize),
        })
        .collect();
    let (w, h) = (f.width.div_ceil(scale.denom()), f.height.div_ceil(scale.denom()));
    let pixels = output::to_rgba(&planes, cs, w, h)?;
    Some(Image { width: w as u32, height: h as u32, pixels })
}

//! Sequential (baseline and extended Huffman) scans: DC decoded, AC skipped through the skip
//! table for DC-only components; the first three AC coefficients decoded and the rest skipped
//! for the 1/4 scale's 2×2 blocks; all coefficients decoded for components raised to a larger
//! IDCT. Samples go straight into the component planes.

use super::frame::{mcu_blocks, run_scan, Frame, Idct, McuBlock};
use super::huffman::Huff;
use super::markers::{Sos, Tables};
use super::output::{box4, box_basis, idct1, idct2, low2};

/// Zigzag position of coefficient (1,1), the last one [`low2`] reads.
const LOW2_LAST: u32 = 4;

/// Decodes one sequential scan starting at `pos`; returns the position of the next marker.
pub(super) fn scan(
    frame: &mut Frame,
    t: &mut Tables,
    sos: &Sos,
    data: &[u8],
    pos: usize,
) -> Option<usize> {
    if sos.ss != 0 || sos.se != 63 || sos.ah != 0 || sos.al != 0 || !frame.scan_ok(sos) {
        return None;
    }
    for &(ci, td, ta) in &sos.comps {
        let c = &mut frame.comps[ci];
        c.scans += 1;
        if c.scans > 1 || t.dc[td].is_none() {
            return None;
        }
        if c.quant.is_none() {
            c.quant = Some(t.q[c.tq]?);
        }
        let ac = t.ac[ta].as_mut()?;
        if matches!(c.idct, Idct::Dc | Idct::Low2) {
            ac.ensure_skip();
        }
    }
    let mcus = frame.scan_mcus(sos);
    let mut pred = [0i32; 4];
    // The blocks of one MCU with what each needs, so that the block loop is one flat loop the
    // compiler can keep the bit reader through.
    let slots = mcu_blocks(&frame.samp(), sos)
        .into_iter()
        .map(|b| {
            let (ci, td, ta) = sos.comps[b.k];
            let c = &frame.comps[ci];
            Some(Slot {
                b,
                dc: t.dc[td].as_ref()?,
                ac: t.ac[ta].as_ref()?,
                q: c.quant?,
                ci,
                bw: c.bw,
                idct: c.idct,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let mut planes: Vec<&mut Vec<u8>> = frame.comps.iter_mut().map(|c| &mut c.plane).collect();
    let restart = t.restart;
    let basis = box_basis();
    run_scan(data, pos, mcus, restart, |e, mx, my, restarted| {
        if restarted {
            pred = [0; 4];
        }
        let br = &mut e.bits;
        for s in &slots {
            let (bx, by) = s.b.at(mx, my);
            let p = pred.get_mut(s.b.k)?;
            *p = p.wrapping_add(s.dc.decode_diff(br)?);
            let plane = &mut **planes.get_mut(s.ci)?;
            let put =
                |plane: &mut Vec<u8>, px: &[u8], n: usize| put_block(plane, px, n, s.bw, bx, by);
            match s.idct {
                Idct::Dc => {
                    s.ac.skip_ac(br)?;
                    *plane.get_mut(by * s.bw + bx)? = idct1(*p as i16, s.q[0]);
                }
                Idct::Exact2 => {
                    let mut blk = [0i16; 64];
                    blk[0] = *p as i16;
                    let nz = s.ac.decode_ac(br, &mut blk)?;
                    put(plane, &idct2(&blk, &s.q, nz), 2)?;
                }
                Idct::Low2 => {
                    let mut blk = [0i16; 64];
                    blk[0] = *p as i16;
                    s.ac.decode_head(br, &mut blk, LOW2_LAST)?;
                    put(plane, &low2(&blk, &s.q, basis), 2)?;
                }
                Idct::Box4 => {
                    let mut blk = [0i16; 64];
                    blk[0] = *p as i16;
                    let nz = s.ac.decode_ac(br, &mut blk)? | 1;
                    put(plane, &box4(&blk, &s.q, nz, basis), 4)?;
                }
            }
        }
        Some(())
    })
}

/// Writes an `n × n` block of samples (row-major) at block (`bx`, `by`) of a plane `bw` blocks
/// wide.
#[inline]
fn put_block(plane: &mut [u8], px: &[u8], n: usize, bw: usize, bx: usize, by: usize) -> Option<()> {
    let stride = bw * n;
    let o = by * n * stride + bx * n;
    for (r, row) in px.chunks_exact(n).enumerate() {
        plane.get_mut(o + r * stride..o + r * stride + n)?.copy_from_slice(row);
    }
    Some(())
}

/// One block of an MCU ([`McuBlock`]) with its tables, quantisation, frame component `ci`,
/// plane width in blocks and reduced IDCT.
struct Slot<'t> {
    b: McuBlock,
    dc: &'t Huff,
    ac: &'t Huff,
    q: [u16; 64],
    ci: usize,
    bw: usize,
    idct: Idct,
}

//! Sequential (baseline and extended Huffman) scans: DC decoded, AC skipped through the skip
//! table for DC-only components; all coefficients decoded for components that need the 2×2
//! IDCT. Samples go straight into the component planes.

use super::frame::{mcu_blocks, run_scan, Frame, McuBlock};
use super::huffman::Huff;
use super::markers::{Sos, Tables};
use super::output::{idct1, idct2};

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
        if c.ssize == 1 {
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
                ssize: c.ssize,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let mut planes: Vec<&mut Vec<u8>> = frame.comps.iter_mut().map(|c| &mut c.plane).collect();
    let restart = t.restart;
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
            if s.ssize == 1 {
                s.ac.skip_ac(br)?;
                *plane.get_mut(by * s.bw + bx)? = idct1(*p as i16, s.q[0]);
            } else {
                let mut blk = [0i16; 64];
                blk[0] = *p as i16;
                let nz = s.ac.decode_ac(br, &mut blk)?;
                let px = idct2(&blk, &s.q, nz);
                let stride = s.bw * 2;
                let o = by * 2 * stride + bx * 2;
                plane.get_mut(o..o + 2)?.copy_from_slice(&px[..2]);
                plane.get_mut(o + stride..o + stride + 2)?.copy_from_slice(&px[2..]);
            }
        }
        Some(())
    })
}

/// One block of an MCU ([`McuBlock`]) with its tables, quantisation, frame component `ci`,
/// plane width in blocks and DCT scaled size.
struct Slot<'t> {
    b: McuBlock,
    dc: &'t Huff,
    ac: &'t Huff,
    q: [u16; 64],
    ci: usize,
    bw: usize,
    ssize: usize,
}

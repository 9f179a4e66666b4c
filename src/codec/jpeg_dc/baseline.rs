//! Sequential (baseline and extended Huffman) scans: DC decoded, AC skipped through the skip
//! table for DC-only components; all coefficients decoded for components that need the 2×2
//! IDCT. Samples go straight into the component planes.

use super::frame::{for_each_block, run_scan, Frame};
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
    // Per scan component: tables, quantisation, geometry (copied out so planes can be borrowed).
    let info: Vec<(&Huff, &Huff, [u16; 64], usize)> = sos
        .comps
        .iter()
        .map(|&(ci, td, ta)| {
            let c = &frame.comps[ci];
            Some((t.dc[td].as_ref()?, t.ac[ta].as_ref()?, c.quant?, ci))
        })
        .collect::<Option<_>>()?;
    let samp = frame.samp();
    let geo: Vec<(usize, usize)> = frame.comps.iter().map(|c| (c.bw, c.ssize)).collect();
    let mut planes: Vec<&mut Vec<u8>> = frame.comps.iter_mut().map(|c| &mut c.plane).collect();
    let restart = t.restart;
    run_scan(data, pos, mcus, restart, |e, mx, my, restarted| {
        if restarted {
            pred = [0; 4];
        }
        for_each_block(&samp, sos, mx, my, |k, bx, by| {
            let (dc_t, ac_t, q, ci) = &info[k];
            let ci = *ci;
            let br = &mut e.bits;
            pred[k] = pred[k].wrapping_add(dc_t.decode_diff(br)?);
            let (bw, ssize) = geo[ci];
            let plane = &mut *planes[ci];
            if ssize == 1 {
                ac_t.skip_ac(br)?;
                *plane.get_mut(by * bw + bx)? = idct1(pred[k] as i16, q[0]);
            } else {
                let mut blk = [0i16; 64];
                blk[0] = pred[k] as i16;
                let nz = ac_t.decode_ac(br, &mut blk)?;
                let px = idct2(&blk, q, nz);
                let stride = bw * 2;
                let o = by * 2 * stride + bx * 2;
                plane.get_mut(o..o + 2)?.copy_from_slice(&px[..2]);
                plane.get_mut(o + stride..o + stride + 2)?.copy_from_slice(&px[2..]);
            }
            Some(())
        })
    })
}

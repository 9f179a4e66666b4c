//! Progressive scans: DC first and refinement scans decoded; AC scans of DC-only components
//! skipped by jumping to the next marker (entropy data never holds an unstuffed 0xFF); AC
//! scans of 2×2-IDCT components decoded in full (first and refinement, `jdphuff.c`).
//! Progression is validated as `start_pass_phuff_decoder` does, and files whose final
//! coefficient state would switch on libjpeg-turbo's block smoothing are refused.

use super::frame::{mcu_blocks, run_scan, Frame, Idct};
use super::huffman::{Bits, Huff, NATURAL};
use super::markers::{after_marker, find_marker, Sos, Tables};
use super::output::{idct1, idct2, nonzero};

/// Decodes (or skips) one progressive scan starting at `pos`; returns the next marker's position.
pub(super) fn scan(
    frame: &mut Frame,
    t: &Tables,
    sos: &Sos,
    data: &[u8],
    pos: usize,
) -> Option<usize> {
    let (ss, se, ah, al) = (usize::from(sos.ss), usize::from(sos.se), sos.ah, sos.al);
    let is_dc = ss == 0;
    let bad = if is_dc { se != 0 } else { ss > se || se >= 64 || sos.comps.len() != 1 };
    if bad || (ah != 0 && al + 1 != ah) || al > 13 || !frame.scan_ok(sos) {
        return None;
    }
    for &(ci, td, ta) in &sos.comps {
        let c = &mut frame.comps[ci];
        if !is_dc && c.coef_bits[0] < 0 {
            return None;
        }
        for b in &mut c.coef_bits[ss..=se] {
            if i32::from(ah) != (*b).max(0) {
                return None;
            }
            *b = i32::from(al);
        }
        if c.quant.is_none() {
            c.quant = Some(t.q[c.tq]?);
        }
        let needed = if is_dc { ah == 0 && t.dc[td].is_none() } else { t.ac[ta].is_none() };
        if needed {
            return None;
        }
    }
    if is_dc {
        return dc_scan(frame, t, sos, data, pos);
    }
    let (ci, _, ta) = sos.comps[0];
    if frame.comps[ci].idct == Idct::Dc {
        return skip_scan(data, pos);
    }
    let ac = t.ac[ta].as_ref()?;
    let c = &mut frame.comps[ci];
    let (bw, coefs) = (c.bw, &mut c.coefs);
    let mut eobrun = 0u32;
    run_scan(data, pos, (c.wib, c.hib), t.restart, |e, bx, by, restarted| {
        if restarted {
            eobrun = 0;
        }
        let o = (by * bw + bx) * 64;
        let blk: &mut [i16; 64] = coefs.get_mut(o..o + 64)?.try_into().ok()?;
        if ah == 0 {
            ac_first(ac, &mut e.bits, blk, ss, se, al, &mut eobrun)
        } else {
            ac_refine(ac, &mut e.bits, blk, ss, se, al, &mut eobrun)
        }
    })
}

/// A DC scan (first or refinement), possibly interleaved.
fn dc_scan(frame: &mut Frame, t: &Tables, sos: &Sos, data: &[u8], pos: usize) -> Option<usize> {
    let (ah, al) = (sos.ah, u32::from(sos.al));
    let blocks = mcu_blocks(&frame.samp(), sos);
    let mcus = frame.scan_mcus(sos);
    let geo: Vec<(usize, Idct)> = frame.comps.iter().map(|c| (c.bw, c.idct)).collect();
    let tabs: Vec<Option<&Huff>> = sos.comps.iter().map(|&(_, td, _)| t.dc[td].as_ref()).collect();
    let mut coefs: Vec<&mut Vec<i16>> = frame.comps.iter_mut().map(|c| &mut c.coefs).collect();
    let mut pred = [0i32; 4];
    run_scan(data, pos, mcus, t.restart, |e, mx, my, restarted| {
        if restarted {
            pred = [0; 4];
        }
        for b in &blocks {
            let (k, (bx, by)) = (b.k, b.at(mx, my));
            let ci = sos.comps[k].0;
            let (bw, idct) = geo[ci];
            let idx = (by * bw + bx) * if idct == Idct::Dc { 1 } else { 64 };
            let coef = coefs[ci].get_mut(idx)?;
            if ah == 0 {
                let diff = tabs[k]?.decode_diff(&mut e.bits)?;
                pred[k] = pred[k].checked_add(diff)?;
                *coef = (i64::from(pred[k]) << al) as i16;
            } else {
                e.bits.refill();
                if e.bits.take(1) != 0 {
                    *coef |= (1i32 << al) as i16;
                }
            }
        }
        Some(())
    })
}

/// Skips a scan: the position of the first marker after it that is not a restart marker.
fn skip_scan(data: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let (p, m) = find_marker(data, pos)?;
        if !(0xD0..=0xD7).contains(&m) {
            return Some(p);
        }
        pos = after_marker(data, p);
    }
}

/// `decode_mcu_AC_first` for one block.
fn ac_first(
    ac: &Huff,
    br: &mut Bits,
    blk: &mut [i16; 64],
    ss: usize,
    se: usize,
    al: u8,
    eobrun: &mut u32,
) -> Option<()> {
    if *eobrun > 0 {
        *eobrun -= 1;
        return Some(());
    }
    if let Some(run) = ac.decode_band(br, blk, ss, se, al)? {
        *eobrun = (1 << run) + br.take(run) - 1;
    }
    Some(())
}

/// `decode_mcu_AC_refine` for one block.
fn ac_refine(
    ac: &Huff,
    br: &mut Bits,
    blk: &mut [i16; 64],
    ss: usize,
    se: usize,
    al: u8,
    eobrun: &mut u32,
) -> Option<()> {
    let p1 = 1i16 << al;
    let m1 = (-1i32 << al) as i16;
    // Appends a correction bit to an already-nonzero coefficient.
    let correct = |br: &mut Bits, c: &mut i16| {
        br.refill();
        if br.take(1) != 0 && *c & p1 == 0 {
            *c = c.wrapping_add(if *c >= 0 { p1 } else { m1 });
        }
    };
    let mut k = ss;
    if *eobrun == 0 {
        while k <= se {
            br.refill();
            let sym = ac.decode(br)?;
            let (mut run, size) = (i32::from(sym >> 4), sym & 15);
            let mut val = 0i16;
            if size != 0 {
                if size != 1 {
                    return None;
                }
                val = if br.take(1) != 0 { p1 } else { m1 };
            } else if run != 15 {
                *eobrun = (1 << run) + br.take(run as u32);
                break;
            }
            loop {
                let c = &mut blk[NATURAL[k]];
                if *c != 0 {
                    correct(br, c);
                } else {
                    run -= 1;
                    if run < 0 {
                        break;
                    }
                }
                k += 1;
                if k > se {
                    break;
                }
            }
            if val != 0 {
                blk[NATURAL[k]] = val;
            }
            k += 1;
        }
    }
    if *eobrun > 0 {
        while k <= se {
            let c = &mut blk[NATURAL[k]];
            if *c != 0 {
                correct(br, c);
            }
            k += 1;
        }
        *eobrun -= 1;
    }
    Some(())
}

/// After the last scan: refuses files libjpeg-turbo would block-smooth (some of coefficients
/// 1..=9 never fully refined) or with a component that never got a DC scan, then runs the
/// 1/8 IDCT into the planes.
pub(super) fn finish(frame: &mut Frame) -> Option<()> {
    for c in &mut frame.comps {
        if c.coef_bits[0] < 0 || c.coef_bits[1..10].iter().any(|&b| b != 0) {
            return None;
        }
        let q = c.quant?;
        if c.idct == Idct::Dc {
            for (p, &dc) in c.plane.iter_mut().zip(&c.coefs) {
                *p = idct1(dc, q[0]);
            }
        } else {
            let stride = c.bw * 2;
            for (i, blk) in c.coefs.chunks_exact(64).enumerate() {
                let blk = blk.try_into().ok()?;
                let px = idct2(blk, &q, nonzero(blk));
                let o = (i / c.bw) * 2 * stride + (i % c.bw) * 2;
                c.plane.get_mut(o..o + 2)?.copy_from_slice(&px[..2]);
                c.plane.get_mut(o + stride..o + stride + 2)?.copy_from_slice(&px[2..]);
            }
        }
    }
    Some(())
}

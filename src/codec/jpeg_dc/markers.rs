//! Marker and header parsing: SOF, DHT, DQT, DRI and SOS segments, and finding where an
//! entropy-coded segment ends. Anything libjpeg-turbo would warn about or refuse yields `None`
//! (the caller then falls back to libjpeg-turbo).

use super::huffman::{Huff, NATURAL};

/// A frame component as the SOF declares it.
pub(super) struct FrameComp {
    pub id: u8,
    pub h: usize,
    pub v: usize,
    pub tq: usize,
}

/// The SOF header.
pub(super) struct Sof {
    pub width: usize,
    pub height: usize,
    pub progressive: bool,
    pub comps: Vec<FrameComp>,
}

/// Tables currently defined (they may be redefined between scans).
#[derive(Default)]
pub(super) struct Tables {
    pub dc: [Option<Huff>; 4],
    pub ac: [Option<Huff>; 4],
    /// Quantisation tables in natural (row-major) order.
    pub q: [Option<[u16; 64]>; 4],
    pub restart: usize,
}

/// One scan's header.
pub(super) struct Sos {
    /// (frame component index, DC table, AC table) in scan order.
    pub comps: Vec<(usize, usize, usize)>,
    pub ss: u8,
    pub se: u8,
    pub ah: u8,
    pub al: u8,
}

/// Cursor over the marker structure of a JPEG file.
pub(super) struct Reader<'a> {
    pub data: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    /// Reads a marker at the cursor (0xFF, optional 0xFF fill, code); `None` when the cursor is
    /// not on a marker (libjpeg-turbo would warn about extraneous bytes).
    pub fn marker(&mut self) -> Option<u8> {
        if *self.data.get(self.pos)? != 0xFF {
            return None;
        }
        let mut p = self.pos + 1;
        while *self.data.get(p)? == 0xFF {
            p += 1;
        }
        let m = self.data[p];
        self.pos = p + 1;
        (m != 0).then_some(m)
    }

    /// Reads a length-prefixed segment body.
    pub fn segment(&mut self) -> Option<&'a [u8]> {
        let len = usize::from(u16::from_be_bytes([
            *self.data.get(self.pos)?,
            *self.data.get(self.pos + 1)?,
        ]));
        let body = self.data.get(self.pos + 2..self.pos + len.checked_sub(2)? + 2)?;
        self.pos += len;
        Some(body)
    }
}

/// Finds the marker ending the entropy-coded data that starts at `from`: returns the position
/// of its first 0xFF and its code. A 0xFF followed by fill bytes and then 0x00 (legal for
/// libjpeg but never written by encoders) yields `None`, so every 0xFF before the returned
/// position is a stuffed 0xFF 0x00 pair.
pub(super) fn find_marker(data: &[u8], from: usize) -> Option<(usize, u8)> {
    let mut p = from;
    loop {
        p += memchr::memchr(0xFF, data.get(p..)?)?;
        match *data.get(p + 1)? {
            0x00 => p += 2,
            0xFF => {
                let mut q = p + 1;
                while *data.get(q)? == 0xFF {
                    q += 1;
                }
                return (data[q] != 0).then_some((p, data[q]));
            }
            m => return Some((p, m)),
        }
    }
}

/// Position just past the marker whose first 0xFF is at `p`.
pub(super) fn after_marker(data: &[u8], mut p: usize) -> usize {
    while data.get(p) == Some(&0xFF) {
        p += 1;
    }
    p + 1
}

/// Parses SOF0/1/2: 8-bit, one or three components, sampling factors 1..=4.
pub(super) fn sof(body: &[u8], progressive: bool) -> Option<Sof> {
    let (&p, rest) = body.split_first()?;
    let height = usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?]));
    let width = usize::from(u16::from_be_bytes([*rest.get(2)?, *rest.get(3)?]));
    let n = usize::from(*rest.get(4)?);
    if p != 8 || width == 0 || height == 0 || !(n == 1 || n == 3) || body.len() != 6 + 3 * n {
        return None;
    }
    let mut comps = Vec::with_capacity(n);
    for c in body[6..].chunks_exact(3) {
        let (h, v, tq) = (usize::from(c[1] >> 4), usize::from(c[1] & 15), usize::from(c[2]));
        if !(1..=4).contains(&h)
            || !(1..=4).contains(&v)
            || tq > 3
            || comps.iter().any(|k: &FrameComp| k.id == c[0])
        {
            return None;
        }
        comps.push(FrameComp { id: c[0], h, v, tq });
    }
    Some(Sof { width, height, progressive, comps })
}

/// Parses a DHT segment into `t`.
pub(super) fn dht(mut body: &[u8], t: &mut Tables) -> Option<()> {
    while !body.is_empty() {
        let class = body[0] >> 4;
        let slot = usize::from(body[0] & 15);
        let counts: [u8; 16] = body.get(1..17)?.try_into().ok()?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = body.get(17..17 + total)?;
        if slot > 3 || class > 1 {
            return None;
        }
        let h = Huff::new(&counts, symbols, class == 0)?;
        if class == 0 {
            t.dc[slot] = Some(h);
        } else {
            t.ac[slot] = Some(h);
        }
        body = &body[17 + total..];
    }
    Some(())
}

/// Parses a DQT segment into `t` (8- or 16-bit entries, stored in natural order).
pub(super) fn dqt(mut body: &[u8], t: &mut Tables) -> Option<()> {
    while !body.is_empty() {
        let (pq, tq) = (body[0] >> 4, usize::from(body[0] & 15));
        if pq > 1 || tq > 3 {
            return None;
        }
        let size = if pq == 0 { 64 } else { 128 };
        let vals = body.get(1..1 + size)?;
        let mut q = [0u16; 64];
        for (k, nat) in NATURAL[..64].iter().enumerate() {
            q[*nat] = if pq == 0 {
                u16::from(vals[k])
            } else {
                u16::from_be_bytes([vals[2 * k], vals[2 * k + 1]])
            };
        }
        t.q[tq] = Some(q);
        body = &body[1 + size..];
    }
    Some(())
}

/// Parses an SOS segment against the frame's component ids.
pub(super) fn sos(body: &[u8], ids: &[u8]) -> Option<Sos> {
    let n = usize::from(*body.first()?);
    if n == 0 || n > ids.len() || body.len() != 4 + 2 * n {
        return None;
    }
    let mut comps: Vec<(usize, usize, usize)> = Vec::with_capacity(n);
    for c in body[1..1 + 2 * n].chunks_exact(2) {
        let ci = ids.iter().position(|&id| id == c[0])?;
        if comps.iter().any(|k| k.0 == ci) {
            return None;
        }
        comps.push((ci, usize::from(c[1] >> 4), usize::from(c[1] & 15)));
    }
    if comps.iter().any(|&(_, td, ta)| td > 3 || ta > 3) {
        return None;
    }
    let tail = &body[1 + 2 * n..];
    Some(Sos { comps, ss: tail[0], se: tail[1], ah: tail[2] >> 4, al: tail[2] & 15 })
}

//! JPEG decoding through libjpeg-turbo's TurboJPEG 3 API (`turbojpeg::raw`, vendored 3.1):
//! DCT-domain shrink-on-load, 8/12-bit lossy and 2–16-bit lossless JPEG, grayscale, RGB, YCbCr,
//! CMYK/YCCK (Adobe-inverted aware) and the embedded ICC profile. At 1/8 and 1/4 scale, the
//! 8-bit Huffman grey/YCbCr/RGB files it supports are decoded by [`super::jpeg_dc`] instead,
//! which skips the AC data it does not need: at 1/8 the same pixels, up to ten times faster
//! on progressive files; at 1/4 (sequential files, no upsampling) box means of each block's
//! low frequencies.
//!
//! The safe `turbojpeg::Decompressor` wrapper is not used because it hides what this module
//! needs: the warning/fatal distinction, `TJPARAM_MAXPIXELS`/`MAXMEMORY`, the data precision,
//! `tj3GetICCProfile` and the 12/16-bit entry points.
//!
//! Damaged data policy: libjpeg-turbo reports recoverable problems (truncated data, extraneous
//! bytes, bad Huffman codes) as *warnings* and still produces every row (missing data decodes as
//! flat grey). Like browsers and libvips' default (`fail_on=none`), such a partial image is
//! returned; only fatal errors become [`Error::damaged`].

use turbojpeg::raw;

use super::decode::{check_pixel_count, shrink_box};
use super::icc;
use super::jpeg_dc::{ColorSpace, Scale};
use crate::pipeline::{Image, Plane, Planes};
use crate::{Error, ErrorKind, Result};

/// Progressive scans allowed before giving up. Real encoders write ≤ ~20 scans (mozjpeg and
/// libjpeg-turbo's default scripts use 10); the cap defeats the many-tiny-scans CPU attack
/// described in libjpeg-turbo's "Two Issues with the JPEG Standard" report.
const MAX_SCANS: i32 = 500;

/// Intermediate-buffer limit in MiB (progressive coefficient buffers). A progressive 4:4:4 JPEG
/// at the 250 MP limit needs 250 M × 3 components × 2 bytes ≈ 1.4 GiB of coefficients, so the
/// largest legal source still decodes while anything bigger is refused.
const MAX_MEMORY_MIB: i32 = 1600;

/// One TurboJPEG decompressor instance, destroyed on drop.
struct Handle(raw::tjhandle);

impl Handle {
    fn new() -> Result<Self> {
        // SAFETY: tj3Init has no preconditions; a null return is handled.
        let h = unsafe { raw::tj3Init(raw::TJINIT_TJINIT_DECOMPRESS as CInt) };
        if h.is_null() {
            return Err(Error::internal());
        }
        Ok(Handle(h))
    }

    fn set(&self, param: raw::TJPARAM, value: i32) -> Result<()> {
        // SAFETY: the handle is live; tj3Set validates `param` and `value`.
        let rc = unsafe { raw::tj3Set(self.0, param as CInt, value) };
        if rc != 0 {
            return Err(Error::internal());
        }
        Ok(())
    }

    fn get(&self, param: raw::TJPARAM) -> i32 {
        // SAFETY: the handle is live.
        unsafe { raw::tj3Get(self.0, param as CInt) }
    }

    /// True when the last failure was only a warning (the output is complete but may be wrong).
    fn last_was_warning(&self) -> bool {
        // SAFETY: the handle is live.
        unsafe { raw::tj3GetErrorCode(self.0) == raw::TJERR_TJERR_WARNING as CInt }
    }

    /// The ICC profile extracted by the last `tj3DecompressHeader` (SAVEMARKERS defaults to 2).
    fn icc_profile(&self) -> Option<Vec<u8>> {
        let mut buf: *mut u8 = std::ptr::null_mut();
        let mut len: raw::size_t = 0;
        // SAFETY: both out-pointers are valid; on success `buf` is a tj3Alloc'd buffer of `len`
        // bytes that we copy and free exactly once.
        unsafe {
            if raw::tj3GetICCProfile(self.0, &mut buf, &mut len) != 0 || buf.is_null() {
                return None;
            }
            let v = std::slice::from_raw_parts(buf, len as usize).to_vec();
            raw::tj3Free(buf.cast());
            Some(v)
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from tj3Init and is destroyed once.
        unsafe { raw::tj3Destroy(self.0) }
    }
}

type CInt = turbojpeg::libc::c_int;

/// What the JPEG header says, validated.
#[derive(Debug, Clone, Copy)]
struct Header {
    width: u32,
    height: u32,
    colorspace: u32,
    precision: i32,
    lossless: bool,
}

/// Decodes a JPEG to RGBA8 sRGB at `1/denom` scale (`denom` ∈ {1, 2, 4, 8}). The result is
/// `ceil(W/denom) × ceil(H/denom)` (lossless JPEGs, which libjpeg-turbo cannot scale, are
/// decoded at full size and box-shrunk to the same size).
pub(crate) fn decode(bytes: &[u8], denom: u32) -> Result<Image> {
    decode_with(bytes, denom, true)
}

/// `decode`, choosing whether [`super::jpeg_dc`] may serve the 1/8- and 1/4-scale decodes it
/// supports (`false`: always libjpeg-turbo; tests and benches compare the two).
pub fn decode_with(bytes: &[u8], denom: u32, allow_own: bool) -> Result<Image> {
    let (h, hdr) = open(bytes)?;
    let icc_profile = h.icc_profile();

    let cmyk = hdr.colorspace == raw::TJCS_TJCS_CMYK || hdr.colorspace == raw::TJCS_TJCS_YCCK;
    let gray = hdr.colorspace == raw::TJCS_TJCS_GRAY;
    // 8-bit lossy RGB/grey decodes straight to RGBA (the common, fast path). libjpeg-turbo
    // refuses colour conversion for lossless JPEG, so other JPEGs decode to their native
    // layout (grey, RGB or CMYK) and are expanded here.
    let (pf, channels) = if cmyk {
        (raw::TJPF_TJPF_CMYK, 4)
    } else if hdr.precision == 8 && !hdr.lossless {
        (raw::TJPF_TJPF_RGBA, 4)
    } else if gray {
        (raw::TJPF_TJPF_GRAY, 1)
    } else {
        (raw::TJPF_TJPF_RGB, 3)
    };
    // Lossless JPEGs are never scaled by libjpeg-turbo (the scaling factor is ignored), so the
    // output buffer must be full size; we shrink afterwards.
    let dct_denom = if hdr.lossless { 1 } else { denom };
    // SAFETY: the handle is live; 1/1, 1/2, 1/4, 1/8 are all supported factors.
    let rc = unsafe {
        raw::tj3SetScalingFactor(h.0, raw::tjscalingfactor { num: 1, denom: dct_denom as CInt })
    };
    if rc != 0 {
        return Err(Error::internal());
    }
    let (w, hgt) = (hdr.width.div_ceil(dct_denom), hdr.height.div_ceil(dct_denom));
    let samples = (w as usize)
        .checked_mul(hgt as usize)
        .and_then(|n| n.checked_mul(channels))
        .ok_or_else(too_large)?;

    let own = if allow_own { reduced(&hdr, bytes, denom) } else { None };
    let (samples, warned) = if let Some(img) = own {
        (img.pixels, false)
    } else if hdr.precision <= 8 {
        let (mut buf, warned) = decompress8(&h, bytes, samples, pf)?;
        if hdr.precision < 8 {
            rescale_samples(&mut buf, hdr.precision);
        }
        (buf, warned)
    } else if hdr.precision <= 12 {
        let mut buf = vec![0i16; samples];
        // SAFETY: as above, with 16-bit sample storage.
        let rc = unsafe {
            raw::tj3Decompress12(
                h.0,
                bytes.as_ptr(),
                bytes.len() as raw::size_t,
                buf.as_mut_ptr(),
                0,
                pf as CInt,
            )
        };
        let warned = finish(&h, rc)?;
        (narrow(buf.iter().map(|&v| v.max(0) as u32), hdr.precision), warned)
    } else {
        let mut buf = vec![0u16; samples];
        // SAFETY: as above (13–16-bit data only exists in lossless JPEGs, never scaled).
        let rc = unsafe {
            raw::tj3Decompress16(
                h.0,
                bytes.as_ptr(),
                bytes.len() as raw::size_t,
                buf.as_mut_ptr(),
                0,
                pf as CInt,
            )
        };
        let warned = finish(&h, rc)?;
        (narrow(buf.iter().map(|&v| u32::from(v)), hdr.precision), warned)
    };

    let mut img = if cmyk {
        let mut pixels = samples;
        icc::cmyk_to_rgba(&mut pixels, icc_profile.as_deref(), has_adobe_marker(bytes));
        Image { width: w, height: hgt, pixels }
    } else {
        let pixels = match channels {
            1 => samples.iter().flat_map(|&g| [g, g, g, 255]).collect(),
            3 => samples.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
            _ => {
                let mut px = samples;
                if warned {
                    // Rows a failed decode never reached are still zero; JPEG has no alpha.
                    for p in px.chunks_exact_mut(4) {
                        p[3] = 255;
                    }
                }
                px
            }
        };
        let mut img = Image { width: w, height: hgt, pixels };
        if let Some(p) = icc_profile.as_deref() {
            icc::to_srgb(&mut img, p, if gray { icc::Model::Gray } else { icc::Model::Rgb });
        }
        img
    };
    if dct_denom != denom {
        img = shrink_box(&img, denom);
    }
    Ok(img)
}

/// A decompressor with the limits set and `bytes`' header read and validated.
fn open(bytes: &[u8]) -> Result<(Handle, Header)> {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return Err(Error::damaged());
    }
    let h = Handle::new()?;
    h.set(raw::TJPARAM_TJPARAM_SCANLIMIT, MAX_SCANS)?;
    h.set(raw::TJPARAM_TJPARAM_MAXMEMORY, MAX_MEMORY_MIB)?;
    h.set(
        raw::TJPARAM_TJPARAM_MAXPIXELS,
        i32::try_from(super::decode::MAX_PIXELS).unwrap_or(i32::MAX),
    )?;

    // SAFETY: pointer and length describe `bytes`, which outlives the call.
    let rc = unsafe { raw::tj3DecompressHeader(h.0, bytes.as_ptr(), bytes.len() as raw::size_t) };
    if rc != 0 && !h.last_was_warning() {
        return Err(Error::damaged());
    }
    let hdr = header(&h)?;
    check_pixel_count(hdr.width, hdr.height)?;
    Ok((h, hdr))
}

/// Decodes an 8-bit lossy YCbCr JPEG at `1/denom` scale (`denom` 1 or 2) to its Y, Cb and Cr
/// planes, without upsampling the chroma or converting to RGB: the input of the planar
/// thumbnail path (`job`), which resizes and re-encodes the planes as they are. The luma plane
/// is `ceil(W/denom) × ceil(H/denom)`, as [`decode`] makes it; the chroma planes are at the
/// source's own subsampling.
///
/// `Ok(None)` wherever [`decode`] would give different pixels or a different error: other
/// colour spaces, precisions and scales (1/4 and 1/8 go to [`super::jpeg_dc`]), a non-sRGB ICC
/// profile (converted there), and any decode that did not succeed cleanly (a damaged file is
/// left to [`decode`]'s policy). Header errors are the same as [`decode`]'s.
pub fn decode_planes(bytes: &[u8], denom: u32) -> Result<Option<Planes>> {
    let (h, hdr) = open(bytes)?;
    let subsamp = h.get(raw::TJPARAM_TJPARAM_SUBSAMP);
    let known = [
        raw::TJSAMP_TJSAMP_444,
        raw::TJSAMP_TJSAMP_422,
        raw::TJSAMP_TJSAMP_420,
        raw::TJSAMP_TJSAMP_440,
        raw::TJSAMP_TJSAMP_411,
        raw::TJSAMP_TJSAMP_441,
    ];
    if hdr.lossless
        || hdr.precision != 8
        || hdr.colorspace != raw::TJCS_TJCS_YCbCr
        || !(denom == 1 || denom == 2)
        || !known.contains(&subsamp)
        || h.icc_profile().is_some_and(|p| icc::converts_rgb(&p))
    {
        return Ok(None);
    }
    // SAFETY: the handle is live; 1/1 and 1/2 are supported factors.
    let rc = unsafe {
        raw::tj3SetScalingFactor(h.0, raw::tjscalingfactor { num: 1, denom: denom as CInt })
    };
    if rc != 0 {
        return Err(Error::internal());
    }
    let (w, hgt) = (hdr.width.div_ceil(denom), hdr.height.div_ceil(denom));
    // SAFETY: pure functions of their arguments; 0 (out of bounds) is checked below.
    let dims: [(i32, i32); 3] = std::array::from_fn(|c| unsafe {
        (
            raw::tj3YUVPlaneWidth(c as CInt, w as CInt, subsamp),
            raw::tj3YUVPlaneHeight(c as CInt, hgt as CInt, subsamp),
        )
    });
    if dims.iter().any(|&(pw, ph)| pw < 1 || ph < 1) {
        return Ok(None);
    }
    let mut planes: [Vec<u8>; 3] =
        std::array::from_fn(|c| vec![0u8; dims[c].0 as usize * dims[c].1 as usize]);
    let mut ptrs: [*mut u8; 3] = std::array::from_fn(|c| planes[c].as_mut_ptr());
    let mut strides: [CInt; 3] = std::array::from_fn(|c| dims[c].0);
    // SAFETY: each plane holds exactly plane width × plane height bytes for the scaled size the
    // library decodes to (tj3YUVPlaneWidth/Height of the same width, height and subsampling),
    // written with the given strides; `bytes` outlives the call.
    let rc = unsafe {
        raw::tj3DecompressToYUVPlanes8(
            h.0,
            bytes.as_ptr(),
            bytes.len() as raw::size_t,
            ptrs.as_mut_ptr(),
            strides.as_mut_ptr(),
        )
    };
    if rc != 0 {
        return Ok(None);
    }
    let [y, cb, cr] = planes;
    let plane =
        |c: usize, data: Vec<u8>| Plane { width: dims[c].0 as u32, height: dims[c].1 as u32, data };
    // Luma samples per chroma sample: the plane sizes of a whole number of MCUs.
    let (mcu_w, mcu_h) = (dims[0].0 as u32 / dims[1].0 as u32, dims[0].1 as u32 / dims[1].1 as u32);
    Ok(Some(Planes {
        width: w,
        height: hgt,
        y: plane(0, y),
        cb: plane(1, cb),
        cr: plane(2, cr),
        chroma_step: (mcu_w, mcu_h),
    }))
}

/// The 1/8 (DC-only) or 1/4 (low-frequency) decode of an 8-bit lossy grey/YCbCr/RGB JPEG by
/// [`super::jpeg_dc`], in the colour space libjpeg-turbo chose; `None` when it does not apply
/// (the caller uses libjpeg-turbo).
fn reduced(hdr: &Header, bytes: &[u8], denom: u32) -> Option<Image> {
    let scale = match denom {
        8 => Scale::Eighth,
        4 => Scale::Quarter,
        _ => return None,
    };
    let cs = match hdr.colorspace {
        raw::TJCS_TJCS_GRAY => ColorSpace::Gray,
        raw::TJCS_TJCS_YCbCr => ColorSpace::YCbCr,
        raw::TJCS_TJCS_RGB => ColorSpace::Rgb,
        _ => return None,
    };
    if hdr.precision != 8 || hdr.lossless {
        return None;
    }
    let img = super::jpeg_dc::decode(bytes, cs, scale)?;
    (img.width == hdr.width.div_ceil(denom) && img.height == hdr.height.div_ceil(denom))
        .then_some(img)
}

/// [`super::jpeg_dc`]'s decode at `1/denom` alone (no ICC conversion), or `None` where
/// `decode` would use libjpeg-turbo. For tests and benches.
pub fn decode_reduced(bytes: &[u8], denom: u32) -> Option<Image> {
    let h = Handle::new().ok()?;
    // SAFETY: pointer and length describe `bytes`, which outlives the call.
    let rc = unsafe { raw::tj3DecompressHeader(h.0, bytes.as_ptr(), bytes.len() as raw::size_t) };
    if rc != 0 {
        return None;
    }
    reduced(&header(&h).ok()?, bytes, denom)
}

/// Reads and validates the header parameters set by `tj3DecompressHeader`.
fn header(h: &Handle) -> Result<Header> {
    let width = h.get(raw::TJPARAM_TJPARAM_JPEGWIDTH);
    let height = h.get(raw::TJPARAM_TJPARAM_JPEGHEIGHT);
    let colorspace = h.get(raw::TJPARAM_TJPARAM_COLORSPACE);
    let precision = h.get(raw::TJPARAM_TJPARAM_PRECISION);
    let lossless = h.get(raw::TJPARAM_TJPARAM_LOSSLESS) == 1;
    // After a header *warning* the parameters are still set; after an error that followed a
    // warning they may be stale or unset (-1), which these checks catch.
    if width < 1 || height < 1 || !(0..=4).contains(&colorspace) || !(2..=16).contains(&precision) {
        return Err(Error::damaged());
    }
    // Lossy JPEG is 8 or 12 bits; 13–16 bits only exist losslessly.
    if !lossless && precision > 12 {
        return Err(Error::damaged());
    }
    Ok(Header {
        width: width as u32,
        height: height as u32,
        colorspace: colorspace as u32,
        precision,
        lossless,
    })
}

/// Maps a decompress return code: success, warning (partial image accepted) or fatal error.
/// Returns whether a warning occurred.
/// 8-bit decode into a new buffer of `len` samples (exactly w×h pixels of the output format at
/// the scaled size the library writes, pitch 0 = packed rows). The buffer is left uninitialised
/// for the clean decode, which writes every sample (zeroing 3 MB per 12 MP thumbnail showed in
/// profiles); a decode that only warned may have stopped short of some rows, so it runs again
/// into a zeroed buffer whose unreached rows are then defined. Returns the samples and whether
/// the library warned.
fn decompress8(h: &Handle, bytes: &[u8], len: usize, pf: raw::TJPF) -> Result<(Vec<u8>, bool)> {
    let run = |out: *mut u8| {
        // SAFETY: `out` points to `len` writable bytes, the size the library writes for the
        // header already read from `bytes` and the scaling factor set on the handle.
        let rc = unsafe {
            raw::tj3Decompress8(h.0, bytes.as_ptr(), bytes.len() as raw::size_t, out, 0, pf as CInt)
        };
        finish(h, rc)
    };
    let mut buf: Vec<u8> = Vec::with_capacity(len);
    if !run(buf.as_mut_ptr())? {
        // SAFETY: a decode that returned 0 wrote all `len` samples.
        unsafe { buf.set_len(len) };
        return Ok((buf, false));
    }
    let mut buf = vec![0u8; len];
    let warned = run(buf.as_mut_ptr())?;
    Ok((buf, warned))
}

fn finish(h: &Handle, rc: CInt) -> Result<bool> {
    if rc == 0 {
        Ok(false)
    } else if h.last_was_warning() {
        Ok(true)
    } else {
        Err(Error::damaged())
    }
}

/// Scales `precision`-bit samples (lossless JPEG with fewer than 8 bits) up to 0–255.
fn rescale_samples(buf: &mut [u8], precision: i32) {
    let max = (1u32 << precision) - 1;
    for v in buf.iter_mut() {
        *v = ((u32::from(*v).min(max) * 255 + max / 2) / max) as u8;
    }
}

/// Narrows `precision`-bit samples (9–16 bits) to 8 bits with rounding.
fn narrow(samples: impl Iterator<Item = u32>, precision: i32) -> Vec<u8> {
    let max = ((1u64 << precision) - 1) as u32;
    samples
        .map(|v| ((u64::from(v.min(max)) * 255 + u64::from(max) / 2) / u64::from(max)) as u8)
        .collect()
}

fn too_large() -> Error {
    Error::with_ec(ErrorKind::ImageTooLarge, "0040-00000012", "The image is too large to decode.")
}

/// True when the JPEG has an Adobe APP14 marker. Photoshop and other Adobe-marker writers store
/// CMYK inverted (0 = full ink), and Chrome, libvips and Pillow all treat the marker as the
/// signal to invert. Only header segments (up to the first SOS) are looked at.
pub(crate) fn has_adobe_marker(bytes: &[u8]) -> bool {
    super::probe::jpeg_segments(bytes).any(|s| s.marker == 0xEE && s.data.starts_with(b"Adobe"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adobe_marker_is_found_only_before_the_scan() {
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
        j.extend_from_slice(&[0xFF, 0xEE, 0x00, 0x07, b'A', b'd', b'o', b'b', b'e']);
        assert!(has_adobe_marker(&j));
        let mut k = vec![0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02];
        k.extend_from_slice(&[0xFF, 0xEE, 0x00, 0x07, b'A', b'd', b'o', b'b', b'e']);
        assert!(!has_adobe_marker(&k));
        // Truncated length field and garbage never panic.
        assert!(!has_adobe_marker(&[0xFF, 0xD8, 0xFF, 0xEE, 0xFF]));
        assert!(!has_adobe_marker(&[0xFF, 0xD8, 0xFF, 0xEE, 0x00, 0x00]));
    }

    #[test]
    fn narrowing_maps_extremes() {
        assert_eq!(narrow([0u32, 4095, 2048].into_iter(), 12), vec![0, 255, 128]);
        assert_eq!(narrow([65535u32, 0].into_iter(), 16), vec![255, 0]);
        let mut b = vec![0u8, 3, 1];
        rescale_samples(&mut b, 2);
        assert_eq!(b, vec![0, 255, 85]);
    }
}

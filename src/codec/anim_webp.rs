//! Animated WebP output: libwebp's `WebPAnimEncoder` (through `libwebp-sys`, the library the
//! `webp` crate already builds), called directly because the `webp` crate's wrapper ends the
//! animation at timestamp 0, which makes libwebp replace the last frame's delay by the average.

use std::ffi::c_int;
use std::mem::MaybeUninit;
use std::ptr;

use libwebp_sys as w;

use super::anim::Frame;
use crate::{Error, Result};

/// Frees the encoder however the encoding ends.
struct AnimEncoder(*mut w::WebPAnimEncoder);

impl Drop for AnimEncoder {
    fn drop(&mut self) {
        // SAFETY: the pointer came from WebPAnimEncoderNewInternal and is deleted once.
        unsafe { w::WebPAnimEncoderDelete(self.0) }
    }
}

/// Frees a picture's buffers however the encoding ends.
struct Picture(w::WebPPicture);

impl Drop for Picture {
    fn drop(&mut self) {
        // SAFETY: the picture was initialised by WebPPictureInit; freeing an empty one is a no-op.
        unsafe { w::WebPPictureFree(&mut self.0) }
    }
}

/// Encodes equally sized RGBA canvases as an animated WebP: each frame shown for its
/// `delay_ms`, the animation played `loop_count` times (`Some(0)` forever, `None` once).
/// `quality` 1–100 is libwebp's lossy quality (alpha kept, compressed losslessly);
/// `lossless` selects lossless frames. libwebp stores only the changed rectangle of each frame.
///
/// Errors: an encoder failure → `InternalError` (the caller checked sizes and sides).
pub(super) fn encode(
    frames: &[Frame],
    quality: u32,
    lossless: bool,
    loop_count: Option<u16>,
) -> Result<Vec<u8>> {
    let first = frames.first().ok_or_else(Error::internal)?;
    let (width, height) = (first.image.width, first.image.height);
    let (cw, ch) = (
        c_int::try_from(width).map_err(|_| Error::internal())?,
        c_int::try_from(height).map_err(|_| Error::internal())?,
    );
    let abi = w::WEBP_MUX_ABI_VERSION as c_int;
    let mut config = w::WebPConfig::new().map_err(|()| Error::internal())?;
    config.lossless = c_int::from(lossless);
    config.quality = quality.clamp(1, 100) as f32;
    config.alpha_compression = 1;
    // SAFETY: plain C calls on values initialised by libwebp's own init functions; every
    // pointer handed over outlives the call, and results are checked before use.
    unsafe {
        let mut options = MaybeUninit::<w::WebPAnimEncoderOptions>::uninit();
        if w::WebPAnimEncoderOptionsInitInternal(options.as_mut_ptr(), abi) == 0 {
            return Err(Error::internal());
        }
        let mut options = options.assume_init();
        options.anim_params.loop_count = c_int::from(loop_count.unwrap_or(1));
        // Every frame a key frame: lossy sub-frames blended over earlier lossy frames drift
        // (measured mean error 7.5 by the fifth frame of cogs.gif at q75, 0.35 with key frames).
        options.kmin = 0;
        options.kmax = 1;
        let enc = w::WebPAnimEncoderNewInternal(cw, ch, &options, abi);
        if enc.is_null() {
            return Err(Error::internal());
        }
        let enc = AnimEncoder(enc);
        let mut timestamp: c_int = 0;
        for f in frames {
            let mut pic = Picture(w::WebPPicture::new().map_err(|()| Error::internal())?);
            pic.0.use_argb = 1;
            pic.0.width = cw;
            pic.0.height = ch;
            if w::WebPPictureImportRGBA(&mut pic.0, f.image.pixels.as_ptr(), cw * 4) == 0
                || w::WebPAnimEncoderAdd(enc.0, &mut pic.0, timestamp, &config) == 0
            {
                return Err(Error::internal());
            }
            let delay = c_int::try_from(f.delay_ms).unwrap_or(c_int::MAX);
            timestamp = timestamp.saturating_add(delay);
        }
        // The end time gives the last frame its own delay.
        if w::WebPAnimEncoderAdd(enc.0, ptr::null_mut(), timestamp, ptr::null()) == 0 {
            return Err(Error::internal());
        }
        let mut data = w::WebPData::default();
        if w::WebPAnimEncoderAssemble(enc.0, &mut data) == 0 || data.bytes.is_null() {
            return Err(Error::internal());
        }
        let out = std::slice::from_raw_parts(data.bytes, data.size).to_vec();
        w::WebPDataClear(&mut data);
        Ok(out)
    }
}

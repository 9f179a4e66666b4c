//! Animated WebP output, and animated WebP sources kept animated as WebP or GIF: frame count,
//! delays, loop count and per-frame content, checked with the `image` crate's decoders.

use std::io::Cursor;

use image::codecs::gif::GifDecoder;
use image::codecs::webp::WebPDecoder;
use image::{AnimationDecoder, RgbaImage};
use ossimg::process::Format;

use super::support::{engines, read};
use super::{diff, image_out, run};

/// Every frame of an animation as `(canvas, delay ms)`.
fn frames(bytes: &[u8], format: Format) -> Vec<(RgbaImage, u32)> {
    let collect = |frames: image::Frames<'_>| {
        frames
            .collect_frames()
            .expect("frames decode")
            .into_iter()
            .map(|f| {
                let (n, d) = f.delay().numer_denom_ms();
                (f.into_buffer(), (n + d / 2) / d)
            })
            .collect()
    };
    match format {
        Format::Gif => collect(GifDecoder::new(Cursor::new(bytes)).unwrap().into_frames()),
        Format::Webp => {
            let dec = WebPDecoder::new(Cursor::new(bytes)).unwrap();
            assert!(dec.has_animation(), "an animated WebP");
            collect(dec.into_frames())
        }
        f => panic!("not an animation format: {f:?}"),
    }
}

/// The loop count of an animated WebP (its `ANIM` chunk: background colour, then u16 LE).
fn webp_loop_count(bytes: &[u8]) -> u16 {
    let at = bytes.windows(4).position(|w| w == b"ANIM").expect("ANIM chunk");
    u16::from_le_bytes([bytes[at + 12], bytes[at + 13]])
}

/// The NETSCAPE2.0 loop count of a GIF.
fn gif_loop_count(bytes: &[u8]) -> Option<u16> {
    let at = bytes.windows(11).position(|w| w == b"NETSCAPE2.0")?;
    Some(u16::from_le_bytes([bytes[at + 13], bytes[at + 14]]))
}

/// Each output frame shows its source frame: same delay (GIF rounds to 10 ms) and content
/// within `tolerance` (mean per channel, premultiplied).
fn assert_same_animation(
    src: &[(RgbaImage, u32)],
    out: &[(RgbaImage, u32)],
    gif_delays: bool,
    tolerance: f64,
    what: &str,
) {
    assert_eq!(out.len(), src.len(), "{what}: frame count");
    for (i, ((s, sd), (o, od))) in src.iter().zip(out).enumerate() {
        let expected = if gif_delays { (sd + 5) / 10 * 10 } else { *sd };
        assert_eq!(*od, expected, "{what}: delay of frame {i}");
        let (mean, _) = diff(s, o);
        eprintln!("{what}: frame {i}: delay {od} ms, mean difference {mean:.2}");
        assert!(mean <= tolerance, "{what}: frame {i} differs by {mean:.2}");
    }
}

#[test]
fn animated_webp_stays_animated_as_webp_and_gif() {
    let src_bytes = read("animated-loop-3.webp");
    let src = frames(&src_bytes, Format::Webp);
    assert_eq!(src.len(), 10);
    for engine in engines() {
        // No format: WebP in, animated WebP out. Lossy q75 re-encoding of frames that were
        // lossy already (every frame a key frame): measured mean ≤ 0.5 per channel. The last
        // frame's own delay (15 s against 3 s for the others) survives.
        let (bytes, format) =
            image_out(run(engine, "animated-loop-3.webp", "image/crop,w_370").unwrap());
        assert_eq!(format, Format::Webp);
        assert_same_animation(&src, &frames(&bytes, Format::Webp), false, 1.0, "webp → webp");
        assert_eq!(webp_loop_count(&bytes), 3, "loop count kept");
        // format,gif: an animated GIF (256-colour palette per frame: measured mean ≤ 0.33).
        let (bytes, format) =
            image_out(run(engine, "animated-loop-3.webp", "image/format,gif").unwrap());
        assert_eq!(format, Format::Gif);
        assert_same_animation(&src, &frames(&bytes, Format::Gif), true, 1.0, "webp → gif");
        assert_eq!(gif_loop_count(&bytes), Some(3));
    }
}

#[test]
fn animated_gif_becomes_animated_webp() {
    // Lossy q75 key frames (4:2:0 chroma) of palette animations with hard edges: measured
    // mean ≤ 0.96 per channel.
    for (file, tolerance) in [("cogs.gif", 1.5), ("animated.gif", 1.5)] {
        let src = frames(&read(file), Format::Gif);
        let (bytes, format) =
            image_out(run(ossimg::backend::Engine::Cpu, file, "image/format,webp").unwrap());
        assert_eq!(format, Format::Webp);
        assert_same_animation(&src, &frames(&bytes, Format::Webp), false, tolerance, file);
    }
    // Loop counts: cogs.gif loops 32 760 times, animated.gif forever.
    let (bytes, _) =
        image_out(run(ossimg::backend::Engine::Cpu, "cogs.gif", "image/format,webp").unwrap());
    assert_eq!(webp_loop_count(&bytes), 32_760);
    let (bytes, _) =
        image_out(run(ossimg::backend::Engine::Cpu, "animated.gif", "image/format,webp").unwrap());
    assert_eq!(webp_loop_count(&bytes), 0);
}

#[test]
fn resize_keeps_webp_animation_and_p_or_rotate_give_one_frame() {
    let (bytes, _) = image_out(
        run(ossimg::backend::Engine::Cpu, "animated-loop-3.webp", "image/resize,w_100").unwrap(),
    );
    let out = frames(&bytes, Format::Webp);
    assert_eq!(out.len(), 10);
    assert!(out.iter().all(|(f, _)| f.width() == 100));
    for proc in ["image/resize,p_50", "image/rotate,90"] {
        let (bytes, format) =
            image_out(run(ossimg::backend::Engine::Cpu, "animated-loop-3.webp", proc).unwrap());
        assert_eq!(format, Format::Webp);
        assert!(!WebPDecoder::new(Cursor::new(&bytes)).unwrap().has_animation(), "{proc}");
    }
}

//! Animated sources through the whole job (`ossimg::job::run`): resizing and per-frame actions
//! keep a GIF's animation (frame count, delays, real per-frame content), while `p` resizes,
//! `rotate` and output other than GIF/WebP give the first frame (spec §1.4 [C], recommendations [U]).
//! Outputs are checked with the `image` crate's own decoders, independently of `ossimg::codec`.

use std::io::Cursor;

use image::codecs::gif::GifDecoder;
use image::codecs::webp::WebPDecoder;
use image::{AnimationDecoder, RgbaImage};
use ossimg::backend::Engine;
use ossimg::job::{self, Output};
use ossimg::process::{self, Format};

fn read(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs `proc` on the test file `input`; returns the image bytes and format.
fn run(input: &str, proc: &str) -> (Vec<u8>, Format) {
    let spec = process::resolve(proc, &|_| None).expect("valid process string");
    match job::run(&read(input), &spec, Engine::Cpu).expect("job succeeds") {
        Output::Image { bytes, format } => (bytes, format),
        Output::Json(j) => panic!("expected an image, got {j}"),
    }
}

/// Every frame of a GIF, as composited canvases with delays in ms.
fn gif_frames(bytes: &[u8]) -> Vec<(RgbaImage, u32)> {
    let dec = GifDecoder::new(Cursor::new(bytes)).expect("a GIF");
    dec.into_frames()
        .collect_frames()
        .expect("frames decode")
        .into_iter()
        .map(|f| {
            let (n, d) = f.delay().numer_denom_ms();
            (f.into_buffer(), n / d)
        })
        .collect()
}

/// Mean absolute difference per channel of two equal-sized images, premultiplied (the colour of
/// a transparent pixel is arbitrary in a GIF: the palette entry of the transparent index).
fn mean_diff(a: &RgbaImage, b: &RgbaImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let pm = |p: &[u8]| {
        let a = u32::from(p[3]);
        [0, 1, 2].map(|c| u32::from(p[c]) * a / 255).into_iter().chain([a])
    };
    let sum: u64 = a
        .as_raw()
        .chunks_exact(4)
        .zip(b.as_raw().chunks_exact(4))
        .flat_map(|(x, y)| pm(x).zip(pm(y)).map(|(x, y)| u64::from(x.abs_diff(y))))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

/// Source frames scaled to `w×h` with the `image` crate's Lanczos3 (an independent resizer).
fn scaled(src: &[(RgbaImage, u32)], w: u32, h: u32) -> Vec<RgbaImage> {
    src.iter()
        .map(|(f, _)| image::imageops::resize(f, w, h, image::imageops::FilterType::Lanczos3))
        .collect()
}

/// Mean difference from an output frame to the expected source frame, at most
/// `tolerance`, and strictly closer to it than to any other source frame that differs from it:
/// the output shows that frame's content, not another's.
fn assert_shows(out: &RgbaImage, expected: &[RgbaImage], index: usize, tolerance: f64) {
    let diffs: Vec<f64> = expected.iter().map(|e| mean_diff(e, out)).collect();
    assert!(diffs[index] <= tolerance, "frame {index}: {diffs:?}");
    for (j, d) in diffs.iter().enumerate() {
        if expected[j] != expected[index] {
            assert!(diffs[index] < *d, "frame {index} looks like source frame {j}: {diffs:?}");
        }
    }
}

/// Resampling tolerance: GIF output re-quantises each frame (NeuQuant, 256 colours) and makes
/// alpha binary, and ossimg's resizer is not the `image` crate's; measured 0.02 (animated.gif)
/// and 3.3–3.7 (cogs.gif, 72% transparent with thin edges) against ≥ 10 for the wrong frame.
const RESIZE_TOLERANCE: f64 = 6.0;

#[test]
fn resize_by_width_keeps_every_frame_and_delay() {
    // (file, frames, output height for w_50)
    for (file, n, h) in [("animated.gif", 2, 50), ("cogs.gif", 5, 45)] {
        let src = gif_frames(&read(file));
        assert_eq!(src.len(), n, "{file} source");
        let (bytes, format) = run(file, "image/resize,w_50");
        assert_eq!(format, Format::Gif);
        let out = gif_frames(&bytes);
        assert_eq!(out.len(), n, "{file}: every frame is kept");
        let expected = scaled(&src, 50, h);
        for (i, (frame, delay)) in out.iter().enumerate() {
            assert_eq!(frame.dimensions(), (50, h), "{file} frame {i}");
            assert_eq!(*delay, src[i].1, "{file} frame {i} delay");
            assert_shows(frame, &expected, i, RESIZE_TOLERANCE);
        }
        // The animation is real: consecutive frames differ.
        for pair in out.windows(2) {
            assert!(mean_diff(&pair[0].0, &pair[1].0) > 1.0, "{file}: repeated frame");
        }
    }
    // The delays are the files' own (cogs: 0 ms then 50 ms; animated.gif: 1 s each).
    let delays: Vec<u32> =
        gif_frames(&run("cogs.gif", "image/resize,w_50").0).iter().map(|f| f.1).collect();
    assert_eq!(delays, [0, 50, 50, 50, 50]);
}

/// The output loops as the source does: forever (`animated.gif`: count 0), 32 760 times
/// (`cogs.gif`), and once when the source has no NETSCAPE2.0 extension.
#[test]
fn output_loops_as_the_source() {
    let netscape = |bytes: &[u8]| {
        let pos = bytes.windows(11).position(|w| w == b"NETSCAPE2.0")?;
        Some(bytes[pos + 11..pos + 15].to_vec())
    };
    // Sub-block of 3 bytes: id 1, loop count (u16 LE).
    let (bytes, _) = run("animated.gif", "image/resize,w_50");
    assert_eq!(netscape(&bytes), Some(vec![3, 1, 0, 0]));
    let (bytes, _) = run("cogs.gif", "image/resize,w_50");
    assert_eq!(netscape(&bytes), Some(vec![3, 1, 0xf8, 0x7f]));
    assert_eq!(gif_frames(&bytes).len(), gif_frames(&read("cogs.gif")).len());
    // The same animation without the extension plays once: none is written.
    let src = read("animated.gif");
    let pos = src.windows(11).position(|w| w == b"NETSCAPE2.0").unwrap();
    // 21 FF 0B "NETSCAPE2.0" 03 01 lo hi 00: 19 bytes from the introducer.
    let once = [&src[..pos - 3], &src[pos + 16..]].concat();
    let spec = process::resolve("image/resize,w_50", &|_| None).unwrap();
    let Output::Image { bytes, .. } = job::run(&once, &spec, Engine::Cpu).unwrap() else {
        panic!("an image")
    };
    assert_eq!(netscape(&bytes), None);
    assert!(gif_frames(&bytes).len() > 1, "still animated");
}

#[test]
fn percent_resize_and_rotate_give_the_first_frame() {
    let src = gif_frames(&read("animated.gif"));
    let (bytes, format) = run("animated.gif", "image/resize,p_50");
    assert_eq!(format, Format::Gif);
    let out = gif_frames(&bytes);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0.dimensions(), (50, 50));
    assert_shows(&out[0].0, &scaled(&src, 50, 50), 0, RESIZE_TOLERANCE);

    let (bytes, format) = run("cogs.gif", "image/rotate,90");
    assert_eq!(format, Format::Gif);
    let out = gif_frames(&bytes);
    assert_eq!(out.len(), 1);
    // 85×77 turned a quarter: exact, no resampling.
    assert_eq!(out[0].0.dimensions(), (77, 85));
    let first = gif_frames(&read("cogs.gif")).swap_remove(0).0;
    let rotated = image::imageops::rotate90(&first);
    assert_eq!(mean_diff(&out[0].0, &rotated), 0.0);
}

#[test]
fn non_gif_output_gives_the_first_frame() {
    let src = gif_frames(&read("animated.gif"));
    let (bytes, format) = run("animated.gif", "image/resize,w_50/format,png");
    assert_eq!(format, Format::Png);
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let png =
        image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap().into_rgba8();
    assert_eq!(png.dimensions(), (50, 50));
    assert_shows(&png, &scaled(&src, 50, 50), 0, RESIZE_TOLERANCE);

    let (bytes, format) = run("animated.gif", "image/resize,w_50/format,jpg");
    assert_eq!(format, Format::Jpg);
    assert_eq!(&bytes[..2], b"\xff\xd8");
}

#[test]
fn animated_webp_stays_animated() {
    // [U] WebP output keeps the animation (frames, delays, loop count: tests/formats/anim.rs);
    // format,gif applies to WebP sources too and writes an animated GIF.
    let (bytes, format) = run("animated-loop-3.webp", "image/resize,w_50");
    assert_eq!(format, Format::Webp);
    assert!(WebPDecoder::new(Cursor::new(&bytes)).unwrap().has_animation());
    let (bytes, format) = run("animated-loop-3.webp", "image/resize,w_50/format,gif");
    assert_eq!(format, Format::Gif);
    assert_eq!(gif_frames(&bytes).len(), 10);
}

#[test]
fn crop_keeps_every_frame_exactly() {
    let src = gif_frames(&read("cogs.gif"));
    let (bytes, format) = run("cogs.gif", "image/crop,w_20,h_20");
    assert_eq!(format, Format::Gif);
    let out = gif_frames(&bytes);
    assert_eq!(out.len(), 5);
    for (i, (frame, delay)) in out.iter().enumerate() {
        assert_eq!(frame.dimensions(), (20, 20));
        assert_eq!(*delay, src[i].1);
        // Copied pixels of at most 256 colours: the GIF palette is exact.
        let expected = image::imageops::crop_imm(&src[i].0, 0, 0, 20, 20).to_image();
        assert_eq!(mean_diff(frame, &expected), 0.0, "frame {i}");
    }
    assert!(out.windows(2).any(|p| p[0].0 != p[1].0), "frames differ");
}

#[test]
fn per_frame_masks_and_filters() {
    // circle: every frame gets transparent corners and keeps its opaque centre.
    let out = gif_frames(&run("animated.gif", "image/circle,r_40").0);
    assert_eq!(out.len(), 2);
    for (frame, _) in &out {
        assert_eq!(frame.dimensions(), (81, 81));
        assert_eq!(frame.get_pixel(0, 0)[3], 0);
        assert_eq!(frame.get_pixel(40, 40)[3], 255);
    }
    assert_ne!(out[0].0, out[1].0);
    for proc in
        ["image/blur,r_3,s_2", "image/bright,30", "image/sharpen,100", "image/indexcrop,x_30,i_1"]
    {
        let out = gif_frames(&run("cogs.gif", proc).0);
        assert_eq!(out.len(), 5, "{proc}");
    }
}

#[test]
fn gifs_are_never_enlarged() {
    let out = gif_frames(&run("animated.gif", "image/resize,w_200,limit_0").0);
    assert_eq!(out.len(), 2);
    assert!(out.iter().all(|(f, _)| f.dimensions() == (100, 100)));
}

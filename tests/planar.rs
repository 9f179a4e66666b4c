//! The planar JPEG path (`job::run_planar`): a JPEG that is only resized (then perhaps turned or
//! mirrored by its EXIF orientation or a `rotate` by 90s) into a JPEG is decoded
//! to its Y'CbCr planes, each plane resized and the planes encoded, skipping the RGB conversion
//! and the chroma upsampling at the decoded size. Checked here: which jobs
//! take it (and that every other job gives exactly the RGBA path's bytes), that its thumbnails
//! are as faithful as the RGBA path's to a full-decode reference, and the pieces on their own —
//! the plane decoder against libjpeg-turbo's RGB decode, the plane resizer's geometry, the
//! encoder's colours.

mod support;

use ossimg::backend::{cpu, Engine};
use ossimg::codec;
use ossimg::job::{self, Output};
use ossimg::pipeline::{Image, Plane, Planes};
use ossimg::plan::{self, DecodeSpec, NoOverlays, Options, Plan};
use ossimg::process;
use support::{decode_any, psnr, read};

fn spec(process: &str) -> process::ProcessSpec {
    process::resolve(process, &|_| None).expect("process string")
}

/// The job's answer bytes (the planar path wherever it applies).
fn job_bytes(src: &[u8], process: &str) -> Vec<u8> {
    match job::run(src, &spec(process), Engine::Cpu).expect("job succeeds") {
        Output::Image { bytes, .. } => bytes,
        Output::Json(j) => panic!("expected an image, got {j}"),
    }
}

/// The same job through the RGBA path by hand: decode to RGBA, run the stages, encode.
fn rgba_bytes(src: &[u8], process: &str) -> Vec<u8> {
    let info = codec::probe(src).expect("probe");
    let Plan::Image(p) =
        plan::plan_opts(&spec(process), &info, &Options::default(), &mut NoOverlays).expect("plan")
    else {
        panic!("an image plan")
    };
    let img = codec::decode(src, info.format, &p.decode).expect("decode");
    let img = Engine::Cpu.run(&p.stages, img).expect("stages");
    codec::encode(&img, &p.output).expect("encode")
}

/// The job's stages run on the source decoded at full size, with no JPEG encoding: what a
/// thumbnail should look like before any shrink-on-load or encoding.
fn reference(src: &[u8], process: &str) -> Image {
    let info = codec::probe(src).expect("probe");
    let Plan::Image(p) =
        plan::plan_opts(&spec(process), &info, &Options::default(), &mut NoOverlays).expect("plan")
    else {
        panic!("an image plan")
    };
    let full = codec::decode(src, info.format, &DecodeSpec { scale_denom: 1 }).expect("decode");
    Engine::Cpu.run(&p.stages, full).expect("stages")
}

#[test]
fn thumbnails_are_as_faithful_as_the_rgba_paths() {
    // 4:2:0 photos at 1/2 and 1/1 decode scales, 4:2:2 and 4:4:4 sources, odd sizes, an sRGB
    // profile.
    let cases = [
        ("photo-2mp.jpg", "image/resize,w_300/quality,Q_85"),
        ("photo-2mp.jpg", "image/resize,w_301,h_199,m_fixed"),
        ("Landscape_1.jpg", "image/resize,w_300/quality,Q_85"),
        ("Landscape_1.jpg", "image/resize,w_1000"),
        ("non_interleaved_422_64x64.jpg", "image/resize,w_33"),
        ("non_interleaved_444_64x64.jpg", "image/resize,w_40"),
        ("paris_exif_xmp_icc.jpg", "image/resize,w_200"),
        ("iptc.jpg", "image/resize,w_320"),
        // EXIF orientations 2–8 and `rotate` by 90s, on even and odd sizes (the chroma pairs
        // must start at the turned thumbnail's top-left).
        ("Landscape_2.jpg", "image/resize,w_300"),
        ("Landscape_3.jpg", "image/resize,w_301"),
        ("Landscape_4.jpg", "image/resize,w_300,h_199,m_fixed"),
        ("Landscape_5.jpg", "image/resize,w_301"),
        ("Landscape_6.jpg", "image/resize,w_301,h_201,m_fixed"),
        ("Landscape_7.jpg", "image/resize,w_300"),
        ("Landscape_8.jpg", "image/resize,w_301,h_199,m_fixed"),
        ("photo-2mp.jpg", "image/resize,w_301,h_199,m_fixed/rotate,90"),
        ("photo-2mp.jpg", "image/resize,w_300/rotate,180"),
        // libjpeg-turbo's outputs: over 1 MP (rounding quantiser), progressive, odd sizes.
        ("photo-12mp.jpg", "image/resize,w_1601"),
        ("Landscape_6.jpg", "image/resize,w_1000,h_1001,m_fixed"),
        ("photo-2mp.jpg", "image/resize,w_301/interlace,1"),
    ];
    for (name, process) in cases {
        let src = read(name);
        let (planar, rgba) = (job_bytes(&src, process), rgba_bytes(&src, process));
        assert_ne!(planar, rgba, "{name} {process}: the planar path was not taken");
        let (planar, rgba) = (decode_any(&planar), decode_any(&rgba));
        assert_eq!((planar.width, planar.height), (rgba.width, rgba.height), "{name} {process}");
        let want = reference(&src, process);
        let (p, r) = (psnr(&want, &planar), psnr(&want, &rgba));
        // Both are JPEG at the same quality; the planar one may differ by its rounding and
        // its sharper chroma (resampled from the source's chroma, not averaged from RGB).
        assert!(p >= r - 0.3, "{name} {process}: planar {p:.2} dB vs RGBA path {r:.2} dB");
        assert!(psnr(&planar, &rgba) >= 36.0, "{name} {process}: the two paths disagree");
    }
}

#[test]
fn other_jobs_give_the_rgba_paths_bytes() {
    let cases = [
        // Sources: a Display P3 profile (converted to sRGB), CMYK, grey, and a 12 MP photo
        // whose thumbnail decodes at a scale jpeg_dc serves (1/4, 1/8).
        ("P3-sRGB-color-bars.jpg", "image/resize,w_300"),
        ("Channel_digital_image_CMYK_color.jpg", "image/resize,w_300"),
        ("grayscale.jpg", "image/resize,w_100"),
        ("jpg-orientation-6.jpg", "image/resize,w_300"),
        // Outputs: WebP, PNG.
        ("photo-2mp.jpg", "image/resize,w_300/format,webp"),
        ("photo-2mp.jpg", "image/resize,w_300/format,png"),
        // No resize (the answer a watermark then changes only where it draws), stages besides a
        // resize, and a 1/8-scale decode (served by jpeg_dc).
        ("iptc.jpg", "image/quality,q_80"),
        ("photo-2mp.jpg", "image/resize,w_300/rotate,45"),
        ("photo-2mp.jpg", "image/crop,w_100,h_100"),
        ("photo-2mp.jpg", "image/resize,w_100"),
    ];
    for (name, process) in cases {
        let src = read(name);
        assert!(job_bytes(&src, process) == rgba_bytes(&src, process), "{name} {process}");
    }
}

#[test]
fn planes_decode_where_the_rgba_decode_would_not_convert() {
    let planes = |name: &str, denom: u32| codec::decode_jpeg_planes(&read(name), denom).unwrap();
    let p = planes("photo-2mp.jpg", 2).expect("a 4:2:0 photo at 1/2");
    assert_eq!((p.width, p.height, p.chroma_step), (816, 612, (2, 2)));
    assert_eq!((p.y.width, p.y.height, p.y.data.len()), (816, 612, 816 * 612));
    assert_eq!((p.cb.width, p.cb.height, p.cr.data.len()), (408, 306, 408 * 306));
    let p = planes("non_interleaved_444_64x64.jpg", 1).expect("4:4:4");
    assert_eq!((p.cb.width, p.cb.height, p.chroma_step), (64, 64, (1, 1)));
    let p = planes("jpg-size-17x17.jpg", 1).expect("odd size");
    // Whole MCUs: the planes run past the 17×17 picture.
    assert_eq!((p.width, p.height), (17, 17));
    assert!(p.y.width >= 17 && p.cb.width * p.chroma_step.0 >= 17);
    assert!(planes("paris_exif_xmp_icc.jpg", 1).is_some(), "an sRGB profile needs no conversion");
    for (name, denom) in [
        ("P3-sRGB-color-bars.jpg", 1),
        ("Channel_digital_image_CMYK_color.jpg", 1),
        ("grayscale.jpg", 1),
        ("photo-2mp.jpg", 4),
        ("photo-2mp.jpg", 8),
    ] {
        assert!(planes(name, denom).is_none(), "{name} at 1/{denom}");
    }
    // Damaged data is left to the RGBA decode's policy; a bad header is its error.
    let src = read("photo-2mp.jpg");
    assert!(codec::decode_jpeg_planes(&src[..src.len() / 2], 2).unwrap().is_none());
    assert!(codec::decode_jpeg_planes(&src[..100], 2).is_err());
}

#[test]
fn luma_plane_is_libjpeg_turbos_decode() {
    // Y recomputed from libjpeg-turbo's RGBA decode at the same scale differs from the plane
    // only by the RGB rounding (and clamping at saturated colours).
    let src = read("photo-2mp.jpg");
    let p = codec::decode_jpeg_planes(&src, 2).unwrap().unwrap();
    let rgba = codec::decode(&src, process::Format::Jpg, &DecodeSpec { scale_denom: 2 }).unwrap();
    assert_eq!((rgba.width, rgba.height), (p.width, p.height));
    let (mut far, mut total) = (0usize, 0u64);
    for (px, &y) in rgba.pixels.chunks_exact(4).zip(&p.y.data) {
        let [r, g, b] = [px[0], px[1], px[2]].map(f64::from);
        let d = (0.299 * r + 0.587 * g + 0.114 * b - f64::from(y)).abs();
        far += usize::from(d > 2.0);
        total += d.round() as u64;
    }
    let n = p.y.data.len();
    assert!(far * 1000 < n, "{far} of {n} luma samples off by more than 2");
    assert!((total as f64) < 0.7 * n as f64, "mean difference {}", total as f64 / n as f64);
}

fn flat(w: u32, h: u32, v: u8) -> Plane {
    Plane { width: w, height: h, data: vec![v; (w * h) as usize] }
}

#[test]
fn planes_resize_to_the_output_420_geometry() {
    // 4:2:2 source planes padded past a 35×20 picture; odd output sizes.
    let src = Planes {
        width: 35,
        height: 20,
        y: flat(36, 24, 90),
        cb: flat(18, 24, 200),
        cr: flat(18, 24, 40),
        chroma_step: (2, 1),
    };
    let out = cpu::resize_planes(src.clone(), 7, 5, (false, false)).unwrap();
    assert_eq!((out.width, out.height, out.chroma_step), (7, 5, (2, 2)));
    assert_eq!((out.y.width, out.y.height), (7, 5));
    assert_eq!((out.cb.width, out.cb.height, out.cr.width, out.cr.height), (4, 3, 4, 3));
    assert!(out.y.data.iter().all(|&v| v == 90));
    assert!(out.cb.data.iter().all(|&v| v == 200) && out.cr.data.iter().all(|&v| v == 40));
    // A left/right split stays where it is: the picture maps onto the picture, chroma included.
    let mut src = src;
    for plane in [&mut src.y, &mut src.cb] {
        let w = plane.width as usize;
        for (i, v) in plane.data.iter_mut().enumerate() {
            *v = if (i % w) * 2 < w { 0 } else { 255 };
        }
    }
    let out = cpu::resize_planes(src, 36, 20, (false, false)).unwrap();
    let row = &out.y.data[..36];
    assert!(row[..15].iter().all(|&v| v < 8) && row[21..].iter().all(|&v| v > 247), "{row:?}");
    let crow = &out.cb.data[..18];
    assert!(crow[..7].iter().all(|&v| v < 8) && crow[11..].iter().all(|&v| v > 247), "{crow:?}");
}

#[test]
fn planes_encode_to_their_colours() {
    let out = plan::OutputSpec {
        format: process::Format::Jpg,
        quality: 90,
        lossless: false,
        progressive: false,
        trellis: true,
    };
    // Y'CbCr (150, 90, 200) is RGB (251, 112, 83) by JFIF's matrix.
    let planes = Planes {
        width: 21,
        height: 13,
        y: flat(21, 13, 150),
        cb: flat(11, 7, 90),
        cr: flat(11, 7, 200),
        chroma_step: (2, 2),
    };
    let img = decode_any(&codec::encode_planes(&planes, &out).unwrap());
    assert_eq!((img.width, img.height), (21, 13));
    for px in img.pixels.chunks_exact(4) {
        for (got, want) in px.iter().zip([251u8, 112, 83, 255]) {
            assert!(got.abs_diff(want) <= 2, "{px:?}");
        }
    }
    // Planes of the wrong shape, or an output the planar encoder does not write, are an
    // internal error, never a panic.
    let mut bad = planes.clone();
    bad.cb = flat(10, 7, 90);
    let err = codec::encode_planes(&bad, &out).unwrap_err();
    assert_eq!(err.kind, ossimg::ErrorKind::InternalError);
    let webp = plan::OutputSpec { format: process::Format::Webp, ..out };
    assert!(!codec::encodes_planes(&webp));
    assert!(codec::encode_planes(&planes, &webp).is_err());
    // libjpeg-turbo (rounding, progressive) from the same odd-sized planes: the same colours.
    for (trellis, progressive) in [(false, false), (false, true), (true, true)] {
        let out = plan::OutputSpec { trellis, progressive, ..out };
        let img = decode_any(&codec::encode_planes(&planes, &out).unwrap());
        assert_eq!((img.width, img.height), (21, 13));
        for px in img.pixels.chunks_exact(4) {
            for (got, want) in px.iter().zip([251u8, 112, 83, 255]) {
                assert!(got.abs_diff(want) <= 2, "{trellis} {progressive}: {px:?}");
            }
        }
    }
}

#[test]
fn chroma_at_the_end_starts_before_the_picture() {
    // A 5-wide picture whose chroma is 0 left of centre and 255 right of it, resized to 5 (odd,
    // so 3 chroma samples cover 6 pixels): from the start, the third pair is half past the
    // picture's right edge; from the end, the first pair is half before its left edge. Either
    // way the picture maps onto the picture, so the luma is untouched.
    let ramp = |w: u32| Plane {
        width: w,
        height: 2,
        data: (0..2).flat_map(|_| (0..w).map(move |x| if 2 * x < w { 0 } else { 255 })).collect(),
    };
    let src =
        Planes { width: 5, height: 2, y: ramp(5), cb: ramp(5), cr: ramp(5), chroma_step: (1, 1) };
    let start = cpu::resize_planes(src.clone(), 5, 2, (false, false)).unwrap();
    let end = cpu::resize_planes(src, 5, 2, (true, false)).unwrap();
    assert_eq!(start.y.data, end.y.data);
    assert_eq!((start.cb.width, end.cb.width), (3, 3));
    // Pairs (0,1) (2,3) (4,5) against (-1,0) (1,2) (3,4), centred at 1, 3, 5 and 0, 2, 4 on
    // the source [0, 0, 0, 255, 255]: the start-aligned middle sample sits on the edge (mid
    // grey), the end-aligned one a pixel left of it (dark), its last one on the bright side.
    let (s, e) = (&start.cb.data[..3], &end.cb.data[..3]);
    assert!(s[0] < 8 && s[1].abs_diff(128) <= 8 && s[2] > 247, "{s:?}");
    assert!(e[0] < 8 && e[1] < 64 && e[2] > 192, "{e:?}");
}

//! Planner tests: exact sizes and stages for every action, the spec's documented examples,
//! shrink-on-load, encoder settings and the limits. Every successful plan is also replayed stage by
//! stage from the decoded size ([`simulate`]) to prove the stages agree with the announced size and
//! that every rectangle lies inside the image it applies to.

use super::*;
use crate::pipeline::{CropParams, FillParams, MaskParams, OrientParams, ResizeParams};
use crate::process::{
    Blur, Circle, Crop, Gravity, IndexCrop, Quality, Resize, ResizeMode, RoundedCorners, Watermark,
};
mod animation;
mod props;
mod shrink;

/// A still source of `format`, `w×h`, orientation 1, no quality estimate.
fn source(format: Format, w: u32, h: u32) -> SourceInfo {
    SourceInfo {
        format,
        width: w,
        height: h,
        orientation: 1,
        has_alpha: false,
        frames: 1,
        file_size: 10_000,
        jpeg_quality: None,
        loop_count: None,
    }
}

fn png(w: u32, h: u32) -> SourceInfo {
    source(Format::Png, w, h)
}

fn jpg(w: u32, h: u32) -> SourceInfo {
    source(Format::Jpg, w, h)
}

/// `resize` with every parameter at its default (no sizes yet).
fn rz() -> Resize {
    Resize {
        mode: ResizeMode::Lfit,
        w: None,
        h: None,
        l: None,
        s: None,
        limit: true,
        color: [255, 255, 255],
        p: None,
        main_percent: None,
    }
}

fn crop(g: Gravity, x: u32, y: u32, w: Option<u32>, h: Option<u32>) -> Action {
    Action::Crop(Crop { w, h, x, y, g })
}

fn spec(actions: Vec<Action>) -> ProcessSpec {
    ProcessSpec { actions }
}

/// Plans `actions` and returns the image plan (panics on JSON plans or errors: test helper).
fn image_plan(actions: Vec<Action>, src: &SourceInfo) -> ImagePlan {
    match plan(&spec(actions), src) {
        Ok(Plan::Image(p)) => p,
        other => panic!("expected an image plan, got {other:?}"),
    }
}

/// Plans `actions` and returns its error.
fn plan_err(actions: Vec<Action>, src: &SourceInfo) -> Error {
    match plan(&spec(actions), src) {
        Err(e) => e,
        Ok(p) => panic!("expected an error, got {p:?}"),
    }
}

/// Replays the stages from the decoded size, checking each rectangle lies inside its image and
/// that the result is the plan's announced size; returns that size.
fn simulate(p: &ImagePlan, src: &SourceInfo) -> (u32, u32) {
    let d = p.decode.scale_denom;
    assert!([1, 2, 4, 8].contains(&d), "denominator {d}");
    let (mut w, mut h) = (scaled_dim(src.width, d), scaled_dim(src.height, d));
    for s in &p.stages {
        match *s {
            Stage::Resize(r) => {
                assert!(r.width > 0 && r.height > 0, "{s:?}");
                assert_ne!((r.width, r.height), (w, h), "no-op resize {s:?}");
                (w, h) = (r.width, r.height);
            }
            Stage::Crop(c) => {
                assert!(c.width > 0 && c.height > 0, "{s:?}");
                assert!(c.x + c.width <= w && c.y + c.height <= h, "{s:?} outside {w}x{h}");
                assert_ne!((c.x, c.y, c.width, c.height), (0, 0, w, h), "no-op crop {s:?}");
                (w, h) = (c.width, c.height);
            }
            Stage::Fill(f) => {
                assert!(f.x + w <= f.width && f.y + h <= f.height, "{s:?} cannot hold {w}x{h}");
                (w, h) = (f.width, f.height);
            }
            Stage::Orient(o) => {
                assert!((2..=8).contains(&o.orientation), "{s:?}");
                if o.orientation >= 5 {
                    (w, h) = (h, w);
                }
            }
            Stage::Rotate(r) => (w, h) = (r.width, r.height),
            Stage::MaskCircle(m) => assert!(w == h && 2 * m.radius + 1 == w, "{s:?} on {w}x{h}"),
            Stage::MaskRounded(m) => assert!(2 * m.radius <= w.min(h), "{s:?} on {w}x{h}"),
            Stage::Blur(_) | Stage::ColorAdjust(_) | Stage::Sharpen(_) | Stage::Composite(..) => {}
        }
    }
    assert_eq!((w, h), (p.width, p.height), "stages disagree with the plan's size");
    (w, h)
}

/// The final size of `actions` on `src`, after checking the stages agree with it.
fn final_size(actions: Vec<Action>, src: &SourceInfo) -> (u32, u32) {
    let p = image_plan(actions, src);
    simulate(&p, src)
}

fn resize_stage(width: u32, height: u32) -> Stage {
    Stage::Resize(ResizeParams { width, height, _pad: [0; 2] })
}

fn crop_stage(x: u32, y: u32, width: u32, height: u32) -> Stage {
    Stage::Crop(CropParams { x, y, width, height })
}

fn orient_stage(orientation: u32) -> Stage {
    Stage::Orient(OrientParams { orientation, _pad: [0; 3] })
}

// ---------------------------------------------------------------- resize

#[test]
fn documented_modes_on_200x100_w150_h80() {
    let src = png(200, 100);
    let cases = [
        (ResizeMode::Lfit, (150, 75)),
        (ResizeMode::Mfit, (160, 80)),
        (ResizeMode::Fill, (150, 80)),
        (ResizeMode::Pad, (150, 80)),
        (ResizeMode::Fixed, (150, 80)),
    ];
    for (mode, want) in cases {
        let r = Resize { mode, w: Some(150), h: Some(80), ..rz() };
        assert_eq!(final_size(vec![Action::Resize(r)], &src), want, "{mode:?}");
    }
}

#[test]
fn fill_and_pad_stages_are_exact() {
    let src = png(200, 100);
    let fill = Resize { mode: ResizeMode::Fill, w: Some(150), h: Some(80), ..rz() };
    // mfit 160×80, crop the 10 px excess evenly: offset 5.
    assert_eq!(
        image_plan(vec![Action::Resize(fill)], &src).stages,
        vec![resize_stage(160, 80), crop_stage(5, 0, 150, 80)]
    );
    let pad =
        Resize { mode: ResizeMode::Pad, w: Some(150), h: Some(80), color: [255, 0, 0], ..rz() };
    // lfit 150×75 on 150×80: 5 px free, floor(5/2) = 2 on top, the extra pixel at the bottom.
    assert_eq!(
        image_plan(vec![Action::Resize(pad)], &src).stages,
        vec![
            resize_stage(150, 75),
            Stage::Fill(FillParams {
                width: 150,
                height: 80,
                x: 0,
                y: 2,
                color: [1.0, 0.0, 0.0, 1.0]
            })
        ]
    );
}

/// One `resize` case: mode, w, h, l, s, limit, expected size.
type ResizeCase =
    (ResizeMode, Option<u32>, Option<u32>, Option<u32>, Option<u32>, bool, (u32, u32));

/// Every mode × {one side, both sides, l/s} × {shrink, enlarge} × limit_1/limit_0, on 200×100.
#[test]
fn every_mode_every_input_shape() {
    let src = png(200, 100);
    use ResizeMode::*;
    #[rustfmt::skip]
    let cases: &[ResizeCase] = &[
        // shrink, one side
        (Lfit,  Some(100), None, None, None, true, (100, 50)),
        (Lfit,  None, Some(40), None, None, true, (80, 40)),
        (Mfit,  Some(100), None, None, None, true, (100, 50)),
        (Mfit,  None, Some(40), None, None, true, (80, 40)),
        (Fill,  Some(100), None, None, None, true, (100, 100)),   // mfit k=1 → 200×100 → crop 100×100
        (Fill,  None, Some(40), None, None, true, (40, 40)),     // mfit 80×40 → crop 40×40
        (Pad,   Some(100), None, None, None, true, (100, 100)),  // lfit 100×50 on 100×100
        (Pad,   None, Some(40), None, None, true, (40, 40)),     // lfit 40×20 on 40×40
        (Fixed, Some(100), None, None, None, true, (100, 100)),
        (Fixed, None, Some(40), None, None, true, (40, 40)),
        // shrink, both sides
        (Lfit,  Some(100), Some(100), None, None, true, (100, 50)),
        (Mfit,  Some(100), Some(30), None, None, true, (100, 50)),
        (Fill,  Some(100), Some(30), None, None, true, (100, 30)),
        (Pad,   Some(100), Some(30), None, None, true, (100, 30)),
        (Fixed, Some(100), Some(30), None, None, true, (100, 30)),
        // shrink, l/s (l → the 200 side, s → the 100 side)
        (Lfit,  None, None, Some(100), None, true, (100, 50)),
        (Lfit,  None, None, None, Some(30), true, (60, 30)),
        (Lfit,  None, None, Some(100), Some(30), true, (60, 30)),
        (Mfit,  None, None, Some(100), Some(30), true, (100, 50)),
        (Fill,  None, None, Some(100), Some(30), true, (100, 30)),
        (Pad,   None, None, Some(100), Some(30), true, (100, 30)),
        (Fixed, None, None, Some(100), Some(30), true, (100, 30)),
        (Fixed, None, None, Some(100), None, true, (100, 100)),
        // w/h present: l/s ignored
        (Lfit,  Some(50), None, Some(150), Some(150), true, (50, 25)),
        // enlarge, limit_1: the whole action is skipped
        (Lfit,  Some(400), None, None, None, true, (200, 100)),
        (Lfit,  None, None, Some(400), None, true, (200, 100)),
        (Mfit,  Some(400), Some(50), None, None, true, (200, 100)),
        (Fill,  Some(150), Some(150), None, None, true, (200, 100)),
        (Pad,   Some(300), Some(300), None, None, true, (200, 100)),
        (Fixed, Some(300), Some(50), None, None, true, (200, 100)),
        (Fixed, Some(150), Some(150), None, None, true, (200, 100)),
        // enlarge, limit_0
        (Lfit,  Some(400), None, None, None, false, (400, 200)),
        (Lfit,  None, None, Some(400), None, false, (400, 200)),
        (Lfit,  None, Some(300), None, None, false, (600, 300)),
        (Mfit,  Some(400), Some(50), None, None, false, (400, 200)),
        (Fill,  Some(150), Some(150), None, None, false, (150, 150)),
        (Pad,   Some(300), Some(300), None, None, false, (300, 300)),
        (Fixed, Some(300), Some(50), None, None, false, (300, 50)),
        (Fixed, None, None, None, Some(300), false, (300, 300)),
        // shrink with limit_0 is the same as with limit_1
        (Lfit,  Some(100), None, None, None, false, (100, 50)),
        (Fill,  Some(100), Some(30), None, None, false, (100, 30)),
    ];
    for &(mode, w, h, l, s, limit, want) in cases {
        let r = Resize { mode, w, h, l, s, limit, ..rz() };
        let got = final_size(vec![Action::Resize(r.clone())], &src);
        assert_eq!(got, want, "{r:?}");
    }
}

#[test]
fn enlargement_with_limit_1_emits_no_pad_or_crop() {
    let src = png(200, 100);
    for mode in [ResizeMode::Fill, ResizeMode::Pad] {
        let r = Resize { mode, w: Some(300), h: Some(300), ..rz() };
        assert!(image_plan(vec![Action::Resize(r)], &src).stages.is_empty(), "{mode:?}");
    }
    let fill = Resize { mode: ResizeMode::Fill, w: Some(150), h: Some(150), limit: false, ..rz() };
    // mfit k = 1.5 → 300×150, centre crop offset floor(150/2) = 75.
    assert_eq!(
        image_plan(vec![Action::Resize(fill)], &src).stages,
        vec![resize_stage(300, 150), crop_stage(75, 0, 150, 150)]
    );
}

#[test]
fn percentage_always_applies_and_wins_only_without_sizes() {
    let src = png(200, 100);
    let p = |p, limit| Action::Resize(Resize { p: Some(p), limit, ..rz() });
    assert_eq!(final_size(vec![p(50, true)], &src), (100, 50));
    assert_eq!(final_size(vec![p(150, true)], &src), (300, 150));
    assert_eq!(final_size(vec![p(150, false)], &src), (300, 150));
    // 333·33/100 = 109.89 → 110; 424·33/100 = 139.92 → 140.
    assert_eq!(final_size(vec![p(33, true)], &png(424, 333)), (140, 110));
    // w/h present: p ignored.
    let both = Resize { w: Some(100), p: Some(300), ..rz() };
    assert_eq!(final_size(vec![Action::Resize(both)], &src), (100, 50));
    // l present: p ignored too.
    let l = Resize { l: Some(50), p: Some(300), ..rz() };
    assert_eq!(final_size(vec![Action::Resize(l)], &src), (50, 25));
}

#[test]
fn gif_is_never_enlarged() {
    let gif = source(Format::Gif, 200, 100);
    let w = Action::Resize(Resize { w: Some(400), limit: false, ..rz() });
    assert_eq!(final_size(vec![w], &gif), (200, 100));
    let p = Action::Resize(Resize { p: Some(200), ..rz() });
    assert_eq!(final_size(vec![p], &gif), (200, 100));
    // Shrinking a GIF works as usual.
    let shrink = Action::Resize(Resize { w: Some(100), ..rz() });
    assert_eq!(final_size(vec![shrink], &gif), (100, 50));
}

#[test]
fn documented_resize_examples() {
    let w100 = || Action::Resize(Resize { w: Some(100), ..rz() });
    // 333·100/424 = 78.54 → 79 (round half up, not floor).
    assert_eq!(final_size(vec![w100()], &png(424, 333)), (100, 79));
    // h wins over l: 3924·600/2550 = 923.3 → 923.
    let lh = Resize { l: Some(923), h: Some(600), ..rz() };
    assert_eq!(final_size(vec![Action::Resize(lh)], &jpg(3924, 2550)), (923, 600));
    // 267·100/400 = 66.75 → 67.
    let l = Resize { l: Some(100), ..rz() };
    assert_eq!(final_size(vec![Action::Resize(l)], &png(400, 267)), (100, 67));
    let h = Resize { h: Some(100), ..rz() };
    assert_eq!(final_size(vec![Action::Resize(h)], &png(100, 200)), (50, 100));
    let fixed = Resize { mode: ResizeMode::Fixed, h: Some(100), ..rz() };
    assert_eq!(final_size(vec![Action::Resize(fixed)], &png(400, 267)), (100, 100));
    // Portrait l/s: l maps to the 200-px height.
    let l = Resize { l: Some(100), ..rz() };
    assert_eq!(final_size(vec![Action::Resize(l)], &png(100, 200)), (50, 100));
}

#[test]
fn rounding_is_half_up_and_never_zero() {
    // 101·100/200 = 50.5 → 51.
    let w = Action::Resize(Resize { w: Some(100), ..rz() });
    assert_eq!(final_size(vec![w], &png(200, 101)), (100, 51));
    // 1·10/1000 = 0.01 → 0 → 1.
    let w = Action::Resize(Resize { w: Some(10), ..rz() });
    assert_eq!(final_size(vec![w], &png(1000, 1)), (10, 1));
}

#[test]
fn resize_to_the_same_size_emits_no_stage() {
    let w = Action::Resize(Resize { w: Some(200), ..rz() });
    let p = image_plan(vec![w], &png(200, 100));
    assert!(p.stages.is_empty());
    assert_eq!((p.width, p.height), (200, 100));
}

#[test]
fn resize_result_limits() {
    let src = png(100, 100);
    let big =
        Resize { mode: ResizeMode::Fixed, w: Some(16_384), h: Some(16_384), limit: false, ..rz() };
    let e = plan_err(vec![Action::Resize(big.clone())], &src);
    assert_eq!((e.kind, e.ec), (ErrorKind::InvalidArgument, Some("0040-00000007")));
    // Refused enlargement (limit_1) never reaches the limit check.
    let limited = Resize { limit: true, ..big };
    assert_eq!(final_size(vec![Action::Resize(limited)], &src), (100, 100));
    // Exactly 16384×1024 = 16 777 216 pixels is allowed.
    let edge =
        Resize { mode: ResizeMode::Fixed, w: Some(16_384), h: Some(1024), limit: false, ..rz() };
    assert_eq!(final_size(vec![Action::Resize(edge)], &src), (16_384, 1024));
    // mfit to 16384 wide on a 1:2 image needs 32768 rows: a side over the limit.
    let tall =
        Resize { mode: ResizeMode::Mfit, w: Some(16_384), h: Some(10), limit: false, ..rz() };
    let e = plan_err(vec![Action::Resize(tall)], &png(100, 200));
    assert_eq!(e.ec, Some("0040-00000007"));
    // fill is limited by its result, not by the size that covers it: 1000×10 filled to 200×200
    // covers at 20000×200, so the centred 10×10 is cropped first, then resized.
    let fill =
        |w, h| Resize { mode: ResizeMode::Fill, w: Some(w), h: Some(h), limit: false, ..rz() };
    assert_eq!(
        image_plan(vec![Action::Resize(fill(200, 200))], &png(1000, 10)).stages,
        vec![crop_stage(495, 0, 10, 10), resize_stage(200, 200)]
    );
    assert_eq!(final_size(vec![Action::Resize(fill(16_384, 1024))], &png(1, 1)), (16_384, 1024));
    let e = plan_err(vec![Action::Resize(fill(16_384, 1025))], &png(1, 1));
    assert_eq!(e.ec, Some("0040-00000007"));
}

#[test]
fn resize_without_any_size_is_missing_argument() {
    let e = plan_err(vec![Action::Resize(rz())], &png(10, 10));
    assert_eq!(e.kind, ErrorKind::MissingArgument);
}

// ---------------------------------------------------------------- auto-orient

#[test]
fn orientation_7_example() {
    let mut f = jpg(424, 333);
    f.orientation = 7;
    let w100 = || Action::Resize(Resize { w: Some(100), ..rz() });
    // Oriented to 333×424 first, wherever auto-orient is written: 424·100/333 = 127.3 → 127.
    // The shrinking resize runs first, in stored orientation (127×100), then the transform.
    let p = image_plan(vec![w100(), Action::AutoOrient(true)], &f);
    assert_eq!(p.stages, vec![resize_stage(127, 100), orient_stage(7)]);
    assert_eq!(simulate(&p, &f), (100, 127));
    // Default (no auto-orient action) applies it too.
    assert_eq!(final_size(vec![w100()], &f), (100, 127));
    // auto-orient,0 keeps the stored orientation.
    assert_eq!(final_size(vec![w100(), Action::AutoOrient(false)], &f), (100, 79));
    // Last auto-orient wins.
    let acts = vec![Action::AutoOrient(false), w100(), Action::AutoOrient(true)];
    assert_eq!(final_size(acts, &f), (100, 127));
    let acts = vec![Action::AutoOrient(true), w100(), Action::AutoOrient(false)];
    assert_eq!(final_size(acts, &f), (100, 79));
}

#[test]
fn orientation_skipped_on_large_or_plain_sources() {
    // A stored side ≥ 4096: orientation silently skipped.
    let mut big = png(4096, 3000);
    big.orientation = 6;
    assert_eq!(image_plan(vec![], &big).stages, vec![]);
    let mut just_under = png(4095, 3000);
    just_under.orientation = 6;
    let p = image_plan(vec![], &just_under);
    assert_eq!(p.stages, vec![orient_stage(6)]);
    assert_eq!((p.width, p.height), (3000, 4095));
    // Orientation 1 and invalid values add nothing.
    for o in [1, 0, 9] {
        let mut s = png(10, 20);
        s.orientation = o;
        assert!(image_plan(vec![], &s).stages.is_empty(), "orientation {o}");
    }
    // Orientations 2–4 keep the sides.
    let mut s = png(10, 20);
    s.orientation = 3;
    assert_eq!(final_size(vec![], &s), (10, 20));
}

// ---------------------------------------------------------------- crop

#[test]
fn every_gravity_origin() {
    // 1000×800, crop 101×51: the /2 terms are floored separately (500 − 50, 400 − 25).
    let src = png(1000, 800);
    let cases = [
        (Gravity::Nw, (0, 0)),
        (Gravity::North, (450, 0)),
        (Gravity::Ne, (899, 0)),
        (Gravity::West, (0, 375)),
        (Gravity::Center, (450, 375)),
        (Gravity::East, (899, 375)),
        (Gravity::Sw, (0, 749)),
        (Gravity::South, (450, 749)),
        (Gravity::Se, (899, 749)),
    ];
    for (g, (x, y)) in cases {
        let p = image_plan(vec![crop(g, 0, 0, Some(101), Some(51))], &src);
        assert_eq!(p.stages, vec![crop_stage(x, y, 101, 51)], "{g:?}");
    }
    // Offsets add to the origin.
    let p = image_plan(vec![crop(Gravity::Center, 7, 9, Some(101), Some(51))], &src);
    assert_eq!(p.stages, vec![crop_stage(457, 384, 101, 51)]);
}

#[test]
fn crop_clips_to_the_edge() {
    let src = png(1000, 1000);
    let p = image_plan(vec![crop(Gravity::Se, 10, 10, Some(200), Some(200))], &src);
    assert_eq!(p.stages, vec![crop_stage(810, 810, 190, 190)]);
    assert_eq!(simulate(&p, &src), (190, 190));
    // The SDK example: crop,w_100,h_100,x_100,y_100 → 100×100.
    assert_eq!(
        final_size(vec![crop(Gravity::Nw, 100, 100, Some(100), Some(100))], &src),
        (100, 100)
    );
}

#[test]
fn crop_to_the_edge_and_oversized() {
    let src = png(100, 100);
    // No w/h (or 0): to the edge from the start point.
    let p = image_plan(vec![crop(Gravity::Nw, 30, 40, None, None)], &src);
    assert_eq!(p.stages, vec![crop_stage(30, 40, 70, 60)]);
    let p = image_plan(vec![crop(Gravity::Se, 30, 40, Some(0), Some(0))], &src);
    assert_eq!(p.stages, vec![crop_stage(30, 40, 70, 60)]);
    // A crop larger than the image: the negative origin clamps to 0, the whole image is kept.
    let p = image_plan(vec![crop(Gravity::Center, 0, 0, Some(300), Some(300))], &src);
    assert!(p.stages.is_empty());
    assert_eq!((p.width, p.height), (100, 100));
}

#[test]
fn crop_start_outside_is_bad_request() {
    let src = png(100, 100);
    for c in [
        crop(Gravity::Nw, 100, 0, Some(10), Some(10)),
        crop(Gravity::Nw, 0, 100, Some(10), Some(10)),
        crop(Gravity::Se, 10, 0, Some(10), Some(10)),
        crop(Gravity::South, 0, 5, None, Some(5)),
    ] {
        let e = plan_err(vec![c.clone()], &src);
        assert_eq!(e.kind, ErrorKind::BadRequest, "{c:?}");
        assert_eq!(e.message, "Advance cut's position is out of image.");
    }
    // x = 99 is still inside: a 1-px column.
    assert_eq!(final_size(vec![crop(Gravity::Nw, 99, 0, None, None)], &src), (1, 100));
}

#[test]
fn crop_acts_on_the_running_size() {
    // resize 200×100 → 100×50, then crop from (60, 0) to the edge: 40×50.
    let acts =
        vec![Action::Resize(Resize { w: Some(100), ..rz() }), crop(Gravity::Nw, 60, 0, None, None)];
    assert_eq!(final_size(acts, &png(200, 100)), (40, 50));
    let acts = vec![
        Action::Resize(Resize { w: Some(100), ..rz() }),
        crop(Gravity::Nw, 100, 0, None, None),
    ];
    assert_eq!(plan_err(acts, &png(200, 100)).kind, ErrorKind::BadRequest);
}

// ---------------------------------------------------------------- indexcrop

#[test]
fn indexcrop_slices() {
    let src = png(100, 250);
    let ic = |x, y, i| Action::IndexCrop(IndexCrop { x, y, i });
    assert_eq!(
        image_plan(vec![ic(None, Some(100), 0)], &src).stages,
        vec![crop_stage(0, 0, 100, 100)]
    );
    // The last slice is shorter: 250 − 200 = 50.
    assert_eq!(
        image_plan(vec![ic(None, Some(100), 2)], &src).stages,
        vec![crop_stage(0, 200, 100, 50)]
    );
    // Index past the last slice: unchanged.
    let p = image_plan(vec![ic(None, Some(100), 3)], &src);
    assert!(p.stages.is_empty());
    assert_eq!((p.width, p.height), (100, 250));
    // x slices: count = ceil(100/30) = 4, the last is 10 wide.
    assert_eq!(
        image_plan(vec![ic(Some(30), None, 3)], &src).stages,
        vec![crop_stage(90, 0, 10, 250)]
    );
    assert!(image_plan(vec![ic(Some(30), None, 4)], &src).stages.is_empty());
    // y wins over x.
    assert_eq!(final_size(vec![ic(Some(30), Some(100), 1)], &src), (100, 100));
    // A slice longer than the image is the whole axis; index 1 is then past the end.
    assert!(image_plan(vec![ic(None, Some(300), 0)], &src).stages.is_empty());
    assert!(image_plan(vec![ic(None, Some(300), 1)], &src).stages.is_empty());
    // y is only "valid" within 1–height [C]: an out-of-range y leaves the decision to x.
    assert_eq!(
        image_plan(vec![ic(Some(30), Some(300), 1)], &src).stages,
        vec![crop_stage(30, 0, 30, 250)]
    );
    // Neither x nor y.
    assert_eq!(plan_err(vec![ic(None, None, 0)], &src).kind, ErrorKind::MissingArgument);
}

// ---------------------------------------------------------------- circle, rounded corners

#[test]
fn circle_crops_and_clamps() {
    let src = png(200, 100);
    let circle = |r| Action::Circle(Circle { r });
    let mask = |radius| Stage::MaskCircle(MaskParams { radius, _pad: [0; 3] });
    // 61×61 centred: ((200 − 61)/2, (100 − 61)/2) = (69, 19).
    assert_eq!(
        image_plan(vec![circle(30)], &src).stages,
        vec![crop_stage(69, 19, 61, 61), mask(30)]
    );
    // r over half the shorter side → (100 − 1)/2 = 49, 99×99.
    assert_eq!(
        image_plan(vec![circle(80)], &src).stages,
        vec![crop_stage(50, 0, 99, 99), mask(49)]
    );
    // r = 50 on an even 100 side: 101 would not fit, also 49.
    assert_eq!(final_size(vec![circle(50)], &src), (99, 99));
    // Odd shorter side 101: r = 50 fits exactly.
    assert_eq!(final_size(vec![circle(50)], &png(201, 101)), (101, 101));
    assert_eq!(final_size(vec![circle(4096)], &png(1, 1)), (1, 1));
}

#[test]
fn rounded_corners_clamp_to_half_the_shorter_side() {
    let src = png(200, 100);
    let rc = |r| Action::RoundedCorners(RoundedCorners { r });
    let mask = |radius| Stage::MaskRounded(MaskParams { radius, _pad: [0; 3] });
    assert_eq!(image_plan(vec![rc(20)], &src).stages, vec![mask(20)]);
    let p = image_plan(vec![rc(80)], &src);
    assert_eq!(p.stages, vec![mask(50)]);
    assert_eq!((p.width, p.height), (200, 100));
}

// ---------------------------------------------------------------- rotate and filters

#[test]
fn rotate_by_right_angles_is_an_orientation() {
    let src = png(200, 100);
    let p = image_plan(vec![Action::Rotate(90)], &src);
    assert_eq!(p.stages, vec![orient_stage(6)]);
    assert_eq!((p.width, p.height), (100, 200));
    assert_eq!(image_plan(vec![Action::Rotate(180)], &src).stages, vec![orient_stage(3)]);
    assert_eq!(final_size(vec![Action::Rotate(270)], &src), (100, 200));
    assert_eq!(image_plan(vec![Action::Rotate(270)], &src).stages, vec![orient_stage(8)]);
    for d in [0, 360] {
        assert!(image_plan(vec![Action::Rotate(d)], &src).stages.is_empty(), "{d}");
    }
}

#[test]
fn rotate_canvas_grows() {
    let src = png(200, 100);
    // 300·cos45 = 212.13 → 213 on both sides.
    let p = image_plan(vec![Action::Rotate(45)], &src);
    match p.stages.as_slice() {
        [Stage::Rotate(r)] => {
            assert_eq!((r.degrees, r.width, r.height), (45.0, 213, 213));
            assert_eq!(r.fill, [0.0; 4]);
        }
        s => panic!("{s:?}"),
    }
    // 200·cos33 + 100·sin33 = 222.20 → 223; 200·sin33 + 100·cos33 = 192.79 → 193.
    assert_eq!(final_size(vec![Action::Rotate(33)], &src), (223, 193));
    // Resize then rotate acts on the resized size: 100×50 at 45° → 150·cos45 = 106.07 → 107.
    let acts = vec![Action::Resize(Resize { w: Some(100), ..rz() }), Action::Rotate(45)];
    assert_eq!(final_size(acts, &src), (107, 107));
}

#[test]
fn rotate_source_over_4096_fails() {
    for d in [45, 90] {
        let e = plan_err(vec![Action::Rotate(d)], &png(5000, 100));
        assert_eq!((e.kind, e.ec), (ErrorKind::InvalidArgument, Some("0040-00000006")), "{d}");
    }
    // 4096 itself is allowed, and a resize first brings a large image within range.
    assert_eq!(final_size(vec![Action::Rotate(90)], &png(4096, 100)), (100, 4096));
    let acts = vec![Action::Resize(Resize { w: Some(1000), ..rz() }), Action::Rotate(90)];
    assert_eq!(final_size(acts, &png(5000, 100)), (20, 1000));
    // rotate,0 does nothing, so no size check.
    assert_eq!(final_size(vec![Action::Rotate(0)], &png(5000, 100)), (5000, 100));
}

#[test]
fn filters_keep_the_size_and_map_one_to_one() {
    let src = png(64, 32);
    let acts = vec![
        Action::Blur(Blur { r: 3, s: 2 }),
        Action::Bright(20),
        Action::Contrast(-30),
        Action::Sharpen(100),
        Action::Bright(0),
    ];
    let p = image_plan(acts, &src);
    assert_eq!(
        p.stages,
        vec![
            Stage::Blur(crate::pipeline::BlurParams { radius: 3, sigma: 2.0, _pad: [0; 2] }),
            Stage::ColorAdjust(crate::pipeline::ColorAdjustParams {
                bright: 20,
                contrast: 0,
                _pad: [0; 2]
            }),
            Stage::ColorAdjust(crate::pipeline::ColorAdjustParams {
                bright: 0,
                contrast: -30,
                _pad: [0; 2]
            }),
            Stage::Sharpen(crate::pipeline::SharpenParams { amount: 100, _pad: [0; 3] }),
        ]
    );
    assert_eq!(simulate(&p, &src), (64, 32));
}

#[test]
fn watermark_without_resources_is_a_watermark_error() {
    let wm = Watermark {
        t: 100,
        g: Gravity::Se,
        x: 10,
        y: 10,
        voffset: 0,
        text: None,
        image: Some(crate::process::WatermarkImage { key: "panda.png".into(), actions: vec![] }),
        order_text_first: false,
        align: 2,
        interval: 0,
    };
    let e = plan_err(vec![Action::Watermark(wm)], &png(10, 10));
    assert_eq!(e.kind, ErrorKind::WatermarkError);
    assert_eq!(e.kind.http_status(), 400);
    assert!(e.message.contains("panda.png"), "{}", e.message);
}

// ---------------------------------------------------------------- info / average-hue

#[test]
fn json_actions_stand_alone() {
    let src = png(10, 10);
    assert_eq!(plan(&spec(vec![Action::Info]), &src), Ok(Plan::Info));
    assert_eq!(plan(&spec(vec![Action::AverageHue]), &src), Ok(Plan::AverageHue));
    let e = plan_err(
        vec![Action::Resize(Resize { s: Some(700), limit: false, ..rz() }), Action::Info],
        &src,
    );
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    let e = plan_err(vec![Action::AverageHue, Action::Format(Format::Png)], &src);
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    // info only reads the header: answered even over the pixel limits; average-hue is not.
    let huge = png(30_001, 10);
    assert_eq!(plan(&spec(vec![Action::Info]), &huge), Ok(Plan::Info));
    assert_eq!(plan_err(vec![Action::AverageHue], &huge).kind, ErrorKind::ImageTooLarge);
}

// ---------------------------------------------------------------- limits

#[test]
fn source_limits() {
    for src in [
        png(30_001, 10),
        png(10, 30_001),
        png(20_000, 20_000),
        SourceInfo { frames: 3, ..source(Format::Gif, 10_000, 10_000) },
        // Every count at its maximum overflowed W·H·frames (found by fuzz/process_string).
        SourceInfo { frames: u32::MAX, ..source(Format::Png, u32::MAX, u32::MAX) },
    ] {
        let e = plan_err(vec![Action::Resize(Resize { w: Some(100), ..rz() })], &src);
        assert_eq!(e.kind, ErrorKind::ImageTooLarge, "{src:?}");
        assert_eq!(e.ec, Some("0040-00000009"));
        assert_eq!(e.kind.http_status(), 400);
    }
    // Without a resize the same sources are a refused decode (§4.3: EC 0040-00000012).
    for actions in [vec![], vec![Action::Rotate(90)], vec![Action::AverageHue]] {
        let e = plan_err(actions, &png(30_001, 10));
        assert_eq!((e.kind, e.ec), (ErrorKind::ImageTooLarge, Some("0040-00000012")));
    }
    // 30000×8000 = 240 M pixels: inside both limits.
    let ok = jpg(30_000, 8_000);
    assert_eq!(final_size(vec![Action::Resize(Resize { w: Some(300), ..rz() })], &ok), (300, 80));
    // An empty image is damaged, not a panic.
    assert_eq!(plan_err(vec![], &png(0, 10)).kind, ErrorKind::ImageDamage);
}

// ---------------------------------------------------------------- output

fn output(actions: Vec<Action>, src: &SourceInfo) -> OutputSpec {
    image_plan(actions, src).output
}

fn q_abs(v: u32) -> Action {
    Action::Quality(Quality { relative: None, absolute: Some(v), lossless: false })
}

fn q_rel(v: u32) -> Action {
    Action::Quality(Quality { relative: Some(v), absolute: None, lossless: false })
}

#[test]
fn output_format_rules() {
    let f = |acts, src: &SourceInfo| output(acts, src).format;
    assert_eq!(f(vec![], &png(10, 10)), Format::Png);
    assert_eq!(f(vec![Action::Format(Format::Webp)], &png(10, 10)), Format::Webp);
    // Last format wins, wherever it is.
    let acts = vec![Action::Format(Format::Webp), Action::Rotate(90), Action::Format(Format::Bmp)];
    assert_eq!(f(acts, &jpg(10, 10)), Format::Bmp);
    // gif only from a GIF source.
    assert_eq!(f(vec![Action::Format(Format::Gif)], &jpg(10, 10)), Format::Jpg);
    assert_eq!(f(vec![Action::Format(Format::Gif)], &source(Format::Gif, 10, 10)), Format::Gif);
    assert_eq!(f(vec![Action::Format(Format::Png)], &source(Format::Gif, 10, 10)), Format::Png);
    // [U] format,gif also applies to WebP sources (animated WebP → animated GIF).
    assert_eq!(f(vec![Action::Format(Format::Gif)], &source(Format::Webp, 10, 10)), Format::Gif);
    // HEIC/AVIF are written where this build has the encoder (x265, libaom), else JPEG.
    let heif = |fmt| if crate::codec::can_encode(fmt) { fmt } else { Format::Jpg };
    assert_eq!(f(vec![Action::Format(Format::Avif)], &png(10, 10)), heif(Format::Avif));
    assert_eq!(f(vec![Action::Format(Format::Heic)], &png(10, 10)), heif(Format::Heic));
    assert_eq!(f(vec![], &source(Format::Heic, 10, 10)), heif(Format::Heic));
    assert_eq!(f(vec![Action::Format(Format::Tiff)], &source(Format::Avif, 10, 10)), Format::Tiff);
}

#[test]
fn quality_rules() {
    let with_q = |q: Option<u32>| SourceInfo { jpeg_quality: q, ..jpg(10, 10) };
    let quality = |acts, src: &SourceInfo| output(acts, src).quality;
    // Relative: source 100 → q_90 gives 90; source 80 → 72.
    assert_eq!(quality(vec![q_rel(90)], &with_q(Some(100))), 90);
    assert_eq!(quality(vec![q_rel(90)], &with_q(Some(80))), 72);
    // 85·50/100 = 42.5 → 43; never below 1.
    assert_eq!(quality(vec![q_rel(50)], &with_q(Some(85))), 43);
    assert_eq!(quality(vec![q_rel(1)], &with_q(Some(1))), 1);
    assert_eq!(quality(vec![q_rel(70)], &with_q(None)), 70);
    // Absolute: source 95 → Q_90 gives 90; source 80 → 80; unknown → Q.
    assert_eq!(quality(vec![q_abs(90)], &with_q(Some(95))), 90);
    assert_eq!(quality(vec![q_abs(90)], &with_q(Some(80))), 80);
    assert_eq!(quality(vec![q_abs(90)], &with_q(None)), 90);
    // Both: Q wins.
    let both = Action::Quality(Quality { relative: Some(50), absolute: Some(90), lossless: false });
    assert_eq!(quality(vec![both], &with_q(Some(100))), 90);
    // Non-JPEG source: q acts like Q.
    let webp_src = source(Format::Webp, 10, 10);
    assert_eq!(quality(vec![q_rel(60)], &webp_src), 60);
    // Defaults: JPEG min(source, 90) or 90; WebP 75.
    assert_eq!(quality(vec![], &with_q(Some(80))), 80);
    assert_eq!(quality(vec![], &with_q(Some(98))), 90);
    assert_eq!(quality(vec![], &with_q(None)), 90);
    assert_eq!(quality(vec![Action::Format(Format::Webp)], &with_q(Some(80))), 75);
    assert_eq!(quality(vec![], &webp_src), 75);
    // JPEG source to WebP with Q: capped by the source quality.
    assert_eq!(quality(vec![q_abs(90), Action::Format(Format::Webp)], &with_q(Some(80))), 80);
}

#[test]
fn lossless_and_interlace() {
    let lossless = Action::Quality(Quality { relative: None, absolute: None, lossless: true });
    let out = output(vec![Action::Format(Format::Webp), lossless], &png(10, 10));
    assert!(out.lossless);
    assert!(!output(vec![Action::Format(Format::Webp)], &png(10, 10)).lossless);
    assert!(output(vec![Action::Interlace(true)], &jpg(10, 10)).progressive);
    assert!(!output(vec![Action::Interlace(false)], &jpg(10, 10)).progressive);
    assert!(!output(vec![], &jpg(10, 10)).progressive);
    // Only for JPEG output: a PNG source needs format,jpg as well.
    assert!(!output(vec![Action::Interlace(true)], &png(10, 10)).progressive);
    let acts = vec![Action::Interlace(true), Action::Format(Format::Jpg)];
    assert!(output(acts, &png(10, 10)).progressive);
}

#[test]
fn webp_side_limit() {
    let e = plan_err(vec![Action::Format(Format::Webp)], &png(16_384, 10));
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert_eq!(output(vec![Action::Format(Format::Webp)], &png(16_383, 10)).format, Format::Webp);
    // Resizing first brings it within range.
    let acts = vec![Action::Resize(Resize { w: Some(8000), ..rz() }), Action::Format(Format::Webp)];
    assert_eq!(final_size(acts, &png(16_384, 10)), (8000, 5));
}

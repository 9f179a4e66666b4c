//! Shrink-on-load: the DCT scale each rule picks, with orientation, fill/pad and the rules' limits.

use super::*;

#[test]
fn shrink_on_load_denominators() {
    let w300 = || Action::Resize(Resize { w: Some(300), ..rz() });
    // 4000×3000 → 300×225: 1/8 gives 500×375 < 600×450, 1/4 gives 1000×750 ≥ 600×450.
    let src = jpg(4000, 3000);
    let p = image_plan(vec![w300()], &src);
    assert_eq!(p.decode.scale_denom, 4);
    assert_eq!((scaled_dim(4000, 4), scaled_dim(3000, 4)), (1000, 750));
    assert_eq!(p.stages, vec![resize_stage(300, 225)]);
    assert_eq!(simulate(&p, &src), (300, 225));
    // 1920×1080 → 300×169: 1/4 gives 480 < 600, 1/2 gives 960×540 ≥ 600×338.
    assert_eq!(image_plan(vec![w300()], &jpg(1920, 1080)).decode.scale_denom, 2);
    // 4000×3000 → 100×75: 1/8 gives 500×375 ≥ 200×150.
    let w100 = Action::Resize(Resize { w: Some(100), ..rz() });
    assert_eq!(image_plan(vec![w100], &jpg(4000, 3000)).decode.scale_denom, 8);
    // A shrink of less than 4× cannot keep a 2× margin at 1/2.
    let w400 = Action::Resize(Resize { w: Some(400), ..rz() });
    assert_eq!(image_plan(vec![w400], &jpg(1000, 500)).decode.scale_denom, 1);
}

#[test]
fn heic_with_alpha_is_not_converted_to_jpg() {
    let mut heic = png(64, 64);
    heic.format = Format::Heic;
    heic.has_alpha = true;
    let e = plan_err(vec![Action::Format(Format::Jpg)], &heic);
    assert_eq!((e.kind, e.kind.http_status()), (ErrorKind::InvalidArgument, 400));
    // Other formats are fine, and so is an opaque HEIC.
    assert_eq!(output(vec![Action::Format(Format::Png)], &heic).format, Format::Png);
    heic.has_alpha = false;
    assert_eq!(output(vec![Action::Format(Format::Jpg)], &heic).format, Format::Jpg);
}

#[test]
fn shrink_on_load_fast_keeps_one_times_the_target() {
    let fast = Options { shrink_on_load: ShrinkOnLoad::Fast, ..Options::default() };
    let denom = |w: u32, src: &SourceInfo, opts: &Options| {
        let spec = spec(vec![Action::Resize(Resize { w: Some(w), ..rz() })]);
        match plan_opts(&spec, src, opts, &mut NoOverlays) {
            Ok(Plan::Image(p)) => p.decode.scale_denom,
            other => panic!("expected an image plan, got {other:?}"),
        }
    };
    // 4000×3000 → 300×225: fast takes 1/8 (500×375 ≥ 300×225), quality 1/4.
    assert_eq!(denom(300, &jpg(4000, 3000), &fast), 8);
    assert_eq!(denom(300, &jpg(4000, 3000), &Options::default()), 4);
    // 1920×1080 → 300×169: 1/4 gives 480×270 ≥ 300×169 (fast); quality needs 1/2.
    assert_eq!(denom(300, &jpg(1920, 1080), &fast), 4);
    assert_eq!(denom(300, &jpg(1920, 1080), &Options::default()), 2);
    // Exactly the target is enough for fast: 2400 / 8 = 300.
    assert_eq!(denom(300, &jpg(2400, 1600), &fast), 8);
    assert_eq!(denom(301, &jpg(2400, 1600), &fast), 4);
    // Not a JPEG: no shrink-on-load under either rule.
    assert_eq!(denom(300, &png(4000, 3000), &fast), 1);
    // The default is the quality rule (benches/shrink.rs: the fast rule loses 3–17 dB).
    assert_eq!(Options::default().shrink_on_load, ShrinkOnLoad::Quality);
    assert_eq!("fast".parse::<ShrinkOnLoad>(), Ok(ShrinkOnLoad::Fast));
    assert_eq!("quality".parse::<ShrinkOnLoad>(), Ok(ShrinkOnLoad::Quality));
    assert!("Fast".parse::<ShrinkOnLoad>().is_err());
}

#[test]
fn shrink_on_load_only_when_resize_comes_first_on_a_jpeg() {
    let w300 = || Action::Resize(Resize { w: Some(300), ..rz() });
    assert_eq!(image_plan(vec![w300()], &png(4000, 3000)).decode.scale_denom, 1);
    let p = image_plan(vec![crop(Gravity::Nw, 0, 0, Some(3000), None), w300()], &jpg(4000, 3000));
    assert_eq!(p.decode.scale_denom, 1);
    let p = image_plan(vec![Action::Bright(10), w300()], &jpg(4000, 3000));
    assert_eq!(p.decode.scale_denom, 1);
    // Encoder settings and no-op actions before the resize do not count.
    let acts = vec![Action::Format(Format::Webp), Action::Rotate(0), w300(), Action::Sharpen(100)];
    let src = jpg(4000, 3000);
    let p = image_plan(acts, &src);
    assert_eq!(p.decode.scale_denom, 4);
    assert_eq!(simulate(&p, &src), (300, 225));
    // An enlargement refused by limit_1 leaves no resize: full decode.
    let big = Action::Resize(Resize { w: Some(5000), ..rz() });
    assert_eq!(image_plan(vec![big], &jpg(4000, 3000)).decode.scale_denom, 1);
}

#[test]
fn shrink_on_load_with_orientation() {
    // Stored 4000×3000 JPEG with orientation 6 is logically 3000×4000 → w_300 → 300×400, which is
    // 400×300 in stored orientation: 1/4 gives 1000×750 ≥ 800×600, 1/8 gives 500 < 800.
    let mut src = jpg(4000, 3000);
    src.orientation = 6;
    let p = image_plan(vec![Action::Resize(Resize { w: Some(300), ..rz() })], &src);
    assert_eq!(p.decode.scale_denom, 4);
    assert_eq!(p.stages, vec![resize_stage(400, 300), orient_stage(6)]);
    assert_eq!(simulate(&p, &src), (300, 400));
    // rotate,90 commutes with scaling as well.
    let acts = vec![Action::Rotate(90), Action::Resize(Resize { h: Some(300), ..rz() })];
    let p = image_plan(acts, &jpg(4000, 3000));
    assert_eq!(p.decode.scale_denom, 4);
    assert_eq!(simulate(&p, &jpg(4000, 3000)), (225, 300));
}

#[test]
fn shrink_on_load_keeps_fill_and_pad_exact() {
    let src = jpg(4000, 3000);
    let fill = Resize { mode: ResizeMode::Fill, w: Some(200), h: Some(200), ..rz() };
    let p = image_plan(vec![Action::Resize(fill)], &src);
    // mfit k = 200/3000: 4000·200/3000 = 266.7 → 267×200, then crop 200×200 at floor(67/2) = 33.
    assert_eq!(p.stages, vec![resize_stage(267, 200), crop_stage(33, 0, 200, 200)]);
    assert_eq!(p.decode.scale_denom, 4);
    assert_eq!(simulate(&p, &src), (200, 200));
}

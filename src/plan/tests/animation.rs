//! Animated sources: which cascades keep the animation, frame limits and output formats.

use super::*;

/// An animated source of `format`, `w×h` with `frames` frames.
fn anim(format: Format, w: u32, h: u32, frames: u32) -> SourceInfo {
    SourceInfo { frames, ..source(format, w, h) }
}

fn animated(actions: Vec<Action>, src: &SourceInfo) -> bool {
    image_plan(actions, src).animated
}

fn w(v: u32) -> Action {
    Action::Resize(Resize { w: Some(v), ..rz() })
}

#[test]
fn explicit_resize_keeps_gif_animation() {
    let src = anim(Format::Gif, 100, 100, 2);
    let p = image_plan(vec![w(50)], &src);
    assert!(p.animated);
    assert_eq!((p.width, p.height), (50, 50));
    assert_eq!(p.output.format, Format::Gif);
    // h, l, s and the fixed-size modes are explicit sizes too.
    for r in [
        Resize { h: Some(40), ..rz() },
        Resize { l: Some(40), ..rz() },
        Resize { s: Some(40), ..rz() },
        Resize { mode: ResizeMode::Fill, w: Some(30), h: Some(60), ..rz() },
        Resize { mode: ResizeMode::Pad, w: Some(30), h: Some(60), ..rz() },
        Resize { mode: ResizeMode::Fixed, w: Some(30), h: Some(60), ..rz() },
        // w takes precedence over p, so the explicit size is what applies.
        Resize { w: Some(40), p: Some(50), ..rz() },
    ] {
        assert!(animated(vec![Action::Resize(r.clone())], &src), "{r:?}");
    }
}

#[test]
fn percent_resize_and_rotate_give_one_frame() {
    let src = anim(Format::Gif, 100, 100, 2);
    let p = image_plan(vec![Action::Resize(Resize { p: Some(50), ..rz() })], &src);
    assert!(!p.animated);
    assert_eq!((p.width, p.height), (50, 50));
    for deg in [0, 90, 360] {
        assert!(!animated(vec![Action::Rotate(deg)], &src), "rotate {deg}");
    }
    // Position in the cascade does not matter.
    assert!(!animated(vec![w(50), Action::Rotate(90)], &src));
    assert!(!animated(vec![Action::Resize(Resize { p: Some(50), ..rz() }), w(20)], &src));
}

#[test]
fn other_pixel_actions_run_per_frame() {
    let src = anim(Format::Gif, 100, 100, 5);
    for a in [
        crop(Gravity::Nw, 0, 0, Some(20), Some(20)),
        Action::IndexCrop(IndexCrop { x: Some(30), y: None, i: 1 }),
        Action::Circle(Circle { r: 30 }),
        Action::RoundedCorners(RoundedCorners { r: 10 }),
        Action::Blur(Blur { r: 3, s: 2 }),
        Action::Bright(20),
        Action::Contrast(-20),
        Action::Sharpen(100),
        Action::AutoOrient(true),
        Action::Format(Format::Gif),
        Action::Quality(Quality { absolute: Some(50), relative: None, lossless: false }),
    ] {
        assert!(animated(vec![a.clone()], &src), "{a:?}");
    }
    // No action at all: re-encoded with every frame.
    assert!(animated(vec![], &src));
}

#[test]
fn only_animated_gif_and_webp_output_is_animated() {
    let gif = anim(Format::Gif, 100, 100, 3);
    for f in [Format::Png, Format::Jpg, Format::Bmp, Format::Tiff] {
        let p = image_plan(vec![w(50), Action::Format(f)], &gif);
        assert!(!p.animated, "{f:?}");
        assert_eq!(p.output.format, f);
    }
    // format,webp of an animated GIF: an animated WebP.
    let p = image_plan(vec![w(50), Action::Format(Format::Webp)], &gif);
    assert!(p.animated);
    assert_eq!(p.output.format, Format::Webp);
    // A still GIF is not animated.
    assert!(!animated(vec![w(50)], &anim(Format::Gif, 100, 100, 1)));
    // An animated WebP stays animated as WebP, or as GIF with format,gif.
    let webp = anim(Format::Webp, 370, 285, 10);
    for (actions, f) in
        [(vec![w(50)], Format::Webp), (vec![w(50), Action::Format(Format::Gif)], Format::Gif)]
    {
        let p = image_plan(actions, &webp);
        assert!(p.animated, "{f:?}");
        assert_eq!(p.output.format, f);
    }
    // ... except as another format, or after p / rotate.
    assert!(!image_plan(vec![w(50), Action::Format(Format::Png)], &webp).animated);
    assert!(!image_plan(vec![Action::Rotate(90)], &webp).animated);
}

#[test]
fn animation_memory_budget() {
    // 1024×1024 kept as is: (1 Mi + 1 Mi) px · 4 B = 8 MiB per frame, so 32 frames are exactly
    // the 256 MiB budget and 33 are over it.
    assert_eq!(MAX_ANIMATION_BYTES, 256 * 1024 * 1024);
    assert!(animated(vec![], &anim(Format::Gif, 1024, 1024, 32)));
    assert!(!animated(vec![], &anim(Format::Gif, 1024, 1024, 33)));
    // The output size counts: shrinking to 512×512 (1.25 Mi px/frame, 5 MiB) fits 51 frames.
    assert!(animated(vec![w(512)], &anim(Format::Gif, 1024, 1024, 51)));
    assert!(!animated(vec![w(512)], &anim(Format::Gif, 1024, 1024, 52)));
}

//! The parser's property tests: every spec the strategies below can build survives
//! `Display` → `parse` unchanged, within the length cap, and arbitrary input never panics.

use super::tests::rz;
use super::*;
use proptest::prelude::*;

/// An integer in `min..=max`, biased towards both ends and towards `d` (the parameter's default)
/// and its neighbours, where omit-the-default printing goes wrong if it does.
fn num(min: i64, max: i64, d: i64) -> impl Strategy<Value = i64> {
    let near = |v: i64| Just(v.clamp(min, max));
    prop_oneof![near(min), near(min + 1), near(max), near(d - 1), near(d), near(d + 1), min..=max]
}

/// [`num`] as a `u32`.
fn unum(min: u32, max: u32, d: u32) -> impl Strategy<Value = u32> {
    // The range lies inside u32, so the conversion cannot fail; the fallback is never used.
    num(i64::from(min), i64::from(max), i64::from(d)).prop_map(|v| u32::try_from(v).unwrap_or(0))
}

/// [`num`] as an `i32`.
fn inum(min: i32, max: i32, d: i32) -> impl Strategy<Value = i32> {
    num(i64::from(min), i64::from(max), i64::from(d)).prop_map(|v| i32::try_from(v).unwrap_or(0))
}

/// A colour, often exactly white or black (the two defaults).
fn rgb() -> impl Strategy<Value = [u8; 3]> {
    prop_oneof![Just([255; 3]), Just([0; 3]), any::<[u8; 3]>()]
}

fn gravity() -> impl Strategy<Value = Gravity> {
    prop::sample::select(Gravity::ALL.to_vec())
}

fn side() -> impl Strategy<Value = Option<u32>> {
    prop::option::of(unum(1, 16384, 1))
}

fn resize() -> impl Strategy<Value = Action> {
    (
        prop::sample::select(ResizeMode::ALL.to_vec()),
        (side(), side(), side(), side()),
        any::<bool>(),
        rgb(),
        prop::option::of(unum(1, 1000, 100)),
    )
        .prop_filter("resize needs a size", |(_, (w, h, l, s), _, _, p)| {
            w.is_some() || h.is_some() || l.is_some() || s.is_some() || p.is_some()
        })
        .prop_map(|(mode, (w, h, l, s), limit, color, p)| {
            Action::Resize(Resize { mode, w, h, l, s, limit, color, p, main_percent: None })
        })
}

/// An action of a watermark image's nested process; `resize` may carry `P`.
fn nested_action() -> impl Strategy<Value = Action> {
    prop::strategy::Union::new(vec![
        (resize(), prop::option::of(unum(1, 100, 50)))
            .prop_map(|(a, main_percent)| match a {
                Action::Resize(r) => Action::Resize(Resize { main_percent, ..r }),
                a => a,
            })
            .boxed(),
        unum(1, 100, 50)
            .prop_map(|p| {
                Action::Resize(Resize { w: None, p: None, main_percent: Some(p), ..rz() })
            })
            .boxed(),
        crop().boxed(),
        indexcrop().boxed(),
        unum(1, 4096, 1).prop_map(|r| Action::RoundedCorners(RoundedCorners { r })).boxed(),
        unum(0, 360, 0).prop_map(Action::Rotate).boxed(),
        any::<bool>().prop_map(Action::AutoOrient).boxed(),
    ])
}

fn crop() -> impl Strategy<Value = Action> {
    (
        prop::option::of(unum(0, u32::MAX, 0)),
        prop::option::of(unum(0, u32::MAX, 0)),
        unum(0, u32::MAX, 0),
        unum(0, u32::MAX, 0),
        gravity(),
    )
        .prop_map(|(w, h, x, y, g)| Action::Crop(Crop { w, h, x, y, g }))
}

fn indexcrop() -> impl Strategy<Value = Action> {
    (
        prop::option::of(unum(1, u32::MAX, 1)),
        prop::option::of(unum(1, u32::MAX, 1)),
        unum(0, u32::MAX, 0),
    )
        .prop_filter("indexcrop needs x or y", |(x, y, _)| x.is_some() || y.is_some())
        .prop_map(|(x, y, i)| Action::IndexCrop(IndexCrop { x, y, i }))
}

fn quality() -> impl Strategy<Value = Action> {
    (prop::option::of(unum(1, 100, 100)), prop::option::of(unum(1, 100, 100)), any::<bool>())
        .prop_filter("quality needs a value", |(q, qq, l)| q.is_some() || qq.is_some() || *l)
        .prop_map(|(relative, absolute, lossless)| {
            Action::Quality(Quality { relative, absolute, lossless })
        })
}

fn text_mark() -> impl Strategy<Value = TextMark> {
    (
        // At most 16 chars of at most 4 bytes: never over the 64-byte limit.
        prop::collection::vec(any::<char>(), 1..=16).prop_map(String::from_iter),
        prop::sample::select(FONTS.to_vec()),
        rgb(),
        unum(1, 1000, 40),
        unum(0, 100, 0),
        unum(0, 360, 0),
        any::<bool>(),
    )
        .prop_map(|(text, font, color, size, shadow, rotate, fill)| TextMark {
            text,
            font: font.to_owned(),
            color,
            size,
            shadow,
            rotate,
            fill,
        })
}

fn watermark() -> impl Strategy<Value = Action> {
    (
        (unum(0, 100, 100), gravity(), unum(0, 4096, 10), unum(0, 4096, 10), inum(-1000, 1000, 0)),
        prop::option::of(text_mark()),
        prop::option::of(
            (
                prop::collection::vec(any::<char>(), 1..=24).prop_map(String::from_iter),
                prop::collection::vec(nested_action(), 0..=2),
            )
                .prop_filter("a key cannot hold the nested-process mark", |(k, _)| {
                    !k.contains("?x-oss-process=")
                })
                .prop_map(|(key, actions)| WatermarkImage { key, actions }),
        ),
        (any::<bool>(), unum(0, 2, 2), unum(0, 1000, 0)),
    )
        .prop_filter("watermark needs text or image", |(_, t, i, _)| t.is_some() || i.is_some())
        .prop_map(
            |((t, g, x, y, voffset), text, image, (order_text_first, align, interval))| {
                Action::Watermark(Watermark {
                    t,
                    g,
                    x,
                    y,
                    voffset,
                    text,
                    image,
                    order_text_first,
                    align,
                    interval,
                })
            },
        )
}

/// Any action other than `info` and `average-hue`.
fn image_action() -> impl Strategy<Value = Action> {
    prop::strategy::Union::new(vec![
        resize().boxed(),
        crop().boxed(),
        indexcrop().boxed(),
        unum(1, 4096, 1).prop_map(|r| Action::Circle(Circle { r })).boxed(),
        unum(1, 4096, 1).prop_map(|r| Action::RoundedCorners(RoundedCorners { r })).boxed(),
        any::<bool>().prop_map(Action::AutoOrient).boxed(),
        unum(0, 360, 0).prop_map(Action::Rotate).boxed(),
        (unum(1, 50, 25), unum(1, 50, 25)).prop_map(|(r, s)| Action::Blur(Blur { r, s })).boxed(),
        inum(-100, 100, 0).prop_map(Action::Bright).boxed(),
        inum(-100, 100, 0).prop_map(Action::Contrast).boxed(),
        unum(50, 399, 100).prop_map(Action::Sharpen).boxed(),
        prop::sample::select(Format::ALL.to_vec()).prop_map(Action::Format).boxed(),
        quality().boxed(),
        any::<bool>().prop_map(Action::Interlace).boxed(),
        watermark().boxed(),
    ])
}

fn spec() -> impl Strategy<Value = ProcessSpec> {
    prop_oneof![
        // Up to 10 actions: ten of the longest watermarks this strategy makes (~390 bytes each)
        // still fit the 4 KiB cap; the 20-action cap is covered by the table test.
        8 => prop::collection::vec(image_action(), 1..=10).prop_filter(
            "at most three image watermarks",
            |v| v.iter().filter(|a| matches!(a, Action::Watermark(w) if w.image.is_some())).count() <= 3
        ),
        1 => Just(vec![Action::Info]),
        1 => Just(vec![Action::AverageHue]),
    ]
    .prop_map(|actions| ProcessSpec { actions })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn canonical_string_parses_back(spec in spec()) {
        let s = spec.to_string();
        prop_assert!(s.len() <= MAX_PROCESS_BYTES, "{s}");
        prop_assert_eq!(parse(&s), Ok(ProcessRequest::Image(spec)));
    }

    #[test]
    fn style_names_round_trip(name in "[A-Za-z0-9_.-]{1,63}") {
        let r = ProcessRequest::Style(name);
        prop_assert_eq!(parse(&r.to_string()), Ok(r));
    }

    #[test]
    fn arbitrary_input_never_panics(s in "(image/|style/|x-oss-process=)?[a-z0-9_,/|=+-]{0,64}") {
        let _ = parse(&s);
        let _ = parse_post_body(&s);
        let _ = resolve(&s, &|_: &str| Some("image/resize,w_1".to_owned()));
    }
}

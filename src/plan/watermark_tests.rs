//! Watermark geometry: the §3.15 placement table for every anchor on several main and watermark
//! sizes (larger-than-main included), mixed blocks in every `order`/`align`, `fill` lattices, the
//! nested `P` resolution, and the composite stages a cascade produces.

use super::*;
use crate::error::ErrorKind;
use crate::pipeline::CompositeParams;
use crate::process::{TextMark, WatermarkImage};
use crate::{plan::plan_with, plan::Plan, plan::SourceInfo, process::Format};

const ALL: [Gravity; 9] = Gravity::ALL;

/// The spec's table, written out independently with floor halves.
fn expected(
    g: Gravity,
    x: i64,
    y: i64,
    v: i64,
    (mw, mh): (i64, i64),
    (w, h): (i64, i64),
) -> (i64, i64) {
    let half = |n: i64| (n as f64 / 2.0).floor() as i64;
    match g {
        Gravity::Nw => (x, y),
        Gravity::North => (half(mw - w), y),
        Gravity::Ne => (mw - w - x, y),
        Gravity::West => (x, half(mh - h) - v),
        Gravity::Center => (half(mw - w), half(mh - h) - v),
        Gravity::East => (mw - w - x, half(mh - h) - v),
        Gravity::Sw => (x, mh - h - y),
        Gravity::South => (half(mw - w), mh - h - y),
        Gravity::Se => (mw - w - x, mh - h - y),
    }
}

#[test]
fn placement_follows_the_spec_table_for_every_anchor() {
    let mains = [(400, 300), (101, 77), (1, 1), (30000, 20)];
    let marks = [(50, 20), (51, 21), (400, 300), (800, 900), (1, 1)];
    let margins = [(0, 0, 0), (10, 10, 0), (7, 3, 5), (4096, 4096, -1000), (0, 10, 1000)];
    for main in mains {
        for mark in marks {
            for (x, y, v) in margins {
                for g in ALL {
                    let got = place(g, (x, y, v), main, mark);
                    let want = expected(
                        g,
                        x.into(),
                        y.into(),
                        v.into(),
                        (main.0.into(), main.1.into()),
                        (mark.0.into(), mark.1.into()),
                    );
                    assert_eq!(got, want, "{g:?} x{x} y{y} v{v} main {main:?} mark {mark:?}");
                }
            }
        }
    }
    // Spot checks with numbers: a 50×20 mark on 400×300 with the defaults (se, 10, 10) sits at
    // (340, 270); centre with voffset 5 at (175, 135); a 800×900 mark centred on 400×300
    // overhangs by 200 and 300 (the odd pixel of an odd overhang goes right/down).
    assert_eq!(place(Gravity::Se, (10, 10, 0), (400, 300), (50, 20)), (340, 270));
    assert_eq!(place(Gravity::Center, (10, 10, 5), (400, 300), (50, 20)), (175, 135));
    assert_eq!(place(Gravity::Center, (0, 0, 0), (400, 300), (800, 900)), (-200, -300));
    assert_eq!(place(Gravity::North, (0, 0, 0), (100, 100), (51, 1)), (24, 0));
    assert_eq!(place(Gravity::North, (0, 0, 0), (100, 100), (151, 1)), (-26, 0));
    // x is ignored by north/center/south, y by west/center/east.
    assert_eq!(place(Gravity::South, (99, 3, 0), (100, 100), (10, 10)), (45, 87));
    assert_eq!(place(Gravity::West, (3, 99, 0), (100, 100), (10, 10)), (3, 45));
}

#[test]
fn mixed_blocks_in_every_order_and_alignment() {
    // Image 30×40, text 50×10, interval 5: the block is 85×40.
    let (img, txt) = ((30, 40), (50, 10));
    let cases = [
        // (text_first, align, image part, text part)
        (false, 0, (0, 0), (35, 0)),
        (false, 1, (0, 0), (35, 15)),
        (false, 2, (0, 0), (35, 30)),
        (true, 0, (55, 0), (0, 0)),
        (true, 1, (55, 0), (0, 15)),
        (true, 2, (55, 0), (0, 30)),
    ];
    for (text_first, align, ip, tp) in cases {
        let (block, i, t) = layout_mixed(img, txt, text_first, align, 5);
        assert_eq!(block, (85, 40));
        assert_eq!((i.x, i.y), ip, "image, order {text_first} align {align}");
        assert_eq!((t.x, t.y), tp, "text, order {text_first} align {align}");
    }
    // The taller part is the text: the image moves. Middle rounds down (40 − 11 = 29 → 14).
    let (block, i, t) = layout_mixed((30, 11), (50, 40), false, 1, 0);
    assert_eq!((block, (i.x, i.y), (t.x, t.y)), ((80, 40), (0, 14), (30, 0)));
}

#[test]
fn fill_lattice_repeats_with_a_gap_of_one_font_size_in_bricks() {
    let t = fill_tiling((120, 40), 40);
    assert_eq!((t.step_x, t.step_y, t.row_shift), (160, 80, 80));
    // The origin is moved by whole lattice vectors only: (r·shift + c·step_x, r·step_y).
    for (x, y) in [(0, 0), (500, 370), (-333, -1001), (i64::from(i32::MAX) + 5, 7)] {
        let (nx, ny) = normalise(x, y, &t);
        assert!((0..160).contains(&nx) && (0..80).contains(&ny), "({x},{y}) → ({nx},{ny})");
        let rows = (y - ny) / 80;
        assert_eq!((y - ny) % 80, 0);
        assert_eq!((x - nx - rows * 80).rem_euclid(160), 0, "({x},{y}) → ({nx},{ny})");
    }
}

#[test]
fn p_is_a_percentage_of_the_main_width() {
    let p = |n| {
        Action::Resize(Resize {
            mode: ResizeMode::Fixed,
            w: Some(7),
            h: Some(9),
            l: None,
            s: None,
            limit: true,
            color: [1, 2, 3],
            p: Some(50),
            main_percent: Some(n),
        })
    };
    let resized = |spec: ProcessSpec| match &spec.actions[..] {
        [Action::Resize(r)] => (r.mode, r.w, r.h, r.p, r.limit, r.main_percent),
        other => panic!("{other:?}"),
    };
    // 100×100 main, P_10 → 10 px wide (spec's example); 200 → 20; rounding half up; at least 1;
    // at most 16384; proportional (lfit by width), enlarging allowed.
    assert_eq!(
        resized(nested_spec(&[p(10)], (100, 100))),
        (ResizeMode::Lfit, Some(10), None, None, false, None)
    );
    assert_eq!(resized(nested_spec(&[p(10)], (200, 50))).1, Some(20));
    assert_eq!(resized(nested_spec(&[p(15)], (110, 50))).1, Some(17)); // 16.5 → 17
    assert_eq!(resized(nested_spec(&[p(1)], (49, 50))).1, Some(1)); // 0.49 → 1
    assert_eq!(resized(nested_spec(&[p(100)], (30000, 5))).1, Some(16384));
    // Other actions, and resizes without P, are kept.
    let keep = vec![Action::Rotate(90), Action::Resize(Resize { main_percent: None, ..rz_w(5) })];
    assert_eq!(nested_spec(&keep, (10, 10)).actions, keep);
}

fn rz_w(w: u32) -> Resize {
    Resize {
        mode: ResizeMode::Lfit,
        w: Some(w),
        h: None,
        l: None,
        s: None,
        limit: true,
        color: [255; 3],
        p: None,
        main_percent: None,
    }
}

/// Overlays of fixed sizes; records what was asked.
#[derive(Default)]
struct Fake {
    text: (u32, u32),
    image: (u32, u32),
    asked: Vec<String>,
}

impl Overlays for Fake {
    fn text(&mut self, mark: &TextMark) -> Result<Arc<Image>> {
        self.asked.push(format!("text {}", mark.text));
        Ok(Arc::new(Image::filled(self.text.0, self.text.1, [0, 0, 0, 255])))
    }
    fn image(&mut self, image: &WatermarkImage, main: (u32, u32)) -> Result<Arc<Image>> {
        self.asked.push(format!("image {} for {}x{}", image.key, main.0, main.1));
        if image.key == "missing" {
            return Err(crate::Error::new(ErrorKind::WatermarkError, "missing"));
        }
        Ok(Arc::new(Image::filled(self.image.0, self.image.1, [9, 9, 9, 255])))
    }
}

fn mark(text: &str) -> TextMark {
    TextMark {
        text: text.into(),
        font: "wqy-zenhei".into(),
        color: [0; 3],
        size: 40,
        shadow: 0,
        rotate: 0,
        fill: false,
    }
}

fn wm(text: Option<TextMark>, image: Option<&str>) -> Watermark {
    Watermark {
        t: 100,
        g: Gravity::Se,
        x: 10,
        y: 10,
        voffset: 0,
        text,
        image: image.map(|k| WatermarkImage { key: k.into(), actions: vec![] }),
        order_text_first: false,
        align: 2,
        interval: 0,
    }
}

fn src(w: u32, h: u32) -> SourceInfo {
    SourceInfo {
        format: Format::Jpg,
        width: w,
        height: h,
        orientation: 1,
        has_alpha: false,
        frames: 1,
        file_size: 1000,
        jpeg_quality: Some(90),
        loop_count: None,
    }
}

/// One composite stage as (x, y, w, h, opacity, (step_x, step_y, row_shift)).
type Placed = (i32, i32, u32, u32, u32, (u32, u32, u32));

/// The composite stages of a plan.
fn composites(p: &Plan) -> Vec<Placed> {
    let Plan::Image(p) = p else { panic!("image plan") };
    p.stages
        .iter()
        .filter_map(|s| match s {
            Stage::Composite(
                CompositeParams { x, y, width, height, opacity, step_x, step_y, row_shift },
                o,
            ) => {
                assert_eq!((o.width, o.height), (*width, *height));
                Some((*x, *y, *width, *height, *opacity, (*step_x, *step_y, *row_shift)))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_cascade_places_each_watermark_on_the_size_it_meets() {
    let mut fake = Fake { text: (120, 40), image: (60, 30), ..Fake::default() };
    let text = Watermark { g: Gravity::Nw, x: 5, y: 6, t: 50, ..wm(Some(mark("a")), None) };
    let image = Watermark { g: Gravity::Center, voffset: 10, ..wm(None, Some("logo.png")) };
    let mixed = Watermark { interval: 4, align: 1, ..wm(Some(mark("b")), Some("logo.png")) };
    let spec = ProcessSpec {
        actions: vec![
            Action::Watermark(text),
            Action::Resize(rz_w(400)),
            Action::Watermark(image),
            Action::Rotate(90),
            Action::Watermark(mixed),
            Action::Watermark(Watermark { t: 0, ..wm(None, Some("logo.png")) }),
        ],
    };
    // 800×600 → text at (5, 6) on 800×600 → resize to 400×300 → image centred, 10 up →
    // rotate 90 → 300×400 → mixed block 60 + 4 + 120 = 184 × 40 at se: (106, 350); the image part
    // is 30 tall in a 40 block, middle → +5. The t_0 watermark draws nothing but is prepared.
    let p = plan_with(&spec, &src(800, 600), &mut fake).unwrap();
    assert_eq!(
        composites(&p),
        vec![
            (5, 6, 120, 40, 50, (0, 0, 0)),
            (170, 125, 60, 30, 100, (0, 0, 0)),
            (106, 355, 60, 30, 100, (0, 0, 0)),
            (170, 350, 120, 40, 100, (0, 0, 0)),
        ]
    );
    assert_eq!(
        fake.asked,
        [
            "text a",
            "image logo.png for 400x300",
            "image logo.png for 300x400",
            "text b",
            "image logo.png for 300x400"
        ]
    );
    let Plan::Image(ip) = &p else { unreachable!() };
    assert_eq!((ip.width, ip.height), (300, 400));
    // A watermark before the first resize turns shrink-on-load off (the composite must see the
    // full-size image); after it, shrink-on-load stays.
    assert_eq!(ip.decode.scale_denom, 1);
    let later = ProcessSpec {
        actions: vec![Action::Resize(rz_w(100)), Action::Watermark(wm(Some(mark("c")), None))],
    };
    let Plan::Image(lp) = plan_with(&later, &src(800, 600), &mut fake).unwrap() else { panic!() };
    assert_eq!(lp.decode.scale_denom, 4);
}

#[test]
fn larger_than_main_is_clipped_not_refused_and_errors_propagate() {
    let mut fake = Fake { text: (500, 500), image: (900, 20), ..Fake::default() };
    let spec = ProcessSpec {
        actions: vec![
            Action::Watermark(wm(Some(mark("big")), None)),
            Action::Watermark(Watermark { g: Gravity::North, ..wm(None, Some("wide.png")) }),
        ],
    };
    let p = plan_with(&spec, &src(100, 80), &mut fake).unwrap();
    assert_eq!(
        composites(&p),
        vec![(-410, -430, 500, 500, 100, (0, 0, 0)), (-400, 10, 900, 20, 100, (0, 0, 0))]
    );
    let bad = ProcessSpec { actions: vec![Action::Watermark(wm(None, Some("missing")))] };
    let e = plan_with(&bad, &src(100, 80), &mut fake).unwrap_err();
    assert_eq!(e.kind, ErrorKind::WatermarkError);
}

#[test]
fn fill_tiles_every_part_on_one_lattice() {
    let mut fake = Fake { text: (100, 30), image: (20, 50), ..Fake::default() };
    let filled = TextMark { fill: true, size: 24, ..mark("tile") };
    let spec = ProcessSpec {
        actions: vec![Action::Watermark(Watermark {
            interval: 6,
            ..wm(Some(filled), Some("logo.png"))
        })],
    };
    let p = plan_with(&spec, &src(1000, 700), &mut fake).unwrap();
    // Block 126×50 at se: (864, 640). Periods 150×74, shift 75; origins normalised.
    let c = composites(&p);
    assert_eq!(c.len(), 2);
    let lattice = (150, 74, 75);
    assert!(c.iter().all(|s| s.5 == lattice), "{c:?}");
    for ((x, y, ..), (px, py)) in c.iter().zip([(864i64, 640i64), (890, 660)]) {
        let (nx, ny) = normalise(px, py, &Tiling { step_x: 150, step_y: 74, row_shift: 75 });
        assert_eq!((i64::from(*x), i64::from(*y)), (nx, ny));
    }
}

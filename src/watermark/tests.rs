//! Tests of text watermark rendering. They use the fonts `.ci/setup` installs (Debian paths).

use super::layout::{layout, Line};
use super::*;
use crate::ErrorKind;
use proptest::prelude::*;

/// Where fonts-dejavu-core puts DejaVu.
const DEJAVU_DIR: &str = "/usr/share/fonts/truetype/dejavu";
/// DejaVu Sans, a font with GPOS kerning and no CJK.
const DEJAVU_SANS: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// One renderer with the default configuration for the tests that do not look at its cache.
fn shared() -> &'static TextRenderer {
    TextRenderer::global()
}

/// A renderer whose only fonts are DejaVu's, with `wqy-zenhei` mapped to DejaVu Sans.
fn dejavu_only() -> TextRenderer {
    TextRenderer::new(FontConfig {
        system_fonts: false,
        font_dirs: vec![DEJAVU_DIR.into()],
        mapping: vec![("wqy-zenhei".into(), "DejaVu Sans".into())],
    })
    .unwrap()
}

/// A mark with the parser's defaults but `text` and `font`.
fn mark(text: &str, font: &str) -> TextMark {
    TextMark {
        text: text.into(),
        font: font.into(),
        color: [0, 0, 0],
        size: 40,
        shadow: 0,
        rotate: 0,
        fill: false,
    }
}

/// Ink: the sum of alpha, in fully covered pixels.
fn ink(img: &Image) -> f64 {
    img.pixels.chunks_exact(4).map(|p| f64::from(p[3])).sum::<f64>() / 255.0
}

/// The ink's centroid relative to the image's centre, px.
fn ink_offset(img: &Image) -> (f64, f64) {
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    for y in 0..img.height {
        for x in 0..img.width {
            let a = f64::from(img.pixel(x, y)[3]);
            sx += (f64::from(x) + 0.5) * a;
            sy += (f64::from(y) + 0.5) * a;
            n += a;
        }
    }
    (sx / n - f64::from(img.width) / 2.0, sy / n - f64::from(img.height) / 2.0)
}

/// The line of `text` at `size` px in OSS font `font` of `r`.
fn line_of(r: &TextRenderer, font: &str, text: &str, size: f64) -> Line {
    let slot = FONTS.iter().position(|f| *f == font).unwrap();
    layout(&r.fonts, slot, r.fonts.oss_face(slot).unwrap(), text, size, Missing::Error).unwrap()
}

#[test]
fn renderer_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<TextRenderer>();
}

#[test]
fn latin_box_is_the_advances_by_the_ascender_minus_descender() {
    let r = shared();
    let img = r.render(&mark("Hello", "wqy-zenhei")).unwrap();
    // WenQuanYi Zen Hei: 1024 units per em, hhea ascender 986, descender −304 (no
    // USE_TYPO_METRICS): at 40 px, 38.52 + 11.88 = 50.39 px, rounded out to 51.
    let face = r.fonts.face(r.fonts.oss_face(0).unwrap());
    let parsed = face.parse().unwrap();
    assert_eq!((parsed.units_per_em(), parsed.ascender(), parsed.descender()), (1024, 986, -304));
    assert_eq!(img.height, 51);
    // The width is the sum of the shaped advances, shaped here independently: 88.63 px → 89.
    let shaper = rustybuzz::Face::from_slice(face.data(), face.index()).unwrap();
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str("Hello");
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(&shaper, &[], buffer);
    let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
    let advance = f64::from(units) * 40.0 / 1024.0;
    assert!((advance - 88.63).abs() < 0.01, "{advance}");
    assert_eq!(img.width, advance.ceil() as u32);
    assert_eq!(img.pixels.len(), 89 * 51 * 4);
    // Anti-aliased: edges have partial alpha, the stems of H, l, l are solid.
    let alphas: Vec<u8> = img.pixels.chunks_exact(4).map(|p| p[3]).collect();
    let partial = alphas.iter().filter(|&&a| a > 0 && a < 255).count();
    let full = alphas.iter().filter(|&&a| a == 255).count();
    assert!(partial > 50, "partial {partial}");
    assert!(full > 100, "full {full}");
    // The colour is the mark's, alpha straight.
    assert!(img.pixels.chunks_exact(4).all(|p| p[..3] == [0, 0, 0]));
    // A column through the H's left stem (the first 10 % of the width) has a solid run.
    let solid_in_stem = (0..img.height).any(|y| (0..9).any(|x| img.pixel(x, y)[3] == 255));
    assert!(solid_in_stem);
}

#[test]
fn kerning_pulls_a_and_v_together() {
    let r = TextRenderer::new(FontConfig {
        mapping: vec![("wqy-zenhei".into(), DEJAVU_SANS.into())],
        ..FontConfig::default()
    })
    .unwrap();
    assert!(r.fonts()[0].1.as_deref().unwrap().starts_with("DejaVu Sans ("));
    let adv = |t: &str| line_of(&r, "wqy-zenhei", t, 40.0).advance;
    let (a, v, av) = (adv("A"), adv("V"), adv("AV"));
    // DejaVu Sans kerns A–V by about −0.08 em: −3 px at 40 px.
    assert!(a + v - av > 1.0, "A {a} + V {v} vs AV {av}");
    let w = |t: &str| r.render(&mark(t, "wqy-zenhei")).unwrap().width;
    assert!(w("AV") < w("A") + w("V"));
}

#[test]
fn chinese_glyphs_are_drawn() {
    let r = shared();
    let text = "图片服务";
    let img = r.render(&mark(text, "wqy-zenhei")).unwrap();
    // Four CJK glyphs 40 px wide: a Hei glyph's strokes cover roughly a quarter of its 40×40
    // em square (~400 px each). 10 % (160 px a glyph, 640 in all) is far above what stray marks
    // would give and far below real text.
    let total = ink(&img);
    assert!(total > 640.0, "ink {total}");
    // Each character is a different drawing: no two have the same ink.
    let inks: Vec<f64> = text
        .chars()
        .map(|c| ink(&r.render(&mark(&c.to_string(), "wqy-zenhei")).unwrap()))
        .collect();
    for (i, a) in inks.iter().enumerate() {
        assert!(*a > 160.0, "{inks:?}");
        for b in &inks[i + 1..] {
            assert!((a - b).abs() > 1.0, "{inks:?}");
        }
    }
    // A font without the glyphs has nothing to draw: an error, never tofu boxes; drawn as blank,
    // its ink is nothing next to the real glyphs'.
    let dejavu = dejavu_only();
    let err = dejavu.render(&mark(text, "wqy-zenhei")).unwrap_err();
    assert_eq!(err.kind, ErrorKind::WatermarkError);
    assert!(err.message.contains("U+56FE"), "{}", err.message);
    let blank = dejavu.render_missing_as_blank(&mark(text, "wqy-zenhei")).unwrap();
    assert!(blank.width > 40, "the missing glyphs still advance");
    let ratio = total / ink(&blank).max(1.0);
    assert!(ratio > 100.0, "ink {total} vs {}", ink(&blank));
}

#[test]
fn fallback_draws_what_the_requested_font_lacks() {
    let r = shared();
    for font in ["droidsansfallback", "wqy-zenhei"] {
        let line = line_of(r, font, "Hello 图片", 40.0);
        assert!(line.glyphs.iter().all(|g| g.id != 0), "{font}: a .notdef");
        assert!(ink(&r.render(&mark("Hello 图片", font)).unwrap()) > 400.0);
    }
    // é and ★ are in WenQuanYi Zen Hei; ☃ (U+2603) is in none of the seven OSS fonts and comes
    // from DejaVu Sans.
    let img = r.render(&mark("Héllo ★ ☃", "wqy-zenhei")).unwrap();
    let line = line_of(r, "wqy-zenhei", "Héllo ★ ☃", 40.0);
    let zenhei = r.fonts.oss_face(0).unwrap();
    let faces: Vec<usize> = line.glyphs.iter().map(|g| g.face).collect();
    assert!(faces[..faces.len() - 1].iter().all(|&f| f == zenhei), "{faces:?}");
    let snowman = *faces.last().unwrap();
    assert!(r.fonts.face(snowman).describe().starts_with("DejaVu Sans ("));
    // The snowman is drawn: ink in the last glyph's cell.
    let x0 = line.glyphs.last().unwrap().x as u32;
    let cell: f64 = (0..img.height)
        .flat_map(|y| (x0..img.width).map(move |x| (x, y)))
        .map(|(x, y)| f64::from(img.pixel(x, y)[3]) / 255.0)
        .sum();
    assert!(cell > 100.0, "snowman ink {cell}");
}

#[test]
fn every_oss_font_resolves_and_draws() {
    let r = shared();
    let fonts = r.fonts();
    assert_eq!(fonts.len(), 7);
    for (i, (name, resolved)) in fonts.into_iter().enumerate() {
        assert_eq!(name, FONTS[i]);
        let resolved = resolved.unwrap_or_else(|| panic!("{name} is not installed"));
        assert!(resolved.starts_with(&format!("{} (", fonts::DEFAULT_FAMILIES[i])), "{resolved}");
        // Two CJK glyphs at 40 px: more than 10 % of two em squares (see chinese_glyphs_are_drawn).
        let img = r.render(&mark("水印", name)).unwrap();
        assert!(ink(&img) > 320.0, "{name}: ink {}", ink(&img));
    }
    // Zen Hei and its Sharp face are two faces of one collection.
    let (zen, sharp) = (r.fonts.oss_face(0).unwrap(), r.fonts.oss_face(4).unwrap());
    assert_ne!(zen, sharp);
    assert_eq!(r.fonts.face(zen).data().as_ptr(), r.fonts.face(sharp).data().as_ptr());
}

#[test]
fn rotation_turns_the_box() {
    let r = shared();
    let at =
        |rotate: u32| r.render(&TextMark { rotate, ..mark("Hello 图片", "wqy-zenhei") }).unwrap();
    let base = at(0);
    let (w, h) = (base.width, base.height);
    assert_eq!(*at(360), *base, "360° is no rotation");
    let r90 = at(90);
    assert!(r90.width.abs_diff(h) <= 1 && r90.height.abs_diff(w) <= 1, "{r90:?} vs {w}×{h}");
    // Clockwise: the ink's centre, left of the box's centre by (dx, dy) in "图片 . . ." (dense
    // glyphs, then dots), turns to (−dy, dx): the start of the text goes up.
    let dots = |rotate: u32| r.render(&TextMark { rotate, ..mark("图片 . . .", "wqy-zenhei") });
    let (dx, dy) = ink_offset(&dots(0).unwrap());
    assert!(dx < -10.0, "{dx}");
    let (rx, ry) = ink_offset(&dots(90).unwrap());
    assert!((rx + dy).abs() < 1.0 && (ry - dx).abs() < 1.0, "({dx}, {dy}) → ({rx}, {ry})");
    let r180 = at(180);
    assert_eq!((r180.width, r180.height), (w, h));
    let (i0, i180) = (ink(&base), ink(&r180));
    assert!((i0 - i180).abs() < i0 * 0.01, "{i0} vs {i180}");
    let r45 = at(45);
    let side = f64::from(w + h) / std::f64::consts::SQRT_2;
    for got in [r45.width, r45.height] {
        assert!((f64::from(got) - side).abs() <= 2.0, "{got} vs {side}");
    }
    assert!((ink(&r45) - i0).abs() < i0 * 0.02, "rotation keeps the ink");
}

#[test]
fn shadow_is_offset_down_right_and_grows_the_block() {
    let r = shared();
    let plain = r.render(&mark("Hello", "wqy-zenhei")).unwrap();
    let shadowed = r.render(&TextMark { shadow: 50, ..mark("Hello", "wqy-zenhei") }).unwrap();
    // d = max(1, round(40 / 20)) = 2.
    let d = 2;
    assert_eq!((shadowed.width, shadowed.height), (plain.width + d, plain.height + d));
    assert_eq!(raster::shadow_offset(40.0), 2);
    assert_eq!(raster::shadow_offset(10.0), 1);
    assert_eq!(raster::shadow_offset(1.0), 1);
    // A pixel without text whose up-left neighbour (d, d) is solid text: shadow only — black,
    // alpha 50 % of 255.
    let alpha = |x: u32, y: u32| {
        if x < plain.width && y < plain.height {
            plain.pixel(x, y)[3]
        } else {
            0
        }
    };
    let (x, y) = (d..shadowed.width)
        .flat_map(|x| (d..shadowed.height).map(move |y| (x, y)))
        .find(|&(x, y)| alpha(x, y) == 0 && alpha(x - d, y - d) == 255)
        .expect("a solid stem has a bare pixel below-right");
    let px = shadowed.pixel(x, y);
    assert_eq!(px[..3], [0, 0, 0]);
    assert!(px[3].abs_diff(128) <= 1, "{px:?}");
    // Solid text stays solid and keeps its colour over its shadow.
    let red = r.render(&TextMark { shadow: 50, color: [255, 0, 0], ..mark("Hello", "wqy-zenhei") });
    let red = red.unwrap();
    let (sx, sy) = (0..plain.width)
        .flat_map(|x| (0..plain.height).map(move |y| (x, y)))
        .find(|&(x, y)| alpha(x, y) == 255)
        .unwrap();
    assert_eq!(red.pixel(sx, sy), [255, 0, 0, 255]);
    // shadow 0: no shadow, no growth.
    let none = r.render(&TextMark { shadow: 0, ..mark("Hello", "wqy-zenhei") }).unwrap();
    assert_eq!(*none, *plain);
}

#[test]
fn missing_fonts_are_errors() {
    let file = TextRenderer::new(FontConfig {
        mapping: vec![("wqy-zenhei".into(), "/nonexistent.ttf".into())],
        ..FontConfig::default()
    });
    assert!(file.unwrap_err().message.contains("/nonexistent.ttf"));
    let not_a_font = TextRenderer::new(FontConfig {
        mapping: vec![(
            "wqy-zenhei".into(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml").into(),
        )],
        ..FontConfig::default()
    });
    assert!(not_a_font.unwrap_err().message.contains("not a font"));
    let unknown_name = TextRenderer::new(FontConfig {
        mapping: vec![("arial".into(), "DejaVu Sans".into())],
        ..FontConfig::default()
    });
    assert!(unknown_name.unwrap_err().message.contains("\"arial\" is not an OSS font name"));
    let bad_dir = TextRenderer::new(FontConfig {
        font_dirs: vec!["/nonexistent-fonts".into()],
        ..FontConfig::default()
    });
    assert!(bad_dir.is_err());

    // A family that is not installed: the renderer loads, the request fails with EC 251.
    let r = TextRenderer::new(FontConfig {
        mapping: vec![("fangzhengkaiti".into(), "No Such Family Kai".into())],
        ..FontConfig::default()
    })
    .unwrap();
    assert_eq!(r.fonts()[3], ("fangzhengkaiti", None));
    let err = r.render(&mark("水印", "fangzhengkaiti")).unwrap_err();
    assert_eq!((err.kind, err.ec), (ErrorKind::InvalidArgument, Some("0040-00000251")));
    assert!(err.message.contains("\"fangzhengkaiti\" is not installed"), "{}", err.message);
    // The other names still work; a name the parser would refuse is the same error.
    assert!(r.render(&mark("水印", "wqy-zenhei")).is_ok());
    assert_eq!(r.render(&mark("x", "arial")).unwrap_err().ec, Some("0040-00000251"));
}

#[test]
fn a_character_no_font_has_is_an_error() {
    let err = shared().render(&mark("a\u{10FFFD}", "wqy-zenhei")).unwrap_err();
    assert_eq!(err.kind, ErrorKind::WatermarkError);
    assert!(err.message.contains("U+10FFFD"), "{}", err.message);
}

#[test]
fn controls_are_spaces_and_ignorables_are_hidden() {
    let r = shared();
    let spaced = r.render(&mark("a b c", "wqy-zenhei")).unwrap();
    assert_eq!(*r.render(&mark("a\nb\tc", "wqy-zenhei")).unwrap(), *spaced);
    let adv = |t: &str| line_of(r, "wqy-zenhei", t, 40.0).advance;
    assert_eq!(adv("a\r\nb"), adv("a  b"), "CR LF is two spaces");
    assert_eq!(adv("a\u{200D}b"), adv("ab"), "ZWJ takes no room");
    assert_eq!(adv("水\u{FE0F}"), adv("水"), "a variation selector takes no room");
    assert_eq!(adv("\u{200D}水"), adv("水"), "a leading ignorable");
    assert!(r.render(&mark("\u{200D}", "wqy-zenhei")).is_ok(), "nothing but an ignorable");
}

#[test]
fn empty_and_extreme_marks_never_panic() {
    let r = shared();
    let empty = r.render(&mark("", "wqy-zenhei")).unwrap();
    assert_eq!((empty.width, empty.height), (1, 51));
    assert_eq!(ink(&empty), 0.0);
    let zero = r.render(&TextMark { size: 0, ..mark("水印", "wqy-zenhei") }).unwrap();
    assert_eq!((zero.width, zero.height), (1, 1));
    for size in [u32::MAX, 1_000_000] {
        let err = r.render(&TextMark { size, ..mark("水印", "wqy-zenhei") }).unwrap_err();
        assert_eq!(err.kind, ErrorKind::WatermarkError);
    }
    // 64 bytes of W at the largest size turned 45°: a block of over 10⁹ px, refused before
    // anything is allocated.
    let huge = TextMark { size: 1000, rotate: 45, ..mark(&"W".repeat(64), "wqy-zenhei") };
    assert_eq!(r.render(&huge).unwrap_err().kind, ErrorKind::WatermarkError);
    let odd = TextMark { rotate: u32::MAX, shadow: u32::MAX, ..mark("水印", "wqy-zenhei") };
    let img = r.render(&odd).unwrap();
    assert_eq!(img.pixels.len(), img.width as usize * img.height as usize * 4);
}

#[test]
fn every_unrotated_valid_block_is_within_the_limit() {
    // The widest ASCII line (64 bytes, the parser's limit) at the largest size, with the largest
    // shadow offset, in every OSS font: laid out only (drawing 70 M px takes seconds unoptimised).
    let r = shared();
    let d = raster::shadow_offset(1000.0);
    for font in FONTS {
        for c in ['M', 'W', 'm', '@'] {
            let line = line_of(r, font, &c.to_string().repeat(64), 1000.0);
            let frame = raster::Frame::new(line.advance, line.ascent + line.descent, 0);
            let pixels = (frame.out_w + d) * (frame.out_h + d);
            assert!(pixels <= raster::MAX_BLOCK_PIXELS, "{font} {c}: {pixels}");
        }
    }
}

#[test]
fn equal_marks_share_one_cached_block() {
    let r = TextRenderer::new(FontConfig::default()).unwrap();
    let m = mark("Hello 图片", "wqy-zenhei");
    let a = r.render(&m).unwrap();
    let b = r.render(&m).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    let tiled = r.render(&TextMark { fill: true, ..m.clone() }).unwrap();
    assert!(Arc::ptr_eq(&a, &tiled), "fill is not part of the block");
    let red = r.render(&TextMark { color: [255, 0, 0], ..m.clone() }).unwrap();
    assert!(!Arc::ptr_eq(&a, &red));
}

#[test]
fn the_cache_evicts_the_least_recently_used_within_its_budget() {
    let image = |bytes: usize| Arc::new(Image { width: 1, height: 1, pixels: vec![0; bytes] });
    let key = |n: u32| CacheKey { size: n, ..CacheKey::of(&mark("x", "wqy-zenhei")) };
    let mut cache = Cache::default();
    let quarter = CACHE_BYTES / 4;
    for n in 0..4 {
        cache.insert(key(n), image(quarter));
    }
    assert_eq!(cache.bytes, CACHE_BYTES);
    assert!(cache.get(&key(0)).is_some()); // 0 is now the most recent; 1 the least
    cache.insert(key(4), image(quarter));
    assert!(cache.get(&key(1)).is_none(), "the least recently used went");
    assert!(cache.get(&key(0)).is_some());
    assert_eq!(cache.bytes, CACHE_BYTES);
    // Larger than the whole budget: handed out, not kept.
    let big = cache.insert(key(9), image(CACHE_BYTES + 1));
    assert_eq!(big.pixels.len(), CACHE_BYTES + 1);
    assert!(cache.get(&key(9)).is_none());
    assert_eq!(cache.entries.len(), 4);
}

/// Characters the property test draws text from: ASCII, CJK, controls, ignorables, anything.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        4 => proptest::char::range('\u{4E00}', '\u{9FFF}'),
        1 => prop::sample::select(vec!['\n', '\t', '\r', '\u{200D}', '\u{FE0F}', '\u{0301}', '★']),
        1 => any::<char>(),
    ]
}

proptest! {
    // Each case lays out and draws a block of up to ~40 M px (8 CJK chars at 1000 px, 45°) in an
    // unoptimised build: 48 cases keep the test within seconds.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_mark_renders_or_fails_cleanly(
        chars in proptest::collection::vec(any_char(), 0..8),
        size in prop_oneof![1u32..=100, 1u32..=1000],
        rotate in 0u32..=360,
        shadow in 0u32..=100,
        font in prop::sample::select(FONTS.to_vec()),
    ) {
        let text: String = chars.into_iter().collect();
        let m = TextMark { size, rotate, shadow, ..mark(&text, font) };
        match shared().render_missing_as_blank(&m) {
            Ok(img) => {
                prop_assert!(img.width >= 1 && img.height >= 1);
                prop_assert_eq!(img.pixels.len(), img.width as usize * img.height as usize * 4);
            }
            Err(e) => prop_assert_eq!(e.kind, ErrorKind::WatermarkError),
        }
        match shared().render(&m) {
            Ok(img) => prop_assert_eq!(img.pixels.len(), img.width as usize * img.height as usize * 4),
            Err(e) => prop_assert_eq!(e.kind, ErrorKind::WatermarkError),
        }
    }
}

//! The `x-oss-process` language (`process`) and the planner (`plan`).
//!
//! Inputs are either raw text or cascades built from the language's own vocabulary (action
//! names, parameter keys, numbers near the limits, keywords, Base64url watermark texts and
//! nested processes), so both the lexer and every action's validation are reached. For every
//! string that parses: its canonical `Display` parses back to the same value and is never
//! longer than the input (`process::display`'s contract). Every parsed cascade is planned
//! against a random source header (format, size, orientation, frames, alpha) without panicking,
//! and a planned image stays within the result limits. Style resolution and `sys/saveas` POST
//! bodies are parsed from the same text.
#![no_main]

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ossimg::plan::{self, Plan, SourceInfo};
use ossimg::process::{self, encode_base64url, Format, ProcessRequest};

const KEYS: &[&str] = &[
    "w", "h", "l", "s", "m", "limit", "color", "p", "P", "x", "y", "g", "r", "i", "a", "b", "q",
    "Q", "t", "text", "type", "size", "shadow", "rotate", "fill", "order", "align", "interval",
    "voffset", "image",
];
const WORDS: &[&str] = &[
    "lfit", "mfit", "fill", "pad", "fixed", "nw", "north", "ne", "west", "center", "east", "sw",
    "south", "se", "jpg", "jpeg", "png", "webp", "bmp", "gif", "tiff", "heic", "avif", "lossless",
    "FF0000", "000000", "fff", "", "-1", "0", "1", "00", "+1", "1.5", "zz",
];
const NESTED: &[&str] = &[
    "logo.png",
    "logo.png?x-oss-process=image/resize,P_30",
    "dir/mark.png?x-oss-process=image/rotate,90/crop,w_10,h_10",
    "a.png?x-oss-process=image/resize,w_10/watermark,text_eA",
    "wqy-zenhei",
    "fangzhengshusong",
    "Hello, 世界",
];
const FORMATS: [Format; 8] = Format::ALL;

/// A number near one of the limits the language uses.
fn number(u: &mut Unstructured) -> Result<String> {
    const EDGES: &[i64] = &[
        0,
        1,
        2,
        4,
        9,
        10,
        50,
        99,
        100,
        101,
        359,
        360,
        361,
        1000,
        4096,
        4097,
        16384,
        16385,
        30000,
        4_294_967_296,
    ];
    Ok(match u.int_in_range(0..=3)? {
        0 => u.choose(EDGES)?.to_string(),
        1 => (-u.choose(EDGES)?).to_string(),
        2 => u.int_in_range(0..=20_000u32)?.to_string(),
        _ => u.arbitrary::<i64>()?.to_string(),
    })
}

/// One parameter value.
fn value(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=5)? {
        0 | 1 => number(u)?,
        2 => (*u.choose(WORDS)?).to_string(),
        3 => encode_base64url(u.choose(NESTED)?.as_bytes()),
        4 => encode_base64url(u.arbitrary::<&str>()?.as_bytes()),
        _ => u.arbitrary::<&str>()?.replace(['/', ','], ""),
    })
}

/// One action: a name, then bare values or `key_value` pairs.
fn action(u: &mut Unstructured) -> Result<String> {
    let mut s = (*u.choose(&process::ACTION_NAMES)?).to_string();
    for _ in 0..u.int_in_range(0..=5)? {
        s.push(',');
        if u.ratio(1, 4)? {
            s.push_str(&value(u)?);
        } else {
            s.push_str(u.choose(KEYS)?);
            s.push('_');
            s.push_str(&value(u)?);
        }
    }
    Ok(s)
}

/// A process string: raw text, a style reference, or a built cascade.
fn process_string(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=7)? {
        0 => u.arbitrary::<&str>()?.to_string(),
        1 => format!("style/{}", u.arbitrary::<&str>()?),
        _ => {
            let mut s = String::from("image");
            for _ in 0..u.int_in_range(0..=6)? {
                s.push('/');
                s.push_str(&action(u)?);
            }
            s
        }
    })
}

/// A source header as the probe could report it.
fn source(u: &mut Unstructured) -> Result<SourceInfo> {
    let side = |u: &mut Unstructured| -> Result<u32> {
        Ok(match u.int_in_range(0..=3)? {
            0 => u.int_in_range(0..=64)?,
            1 => u.int_in_range(1..=5000)?,
            2 => *u.choose(&[4095, 4096, 16384, 30000, 30001, u32::MAX])?,
            _ => u.arbitrary()?,
        })
    };
    Ok(SourceInfo {
        format: *u.choose(&FORMATS)?,
        width: side(u)?,
        height: side(u)?,
        orientation: u.int_in_range(0..=9)?,
        has_alpha: u.arbitrary()?,
        frames: *u.choose(&[1, 1, 2, 44, 1000, 0, u32::MAX])?,
        file_size: u.arbitrary()?,
        jpeg_quality: u.arbitrary::<Option<u8>>()?.map(|q| u32::from(q % 101)),
        loop_count: u.arbitrary()?,
    })
}

fn check(text: &str, src: &SourceInfo) {
    let _ = process::parse_post_body(text);
    let styled = |name: &str| (name.len() < 8).then(|| "image/resize,w_10/format,png".to_string());
    let _ = process::resolve(text, &styled);
    let Ok(req) = process::parse(text) else { return };
    let shown = req.to_string();
    assert!(shown.len() <= text.len(), "canonical {shown:?} is longer than {text:?}");
    match process::parse(&shown) {
        Ok(again) => assert_eq!(again, req, "{text:?} → {shown:?} parses differently"),
        Err(e) => panic!("{text:?} → {shown:?} does not parse: {e}"),
    }
    let ProcessRequest::Image(spec) = req else { return };
    if let Ok(Plan::Image(p)) = plan::plan(&spec, src) {
        // A result is never empty, and never larger than the largest source accepted (250 MP,
        // spec §2) or the largest resize result (4096²).
        assert!(p.width >= 1 && p.height >= 1, "empty result {}x{} for {shown}", p.width, p.height);
        assert!(
            u64::from(p.width) * u64::from(p.height) <= 16384 * 16384,
            "result {}x{} for {shown} on {src:?}",
            p.width,
            p.height
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(src) = source(&mut u) else { return };
    let Ok(text) = process_string(&mut u) else { return };
    check(&text, &src);
});

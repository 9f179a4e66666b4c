//! The `info` answer (spec §3.16): basic keys, JFIF density and one key per EXIF tag, as the
//! exact JSON text OSS returns.
//!
//! Rendering choices (spec rendering notes are [D]/[U]; these follow Exiv2's `toString`, i.e.
//! what `exiv2 -pv` prints, except where the spec's sample shows otherwise):
//! * names are Exiv2's (last key component), from Exiv2 0.27's tag tables; tags Exiv2 does not
//!   name are left out;
//! * integers are decimal, rationals `num/den`, several values are space-separated, ASCII
//!   values end at their first NUL;
//! * pointer tags (`ExifTag`, `GPSTag`, `InteroperabilityTag`) are the raw offsets;
//! * `GPS…Ref` latitude/longitude references are spelled out (`North`, `South`, `East`,
//!   `West`), and GPS coordinates with three rationals use Exiv2's `printDegrees`
//!   (`<d>deg <m>' <s>" `, each part followed by a space, trailing zero parts dropped: the
//!   sample's `"0deg "`);
//! * `UserComment` is Exiv2's `charset=<Name> <text>` form; `MakerNote` and any other
//!   UNDEFINED or BYTE value longer than [`MAX_BLOB`] bytes (vendor blobs, XMP packets, ICC
//!   profiles, padding) are left out [U];
//! * IFD1 (thumbnail) tags are unprefixed; where IFD0 has the same tag, IFD0 wins [U]; TIFF
//!   sources report IFD0 only (their IFD1 is the second page, not a thumbnail);
//! * JFIF density gives `ResolutionUnit` (JFIF units + 1, the EXIF code), `XResolution` and
//!   `YResolution` (`density/1`); EXIF values of the same names replace them [U];
//! * PNG, GIF and BMP give no EXIF keys (PNG per spec); HEIF EXIF is not extracted yet;
//! * the basic keys (`FileSize`, `Format`, `FrameCount`, `ImageHeight`, `ImageWidth`) always
//!   win over EXIF tags of the same name: `ImageWidth` is the real canvas.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ::exif::{Context, Field, Tag, Value};

use crate::codec::exif::{exif_block, parse};
use crate::codec::probe::{be16, jpeg_segments, readers, tiff_ifd};
use crate::plan::SourceInfo;
use crate::process::Format;

/// UNDEFINED/BYTE values longer than this are binary blobs and are left out. The longest
/// textual-ish values of the standard (version fields, ComponentsConfiguration, GPS version,
/// short OECF/CFA patterns) are far below.
const MAX_BLOB: usize = 64;

/// Builds the `info` JSON for a source whose header was probed into `src`.
///
/// The text is byte-for-byte the layout of the spec's sample: `{`, one member per line with a
/// two-space indent, `"<Name>": {"value": "<string>"}`, members separated by `,\n`, keys
/// sorted, and the closing `}` right after the last member.
pub fn info_json(bytes: &[u8], src: &SourceInfo) -> crate::Result<String> {
    let mut members: BTreeMap<String, String> = BTreeMap::new();
    if src.format == Format::Jpg {
        jfif_density(bytes, &mut members);
    }
    if src.format != Format::Png {
        for (k, v) in exif_members(bytes, src.format) {
            members.insert(k, v);
        }
    }
    members.insert("FileSize".into(), src.file_size.to_string());
    members.insert("Format".into(), src.format.name().into());
    // A multi-page TIFF is processed as its first page; `FrameCount` reports its pages.
    let frames =
        if src.format == Format::Tiff { super::tiff::page_count(bytes) } else { src.frames };
    members.insert("FrameCount".into(), frames.to_string());
    members.insert("ImageHeight".into(), src.height.to_string());
    members.insert("ImageWidth".into(), src.width.to_string());

    let mut out = String::from("{\n");
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str("  ");
        json_string(&mut out, k);
        out.push_str(": {\"value\": ");
        json_string(&mut out, v);
        out.push('}');
    }
    out.push('}');
    Ok(out)
}

/// Appends `s` as a JSON string literal.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// JFIF APP0 density: units 0/1/2 (none, dpi, dpcm) map to EXIF ResolutionUnit 1/2/3.
fn jfif_density(bytes: &[u8], members: &mut BTreeMap<String, String>) {
    let Some(app0) = jpeg_segments(bytes)
        .take_while(|s| s.marker != 0xDA)
        .find(|s| s.marker == 0xE0 && s.data.starts_with(b"JFIF\0"))
    else {
        return;
    };
    // "JFIF\0", version (2), units (1), Xdensity (2), Ydensity (2).
    let (Some(&units), Some(x), Some(y)) =
        (app0.data.get(7), be16(app0.data, 8), be16(app0.data, 10))
    else {
        return;
    };
    if units <= 2 {
        members.insert("ResolutionUnit".into(), (u32::from(units) + 1).to_string());
    }
    members.insert("XResolution".into(), format!("{x}/1"));
    members.insert("YResolution".into(), format!("{y}/1"));
}

/// The EXIF members of a source, first definition of a name winning (IFD0 and its sub-IFDs
/// before IFD1).
fn exif_members(bytes: &[u8], format: Format) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(block) = exif_block(bytes, format) else {
        return out;
    };
    let Some(exif) = parse(block) else { return out };
    let max_ifd = if format == Format::Tiff { 0 } else { 1 };
    let mut fields: Vec<&Field> = exif.fields().filter(|f| f.ifd_num.index() <= max_ifd).collect();
    // Stable: keeps the file order within an IFD.
    fields.sort_by_key(|f| f.ifd_num.index());
    let le = exif.little_endian();
    for (name, value) in pointer_tags(block) {
        out.entry(name.to_string()).or_insert(value.to_string());
    }
    for f in fields {
        let Some(name) = exiv2_name(f.tag) else {
            continue;
        };
        if out.contains_key(name) {
            continue;
        }
        if let Some(v) = render(f, le) {
            out.insert(name.to_string(), v);
        }
    }
    out
}

/// The IFD pointer tags that `kamadak-exif` follows but does not report: IFD0's `ExifTag`
/// (0x8769) and `GPSTag` (0x8825), and the Exif IFD's `InteroperabilityTag` (0xA005), as raw
/// offsets.
fn pointer_tags(tiff: &[u8]) -> Vec<(&'static str, u32)> {
    let le = tiff.starts_with(b"II");
    let (r16, r32) = readers(le);
    // A pointer is a LONG (4) or IFD (13) with count 1.
    let pointer = |entry: usize| -> Option<u32> {
        matches!(r16(tiff, entry + 2)?, 4 | 13).then_some(())?;
        (r32(tiff, entry + 4)? == 1).then_some(())?;
        r32(tiff, entry + 8)
    };
    let mut out = Vec::new();
    let Some(ifd0) = r32(tiff, 4).and_then(|o| tiff_ifd(tiff, o as usize, le)) else {
        return out;
    };
    for &(tag, entry) in &ifd0 {
        let Some(v) = pointer(entry) else { continue };
        match tag {
            0x8769 => {
                out.push(("ExifTag", v));
                let sub = tiff_ifd(tiff, v as usize, le).unwrap_or_default();
                if let Some(iop) =
                    sub.iter().find(|(t, _)| *t == 0xA005).and_then(|&(_, e)| pointer(e))
                {
                    out.push(("InteroperabilityTag", iop));
                }
            }
            0x8825 => out.push(("GPSTag", v)),
            _ => {}
        }
    }
    out
}

/// The Exiv2 name (last key component) of a tag, `None` for tags Exiv2 does not know.
fn exiv2_name(tag: Tag) -> Option<&'static str> {
    let group = match tag.context() {
        Context::Tiff => 0,
        Context::Exif => 1,
        Context::Gps => 2,
        Context::Interop => 3,
        _ => return None,
    };
    EXIV2_NAMES
        .binary_search_by_key(&(group, tag.number()), |&(g, n, _)| (g, n))
        .ok()
        .map(|i| EXIV2_NAMES[i].2)
}

/// Joins the items of a value with single spaces.
fn join<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(" ")
}

/// Renders one field's value as the `info` string; `None` leaves the field out.
fn render(f: &Field, little_endian: bool) -> Option<String> {
    let gps = f.tag.context() == Context::Gps;
    if gps {
        if let Some(s) = gps_special(f) {
            return Some(s);
        }
    }
    if f.tag == Tag::MakerNote {
        return None;
    }
    if f.tag == Tag::UserComment {
        if let Value::Undefined(bytes, _) = &f.value {
            return Some(user_comment(bytes, little_endian));
        }
    }
    Some(match &f.value {
        Value::Byte(v) if v.len() <= MAX_BLOB => join(v, u8::to_string),
        Value::Undefined(v, _) if v.len() <= MAX_BLOB => join(v, u8::to_string),
        Value::Byte(_) | Value::Undefined(..) => return None,
        Value::Ascii(v) => String::from_utf8_lossy(v.first()?).into_owned(),
        Value::Short(v) => join(v, u16::to_string),
        Value::Long(v) => join(v, u32::to_string),
        Value::SByte(v) => join(v, i8::to_string),
        Value::SShort(v) => join(v, i16::to_string),
        Value::SLong(v) => join(v, i32::to_string),
        Value::Rational(v) => join(v, |r| format!("{}/{}", r.num, r.denom)),
        Value::SRational(v) => join(v, |r| format!("{}/{}", r.num, r.denom)),
        Value::Float(v) => join(v, f32::to_string),
        Value::Double(v) => join(v, f64::to_string),
        Value::Unknown(..) => return None,
    })
}

/// GPS references spelled out and coordinates in Exiv2's degree form; `None` for anything
/// else (rendered raw).
fn gps_special(f: &Field) -> Option<String> {
    match f.tag {
        Tag::GPSLatitudeRef
        | Tag::GPSDestLatitudeRef
        | Tag::GPSLongitudeRef
        | Tag::GPSDestLongitudeRef => {
            let Value::Ascii(v) = &f.value else {
                return None;
            };
            let word = match v.first()?.first()? {
                b'N' => "North",
                b'S' => "South",
                b'E' => "East",
                b'W' => "West",
                _ => return None,
            };
            Some(word.to_string())
        }
        Tag::GPSLatitude | Tag::GPSLongitude | Tag::GPSDestLatitude | Tag::GPSDestLongitude => {
            let Value::Rational(r) = &f.value else {
                return None;
            };
            if r.len() != 3 {
                return None;
            }
            Some(print_degrees(&r.iter().map(|r| (r.num, r.denom)).collect::<Vec<_>>()))
        }
        _ => None,
    }
}

/// Exiv2's `printDegrees` for three rationals: degrees, minutes, seconds, each followed by its
/// unit and a space, trailing zero parts dropped, integers without decimals and fractions
/// with 7/5/3 decimals. A zero denominator prints the raw value in parentheses.
fn print_degrees(parts: &[(u32, u32)]) -> String {
    const UNIT: [&str; 3] = ["deg", "'", "\""];
    const PRECISION: [usize; 3] = [7, 5, 3];
    let last = (1..3).rev().find(|&i| parts[i].0 != 0).unwrap_or(0);
    let mut out = String::new();
    for i in 0..=last {
        let (z, d) = parts[i];
        if d == 0 {
            let raw = join(parts, |(n, d)| format!("{n}/{d}"));
            let _ = write!(out, "({raw})");
            break;
        }
        let p = if z % d == 0 { 0 } else { PRECISION[i] };
        let _ = write!(out, "{:.*}{} ", p, f64::from(z) / f64::from(d), UNIT[i]);
    }
    out
}

/// Exiv2's `CommentValue` string: an 8-byte character-code header, then the text with
/// trailing NULs removed; `charset=<Name> ` is prefixed for a known code.
fn user_comment(bytes: &[u8], little_endian: bool) -> String {
    let (code, text) = bytes.split_at(bytes.len().min(8));
    let end = text.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
    let text = &text[..end];
    match code {
        b"ASCII\0\0\0" => format!("charset=Ascii {}", String::from_utf8_lossy(text)),
        b"UNICODE\0" => {
            let units = text.chunks_exact(2).map(|c| {
                if little_endian {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            let s: String = char::decode_utf16(units).map(|c| c.unwrap_or('\u{fffd}')).collect();
            format!("charset=Unicode {}", s.trim_end_matches('\0'))
        }
        b"JIS\0\0\0\0\0" => format!("charset=Jis {}", String::from_utf8_lossy(text)),
        _ => String::from_utf8_lossy(text).into_owned(),
    }
}

/// Exiv2 0.27 tag names as `(group, tag, name)`, sorted; groups: 0 = `Exif.Image` (IFD0 and
/// IFD1), 1 = `Exif.Photo` (Exif IFD), 2 = `Exif.GPSInfo`, 3 = `Exif.Iop`. Generated from
/// `Exiv2::ExifTags::tagList()` of libexiv2 0.27.6.
#[rustfmt::skip]
static EXIV2_NAMES: &[(u8, u16, &str)] = &[
    (0, 0x000b, "ProcessingSoftware"), (0, 0x00fe, "NewSubfileType"), (0, 0x00ff, "SubfileType"),
    (0, 0x0100, "ImageWidth"), (0, 0x0101, "ImageLength"), (0, 0x0102, "BitsPerSample"),
    (0, 0x0103, "Compression"), (0, 0x0106, "PhotometricInterpretation"),
    (0, 0x0107, "Thresholding"), (0, 0x0108, "CellWidth"), (0, 0x0109, "CellLength"),
    (0, 0x010a, "FillOrder"), (0, 0x010d, "DocumentName"), (0, 0x010e, "ImageDescription"),
    (0, 0x010f, "Make"), (0, 0x0110, "Model"), (0, 0x0111, "StripOffsets"),
    (0, 0x0112, "Orientation"), (0, 0x0115, "SamplesPerPixel"), (0, 0x0116, "RowsPerStrip"),
    (0, 0x0117, "StripByteCounts"), (0, 0x011a, "XResolution"), (0, 0x011b, "YResolution"),
    (0, 0x011c, "PlanarConfiguration"), (0, 0x011d, "PageName"), (0, 0x011e, "XPosition"),
    (0, 0x011f, "YPosition"), (0, 0x0122, "GrayResponseUnit"), (0, 0x0123, "GrayResponseCurve"),
    (0, 0x0124, "T4Options"), (0, 0x0125, "T6Options"), (0, 0x0128, "ResolutionUnit"),
    (0, 0x0129, "PageNumber"), (0, 0x012d, "TransferFunction"), (0, 0x0131, "Software"),
    (0, 0x0132, "DateTime"), (0, 0x013b, "Artist"), (0, 0x013c, "HostComputer"),
    (0, 0x013d, "Predictor"), (0, 0x013e, "WhitePoint"), (0, 0x013f, "PrimaryChromaticities"),
    (0, 0x0140, "ColorMap"), (0, 0x0141, "HalftoneHints"), (0, 0x0142, "TileWidth"),
    (0, 0x0143, "TileLength"), (0, 0x0144, "TileOffsets"), (0, 0x0145, "TileByteCounts"),
    (0, 0x014a, "SubIFDs"), (0, 0x014c, "InkSet"), (0, 0x014d, "InkNames"),
    (0, 0x014e, "NumberOfInks"), (0, 0x0150, "DotRange"), (0, 0x0151, "TargetPrinter"),
    (0, 0x0152, "ExtraSamples"), (0, 0x0153, "SampleFormat"), (0, 0x0154, "SMinSampleValue"),
    (0, 0x0155, "SMaxSampleValue"), (0, 0x0156, "TransferRange"), (0, 0x0157, "ClipPath"),
    (0, 0x0158, "XClipPathUnits"), (0, 0x0159, "YClipPathUnits"), (0, 0x015a, "Indexed"),
    (0, 0x015b, "JPEGTables"), (0, 0x015f, "OPIProxy"), (0, 0x0200, "JPEGProc"),
    (0, 0x0201, "JPEGInterchangeFormat"), (0, 0x0202, "JPEGInterchangeFormatLength"),
    (0, 0x0203, "JPEGRestartInterval"), (0, 0x0205, "JPEGLosslessPredictors"),
    (0, 0x0206, "JPEGPointTransforms"), (0, 0x0207, "JPEGQTables"), (0, 0x0208, "JPEGDCTables"),
    (0, 0x0209, "JPEGACTables"), (0, 0x0211, "YCbCrCoefficients"), (0, 0x0212, "YCbCrSubSampling"),
    (0, 0x0213, "YCbCrPositioning"), (0, 0x0214, "ReferenceBlackWhite"), (0, 0x02bc, "XMLPacket"),
    (0, 0x4746, "Rating"), (0, 0x4749, "RatingPercent"), (0, 0x7032, "VignettingCorrParams"),
    (0, 0x7035, "ChromaticAberrationCorrParams"), (0, 0x7037, "DistortionCorrParams"),
    (0, 0x800d, "ImageID"), (0, 0x828d, "CFARepeatPatternDim"), (0, 0x828e, "CFAPattern"),
    (0, 0x828f, "BatteryLevel"), (0, 0x8298, "Copyright"), (0, 0x829a, "ExposureTime"),
    (0, 0x829d, "FNumber"), (0, 0x83bb, "IPTCNAA"), (0, 0x8649, "ImageResources"),
    (0, 0x8769, "ExifTag"), (0, 0x8773, "InterColorProfile"), (0, 0x8822, "ExposureProgram"),
    (0, 0x8824, "SpectralSensitivity"), (0, 0x8825, "GPSTag"), (0, 0x8827, "ISOSpeedRatings"),
    (0, 0x8828, "OECF"), (0, 0x8829, "Interlace"), (0, 0x882a, "TimeZoneOffset"),
    (0, 0x882b, "SelfTimerMode"), (0, 0x9003, "DateTimeOriginal"),
    (0, 0x9102, "CompressedBitsPerPixel"), (0, 0x9201, "ShutterSpeedValue"),
    (0, 0x9202, "ApertureValue"), (0, 0x9203, "BrightnessValue"), (0, 0x9204, "ExposureBiasValue"),
    (0, 0x9205, "MaxApertureValue"), (0, 0x9206, "SubjectDistance"), (0, 0x9207, "MeteringMode"),
    (0, 0x9208, "LightSource"), (0, 0x9209, "Flash"), (0, 0x920a, "FocalLength"),
    (0, 0x920b, "FlashEnergy"), (0, 0x920c, "SpatialFrequencyResponse"), (0, 0x920d, "Noise"),
    (0, 0x920e, "FocalPlaneXResolution"), (0, 0x920f, "FocalPlaneYResolution"),
    (0, 0x9210, "FocalPlaneResolutionUnit"), (0, 0x9211, "ImageNumber"),
    (0, 0x9212, "SecurityClassification"), (0, 0x9213, "ImageHistory"),
    (0, 0x9214, "SubjectLocation"), (0, 0x9215, "ExposureIndex"), (0, 0x9216, "TIFFEPStandardID"),
    (0, 0x9217, "SensingMethod"), (0, 0x9c9b, "XPTitle"), (0, 0x9c9c, "XPComment"),
    (0, 0x9c9d, "XPAuthor"), (0, 0x9c9e, "XPKeywords"), (0, 0x9c9f, "XPSubject"),
    (0, 0xc4a5, "PrintImageMatching"), (0, 0xc612, "DNGVersion"), (0, 0xc613, "DNGBackwardVersion"),
    (0, 0xc614, "UniqueCameraModel"), (0, 0xc615, "LocalizedCameraModel"),
    (0, 0xc616, "CFAPlaneColor"), (0, 0xc617, "CFALayout"), (0, 0xc618, "LinearizationTable"),
    (0, 0xc619, "BlackLevelRepeatDim"), (0, 0xc61a, "BlackLevel"), (0, 0xc61b, "BlackLevelDeltaH"),
    (0, 0xc61c, "BlackLevelDeltaV"), (0, 0xc61d, "WhiteLevel"), (0, 0xc61e, "DefaultScale"),
    (0, 0xc61f, "DefaultCropOrigin"), (0, 0xc620, "DefaultCropSize"), (0, 0xc621, "ColorMatrix1"),
    (0, 0xc622, "ColorMatrix2"), (0, 0xc623, "CameraCalibration1"),
    (0, 0xc624, "CameraCalibration2"), (0, 0xc625, "ReductionMatrix1"),
    (0, 0xc626, "ReductionMatrix2"), (0, 0xc627, "AnalogBalance"), (0, 0xc628, "AsShotNeutral"),
    (0, 0xc629, "AsShotWhiteXY"), (0, 0xc62a, "BaselineExposure"), (0, 0xc62b, "BaselineNoise"),
    (0, 0xc62c, "BaselineSharpness"), (0, 0xc62d, "BayerGreenSplit"),
    (0, 0xc62e, "LinearResponseLimit"), (0, 0xc62f, "CameraSerialNumber"), (0, 0xc630, "LensInfo"),
    (0, 0xc631, "ChromaBlurRadius"), (0, 0xc632, "AntiAliasStrength"), (0, 0xc633, "ShadowScale"),
    (0, 0xc634, "DNGPrivateData"), (0, 0xc635, "MakerNoteSafety"),
    (0, 0xc65a, "CalibrationIlluminant1"), (0, 0xc65b, "CalibrationIlluminant2"),
    (0, 0xc65c, "BestQualityScale"), (0, 0xc65d, "RawDataUniqueID"),
    (0, 0xc68b, "OriginalRawFileName"), (0, 0xc68c, "OriginalRawFileData"),
    (0, 0xc68d, "ActiveArea"), (0, 0xc68e, "MaskedAreas"), (0, 0xc68f, "AsShotICCProfile"),
    (0, 0xc690, "AsShotPreProfileMatrix"), (0, 0xc691, "CurrentICCProfile"),
    (0, 0xc692, "CurrentPreProfileMatrix"), (0, 0xc6bf, "ColorimetricReference"),
    (0, 0xc6f3, "CameraCalibrationSignature"), (0, 0xc6f4, "ProfileCalibrationSignature"),
    (0, 0xc6f5, "ExtraCameraProfiles"), (0, 0xc6f6, "AsShotProfileName"),
    (0, 0xc6f7, "NoiseReductionApplied"), (0, 0xc6f8, "ProfileName"),
    (0, 0xc6f9, "ProfileHueSatMapDims"), (0, 0xc6fa, "ProfileHueSatMapData1"),
    (0, 0xc6fb, "ProfileHueSatMapData2"), (0, 0xc6fc, "ProfileToneCurve"),
    (0, 0xc6fd, "ProfileEmbedPolicy"), (0, 0xc6fe, "ProfileCopyright"),
    (0, 0xc714, "ForwardMatrix1"), (0, 0xc715, "ForwardMatrix2"),
    (0, 0xc716, "PreviewApplicationName"), (0, 0xc717, "PreviewApplicationVersion"),
    (0, 0xc718, "PreviewSettingsName"), (0, 0xc719, "PreviewSettingsDigest"),
    (0, 0xc71a, "PreviewColorSpace"), (0, 0xc71b, "PreviewDateTime"), (0, 0xc71c, "RawImageDigest"),
    (0, 0xc71d, "OriginalRawFileDigest"), (0, 0xc71e, "SubTileBlockSize"),
    (0, 0xc71f, "RowInterleaveFactor"), (0, 0xc725, "ProfileLookTableDims"),
    (0, 0xc726, "ProfileLookTableData"), (0, 0xc740, "OpcodeList1"), (0, 0xc741, "OpcodeList2"),
    (0, 0xc74e, "OpcodeList3"), (0, 0xc761, "NoiseProfile"), (0, 0xc763, "TimeCodes"),
    (0, 0xc764, "FrameRate"), (0, 0xc772, "TStop"), (0, 0xc789, "ReelName"),
    (0, 0xc791, "OriginalDefaultFinalSize"), (0, 0xc792, "OriginalBestQualityFinalSize"),
    (0, 0xc793, "OriginalDefaultCropSize"), (0, 0xc7a1, "CameraLabel"),
    (0, 0xc7a3, "ProfileHueSatMapEncoding"), (0, 0xc7a4, "ProfileLookTableEncoding"),
    (0, 0xc7a5, "BaselineExposureOffset"), (0, 0xc7a6, "DefaultBlackRender"),
    (0, 0xc7a7, "NewRawImageDigest"), (0, 0xc7a8, "RawToPreviewGain"),
    (0, 0xc7b5, "DefaultUserCrop"), (0, 0xc7e9, "DepthFormat"), (0, 0xc7ea, "DepthNear"),
    (0, 0xc7eb, "DepthFar"), (0, 0xc7ec, "DepthUnits"), (0, 0xc7ed, "DepthMeasureType"),
    (0, 0xc7ee, "EnhanceParams"), (0, 0xcd2d, "ProfileGainTableMap"), (0, 0xcd2e, "SemanticName"),
    (0, 0xcd30, "SemanticInstanceID"), (0, 0xcd31, "CalibrationIlluminant3"),
    (0, 0xcd32, "CameraCalibration3"), (0, 0xcd33, "ColorMatrix3"), (0, 0xcd34, "ForwardMatrix3"),
    (0, 0xcd35, "IlluminantData1"), (0, 0xcd36, "IlluminantData2"), (0, 0xcd37, "IlluminantData3"),
    (0, 0xcd38, "MaskSubArea"), (0, 0xcd39, "ProfileHueSatMapData3"),
    (0, 0xcd3a, "ReductionMatrix3"), (0, 0xcd3b, "RGBTables"), (1, 0x829a, "ExposureTime"),
    (1, 0x829d, "FNumber"), (1, 0x8822, "ExposureProgram"), (1, 0x8824, "SpectralSensitivity"),
    (1, 0x8827, "ISOSpeedRatings"), (1, 0x8828, "OECF"), (1, 0x8830, "SensitivityType"),
    (1, 0x8831, "StandardOutputSensitivity"), (1, 0x8832, "RecommendedExposureIndex"),
    (1, 0x8833, "ISOSpeed"), (1, 0x8834, "ISOSpeedLatitudeyyy"), (1, 0x8835, "ISOSpeedLatitudezzz"),
    (1, 0x9000, "ExifVersion"), (1, 0x9003, "DateTimeOriginal"), (1, 0x9004, "DateTimeDigitized"),
    (1, 0x9010, "OffsetTime"), (1, 0x9011, "OffsetTimeOriginal"),
    (1, 0x9012, "OffsetTimeDigitized"), (1, 0x9101, "ComponentsConfiguration"),
    (1, 0x9102, "CompressedBitsPerPixel"), (1, 0x9201, "ShutterSpeedValue"),
    (1, 0x9202, "ApertureValue"), (1, 0x9203, "BrightnessValue"), (1, 0x9204, "ExposureBiasValue"),
    (1, 0x9205, "MaxApertureValue"), (1, 0x9206, "SubjectDistance"), (1, 0x9207, "MeteringMode"),
    (1, 0x9208, "LightSource"), (1, 0x9209, "Flash"), (1, 0x920a, "FocalLength"),
    (1, 0x9214, "SubjectArea"), (1, 0x927c, "MakerNote"), (1, 0x9286, "UserComment"),
    (1, 0x9290, "SubSecTime"), (1, 0x9291, "SubSecTimeOriginal"),
    (1, 0x9292, "SubSecTimeDigitized"), (1, 0x9400, "Temperature"), (1, 0x9401, "Humidity"),
    (1, 0x9402, "Pressure"), (1, 0x9403, "WaterDepth"), (1, 0x9404, "Acceleration"),
    (1, 0x9405, "CameraElevationAngle"), (1, 0xa000, "FlashpixVersion"), (1, 0xa001, "ColorSpace"),
    (1, 0xa002, "PixelXDimension"), (1, 0xa003, "PixelYDimension"), (1, 0xa004, "RelatedSoundFile"),
    (1, 0xa005, "InteroperabilityTag"), (1, 0xa20b, "FlashEnergy"),
    (1, 0xa20c, "SpatialFrequencyResponse"), (1, 0xa20e, "FocalPlaneXResolution"),
    (1, 0xa20f, "FocalPlaneYResolution"), (1, 0xa210, "FocalPlaneResolutionUnit"),
    (1, 0xa214, "SubjectLocation"), (1, 0xa215, "ExposureIndex"), (1, 0xa217, "SensingMethod"),
    (1, 0xa300, "FileSource"), (1, 0xa301, "SceneType"), (1, 0xa302, "CFAPattern"),
    (1, 0xa401, "CustomRendered"), (1, 0xa402, "ExposureMode"), (1, 0xa403, "WhiteBalance"),
    (1, 0xa404, "DigitalZoomRatio"), (1, 0xa405, "FocalLengthIn35mmFilm"),
    (1, 0xa406, "SceneCaptureType"), (1, 0xa407, "GainControl"), (1, 0xa408, "Contrast"),
    (1, 0xa409, "Saturation"), (1, 0xa40a, "Sharpness"), (1, 0xa40b, "DeviceSettingDescription"),
    (1, 0xa40c, "SubjectDistanceRange"), (1, 0xa420, "ImageUniqueID"),
    (1, 0xa430, "CameraOwnerName"), (1, 0xa431, "BodySerialNumber"),
    (1, 0xa432, "LensSpecification"), (1, 0xa433, "LensMake"), (1, 0xa434, "LensModel"),
    (1, 0xa435, "LensSerialNumber"), (1, 0xa460, "CompositeImage"),
    (1, 0xa461, "SourceImageNumberOfCompositeImage"),
    (1, 0xa462, "SourceExposureTimesOfCompositeImage"), (1, 0xa500, "Gamma"),
    (2, 0x0000, "GPSVersionID"), (2, 0x0001, "GPSLatitudeRef"), (2, 0x0002, "GPSLatitude"),
    (2, 0x0003, "GPSLongitudeRef"), (2, 0x0004, "GPSLongitude"), (2, 0x0005, "GPSAltitudeRef"),
    (2, 0x0006, "GPSAltitude"), (2, 0x0007, "GPSTimeStamp"), (2, 0x0008, "GPSSatellites"),
    (2, 0x0009, "GPSStatus"), (2, 0x000a, "GPSMeasureMode"), (2, 0x000b, "GPSDOP"),
    (2, 0x000c, "GPSSpeedRef"), (2, 0x000d, "GPSSpeed"), (2, 0x000e, "GPSTrackRef"),
    (2, 0x000f, "GPSTrack"), (2, 0x0010, "GPSImgDirectionRef"), (2, 0x0011, "GPSImgDirection"),
    (2, 0x0012, "GPSMapDatum"), (2, 0x0013, "GPSDestLatitudeRef"), (2, 0x0014, "GPSDestLatitude"),
    (2, 0x0015, "GPSDestLongitudeRef"), (2, 0x0016, "GPSDestLongitude"),
    (2, 0x0017, "GPSDestBearingRef"), (2, 0x0018, "GPSDestBearing"),
    (2, 0x0019, "GPSDestDistanceRef"), (2, 0x001a, "GPSDestDistance"),
    (2, 0x001b, "GPSProcessingMethod"), (2, 0x001c, "GPSAreaInformation"),
    (2, 0x001d, "GPSDateStamp"), (2, 0x001e, "GPSDifferential"),
    (2, 0x001f, "GPSHPositioningError"), (3, 0x0001, "InteroperabilityIndex"),
    (3, 0x0002, "InteroperabilityVersion"), (3, 0x1000, "RelatedImageFileFormat"),
    (3, 0x1001, "RelatedImageWidth"), (3, 0x1002, "RelatedImageLength"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::probe::probe;

    fn info_of(name: &str) -> String {
        let bytes =
            std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let src = probe(&bytes).unwrap();
        info_json(&bytes, &src).unwrap()
    }

    /// Builds the expected text from `(key, value)` pairs given in sorted order, in the layout
    /// of the spec §3.16 sample (written out here independently of `info_json`).
    fn sample_layout(pairs: &[(&str, &str)]) -> String {
        let body: Vec<String> =
            pairs.iter().map(|(k, v)| format!("  \"{k}\": {{\"value\": \"{v}\"}}")).collect();
        format!("{{\n{}}}", body.join(",\n"))
    }

    #[test]
    fn layout_is_the_spec_sample() {
        // The first and last lines of the §3.16 sample, byte for byte.
        let s = sample_layout(&[("Compression", "6"), ("YResolution", "96/1")]);
        assert_eq!(
            s,
            "{\n  \"Compression\": {\"value\": \"6\"},\n  \"YResolution\": {\"value\": \"96/1\"}}"
        );
    }

    #[test]
    fn example_jpg_jfif_only() {
        // JFIF units 0, density 1x1, no EXIF (spec §3.16 table: ResolutionUnit "1", "1/1").
        let expected =
            "{\n  \"FileSize\": {\"value\": \"21839\"},\n  \"Format\": {\"value\": \"jpg\"},\n  \
            \"FrameCount\": {\"value\": \"1\"},\n  \"ImageHeight\": {\"value\": \"267\"},\n  \
            \"ImageWidth\": {\"value\": \"400\"},\n  \"ResolutionUnit\": {\"value\": \"1\"},\n  \
            \"XResolution\": {\"value\": \"1/1\"},\n  \"YResolution\": {\"value\": \"1/1\"}}";
        assert_eq!(info_of("example.jpg"), expected);
    }

    #[test]
    fn exif_72dpi_int() {
        // From `exiv2 -pv exif-72dpi-int.jpg` (IFD0, Photo, Thumbnail groups), the JFIF APP0
        // (units 0, 1x1, replaced by the EXIF values) and the SOF (500x450, 71056 bytes).
        let expected = sample_layout(&[
            ("ColorSpace", "1"),
            ("ComponentsConfiguration", "1 2 3 0"),
            ("Compression", "6"),
            ("DateTime", "2012:08:18 15:32:58"),
            ("ExifTag", "144"),
            ("ExifVersion", "48 50 50 49"),
            ("FileSize", "71056"),
            ("FlashpixVersion", "48 49 48 48"),
            ("Format", "jpg"),
            ("FrameCount", "1"),
            ("ImageHeight", "450"),
            ("ImageWidth", "500"),
            ("JPEGInterchangeFormat", "300"),
            ("JPEGInterchangeFormatLength", "4482"),
            ("Orientation", "1"),
            ("PixelXDimension", "500"),
            ("PixelYDimension", "450"),
            ("ProcessingSoftware", "gThumb 3.0.1"),
            ("ResolutionUnit", "2"),
            ("XResolution", "72"),
            ("YCbCrPositioning", "1"),
            ("YResolution", "72"),
        ]);
        assert_eq!(info_of("exif-72dpi-int.jpg"), expected);
    }

    #[test]
    fn exif_gps() {
        // From `exiv2 -pv exif_gps.jpg`: a fuzz-style file with extreme values, a one-value
        // GPSLatitude (rendered raw) and no YResolution in EXIF (so JFIF's 1/1 stays).
        let expected = sample_layout(&[
            ("BitsPerSample", "24 24 24"),
            ("BlackLevelDeltaH", "1/1 1/1 1/1"),
            ("DateTimeOriginal", "2099:09:29 10:10:10"),
            ("ExifTag", "185"),
            ("ExposureBiasValue", "2147483647/-2147483648"),
            ("ExposureTime", "4294967295/1"),
            ("FileSize", "1097"),
            ("Format", "jpg"),
            ("FrameCount", "1"),
            ("GPSAltitudeRef", "1"),
            ("GPSDateStamp", "1999:99:99 99:99:99"),
            ("GPSDifferential", "65535"),
            ("GPSLatitude", "4294967295/1"),
            ("GPSTag", "366"),
            ("GPSVersionID", "0 0 0 1"),
            ("ISOSpeed", "4294967295"),
            ("ImageHeight", "8"),
            ("ImageWidth", "8"),
            ("JPEGInterchangeFormatLength", "4294967295"),
            ("LensMake", "LensMake"),
            ("LensSpecification", "1/1 1/1 1/1 1/1"),
            ("Make", "Make"),
            ("Model", "XXX-XXX"),
            ("OECF", "170 170 170 170 170 170"),
            ("ResolutionUnit", "65535"),
            ("Sharpness", "65535"),
            ("Software", "PIL"),
            ("XResolution", "4294967295/1"),
            ("YResolution", "1/1"),
        ]);
        assert_eq!(info_of("exif_gps.jpg"), expected);
    }

    #[test]
    fn webp_gps_and_canvas() {
        let s = info_of("webp-orientation-6.webp");
        // Real canvas, not IFD0's 4032x3024 (which stays visible as ImageLength).
        assert!(s.contains("\"ImageWidth\": {\"value\": \"521\"}"));
        assert!(s.contains("\"ImageHeight\": {\"value\": \"391\"}"));
        assert!(s.contains("\"ImageLength\": {\"value\": \"3024\"}"));
        // exiv2 -pv: GPSLatitude 40/1 48/1 50712119/1000000, N; GPSLongitude 81/1 23/1
        // 59334359/1000000, W. Old Exiv2 printDegrees: integral parts without decimals,
        // seconds with 3, each part followed by a space; the quote is JSON-escaped.
        assert!(s.contains("\"GPSLatitude\": {\"value\": \"40deg 48' 50.712\\\" \"}"), "{s}");
        assert!(s.contains("\"GPSLongitude\": {\"value\": \"81deg 23' 59.334\\\" \"}"));
        assert!(s.contains("\"GPSLatitudeRef\": {\"value\": \"North\"}"));
        assert!(s.contains("\"GPSLongitudeRef\": {\"value\": \"West\"}"));
        assert!(s.contains("\"ISOSpeedRatings\": {\"value\": \"50\"}"));
        assert!(s.contains("\"Orientation\": {\"value\": \"6\"}"));
        assert!(s.contains("\"Format\": {\"value\": \"webp\"}"));
        // IFD1's Compression is there, unprefixed; IFD0's ImageWidth (4032) lost to the canvas
        // and IFD1's ImageWidth (512) to IFD0.
        assert!(s.contains("\"Compression\": {\"value\": \"6\"}"));
        assert!(!s.contains("4032") && !s.contains("\"512\""));
    }

    #[test]
    fn jpeg_with_interop_and_zero_gps() {
        let s = info_of("paris_exif_xmp_icc.jpg");
        // exiv2 -pv: GPSLatitude 0/1 0/1 0/1 → the sample's "0deg ".
        assert!(s.contains("\"GPSLatitude\": {\"value\": \"0deg \"}"), "{s}");
        assert!(s.contains("\"GPSLongitudeRef\": {\"value\": \"East\"}"));
        assert!(s.contains("\"GPSTimeStamp\": {\"value\": \"18/1 30/1 31/1\"}"));
        assert!(s.contains("\"GPSImgDirectionRef\": {\"value\": \"M\"}"));
        assert!(s.contains("\"GPSTag\": {\"value\": \"900\"}"));
        assert!(s.contains("\"ExifTag\": {\"value\": \"214\"}"));
        assert!(s.contains("\"CompositeImage\": {\"value\": \"3\"}"));
        assert!(s.contains("\"SceneType\": {\"value\": \"1\"}"));
        assert!(s.contains("\"ShutterSpeedValue\": {\"value\": \"11357/1129\"}"));
        // EXIF density (300/1, inch) replaces JFIF's (units 1, 300x300 → 300/1).
        assert!(s.contains("\"XResolution\": {\"value\": \"300/1\"}"));
        assert!(s.contains("\"ResolutionUnit\": {\"value\": \"2\"}"));
    }

    #[test]
    fn png_has_no_exif_keys() {
        // orientation-6.png carries an eXIf chunk (Orientation 6); PNG info lists no EXIF.
        let expected = sample_layout(&[
            ("FileSize", "2048"),
            ("Format", "png"),
            ("FrameCount", "1"),
            ("ImageHeight", "100"),
            ("ImageWidth", "200"),
        ]);
        assert_eq!(info_of("orientation-6.png"), expected);
    }

    #[test]
    fn animated_gif_frame_count() {
        let s = info_of("animated.gif");
        assert!(s.contains("\"FrameCount\": {\"value\": \"2\"}"));
        assert!(s.contains("\"Format\": {\"value\": \"gif\"}"));
    }

    #[test]
    fn helpers() {
        let mut s = String::new();
        json_string(&mut s, "a\"b\\c\n\u{1}é");
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001é\"");
        assert_eq!(print_degrees(&[(0, 1), (0, 1), (0, 1)]), "0deg ");
        assert_eq!(print_degrees(&[(12, 1), (30, 1), (0, 1)]), "12deg 30' ");
        assert_eq!(print_degrees(&[(1, 2), (0, 1), (1, 4)]), "0.5000000deg 0' 0.250\" ");
        assert_eq!(print_degrees(&[(10, 1), (5, 0), (1, 1)]), "10deg (10/1 5/0 1/1)");
        assert_eq!(user_comment(b"ASCII\0\0\0PngSuite", false), "charset=Ascii PngSuite");
        assert_eq!(user_comment(&[0; 13], false), "");
        assert_eq!(user_comment(b"UNICODE\0\0h\0i", false), "charset=Unicode hi");
        assert_eq!(exiv2_name(Tag::PhotographicSensitivity), Some("ISOSpeedRatings"));
        assert_eq!(exiv2_name(Tag::GPSVersionID), Some("GPSVersionID"));
        assert_eq!(exiv2_name(Tag(Context::Tiff, 0x4746)), Some("Rating"));
        assert_eq!(exiv2_name(Tag(Context::Exif, 0xea1c)), None);
    }
}

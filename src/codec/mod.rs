//! Codecs: format sniffing, header probing, decoding (shrink-on-load, ICC → sRGB), encoding,
//! EXIF, and the `info` / `average-hue` answers.

mod anim;
mod anim_webp;
mod decode;
mod encode;
pub mod exif;
mod heif;
mod hue;
mod icc;
mod info;
mod jpeg;
pub mod jpeg_dc;
mod jpeg_enc;
mod jpeg_std;
mod probe;
mod quality;
mod sniff;
mod tiff;

pub use anim::{decode_frames, encode_frames, Frame};
pub use decode::decode;
pub use encode::{encode, encode_planes, encodes_planes};
pub use exif::exif_block;
pub use heif::{can_encode, EC_AVIF_DECODE};
pub use hue::{average_hue, average_hue_json};
pub use info::info_json;
pub use jpeg::{
    decode_planes as decode_jpeg_planes, decode_reduced as decode_jpeg_reduced,
    decode_with as decode_jpeg_with,
};
pub use probe::{probe, EC_DECODE_REFUSED, MAX_SOURCE_PIXELS, MAX_SOURCE_SIDE};
pub use quality::estimate_jpeg_quality;
pub use sniff::sniff;

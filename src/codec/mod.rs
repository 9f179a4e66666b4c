//! Codecs: format sniffing, header probing, decoding (shrink-on-load, ICC → sRGB), encoding,
//! EXIF, and the `info` / `average-hue` answers.

mod decode;
mod encode;
mod icc;
mod jpeg;

pub use decode::decode;
pub use encode::encode;

//! Codecs: format sniffing, header probing, decoding (shrink-on-load, ICC → sRGB), encoding,
//! EXIF, and the `info` / `average-hue` answers.

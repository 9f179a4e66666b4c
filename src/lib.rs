//! ossimg: a self-hostable image processing service that speaks Alibaba Cloud OSS IMG's
//! `x-oss-process` language. Data flows parse → plan → decode → stages → encode (see
//! `../shared/design.md`):
//!
//! - [`process`]: the language (typed actions, `Display` round trip, styles);
//! - [`plan`]: geometry and limits, resolved from the header before any pixel exists;
//! - [`codec`]: probe, decode (shrink-on-load, ICC → sRGB), encode, `info`, `average-hue`;
//! - [`pipeline`]: the image type and the stage list; [`backend`]: the engines that run it;
//! - [`watermark`]: text watermarks — fonts, shaping and rasterisation of the text block;
//! - [`job`]: one request end to end; [`batch`]: a job over a whole library; [`cli`]: the
//!   command line;
//! - [`telemetry`]: Prometheus metrics, the request log, health state;
//! - [`cache`]: the result cache of processed variants on local disk.

pub mod api;
pub mod backend;
pub mod batch;
pub mod cache;
pub mod cli;
pub mod codec;
pub mod error;
pub mod job;
pub mod limits;
pub mod pipeline;
pub mod plan;
pub mod process;
pub mod storage;
pub mod telemetry;
pub mod watermark;
pub mod workers;

pub use error::{Error, ErrorKind, Result};

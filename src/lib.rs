//! ossimg: a self-hostable image processing service that speaks Alibaba Cloud OSS IMG's
//! `x-oss-process` language. Data flows parse → plan → decode → stages → encode (see
//! `../shared/design.md`).

pub mod backend;
pub mod codec;
pub mod error;
pub mod pipeline;
pub mod plan;
pub mod process;

pub use error::{Error, ErrorKind, Result};

//! The HTTP service, the only axum code: routing (virtual-hosted and path-style addressing),
//! authentication (signatures V1/V4 and ACLs), the object, bucket and style APIs, image processing
//! on GET and `sys/saveas` on POST, and OSS's XML errors on the wire.

mod access;
pub mod auth;
mod bucket;
mod common;
mod context;
mod drain;
pub mod listener;
mod multipart;
mod object;
pub mod ops;
mod processing;
pub mod response;
mod server;
mod sts;
mod style;
pub mod tls;
pub mod viewer;
pub mod wire;
pub mod xml;

/// The handlers' body parsers, for the fuzz targets (`fuzz/`) only.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;

pub use context::{AppState, ResultCaching, Shared, Timeouts};
pub use listener::{serve, serve_until};
pub use processing::result_etag;
pub use server::{metrics_router, router};

//! The HTTP service, the only axum code: routing (virtual-hosted and path-style addressing),
//! authentication (signatures V1/V4 and ACLs), the object, bucket and style APIs, image processing
//! on GET and `sys/saveas` on POST, and OSS's XML errors on the wire.

pub mod auth;
mod bucket;
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

pub use processing::{result_etag, ResultCaching};
pub use server::{metrics_router, router, serve, serve_until, AppState, Shared, Timeouts};

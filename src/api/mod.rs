//! The HTTP service, the only axum code: routing (virtual-hosted and path-style addressing),
//! authentication (signatures V1/V4 and ACLs), the object, bucket and style APIs, image processing
//! on GET and `sys/saveas` on POST, and OSS's XML errors on the wire.

pub mod auth;
mod bucket;
mod multipart;
mod object;
mod processing;
pub mod response;
mod server;
mod style;
pub mod wire;
pub mod xml;

pub use server::{router, serve, serve_until, AppState, Shared, Timeouts};

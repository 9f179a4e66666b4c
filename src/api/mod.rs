//! The HTTP face of ossimg: request authentication (signature V1/V4) now; the router, ACLs,
//! object/bucket/style handlers and XML bodies join it later (design.md, "Modules").

pub mod auth;

//! The HTTP API through the router, in memory and without a socket (design.md: `oneshot` on the
//! router, an in-memory store, a fixed clock and fixed keys): every operation of spec §5–§10 with
//! exact status codes, error Codes, ECs and bodies, authentication through the router (§8, §9),
//! the common response headers and both addressing styles (§1.1).

mod harness;

mod aliyuncs_hosts;
mod auth;
mod bucket_paging;
mod buckets;
mod caching;
mod listing;
mod load;
mod mounts;
mod multipart;
mod objects;
mod processing;
mod saveas_forms;
mod sdk_requests;
mod sts;
mod styles;
mod watermark;
mod wire;

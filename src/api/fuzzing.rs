//! Entry points for the fuzz targets (`fuzz/`), compiled only under `--cfg fuzzing` (set by
//! `cargo fuzz`): the request-body parsers private to the handlers. Not part of the API.

use crate::storage::ProcessConfig;

/// Parses a PutBucketProcessConfiguration body as the handler does: the configuration, or the
/// HTTP status of the refusal.
pub fn parse_process_config(body: &str) -> Result<ProcessConfig, u16> {
    super::bucket::parse_process_config(body, std::time::UNIX_EPOCH)
        .map_err(|e| e.error.kind.http_status())
}

/// The `Range` header parser of GetObject and UploadPartCopy.
pub use super::common::parse_range;

/// The parts of a CompleteMultipartUpload body as the handler reads them (`None`: 400
/// MalformedXML).
pub fn complete_parts(body: &str) -> Option<Vec<(u32, String)>> {
    super::multipart::complete_parts(body)
}

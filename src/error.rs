//! The one error type of ossimg and the one table that maps each kind of failure to its OSS
//! `Code`, HTTP status and CLI exit code (design.md, "Errors").

use std::fmt;

/// What went wrong, in OSS terms. Each kind has one OSS `Code`, one HTTP status and one CLI exit
/// code, all given by [`ErrorKind::code`], [`ErrorKind::http_status`] and [`ErrorKind::exit_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A parameter value is invalid (400 `InvalidArgument`).
    InvalidArgument,
    /// A malformed request: crop start outside the image, undecodable Base64 (400 `BadRequest`).
    BadRequest,
    /// A required parameter is missing (400 `MissingArgument`).
    MissingArgument,
    /// The source or the result exceeds the limits of spec §2 (400 `ImageTooLarge`).
    ImageTooLarge,
    /// A watermark could not be applied (400 `WatermarkError`).
    WatermarkError,
    /// No permission (403 `AccessDenied`).
    AccessDenied,
    /// The source image cannot be decoded (403 `ImageDamage`, as OSS answers).
    ImageDamage,
    /// The source object does not exist (404 `NoSuchKey`).
    NoSuchKey,
    /// The request signature does not verify (403 `SignatureDoesNotMatch`).
    SignatureDoesNotMatch,
    /// The AccessKeyId of a signed request is unknown (403 `InvalidAccessKeyId`).
    InvalidAccessKeyId,
    /// The temporary credentials (security token) of a request have expired (403
    /// `SecurityTokenExpired`).
    SecurityTokenExpired,
    /// The signed request time is more than 15 minutes off the server clock (403
    /// `RequestTimeTooSkewed`).
    RequestTimeTooSkewed,
    /// A referenced style does not exist (404 `NoSuchStyle`).
    NoSuchStyle,
    /// The feature is valid OSS but not available in this build (501 `NotImplemented`).
    NotImplemented,
    /// A server fault; the message given to clients never carries internals (500 `InternalError`).
    InternalError,
    /// The bucket does not exist (404 `NoSuchBucket`).
    NoSuchBucket,
    /// The bucket name is taken (409 `BucketAlreadyExists`).
    BucketAlreadyExists,
    /// The bucket still holds objects and cannot be deleted (409 `BucketNotEmpty`).
    BucketNotEmpty,
    /// The body does not match its `Content-MD5` (400 `InvalidDigest`).
    InvalidDigest,
    /// `x-oss-forbid-overwrite: true` and the key exists (409 `FileAlreadyExists`).
    FileAlreadyExists,
    /// The bucket name breaks the naming rules of spec §1.1 (400 `InvalidBucketName`).
    InvalidBucketName,
    /// The object key breaks the naming rules of spec §1.1 (400 `InvalidObjectName`).
    InvalidObjectName,
    /// The requested byte range cannot be satisfied (416 `InvalidRange`).
    InvalidRange,
    /// The method is not allowed on this resource (405 `MethodNotAllowed`).
    MethodNotAllowed,
    /// A request body that is not the XML the operation expects (400 `MalformedXML`).
    MalformedXml,
    /// PutObject without a length and not chunked (411 `MissingContentLength`).
    MissingContentLength,
    /// A conditional header did not hold (412 `PreconditionFailed`).
    PreconditionFailed,
    /// The multipart upload ID is unknown, completed or aborted (404 `NoSuchUpload`).
    NoSuchUpload,
    /// CompleteMultipartUpload names a part that was not uploaded, or with another ETag (400
    /// `InvalidPart`).
    InvalidPart,
    /// CompleteMultipartUpload lists parts out of ascending order (400 `InvalidPartOrder`).
    InvalidPartOrder,
    /// A part other than the last is below the 100 KB minimum (400 `EntityTooSmall`).
    EntityTooSmall,
    /// The backing store does not answer (unreachable, or over its timeout): 503
    /// `ServiceUnavailable`, worth retrying.
    ServiceUnavailable,
    /// The backing store is out of space: 507 `InsufficientStorage` (OSS has no such code; 507
    /// is WebDAV's, which MinIO also answers for a full drive).
    InsufficientStorage,
    /// Too much image processing is queued, retry later: 503 `CpuLimitExceeded`, what OSS
    /// answers when image processing concurrency exceeds its CPU quota.
    CpuLimitExceeded,
}

impl ErrorKind {
    /// The `(Code, HTTP status, CLI exit code)` table. Exit codes: 2 = bad request/arguments,
    /// 3 = bad or missing input, 4 = permission, 5 = not implemented, 70 = internal (EX_SOFTWARE),
    /// 74 = store out of space (EX_IOERR), 75 = store unavailable, try again (EX_TEMPFAIL).
    const fn row(self) -> (&'static str, u16, i32) {
        match self {
            ErrorKind::InvalidArgument => ("InvalidArgument", 400, 2),
            ErrorKind::BadRequest => ("BadRequest", 400, 2),
            ErrorKind::MissingArgument => ("MissingArgument", 400, 2),
            ErrorKind::ImageTooLarge => ("ImageTooLarge", 400, 3),
            ErrorKind::WatermarkError => ("WatermarkError", 400, 2),
            ErrorKind::AccessDenied => ("AccessDenied", 403, 4),
            ErrorKind::ImageDamage => ("ImageDamage", 403, 3),
            ErrorKind::SignatureDoesNotMatch => ("SignatureDoesNotMatch", 403, 4),
            ErrorKind::InvalidAccessKeyId => ("InvalidAccessKeyId", 403, 4),
            ErrorKind::SecurityTokenExpired => ("SecurityTokenExpired", 403, 4),
            ErrorKind::RequestTimeTooSkewed => ("RequestTimeTooSkewed", 403, 4),
            ErrorKind::NoSuchKey => ("NoSuchKey", 404, 3),
            ErrorKind::NoSuchStyle => ("NoSuchStyle", 404, 2),
            ErrorKind::NotImplemented => ("NotImplemented", 501, 5),
            ErrorKind::InternalError => ("InternalError", 500, 70),
            ErrorKind::NoSuchBucket => ("NoSuchBucket", 404, 3),
            ErrorKind::BucketAlreadyExists => ("BucketAlreadyExists", 409, 2),
            ErrorKind::BucketNotEmpty => ("BucketNotEmpty", 409, 2),
            ErrorKind::InvalidDigest => ("InvalidDigest", 400, 2),
            ErrorKind::FileAlreadyExists => ("FileAlreadyExists", 409, 2),
            ErrorKind::InvalidBucketName => ("InvalidBucketName", 400, 2),
            ErrorKind::InvalidObjectName => ("InvalidObjectName", 400, 2),
            ErrorKind::InvalidRange => ("InvalidRange", 416, 2),
            ErrorKind::MethodNotAllowed => ("MethodNotAllowed", 405, 2),
            ErrorKind::MalformedXml => ("MalformedXML", 400, 2),
            ErrorKind::MissingContentLength => ("MissingContentLength", 411, 2),
            ErrorKind::PreconditionFailed => ("PreconditionFailed", 412, 2),
            ErrorKind::NoSuchUpload => ("NoSuchUpload", 404, 3),
            ErrorKind::InvalidPart => ("InvalidPart", 400, 2),
            ErrorKind::InvalidPartOrder => ("InvalidPartOrder", 400, 2),
            ErrorKind::EntityTooSmall => ("EntityTooSmall", 400, 2),
            ErrorKind::ServiceUnavailable => ("ServiceUnavailable", 503, 75),
            ErrorKind::InsufficientStorage => ("InsufficientStorage", 507, 74),
            ErrorKind::CpuLimitExceeded => ("CpuLimitExceeded", 503, 75),
        }
    }

    /// The OSS error `Code` string.
    pub const fn code(self) -> &'static str {
        self.row().0
    }

    /// The HTTP status OSS answers with.
    pub const fn http_status(self) -> u16 {
        self.row().1
    }

    /// The exit code of the `ossimg` command line for this kind.
    pub const fn exit_code(self) -> i32 {
        self.row().2
    }
}

/// An OSS-shaped error: a kind, the message clients see, and the error-centre code (`EC`, e.g.
/// `0040-00000213`) when the spec gives one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The kind, which fixes Code, HTTP status and exit code.
    pub kind: ErrorKind,
    /// The `<Message>` text.
    pub message: String,
    /// The `<EC>` error-centre code, when known.
    pub ec: Option<&'static str>,
}

impl Error {
    /// An error without an EC code.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), ec: None }
    }

    /// An error with an EC code.
    pub fn with_ec(kind: ErrorKind, ec: &'static str, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), ec: Some(ec) }
    }

    /// `400 InvalidArgument` with an EC code.
    pub fn invalid(ec: &'static str, message: impl Into<String>) -> Self {
        Self::with_ec(ErrorKind::InvalidArgument, ec, message)
    }

    /// `403 ImageDamage`, the answer to an undecodable source. The cause is kept out of the message
    /// OSS clients see; callers log it.
    pub fn damaged() -> Self {
        Self::new(ErrorKind::ImageDamage, "The image file may be damaged.")
    }

    /// `500 InternalError` with a generic message (the cause belongs in the log, not the body).
    pub fn internal() -> Self {
        Self::new(ErrorKind::InternalError, "We encountered an internal error. Please try again.")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)?;
        if let Some(ec) = self.ec {
            write!(f, " (EC {ec})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_as_oss_answers() {
        assert_eq!(ErrorKind::InvalidArgument.code(), "InvalidArgument");
        assert_eq!(ErrorKind::InvalidArgument.http_status(), 400);
        assert_eq!(ErrorKind::ImageDamage.http_status(), 403);
        assert_eq!(ErrorKind::NoSuchKey.http_status(), 404);
        assert_eq!(ErrorKind::NoSuchStyle.code(), "NoSuchStyle");
        assert_eq!(ErrorKind::NotImplemented.http_status(), 501);
        assert_eq!(ErrorKind::SignatureDoesNotMatch.code(), "SignatureDoesNotMatch");
        assert_eq!(ErrorKind::SignatureDoesNotMatch.http_status(), 403);
        assert_eq!(ErrorKind::InvalidAccessKeyId.http_status(), 403);
        assert_eq!(ErrorKind::RequestTimeTooSkewed.code(), "RequestTimeTooSkewed");
        assert_eq!(ErrorKind::InternalError.http_status(), 500);
        assert_eq!(ErrorKind::NoSuchBucket.http_status(), 404);
        assert_eq!(ErrorKind::BucketNotEmpty.http_status(), 409);
        assert_eq!(ErrorKind::FileAlreadyExists.code(), "FileAlreadyExists");
        assert_eq!(ErrorKind::InvalidDigest.http_status(), 400);
        assert_eq!(ErrorKind::InvalidRange.http_status(), 416);
        assert_eq!(ErrorKind::ServiceUnavailable.http_status(), 503);
        assert_eq!(ErrorKind::InsufficientStorage.code(), "InsufficientStorage");
        assert_eq!(ErrorKind::InsufficientStorage.http_status(), 507);
        assert_eq!(ErrorKind::CpuLimitExceeded.code(), "CpuLimitExceeded");
        assert_eq!(ErrorKind::CpuLimitExceeded.http_status(), 503);
        let e = Error::invalid("0040-00000213", "unknown action");
        assert_eq!(e.to_string(), "InvalidArgument: unknown action (EC 0040-00000213)");
    }
}

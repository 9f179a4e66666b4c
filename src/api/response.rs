//! Turning results into OSS responses: the common headers every answer carries
//! (`x-oss-request-id`, `Date`, `Server`), and the OSS XML error envelope (spec §4.1) — with the
//! `x-oss-ec` header, and for bodiless HEAD answers the base64 `x-oss-err` header. A 5xx body
//! never carries internals.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use base64::Engine as _;

use super::xml::XmlWriter;
use crate::error::{Error, ErrorKind};

/// The `Server` header OSS sends; SDKs do not depend on it, but some tools sniff it.
pub const SERVER: &str = "AliyunOSS";

/// An error on the wire: the library error plus the extra elements some codes carry (`<Key>`,
/// `<BucketName>`, `<StringToSign>`, …).
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The error: kind (Code, status), message, EC.
    pub error: Error,
    /// Extra `(element, text)` pairs appended after `<EC>`.
    pub extra: Vec<(&'static str, String)>,
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        ApiError { error, extra: Vec::new() }
    }
}

impl ApiError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error::new(kind, message).into()
    }

    /// Adds an extra element.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    /// The XML body.
    pub fn body(&self, request_id: &str, host_id: &str) -> String {
        // 500s hide their cause; a 501 `NotImplemented` says what is missing.
        let internal = self.error.kind == ErrorKind::InternalError;
        let message = if internal { Error::internal().message } else { self.error.message.clone() };
        let mut w = XmlWriter::new();
        w.open("Error");
        w.elem("Code", self.error.kind.code());
        w.elem("Message", &message);
        w.elem("RequestId", request_id);
        w.elem("HostId", host_id);
        if let Some(ec) = self.error.ec {
            w.elem("EC", ec);
        }
        if !internal {
            for (name, value) in &self.extra {
                w.elem(name, value);
            }
        }
        w.close("Error");
        w.finish()
    }

    /// The full response; `head` answers without a body, carrying the XML in `x-oss-err`.
    pub fn into_response(self, request_id: &str, host_id: &str, head: bool) -> Response<Body> {
        let status = StatusCode::from_u16(self.error.kind.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            eprintln!("ossimg: request {request_id}: {}", self.error);
        }
        let body = self.body(request_id, host_id);
        let mut b =
            Response::builder().status(status).header(header::CONTENT_TYPE, "application/xml");
        if let Some(ec) = self.error.ec {
            b = b.header("x-oss-ec", ec);
        }
        let resp = if head {
            b.header("x-oss-err", base64::engine::general_purpose::STANDARD.encode(body.as_bytes()))
                .body(Body::empty())
        } else {
            b.header(header::CONTENT_LENGTH, body.len()).body(Body::from(body))
        };
        with_common_headers(resp.unwrap_or_else(|_| Response::new(Body::empty())), request_id)
    }
}

/// Adds `x-oss-request-id`, `Date` and `Server` to a response.
pub fn with_common_headers(mut resp: Response<Body>, request_id: &str) -> Response<Body> {
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-oss-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&super::auth::format_http_date(super::auth::unix_seconds(
        std::time::SystemTime::now(),
    ))) {
        h.insert(header::DATE, v);
    }
    h.insert(header::SERVER, HeaderValue::from_static(SERVER));
    resp
}

/// A `200 OK` XML answer.
pub fn xml(body: String) -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/xml")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// An empty answer with `status`.
pub fn empty(status: StatusCode) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_LENGTH, 0)
        .body(Body::empty())
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_is_the_oss_envelope() {
        let e = ApiError::from(Error::with_ec(
            ErrorKind::BadRequest,
            "0040-00000257",
            "Input is not base64 decoding.",
        ));
        assert_eq!(
            e.body("52B155D2D8BD99A15D0005FF", "oss-example.oss-cn-hangzhou.aliyuncs.com"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>BadRequest</Code>\
             <Message>Input is not base64 decoding.</Message><RequestId>52B155D2D8BD99A15D0005FF</RequestId>\
             <HostId>oss-example.oss-cn-hangzhou.aliyuncs.com</HostId><EC>0040-00000257</EC></Error>"
        );
        let e = ApiError::new(ErrorKind::NoSuchKey, "The specified key does not exist.")
            .with("Key", "a<b");
        assert!(e.body("R", "H").ends_with("<Key>a&lt;b</Key></Error>"));
    }

    #[test]
    fn server_errors_hide_internals() {
        let e = ApiError::new(ErrorKind::InternalError, "disk /var/x exploded").with("Key", "k");
        let body = e.body("R", "H");
        assert!(!body.contains("exploded") && !body.contains("<Key>"), "{body}");
    }

    #[test]
    fn head_errors_travel_in_headers() {
        let r = ApiError::from(Error::with_ec(
            ErrorKind::NoSuchKey,
            "0026-00000001",
            "The specified key does not exist.",
        ))
        .into_response("ABC", "h", true);
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.headers()["x-oss-ec"], "0026-00000001");
        let err = base64::engine::general_purpose::STANDARD
            .decode(r.headers()["x-oss-err"].as_bytes())
            .unwrap();
        assert!(String::from_utf8(err).unwrap().contains("<Code>NoSuchKey</Code>"));
        assert_eq!(r.headers()["x-oss-request-id"], "ABC");
        assert_eq!(r.headers()["server"], "AliyunOSS");
    }
}

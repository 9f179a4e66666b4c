//! The style viewer at `GET /-/viewer`: a single-page app (assets/viewer/, embedded in the
//! binary) to browse buckets, build a process string, compare results and keep styles. Owns only
//! serving those files, before authentication and bucket resolution: `/-/…` is never a bucket
//! (`-` is not a valid bucket name), and the page signs every OSS request itself in the browser,
//! so the server gains no auth path of its own.

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Response, StatusCode};

/// The path the page is served at; its files live under `/-/viewer/<name>`.
pub const VIEWER_PATH: &str = "/-/viewer";

/// What the page may load and run: only its own files (no inline script or style, no CDN), images
/// from this server, `blob:` results and `data:` swatches, requests to this server only; never
/// framed, no forms, no `<base>`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The placeholder in index.html replaced by the server's region (V4 scopes must name it).
const REGION_PLACEHOLDER: &str = "{{OSSIMG_REGION}}";

/// The embedded files: name under `/-/viewer/`, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/viewer/app.js")),
    ("build.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/viewer/build.js")),
    ("oss.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/viewer/oss.js")),
    (
        "process.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/viewer/process.js"),
    ),
    ("sign.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/viewer/sign.js")),
    ("viewer.css", "text/css; charset=utf-8", include_bytes!("../../assets/viewer/viewer.css")),
];

/// The page itself.
const INDEX_HTML: &str = include_str!("../../assets/viewer/index.html");

/// The answer for a viewer path (`/-/viewer`, `/-/viewer/`, `/-/viewer/<asset>`), or `None` when
/// `path` is not one and the request goes on to the OSS API. `region` is written into the page.
/// Only GET and HEAD are allowed (405 otherwise); an unknown asset is 404.
pub fn respond(method: &Method, path: &str, region: &str) -> Option<Response<Body>> {
    let rest = path.strip_prefix(VIEWER_PATH)?;
    let asset = match rest {
        "" | "/" | "/index.html" => None,
        _ => Some(rest.strip_prefix('/')?),
    };
    if method != Method::GET && method != Method::HEAD {
        return Some(plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "Only GET and HEAD are allowed here.\n",
        ));
    }
    let (content_type, bytes): (&str, Vec<u8>) = match asset {
        None => ("text/html; charset=utf-8", page(region).into_bytes()),
        Some(name) => match ASSETS.iter().find(|(n, _, _)| *n == name) {
            Some((_, ct, bytes)) => (ct, bytes.to_vec()),
            None => return Some(plain(StatusCode::NOT_FOUND, "No such viewer file.\n")),
        },
    };
    let len = bytes.len();
    let body = if method == Method::HEAD { Body::empty() } else { Body::from(bytes) };
    let mut resp = Response::new(body);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    secure(h);
    Some(resp)
}

/// index.html with the region filled in (HTML-escaped: it comes from configuration).
fn page(region: &str) -> String {
    let mut escaped = String::with_capacity(region.len());
    for c in region.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    INDEX_HTML.replace(REGION_PLACEHOLDER, &escaped)
}

/// The headers every viewer answer carries: the CSP, no MIME sniffing, no referrer (presigned
/// URLs must not leak to other sites), and revalidation (the files change with the binary).
fn secure(h: &mut axum::http::HeaderMap) {
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
}

/// A short plain-text answer with the viewer's headers.
fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(text.len()));
    secure(h);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_viewer_paths_are_answered() {
        let get = Method::GET;
        assert!(respond(&get, "/-", "r").is_none());
        assert!(respond(&get, "/-/viewerx", "r").is_none());
        assert!(respond(&get, "/bucket/-/viewer", "r").is_none());
        assert!(respond(&get, "/", "r").is_none());
        for p in ["/-/viewer", "/-/viewer/", "/-/viewer/index.html", "/-/viewer/app.js"] {
            let r = respond(&get, p, "r").expect(p);
            assert_eq!(r.status(), StatusCode::OK, "{p}");
            assert!(r.headers().contains_key(header::CONTENT_SECURITY_POLICY));
        }
        let r = respond(&get, "/-/viewer/nope.js", "r").expect("404");
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = respond(&Method::PUT, "/-/viewer", "r").expect("405");
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    #[test]
    fn region_is_escaped_into_the_page() {
        let html = page("cn-\"<x>");
        assert!(html.contains("cn-&quot;&lt;x&gt;"));
        assert!(!html.contains(REGION_PLACEHOLDER));
    }
}

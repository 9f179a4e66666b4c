//! Style management (spec §6.4): PutStyle, GetStyle, ListStyle and DeleteStyle with their exact
//! XML, naming and content rules, 50 styles per bucket, owners only.

use axum::body::Body;
use axum::http::{Method, Response, StatusCode};

use super::auth::{format_http_date, unix_seconds};
use super::common::{malformed_xml, read_small_body};
use super::context::{denied, AppState, Ctx};
use super::response::{empty, xml, ApiError};
use super::xml::{element, XmlWriter};
use crate::error::{Error, ErrorKind};
use crate::storage::Style;

/// Characters that make style content invalid (the EC page's list "; ()'*?", spec §6.3; the space
/// is not refused because real process strings never contain one and OSS's list is ambiguous).
const FORBIDDEN_IN_CONTENT: [char; 6] = [';', '(', ')', '\'', '*', '?'];

/// Style names: 1–63 of letters, digits, `_`, `-`, `.` (spec §6.2).
pub fn valid_style_name(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

fn write_style(w: &mut XmlWriter, s: &Style) {
    w.open("Style")
        .elem("Name", &s.name)
        .elem("Content", &s.content)
        .elem("Category", &s.category)
        .elem("CreateTime", &format_http_date(unix_seconds(s.create_time)))
        .elem("LastModifyTime", &format_http_date(unix_seconds(s.last_modify_time)))
        .close("Style");
}

/// Handles every `?style` request on a bucket.
pub async fn handle(state: &AppState, ctx: &Ctx, body: Body) -> Result<Response<Body>, ApiError> {
    if !ctx.is_owner() {
        return Err(denied("bucket"));
    }
    let bucket = ctx.bucket()?;
    let name = ctx.param("styleName");
    let cfg = state.0.storage.bucket(bucket).await?;
    let no_such_style =
        || ApiError::new(ErrorKind::NoSuchStyle, "The specified style does not exist.");
    match (&ctx.method, name) {
        (&Method::PUT, Some(name)) => {
            if !valid_style_name(name) {
                return Err(Error::invalid(
                    "0017-00000251",
                    format!("The value: {name} of parameter: stylename is invalid."),
                )
                .into());
            }
            let body = read_small_body(ctx, body).await?;
            if element(&body, "Style").is_none() {
                return Err(malformed_xml());
            }
            let content = element(&body, "Content").ok_or_else(malformed_xml)?;
            let content = content.trim();
            if content.is_empty() || content.contains(FORBIDDEN_IN_CONTENT) {
                return Err(Error::with_ec(
                    ErrorKind::BadRequest,
                    "0017-00000253",
                    "Style content is invalid.",
                )
                .into());
            }
            let category = ctx.param("category").filter(|c| !c.is_empty()).unwrap_or("image");
            let now = state.now();
            state
                .0
                .storage
                .update_bucket_config(bucket, |c| {
                    c.put_style(name, content, category, now).map(|()| true)
                })
                .await?;
            Ok(empty(StatusCode::OK))
        }
        (&Method::GET, Some(name)) => {
            let s = cfg.style(name).ok_or_else(no_such_style)?;
            let mut w = XmlWriter::new();
            write_style(&mut w, s);
            Ok(xml(w.finish()))
        }
        (&Method::GET, None) => {
            let mut w = XmlWriter::new();
            w.open("StyleList");
            for s in &cfg.styles {
                write_style(&mut w, s);
            }
            w.close("StyleList");
            Ok(xml(w.finish()))
        }
        // Deleting a missing style answers 204 like DeleteObject (spec §6.4 recommendation [U]).
        (&Method::DELETE, Some(name)) => {
            if cfg.style(name).is_some() {
                state.0.storage.update_bucket_config(bucket, |c| Ok(c.remove_style(name))).await?;
            }
            Ok(empty(StatusCode::NO_CONTENT))
        }
        (_, None) => {
            Err(ApiError::new(ErrorKind::MissingArgument, "The styleName parameter is required."))
        }
        _ => Err(ApiError::new(
            ErrorKind::MethodNotAllowed,
            "The specified method is not allowed against this resource.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_names() {
        assert!(valid_style_name("small-1.x_y"));
        assert!(valid_style_name(&"a".repeat(63)));
        assert!(!valid_style_name(&"a".repeat(64)));
        assert!(!valid_style_name(""));
        assert!(!valid_style_name("a/b"));
        assert!(!valid_style_name("名字"));
    }
}

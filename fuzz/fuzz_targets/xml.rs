//! Every XML request body the API parses (`api::xml` and the handlers' readers): PutStyle,
//! PutBucketProcessConfiguration, DeleteMultipleObjects, CompleteMultipartUpload and PutBucket
//! (`CreateBucketConfiguration`).
//!
//! Arbitrary bodies are read the way each handler reads them, without panicking. Bodies written
//! as a client writes them (escaped text, optional CDATA) read back to exactly the keys, part
//! numbers, ETags and style content that were written.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use ossimg::api::fuzzing::{complete_parts, parse_process_config};
use ossimg::api::xml::{element, elements, escape_text, unescape, XmlWriter};

#[derive(Arbitrary, Debug)]
struct Input {
    /// A raw body, read by every handler.
    body: String,
    /// Keys of a multi-delete.
    keys: Vec<String>,
    /// Parts of a multipart completion.
    parts: Vec<(u32, String)>,
    /// A style's content, and whether the client wraps it in CDATA.
    content: String,
    cdata: bool,
}

/// The handlers' reads of a raw body; none may panic.
fn read_all(body: &str) {
    // PutStyle.
    if element(body, "Style").is_some() {
        let _ = element(body, "Content");
    }
    // PutBucketProcessConfiguration: a refusal is a 400.
    if let Err(status) = parse_process_config(body) {
        assert_eq!(status, 400);
    }
    // DeleteMultipleObjects.
    let _ = element(body, "Quiet");
    let _ = elements(body, "Key");
    // CompleteMultipartUpload.
    let _ = complete_parts(body);
    // PutBucket.
    let _ = element(body, "CreateBucketConfiguration");
    let _ = element(body, "StorageClass");
    let _ = unescape(body);
}

fuzz_target!(|input: Input| {
    read_all(&input.body);

    // Multi-delete as the SDKs write it.
    let mut w = XmlWriter::new();
    w.open("Delete").elem("Quiet", "true");
    for k in &input.keys {
        w.open("Object").elem("Key", k).close("Object");
    }
    w.close("Delete");
    let body = w.finish();
    assert_eq!(elements(&body, "Key").as_ref(), Some(&input.keys), "{body}");

    // CompleteMultipartUpload as the SDKs write it.
    let mut w = XmlWriter::new();
    w.open("CompleteMultipartUpload");
    for (n, etag) in &input.parts {
        w.open("Part").elem("PartNumber", &n.to_string()).elem("ETag", etag).close("Part");
    }
    w.close("CompleteMultipartUpload");
    let body = w.finish();
    let expected = (!input.parts.is_empty()).then_some(&input.parts);
    assert_eq!(complete_parts(&body).as_ref(), expected, "{body}");

    // PutStyle, escaped or in a CDATA section (which cannot hold `]]>`).
    let content = if input.cdata && !input.content.contains("]]>") {
        format!("<![CDATA[{}]]>", input.content)
    } else {
        escape_text(&input.content)
    };
    let body = format!("<?xml version=\"1.0\"?><Style><Content>{content}</Content></Style>");
    assert_eq!(element(&body, "Content").as_deref(), Some(input.content.as_str()), "{body}");
});

//! The small XML vocabulary of the OSS API: an escaping writer for response bodies and a
//! forgiving reader for the few request bodies (styles, process configuration, multi-delete,
//! bucket creation). Element order and names are exactly those OSS clients parse.

/// Escapes text for an XML element: `&`, `<` and `>` only. Quotes stay literal, as OSS writes
/// them (`<ETag>"5B3C…"</ETag>`, spec §10.6): clients that match the quoted ETag byte for byte
/// would not see `&quot;`.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for an XML attribute value (quotes too).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Builds an XML document with the `<?xml …?>` prolog OSS sends.
pub struct XmlWriter {
    out: String,
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl XmlWriter {
    /// A document with the UTF-8 prolog.
    pub fn new() -> Self {
        XmlWriter { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") }
    }

    /// Opens `<name>`.
    pub fn open(&mut self, name: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Closes `</name>`.
    pub fn close(&mut self, name: &str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Writes `<name>escaped text</name>` (see [`escape_text`]).
    pub fn elem(&mut self, name: &str, text: &str) -> &mut Self {
        self.open(name);
        self.out.push_str(&escape_text(text));
        self.close(name)
    }

    /// The finished document.
    pub fn finish(self) -> String {
        self.out
    }
}

/// The text of every `<name>…</name>` element in `xml`, in document order, unescaped. Good for the
/// flat request bodies OSS clients send; nested structure is read with [`raw_elements`], whose
/// markup is still escaped. Returns `None` on malformed markup (an unclosed element).
pub fn elements(xml: &str, name: &str) -> Option<Vec<String>> {
    raw_elements(xml, name)?.into_iter().map(text).collect()
}

/// The content of every `<name>…</name>` element in `xml`, in document order, as written
/// (markup, entities and CDATA sections left as they are): for reading nested elements, whose
/// text must be unescaped once, by [`elements`] or [`element`] on the content. `None` on
/// malformed markup (an unclosed element).
pub fn raw_elements<'a>(xml: &'a str, name: &str) -> Option<Vec<&'a str>> {
    let open = format!("<{name}>");
    let open_attr = format!("<{name} ");
    let close = format!("</{name}>");
    let empty = format!("<{name}/>");
    let mut out = Vec::new();
    let mut rest: &'a str = xml;
    loop {
        let next = [rest.find(&open), rest.find(&open_attr), rest.find(&empty)]
            .into_iter()
            .flatten()
            .min();
        let Some(start) = next else { break };
        let after = &rest[start..];
        if after.starts_with(&empty) {
            out.push("");
            rest = &after[empty.len()..];
            continue;
        }
        let gt = after.find('>')?;
        if after[..gt].ends_with('/') {
            out.push("");
            rest = &after[gt + 1..];
            continue;
        }
        let body = &after[gt + 1..];
        let end = body.find(&close)?;
        out.push(&body[..end]);
        rest = &body[end + close.len()..];
    }
    Some(out)
}

/// The content of the first `<name>` element as written (see [`raw_elements`]), if any.
pub fn raw_element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    raw_elements(xml, name).and_then(|v| v.into_iter().next())
}

/// Character data: entities resolved, `<![CDATA[…]]>` sections taken literally; `None` on an
/// unknown entity or an unclosed section.
fn text(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find("<![CDATA[") {
        out.push_str(&unescape(&rest[..i])?);
        let section = &rest[i + "<![CDATA[".len()..];
        let end = section.find("]]>")?;
        out.push_str(&section[..end]);
        rest = &section[end + "]]>".len()..];
    }
    out.push_str(&unescape(rest)?);
    Some(out)
}

/// The text of the first `<name>` element, if any.
pub fn element(xml: &str, name: &str) -> Option<String> {
    elements(xml, name).and_then(|v| v.into_iter().next())
}

/// Resolves the five predefined entities and numeric character references; `None` on an unknown
/// entity.
pub fn unescape(s: &str) -> Option<String> {
    if !s.contains('&') {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let semi = rest[i..].find(';')? + i;
        let ent = &rest[i + 1..semi];
        match ent {
            "amp" => out.push('&'),
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let code =
                    if let Some(hex) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()?
                    } else {
                        ent.strip_prefix('#')?.parse().ok()?
                    };
                out.push(char::from_u32(code)?);
            }
        }
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_escaped_documents() {
        let mut w = XmlWriter::new();
        w.open("Style").elem("Name", "a<b>&\"c'").close("Style");
        assert_eq!(
            w.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Style><Name>a&lt;b&gt;&amp;\"c'</Name></Style>"
        );
        assert_eq!(escape("a\"b'c"), "a&quot;b&apos;c");
    }

    #[test]
    fn reads_flat_bodies() {
        let body =
            "<?xml version=\"1.0\"?><Style><Content>image/resize,p_50&amp;x</Content></Style>";
        assert_eq!(element(body, "Content").as_deref(), Some("image/resize,p_50&x"));
        let del = "<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b&#x2F;c</Key></Object></Delete>";
        assert_eq!(elements(del, "Key").unwrap(), vec!["a", "b/c"]);
        assert_eq!(element("<A><Suffix/></A>", "Suffix").as_deref(), Some(""));
        assert_eq!(element("<A><Suffix></Suffix></A>", "Suffix").as_deref(), Some(""));
        assert_eq!(elements("<A><Key>x", "Key"), None);
        assert_eq!(element("<A/>", "Key"), None);
        assert_eq!(unescape("&bogus;"), None);
        // CDATA sections are literal text, mixed with escaped text; an unclosed one is malformed.
        let cdata = "<Style><Content><![CDATA[image/resize,p_50]]></Content></Style>";
        assert_eq!(element(cdata, "Content").as_deref(), Some("image/resize,p_50"));
        let mixed = "<Key>a&amp;<![CDATA[<b>&amp;]]>c</Key>";
        assert_eq!(element(mixed, "Key").as_deref(), Some("a&<b>&amp;c"));
        assert_eq!(element("<Key><![CDATA[x</Key>", "Key"), None);
    }
}

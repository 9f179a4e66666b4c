//! Style management: PutStyle, GetStyle, ListStyle, DeleteStyle with exact XML, naming and
//! content rules, the 50-style limit and owner-only access (spec §6).

use crate::harness::*;

const NOW_HTTP: &str = "Tue, 14 Nov 2023 22:13:20 GMT";

/// The PutStyle body the Go V2 SDK sends.
pub fn style_body(content: &str) -> String {
    format!("<Style><Content>{content}</Content></Style>")
}

/// Puts a style (owner) and asserts `200` with an empty body.
pub async fn put_style(s: &Server, bucket: &str, name: &str, content: &str) {
    s.put(bucket)
        .q("style", "")
        .q("styleName", name)
        .body(style_body(content))
        .send()
        .await
        .status(200)
        .body_is("");
}

/// One `<Style>` element as GetStyle and ListStyle write it.
fn style_xml(name: &str, content: &str, category: &str, created: &str, modified: &str) -> String {
    format!(
        "<Style><Name>{name}</Name><Content>{content}</Content><Category>{category}</Category>\
         <CreateTime>{created}</CreateTime><LastModifyTime>{modified}</LastModifyTime></Style>"
    )
}

async fn server() -> Server {
    let s = Server::new();
    s.bucket("sty").await;
    s
}

#[tokio::test]
async fn put_get_list_delete_exact() {
    let s = server().await;
    s.get("sty")
        .q("style", "")
        .send()
        .await
        .status(200)
        .body_is(&format!("{PROLOG}<StyleList></StyleList>"));
    put_style(&s, "sty", "imagestyle", "image/resize,p_50").await;
    s.get("sty")
        .q("style", "")
        .q("styleName", "imagestyle")
        .send()
        .await
        .status(200)
        .has("content-type", "application/xml")
        .body_is(&format!(
            "{PROLOG}{}",
            style_xml("imagestyle", "image/resize,p_50", "image", NOW_HTTP, NOW_HTTP)
        ));
    // Creation order, not name order; the category parameter is stored.
    put_style(&s, "sty", "zz", "image/resize,w_10").await;
    s.put("sty")
        .q("style", "")
        .q("styleName", "aa")
        .q("category", "document")
        .body(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
            style_body("image/rotate,90")
        ))
        .send()
        .await
        .status(200);
    s.get("sty").q("style", "").send().await.status(200).body_is(&format!(
        "{PROLOG}<StyleList>{}{}{}</StyleList>",
        style_xml("imagestyle", "image/resize,p_50", "image", NOW_HTTP, NOW_HTTP),
        style_xml("zz", "image/resize,w_10", "image", NOW_HTTP, NOW_HTTP),
        style_xml("aa", "image/rotate,90", "document", NOW_HTTP, NOW_HTTP),
    ));
    s.delete("sty").q("style", "").q("styleName", "zz").send().await.status(204).body_is("");
    s.get("sty").q("style", "").q("styleName", "zz").send().await.err(404, "NoSuchStyle");
    // Deleting a missing style is 204 too (spec §6.4 recommendation); `?style=<bucket>` is accepted.
    s.delete("sty").q("style", "sty").q("styleName", "zz").send().await.status(204);
    let r = s.get("sty").q("style", "").send().await;
    assert_eq!(ossimg::api::xml::elements(&r.text(), "Name").unwrap(), ["imagestyle", "aa"]);
}

#[tokio::test]
async fn replacing_keeps_create_time_and_place() {
    let s = server().await;
    put_style(&s, "sty", "a", "image/resize,w_1").await;
    put_style(&s, "sty", "b", "image/resize,w_2").await;
    s.set_now(NOW + 86_400);
    put_style(&s, "sty", "a", "image/resize,w_3").await;
    s.get("sty").q("style", "").send().await.body_is(&format!(
        "{PROLOG}<StyleList>{}{}</StyleList>",
        style_xml("a", "image/resize,w_3", "image", NOW_HTTP, "Wed, 15 Nov 2023 22:13:20 GMT"),
        style_xml("b", "image/resize,w_2", "image", NOW_HTTP, NOW_HTTP),
    ));
}

#[tokio::test]
async fn style_name_rules() {
    let s = server().await;
    let long = "n".repeat(64);
    for name in ["bad name", "a/b", "名字", "a+b", long.as_str(), ""] {
        s.put("sty")
            .q("style", "")
            .q("styleName", name)
            .body(style_body("image/resize,p_50"))
            .send()
            .await
            .err(400, "InvalidArgument")
            .ec("0017-00000251")
            .msg(&format!("The value: {name} of parameter: stylename is invalid."));
    }
    // The allowed alphabet, at the 63-character limit.
    let ok = format!("Ab9_-.{}", "x".repeat(57));
    put_style(&s, "sty", &ok, "image/resize,p_50").await;
    s.get("sty").q("style", "").q("styleName", &ok).send().await.status(200);
}

#[tokio::test]
async fn style_content_rules() {
    let s = server().await;
    for content in [
        "",
        "   ",
        "image/resize,w_1;",
        "image/(x)",
        "image/resize,w_1'",
        "image/*",
        "image/resize?w=1",
    ] {
        s.put("sty")
            .q("style", "")
            .q("styleName", "st")
            .body(style_body(content))
            .send()
            .await
            .err(400, "BadRequest")
            .ec("0017-00000253")
            .msg("Style content is invalid.");
    }
    s.get("sty").q("style", "").q("styleName", "st").send().await.err(404, "NoSuchStyle");
    // Not otherwise validated at creation (oss2 live test): stored verbatim.
    put_style(&s, "sty", "st", "csdar5324").await;
    let r = s.get("sty").q("style", "").q("styleName", "st").send().await;
    assert_eq!(r.el("Content").as_deref(), Some("csdar5324"));
    // A body without <Content>, or not a <Style>.
    for body in ["<Style></Style>", "<Foo><Content>image/resize,p_50</Content></Foo>"] {
        let r = s.put("sty").q("style", "").q("styleName", "st").body(body).send().await;
        r.err(400, "MalformedXML");
    }
    // Content in a CDATA section is the content.
    put_style(&s, "sty", "cd", "<![CDATA[image/resize,p_50]]>").await;
    let r = s.get("sty").q("style", "").q("styleName", "cd").send().await;
    assert_eq!(r.el("Content").as_deref(), Some("image/resize,p_50"));
}

#[tokio::test]
async fn fifty_styles_at_most() {
    let s = server().await;
    for i in 0..50 {
        put_style(&s, "sty", &format!("s{i}"), "image/resize,p_50").await;
    }
    s.put("sty")
        .q("style", "")
        .q("styleName", "s50")
        .body(style_body("image/resize,p_50"))
        .send()
        .await
        .err(403, "AccessDenied")
        .msg("Your style count is exceeded 50.");
    // Replacing one of the 50 is still allowed, and freeing a slot admits a new one.
    put_style(&s, "sty", "s49", "image/resize,p_10").await;
    s.delete("sty").q("style", "").q("styleName", "s0").send().await.status(204);
    put_style(&s, "sty", "s50", "image/resize,p_50").await;
}

#[tokio::test]
async fn style_access_and_missing_things() {
    let s = Server::new();
    s.bucket_acl("pubsty", "public-read-write").await;
    put_style(&s, "pubsty", "ok", "image/resize,p_50").await;
    // Owners only (spec §6.4), even on a public-read-write bucket.
    s.get("pubsty").q("style", "").anon().send().await.err(403, "AccessDenied");
    s.get("pubsty")
        .q("style", "")
        .q("styleName", "ok")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.put("pubsty")
        .q("style", "")
        .q("styleName", "x")
        .body(style_body("image/resize,p_5"))
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.delete("pubsty")
        .q("style", "")
        .q("styleName", "ok")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.get("pubsty").q("style", "").q("styleName", "ok").send().await.status(200);
    s.get("nostyles").q("style", "").q("styleName", "ok").send().await.err(404, "NoSuchBucket");
    s.get("pubsty").q("style", "").q("styleName", "missing").send().await.err(404, "NoSuchStyle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_puts_keep_every_style() {
    // Each PutStyle is a read-modify-write of the bucket configuration: run at once, none of
    // them may overwrite another's style.
    let s = server().await;
    let names: Vec<String> = (0..20).map(|i| format!("s{i}")).collect();
    futures_util::future::join_all(
        names.iter().map(|n| put_style(&s, "sty", n, "image/resize,w_10")),
    )
    .await;
    let list = s.get("sty").q("style", "").send().await.status(200).text();
    assert_eq!(list.matches("<Style>").count(), names.len(), "{list}");
    assert!(names.iter().all(|n| list.contains(&format!("<Name>{n}</Name>"))), "{list}");
}

/// The V2 SDKs send `Content-MD5` with PutStyle (and the other XML bodies): a digest that
/// matches is accepted, one that does not or does not decode is `400 InvalidDigest` and nothing
/// is stored.
#[tokio::test]
async fn style_body_content_md5_is_checked() {
    use base64::Engine as _;
    use md5::Digest as _;
    let s = server().await;
    let body = style_body("image/resize,p_50");
    let md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(body.as_bytes()));
    let put = |name: &'static str, digest: String| {
        s.put("sty")
            .q("style", "")
            .q("styleName", name)
            .h("content-md5", &digest)
            .body(&body)
            .send()
    };
    put("good", md5.clone()).await.status(200);
    put("bad", "AAAAAAAAAAAAAAAAAAAAAA==".into())
        .await
        .err(400, "InvalidDigest")
        .msg("The Content-MD5 you specified is not valid.");
    put("garbage", "not base64".into()).await.err(400, "InvalidDigest");
    s.get("sty").q("style", "").q("styleName", "good").send().await.status(200);
    s.get("sty").q("style", "").q("styleName", "bad").send().await.err(404, "NoSuchStyle");
}

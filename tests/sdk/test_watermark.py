"""`watermark` (spec §3.15) through the oss2 SDK against a running `ossimg serve`, path-style
addressing: text and image watermarks on GetObject, a nested `resize,P_…`, a style holding a
watermark, `process_object` with `sys/saveas`, and the watermark object read with the caller's
permissions. Run by tests/sdk.rs; see common.py for the environment."""

import base64

import oss2

from common import (AK, ENDPOINT, REGION, SK, Suite, changed_box, image_size, png_pixels, testdata,
                    unique)
from common import expect_oss2_error as expect_error

V1 = oss2.Auth(AK, SK)
V4 = oss2.AuthV4(AK, SK)
NAME = unique("wm")
PUBLIC = NAME + "-pub"

# The SDK tests' photo: example.jpg, 400x267 (tests/data/README.md). A watermark keeps the size.
PHOTO = "example.jpg"
SIZE = (400, 267)
# watermark.png: 30x30 RGBA, transparent around an opaque emblem.
MARK = "watermark.png"
# "Hello 图片服务!" base64url without padding (the SDK tests' text).
HELLO = "SGVsbG8g5Zu-54mH5pyN5YqhIQ"


def b64(s):
    """base64url without padding, as the docs write watermark and saveas values."""
    return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")


def bucket(auth=V1, name=NAME):
    """A path-style oss2 Bucket; V4 needs the region of its scope."""
    return oss2.Bucket(auth, ENDPOINT, name, is_path_style=True, region=REGION)


def processed(process, auth=V1, name=NAME):
    """GetObject photo.jpg with x-oss-process; asserts 200 and returns the bytes."""
    r = bucket(auth, name).get_object("photo.jpg", process=process)
    assert r.status == 200, "%s: status %d" % (process, r.status)
    return r.read()


def setup():
    bucket().create_bucket(oss2.BUCKET_ACL_PRIVATE)
    bucket(V4, PUBLIC).create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
    for name in (NAME, PUBLIC):
        b = bucket(V1, name)
        b.put_object("photo.jpg", testdata(PHOTO), headers={"Content-Type": "image/jpeg"})
        b.put_object("mark.png", testdata(MARK), headers={"Content-Type": "image/png"})
    assert image_size(bucket().get_object("photo.jpg").read()) == SIZE, "example.jpg is not 400x267"


def text_watermark():
    plain = processed("image/format,jpg")
    for auth in (V1, V4):
        out = processed("image/watermark,text_%s/format,jpg" % HELLO, auth)
        assert image_size(out) == SIZE, "text watermark changed the size: %r" % (image_size(out),)
        assert out != plain, "the text watermark changed nothing"
    # PNG: exact pixels. Default placement g_se, x_10, y_10: every change lies left of x=390 and
    # above y=257, and some lie near that corner.
    plain = png_pixels(processed("image/format,png"))
    out = png_pixels(processed("image/watermark,text_%s/format,png" % HELLO))
    box = changed_box(plain, out)
    assert box is not None, "no pixel changed"
    assert box[2] <= 390 and box[3] <= 257 and box[2] > 300 and box[3] > 200, "text at %r" % (box,)
    # Other parameters: colour, size, a font by name, shadow, tiled.
    font = b64("wqy-microhei")
    for extra in ("color_FF0000,size_20,g_nw", "type_%s,shadow_50,t_60" % font, "fill_1,rotate_30"):
        out = processed("image/watermark,text_%s,%s" % (HELLO, extra))
        assert image_size(out) == SIZE, "%s: size %r" % (extra, image_size(out))


def image_watermark():
    plain = processed("image/format,jpg")
    # Nested resize,P_20: 20% of the 400-wide main image, 80x80.
    key = b64("mark.png?x-oss-process=image/resize,P_20")
    out = processed("image/watermark,image_%s/format,jpg" % key)
    assert image_size(out) == SIZE, "image watermark changed the size: %r" % (image_size(out),)
    assert out != plain, "the image watermark changed nothing"
    # PNG at the north-west corner, margins 0: every change inside the 80x80 block, and the
    # emblem reaches well past the unscaled 30 px.
    plain = png_pixels(processed("image/format,png"))
    out = png_pixels(processed("image/watermark,image_%s,g_nw,x_0,y_0/format,png" % key))
    box = changed_box(plain, out)
    assert box is not None and box[2] <= 80 and box[3] <= 80 and box[2] > 60, "watermark at %r" % (box,)
    # Unscaled: the 30x30 block; (15, 15) is opaque in watermark.png, so it shows there.
    out = png_pixels(processed("image/watermark,image_%s,g_nw,x_0,y_0/format,png" % b64("mark.png")))
    box = changed_box(plain, out)
    assert box is not None and box[2] <= 30 and box[3] <= 30, "watermark at %r" % (box,)
    assert out[2][15][15] != plain[2][15][15], "(15, 15) not covered"
    # Text and image in one watermark, and the same object twice.
    out = processed("image/watermark,image_%s,text_%s,order_1,interval_4" % (key, HELLO))
    assert image_size(out) == SIZE, "mixed watermark size %r" % (image_size(out),)
    m = b64("mark.png")
    out = processed("image/watermark,image_%s,g_nw/watermark,image_%s,g_se" % (m, m))
    assert image_size(out) == SIZE, "doubled watermark size %r" % (image_size(out),)
    # More than three image watermarks, or a nested action that is not allowed: 400.
    four = "/".join("watermark,image_%s,g_%s" % (m, g) for g in ("nw", "ne", "sw", "se"))
    expect_error(lambda: processed("image/" + four), 400, "InvalidArgument")
    blur = b64("mark.png?x-oss-process=image/blur,r_3,s_2")
    expect_error(lambda: processed("image/watermark,image_%s" % blur), 400, "InvalidArgument")
    e = expect_error(lambda: processed("image/watermark,image_!!!"), 400, "BadRequest")
    assert e.details.get("EC") == "0040-00000265", "bad base64 EC %r" % e.details


def style_with_watermark():
    b = bucket()
    content = "image/watermark,image_%s,g_nw,x_0,y_0/watermark,text_%s,size_20" % (
        b64("mark.png?x-oss-process=image/resize,P_20"), HELLO)
    b.put_bucket_style("marked", content)
    assert b.get_bucket_style("marked").content == content, "style content not stored verbatim"
    styled = processed("style/marked")
    assert image_size(styled) == SIZE, "style/marked gave %r" % (image_size(styled),)
    assert styled == processed(content), "the style differs from the same string inline"


def saveas_watermarked():
    b = bucket()
    process = "image/watermark,image_%s,g_nw/watermark,text_%s" % (b64("mark.png"), HELLO)
    answer = processed(process)
    target = "saved/marked.jpg"
    r = b.process_object("photo.jpg", "%s|sys/saveas,o_%s" % (process, b64(target)))
    assert r.status == 200 and r.process_status == "OK", "saveas status %d %r" % (r.status, r.process_status)
    assert (r.bucket, r.object) == ("", target), "saveas bucket/object %r %r" % (r.bucket, r.object)
    saved = b.get_object(target).read()
    assert image_size(saved) == SIZE, "saved image %r" % (image_size(saved),)
    assert r.fileSize == len(saved), "fileSize %d != stored %d" % (r.fileSize, len(saved))
    assert saved == answer, "the saved object differs from the GET answer"
    # Through the style, signed with V4.
    r = bucket(V4).process_object("photo.jpg", "style/marked|sys/saveas,o_%s" % b64("saved/styled.jpg"))
    assert r.process_status == "OK", "style saveas %r" % vars(r)
    assert image_size(b.get_object("saved/styled.jpg").read()) == SIZE, "style saveas size"


def watermark_object_permissions():
    # Missing object: 400 WatermarkError, for the owner and (bucket readable) anonymously.
    expect_error(lambda: processed("image/watermark,image_%s" % b64("ghost.png")), 400, "WatermarkError")
    anon = bucket(oss2.AnonymousAuth(), PUBLIC)
    expect_error(lambda: anon.get_object("photo.jpg", process="image/watermark,image_%s" % b64("ghost.png")),
                 400, "WatermarkError")
    # A public watermark in the public-read bucket: anonymous use is fine.
    out = anon.get_object("photo.jpg", process="image/watermark,image_%s" % b64("mark.png")).read()
    assert image_size(out) == SIZE, "anonymous watermark size %r" % (image_size(out),)
    # A private object there: the anonymous caller may not read it, so may not use it.
    bucket(V1, PUBLIC).put_object("secret.png", testdata(MARK), headers={"x-oss-object-acl": "private"})
    expect_error(lambda: anon.get_object("secret.png"), 403, "AccessDenied")
    expect_error(lambda: anon.get_object("photo.jpg", process="image/watermark,image_%s" % b64("secret.png")),
                 403, "AccessDenied")
    # The owner may.
    out = processed("image/watermark,image_%s" % b64("secret.png"), V4, PUBLIC)
    assert image_size(out) == SIZE, "owner's private watermark size %r" % (image_size(out),)


def cleanup():
    for name in (NAME, PUBLIC):
        b = bucket(V1, name)
        for o in oss2.ObjectIterator(b):
            b.delete_object(o.key)
        for s in b.list_bucket_style().styles:
            b.delete_bucket_style(s.name)
        b.delete_bucket()
    expect_error(lambda: bucket().get_bucket_acl(), 404, "NoSuchBucket")


if __name__ == "__main__":
    s = Suite("watermark oss2 " + oss2.__version__)
    for check in (setup, text_watermark, image_watermark, style_with_watermark, saveas_watermarked,
                  watermark_object_permissions, cleanup):
        s.run(check)
    s.done()

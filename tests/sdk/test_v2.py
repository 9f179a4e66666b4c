"""The alibabacloud-oss-v2 SDK (signature V4 by default, and its optional V1 signer) against a
running `ossimg serve`, path-style addressing. Run by tests/sdk.rs; see common.py."""

import base64
import datetime
import hashlib
import io
import json
import os
import time

import alibabacloud_oss_v2 as oss
from alibabacloud_oss_v2 import models

from common import (AK, ENDPOINT, PHOTO_SIZE, REGION, SK, Suite, error_code, http, image_size,
                    photo, unique)

NAME = unique("v2")
PUBLIC = NAME + "-pub"


def client(ak=AK, sk=SK, anonymous=False, signature_version=None, endpoint=ENDPOINT, path_style=True):
    """A client for the test server; `anonymous` sends no signature at all."""
    cfg = oss.config.load_default()
    if anonymous:
        cfg.credentials_provider = oss.credentials.AnonymousCredentialsProvider()
    else:
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ak, sk)
    cfg.region = REGION
    cfg.endpoint = endpoint
    cfg.use_path_style = path_style
    # No retries: a failure must show at once, not after back-off.
    cfg.retry_max_attempts = 1
    if signature_version:
        cfg.signature_version = signature_version
    return oss.Client(cfg)


C = client()


def expect_error(fn, status, code):
    """Runs fn, which must fail with an OSS ServiceError of this status and Code; returns it."""
    try:
        fn()
    except oss.exceptions.OperationError as e:
        se = e.unwrap()
        assert isinstance(se, oss.exceptions.ServiceError), "not a service error: %r" % se
        assert (se.status_code, se.code) == (status, code), "expected %d %s, got %d %s: %s" % (
            status, code, se.status_code, se.code, se.message)
        return se
    raise AssertionError("expected %d %s, the call succeeded" % (status, code))


def get(bucket, key, process=None, c=C):
    return c.get_object(models.GetObjectRequest(bucket=bucket, key=key, process=process)).body.read()


def create_buckets():
    r = C.put_bucket(models.PutBucketRequest(bucket=NAME, acl="private"))
    assert r.status_code == 200, "PutBucket %d" % r.status_code
    C.put_bucket(models.PutBucketRequest(bucket=PUBLIC, acl="public-read"))
    acl = C.get_bucket_acl(models.GetBucketAclRequest(bucket=PUBLIC)).acl
    assert acl == "public-read", "bucket ACL %r" % acl
    info = C.get_bucket_info(models.GetBucketInfoRequest(bucket=PUBLIC)).bucket_info
    assert (info.name, info.acl, info.storage_class) == (PUBLIC, "public-read", "Standard"), "GetBucketInfo %r" % info
    assert info.creation_date is not None and info.location.startswith("oss-"), "GetBucketInfo %r" % info
    loc = C.get_bucket_location(models.GetBucketLocationRequest(bucket=NAME)).location
    assert loc == info.location, "GetBucketLocation %r" % loc
    assert C.is_bucket_exist(NAME), "is_bucket_exist"
    names = [b.name for p in C.list_buckets_paginator().iter_page(models.ListBucketsRequest()) for b in p.buckets]
    assert NAME in names and PUBLIC in names, "ListBuckets %r" % names
    expect_error(lambda: C.put_bucket(models.PutBucketRequest(bucket=NAME)), 409, "BucketAlreadyExists")


def put_get_head_delete():
    body = b"v2 body " * 1000
    r = C.put_object(models.PutObjectRequest(bucket=NAME, key="dir/v2.bin", body=body,
                                             content_type="application/x-test", metadata={"who": "v2"}))
    assert r.etag == '"%s"' % hashlib.md5(body).hexdigest().upper(), "ETag %s" % r.etag
    # The SDK checks x-oss-hash-crc64ecma against its own CRC-64 and raises on mismatch.
    assert r.hash_crc64, "no x-oss-hash-crc64ecma"
    g = C.get_object(models.GetObjectRequest(bucket=NAME, key="dir/v2.bin"))
    assert g.body.read() == body, "GetObject body"
    assert g.content_type == "application/x-test" and g.metadata.get("who") == "v2", "headers %r %r" % (
        g.content_type, g.metadata)
    h = C.head_object(models.HeadObjectRequest(bucket=NAME, key="dir/v2.bin"))
    assert h.content_length == len(body) and h.etag == r.etag, "HeadObject %r %r" % (h.content_length, h.etag)
    part = C.get_object(models.GetObjectRequest(bucket=NAME, key="dir/v2.bin", range_header="bytes=8-15",
                                                range_behavior="standard")).body.read()
    assert part == body[8:16], "range 8-15 gave %r" % part
    assert C.is_object_exist(NAME, "dir/v2.bin"), "is_object_exist"
    C.delete_object(models.DeleteObjectRequest(bucket=NAME, key="dir/v2.bin"))
    assert not C.is_object_exist(NAME, "dir/v2.bin"), "object still there after DeleteObject"
    expect_error(lambda: get(NAME, "dir/v2.bin"), 404, "NoSuchKey")
    # HEAD errors have no body: the SDK reads Code from x-oss-err.
    expect_error(lambda: C.head_object(models.HeadObjectRequest(bucket=NAME, key="nope")), 404, "NoSuchKey")


def listing():
    keys = ["l/a.txt", "l/b/1.txt", "l/b/2.txt", "l/c d+e%.txt", "z.txt"]
    for k in keys:
        C.put_object(models.PutObjectRequest(bucket=NAME, key=k, body=k.encode()))
    r = C.list_objects(models.ListObjectsRequest(bucket=NAME, prefix="l/", delimiter="/"))
    got = [o.key for o in r.contents]
    assert got == ["l/a.txt", "l/c d+e%.txt"], "V1 keys %r (SDK url-decodes with encoding-type=url)" % got
    assert [p.prefix for p in r.common_prefixes] == ["l/b/"], "V1 prefixes"
    r = C.list_objects_v2(models.ListObjectsV2Request(bucket=NAME, prefix="l/", delimiter="/"))
    assert [o.key for o in r.contents] == ["l/a.txt", "l/c d+e%.txt"], "V2 keys %r" % [o.key for o in r.contents]
    assert [p.prefix for p in r.common_prefixes] == ["l/b/"] and r.key_count == 3, "V2 prefixes/KeyCount %r" % (
        r.key_count,)
    pages = list(C.list_objects_v2_paginator().iter_page(models.ListObjectsV2Request(bucket=NAME, max_keys=2)))
    got = [o.key for p in pages for o in (p.contents or [])]
    assert got == sorted(keys) and len(pages) == 3, "paginated V2 %r in %d pages" % (got, len(pages))
    pages = list(C.list_objects_paginator().iter_page(models.ListObjectsRequest(bucket=NAME, max_keys=3)))
    got = [o.key for p in pages for o in (p.contents or [])]
    assert got == sorted(keys) and len(pages) == 2, "paginated V1 %r" % got
    for k in keys:
        C.delete_object(models.DeleteObjectRequest(bucket=NAME, key=k))


# Keys that need escaping in paths, queries and signatures (see test_oss2.py).
SPECIAL_KEYS = ["a b+c.txt", "\u00fc/\u00f1 \u4e2d\u6587.txt", "x%2Fy?z#w.txt", "~!$&'()*,;=@.txt", "dir/", "a//b"]


def special_keys():
    for k in SPECIAL_KEYS:
        C.put_object(models.PutObjectRequest(bucket=NAME, key=k, body=k.encode()))
        assert get(NAME, k) == k.encode(), "GET %r" % k
        p = C.presign(models.GetObjectRequest(bucket=NAME, key=k))
        status, _, out = http("GET", p.url)
        assert (status, out) == (200, k.encode()), "presigned %r: %d %r" % (k, status, out[:200])
    # encoding-type=url listings: the SDK decodes keys, so '+' must come back as %2B, not '+'.
    listed = sorted(o.key for o in C.list_objects_v2(models.ListObjectsV2Request(bucket=NAME)).contents)
    assert listed == sorted(SPECIAL_KEYS), "V2 listing of special keys %r" % listed
    listed = sorted(o.key for o in C.list_objects(models.ListObjectsRequest(bucket=NAME)).contents)
    assert listed == sorted(SPECIAL_KEYS), "V1 listing of special keys %r" % listed
    for k in SPECIAL_KEYS:
        C.delete_object(models.DeleteObjectRequest(bucket=NAME, key=k))


def processing():
    C.put_object(models.PutObjectRequest(bucket=NAME, key="photo.jpg", body=photo()))
    out = get(NAME, "photo.jpg", "image/resize,w_100/rotate,90")
    # 1800x1200 → w_100: 100x67; rotate 90 swaps the sides.
    assert image_size(out) == (67, 100), "resize+rotate %r" % (image_size(out),)
    # The SDK's V1 signer leaves x-oss-process out of the canonical resource (spec §9.1 note).
    out = get(NAME, "photo.jpg", "image/resize,w_100/rotate,90", client(signature_version="v1"))
    assert image_size(out) == (67, 100), "resize+rotate with the v2 SDK's V1 signer %r" % (image_size(out),)
    info = json.loads(get(NAME, "photo.jpg", "image/info"))
    assert (int(info["ImageWidth"]["value"]), int(info["ImageHeight"]["value"])) == PHOTO_SIZE, info
    out = get(NAME, "photo.jpg", "image/crop,w_300,h_200,g_center/format,webp")
    assert image_size(out) == (300, 200), "crop+webp %r" % (image_size(out),)
    se = expect_error(lambda: get(NAME, "photo.jpg", "image/rotate,361"), 400, "InvalidArgument")
    assert (se.ec or "").startswith("0040-"), "IMG error EC %r" % se.ec


def styles():
    C.put_style(models.PutStyleRequest(bucket=NAME, style_name="thumb",
                                       style=models.StyleContent(content="image/resize,w_60")))
    C.put_style(models.PutStyleRequest(bucket=NAME, style_name="a-b_c", category="image",
                                       style=models.StyleContent(content="image/resize,h_40/rotate,90")))
    s = C.get_style(models.GetStyleRequest(bucket=NAME, style_name="thumb")).style
    assert (s.name, s.content, s.category) == ("thumb", "image/resize,w_60", "image"), "GetStyle %r" % vars(s)
    listed = [(x.name, x.content) for x in C.list_style(models.ListStyleRequest(bucket=NAME)).style_list.styles]
    assert listed == [("thumb", "image/resize,w_60"), ("a-b_c", "image/resize,h_40/rotate,90")], "ListStyle %r" % listed
    assert image_size(get(NAME, "photo.jpg", "style/thumb")) == (60, 40), "style/thumb"
    assert image_size(get(NAME, "photo.jpg", "style/a-b_c")) == (40, 60), "style/a-b_c"
    C.delete_style(models.DeleteStyleRequest(bucket=NAME, style_name="a-b_c"))
    expect_error(lambda: C.get_style(models.GetStyleRequest(bucket=NAME, style_name="a-b_c")), 404, "NoSuchStyle")
    listed = [x.name for x in C.list_style(models.ListStyleRequest(bucket=NAME)).style_list.styles]
    assert listed == ["thumb"], "after delete %r" % listed
    expect_error(lambda: C.put_style(models.PutStyleRequest(
        bucket=NAME, style_name="x", style=models.StyleContent(content="image/resize,w_1;rm"))), 400, "BadRequest")
    anon = client(anonymous=True)
    expect_error(lambda: anon.list_style(models.ListStyleRequest(bucket=PUBLIC)), 403, "AccessDenied")


def process_configuration_and_delimiter():
    # The SDK has no PutBucketProcessConfiguration: its generic, V4-signed invoke_operation.
    body = (b"<BucketProcessConfiguration><CompliedHost>Img</CompliedHost>"
            b"<SourceFileProtect>Enabled</SourceFileProtect><SourceFileProtectSuffix>jpg</SourceFileProtectSuffix>"
            b"<StyleDelimiters>_</StyleDelimiters></BucketProcessConfiguration>")
    for b in (NAME, PUBLIC):
        out = C.invoke_operation(oss.OperationInput(
            op_name="PutBucketProcessConfiguration", method="PUT", bucket=b,
            parameters={"processConfiguration": ""}, body=body, headers={"Content-Type": "application/xml"}))
        assert out.status_code == 200, "PutBucketProcessConfiguration %d" % out.status_code
    out = C.invoke_operation(oss.OperationInput(
        op_name="GetBucketProcessConfiguration", method="GET", bucket=NAME, parameters={"processConfiguration": ""}))
    text = out.http_response.content
    for frag in (b"<CompliedHost>Img</CompliedHost>", b"<SourceFileProtect>Enabled</SourceFileProtect>",
                 b"<SourceFileProtectSuffix>jpg</SourceFileProtectSuffix>", b"<StyleDelimiters>_</StyleDelimiters>"):
        assert frag in text, "GetBucketProcessConfiguration lacks %r: %r" % (frag, text)
    assert image_size(get(NAME, "photo.jpg_thumb")) == (60, 40), "signed delimiter style"
    # Source protection on the public-read bucket: anonymous plain GET and inline processing are
    # refused; a style (query or delimiter form) is served.
    C.put_object(models.PutObjectRequest(bucket=PUBLIC, key="p.jpg", body=photo()))
    C.put_style(models.PutStyleRequest(bucket=PUBLIC, style_name="s", style=models.StyleContent(content="image/resize,w_30")))
    base = "%s/%s/p.jpg" % (ENDPOINT, PUBLIC)
    for url in (base, base + "?x-oss-process=image/resize,w_30"):
        status, _, text = http("GET", url)
        assert (status, error_code(text)) == (403, "AccessDenied"), "protected source %s: %d %s" % (url, status, text)
    for url in (base + "?x-oss-process=style/s", base + "_s"):
        status, _, out = http("GET", url)
        assert status == 200 and image_size(out) == (30, 20), "style on protected source %s: %d" % (url, status)
    # Switch protection off again for the access-control checks.
    C.invoke_operation(oss.OperationInput(
        op_name="PutBucketProcessConfiguration", method="PUT", bucket=PUBLIC, parameters={"processConfiguration": ""},
        body=b"<BucketProcessConfiguration><SourceFileProtect>Disabled</SourceFileProtect></BucketProcessConfiguration>",
        headers={"Content-Type": "application/xml"}))


def presigned_urls():
    req = models.GetObjectRequest(bucket=NAME, key="photo.jpg", process="image/resize,w_100/rotate,90")
    p = C.presign(req, expires=datetime.timedelta(seconds=60))
    assert "x-oss-signature=" in p.url and "x-oss-process=" in p.url, "not a V4 URL: %s" % p.url
    status, headers, out = http(p.method, p.url, headers=p.signed_headers or {})
    assert status == 200 and image_size(out) == (67, 100), "V4 presigned: %d %r" % (status, out[:200])
    p = client(signature_version="v1").presign(req, expires=datetime.timedelta(seconds=60))
    assert "OSSAccessKeyId=" in p.url, "not a V1 URL: %s" % p.url
    status, _, out = http(p.method, p.url)
    assert status == 200 and image_size(out) == (67, 100), "V1 presigned from the v2 SDK: %d" % status
    put = C.presign(models.PutObjectRequest(bucket=NAME, key="via-url.txt", content_type="text/plain"))
    status, _, text = http(put.method, put.url, b"uploaded", put.signed_headers)
    assert status == 200, "presigned PUT %d %s" % (status, text)
    assert get(NAME, "via-url.txt") == b"uploaded", "presigned PUT body"
    p = C.presign(req, expires=datetime.timedelta(seconds=1))
    time.sleep(2.1)  # past the URL's one second of life
    status, _, text = http("GET", p.url)
    assert (status, error_code(text)) == (403, "AccessDenied"), "expired V4 URL: %d %s" % (status, text)


def saveas():
    target = "out/saved.png"
    enc = base64.urlsafe_b64encode(target.encode()).decode().rstrip("=")
    r = C.process_object(models.ProcessObjectRequest(bucket=NAME, key="photo.jpg",
                                                     process="image/resize,w_80/format,png|sys/saveas,o_%s" % enc))
    assert (r.bucket, r.key, r.process_status) == ("", target, "OK"), "saveas %r" % vars(r)
    saved = get(NAME, target)
    assert r.file_size == len(saved) and image_size(saved) == (80, 53), "saved %d bytes %r" % (
        len(saved), image_size(saved))
    enc_b = base64.urlsafe_b64encode(PUBLIC.encode()).decode()
    r = C.process_object(models.ProcessObjectRequest(bucket=NAME, key="photo.jpg",
                                                     process="style/thumb|sys/saveas,o_%s,b_%s" % (enc, enc_b)))
    assert (r.bucket, r.key, r.process_status) == (PUBLIC, target, "OK"), "cross-bucket saveas %r" % vars(r)
    h = C.head_object(models.HeadObjectRequest(bucket=PUBLIC, key=target))
    assert h.content_length == r.file_size, "saved object size %d != fileSize %d" % (h.content_length, r.file_size)
    # Anonymous saveas into a private bucket: refused.
    expect_error(lambda: client(anonymous=True).process_object(models.ProcessObjectRequest(
        bucket=NAME, key="photo.jpg", process="image/resize,w_10|sys/saveas,o_%s" % enc)), 403, "AccessDenied")


def access_control():
    anon = client(anonymous=True)
    expect_error(lambda: get(NAME, "photo.jpg", c=anon), 403, "AccessDenied")
    expect_error(lambda: anon.put_object(models.PutObjectRequest(bucket=NAME, key="a", body=b"a")), 403, "AccessDenied")
    assert get(PUBLIC, "p.jpg", c=anon) == photo(), "anonymous GET on public-read"
    assert image_size(get(PUBLIC, "p.jpg", "image/resize,w_10", c=anon)) == (10, 7), "anonymous processing"
    expect_error(lambda: anon.put_object(models.PutObjectRequest(bucket=PUBLIC, key="a", body=b"a")), 403, "AccessDenied")
    expect_error(lambda: anon.delete_object(models.DeleteObjectRequest(bucket=PUBLIC, key="p.jpg")), 403, "AccessDenied")
    se = expect_error(lambda: get(NAME, "photo.jpg", c=client(sk=SK + "x")), 403, "SignatureDoesNotMatch")
    assert se.ec, "SignatureDoesNotMatch without EC"
    expect_error(lambda: get(NAME, "photo.jpg", c=client(sk=SK + "x", signature_version="v1")), 403,
                 "SignatureDoesNotMatch")
    expect_error(lambda: get(NAME, "photo.jpg", c=client(ak="LTAInobody")), 403, "InvalidAccessKeyId")


def multipart_uploads():
    data = os.urandom(300 * 1024) + b"tail"
    # The SDK's uploader: parts in parallel, CRC-64 of the whole checked against the answer.
    r = C.uploader(part_size=100 * 1024).upload_from(models.PutObjectRequest(bucket=NAME, key="mp/v2.bin"),
                                                      io.BytesIO(data))
    assert r.upload_id and r.etag.endswith('-4"'), "uploader result %r" % vars(r)
    assert get(NAME, "mp/v2.bin") == data, "uploaded body differs"
    head = C.head_object(models.HeadObjectRequest(bucket=NAME, key="mp/v2.bin"))
    assert (head.object_type, head.etag) == ("Multipart", r.etag), "HeadObject %r" % head
    init = C.initiate_multipart_upload(models.InitiateMultipartUploadRequest(bucket=NAME, key="mp/abort"))
    C.abort_multipart_upload(models.AbortMultipartUploadRequest(bucket=NAME, key="mp/abort", upload_id=init.upload_id))
    expect_error(lambda: C.list_parts(models.ListPartsRequest(bucket=NAME, key="mp/abort", upload_id=init.upload_id)),
                 404, "NoSuchUpload")


def cleanup():
    for b in (NAME, PUBLIC):
        for page in C.list_objects_v2_paginator().iter_page(models.ListObjectsV2Request(bucket=b)):
            for o in page.contents or []:
                C.delete_object(models.DeleteObjectRequest(bucket=b, key=o.key))
        C.delete_bucket(models.DeleteBucketRequest(bucket=b))
        assert not C.is_bucket_exist(b), "bucket %s still exists" % b


if __name__ == "__main__":
    s = Suite("alibabacloud-oss-v2 " + oss.__version__)
    for check in (create_buckets, put_get_head_delete, listing, special_keys, processing, styles,
                  process_configuration_and_delimiter, presigned_urls, saveas, access_control,
                  multipart_uploads, cleanup):
        s.run(check)
    s.done()

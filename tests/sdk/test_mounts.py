"""Mounted buckets (a folder or an S3 prefix of plain images served in place) through both Python
SDKs, oss2 (signature V1) and alibabacloud-oss-v2 (V4), path-style addressing. Run by
tests/sdk/mounts.rs, which seeds the source, starts `ossimg serve` with the mounts, and afterwards
checks the bytes this suite wrote on disk or in S3. Besides common.py's, the environment names:
  OSSIMG_MOUNT_RO       a public-read, read-only mount holding photo.jpg (Landscape_1.jpg),
                        sub/hopper.png, sub/deeper/cat.jpg and notes.txt
  OSSIMG_MOUNT_PRIVATE  the same source mounted private and read-only (`--mount`)
  OSSIMG_MOUNT_RW       a private, writable mount, empty at the start
  OSSIMG_MOUNT_KIND     `folder` or `s3` (for messages)
Beside the read-only source lies outside.jpg, which no key may reach."""

import base64
import datetime
import os
import tempfile

import oss2
from alibabacloud_oss_v2 import models

from common import AK, ENDPOINT, REGION, SK, Suite, error_code, http, image_size, photo, testdata
from common import expect_oss2_error as expect_error
# The v2 SDK's client and checks of its suite (importing it runs nothing).
from test_v2 import C, client
from test_v2 import expect_error as v2_error
from test_v2 import get as v2_get

RO = os.environ["OSSIMG_MOUNT_RO"]
PRIVATE = os.environ["OSSIMG_MOUNT_PRIVATE"]
RW = os.environ["OSSIMG_MOUNT_RW"]
KIND = os.environ["OSSIMG_MOUNT_KIND"]

V1 = oss2.Auth(AK, SK)
KEYS = ["notes.txt", "photo.jpg", "sub/deeper/cat.jpg", "sub/hopper.png"]
# What the multipart upload writes; tests/sdk/mounts.rs expects the same bytes.
BIG = bytes((i * 7 + i // 251) % 256 for i in range(600 * 1024))


def bucket(name, auth=V1):
    return oss2.Bucket(auth, ENDPOINT, name, is_path_style=True, region=REGION)


def get_and_head():
    b = bucket(RO)
    got = b.get_object("photo.jpg")
    assert got.read() == photo(), "%s: oss2 GET body differs" % KIND
    assert got.headers["Content-Type"] == "image/jpeg", "Content-Type %r" % got.headers["Content-Type"]
    # Nothing hashed the plain file: no CRC for oss2 to check, no Content-MD5.
    assert "x-oss-hash-crc64ecma" not in got.headers and "Content-MD5" not in got.headers, dict(got.headers)
    head = b.head_object("photo.jpg")
    assert head.content_length == len(photo()) and head.etag == got.etag, "HEAD %r" % dict(head.headers)
    assert head.headers["x-oss-object-type"] == "Normal", dict(head.headers)
    assert b.get_object("photo.jpg", byte_range=(10, 19)).read() == photo()[10:20], "Range"
    assert b.get_object("sub/hopper.png").headers["Content-Type"] == "image/png", "sniffed PNG"
    assert b.object_exists("sub/deeper/cat.jpg") and not b.object_exists("sub"), "object_exists"
    expect_error(lambda: b.get_object("missing.jpg"), 404, "NoSuchKey")
    r = C.get_object(models.GetObjectRequest(bucket=RO, key="photo.jpg"))
    assert r.body.read() == photo() and r.content_type == "image/jpeg", "v2 GET"
    h = C.head_object(models.HeadObjectRequest(bucket=RO, key="sub/deeper/cat.jpg"))
    assert (h.content_length, h.etag) == (len(testdata("cat.jpg")), C.head_object(
        models.HeadObjectRequest(bucket=RO, key="sub/deeper/cat.jpg")).etag), "v2 HEAD"
    # public-read: anonymous reads, with both SDKs and a bare URL.
    assert bucket(RO, oss2.AnonymousAuth()).get_object("photo.jpg").read() == photo(), "anonymous oss2"
    assert v2_get(RO, "notes.txt", c=client(anonymous=True)) == b"plain text\n", "anonymous v2"
    status, _, out = http("GET", "%s/%s/photo.jpg" % (ENDPOINT, RO))
    assert (status, out) == (200, photo()), "bare URL: %d" % status
    # ListBuckets names the mounts.
    names = [x.name for x in oss2.Service(V1, ENDPOINT).list_buckets().buckets]
    assert {RO, PRIVATE, RW} <= set(names), "ListBuckets %r" % names


def listing():
    b = bucket(RO)
    listed = [o.key for o in oss2.ObjectIterator(b)]
    assert listed == KEYS, "%s: oss2 V1 listing %r" % (KIND, listed)
    r = b.list_objects(delimiter="/")
    assert ([o.key for o in r.object_list], r.prefix_list) == (["notes.txt", "photo.jpg"], ["sub/"]), \
        "V1 delimiter %r %r" % ([o.key for o in r.object_list], r.prefix_list)
    r = b.list_objects_v2(prefix="sub/", delimiter="/")
    assert ([o.key for o in r.object_list], r.prefix_list) == (["sub/hopper.png"], ["sub/deeper/"]), "V2 prefix"
    pages = [o.key for o in oss2.ObjectIteratorV2(b, max_keys=1)]
    assert pages == KEYS, "V2 one key per page %r" % pages
    sizes = {o.key: o.size for o in b.list_objects_v2().object_list}
    assert sizes["photo.jpg"] == len(photo()), "listed size %r" % sizes
    etag = b.head_object("photo.jpg").etag
    listed_etag = [o.etag for o in b.list_objects().object_list if o.key == "photo.jpg"][0]
    assert listed_etag == etag, "listed ETag %s != HEAD %s" % (listed_etag, etag)
    paginator = C.list_objects_v2_paginator(limit=2)
    keys = [o.key for page in paginator.iter_page(models.ListObjectsV2Request(bucket=RO)) for o in page.contents]
    assert keys == KEYS, "v2 SDK paginated listing %r" % keys
    v1 = C.list_objects(models.ListObjectsRequest(bucket=RO, delimiter="/"))
    assert [p.prefix for p in v1.common_prefixes] == ["sub/"], "v2 SDK V1 listing"


def processing_and_styles():
    b = bucket(RO)
    out = b.get_object("photo.jpg", process="image/resize,w_100/rotate,90").read()
    assert image_size(out) == (67, 100), "%s: oss2 processing %r" % (KIND, image_size(out))
    out = v2_get(RO, "photo.jpg", "image/crop,w_300,h_200,g_center/format,webp")
    assert image_size(out) == (300, 200), "v2 processing %r" % (image_size(out),)
    b.put_bucket_style("thumb", "image/resize,w_60")
    assert image_size(b.get_object("photo.jpg", process="style/thumb").read()) == (60, 40), "oss2 style"
    C.put_style(models.PutStyleRequest(bucket=RO, style_name="tall",
                                       style=models.StyleContent(content="image/resize,h_30")))
    assert image_size(v2_get(RO, "photo.jpg", "style/tall")) == (45, 30), "v2 style"
    assert b.get_bucket_acl().acl == "public-read", "the mount's ACL"
    anon = bucket(RO, oss2.AnonymousAuth())
    assert image_size(anon.get_object("sub/deeper/cat.jpg", process="style/thumb").read())[0] == 60, "anon style"


def presigned_urls():
    # The private mount: no anonymous access, presigned URLs of both signature versions work.
    expect_error(lambda: bucket(PRIVATE, oss2.AnonymousAuth()).get_object("photo.jpg"), 403, "AccessDenied")
    url = bucket(PRIVATE).sign_url("GET", "photo.jpg", 60)
    status, _, out = http("GET", url)
    assert (status, out) == (200, photo()), "%s: V1 presigned URL %d" % (KIND, status)
    url = bucket(PRIVATE, oss2.AuthV4(AK, SK)).sign_url("GET", "photo.jpg", 60,
                                                         params={"x-oss-process": "image/resize,w_100"})
    status, _, out = http("GET", url)
    assert status == 200 and image_size(out) == (100, 67), "V4 presigned processed URL %d" % status
    p = C.presign(models.GetObjectRequest(bucket=PRIVATE, key="sub/hopper.png"), expires=datetime.timedelta(seconds=60))
    status, _, out = http(p.method, p.url, headers=p.signed_headers or {})
    assert (status, out) == (200, testdata("hopper.png")), "v2 SDK presigned URL %d" % status


def read_only_refuses_writes():
    b = bucket(RO)
    expect_error(lambda: b.put_object("new.jpg", b"x"), 403, "AccessDenied")
    expect_error(lambda: b.put_object("photo.jpg", b"x"), 403, "AccessDenied")
    expect_error(lambda: b.delete_object("photo.jpg"), 403, "AccessDenied")
    expect_error(lambda: b.init_multipart_upload("big.bin"), 403, "AccessDenied")
    expect_error(lambda: b.copy_object(RO, "photo.jpg", "copy.jpg"), 403, "AccessDenied")
    expect_error(lambda: b.batch_delete_objects(["photo.jpg"]), 403, "AccessDenied")
    expect_error(lambda: b.put_object_acl("photo.jpg", oss2.OBJECT_ACL_PRIVATE), 403, "AccessDenied")
    expect_error(lambda: b.put_bucket_acl(oss2.BUCKET_ACL_PRIVATE), 403, "AccessDenied")
    expect_error(lambda: b.create_bucket(), 409, "BucketAlreadyExists")
    expect_error(lambda: b.delete_bucket(), 403, "AccessDenied")
    v2_error(lambda: C.put_object(models.PutObjectRequest(bucket=RO, key="v2.jpg", body=b"x")), 403, "AccessDenied")
    v2_error(lambda: C.delete_object(models.DeleteObjectRequest(bucket=RO, key="photo.jpg")), 403, "AccessDenied")
    enc = base64.urlsafe_b64encode(b"saved.jpg").decode()
    expect_error(lambda: b.process_object("photo.jpg", "image/resize,w_10|sys/saveas,o_%s" % enc),
                 403, "AccessDenied")
    assert b.get_object("photo.jpg").read() == photo(), "the source changed"
    assert [o.key for o in oss2.ObjectIterator(b)] == KEYS, "the listing changed"


def writable_stores_plain_objects():
    b = bucket(RW)
    r = b.put_object("w/oss2.jpg", testdata("hopper.jpg"), headers={"Content-Type": "image/jpeg"})
    assert r.status == 200, "%s: PUT %d" % (KIND, r.status)
    assert b.get_object("w/oss2.jpg").read() == testdata("hopper.jpg"), "read back"
    assert b.head_object("w/oss2.jpg").etag == r.etag, "PUT and HEAD ETags differ"
    C.put_object(models.PutObjectRequest(bucket=RW, key="w/v2.png", body=testdata("hopper.png")))
    b.put_object("w/gone.jpg", b"to be deleted")
    b.delete_object("w/gone.jpg")
    expect_error(lambda: b.get_object("w/gone.jpg"), 404, "NoSuchKey")
    b.copy_object(RO, "photo.jpg", "w/copy.jpg")
    assert b.get_object("w/copy.jpg").read() == photo(), "copied from the read-only mount"
    enc = base64.urlsafe_b64encode(b"w/thumb.png").decode()
    enc_b = base64.urlsafe_b64encode(RW.encode()).decode()
    r = bucket(RO).process_object("photo.jpg", "image/resize,w_80/format,png|sys/saveas,o_%s,b_%s" % (enc, enc_b))
    assert (r.status, r.bucket, r.object) == (200, RW, "w/thumb.png"), "saveas %r" % vars(r)
    assert image_size(b.get_object("w/thumb.png").read()) == (80, 53), "saved thumbnail"
    # oss2's resumable uploader: a multipart upload completed into one plain object (oss2 checks
    # the CRC-64 of the whole).
    path = os.path.join(tempfile.mkdtemp(), "big.bin")
    with open(path, "wb") as f:
        f.write(BIG)
    oss2.resumable_upload(b, "w/big.bin", path, multipart_threshold=100 * 1024, part_size=200 * 1024,
                          num_threads=2, store=oss2.ResumableStore(root=tempfile.mkdtemp()))
    assert b.get_object("w/big.bin").read() == BIG, "multipart upload read back"
    listed = [o.key for o in oss2.ObjectIterator(b, prefix="w/")]
    assert listed == ["w/big.bin", "w/copy.jpg", "w/oss2.jpg", "w/thumb.png", "w/v2.png"], "listed %r" % listed
    expect_error(lambda: bucket(RW, oss2.AnonymousAuth()).put_object("anon.jpg", b"x"), 403, "AccessDenied")


def traversal_refused():
    # oss2 escapes `/` in keys (`..%2Foutside.jpg`); the server decodes the key and refuses it.
    for b in (bucket(RO), bucket(RW)):
        for key in ("../outside.jpg", "sub/../../outside.jpg", "./photo.jpg", "sub//hopper.png"):
            expect_error(lambda: b.get_object(key), 400, "InvalidObjectName")
            expect_error(lambda: b.put_object(key, b"escaped"), 400 if b.bucket_name == RW else 403,
                         "InvalidObjectName" if b.bucket_name == RW else "AccessDenied")
    v2_error(lambda: C.put_object(models.PutObjectRequest(bucket=RW, key="sub//x.jpg", body=b"x")),
             400, "InvalidObjectName")
    # The v2 SDK leaves `/` unescaped and its HTTP stack resolves `..` before sending: the request
    # reaches another path than the one signed, and is refused for that.
    v2_error(lambda: C.put_object(models.PutObjectRequest(bucket=RW, key="../outside.jpg", body=b"x")),
             403, "SignatureDoesNotMatch")
    status, _, text = http("GET", bucket(RO).sign_url("GET", "../outside.jpg", 60))
    assert (status, error_code(text)) == (400, "InvalidObjectName"), "presigned traversal %d %s" % (status, text)


def main():
    suite = Suite("test_mounts[%s]" % KIND)
    for check in (get_and_head, listing, processing_and_styles, presigned_urls, read_only_refuses_writes,
                  writable_stores_plain_objects, traversal_refused):
        suite.run(check)
    suite.done()


if __name__ == "__main__":
    main()

"""The oss2 SDK (signature V1 by default, and AuthV4) against a running `ossimg serve`, path-style
addressing. Run by tests/sdk.rs; see common.py for the environment."""

import base64
import hashlib
import json
import os
import tempfile
import time

import oss2

from common import (AK, ENDPOINT, PHOTO_SIZE, REGION, SK, Suite, error_code, http, image_size,
                    photo, unique, v1_signed)
from common import expect_oss2_error as expect_error

V1 = oss2.Auth(AK, SK)
V4 = oss2.AuthV4(AK, SK)
NAME = unique("oss2")
PUBLIC = NAME + "-pub"


def bucket(auth=V1, name=NAME):
    """A path-style oss2 Bucket; V4 needs the region of its scope."""
    return oss2.Bucket(auth, ENDPOINT, name, is_path_style=True, region=REGION)


def create_buckets():
    bucket().create_bucket(oss2.BUCKET_ACL_PRIVATE)
    bucket(V4, PUBLIC).create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
    assert bucket().get_bucket_acl().acl == oss2.BUCKET_ACL_PRIVATE, "new bucket must be private"
    assert bucket(V4, PUBLIC).get_bucket_acl().acl == oss2.BUCKET_ACL_PUBLIC_READ, "public-read ACL lost"
    info = bucket(V4, PUBLIC).get_bucket_info()
    assert (info.name, info.acl.grant, info.storage_class) == (PUBLIC, oss2.BUCKET_ACL_PUBLIC_READ, "Standard"), \
        "GetBucketInfo %r" % vars(info)
    assert info.location.startswith("oss-") and info.owner.id, "GetBucketInfo %r" % vars(info)
    assert bucket().get_bucket_location().location == info.location, "GetBucketLocation"
    names = [b.name for b in oss2.Service(V1, ENDPOINT).list_buckets().buckets]
    assert NAME in names and PUBLIC in names, "ListBuckets misses the new buckets: %r" % names
    expect_error(lambda: bucket().create_bucket(), 409, "BucketAlreadyExists")


def put_get_head_delete():
    for auth in (V1, V4):
        b = bucket(auth)
        body = b"hello ossimg " + auth.__class__.__name__.encode()
        r = b.put_object("dir/hello.txt", body, headers={"Content-Type": "text/plain", "x-oss-meta-who": "sdk"})
        assert r.status == 200, "PutObject status %d" % r.status
        # oss2 compares x-oss-hash-crc64ecma with its own CRC (enable_crc) and raises on mismatch.
        assert r.etag == hashlib.md5(body).hexdigest().upper(), "ETag %s" % r.etag
        got = b.get_object("dir/hello.txt")
        assert got.read() == body, "GetObject body differs"
        assert got.headers["Content-Type"] == "text/plain", "Content-Type not stored: %r" % got.headers
        head = b.head_object("dir/hello.txt")
        assert head.content_length == len(body), "HeadObject length %d" % head.content_length
        assert head.headers.get("x-oss-meta-who") == "sdk", "user metadata lost: %r" % dict(head.headers)
        assert head.etag == r.etag, "ETag of HEAD %s != PUT %s" % (head.etag, r.etag)
        ranged = b.get_object("dir/hello.txt", byte_range=(0, 4)).read()
        assert ranged == body[:5], "Range 0-4 gave %r" % ranged
        b.delete_object("dir/hello.txt")
        assert not b.object_exists("dir/hello.txt"), "object still exists after DeleteObject"
        expect_error(lambda: b.get_object("dir/hello.txt"), 404, "NoSuchKey")
    expect_error(lambda: bucket(V1, NAME + "-none").get_object("x"), 404, "NoSuchBucket")


def listing():
    b = bucket()
    keys = ["list/a.txt", "list/b/1.txt", "list/b/2.txt", "list/c d+e.txt", "other.txt"]
    for k in keys:
        b.put_object(k, k.encode())
    r = b.list_objects(prefix="list/", delimiter="/")
    assert [o.key for o in r.object_list] == ["list/a.txt", "list/c d+e.txt"], "V1 keys %r" % [
        o.key for o in r.object_list]
    assert r.prefix_list == ["list/b/"], "V1 common prefixes %r" % r.prefix_list
    sizes = {o.key: o.size for o in r.object_list}
    assert sizes["list/a.txt"] == len("list/a.txt"), "V1 size %r" % sizes
    r = b.list_objects_v2(prefix="list/", delimiter="/")
    assert [o.key for o in r.object_list] == ["list/a.txt", "list/c d+e.txt"], "V2 keys %r" % [
        o.key for o in r.object_list]
    assert r.prefix_list == ["list/b/"], "V2 common prefixes %r" % r.prefix_list
    # Paging: max-keys 2 over the 4 keys under list/, then continue.
    r1 = b.list_objects_v2(prefix="list/", max_keys=2)
    assert r1.is_truncated and len(r1.object_list) == 2, "first page %r" % [o.key for o in r1.object_list]
    r2 = b.list_objects_v2(prefix="list/", continuation_token=r1.next_continuation_token, max_keys=2)
    got = [o.key for o in r1.object_list + r2.object_list]
    assert got == sorted(keys[:4]) and not r2.is_truncated, "paged V2 listing %r" % got
    # start_after (oss2 sends it with an empty continuation-token), and the iterator over it.
    r = b.list_objects_v2(prefix="list/", start_after="list/a.txt")
    assert [o.key for o in r.object_list] == sorted(keys[:4])[1:], "V2 start_after %r" % [
        o.key for o in r.object_list]
    got = [o.key for o in oss2.ObjectIteratorV2(b, prefix="list/", start_after="list/b/", max_keys=1)]
    assert got == [k for k in sorted(keys[:4]) if k > "list/b/"], "ObjectIteratorV2 start_after %r" % got
    r1 = b.list_objects(prefix="list/", max_keys=3)
    r2 = b.list_objects(prefix="list/", marker=r1.next_marker, max_keys=3)
    got = [o.key for o in r1.object_list + r2.object_list]
    assert got == sorted(keys[:4]), "paged V1 listing %r" % got
    all_keys = [o.key for o in oss2.ObjectIterator(b)]
    assert all_keys == sorted(keys), "ObjectIterator %r" % all_keys
    for k in keys:
        b.delete_object(k)


# Keys that need escaping in paths, queries and signatures: space and '+', non-ASCII, a literal
# '%2F', '?' and '#', sub-delimiters, a trailing '/', an empty path segment.
SPECIAL_KEYS = ["a b+c.txt", "\u00fc/\u00f1 \u4e2d\u6587.txt", "x%2Fy?z#w.txt", "~!$&'()*,;=@.txt", "dir/", "a//b"]


def special_keys():
    for auth in (V1, V4):
        b = bucket(auth)
        for k in SPECIAL_KEYS:
            b.put_object(k, k.encode())
            assert b.get_object(k).read() == k.encode(), "%s GET %r" % (auth.__class__.__name__, k)
            status, _, out = http("GET", b.sign_url("GET", k, 60))
            assert (status, out) == (200, k.encode()), "%s presigned %r: %d %r" % (
                auth.__class__.__name__, k, status, out[:200])
    listed = sorted(o.key for o in oss2.ObjectIterator(bucket(), prefix=""))
    assert listed == sorted(SPECIAL_KEYS), "listing of special keys %r" % listed
    for k in SPECIAL_KEYS:
        bucket().delete_object(k)


def processing():
    b = bucket()
    b.put_object("photo.jpg", photo())
    for auth in (V1, V4):
        out = bucket(auth).get_object("photo.jpg", process="image/resize,w_100/rotate,90").read()
        # 1800x1200 → w_100: 100 x round(66.67) = 100x67; rotate 90 swaps the sides.
        assert image_size(out) == (67, 100), "resize+rotate gave %r with %s" % (image_size(out), auth)
    info = json.loads(b.get_object("photo.jpg", process="image/info").read())
    assert (int(info["ImageWidth"]["value"]), int(info["ImageHeight"]["value"])) == PHOTO_SIZE, info
    out = b.get_object("photo.jpg", process="image/resize,w_50/format,png").read()
    assert image_size(out) == (50, 33), "PNG output size %r" % (image_size(out),)
    expect_error(lambda: b.get_object("photo.jpg", process="image/resize,w_0"), 400, "InvalidArgument")
    # rotate's range error carries an IMG EC (0040-…), in the body and the x-oss-ec header.
    e = expect_error(lambda: b.get_object("photo.jpg", process="image/rotate,361"), 400, "InvalidArgument")
    assert e.details.get("EC", "").startswith("0040-"), "rotate error without IMG EC: %r" % e.details


def styles():
    b = bucket()
    b.put_bucket_style("small", "image/resize,w_120")
    b.put_bucket_style("tiny.v2", "image/resize,w_30/rotate,90")
    got = b.get_bucket_style("small")
    assert (got.name, got.content) == ("small", "image/resize,w_120"), "GetStyle %r" % vars(got)
    assert got.create_time and got.last_modify_time, "style times missing"
    listed = [(s.name, s.content) for s in b.list_bucket_style().styles]
    assert listed == [("small", "image/resize,w_120"), ("tiny.v2", "image/resize,w_30/rotate,90")], \
        "ListStyle %r" % listed
    out = b.get_object("photo.jpg", process="style/small").read()
    assert image_size(out) == (120, 80), "style/small gave %r" % (image_size(out),)
    out = b.get_object("photo.jpg", process="style/tiny.v2").read()
    assert image_size(out) == (20, 30), "style/tiny.v2 gave %r" % (image_size(out),)
    b.put_bucket_style("small", "image/resize,w_90")
    assert b.get_bucket_style("small").content == "image/resize,w_90", "PutStyle did not replace"
    b.delete_bucket_style("tiny.v2")
    expect_error(lambda: b.get_bucket_style("tiny.v2"), 404, "NoSuchStyle")
    expect_error(lambda: b.get_object("photo.jpg", process="style/tiny.v2"), 404, "NoSuchStyle")
    expect_error(lambda: b.put_bucket_style("bad name", "image/resize,w_1"), 400, "InvalidArgument")
    assert [s.name for s in b.list_bucket_style().styles] == ["small"], "style not deleted"


def process_configuration_and_delimiter():
    # oss2 has no PutBucketProcessConfiguration: a hand-signed V1 request (processConfiguration is
    # a signed sub-resource, spec §9.1).
    body = (b"<BucketProcessConfiguration><CompliedHost>Both</CompliedHost>"
            b"<SourceFileProtect>Disabled</SourceFileProtect><SourceFileProtectSuffix></SourceFileProtectSuffix>"
            b"<StyleDelimiters>!,-</StyleDelimiters></BucketProcessConfiguration>")
    status, _, text = v1_signed("PUT", NAME, "processConfiguration", body)
    assert status == 200, "PutBucketProcessConfiguration: %d %s" % (status, text)
    status, _, text = v1_signed("GET", NAME, "processConfiguration")
    assert status == 200 and b"<StyleDelimiters>-,!</StyleDelimiters>" in text, \
        "GetBucketProcessConfiguration: %d %s" % (status, text)
    # `photo.jpg!small` ≡ `photo.jpg?x-oss-process=style/small` (style small is w_90 now).
    out = bucket().get_object("photo.jpg!small").read()
    assert image_size(out) == (90, 60), "delimiter style gave %r" % (image_size(out),)
    url = bucket().sign_url("GET", "photo.jpg-small", 60)
    status, _, out = http("GET", url)
    assert status == 200 and image_size(out) == (90, 60), "presigned delimiter URL: %d" % status


def presigned_urls():
    b = bucket()
    for auth in (V1, V4):
        url = bucket(auth).sign_url("GET", "photo.jpg", 60, params={"x-oss-process": "image/resize,w_100/rotate,90"})
        status, headers, out = http("GET", url)
        assert status == 200, "presigned %s URL: %d %s" % (auth.__class__.__name__, status, out[:300])
        assert headers["content-type"] == "image/jpeg", "Content-Type %r" % headers["content-type"]
        assert image_size(out) == (67, 100), "presigned processed size %r" % (image_size(out),)
    url = b.sign_url("PUT", "presigned-put.txt", 60, headers={"Content-Type": "text/plain"})
    status, _, _ = http("PUT", url, b"via url", {"Content-Type": "text/plain"})
    assert status == 200, "presigned PUT: %d" % status
    assert b.get_object("presigned-put.txt").read() == b"via url", "presigned PUT body"
    # Expired: Expires one minute in the past (V1), and a V4 URL whose x-oss-date is old enough.
    url = b.sign_url("GET", "photo.jpg", -60)
    status, _, text = http("GET", url)
    assert (status, error_code(text)) == (403, "AccessDenied"), "expired V1 URL: %d %s" % (status, text)
    url = bucket(V4).sign_url("GET", "photo.jpg", 1)
    time.sleep(2.1)  # x-oss-expires=1: past its one second of life after two
    status, _, text = http("GET", url)
    assert (status, error_code(text)) == (403, "AccessDenied"), "expired V4 URL: %d %s" % (status, text)
    # A tampered process parameter breaks the signature.
    url = b.sign_url("GET", "photo.jpg", 60, params={"x-oss-process": "image/resize,w_100"})
    status, _, text = http("GET", url.replace("w_100", "w_200"))
    assert (status, error_code(text)) == (403, "SignatureDoesNotMatch"), "tampered URL: %d" % status


def saveas():
    b = bucket()
    target = "saved/thumb.jpg"
    enc = base64.urlsafe_b64encode(target.encode()).decode()
    r = b.process_object("photo.jpg", "image/resize,w_100|sys/saveas,o_%s" % enc)
    assert r.status == 200 and r.process_status == "OK", "saveas status %d %r" % (r.status, r.process_status)
    assert (r.bucket, r.object) == ("", target), "saveas bucket/object %r %r" % (r.bucket, r.object)
    saved = b.get_object(target).read()
    assert r.fileSize == len(saved), "fileSize %d != stored %d" % (r.fileSize, len(saved))
    assert image_size(saved) == (100, 67), "saved image %r" % (image_size(saved),)
    # To another bucket, named with b_, through a style, signed with V4.
    enc_b = base64.urlsafe_b64encode(PUBLIC.encode()).decode()
    r = bucket(V4).process_object("photo.jpg", "style/small|sys/saveas,o_%s,b_%s" % (enc, enc_b))
    assert (r.bucket, r.object, r.process_status) == (PUBLIC, target, "OK"), "cross-bucket saveas %r" % vars(r)
    saved = bucket(V1, PUBLIC).get_object(target).read()
    assert image_size(saved) == (90, 60) and r.fileSize == len(saved), "cross-bucket saved %r" % (
        image_size(saved),)


def access_control():
    anon_private = bucket(oss2.AnonymousAuth())
    expect_error(lambda: anon_private.get_object("photo.jpg"), 403, "AccessDenied")
    expect_error(lambda: anon_private.put_object("anon.txt", b"x"), 403, "AccessDenied")
    expect_error(lambda: anon_private.list_objects(), 403, "AccessDenied")
    # public-read: anonymous GET (also processed), but no writes.
    bucket(V1, PUBLIC).put_object("photo.jpg", photo())
    anon_public = bucket(oss2.AnonymousAuth(), PUBLIC)
    assert anon_public.get_object("photo.jpg").read() == photo(), "anonymous GET of public-read object"
    out = anon_public.get_object("photo.jpg", process="image/resize,w_100").read()
    assert image_size(out) == (100, 67), "anonymous processed GET %r" % (image_size(out),)
    status, _, _ = http("GET", "%s/%s/photo.jpg?x-oss-process=image/resize,w_10" % (ENDPOINT, PUBLIC))
    assert status == 200, "plain anonymous URL on public-read: %d" % status
    expect_error(lambda: anon_public.put_object("anon.txt", b"x"), 403, "AccessDenied")
    # Private object in a public bucket.
    bucket(V1, PUBLIC).put_object("secret.txt", b"s", headers={"x-oss-object-acl": "private"})
    expect_error(lambda: anon_public.get_object("secret.txt"), 403, "AccessDenied")
    # Wrong secret, unknown key id.
    e = expect_error(lambda: bucket(oss2.Auth(AK, SK + "x")).get_object("photo.jpg"), 403, "SignatureDoesNotMatch")
    assert "StringToSign" in e.details, "SignatureDoesNotMatch without StringToSign: %r" % e.details
    expect_error(lambda: bucket(oss2.AuthV4(AK, SK + "x")).get_object("photo.jpg"), 403, "SignatureDoesNotMatch")
    expect_error(lambda: bucket(oss2.Auth("LTAInobody", SK)).get_object("photo.jpg"), 403, "InvalidAccessKeyId")


def multipart_uploads():
    data = os.urandom(350 * 1024) + b"tail"
    path = os.path.join(tempfile.mkdtemp(), "big.bin")
    with open(path, "wb") as f:
        f.write(data)
    for auth in (V1, V4):
        b = bucket(auth)
        # oss2's resumable uploader: parts in parallel threads, CRC-64 of the whole checked.
        r = oss2.resumable_upload(b, "mp/resumable.bin", path, multipart_threshold=100 * 1024,
                                  part_size=100 * 1024, num_threads=2,
                                  store=oss2.ResumableStore(root=tempfile.mkdtemp()))
        got = b.get_object("mp/resumable.bin")
        assert got.read() == data, "resumable upload body differs"
        assert got.headers["x-oss-object-type"] == "Multipart", "object type %r" % got.headers
        assert r.etag.endswith("-4"), "multipart ETag %s" % r.etag
    # The calls one by one.
    b = bucket()
    key = "mp/manual.txt"
    up = b.init_multipart_upload(key, headers={"Content-Type": "text/plain", "x-oss-meta-k": "v"})
    p1 = b.upload_part(key, up.upload_id, 1, data[:102400])
    p2 = b.upload_part(key, up.upload_id, 2, b"end")
    listed = b.list_parts(key, up.upload_id).parts
    assert [(p.part_number, p.size, p.etag) for p in listed] == [(1, 102400, p1.etag), (2, 3, p2.etag)], \
        "ListParts %r" % [vars(p) for p in listed]
    assert up.upload_id in [u.upload_id for u in b.list_multipart_uploads().upload_list], "ListMultipartUploads"
    expect_error(lambda: b.complete_multipart_upload(key, up.upload_id, [oss2.models.PartInfo(1, p2.etag)]),
                 400, "InvalidPart")
    r = b.complete_multipart_upload(key, up.upload_id, [oss2.models.PartInfo(1, p1.etag),
                                                        oss2.models.PartInfo(2, p2.etag)])
    head = b.head_object(key)
    assert (head.content_type, head.headers.get("x-oss-meta-k"), head.etag) == ("text/plain", "v", r.etag), \
        "completed object %r" % dict(head.headers)
    assert b.get_object(key).read() == data[:102400] + b"end", "completed body"
    # UploadPartCopy: the first 100 KB of the resumable upload, then all of the manual one.
    up3 = b.init_multipart_upload("mp/copied.bin")
    c1 = b.upload_part_copy(NAME, "mp/resumable.bin", (0, 102399), "mp/copied.bin", up3.upload_id, 1)
    c2 = b.upload_part_copy(NAME, key, None, "mp/copied.bin", up3.upload_id, 2)
    # An open-ended range (oss2's (start, None)): from byte 102400 of the manual upload to its end.
    c3 = b.upload_part_copy(NAME, key, (102400, None), "mp/copied.bin", up3.upload_id, 3)
    b.complete_multipart_upload("mp/copied.bin", up3.upload_id, [oss2.models.PartInfo(1, c1.etag),
                                                                 oss2.models.PartInfo(2, c2.etag),
                                                                 oss2.models.PartInfo(3, c3.etag)])
    assert b.get_object("mp/copied.bin").read() == data[:102400] + data[:102400] + b"end" + b"end", \
        "UploadPartCopy"
    up2 = b.init_multipart_upload("mp/aborted")
    b.abort_multipart_upload("mp/aborted", up2.upload_id)
    expect_error(lambda: b.list_parts("mp/aborted", up2.upload_id), 404, "NoSuchUpload")


def cleanup():
    for name in (NAME, PUBLIC):
        b = bucket(V1, name)
        for o in oss2.ObjectIterator(b):
            b.delete_object(o.key)
        b.delete_bucket()
    expect_error(lambda: bucket().get_bucket_acl(), 404, "NoSuchBucket")


if __name__ == "__main__":
    s = Suite("oss2 " + oss2.__version__)
    for check in (create_buckets, put_get_head_delete, listing, special_keys, processing, styles,
                  process_configuration_and_delimiter, presigned_urls, saveas, access_control,
                  multipart_uploads, cleanup):
        s.run(check)
    s.done()

"""Virtual-hosted addressing (`<bucket>.localhost:<port>`) against `ossimg serve --domain localhost`,
and a custom domain bound to a bucket, with both SDKs: alibabacloud-oss-v2 with path style off (endpoint http://localhost:<port>), and oss2
with a per-bucket CNAME endpoint (oss2 always uses path style for a `localhost` endpoint). Run by
tests/sdk.rs; see common.py."""

import base64
import datetime

import alibabacloud_oss_v2 as oss
import oss2
from alibabacloud_oss_v2 import models

from common import (AK, PORT, REGION, SK, Suite, error_code, http, image_size, photo,
                    resolve_localhost_subdomains, unique)

ENDPOINT = "http://localhost:%s" % PORT
NAME = unique("vh")


def v2_client(anonymous=False):
    cfg = oss.config.load_default()
    cfg.credentials_provider = (oss.credentials.AnonymousCredentialsProvider() if anonymous
                                else oss.credentials.StaticCredentialsProvider(AK, SK))
    cfg.region = REGION
    cfg.endpoint = ENDPOINT
    cfg.use_path_style = False
    cfg.retry_max_attempts = 1
    return oss.Client(cfg)


C = v2_client()


def oss2_bucket(auth):
    """oss2 in CNAME mode: the endpoint is the bucket's own host, requests go to `/<key>`."""
    return oss2.Bucket(auth, "http://%s.localhost:%s" % (NAME, PORT), NAME, is_cname=True, region=REGION)


def v2_virtual_hosted():
    C.put_bucket(models.PutBucketRequest(bucket=NAME, acl="public-read"))
    C.put_object(models.PutObjectRequest(bucket=NAME, key="dir/photo.jpg", body=photo()))
    out = C.get_object(models.GetObjectRequest(bucket=NAME, key="dir/photo.jpg",
                                               process="image/resize,w_100/rotate,90")).body.read()
    assert image_size(out) == (67, 100), "v2 vhost processing %r" % (image_size(out),)
    keys = [o.key for o in C.list_objects_v2(models.ListObjectsV2Request(bucket=NAME)).contents]
    assert keys == ["dir/photo.jpg"], "v2 vhost listing %r" % keys
    p = C.presign(models.GetObjectRequest(bucket=NAME, key="dir/photo.jpg", process="image/resize,w_50"),
                  expires=datetime.timedelta(seconds=60))
    prefix = "http://%s.localhost:%s/dir/photo.jpg?" % (NAME, PORT)
    assert p.url.startswith(prefix), "presigned URL is not virtual-hosted: %s" % p.url
    status, _, out = http("GET", p.url)
    assert status == 200 and image_size(out) == (50, 33), "vhost V4 presigned: %d" % status
    anon = v2_client(anonymous=True)
    assert anon.get_object(models.GetObjectRequest(bucket=NAME, key="dir/photo.jpg")).body.read() == photo(), \
        "anonymous vhost GET on public-read"


def oss2_cname():
    b = oss2_bucket(oss2.Auth(AK, SK))
    b.put_object("o.txt", b"via oss2 cname")
    assert b.get_object("o.txt").read() == b"via oss2 cname", "oss2 vhost GET"
    out = b.get_object("dir/photo.jpg", process="image/resize,w_100").read()
    assert image_size(out) == (100, 67), "oss2 vhost processing %r" % (image_size(out),)
    url = b.sign_url("GET", "dir/photo.jpg", 60, params={"x-oss-process": "image/resize,w_100/rotate,90"})
    assert url.startswith("http://%s.localhost:%s/dir%%2Fphoto.jpg?" % (NAME, PORT)), url
    status, _, out = http("GET", url)
    assert status == 200 and image_size(out) == (67, 100), "vhost V1 presigned: %d" % status
    enc = base64.urlsafe_b64encode(b"dir/saved.jpg").decode()
    r = b.process_object("dir/photo.jpg", "image/resize,w_40|sys/saveas,o_%s" % enc)
    assert (r.object, r.process_status) == ("dir/saved.jpg", "OK"), "vhost saveas %r" % vars(r)
    assert image_size(b.get_object("dir/saved.jpg").read()) == (40, 27), "vhost saved object"
    b4 = oss2_bucket(oss2.AuthV4(AK, SK))
    assert b4.get_object("o.txt").read() == b"via oss2 cname", "oss2 V4 vhost GET"
    anon = oss2_bucket(oss2.AnonymousAuth())
    try:
        anon.put_object("x.txt", b"x")
        raise AssertionError("anonymous PUT into a public-read bucket succeeded")
    except oss2.exceptions.AccessDenied:
        pass
    # Wrong secret through the virtual host.
    status, _, text = http("GET", url.replace("Signature=", "Signature=A"))
    assert (status, error_code(text)) == (403, "SignatureDoesNotMatch"), "tampered vhost URL: %d %s" % (status, text)


# A custom domain bound to a bucket (`serve --custom-domain cdn.example.localhost=cdn-bound`, set
# by tests/sdk.rs): both SDKs in CNAME mode, a presigned URL and a plain anonymous URL.
CDN_HOST = "cdn.example.localhost:%s" % PORT
CDN_BUCKET = "cdn-bound"


def custom_domain():
    C.put_bucket(models.PutBucketRequest(bucket=CDN_BUCKET, acl="public-read"))
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(AK, SK)
    cfg.region = REGION
    cfg.endpoint = "http://" + CDN_HOST
    cfg.use_cname = True
    cfg.retry_max_attempts = 1
    v2 = oss.Client(cfg)
    v2.put_object(models.PutObjectRequest(bucket=CDN_BUCKET, key="dir/photo.jpg", body=photo()))
    out = v2.get_object(models.GetObjectRequest(bucket=CDN_BUCKET, key="dir/photo.jpg",
                                                process="image/resize,w_100")).body.read()
    assert image_size(out) == (100, 67), "v2 custom domain processing %r" % (image_size(out),)
    b = oss2.Bucket(oss2.Auth(AK, SK), "http://" + CDN_HOST, CDN_BUCKET, is_cname=True)
    assert b.get_object("dir/photo.jpg").read() == photo(), "oss2 custom domain GET"
    url = b.sign_url("GET", "dir/photo.jpg", 60, params={"x-oss-process": "image/resize,w_50"})
    assert url.startswith("http://%s/dir%%2Fphoto.jpg?" % CDN_HOST), url
    status, _, out = http("GET", url)
    assert status == 200 and image_size(out) == (50, 33), "custom domain V1 presigned: %d" % status
    status, _, out = http("GET", "http://%s/dir/photo.jpg?x-oss-process=image/resize,w_60" % CDN_HOST)
    assert status == 200 and image_size(out) == (60, 40), "custom domain anonymous: %d" % status
    # The key is the bucket's: another bucket's host does not see it, the domain does.
    v2.put_object(models.PutObjectRequest(bucket=CDN_BUCKET, key="cdn-only.txt", body=b"cdn"))
    status, _, text = http("GET", "http://%s.localhost:%s/cdn-only.txt" % (NAME, PORT))
    assert (status, error_code(text)) == (404, "NoSuchKey"), "other bucket: %d %s" % (status, text[:200])
    assert http("GET", "http://%s/cdn-only.txt" % CDN_HOST)[2] == b"cdn", "custom domain plain GET"
    for key in ("dir/photo.jpg", "cdn-only.txt"):
        v2.delete_object(models.DeleteObjectRequest(bucket=CDN_BUCKET, key=key))
    C.delete_bucket(models.DeleteBucketRequest(bucket=CDN_BUCKET))


def cleanup():
    for o in C.list_objects_v2(models.ListObjectsV2Request(bucket=NAME)).contents:
        C.delete_object(models.DeleteObjectRequest(bucket=NAME, key=o.key))
    C.delete_bucket(models.DeleteBucketRequest(bucket=NAME))


if __name__ == "__main__":
    if resolve_localhost_subdomains():
        print("note: *.localhost does not resolve on this machine; mapped to 127.0.0.1 in-process")
    s = Suite("virtual-hosted")
    for check in (v2_virtual_hosted, oss2_cname, custom_domain, cleanup):
        s.run(check)
    s.done()

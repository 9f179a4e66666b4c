"""Temporary credentials (STS-like) with both Python SDKs against a running `ossimg serve`:
issued by the API call `POST /?sts` (signed here by hand with V1) and by `ossimg key issue`
(the CLI, against the same keys), used with oss2.StsAuth (V1 and V4) and alibabacloud-oss-v2's
StaticCredentialsProvider with a security token (V4): in scope works (put, get, processed get,
presigned URLs), out of scope is 403 AccessDenied, expired is 403 SecurityTokenExpired.
Run by tests/sdk.rs; see common.py for the environment (plus OSSIMG_BIN, the ossimg binary)."""

import base64
import email.utils
import hashlib
import hmac
import json
import os
import subprocess
import time
import urllib.parse

import alibabacloud_oss_v2 as oss
from alibabacloud_oss_v2 import models
import oss2

from common import AK, ENDPOINT, REGION, SK, Suite, error_code, http, image_size, photo, unique
from common import expect_oss2_error

NAME = unique("sts")
OTHER = NAME + "-other"
OWNER = oss2.Auth(AK, SK)


def bucket(auth, name=NAME):
    return oss2.Bucket(auth, ENDPOINT, name, is_path_style=True, region=REGION)


def issue_api(**params):
    """POST /?sts&… signed with the permanent key (V1: the query is not a signed sub-resource,
    so the canonical resource is `/`). Returns the Credentials dict."""
    query = "sts&" + urllib.parse.urlencode(params)
    date = email.utils.formatdate(usegmt=True)
    ctype = "application/octet-stream"  # urllib would send (unsigned) a form type otherwise
    sig = base64.b64encode(hmac.new(SK.encode(), ("POST\n\n%s\n%s\n/" % (ctype, date)).encode(),
                                    hashlib.sha1).digest()).decode()
    status, headers, body = http("POST", "%s/?%s" % (ENDPOINT, query), b"",
                                 {"Date": date, "Content-Type": ctype,
                                  "Authorization": "OSS %s:%s" % (AK, sig)})
    assert status == 200, "POST /?sts: %d %s" % (status, body)
    assert headers["content-type"] == "application/json", headers
    creds = json.loads(body)["Credentials"]
    assert creds["AccessKeyId"].startswith("STS."), creds
    return creds


def issue_cli(*args):
    """`ossimg key issue …` with the server's keys; returns the Credentials dict."""
    env = dict(os.environ, OSSIMG_ACCESS_KEY_ID=AK, OSSIMG_ACCESS_KEY_SECRET=SK)
    out = subprocess.run([os.environ["OSSIMG_BIN"], "key", "issue"] + list(args), env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["Credentials"]


def sts_auth(c, version=oss2.AUTH_VERSION_1):
    return oss2.StsAuth(c["AccessKeyId"], c["AccessKeySecret"], c["SecurityToken"], auth_version=version)


def v2_client(c):
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
        c["AccessKeyId"], c["AccessKeySecret"], c["SecurityToken"])
    cfg.region = REGION
    cfg.endpoint = ENDPOINT
    cfg.use_path_style = True
    cfg.retry_max_attempts = 1
    return oss.Client(cfg)


def v2_error(fn, status, code):
    try:
        fn()
    except oss.exceptions.OperationError as e:
        se = e.unwrap()
        assert (se.status_code, se.code) == (status, code), "expected %d %s, got %d %s: %s" % (
            status, code, se.status_code, se.code, se.message)
        return
    raise AssertionError("expected %d %s, the call succeeded" % (status, code))


def setup():
    bucket(OWNER).create_bucket(oss2.BUCKET_ACL_PRIVATE)
    bucket(OWNER, OTHER).create_bucket(oss2.BUCKET_ACL_PRIVATE)
    bucket(OWNER).put_object("up/photo.jpg", photo())
    bucket(OWNER).put_object("private/photo.jpg", photo())
    bucket(OWNER, OTHER).put_object("up/photo.jpg", photo())


SCOPED = {}


def oss2_in_scope():
    c = SCOPED.setdefault("c", issue_api(bucket=NAME, prefix="up/", **{"duration-seconds": "900"}))
    for version in (oss2.AUTH_VERSION_1, oss2.AUTH_VERSION_4):
        b = bucket(sts_auth(c, version))
        key = "up/oss2-%s.txt" % version
        b.put_object(key, b"hello")
        assert b.get_object(key).read() == b"hello", version
        thumb = b.get_object("up/photo.jpg", process="image/resize,w_100").read()
        assert image_size(thumb) == (100, 67), "processed %r" % (image_size(thumb),)
        # A presigned URL carries the token (security-token / x-oss-security-token).
        url = b.sign_url("GET", "up/photo.jpg", 300, params={"x-oss-process": "image/resize,w_50"})
        assert ("security-token=" in url), url
        status, _, body = http("GET", url)
        assert status == 200 and image_size(body) == (50, 33), "presigned %s: %d" % (version, status)
        listed = [o.key for o in b.list_objects(prefix="up/").object_list]
        assert "up/photo.jpg" in listed, listed
        b.delete_object(key)


def oss2_out_of_scope():
    c = SCOPED["c"]
    for version in (oss2.AUTH_VERSION_1, oss2.AUTH_VERSION_4):
        b = bucket(sts_auth(c, version))
        expect_oss2_error(lambda: b.get_object("private/photo.jpg"), 403, "AccessDenied")
        expect_oss2_error(lambda: b.put_object("private/x.txt", b"x"), 403, "AccessDenied")
        expect_oss2_error(lambda: bucket(sts_auth(c, version), OTHER).get_object("up/photo.jpg"),
                          403, "AccessDenied")
        status, _, body = http("GET", b.sign_url("GET", "private/photo.jpg", 300))
        assert (status, error_code(body)) == (403, "AccessDenied"), (status, body)
    ro = issue_api(bucket=NAME, **{"read-only": "true"})
    b = bucket(sts_auth(ro))
    assert b.get_object("private/photo.jpg").read() == photo()
    expect_oss2_error(lambda: b.put_object("up/ro.txt", b"x"), 403, "AccessDenied")


def v2_in_and_out_of_scope():
    c = issue_cli("--bucket", NAME, "--prefix", "up/", "--ttl", "15m")
    client = v2_client(c)
    client.put_object(models.PutObjectRequest(bucket=NAME, key="up/v2.txt", body=b"v2"))
    got = client.get_object(models.GetObjectRequest(bucket=NAME, key="up/v2.txt")).body.read()
    assert got == b"v2", got
    thumb = client.get_object(models.GetObjectRequest(
        bucket=NAME, key="up/photo.jpg", process="image/resize,w_80")).body.read()
    assert image_size(thumb)[0] == 80, image_size(thumb)
    url = client.presign(models.GetObjectRequest(bucket=NAME, key="up/photo.jpg")).url
    assert "x-oss-security-token=" in url, url
    status, _, body = http("GET", url)
    assert (status, body) == (200, photo()), status
    v2_error(lambda: client.get_object(models.GetObjectRequest(bucket=NAME, key="private/photo.jpg")),
             403, "AccessDenied")
    v2_error(lambda: client.put_object(models.PutObjectRequest(bucket=OTHER, key="up/x", body=b"x")),
             403, "AccessDenied")


def expired():
    c = issue_cli("--bucket", NAME, "--ttl", "2s")
    b = bucket(sts_auth(c, oss2.AUTH_VERSION_4))
    assert b.get_object("up/photo.jpg").read() == photo()
    time.sleep(2.5)
    for auth in (sts_auth(c), sts_auth(c, oss2.AUTH_VERSION_4)):
        e = expect_oss2_error(lambda: bucket(auth).get_object("up/photo.jpg"), 403, "SecurityTokenExpired")
        assert e.ec == "0002-00000007", e.ec
    v2_error(lambda: v2_client(c).get_object(models.GetObjectRequest(bucket=NAME, key="up/photo.jpg")),
             403, "SecurityTokenExpired")


if __name__ == "__main__":
    s = Suite("sts")
    for check in (setup, oss2_in_scope, oss2_out_of_scope, v2_in_and_out_of_scope, expired):
        s.run(check)
    s.done()

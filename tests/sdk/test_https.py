"""oss2 and alibabacloud-oss-v2 over HTTPS: `ossimg serve --tls-cert/--tls-key` with a certificate
from a test CA made by tests/sdk.rs. Each SDK creates a bucket, puts the photo, gets it processed
and fetches a presigned URL, all through https:// with the certificate verified against the test
CA (REQUESTS_CA_BUNDLE); a client that does not trust the CA is refused. Extra environment:
  OSSIMG_HTTPS_ENDPOINT   https://127.0.0.1:<port>
  OSSIMG_TEST_CA          the CA certificate (PEM)
"""

import os
import ssl
import urllib.error
import urllib.request

import alibabacloud_oss_v2 as oss
import oss2
from alibabacloud_oss_v2 import models

from common import AK, PHOTO_SIZE, REGION, SK, image_size, photo, unique

HTTPS = os.environ["OSSIMG_HTTPS_ENDPOINT"]
CA = os.environ["OSSIMG_TEST_CA"]
assert HTTPS.startswith("https://"), HTTPS
TRUSTING = ssl.create_default_context(cafile=CA)
PROCESS = "image/resize,w_300/format,png"
WANT = (300, 300 * PHOTO_SIZE[1] // PHOTO_SIZE[0])


def fetch(url, context=TRUSTING):
    """GET `url` (a presigned https:// URL) with urllib: (status, body)."""
    assert url.startswith("https://"), url
    with urllib.request.urlopen(url, context=context, timeout=30) as r:
        return r.status, r.read()


def oss2_over_https():
    name = unique("https-oss2")
    bucket = oss2.Bucket(oss2.Auth(AK, SK), HTTPS, name)
    bucket.create_bucket()
    data = photo()
    put = bucket.put_object("p.jpg", data)
    assert put.status == 200, put.status
    got = bucket.get_object("p.jpg").read()
    assert got == data, "oss2 GET over HTTPS differs"
    processed = bucket.get_object("p.jpg", process=PROCESS).read()
    assert processed[:4] == b"\x89PNG", processed[:8]
    assert image_size(processed) == WANT, image_size(processed)
    url = bucket.sign_url("GET", "p.jpg", 60)
    status, body = fetch(url)
    assert (status, body) == (200, data), status
    url = bucket.sign_url("GET", "p.jpg", 60, params={"x-oss-process": PROCESS})
    status, body = fetch(url)
    assert status == 200 and image_size(body) == WANT, (status, image_size(body))
    # V4 (oss2's Auth V4) over HTTPS too.
    v4 = oss2.Bucket(oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(AK, SK)), HTTPS, name,
                     region=REGION)
    assert v4.get_object("p.jpg").read() == data
    # A client without the test CA refuses the server's certificate.
    try:
        fetch(url, context=ssl.create_default_context())
        raise AssertionError("an untrusted certificate was accepted")
    except urllib.error.URLError as e:
        assert isinstance(e.reason, ssl.SSLCertVerificationError), repr(e.reason)
    print("oss2 over HTTPS: ok")


def v2_over_https():
    name = unique("https-v2")
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(AK, SK)
    cfg.region = REGION
    cfg.endpoint = HTTPS
    cfg.use_path_style = True
    cfg.retry_max_attempts = 1
    c = oss.Client(cfg)
    c.put_bucket(models.PutBucketRequest(bucket=name))
    data = photo()
    put = c.put_object(models.PutObjectRequest(bucket=name, key="p.jpg", body=data))
    assert put.status_code == 200, put.status_code
    got = c.get_object(models.GetObjectRequest(bucket=name, key="p.jpg"))
    assert got.body.read() == data, "v2 GET over HTTPS differs"
    processed = c.get_object(models.GetObjectRequest(bucket=name, key="p.jpg", process=PROCESS))
    body = processed.body.read()
    assert image_size(body) == WANT, image_size(body)
    pre = c.presign(models.GetObjectRequest(bucket=name, key="p.jpg"))
    status, body = fetch(pre.url)
    assert (status, body) == (200, data), status
    pre = c.presign(models.GetObjectRequest(bucket=name, key="p.jpg", process=PROCESS))
    status, body = fetch(pre.url)
    assert status == 200 and image_size(body) == WANT, (status, image_size(body))
    print("alibabacloud-oss-v2 over HTTPS: ok")


oss2_over_https()
v2_over_https()
print("https suite: ok")

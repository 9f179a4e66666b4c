"""Shared helpers of the SDK suites (tests/sdk/*.py), driven by tests/sdk.rs.

The Rust test starts `ossimg serve` and passes, in the environment:
  OSSIMG_ENDPOINT     http://127.0.0.1:<port> (path-style addressing)
  OSSIMG_PORT         the port alone (for the virtual-hosted suite: http://localhost:<port>)
  OSSIMG_AK / OSSIMG_SK   the access key pair the server accepts
  OSSIMG_REGION       the region signature V4 must name
  OSSIMG_TESTDATA     the directory of the test images (tests/data)
Every check is a plain `assert` with a message; an uncaught exception exits non-zero, which the
Rust test reports as a failure.
"""

import base64
import email.utils
import hashlib
import hmac
import os
import socket
import struct
import sys
import time
import urllib.error
import urllib.request
import zlib

ENDPOINT = os.environ["OSSIMG_ENDPOINT"]
PORT = os.environ["OSSIMG_PORT"]
AK = os.environ["OSSIMG_AK"]
SK = os.environ["OSSIMG_SK"]
REGION = os.environ["OSSIMG_REGION"]
TESTDATA = os.environ["OSSIMG_TESTDATA"]

# Landscape_1.jpg: 1800x1200 JPEG, EXIF orientation 1 (tests/data/README.md, MANIFEST.md).
PHOTO_NAME = "Landscape_1.jpg"
PHOTO_SIZE = (1800, 1200)


def photo():
    """The bytes of the 1800x1200 test photo."""
    with open(os.path.join(TESTDATA, PHOTO_NAME), "rb") as f:
        return f.read()


def testdata(name):
    """The bytes of tests/data/<name>."""
    with open(os.path.join(TESTDATA, name), "rb") as f:
        return f.read()


def unique(prefix):
    """A bucket name that no earlier run of the suite used (names: 3-63 of [a-z0-9-])."""
    return "%s-%d-%d" % (prefix, os.getpid(), int(time.time() * 1000) % 10**9)


def image_size(data):
    """(width, height) of a JPEG (from its SOFn segment), PNG (IHDR) or WebP (VP8/VP8L/VP8X) image."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 4 <= len(data):
            assert data[i] == 0xFF, "JPEG marker expected at offset %d" % i
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            seg_len = struct.unpack(">H", data[i + 2:i + 4])[0]
            # SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return (w, h)
            i += 2 + seg_len
        raise AssertionError("JPEG without a SOF segment")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        chunk = data[12:16]
        if chunk == b"VP8X":
            w = int.from_bytes(data[24:27], "little") + 1
            h = int.from_bytes(data[27:30], "little") + 1
            return (w, h)
        if chunk == b"VP8 ":
            w, h = struct.unpack("<HH", data[26:30])
            return (w & 0x3FFF, h & 0x3FFF)
        if chunk == b"VP8L":
            b = int.from_bytes(data[21:25], "little")
            return ((b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1)
    raise AssertionError("not a JPEG/PNG/WebP image: %r" % data[:16])


def png_pixels(data):
    """Decodes an 8-bit, non-interlaced PNG (grey, grey+alpha, RGB or RGBA; what the server writes)
    to (width, height, pixels) where pixels[y][x] is an (r, g, b, a) tuple. No dependency beyond
    zlib, so the suites need no imaging library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG: %r" % data[:16]
    i, idat, header = 8, b"", None
    while i + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        chunk = data[i + 8:i + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
        i += 12 + length
    w, h, depth, color, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(color)
    assert depth == 8 and channels and interlace == 0, "unsupported PNG %r" % (header,)
    raw, stride, bpp = zlib.decompress(idat), w * channels, channels
    rows, prev, p = [], bytearray(stride), 0
    for _ in range(h):
        kind, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line

    def pixel(line, x):
        v = line[x * channels:(x + 1) * channels]
        if channels == 1:
            return (v[0], v[0], v[0], 255)
        if channels == 2:
            return (v[0], v[0], v[0], v[1])
        return (v[0], v[1], v[2], v[3] if channels == 4 else 255)

    return w, h, [[pixel(line, x) for x in range(w)] for line in rows]


def changed_box(a, b):
    """The bounding box (x0, y0, x1, y1), half open, of the pixels where two decoded images of the
    same size (png_pixels results) differ; None when they are identical."""
    assert a[:2] == b[:2], "sizes differ: %r %r" % (a[:2], b[:2])
    box = None
    for y, (ra, rb) in enumerate(zip(a[2], b[2])):
        for x, (pa, pb) in enumerate(zip(ra, rb)):
            if pa != pb:
                if box is None:
                    box = [x, y, x + 1, y + 1]
                else:
                    box = [min(box[0], x), min(box[1], y), max(box[2], x + 1), max(box[3], y + 1)]
    return tuple(box) if box else None


def http(method, url, body=None, headers=None):
    """A plain HTTP request (no SDK, no signature unless the caller adds one):
    (status, headers as a lower-case dict, body). HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def error_code(body):
    """The <Code> of an OSS XML error body ('' when there is none)."""
    text = body.decode("utf-8", "replace")
    start = text.find("<Code>")
    end = text.find("</Code>")
    return text[start + 6:end] if start >= 0 and end > start else ""


def v1_signed(method, bucket, subresource, body=b"", content_type="application/xml"):
    """A bucket-level request signed by hand with signature V1 (spec §9.1), for APIs an SDK lacks
    (PutBucketProcessConfiguration). `subresource` is the query, e.g. 'processConfiguration'.
    Returns (status, headers, body)."""
    date = email.utils.formatdate(usegmt=True)
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode() if body else ""
    string_to_sign = "%s\n%s\n%s\n%s\n/%s/?%s" % (
        method, md5, content_type if body else "", date, bucket, subresource)
    sig = base64.b64encode(hmac.new(SK.encode(), string_to_sign.encode(), hashlib.sha1).digest()).decode()
    headers = {"Date": date, "Authorization": "OSS %s:%s" % (AK, sig)}
    if body:
        headers["Content-Type"] = content_type
        headers["Content-MD5"] = md5
    return http(method, "%s/%s/?%s" % (ENDPOINT, bucket, subresource), body or None, headers)


def resolve_localhost_subdomains():
    """Makes `<anything>.localhost` resolve to 127.0.0.1 in this process, as RFC 6761 §6.3 says
    it should. systemd-resolved and nss-myhostname do this; a bare glibc resolver (containers,
    CI) does not. The request still carries `Host: <bucket>.localhost:<port>`, which is what
    virtual-hosted addressing is about. Returns True when patching was needed."""
    try:
        socket.getaddrinfo("probe.localhost", 80)
        return False
    except socket.gaierror:
        pass
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    return True


class Suite:
    """Runs named checks in order, printing each; the first failure ends the run with exit 1."""

    def __init__(self, name):
        self.name = name
        self.count = 0

    def run(self, fn):
        started = time.time()
        try:
            fn()
        except Exception:
            import traceback
            traceback.print_exc()
            print("FAIL %s::%s" % (self.name, fn.__name__), flush=True)
            sys.exit(1)
        self.count += 1
        print("ok   %s::%s (%.2fs)" % (self.name, fn.__name__, time.time() - started), flush=True)

    def done(self):
        print("%s: %d checks passed" % (self.name, self.count), flush=True)


def expect_oss2_error(fn, status, code):
    """Runs fn, which must raise an oss2 error with this HTTP status and OSS Code; returns it."""
    import oss2  # imported here: the alibabacloud-oss-v2 suite shares this module without oss2
    try:
        fn()
    except oss2.exceptions.OssError as e:
        assert (e.status, e.code) == (status, code), "expected %d %s, got %d %s: %s" % (
            status, code, e.status, e.code, e.message)
        return e
    raise AssertionError("expected %d %s, the call succeeded" % (status, code))

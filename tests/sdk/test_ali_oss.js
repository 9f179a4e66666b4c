'use strict';
/**
 * The official Node.js SDK, ali-oss (pinned in tests/sdk.rs), against `ossimg serve`, in the four
 * ways an application addresses OSS with it, each signed with V1 and with V4 (`authorizationV4`):
 *   vhost  endpoint `http://oss-<region>.aliyuncs.com:<port>`: requests go to
 *          `<bucket>.oss-<region>.aliyuncs.com`, resolved to 127.0.0.1 by a custom DNS lookup
 *          (an application moved from OSS that only changes DNS);
 *   path   endpoint `http://localhost:<port>` with `sldEnable` (`/<bucket>/<key>`);
 *   cname  endpoint `http://cdn.ali.localhost:<port>` with `cname`, bound to `ali-cname` by
 *          `serve --custom-domain` (tests/sdk.rs);
 *   ip     endpoint `http://127.0.0.1:<port>`: ali-oss keeps the IP in the URL and sends
 *          `Host: <bucket>.oss-<region>.aliyuncs.com`.
 * Every run covers buckets (create, info, location, ACL, ListBuckets paging), objects (put from a
 * buffer, a stream and a file with meta; get, getStream, ranges, head, getObjectMeta, copy,
 * putMeta, delete, deleteMulti, list and listV2 with prefix/delimiter/marker), multipartUpload
 * with progress, processing through the `process` option, processObjectSave into the same and
 * another bucket, signatureUrl/asyncSignatureUrl/signatureUrlV4 with and without a process
 * (expired and tampered URLs refused), object ACLs seen by anonymous HTTP, and the error objects
 * (`code`, `status`) of NoSuchKey, NoSuchBucket, SignatureDoesNotMatch, InvalidAccessKeyId and an
 * upload callback (NotImplemented).
 * What a mode cannot do on OSS either is said where it is skipped.
 *
 * Environment (tests/sdk.rs, as for the Python suites, see common.py): OSSIMG_PORT, OSSIMG_AK,
 * OSSIMG_SK, OSSIMG_REGION, OSSIMG_TESTDATA; NODE_PATH finds ali-oss. Exits 1 on the first
 * failure.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');

const OSS = require('ali-oss');

const env = name => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through tests/sdk.rs)`);
  return v;
};
const PORT = env('OSSIMG_PORT');
const AK = env('OSSIMG_AK');
const SK = env('OSSIMG_SK');
const REGION = env('OSSIMG_REGION');
const TESTDATA = env('OSSIMG_TESTDATA');

/** ali-oss names regions `oss-<region>`; the endpoint host of the region. */
const OSS_REGION = `oss-${REGION}`;
const ENDPOINT_HOST = `${OSS_REGION}.aliyuncs.com`;
/** The custom domain and its bucket (`serve --custom-domain cdn.ali.localhost=ali-cname`). */
const CNAME_HOST = 'cdn.ali.localhost';
const CNAME_BUCKET = 'ali-cname';
/** Bucket names of this run: 3-63 of [a-z0-9-]. */
const STEM = `ali${process.pid % 100000}-${Date.now() % 1e6}`;

/** The OSS SDKs' example.jpg, 400x267 (tests/data/README.md). */
const PHOTO = fs.readFileSync(path.join(TESTDATA, 'example.jpg'));
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'ossimg-ali-oss-'));

/** Every host name is 127.0.0.1: the buckets' OSS endpoints and the custom domain are virtual. */
function loopback(hostname, options, callback) {
  if (typeof options === 'function') [options, callback] = [{}, options];
  if (options && options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}
const agent = new http.Agent({ keepAlive: true, lookup: loopback });

/** How each mode configures ali-oss, and the plain URL of an object in it (for anonymous GETs). */
const MODES = {
  vhost: {
    options: { endpoint: `http://${ENDPOINT_HOST}:${PORT}` },
    url: (b, k) => ({ url: `http://${b}.${ENDPOINT_HOST}:${PORT}/${escapeKey(k)}` })
  },
  path: {
    options: { endpoint: `http://localhost:${PORT}`, sldEnable: true },
    url: (b, k) => ({ url: `http://localhost:${PORT}/${b}/${escapeKey(k)}` })
  },
  cname: {
    options: { endpoint: `http://${CNAME_HOST}:${PORT}`, cname: true },
    url: (b, k) => ({ url: `http://${CNAME_HOST}:${PORT}/${escapeKey(k)}` })
  },
  ip: {
    options: { endpoint: `http://127.0.0.1:${PORT}` },
    url: (b, k) => ({ url: `http://127.0.0.1:${PORT}/${escapeKey(k)}`, host: `${b}.${ENDPOINT_HOST}` })
  }
};

function escapeKey(key) {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** An ali-oss client in `mode`, signing with V4 or V1. */
function client(mode, v4, bucket, overrides = {}) {
  return new OSS({
    accessKeyId: AK,
    accessKeySecret: SK,
    region: OSS_REGION,
    authorizationV4: v4,
    bucket,
    agent,
    timeout: 30000,
    ...MODES[mode].options,
    ...overrides
  });
}

/** A plain HTTP request through the loopback resolver: { status, headers, body }. */
function request(method, url, headers = {}, body = null) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** GET of a URL an SDK built; in ip mode the bucket's OSS host name goes in `Host`. */
function fetchAs(ctx, url) {
  return request('GET', url, ctx.mode === 'ip' ? { host: `${ctx.bucket}.${ENDPOINT_HOST}` } : {});
}

/** Anonymous GET of an object by its plain URL in the mode. */
function anonymousGet(ctx, key) {
  const { url, host } = MODES[ctx.mode].url(ctx.bucket, key);
  return request('GET', url, host ? { host } : {});
}

function errorCode(body) {
  const m = /<Code>([^<]*)<\/Code>/.exec(body.toString());
  return m ? m[1] : '';
}

/** (width, height) of a JPEG, PNG or WebP image. */
function imageSize(buf) {
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
  }
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2;
    while (i + 9 < buf.length) {
      assert.equal(buf[i], 0xff, `JPEG marker expected at ${i}`);
      const marker = buf[i + 1];
      if (marker === 0xff) {
        i += 1;
        continue;
      }
      // SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return [buf.readUInt16BE(i + 7), buf.readUInt16BE(i + 5)];
      }
      i += 2 + buf.readUInt16BE(i + 2);
    }
    throw new Error('JPEG without SOF');
  }
  if (buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = buf.toString('latin1', 12, 16);
    if (chunk === 'VP8 ') return [buf.readUInt16LE(26) & 0x3fff, buf.readUInt16LE(28) & 0x3fff];
    if (chunk === 'VP8L') {
      const b = buf.readUInt32LE(21);
      return [(b & 0x3fff) + 1, ((b >> 14) & 0x3fff) + 1];
    }
    if (chunk === 'VP8X') return [buf.readUIntLE(24, 3) + 1, buf.readUIntLE(27, 3) + 1];
  }
  throw new Error(`not an image: ${buf.subarray(0, 16).toString('hex')}`);
}

/** Awaits `promise`, which must reject with this HTTP status and OSS Code; returns the error. */
async function rejects(promise, status, code) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.status, status, `${e.name}: ${e.message}`);
    assert.equal(e.code, code, `${e.name}: ${e.message}`);
    assert.equal(e.name, `${code}Error`);
    return e;
  }
  throw new assert.AssertionError({ message: `expected ${status} ${code}, the call succeeded` });
}

async function readStream(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

// ----------------------------------------------------------------------------------- the checks

/** Buckets: create, info, location, ACL, ListBuckets paging. */
async function buckets(ctx) {
  const { c, admin, bucket, other } = ctx;
  if (ctx.mode === 'cname') {
    // A CNAME client talks to its one bucket: creating others goes through another endpoint.
    await admin.putBucket(other);
  } else {
    const r = await c.putBucket(bucket);
    assert.equal(r.bucket, bucket);
    await c.putBucket(other, { acl: 'private', storageClass: 'Standard' });
  }
  const info = await c.getBucketInfo(bucket);
  assert.equal(info.bucket.Name, bucket);
  assert.equal(info.bucket.Location, OSS_REGION);
  assert.equal(info.bucket.StorageClass, 'Standard');
  assert.equal((await c.getBucketLocation(bucket)).location, OSS_REGION);
  await c.putBucketACL(bucket, 'public-read');
  assert.equal((await c.getBucketACL(bucket)).acl, 'public-read');
  await c.putBucketACL(bucket, 'private');
  assert.equal((await c.getBucketACL(bucket)).acl, 'private');
  if (ctx.mode === 'cname') return; // `GET /` on a bucket's own domain lists that bucket
  const stem = `${bucket}-p`;
  for (const s of ['c', 'a', 'b']) await c.putBucket(`${stem}${s}`);
  let page = await c.listBuckets({ prefix: stem, 'max-keys': 2 });
  assert.deepEqual(page.buckets.map(b => b.name), [`${stem}a`, `${stem}b`]);
  assert.equal(page.buckets[0].region, OSS_REGION);
  assert.equal(page.isTruncated, true);
  assert.equal(page.nextMarker, `${stem}b`);
  page = await c.listBuckets({ prefix: stem, 'max-keys': 2, marker: page.nextMarker });
  assert.deepEqual(page.buckets.map(b => b.name), [`${stem}c`]);
  assert.equal(page.isTruncated, false);
  assert.equal(page.nextMarker, null);
  const all = await c.listBuckets({ prefix: bucket });
  assert.deepEqual(all.buckets.map(b => b.name), [bucket, other, `${stem}a`, `${stem}b`, `${stem}c`]);
  for (const s of ['a', 'b', 'c']) await c.deleteBucket(`${stem}${s}`);
}

/** Objects: the ways to put, get, copy, list and delete them. */
async function objects(ctx) {
  const { c, p, other } = ctx;
  const text = Buffer.from('hello from ali-oss');
  let r = await c.put(`${p}a.txt`, text, { meta: { color: 'blue', n: '1' }, mime: 'text/plain' });
  assert.equal(r.res.status, 200);
  assert.equal(r.name, `${p}a.txt`);
  const head = await c.head(`${p}a.txt`);
  assert.equal(head.status, 200);
  assert.deepEqual(head.meta, { color: 'blue', n: '1' });
  assert.equal(head.res.headers['content-type'], 'text/plain');
  assert.equal(head.res.headers['content-length'], String(text.length));
  const meta = await c.getObjectMeta(`${p}a.txt`);
  assert.equal(meta.res.headers['content-length'], String(text.length));
  assert.equal(meta.res.headers.etag, head.res.headers.etag);
  assert.deepEqual((await c.get(`${p}a.txt`)).content, text);
  // A stream, chunked (no length) and with a length; a file (its type from the extension).
  await c.put(`${p}chunked.bin`, Readable.from([Buffer.from('abc'), Buffer.from('def')]));
  assert.equal((await c.get(`${p}chunked.bin`)).content.toString(), 'abcdef');
  await c.putStream(`${p}sized.bin`, Readable.from([text]), { contentLength: text.length });
  assert.deepEqual((await c.get(`${p}sized.bin`)).content, text);
  const file = path.join(TMP, 'photo.jpg');
  fs.writeFileSync(file, PHOTO);
  await c.put(`${p}dir/photo.jpg`, file, { meta: { origin: 'file' } });
  const photoHead = await c.head(`${p}dir/photo.jpg`);
  assert.equal(photoHead.res.headers['content-type'], 'image/jpeg');
  assert.deepEqual(photoHead.meta, { origin: 'file' });
  const out = path.join(TMP, 'out.jpg');
  await c.get(`${p}dir/photo.jpg`, out);
  assert.deepEqual(fs.readFileSync(out), PHOTO);
  const stream = await c.getStream(`${p}dir/photo.jpg`);
  assert.deepEqual(await readStream(stream.stream), PHOTO);
  // Ranges.
  r = await c.get(`${p}a.txt`, { headers: { Range: 'bytes=6-9' } });
  assert.equal(r.res.status, 206);
  assert.equal(r.content.toString(), 'from');
  r = await c.get(`${p}a.txt`, { headers: { Range: 'bytes=-3' } });
  assert.equal(r.content.toString(), 'oss');
  // Keys with spaces, `+`, `%`, `&` and non-ASCII.
  const odd = `${p}dir/sp ace+plus%25&é.txt`;
  await c.put(odd, Buffer.from('odd'));
  assert.equal((await c.get(odd)).content.toString(), 'odd');
  // Copy in the bucket, from another bucket, and putMeta (a copy onto itself).
  await c.copy(`${p}copy.txt`, `${p}a.txt`);
  assert.deepEqual((await c.head(`${p}copy.txt`)).meta, { color: 'blue', n: '1' });
  await ctx.adminOther.put(`${p}src.txt`, Buffer.from('from the other bucket'));
  await c.copy(`${p}cross.txt`, `${p}src.txt`, other);
  assert.equal((await c.get(`${p}cross.txt`)).content.toString(), 'from the other bucket');
  await c.putMeta(`${p}copy.txt`, { color: 'red' });
  assert.deepEqual((await c.head(`${p}copy.txt`)).meta, { color: 'red' });
  assert.deepEqual((await c.get(`${p}copy.txt`)).content, text);
  // list (V1): prefix, delimiter, marker, max-keys.
  let l = await c.list({ prefix: p, delimiter: '/' });
  assert.deepEqual(l.objects.map(o => o.name), [`${p}a.txt`, `${p}chunked.bin`, `${p}copy.txt`, `${p}cross.txt`, `${p}sized.bin`]);
  assert.deepEqual(l.prefixes, [`${p}dir/`]);
  assert.equal(l.objects[0].size, text.length);
  assert.equal(l.objects[0].owner.id, 'ossimg');
  l = await c.list({ prefix: p, marker: `${p}chunked.bin`, 'max-keys': 2 });
  assert.deepEqual(l.objects.map(o => o.name), [`${p}copy.txt`, `${p}cross.txt`]);
  assert.equal(l.isTruncated, true);
  assert.equal(l.nextMarker, `${p}cross.txt`);
  l = await c.list({ prefix: `${p}dir/` });
  assert.deepEqual(l.objects.map(o => o.name), [`${p}dir/photo.jpg`, odd]);
  // listV2: start-after, continuation tokens, delimiter.
  let v2 = await c.listV2({ prefix: p, delimiter: '/', 'max-keys': 3 });
  assert.deepEqual(v2.objects.map(o => o.name), [`${p}a.txt`, `${p}chunked.bin`, `${p}copy.txt`]);
  assert.equal(v2.isTruncated, true);
  assert.equal(v2.keyCount, 3);
  v2 = await c.listV2({ prefix: p, delimiter: '/', 'max-keys': 3, 'continuation-token': v2.nextContinuationToken });
  assert.deepEqual(v2.objects.map(o => o.name), [`${p}cross.txt`, `${p}sized.bin`]);
  assert.deepEqual(v2.prefixes, [`${p}dir/`]);
  assert.equal(v2.isTruncated, false);
  v2 = await c.listV2({ prefix: p, 'start-after': `${p}dir/photo.jpg` });
  assert.deepEqual(v2.objects.map(o => o.name), [odd, `${p}sized.bin`]);
  // delete and deleteMulti (verbose and quiet).
  r = await c.delete(`${p}cross.txt`);
  assert.equal(r.res.status, 204);
  await rejects(c.get(`${p}cross.txt`), 404, 'NoSuchKey');
  const multi = await c.deleteMulti([`${p}chunked.bin`, odd]);
  assert.deepEqual(multi.deleted.map(d => d.Key).sort(), [`${p}chunked.bin`, odd].sort());
  const quiet = await c.deleteMulti([`${p}sized.bin`], { quiet: true });
  assert.deepEqual(quiet.deleted, []);
  await rejects(c.head(`${p}sized.bin`), 404, 'NoSuchKey');
}

/** multipartUpload with progress (3 parts of 100 KiB, the smallest OSS allows but the last). */
async function multipart(ctx) {
  const { c, p } = ctx;
  const data = Buffer.alloc(250 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
  const file = path.join(TMP, 'big.bin');
  fs.writeFileSync(file, data);
  const progress = [];
  const r = await c.multipartUpload(`${p}big.bin`, file, {
    partSize: 100 * 1024,
    parallel: 2,
    meta: { kind: 'multipart' },
    progress: fraction => progress.push(fraction)
  });
  assert.equal(r.res.status, 200);
  assert.equal(progress[progress.length - 1], 1);
  assert.ok(progress.length >= 3, `progress ${progress}`);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
  assert.deepEqual((await c.get(`${p}big.bin`)).content, data);
  const head = await c.head(`${p}big.bin`);
  assert.deepEqual(head.meta, { kind: 'multipart' });
  assert.equal(head.res.headers['x-oss-object-type'], 'Multipart');
  assert.equal((await c.listUploads({ prefix: p })).uploads.length, 0);
}

/** Processing through the `process` option of get and getStream. */
async function processing(ctx) {
  const { c, p } = ctx;
  const key = `${p}dir/photo.jpg`;
  const get = async process => (await c.get(key, { process })).content;
  assert.deepEqual(imageSize(await get('image/resize,w_100')), [100, 67]);
  assert.deepEqual(imageSize(await get('image/crop,w_100,h_50,x_10,y_10')), [100, 50]);
  assert.deepEqual(imageSize(await get('image/rotate,90')), [267, 400]);
  const png = await get('image/resize,w_40/format,png');
  assert.equal(png.toString('latin1', 1, 4), 'PNG');
  assert.deepEqual(imageSize(png), [40, 27]);
  const webp = await get('image/resize,w_100/rotate,90/format,webp');
  assert.equal(webp.toString('latin1', 8, 12), 'WEBP');
  assert.deepEqual(imageSize(webp), [67, 100]);
  const info = JSON.parse((await get('image/info')).toString());
  assert.deepEqual([info.ImageWidth.value, info.ImageHeight.value, info.Format.value], ['400', '267', 'jpg']);
  assert.equal(info.FileSize.value, String(PHOTO.length));
  const hue = JSON.parse((await get('image/average-hue')).toString());
  assert.match(hue.RGB, /^0x[0-9a-f]{6}$/);
  const s = await c.getStream(key, { process: 'image/resize,w_50' });
  assert.deepEqual(imageSize(await readStream(s.stream)), [50, 33]);
  await rejects(c.get(key, { process: 'image/resize,w_0' }), 400, 'InvalidArgument');
}

/** processObjectSave (a form-encoded sys/saveas body) into the same bucket and another one. */
async function saveas(ctx) {
  const { c, p, other } = ctx;
  let r = await c.processObjectSave(`${p}dir/photo.jpg`, `${p}saved/w100.jpg`, 'image/resize,w_100');
  assert.equal(r.status, 200);
  const saved = (await c.get(`${p}saved/w100.jpg`)).content;
  assert.deepEqual(imageSize(saved), [100, 67]);
  assert.deepEqual(JSON.parse(r.res.data.toString()), {
    bucket: '',
    fileSize: saved.length,
    object: `${p}saved/w100.jpg`,
    status: 'OK'
  });
  // Standard Base64 of this name has `+` and `/`, which the form encoding escapes.
  const name = `${p}saved/a??>> 100%.png`;
  r = await c.processObjectSave(`${p}dir/photo.jpg`, name, 'image/resize,w_30/format,png', other);
  assert.equal(JSON.parse(r.res.data.toString()).bucket, other);
  assert.deepEqual(imageSize((await ctx.adminOther.get(name)).content), [30, 20]);
  // processObjectSave does not throw on an error answer: it returns its status.
  const fails = async (promise, status, code) => {
    const res = await promise;
    assert.deepEqual([res.status, errorCode(res.res.data)], [status, code]);
  };
  await fails(c.processObjectSave(`${p}none.jpg`, `${p}x.jpg`, 'image/resize,w_10'), 404, 'NoSuchKey');
  const missing = `${STEM}-nowhere`;
  await fails(c.processObjectSave(`${p}dir/photo.jpg`, `${p}x.jpg`, 'image/resize,w_10', missing), 404, 'NoSuchBucket');
  await fails(c.processObjectSave(`${p}dir/photo.jpg`, `${p}x.jpg`, 'image/slim,1'), 400, 'InvalidArgument');
  await rejects(c.head(`${p}x.jpg`), 404, 'NoSuchKey');
}

/** Presigned URLs: V1 (signatureUrl, asyncSignatureUrl) and V4 (signatureUrlV4). */
async function urls(ctx) {
  const { c, p } = ctx;
  const key = `${p}dir/photo.jpg`;
  if (ctx.mode === 'ip') {
    // ali-oss refuses V1 URLs for an IP endpoint (the URL could not name the bucket).
    assert.throws(() => c.signatureUrl(key), /endpoint is IP/);
  } else {
    let r = await fetchAs(ctx, c.signatureUrl(key, { expires: 60 }));
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, PHOTO);
    r = await fetchAs(ctx, c.signatureUrl(key, { expires: 60, process: 'image/resize,w_50' }));
    assert.deepEqual(imageSize(r.body), [50, 33]);
    r = await fetchAs(ctx, await c.asyncSignatureUrl(key, { expires: 60, process: 'image/rotate,90' }));
    assert.deepEqual(imageSize(r.body), [267, 400]);
    r = await fetchAs(ctx, c.signatureUrl(key, { expires: -10 }));
    assert.deepEqual([r.status, errorCode(r.body)], [403, 'AccessDenied']);
    r = await fetchAs(ctx, c.signatureUrl(key, { expires: 60 }).replace('Signature=', 'Signature=A'));
    assert.deepEqual([r.status, errorCode(r.body)], [403, 'SignatureDoesNotMatch']);
  }
  let r = await fetchAs(ctx, await c.signatureUrlV4('GET', 60, {}, key));
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, PHOTO);
  const url = await c.signatureUrlV4('GET', 60, { queries: { 'x-oss-process': 'image/resize,w_60' } }, key);
  r = await fetchAs(ctx, url);
  assert.deepEqual(imageSize(r.body), [60, 40]);
  r = await fetchAs(ctx, url.replace('image%2Fresize%2Cw_60', 'image%2Fresize%2Cw_61'));
  assert.deepEqual([r.status, errorCode(r.body)], [403, 'SignatureDoesNotMatch']);
  // Expires in 1 s: fetched by `expiredUrls`, after every run.
  EXPIRING.push({ ctx, url: await c.signatureUrlV4('GET', 1, {}, key), at: Date.now() });
}

/** Object ACLs as anonymous HTTP sees them. */
async function acls(ctx) {
  const { c, p } = ctx;
  const key = `${p}a.txt`;
  assert.equal((await c.getACL(key)).acl, 'default');
  let r = await anonymousGet(ctx, key);
  assert.deepEqual([r.status, errorCode(r.body)], [403, 'AccessDenied']);
  await c.putACL(key, 'public-read');
  assert.equal((await c.getACL(key)).acl, 'public-read');
  r = await anonymousGet(ctx, key);
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'hello from ali-oss');
  await c.putACL(key, 'private');
  await c.putBucketACL(ctx.bucket, 'public-read');
  r = await anonymousGet(ctx, key);
  assert.deepEqual([r.status, errorCode(r.body)], [403, 'AccessDenied']);
  await c.putACL(key, 'default');
  r = await anonymousGet(ctx, key);
  assert.equal(r.status, 200);
  await c.putBucketACL(ctx.bucket, 'private');
}

/** The error objects: code, status, requestId. */
async function errors(ctx) {
  const { c, p, mode, v4, bucket } = ctx;
  const e = await rejects(c.get(`${p}missing.txt`), 404, 'NoSuchKey');
  assert.match(e.requestId, /^[0-9A-F]{24}$/);
  await rejects(c.head(`${p}missing.txt`), 404, 'NoSuchKey');
  if (mode !== 'cname') {
    // The CNAME domain names its bucket whatever the client says.
    await rejects(client(mode, v4, `${STEM}-missing`).get('k'), 404, 'NoSuchBucket');
  }
  await rejects(client(mode, v4, bucket, { accessKeySecret: 'wrong' }).get(`${p}a.txt`), 403, 'SignatureDoesNotMatch');
  await rejects(client(mode, v4, bucket, { accessKeyId: 'LTAInobody' }).get(`${p}a.txt`), 403, 'InvalidAccessKeyId');
  // Upload callbacks need a server ossimg would have to call: refused, nothing stored.
  const callback = { url: 'http://127.0.0.1:9/callback', body: 'object=${object}' };
  await rejects(c.put(`${p}cb.txt`, Buffer.from('x'), { callback }), 501, 'NotImplemented');
  await rejects(c.head(`${p}cb.txt`), 404, 'NoSuchKey');
}

/** V4 URLs that expire after 1 s, made by `urls` in each mode; fetched once all runs are done. */
const EXPIRING = [];

/** Every URL of [`EXPIRING`] is refused once it has expired. */
async function expiredUrls() {
  for (const { ctx, url, at } of EXPIRING) {
    await sleep(Math.max(0, at + 2100 - Date.now()));
    const r = await fetchAs(ctx, url);
    assert.deepEqual([r.status, errorCode(r.body)], [403, 'AccessDenied'], `${ctx.mode} ${url}`);
  }
}

/** Deletes what the run made; a deleted bucket is NoSuchBucket. */
async function cleanup(ctx) {
  const { c, p, bucket, other } = ctx;
  for (const [cl, b] of [[c, bucket], [ctx.adminOther, other]]) {
    const names = (await cl.list({ prefix: p, 'max-keys': 1000 })).objects.map(o => o.name);
    if (names.length) await cl.deleteMulti(names, { quiet: true });
    if (b !== CNAME_BUCKET) await ctx.admin.deleteBucket(b);
  }
  if (ctx.mode !== 'cname') await rejects(c.getBucketInfo(bucket), 404, 'NoSuchBucket');
}

const CHECKS = [buckets, objects, multipart, processing, saveas, urls, acls, errors, cleanup];

/** Runs one check, printing its outcome; the first failure ends the suite with exit 1. */
async function run(name, check, ctx) {
  const t = Date.now();
  try {
    await check(ctx);
  } catch (e) {
    console.log(e && e.stack ? e.stack : e);
    console.log(`FAIL ali-oss::${name}`);
    process.exit(1);
  }
  console.log(`ok   ali-oss::${name} (${((Date.now() - t) / 1000).toFixed(2)}s)`);
}

async function main() {
  const started = Date.now();
  const admin = client('path', true, undefined);
  await admin.putBucket(CNAME_BUCKET);
  let count = 0;
  for (const mode of Object.keys(MODES)) {
    for (const v4 of [false, true]) {
      const sig = v4 ? 'v4' : 'v1';
      const bucket = mode === 'cname' ? CNAME_BUCKET : `${STEM}-${mode}-${sig}`;
      const other = `${STEM}-${mode}-${sig}-out`;
      const ctx = {
        mode,
        v4,
        bucket,
        other,
        p: `${mode}-${sig}/`,
        c: client(mode, v4, bucket),
        admin,
        adminOther: client('path', true, other)
      };
      for (const check of CHECKS) {
        await run(`${mode}-${sig}::${check.name}`, check, ctx);
        count += 1;
      }
    }
  }
  await run('expiredUrls', expiredUrls);
  count += 1;
  await admin.deleteBucket(CNAME_BUCKET);
  fs.rmSync(TMP, { recursive: true, force: true });
  console.log(`ali-oss: ${count} checks passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  agent.destroy();
}

main().catch(e => {
  console.log(e && e.stack ? e.stack : e);
  process.exit(1);
});

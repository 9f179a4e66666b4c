// End-to-end tests of the style viewer in a real headless Chromium (driven by playwright-core over
// the DevTools protocol) against a running `ossimg serve`; run by tests/viewer.rs. A script of
// plain asserts that exits non-zero on the first failure. Buckets are set up over the OSS API with
// the viewer's own signing module. Screenshots of every step go to $VIEWER_SHOTS.
//
// Environment: OSSIMG_ENDPOINT, OSSIMG_AK, OSSIMG_SK, OSSIMG_REGION, VIEWER_CHROMIUM (the browser
// binary), VIEWER_NODE_MODULES (holding playwright-core), VIEWER_SHOTS, VIEWER_PHOTO (a 400×267
// JPEG), VIEWER_SUITE (`flow` or `anonymous`).

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

import { signHeaders, v4EncodePath, encodeQuery } from '../../assets/viewer/sign.js';

const env = (n) => {
  const v = process.env[n];
  if (!v) throw new Error(`${n} is not set`);
  return v;
};
const ENDPOINT = env('OSSIMG_ENDPOINT');
const creds = { id: env('OSSIMG_AK'), secret: env('OSSIMG_SK') };
const REGION = env('OSSIMG_REGION');
const SHOTS = env('VIEWER_SHOTS');
const PHOTO = env('VIEWER_PHOTO');
const SUITE = env('VIEWER_SUITE');
const { chromium } = createRequire(join(env('VIEWER_NODE_MODULES'), 'x.js'))('playwright-core');

/** Timeout of one wait in the page: a debug server processes a 400×267 JPEG in well under a
 * second; 20 s only guards against a hang on a loaded 2-core CI machine. */
const WAIT = 20_000;

/** One OSS request signed in Node with the viewer's sign.js: the Response. */
async function oss(method, bucket, key, { query = [], headers = {}, body, sign = true } = {}) {
  const h = sign ? await signHeaders({ method, bucket, key, query, headers, creds, region: REGION }) : headers;
  const q = encodeQuery(query);
  const path = v4EncodePath(bucket ? `/${bucket}/${key ?? ''}` : '/');
  return fetch(`${ENDPOINT}${path}${q ? `?${q}` : ''}`, { method, headers: h, body });
}

async function ok(respPromise, what) {
  const r = await respPromise;
  if (!r.ok) assert.fail(`${what}: HTTP ${r.status} ${await r.text()}`);
  return r;
}

async function setupBucket(bucket, acl) {
  const headers = acl ? { 'x-oss-acl': acl } : {};
  await ok(oss('PUT', bucket, null, { headers }), `create ${bucket}`);
}

async function putPhoto(bucket, key) {
  await ok(
    oss('PUT', bucket, key, { headers: { 'content-type': 'image/jpeg' }, body: readFileSync(PHOTO) }),
    `put ${bucket}/${key}`,
  );
}

let shot = 0;
async function screenshot(page, name) {
  shot += 1;
  const file = join(SHOTS, `${SUITE}-${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
}

/** Waits until the text of `selector` equals `text` (or matches a RegExp). */
async function waitText(page, selector, text) {
  await page.waitForFunction(
    ([sel, t, isRe]) => {
      const e = document.querySelector(sel);
      if (!e) return false;
      const v = ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName) ? e.value : e.textContent;
      return isRe ? new RegExp(t).test(v) : v.trim() === t;
    },
    [selector, text instanceof RegExp ? text.source : text, text instanceof RegExp],
    { timeout: WAIT },
  ).catch(async (e) => {
    const actual = await page
      .$eval(selector, (el) => (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ? el.value : el.textContent))
      .catch(() => '(missing)');
    throw new Error(`${selector}: waited for ${text}, have ${JSON.stringify(actual)}: ${e.message}`);
  });
}

/** The natural size of an <img> once loaded. */
async function imgSize(page, selector) {
  await page.waitForFunction((s) => document.querySelector(s)?.complete && document.querySelector(s).naturalWidth > 0, selector, { timeout: WAIT });
  return page.$eval(selector, (i) => [i.naturalWidth, i.naturalHeight]);
}

async function launch() {
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const browser = await chromium.launch({ executablePath: env('VIEWER_CHROMIUM'), headless: true, args });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { browser, page, problems };
}

async function flow() {
  const bucket = 'viewer-photos';
  await setupBucket(bucket);
  const { browser, page, problems } = await launch();
  try {
    // The page itself: served without credentials, with a strict CSP.
    const resp = await page.goto(`${ENDPOINT}/-/viewer`);
    assert.equal(resp.status(), 200);
    assert.match(resp.headers()['content-security-policy'], /script-src 'self'/);
    assert.equal(await page.inputValue('#region'), REGION, 'the server writes its region into the page');
    await screenshot(page, 'signin');

    // A wrong secret is refused with the server's message.
    await page.fill('#ak', creds.id);
    await page.fill('#sk', 'wrong-secret');
    await page.click('#signin-btn');
    await waitText(page, '#signin-error', /SignatureDoesNotMatch/);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    // Chromium logs the refused request (403) itself; nothing else may be logged.
    assert.ok(problems.every((p) => /status of 403/.test(p)), problems.join('\n'));
    problems.length = 0;

    // Sign in.
    await page.fill('#sk', creds.secret);
    await page.click('#signin-btn');
    await page.waitForSelector(`#bucket-list button[data-bucket="${bucket}"]`, { timeout: WAIT });
    const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('ossimg-viewer-creds')));
    assert.equal(stored.secret, creds.secret, 'the secret is kept in sessionStorage');
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
    await page.click(`#bucket-list button[data-bucket="${bucket}"]`);
    await waitText(page, '#objects', 'Empty.');
    await screenshot(page, 'signed-in');

    // Upload a photo with the file picker; its thumbnail is an x-oss-process URL.
    const key = basename(PHOTO);
    await page.setInputFiles('#file-input', PHOTO);
    await waitText(page, '#upload-status', /^Uploaded /);
    const tile = `#objects li[data-key="${key}"]`;
    assert.deepEqual(await imgSize(page, `${tile} img`), [96, 96], 'thumbnail is resized by the server');
    assert.match(await page.$eval(`${tile} img`, (i) => i.src), /x-oss-process=image%2Fresize%2Cm_fill/);
    const stored2 = await ok(oss('GET', bucket, key), 'get uploaded');
    assert.deepEqual(Buffer.from(await stored2.arrayBuffer()), readFileSync(PHOTO), 'upload is byte-for-byte');
    await screenshot(page, 'uploaded');

    // A file over the multipart threshold (8 MiB) goes up in parts; then delete it (two clicks).
    const big = Buffer.alloc(9 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 2654435761) >>> 24;
    await page.setInputFiles('#file-input', { name: 'big.bin', mimeType: 'application/octet-stream', buffer: big });
    await waitText(page, '#upload-status', 'Uploaded big.bin (9.00 MiB).');
    const gotBig = await ok(oss('GET', bucket, 'big.bin'), 'get big.bin');
    assert.ok(Buffer.from(await gotBig.arrayBuffer()).equals(big), 'multipart upload is byte-for-byte');
    assert.match(gotBig.headers.get('etag') ?? '', /-2"$/, 'stored as a two-part multipart object');
    await page.click('#objects li[data-key="big.bin"] .del');
    await waitText(page, '#objects li[data-key="big.bin"] .del', 'Delete?');
    await page.click('#objects li[data-key="big.bin"] .del');
    await page.waitForSelector('#objects li[data-key="big.bin"]', { state: 'detached', timeout: WAIT });
    assert.equal((await oss('GET', bucket, 'big.bin')).status, 404, 'deleted on the server');

    // Drag and drop a file onto the drop zone.
    const dropped = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array([1, 2, 3])], 'dropped.txt', { type: 'text/plain' }));
      return d;
    });
    await page.dispatchEvent('#dropzone', 'drop', { dataTransfer: dropped });
    await waitText(page, '#upload-status', 'Uploaded dropped.txt (3 B).');
    const gotDropped = await ok(oss('GET', bucket, 'dropped.txt'), 'get dropped.txt');
    assert.deepEqual([...new Uint8Array(await gotDropped.arrayBuffer())], [1, 2, 3]);
    assert.equal(gotDropped.headers.get('content-type'), 'text/plain');

    // Open it: the original is 400×267.
    await page.click(`${tile} .tile`);
    await waitText(page, '#orig-meta', /^400 × 267 · 21\.3 KiB · jpg · /);

    // Build resize,w_200/rotate,90 with the controls.
    await page.selectOption('#add-action', 'resize');
    await page.click('#add-step');
    await waitText(page, '#result-dims', '300 × 200');
    await page.fill('#steps li[data-step="0"] input[data-key="w"]', '200');
    await waitText(page, '#result-dims', '200 × 134');
    await screenshot(page, 'resized');
    await page.selectOption('#add-action', 'rotate');
    await page.click('#add-step');
    // The new step starts at 180° (same size); its control sets 90 below.
    await waitText(page, '#process', 'image/resize,w_200/rotate,180');
    const rotate = '#steps li[data-step="1"] input[data-key="value"]';
    // An invalid value shows the server's own error next to the control.
    await page.fill(rotate, '400');
    await waitText(page, '#steps li[data-step="1"] .step-error', /^InvalidArgument: /);
    await waitText(page, '#steps li[data-step="1"] .hint', 'degrees clockwise: 0 to 360');
    await screenshot(page, 'server-error');
    // Chromium logs the refused request itself; nothing else may be logged.
    assert.ok(problems.every((p) => /status of 400/.test(p)), problems.join('\n'));
    problems.length = 0;
    await page.fill(rotate, '90');
    await waitText(page, '#result-dims', '134 × 200');
    assert.deepEqual(await imgSize(page, '#result-img'), [134, 200]);
    assert.equal(await page.inputValue('#process'), 'image/resize,w_200/rotate,90');
    assert.equal(await page.textContent('#steps li[data-step="1"] .step-error'), '');
    // The server's own time (its Server-Timing header) beside the round trip the page measures.
    assert.match(await page.textContent('#result-meta'), / · jpg · server \d+ ms, \d+ ms round trip \(measured in the browser\)/);
    await screenshot(page, 'cascade');

    // The raw string drives the controls too.
    await page.fill('#process', 'image/resize,w_100/rotate,90');
    await waitText(page, '#steps li[data-step="0"] input[data-key="w"]', '100');
    await waitText(page, '#result-dims', '67 × 100');
    await page.fill('#steps li[data-step="0"] input[data-key="w"]', '200');
    await waitText(page, '#result-dims', '134 × 200');
    assert.equal(await page.inputValue('#process'), 'image/resize,w_200/rotate,90');

    // Crop with the box on the original: arrow keys move it by 10 px, the mouse drags it.
    await page.fill('#process', 'image/crop,w_100,h_80');
    await waitText(page, '#result-dims', '100 × 80');
    await page.focus('#steps li[data-step="0"] input[data-key="w"]');
    await page.waitForSelector('#cropbox:not([hidden])', { timeout: WAIT });
    await page.focus('#cropbox');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await waitText(page, '#process', 'image/crop,w_100,h_80,x_10,y_10');
    await waitText(page, '#result-dims', '100 × 80');
    const scale = await page.$eval('#orig-img', (i) => i.clientWidth / i.naturalWidth);
    const bb = await (await page.$('#cropbox')).boundingBox();
    await page.mouse.move(bb.x + bb.width / 2, bb.y + bb.height / 2);
    await page.mouse.down();
    await page.mouse.move(bb.x + bb.width / 2 + 50 * scale, bb.y + bb.height / 2 + 20 * scale, { steps: 5 });
    await page.mouse.up();
    await waitText(page, '#process', /^image\/crop,w_\d+,h_\d+,x_\d+,y_\d+$/);
    const crop = Object.fromEntries((await page.inputValue('#process')).split(',').slice(1).map((a) => a.split('_')));
    // The box is placed in CSS pixels: a drag lands within 2 image pixels of where it was aimed.
    for (const [k, want] of [['x', 60], ['y', 30], ['w', 100], ['h', 80]]) {
      assert.ok(Math.abs(Number(crop[k]) - want) <= 2, `crop ${k}_${crop[k]} after the drag, want ${want}`);
    }
    await screenshot(page, 'crop-box');
    await page.fill('#process', 'image/resize,w_200/rotate,90');
    await waitText(page, '#result-dims', '134 × 200');

    // Keep: a presigned URL works without headers; the plain URL names the process.
    await page.selectOption('#expiry', '300');
    await page.click('#presign');
    await waitText(page, '#presigned', /x-oss-signature=/);
    const presigned = await page.inputValue('#presigned');
    assert.match(presigned, /x-oss-expires=300/);
    const viaUrl = await ok(fetch(presigned), 'presigned GET');
    assert.equal(viaUrl.headers.get('content-type'), 'image/jpeg');
    assert.match(await page.inputValue('#url'), /\?x-oss-process=image%2Fresize%2Cw_200%2Frotate%2C90$/);
    assert.match(await page.textContent('#snippet-oss2'), /process='image\/resize,w_200\/rotate,90'/);

    // Save the cascade as a style and see it listed.
    await page.fill('#style-name', 'thumb200');
    await page.click('#save-style');
    await waitText(page, '#style-list li[data-style="thumb200"] code', 'image/resize,w_200/rotate,90');
    const style = await (await ok(oss('GET', bucket, null, { query: [['style', ''], ['styleName', 'thumb200']] }), 'GetStyle')).text();
    assert.match(style, /<Content>image\/resize,w_200\/rotate,90<\/Content>/);
    await screenshot(page, 'style-saved');

    // Reopen the same image and cascade through the shared link.
    const link = await page.inputValue('#share-link');
    assert.ok(link.startsWith(`${ENDPOINT}/-/viewer#`), link);
    await page.goto('about:blank');
    await page.goto(link);
    await waitText(page, '#process', 'image/resize,w_200/rotate,90');
    await waitText(page, '#result-dims', '134 × 200');
    await page.waitForSelector(`${tile}.selected`, { timeout: WAIT });
    await screenshot(page, 'shared-link');

    // Apply the saved style from the list, then a text watermark with its controls.
    await page.fill('#process', '');
    await page.click('#style-list li[data-style="thumb200"] button:text("Apply")');
    await waitText(page, '#process', 'image/resize,w_200/rotate,90');
    await page.selectOption('#add-action', 'watermark');
    await page.click('#add-step');
    await page.fill('#steps li[data-step="2"] input[data-key="text"]', 'Hello ossimg');
    await page.selectOption('#steps li[data-step="2"] select[data-key="type"]', 'wqy-zenhei');
    await page.click('#steps li[data-step="2"] .gravity input[aria-label="center"]');
    const wm = 'image/resize,w_200/rotate,90/watermark,text_SGVsbG8gb3NzaW1n,type_d3F5LXplbmhlaQ,g_center';
    await waitText(page, '#process', wm);
    await page.waitForFunction((p) => document.getElementById('result-img').dataset.process === p, wm, { timeout: WAIT });
    await waitText(page, '#result-dims', '134 × 200');
    // The page's CSP keeps fetch() off blob: URLs; the page records the size of what it shows.
    const shown = Number(await page.$eval('#result-img', (i) => i.dataset.bytes));
    const served = Buffer.from(await (await ok(oss('GET', bucket, key, { query: [['x-oss-process', wm]] }), 'watermarked')).arrayBuffer());
    const plain = Buffer.from(await (await ok(oss('GET', bucket, key, { query: [['x-oss-process', 'image/resize,w_200/rotate,90']] }), 'plain')).arrayBuffer());
    assert.equal(shown, served.length, 'the page shows what the server made of the string');
    assert.notDeepEqual(served, plain, 'the watermark changed the image');
    await screenshot(page, 'watermark');

    // JSON answers: info as a table, average-hue as a swatch.
    await page.fill('#process', 'image/info');
    await waitText(page, '#result-json', /ImageWidth400/);
    await page.fill('#process', 'image/average-hue');
    await page.waitForSelector('#result-json .swatch', { timeout: WAIT });
    await waitText(page, '#result-json code', /^0x[0-9a-f]{6}$/);
    await screenshot(page, 'average-hue');

    // Slider view, 100 %, and a phone-sized screen without sideways scrolling.
    await page.fill('#process', wm);
    await waitText(page, '#result-dims', '134 × 200');
    await page.check('input[name="mode"][value="slider"]');
    await page.check('input[name="zoom"][value="actual"]');
    await page.fill('#slider', '30');
    assert.equal(await page.$eval('#overlay-result', (i) => i.style.clipPath), 'inset(0px 0px 0px 30%)');
    await screenshot(page, 'slider');
    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate(() =>
      document.documentElement.scrollWidth <= 390
        ? []
        : Array.from(document.querySelectorAll('body *'))
            .filter((e) => e.getBoundingClientRect().right > 391)
            .map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
    );
    assert.deepEqual(wide, [], 'no sideways scroll on a phone');
    await screenshot(page, 'phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Keyboard: Tab reaches the sign-out button and Enter signs out.
    await page.focus('#signout');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#signin:not([hidden])', { timeout: WAIT });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('ossimg-viewer-creds')), null);
    assert.equal(await page.inputValue('#sk'), '');
    await screenshot(page, 'signed-out');

    assert.deepEqual(problems, [], 'no console errors');
  } finally {
    await browser.close();
  }
}

async function anonymous() {
  await setupBucket('viewer-public', 'public-read');
  await setupBucket('viewer-private');
  await putPhoto('viewer-public', 'pics/example.jpg');
  await putPhoto('viewer-private', 'example.jpg');
  // 65 objects in one folder: more than the 60 of a page.
  await Promise.all(
    Array.from({ length: 65 }, (_, i) =>
      ok(oss('PUT', 'viewer-public', `many/${String(i).padStart(2, '0')}.txt`, { headers: { 'content-type': 'text/plain' }, body: `${i}` }), `put many/${i}`),
    ),
  );
  const { browser, page, problems } = await launch();
  try {
    await page.goto(`${ENDPOINT}/-/viewer`);
    await page.fill('#anon-bucket', 'viewer-public');
    await page.click('#anon-open');
    await waitText(page, '#who', 'Browsing "viewer-public" anonymously');
    // Paging: 60 objects, then the other 5 after More….
    await page.click('#objects .folder:text("many/")');
    await page.waitForSelector('#objects li[data-key="many/59.txt"]', { timeout: WAIT });
    assert.equal(await page.$$eval('#objects li[data-key]', (l) => l.length), 60);
    assert.ok(await page.isVisible('#more'));
    await page.click('#more');
    await page.waitForSelector('#objects li[data-key="many/64.txt"]', { timeout: WAIT });
    assert.equal(await page.$$eval('#objects li[data-key]', (l) => l.length), 65);
    assert.ok(await page.isHidden('#more'));
    await page.click('#crumbs button:text("viewer-public")');
    await page.click('#objects .folder:text("pics/")');
    const tile = '#objects li[data-key="pics/example.jpg"]';
    assert.deepEqual(await imgSize(page, `${tile} img`), [96, 96]);
    assert.doesNotMatch(await page.$eval(`${tile} img`, (i) => i.src), /x-oss-signature/, 'anonymous URLs are unsigned');
    assert.equal(await page.$$eval(`${tile} .del`, (d) => d.length), 0, 'no delete button when anonymous');
    await page.click(`${tile} .tile`);
    await waitText(page, '#orig-meta', /^400 × 267/);
    await page.selectOption('#add-action', 'resize');
    await page.click('#add-step');
    await waitText(page, '#result-dims', '300 × 200');
    await screenshot(page, 'public');
    assert.deepEqual(problems, [], 'no console errors while browsing a public bucket');

    await page.click('#signout');
    await page.fill('#anon-bucket', 'viewer-private');
    await page.click('#anon-open');
    await waitText(page, '#signin-error', /^The bucket "viewer-private" is not public: its objects can only be listed after signing in with an access key\. \(AccessDenied: /);
    assert.ok(await page.isHidden('#app'));
    await screenshot(page, 'private-refused');
    // The only console messages are Chromium's report of the refused request itself.
    for (const p of problems) assert.match(p, /status of 403/, p);
  } finally {
    await browser.close();
  }
}

mkdirSync(SHOTS, { recursive: true });
// Screenshots of an earlier run of this suite would mix with this run's.
for (const f of readdirSync(SHOTS)) if (f.startsWith(`${SUITE}-`)) rmSync(join(SHOTS, f));
await (SUITE === 'anonymous' ? anonymous() : flow());
console.log(`viewer ${SUITE} suite: ok`);

// The style viewer page: sign-in (keys in sessionStorage) or anonymous browsing, the Browse
// panel (buckets, folders, thumbnails, paging, upload, delete), the Build panel's string and
// cascade (build.js), See (original and result, side by side or slider, fit or 100 %, JSON
// answers as a table or swatch) and Keep (URLs, presigned URLs, snippets, styles, share link).

import { Client, OssError } from './oss.js';
import { ACTION_NAMES, ACTIONS, newStep, parse, serialize } from './process.js';
import { renderSteps } from './build.js';

const $ = (id) => document.getElementById(id);
const CREDS_KEY = 'ossimg-viewer-creds';
const IMAGE_EXT = /\.(jpe?g|png|gif|webp|bmp|tiff?|heic|avif)$/i;
const THUMB = 'image/resize,m_fill,w_96,h_96';

const state = {
  client: null,
  anonymous: false,
  bucket: '',
  prefix: '',
  next: '',
  key: '',
  steps: [],
  lastEdited: -1,
  cropStep: -1,
  origUrl: '',
  resultUrl: '',
  seq: 0,
  timer: 0,
};

const region = () => document.querySelector('meta[name="ossimg-region"]').content;

function message(e) {
  return e instanceof OssError ? e.display() : String(e?.message ?? e);
}

function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/* ---------- sign-in ---------- */

function showApp(on) {
  $('signin').hidden = on;
  $('app').hidden = !on;
  $('signout').hidden = !on;
}

async function signIn(creds) {
  const client = new Client({ creds, region: creds.region });
  const buckets = await client.listBuckets();
  state.client = client;
  state.anonymous = false;
  sessionStorage.setItem(CREDS_KEY, JSON.stringify(creds));
  $('who').textContent = `Signed in as ${creds.id}`;
  $('signout').textContent = 'Sign out';
  showApp(true);
  renderBuckets(buckets.map((b) => b.name));
  return buckets;
}

async function browseAnonymously(bucket) {
  const client = new Client({ creds: null, region: region() });
  try {
    await client.listObjects(bucket, '', '', 1);
  } catch (e) {
    if (e instanceof OssError && e.status === 403) {
      throw new Error(
        `The bucket "${bucket}" is not public: its objects can only be listed after signing in ` +
          `with an access key. (${e.display()})`,
      );
    }
    if (e instanceof OssError && e.status === 404) {
      throw new Error(`There is no bucket "${bucket}". (${e.display()})`);
    }
    throw e;
  }
  state.client = client;
  state.anonymous = true;
  $('who').textContent = `Browsing "${bucket}" anonymously`;
  $('signout').textContent = 'Leave';
  showApp(true);
  renderBuckets([bucket]);
}

function signOut() {
  sessionStorage.removeItem(CREDS_KEY);
  for (const u of [state.origUrl, state.resultUrl]) if (u) URL.revokeObjectURL(u);
  Object.assign(state, { client: null, anonymous: false, bucket: '', key: '', steps: [], origUrl: '', resultUrl: '' });
  $('who').textContent = '';
  $('sk').value = '';
  $('token').value = '';
  $('objects').replaceChildren();
  $('bucket-list').replaceChildren();
  $('style-list').replaceChildren();
  $('process').value = '';
  $('steps').replaceChildren();
  history.replaceState(null, '', location.pathname);
  showApp(false);
  $('ak').focus();
}

/* ---------- browse ---------- */

function renderBuckets(names) {
  const nav = $('bucket-list');
  nav.replaceChildren();
  for (const name of names) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = name;
    b.dataset.bucket = name;
    b.addEventListener('click', () => openBucket(name));
    nav.append(b);
  }
  if (!names.length) nav.textContent = 'No buckets yet.';
}

async function openBucket(bucket, prefix = '') {
  state.bucket = bucket;
  state.prefix = prefix;
  state.next = '';
  for (const b of $('bucket-list').querySelectorAll('button')) {
    b.setAttribute('aria-current', String(b.dataset.bucket === bucket));
  }
  $('objects').replaceChildren();
  renderCrumbs();
  await loadPage();
  if (!state.anonymous) await loadStyles();
}

function renderCrumbs() {
  const nav = $('crumbs');
  nav.replaceChildren();
  const parts = state.prefix.split('/').filter(Boolean);
  const link = (text, prefix) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link';
    b.textContent = text;
    b.addEventListener('click', () => openBucket(state.bucket, prefix));
    nav.append(b, ' / ');
  };
  link(state.bucket, '');
  parts.forEach((p, i) => link(p, `${parts.slice(0, i + 1).join('/')}/`));
}

async function loadPage() {
  $('browse-error').textContent = '';
  try {
    const page = await state.client.listObjects(state.bucket, state.prefix, state.next);
    state.next = page.next;
    $('more').hidden = !page.next;
    const ul = $('objects');
    for (const p of page.prefixes) ul.append(folderTile(p));
    for (const o of page.objects) {
      if (o.key === state.prefix) continue;
      ul.append(await objectTile(o));
    }
    if (!ul.children.length) ul.append(Object.assign(document.createElement('li'), { textContent: 'Empty.' }));
  } catch (e) {
    $('browse-error').textContent = message(e);
  }
}

function folderTile(prefix) {
  const li = document.createElement('li');
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'tile folder';
  b.textContent = `📁 ${prefix.slice(state.prefix.length)}`;
  b.addEventListener('click', () => openBucket(state.bucket, prefix));
  li.append(b);
  return li;
}

async function objectTile(o) {
  const li = document.createElement('li');
  li.dataset.key = o.key;
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'tile';
  b.title = `${o.key} (${bytes(o.size)})`;
  if (IMAGE_EXT.test(o.key)) {
    const img = document.createElement('img');
    img.alt = '';
    img.loading = 'lazy';
    img.width = 96;
    img.height = 96;
    img.src = await state.client.getUrl(state.bucket, o.key, [['x-oss-process', THUMB]]);
    b.append(img);
  } else {
    b.append(Object.assign(document.createElement('span'), { className: 'noimg', textContent: '📄' }));
  }
  b.append(Object.assign(document.createElement('span'), { className: 'name', textContent: o.key.slice(state.prefix.length) }));
  b.addEventListener('click', () => selectObject(o.key));
  li.append(b);
  if (!state.anonymous) {
    const del = document.createElement('button');
    del.type = 'button';
    del.className = 'icon del';
    del.textContent = '✕';
    del.setAttribute('aria-label', `Delete ${o.key}`);
    del.addEventListener('click', async () => {
      if (del.dataset.confirm !== '1') {
        del.dataset.confirm = '1';
        del.textContent = 'Delete?';
        return;
      }
      try {
        await state.client.deleteObject(state.bucket, o.key);
        li.remove();
        if (state.key === o.key) state.key = '';
      } catch (e) {
        $('browse-error').textContent = message(e);
      }
    });
    li.append(del);
  }
  return li;
}

async function uploadFiles(files) {
  if (state.anonymous) {
    $('upload-status').textContent = 'Sign in to upload.';
    return;
  }
  if (!state.bucket) {
    $('upload-status').textContent = 'Choose a bucket first.';
    return;
  }
  for (const f of files) {
    const key = state.prefix + f.name;
    try {
      await state.client.upload(state.bucket, key, f, (done, total) => {
        $('upload-status').textContent = `Uploading ${key}: ${Math.round((100 * done) / total)} %`;
      });
      $('upload-status').textContent = `Uploaded ${key} (${bytes(f.size)}).`;
    } catch (e) {
      $('upload-status').textContent = `Upload of ${key} failed: ${message(e)}`;
      return;
    }
  }
  await openBucket(state.bucket, state.prefix);
}

/* ---------- see ---------- */

async function selectObject(key) {
  state.key = key;
  for (const li of $('objects').children) li.classList.toggle('selected', li.dataset.key === key);
  $('nothing').hidden = true;
  $('orig-meta').textContent = 'loading…';
  try {
    const r = await state.client.getObject(state.bucket, key);
    if (state.origUrl) URL.revokeObjectURL(state.origUrl);
    state.origUrl = URL.createObjectURL(r.blob);
    const img = $('orig-img');
    await loadImg(img, state.origUrl);
    $('overlay-orig').src = state.origUrl;
    $('orig-meta').textContent =
      `${img.naturalWidth} × ${img.naturalHeight} · ${bytes(r.blob.size)} · ${fmt(r.type)} · ${timing(r)}`;
  } catch (e) {
    $('orig-meta').textContent = message(e);
  }
  update();
}

function loadImg(img, url) {
  return new Promise((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the browser cannot display this format'));
    img.src = url;
  });
}

function fmt(type) {
  return (type.split(';')[0].split('/')[1] ?? type).replace('jpeg', 'jpg');
}

function timing(r) {
  const server = r.serverMs === null ? '' : `server ${r.serverMs.toFixed(0)} ms, `;
  return `${server}${r.ms.toFixed(0)} ms round trip (measured in the browser)`;
}

async function runResult() {
  const seq = ++state.seq;
  const process = serialize(state.steps);
  $('result-error').textContent = '';
  for (const p of document.querySelectorAll('.step-error')) p.textContent = '';
  if (!state.key) return;
  $('result-dims').textContent = '';
  $('result-meta').textContent = 'processing…';
  try {
    const r = await state.client.getObject(state.bucket, state.key, process);
    if (seq !== state.seq) return;
    const json = r.type.startsWith('application/json');
    $('result-json').hidden = !json;
    $('result-img').hidden = json;
    if (json) {
      renderJson(JSON.parse(await r.blob.text()));
      $('result-meta').textContent = `${bytes(r.blob.size)} · json · ${timing(r)}`;
      return;
    }
    if (state.resultUrl) URL.revokeObjectURL(state.resultUrl);
    state.resultUrl = URL.createObjectURL(r.blob);
    const img = $('result-img');
    await loadImg(img, state.resultUrl);
    if (seq !== state.seq) return;
    $('overlay-result').src = state.resultUrl;
    img.dataset.bytes = String(r.blob.size);
    img.dataset.process = process;
    $('result-dims').textContent = `${img.naturalWidth} × ${img.naturalHeight}`;
    $('result-meta').textContent = `· ${bytes(r.blob.size)} · ${fmt(r.type)} · ${timing(r)}`;
  } catch (e) {
    if (seq !== state.seq) return;
    $('result-meta').textContent = '';
    const text = message(e);
    $('result-error').textContent = text;
    // The server's message goes next to the control last edited (or every step when unknown).
    const lis = $('steps').querySelectorAll('.step');
    const target = lis[state.lastEdited];
    for (const li of target ? [target] : lis) li.querySelector('.step-error').textContent = text;
  }
}

function renderJson(obj) {
  const box = $('result-json');
  box.replaceChildren();
  if (typeof obj.RGB === 'string') {
    const hex = obj.RGB.replace(/^0x/, '#');
    const sw = document.createElement('div');
    sw.className = 'swatch';
    sw.style.backgroundColor = hex;
    sw.setAttribute('role', 'img');
    sw.setAttribute('aria-label', `average hue ${hex}`);
    box.append(sw, Object.assign(document.createElement('code'), { textContent: obj.RGB }));
    return;
  }
  const table = document.createElement('table');
  for (const [k, v] of Object.entries(obj)) {
    const tr = table.insertRow();
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = v && typeof v === 'object' && 'value' in v ? v.value : JSON.stringify(v);
  }
  box.append(table);
}

/* ---------- crop box ---------- */

function showCropBox() {
  const box = $('cropbox');
  const step = state.steps[state.cropStep];
  const img = $('orig-img');
  if (!step || step.name !== 'crop' || !state.key || !img.naturalWidth) {
    box.hidden = true;
    return;
  }
  const arg = (k, d) => Number(step.args.find((a) => a.k === k)?.v ?? d);
  const k = img.clientWidth / img.naturalWidth;
  const w = arg('w', 0) || img.naturalWidth - arg('x', 0);
  const h = arg('h', 0) || img.naturalHeight - arg('y', 0);
  box.hidden = false;
  box.style.left = `${arg('x', 0) * k}px`;
  box.style.top = `${arg('y', 0) * k}px`;
  box.style.width = `${w * k}px`;
  box.style.height = `${h * k}px`;
}

function initCropBox() {
  const box = $('cropbox');
  let drag = null;
  box.addEventListener('pointerdown', (ev) => {
    const step = state.steps[state.cropStep];
    if (!step) return;
    box.setPointerCapture(ev.pointerId);
    drag = {
      resize: ev.target.classList.contains('handle'),
      x0: ev.clientX,
      y0: ev.clientY,
      left: box.offsetLeft,
      top: box.offsetTop,
      w: box.offsetWidth,
      h: box.offsetHeight,
    };
  });
  box.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x0;
    const dy = ev.clientY - drag.y0;
    if (drag.resize) {
      box.style.width = `${Math.max(4, drag.w + dx)}px`;
      box.style.height = `${Math.max(4, drag.h + dy)}px`;
    } else {
      box.style.left = `${Math.max(0, drag.left + dx)}px`;
      box.style.top = `${Math.max(0, drag.top + dy)}px`;
    }
  });
  const finish = () => {
    if (!drag) return;
    drag = null;
    const step = state.steps[state.cropStep];
    const img = $('orig-img');
    const k = img.naturalWidth / img.clientWidth;
    const set = (key, v) => {
      const a = step.args.find((x) => x.k === key);
      if (a) a.v = String(v);
      else step.args.push({ k: key, v: String(v) });
    };
    step.args = step.args.filter((a) => a.k !== 'g');
    set('x', Math.round(box.offsetLeft * k));
    set('y', Math.round(box.offsetTop * k));
    set('w', Math.round(box.offsetWidth * k));
    set('h', Math.round(box.offsetHeight * k));
    state.lastEdited = state.cropStep;
    fromSteps(true);
  };
  box.addEventListener('pointerup', finish);
  box.addEventListener('pointercancel', finish);
  // Keyboard: arrows move the box by 10 px of the image, with Shift they grow it.
  box.addEventListener('keydown', (ev) => {
    const step = state.steps[state.cropStep];
    const dir = { ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, -10], ArrowDown: [0, 10] }[ev.key];
    if (!step || !dir) return;
    ev.preventDefault();
    const [kx, ky] = ev.shiftKey ? ['w', 'h'] : ['x', 'y'];
    for (const [key, d] of [[kx, dir[0]], [ky, dir[1]]]) {
      if (!d) continue;
      const a = step.args.find((x) => x.k === key) ?? step.args[step.args.push({ k: key, v: '0' }) - 1];
      a.v = String(Math.max(0, Number(a.v || 0) + d));
    }
    state.lastEdited = state.cropStep;
    fromSteps(true);
  });
}

/* ---------- build ---------- */

/** The string changed: re-read the steps and redraw the controls. */
function fromString() {
  const parsed = parse($('process').value);
  if (parsed.style !== undefined) {
    $('build-error').textContent = `"style/${parsed.style}" names a saved style: apply it from the list under Keep to edit its steps.`;
    state.steps = [];
  } else {
    $('build-error').textContent = '';
    state.steps = parsed.steps;
  }
  state.lastEdited = -1;
  drawSteps();
  schedule();
}

/** A control changed a step: print the string; `redraw` re-renders the controls too. */
function fromSteps(redraw = false) {
  $('process').value = serialize(state.steps);
  if (redraw) drawSteps();
  schedule();
}

function drawSteps() {
  renderSteps($('steps'), state.steps, {
    onChange: (i) => {
      state.lastEdited = i;
      fromSteps(false);
    },
    onStructure: () => {
      state.lastEdited = -1;
      fromSteps(true);
    },
    onFocus: (i) => {
      state.cropStep = state.steps[i]?.name === 'crop' ? i : state.cropStep;
      showCropBox();
    },
  });
  if (state.steps[state.cropStep]?.name !== 'crop') {
    state.cropStep = state.steps.findIndex((s) => s.name === 'crop');
  }
  showCropBox();
}

/** Refreshes the result, the Keep panel and the URL hash a moment after the last change. */
function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(update, 250);
}

/** Refreshes the crop box, the result and the Keep panel now. */
function update() {
  clearTimeout(state.timer);
  showCropBox();
  runResult();
  updateKeep();
}

/* ---------- keep ---------- */

function processQuery() {
  const p = serialize(state.steps);
  return p ? [['x-oss-process', p]] : [];
}

function updateKeep() {
  const p = serialize(state.steps);
  const share = new URLSearchParams();
  if (state.bucket) share.set('bucket', state.bucket);
  if (state.key) share.set('key', state.key);
  if (p) share.set('process', p);
  const link = `${location.origin}${location.pathname}#${share}`;
  $('share-link').value = link;
  if (state.bucket) history.replaceState(null, '', `#${share}`);
  if (!state.key) {
    $('url').value = '';
    return;
  }
  const url = state.client.url(state.bucket, state.key, processQuery());
  $('url').value = url;
  const procArg = p ? `, process='${p}'` : '';
  $('snippet-oss2').textContent = [
    'import oss2',
    "auth = oss2.AuthV4('<AccessKeyId>', '<AccessKeySecret>')",
    `bucket = oss2.Bucket(auth, '${location.origin}', '${state.bucket}', region='${state.client.region}')`,
    `bucket.get_object_to_file('${state.key}', 'result'${procArg})`,
  ].join('\n');
  $('snippet-node').textContent = [
    "const OSS = require('ali-oss');",
    `const client = new OSS({ endpoint: '${location.origin}', bucket: '${state.bucket}',`,
    `  region: 'oss-${state.client.region}', sldEnable: true,`,
    "  accessKeyId: '<AccessKeyId>', accessKeySecret: '<AccessKeySecret>' });",
    `await client.get('${state.key}', 'result'${p ? `, { process: '${p}' }` : ''});`,
  ].join('\n');
  $('snippet-curl').textContent = state.anonymous
    ? `curl -o result '${url}'`
    : `curl -o result "$(presigned URL above)"\n# or, public-read buckets:\ncurl -o result '${url}'`;
}

async function presign() {
  if (!state.key) return;
  const expires = Number($('expiry').value);
  $('presigned').value = await state.client.getUrl(state.bucket, state.key, processQuery(), expires);
}

async function copy(input) {
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    $('copied').textContent = 'Copied.';
  } catch {
    $('copied').textContent = 'Selected: press Ctrl+C to copy.';
  }
}

async function loadStyles() {
  const ul = $('style-list');
  ul.replaceChildren();
  if (!state.bucket || state.anonymous) return;
  try {
    for (const s of await state.client.listStyles(state.bucket)) {
      const li = document.createElement('li');
      li.dataset.style = s.name;
      const apply = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Apply' });
      apply.setAttribute('aria-label', `Apply style ${s.name}`);
      apply.addEventListener('click', () => {
        $('process').value = s.content;
        fromString();
      });
      const del = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Delete' });
      del.setAttribute('aria-label', `Delete style ${s.name}`);
      del.addEventListener('click', async () => {
        try {
          await state.client.deleteStyle(state.bucket, s.name);
          await loadStyles();
        } catch (e) {
          $('style-error').textContent = message(e);
        }
      });
      li.append(
        Object.assign(document.createElement('strong'), { textContent: s.name }),
        ' ',
        Object.assign(document.createElement('code'), { textContent: s.content }),
        ' ',
        apply,
        del,
      );
      ul.append(li);
    }
  } catch (e) {
    $('style-error').textContent = message(e);
  }
}

async function saveStyle(ev) {
  ev.preventDefault();
  $('style-error').textContent = '';
  const content = serialize(state.steps);
  if (!state.bucket) return void ($('style-error').textContent = 'Choose a bucket first.');
  if (!content) return void ($('style-error').textContent = 'Add at least one step first.');
  try {
    await state.client.putStyle(state.bucket, $('style-name').value.trim(), content);
    await loadStyles();
  } catch (e) {
    $('style-error').textContent = message(e);
  }
}

/* ---------- start ---------- */

async function openFromHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  const bucket = h.get('bucket');
  if (!bucket || !state.client) return;
  await openBucket(bucket);
  $('process').value = h.get('process') ?? '';
  fromString();
  if (h.get('key')) await selectObject(h.get('key'));
}

function wire() {
  $('region').value = region();
  const sel = $('add-action');
  for (const name of ACTION_NAMES) {
    sel.append(Object.assign(document.createElement('option'), { value: name, textContent: ACTIONS[name].label }));
  }
  $('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('signin-error').textContent = '';
    const creds = { id: $('ak').value.trim(), secret: $('sk').value, region: $('region').value.trim() };
    if ($('token').value.trim()) creds.token = $('token').value.trim();
    try {
      await signIn(creds);
      await openFromHash();
    } catch (e) {
      $('signin-error').textContent = `Sign-in failed: ${message(e)}`;
    }
  });
  $('anon-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('signin-error').textContent = '';
    const bucket = $('anon-bucket').value.trim();
    try {
      await browseAnonymously(bucket);
      await openBucket(bucket);
    } catch (e) {
      $('signin-error').textContent = message(e);
    }
  });
  $('signout').addEventListener('click', signOut);
  $('more').addEventListener('click', loadPage);
  $('file-input').addEventListener('change', (ev) => uploadFiles([...ev.target.files]));
  const dz = $('dropzone');
  dz.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    dz.classList.add('over');
  });
  dz.addEventListener('dragleave', () => dz.classList.remove('over'));
  dz.addEventListener('drop', (ev) => {
    ev.preventDefault();
    dz.classList.remove('over');
    uploadFiles([...ev.dataTransfer.files]);
  });
  dz.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      $('file-input').click();
    }
  });
  $('process').addEventListener('input', fromString);
  $('add-step').addEventListener('click', () => {
    state.steps.push(newStep(sel.value));
    state.lastEdited = state.steps.length - 1;
    fromSteps(true);
    $('steps').lastElementChild?.querySelector('input, select')?.focus();
  });
  $('clear-steps').addEventListener('click', () => {
    state.steps = [];
    fromSteps(true);
  });
  for (const r of document.querySelectorAll('input[name="mode"]')) {
    r.addEventListener('change', () => {
      const slider = r.value === 'slider' && r.checked;
      $('overlay').hidden = !slider;
      $('slider-label').hidden = !slider;
      $('compare').classList.toggle('side', !slider);
    });
  }
  for (const r of document.querySelectorAll('input[name="zoom"]')) {
    r.addEventListener('change', () => {
      $('see').classList.toggle('fit', r.value === 'fit' && r.checked);
      showCropBox();
    });
  }
  $('slider').addEventListener('input', () => {
    $('overlay-result').style.clipPath = `inset(0 0 0 ${$('slider').value}%)`;
  });
  $('overlay-result').style.clipPath = 'inset(0 0 0 50%)';
  $('copy-url').addEventListener('click', () => copy($('url')));
  $('copy-share').addEventListener('click', () => copy($('share-link')));
  $('presign').addEventListener('click', presign);
  $('style-form').addEventListener('submit', saveStyle);
  window.addEventListener('resize', showCropBox);
  initCropBox();
}

async function start() {
  wire();
  const saved = sessionStorage.getItem(CREDS_KEY);
  if (saved) {
    try {
      await signIn(JSON.parse(saved));
      await openFromHash();
      return;
    } catch (e) {
      sessionStorage.removeItem(CREDS_KEY);
      $('signin-error').textContent = `Sign-in failed: ${message(e)}`;
    }
  }
  const bucket = new URLSearchParams(location.hash.slice(1)).get('bucket');
  if (bucket) {
    // A shared link without credentials: try it as a public-read bucket.
    $('anon-bucket').value = bucket;
    try {
      await browseAnonymously(bucket);
      await openFromHash();
    } catch (e) {
      $('signin-error').textContent = message(e);
    }
  }
}

start();

// The x-oss-process language on the page's side (spec §1.3, §3): the schema of every action
// and parameter the controls offer, parsing a process string into steps and printing it back,
// and the conversions between a control's value and an argument (base64url text and font names,
// colours, numbers). Pure: no DOM, no network; unit-tested with `node --test` (tests/viewer/).
//
// A step is { name, args: [{ k, v }] }: `k` is the parameter key ('' for a bare value such as
// `rotate,90`), `v` the raw text after the first '_'. Arguments the schema does not know are kept
// as they are, in order, so any string the server accepts survives a round trip unchanged.

/** The nine anchor tiles of crop and watermark, in reading order. */
export const GRAVITIES = ['nw', 'north', 'ne', 'west', 'center', 'east', 'sw', 'south', 'se'];

/** The text-watermark fonts (spec §3.15): name shown → name encoded into `type`. */
export const FONTS = [
  'wqy-zenhei',
  'wqy-microhei',
  'fangzhengshusong',
  'fangzhengkaiti',
  'fangzhengheiti',
  'fangzhengfangsong',
  'droidsansfallback',
];

const int = (min, max, extra = {}) => ({ type: 'int', min, max, ...extra });
const choice = (options, extra = {}) => ({ type: 'enum', options, ...extra });

/**
 * Every action of the spec and its parameters, in the order the controls show them. `key` ''
 * is the bare value. Types: int (min/max), enum (options), color (6 hex digits), gravity,
 * text (base64url of UTF-8), font (base64url of a font name), key (base64url of an object key).
 */
export const ACTIONS = {
  resize: {
    label: 'Resize',
    params: [
      { key: 'm', label: 'mode', ...choice(['lfit', 'mfit', 'fill', 'pad', 'fixed']) },
      { key: 'w', label: 'width', ...int(1, 16384) },
      { key: 'h', label: 'height', ...int(1, 16384) },
      { key: 'l', label: 'long side', ...int(1, 16384) },
      { key: 's', label: 'short side', ...int(1, 16384) },
      { key: 'p', label: 'percent', ...int(1, 1000) },
      { key: 'limit', label: 'limit (no enlarging)', ...choice(['1', '0']) },
      { key: 'color', label: 'pad colour', type: 'color' },
    ],
  },
  crop: {
    label: 'Crop',
    params: [
      { key: 'w', label: 'width', ...int(0, 30000) },
      { key: 'h', label: 'height', ...int(0, 30000) },
      { key: 'x', label: 'x', ...int(0, 30000) },
      { key: 'y', label: 'y', ...int(0, 30000) },
      { key: 'g', label: 'origin', type: 'gravity' },
    ],
  },
  indexcrop: {
    label: 'Index crop',
    params: [
      { key: 'x', label: 'slice width', ...int(1, 30000) },
      { key: 'y', label: 'slice height', ...int(1, 30000) },
      { key: 'i', label: 'index', ...int(0, 30000) },
    ],
  },
  circle: { label: 'Circle', params: [{ key: 'r', label: 'radius', ...int(1, 4096) }] },
  'rounded-corners': {
    label: 'Rounded corners',
    params: [{ key: 'r', label: 'radius', ...int(1, 4096) }],
  },
  'auto-orient': {
    label: 'Auto-orient',
    params: [{ key: '', label: 'apply EXIF orientation', ...choice(['1', '0']) }],
  },
  rotate: {
    label: 'Rotate',
    params: [{ key: '', label: 'degrees clockwise', ...int(0, 360, { slider: true }) }],
  },
  blur: {
    label: 'Blur',
    params: [
      { key: 'r', label: 'radius', ...int(1, 50, { slider: true }) },
      { key: 's', label: 'sigma', ...int(1, 50, { slider: true }) },
    ],
  },
  bright: {
    label: 'Brightness',
    params: [{ key: '', label: 'brightness', ...int(-100, 100, { slider: true }) }],
  },
  contrast: {
    label: 'Contrast',
    params: [{ key: '', label: 'contrast', ...int(-100, 100, { slider: true }) }],
  },
  sharpen: {
    label: 'Sharpen',
    params: [{ key: '', label: 'amount', ...int(50, 399, { slider: true }) }],
  },
  format: {
    label: 'Format',
    params: [
      {
        key: '',
        label: 'format',
        ...choice(['jpg', 'png', 'webp', 'bmp', 'gif', 'tiff', 'heic', 'avif']),
      },
    ],
  },
  quality: {
    label: 'Quality',
    params: [
      { key: 'q', label: 'relative q', ...int(1, 100, { slider: true }) },
      { key: 'Q', label: 'absolute Q', ...int(1, 100, { slider: true }) },
      { key: '', label: 'WebP lossless', ...choice(['lossless']) },
    ],
  },
  interlace: {
    label: 'Interlace',
    params: [{ key: '', label: 'progressive JPEG', ...choice(['1', '0']) }],
  },
  watermark: {
    label: 'Watermark',
    params: [
      { key: 'text', label: 'text', type: 'text' },
      { key: 'type', label: 'font', type: 'font' },
      { key: 'color', label: 'text colour', type: 'color' },
      { key: 'size', label: 'font size', ...int(1, 1000) },
      { key: 'shadow', label: 'shadow', ...int(0, 100, { slider: true }) },
      { key: 'rotate', label: 'text rotation', ...int(0, 360) },
      { key: 'fill', label: 'tile', ...choice(['0', '1']) },
      { key: 'image', label: 'image key (same bucket)', type: 'key' },
      { key: 't', label: 'opacity', ...int(0, 100, { slider: true }) },
      { key: 'g', label: 'anchor', type: 'gravity' },
      { key: 'x', label: 'x margin', ...int(0, 4096) },
      { key: 'y', label: 'y margin', ...int(0, 4096) },
      { key: 'voffset', label: 'vertical offset', ...int(-1000, 1000) },
      { key: 'order', label: 'text first', ...choice(['0', '1']) },
      { key: 'align', label: 'align (top/middle/bottom)', ...choice(['0', '1', '2']) },
      { key: 'interval', label: 'gap', ...int(0, 1000) },
    ],
  },
  info: { label: 'Info (JSON)', params: [] },
  'average-hue': { label: 'Average hue (JSON)', params: [] },
};

/** Action names in the order the "add step" menu lists them. */
export const ACTION_NAMES = Object.keys(ACTIONS);

/** The schema entry of `key` in action `name`, or undefined. */
export function paramSpec(name, key) {
  return ACTIONS[name]?.params.find((p) => p.key === key);
}

/**
 * Parses a process string (`image/a,…/b,…`, with or without the `image/` prefix; `style/<name>`
 * is returned as { style }) into { steps }. Empty actions (`//`) are dropped. Lenient on
 * purpose: the server is the judge of validity and its error is shown to the user.
 */
export function parse(text) {
  let s = (text ?? '').trim();
  if (s.startsWith('x-oss-process=')) s = s.slice('x-oss-process='.length);
  if (s.startsWith('style/')) return { style: s.slice('style/'.length), steps: [] };
  if (s.startsWith('image/')) s = s.slice('image/'.length);
  else if (s === 'image') s = '';
  const steps = [];
  for (const part of s.split('/')) {
    if (part === '') continue;
    const [name, ...rest] = part.split(',');
    const args = rest.map((a) => {
      const i = a.indexOf('_');
      return i < 0 ? { k: '', v: a } : { k: a.slice(0, i), v: a.slice(i + 1) };
    });
    steps.push({ name, args });
  }
  return { steps };
}

/** Prints steps back as `image/…` ('' for no steps). */
export function serialize(steps) {
  if (!steps.length) return '';
  const actions = steps.map((st) =>
    [st.name, ...st.args.map((a) => (a.k === '' ? a.v : `${a.k}_${a.v}`))].join(','),
  );
  return `image/${actions.join('/')}`;
}

/** A new step for action `name` with the defaults the controls start from. */
export function newStep(name) {
  const defaults = {
    resize: [{ k: 'w', v: '300' }],
    crop: [
      { k: 'w', v: '100' },
      { k: 'h', v: '100' },
    ],
    indexcrop: [{ k: 'x', v: '100' }],
    circle: [{ k: 'r', v: '100' }],
    'rounded-corners': [{ k: 'r', v: '30' }],
    'auto-orient': [{ k: '', v: '1' }],
    rotate: [{ k: '', v: '180' }],
    blur: [
      { k: 'r', v: '3' },
      { k: 's', v: '2' },
    ],
    bright: [{ k: '', v: '20' }],
    contrast: [{ k: '', v: '20' }],
    sharpen: [{ k: '', v: '100' }],
    format: [{ k: '', v: 'webp' }],
    quality: [{ k: 'q', v: '80' }],
    interlace: [{ k: '', v: '1' }],
    watermark: [{ k: 'text', v: encodeBase64Url('ossimg') }],
  };
  return { name, args: (defaults[name] ?? []).map((a) => ({ ...a })) };
}

/** The raw argument text of `key` in `step`, or undefined. */
export function getArg(step, key) {
  return step.args.find((a) => a.k === key)?.v;
}

/**
 * Sets (or, with undefined/'' value, removes) argument `key` of `step` in place: an existing
 * argument keeps its position, a new one goes after the others. Returns the step.
 */
export function setArg(step, key, value) {
  const i = step.args.findIndex((a) => a.k === key);
  if (value === undefined || value === null || value === '') {
    if (i >= 0) step.args.splice(i, 1);
  } else if (i >= 0) {
    step.args[i] = { k: key, v: String(value) };
  } else {
    step.args.push({ k: key, v: String(value) });
  }
  return step;
}

/**
 * What a control shows for parameter `key` of `step`: decoded text for text/font/key
 * parameters, `#rrggbb` for colours, the raw text otherwise; '' when absent. A value that does
 * not decode is shown raw (the server will answer with its error).
 */
export function controlValue(step, key) {
  const raw = getArg(step, key);
  if (raw === undefined) return '';
  const spec = paramSpec(step.name, key);
  switch (spec?.type) {
    case 'text':
    case 'font':
    case 'key': {
      const decoded = decodeBase64Url(raw);
      return decoded ?? raw;
    }
    case 'color':
      return /^[0-9a-fA-F]{6}$/.test(raw) ? `#${raw.toLowerCase()}` : raw;
    default:
      return raw;
  }
}

/** Applies what a control holds to `step` (the inverse of [`controlValue`]). Returns the step. */
export function applyControl(step, key, uiValue) {
  const spec = paramSpec(step.name, key);
  const value = uiValue === undefined || uiValue === null ? '' : String(uiValue);
  if (value === '') return setArg(step, key, '');
  switch (spec?.type) {
    case 'text':
    case 'font':
    case 'key':
      return setArg(step, key, encodeBase64Url(value));
    case 'color':
      return setArg(step, key, value.replace(/^#/, '').toUpperCase());
    default:
      return setArg(step, key, value.trim());
  }
}

/** Moves step `from` to index `to` (both clamped) in place; returns the array. */
export function moveStep(steps, from, to) {
  if (from < 0 || from >= steps.length) return steps;
  const t = Math.max(0, Math.min(steps.length - 1, to));
  const [st] = steps.splice(from, 1);
  steps.splice(t, 0, st);
  return steps;
}

/** Base64url (RFC 4648 §5, no padding) of the UTF-8 bytes of `text` (spec §3.15). */
export function encodeBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes base64url or standard Base64, padded or not, as UTF-8; undefined when the text is not
 * Base64 or not UTF-8.
 */
export function decodeBase64Url(text) {
  const s = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(s) || s.length % 4 === 1) return undefined;
  try {
    const bin = atob(s + '='.repeat((4 - (s.length % 4)) % 4));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A client-side range check of one control value, for an immediate hint before the server
 * answers: a message, or '' when it looks valid. The server's own error stays authoritative.
 */
export function checkValue(name, key, uiValue) {
  const spec = paramSpec(name, key);
  if (!spec || uiValue === '' || uiValue === undefined) return '';
  if (spec.type === 'int') {
    if (!/^-?\d+$/.test(String(uiValue))) return `${spec.label}: a whole number`;
    const n = Number(uiValue);
    if (n < spec.min || n > spec.max) return `${spec.label}: ${spec.min} to ${spec.max}`;
  }
  if (spec.type === 'enum' && !spec.options.includes(String(uiValue))) {
    return `${spec.label}: one of ${spec.options.join(', ')}`;
  }
  if (spec.type === 'color' && !/^#?[0-9a-fA-F]{6}$/.test(String(uiValue))) {
    return `${spec.label}: six hex digits`;
  }
  if (spec.type === 'gravity' && !GRAVITIES.includes(String(uiValue))) {
    return `${spec.label}: one of ${GRAVITIES.join(', ')}`;
  }
  if (spec.type === 'font' && !FONTS.includes(String(uiValue))) {
    return `${spec.label}: one of ${FONTS.join(', ')}`;
  }
  return '';
}

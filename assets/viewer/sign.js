// OSS signature V4 (`OSS4-HMAC-SHA256`, spec §9.3) computed in the browser with Web Crypto:
// the Authorization header of a request and presigned URLs, exactly what src/api/auth/v4.rs
// verifies (canonical request, StringToSign, the derived signing key). Works in Node ≥ 20 too
// (globalThis.crypto), where the tests use it to set up buckets.

const ALGORITHM = 'OSS4-HMAC-SHA256';
const TERMINATOR = 'aliyun_v4_request';
const PRODUCT = 'oss';
const UNSIGNED = 'UNSIGNED-PAYLOAD';

const enc = new TextEncoder();

/** RFC 3986 encoding of every byte but A–Z a–z 0–9 - . _ ~ (upper-case hex), as the server. */
export function v4Encode(s) {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** [`v4Encode`] keeping '/' (the canonical URI and the request path). */
export function v4EncodePath(s) {
  return s.split('/').map(v4Encode).join('/');
}

/** `/bucket/key`, `/bucket/` or `/`, unencoded, as the canonical URI is built from. */
export function resourcePath(bucket, key) {
  if (!bucket) return '/';
  return `/${bucket}/${key ?? ''}`;
}

/** `name=value&…` of [name, value] pairs, names and values encoded, empty values bare. */
export function encodeQuery(pairs) {
  return pairs.map(([n, v]) => (v === '' ? v4Encode(n) : `${v4Encode(n)}=${v4Encode(v)}`)).join('&');
}

/** `YYYYMMDDTHHMMSSZ` of a Date. */
export function iso8601Basic(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256Hex(text) {
  return hex(await crypto.subtle.digest('SHA-256', enc.encode(text)));
}

async function hmac(key, data) {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return crypto.subtle.sign('HMAC', k, enc.encode(data));
}

/** The V4 signing key of `secret` for `date` (YYYYMMDD) and `region`. */
export async function signingKey(secret, date, region) {
  let k = await hmac(enc.encode(`aliyun_v4${secret}`), date);
  k = await hmac(k, region);
  k = await hmac(k, PRODUCT);
  return hmac(k, TERMINATOR);
}

/**
 * The canonical request (see v4_canonical_request in src/api/auth/v4.rs): `headers` is an object
 * of the headers the browser will send; `x-oss-*`, content-type and content-md5 are signed.
 */
export function canonicalRequest(method, bucket, key, query, headers) {
  const q = query
    .filter(([n]) => n !== 'x-oss-signature')
    .map(([n, v]) => [v4Encode(n), v4Encode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => (v === '' ? n : `${n}=${v}`))
    .join('&');
  const signed = Object.entries(headers)
    .map(([n, v]) => [n.toLowerCase(), String(v).trim()])
    .filter(([n]) => n.startsWith('x-oss-') || n === 'content-type' || n === 'content-md5')
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const canonicalHeaders = signed.map(([n, v]) => `${n}:${v}\n`).join('');
  const payload = headers['x-oss-content-sha256'] || UNSIGNED;
  return [method, v4EncodePath(resourcePath(bucket, key)), q, canonicalHeaders, '', payload].join(
    '\n',
  );
}

async function signature(creds, region, datetime, canonical) {
  const date = datetime.slice(0, 8);
  const scope = `${date}/${region}/${PRODUCT}/${TERMINATOR}`;
  const sts = `${ALGORITHM}\n${datetime}\n${scope}\n${await sha256Hex(canonical)}`;
  return { scope, sig: hex(await hmac(await signingKey(creds.secret, date, region), sts)) };
}

/**
 * The headers to send with a signed request: `headers` plus x-oss-date, x-oss-content-sha256,
 * x-oss-security-token (temporary credentials) and Authorization. `creds` is
 * { id, secret, token? }; `query` a list of [name, value] pairs (decoded).
 */
export async function signHeaders({ method, bucket, key, query = [], headers = {}, creds, region, now = new Date() }) {
  const datetime = iso8601Basic(now);
  const out = { ...headers, 'x-oss-date': datetime, 'x-oss-content-sha256': UNSIGNED };
  if (creds.token) out['x-oss-security-token'] = creds.token;
  const canonical = canonicalRequest(method, bucket, key, query, out);
  const { scope, sig } = await signature(creds, region, datetime, canonical);
  out.Authorization = `${ALGORITHM} Credential=${creds.id}/${scope},Signature=${sig}`;
  return out;
}

/**
 * A presigned V4 URL query (already encoded, without '?') for a GET of bucket/key with `query`,
 * valid `expires` seconds (1 to 604800) from `now`.
 */
export async function presignQuery({ method = 'GET', bucket, key, query = [], creds, region, expires, now = new Date() }) {
  const datetime = iso8601Basic(now);
  const q = [...query];
  if (creds.token) q.push(['x-oss-security-token', creds.token]);
  const date = datetime.slice(0, 8);
  q.push(['x-oss-signature-version', ALGORITHM]);
  q.push(['x-oss-date', datetime]);
  q.push(['x-oss-expires', String(expires)]);
  q.push(['x-oss-credential', `${creds.id}/${date}/${region}/${PRODUCT}/${TERMINATOR}`]);
  const canonical = canonicalRequest(method, bucket, key, q, {});
  const { sig } = await signature(creds, region, datetime, canonical);
  q.push(['x-oss-signature', sig]);
  return encodeQuery(q);
}

// A small OSS client for the page: path-style requests to the server the page came from, each
// signed in the browser (sign.js) when signed in and sent anonymously otherwise; the XML
// answers read into plain objects, OSS error bodies into OssError.

import { encodeQuery, presignQuery, resourcePath, signHeaders, v4EncodePath } from './sign.js';

/** Files larger than this are uploaded in parts (multipart upload). */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024;
/** The size of each part (the server's minimum is 100 KiB; the last part may be smaller). */
export const PART_SIZE = 5 * 1024 * 1024;

/** An OSS error answer: HTTP status, Code, Message and EC from the XML body. */
export class OssError extends Error {
  constructor(status, code, message, ec) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || `HTTP${status}`;
    this.ec = ec || '';
  }

  /** `Code: Message`, as shown to the user. */
  display() {
    return `${this.code}: ${this.message}`;
  }
}

function xml(text) {
  return new DOMParser().parseFromString(text, 'application/xml');
}

function textOf(node, tag) {
  return node.getElementsByTagName(tag)[0]?.textContent ?? '';
}

/** Reads an OSS error body (or says what the status means when there is none). */
export async function errorOf(resp) {
  const body = await resp.text();
  if (body.includes('<Error>')) {
    const doc = xml(body);
    return new OssError(resp.status, textOf(doc, 'Code'), textOf(doc, 'Message'), textOf(doc, 'EC'));
  }
  return new OssError(resp.status, '', `HTTP ${resp.status} ${resp.statusText}`);
}

/** The OSS API on the page's own origin, as `creds` ({ id, secret, token? }) or anonymously. */
export class Client {
  constructor({ creds = null, region, origin = location.origin }) {
    this.creds = creds;
    this.region = region;
    this.origin = origin;
  }

  /** The URL of bucket/key with `query` pairs, unsigned. */
  url(bucket, key, query = []) {
    const q = encodeQuery(query);
    return `${this.origin}${v4EncodePath(resourcePath(bucket, key))}${q ? `?${q}` : ''}`;
  }

  /** A GET URL usable without headers: presigned for `expires` seconds when signed in. */
  async getUrl(bucket, key, query = [], expires = 3600) {
    if (!this.creds) return this.url(bucket, key, query);
    const q = await presignQuery({ bucket, key, query, creds: this.creds, region: this.region, expires });
    return `${this.origin}${v4EncodePath(resourcePath(bucket, key))}?${q}`;
  }

  /** Sends one request; resolves to the Response when 2xx, rejects with OssError otherwise. */
  async send(method, bucket, key, query = [], { headers = {}, body } = {}) {
    const h = this.creds
      ? await signHeaders({ method, bucket, key, query, headers, creds: this.creds, region: this.region })
      : headers;
    const resp = await fetch(this.url(bucket, key, query), { method, headers: h, body });
    if (!resp.ok) throw await errorOf(resp);
    return resp;
  }

  /** ListBuckets: [{ name, created }]. */
  async listBuckets() {
    const doc = xml(await (await this.send('GET', null, null)).text());
    return Array.from(doc.getElementsByTagName('Bucket'), (b) => ({
      name: textOf(b, 'Name'),
      created: textOf(b, 'CreationDate'),
    }));
  }

  /** ListObjectsV2 of one folder level: { prefixes, objects: [{ key, size, modified }], next }. */
  async listObjects(bucket, prefix = '', token = '', maxKeys = 60) {
    const q = [
      ['list-type', '2'],
      ['delimiter', '/'],
      ['max-keys', String(maxKeys)],
      ['prefix', prefix],
    ];
    if (token) q.push(['continuation-token', token]);
    const doc = xml(await (await this.send('GET', bucket, null, q)).text());
    const cp = Array.from(doc.getElementsByTagName('CommonPrefixes'), (p) => textOf(p, 'Prefix'));
    const objects = Array.from(doc.getElementsByTagName('Contents'), (c) => ({
      key: textOf(c, 'Key'),
      size: Number(textOf(c, 'Size')),
      modified: textOf(c, 'LastModified'),
    }));
    const truncated = textOf(doc, 'IsTruncated') === 'true';
    return { prefixes: cp, objects, next: truncated ? textOf(doc, 'NextContinuationToken') : '' };
  }

  /**
   * Uploads `file` (a Blob) as bucket/key: one PutObject, or a multipart upload when it is larger
   * than `threshold`. `progress(done, total)` is called as bytes are sent.
   */
  async upload(bucket, key, file, progress = () => {}, threshold = MULTIPART_THRESHOLD) {
    const type = file.type || 'application/octet-stream';
    if (file.size <= threshold) {
      await this.send('PUT', bucket, key, [], { headers: { 'content-type': type }, body: file });
      progress(file.size, file.size);
      return;
    }
    const init = await this.send('POST', bucket, key, [['uploads', '']], {
      headers: { 'content-type': type },
    });
    const uploadId = textOf(xml(await init.text()), 'UploadId');
    const parts = [];
    try {
      for (let off = 0, n = 1; off < file.size; off += PART_SIZE, n++) {
        const chunk = file.slice(off, Math.min(off + PART_SIZE, file.size));
        const q = [
          ['partNumber', String(n)],
          ['uploadId', uploadId],
        ];
        const r = await this.send('PUT', bucket, key, q, {
          headers: { 'content-type': 'application/octet-stream' },
          body: chunk,
        });
        parts.push(`<Part><PartNumber>${n}</PartNumber><ETag>${r.headers.get('etag')}</ETag></Part>`);
        progress(off + chunk.size, file.size);
      }
      const body = `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>`;
      await this.send('POST', bucket, key, [['uploadId', uploadId]], {
        headers: { 'content-type': 'application/xml' },
        body,
      });
    } catch (e) {
      await this.send('DELETE', bucket, key, [['uploadId', uploadId]]).catch(() => {});
      throw e;
    }
  }

  /** DeleteObject. */
  async deleteObject(bucket, key) {
    await this.send('DELETE', bucket, key);
  }

  /**
   * GetObject, processed when `process` is given: { blob, type, ms, serverMs } where `ms` is the
   * round trip measured here and `serverMs` the server's own figure when it sends one
   * (`Server-Timing`), else null.
   */
  async getObject(bucket, key, process = '') {
    const q = process ? [['x-oss-process', process]] : [];
    const t0 = performance.now();
    const resp = await this.send('GET', bucket, key, q);
    const blob = await resp.blob();
    const ms = performance.now() - t0;
    const timing = resp.headers.get('server-timing') ?? '';
    const m = /dur=([\d.]+)/.exec(timing);
    return { blob, type: resp.headers.get('content-type') ?? '', ms, serverMs: m ? Number(m[1]) : null };
  }

  /** ListStyle: [{ name, content }]. */
  async listStyles(bucket) {
    const doc = xml(await (await this.send('GET', bucket, null, [['style', '']])).text());
    return Array.from(doc.getElementsByTagName('Style'), (s) => ({
      name: textOf(s, 'Name'),
      content: textOf(s, 'Content'),
    }));
  }

  /** PutStyle. */
  async putStyle(bucket, name, content) {
    const esc = content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    await this.send('PUT', bucket, null, [['style', ''], ['styleName', name]], {
      headers: { 'content-type': 'application/xml' },
      body: `<Style><Content>${esc}</Content></Style>`,
    });
  }

  /** DeleteStyle. */
  async deleteStyle(bucket, name) {
    await this.send('DELETE', bucket, null, [['style', ''], ['styleName', name]]);
  }
}

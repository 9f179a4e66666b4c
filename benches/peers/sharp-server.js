// A sharp (libvips) image server for benches/http.sh: serves the files of a folder with the OSS
// process strings the benchmark uses, so ossimg can be loaded beside the strongest peer.
//
//   node sharp-server.js <node_modules dir> <folder> <port>
//   GET /<file>?x-oss-process=image/resize,w_300/quality,Q_85
//
// Understood: `resize` with `w_`/`h_` (fit inside, never enlarged: OSS's default m_lfit with
// limit_1), `quality` with `Q_`/`q_` (JPEG quality; OSS's default 85 otherwise, as ossimg),
// `format` (jpg, png, webp) and `auto-orient` (always applied, as ossimg does by default).
// Anything else is a 400. JPEG output as sharp's defaults (4:2:0, optimised Huffman tables).
// One libvips thread per image (sharp.concurrency(1)); UV_THREADPOOL_SIZE (set by http.sh to
// the number of cores) bounds the images in flight, like ossimg's one job per core.
'use strict';
const [modules, root, port] = process.argv.slice(2);
const sharp = require(require('path').join(modules, 'node_modules', 'sharp'));
const http = require('http');
const path = require('path');

sharp.concurrency(1);
sharp.cache(false);

function pipelineFor(proc) {
  const actions = proc.replace(/^image\//, '').split('/').filter(Boolean);
  const opts = { width: null, height: null, quality: 85, format: 'jpeg' };
  for (const action of actions) {
    const [name, ...params] = action.split(',');
    const p = Object.fromEntries(params.map((kv) => [kv.split('_')[0], kv.split('_')[1]]));
    if (name === 'resize') {
      opts.width = p.w ? Number(p.w) : null;
      opts.height = p.h ? Number(p.h) : null;
    } else if (name === 'quality') {
      opts.quality = Number(p.Q || p.q);
    } else if (name === 'format') {
      opts.format = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp' }[params[0]];
      if (!opts.format) return null;
    } else if (name !== 'auto-orient') {
      return null;
    }
  }
  return opts;
}

http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.join(root, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''));
    const opts = pipelineFor(url.searchParams.get('x-oss-process') || 'image/');
    if (!opts) {
      res.writeHead(400).end('unsupported process string');
      return;
    }
    let img = sharp(file).rotate();
    if (opts.width || opts.height) {
      img = img.resize(opts.width, opts.height, { fit: 'inside', withoutEnlargement: true });
    }
    img = img.toFormat(opts.format, { quality: opts.quality });
    img
      .toBuffer()
      .then((buf) => {
        res.writeHead(200, { 'Content-Type': `image/${opts.format}`, 'Content-Length': buf.length });
        res.end(buf);
      })
      .catch((e) => res.writeHead(404).end(String(e.message)));
  })
  .listen(Number(port), '127.0.0.1');

// The naive media server of `npm run bench -- media`: node:http, every POST body streamed to a
// file under MEDIA_DIR while hashed (sha256), then answered {size, sha256}. No sniffing, no
// limits, no database, no event, no fsync. Env: PORT, MEDIA_DIR.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

const dir = process.env.MEDIA_DIR;
if (!dir) throw new Error('MEDIA_DIR is required');

const server = createServer(async (req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk, _enc, done) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, tap, createWriteStream(join(dir, randomBytes(8).toString('hex'))));
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ size, sha256: hash.digest('hex') }));
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1');

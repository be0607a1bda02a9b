// Preload of bench/gateway-tail.mjs (`node --require` it into a built gateway): records, in the
// gateway's own clock (ms since the epoch, performance-based), each POST /v1/messages (arrival,
// answer, Idempotency-Key), each AcceptBatcher batch's stages (start, transaction open, INSERT
// done, commands produced, COMMIT done), GC pauses, event-loop lateness (a 5 ms timer late by
// > 10 ms), the request log's synchronous work and pg pool connects/ends. Writes them as JSON to
// GATEWAY_TAIL_OUT when the process gets SIGTERM (or exits). Wraps internals by module path and
// prototype: a tool to find where slow requests spend their time, not part of the gateway.
const Module = require('node:module');
const http = require('node:http');
const fs = require('node:fs');
const { performance, PerformanceObserver } = require('node:perf_hooks');

const abs = () => performance.timeOrigin + performance.now();
const out = process.env.GATEWAY_TAIL_OUT || `/tmp/gateway-tail-${process.pid}.json`;
const rec = { reqs: [], batches: [], enqueued: {}, gcs: [], stalls: [], flushes: [], toRow: [], pg: [] };

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  if (event === 'request' && req.method === 'POST' && req.url === '/v1/messages') {
    const r = { key: req.headers['idempotency-key'], arrive: abs() };
    res.on('finish', () => { r.finish = abs(); r.status = res.statusCode; rec.reqs.push(r); });
  }
  return emit.apply(this, arguments);
};

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) rec.gcs.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind: e.detail?.kind });
}).observe({ entryTypes: ['gc'] });

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > 15) rec.stalls.push({ at: performance.timeOrigin + now, ms: now - last - 5 });
  last = now;
}, 5).unref();

function wrapBatcher(AcceptBatcher) {
  const P = AcceptBatcher.prototype;
  const accept = P.accept;
  P.accept = function (row, event) {
    const p = accept.call(this, row, event);
    rec.enqueued[row.idempotencyKey] = { at: abs() };
    return p;
  };
  const run = P.run;
  // The original run on a stand-in whose repository's acceptMany stamps the stages (ADR 0210: BEGIN
  // goes with the INSERT in one round trip, so `tx` is when that is sent and `ins` its answer).
  P.run = async function (batch) {
    const b = { start: abs(), n: batch.length };
    rec.batches.push(b);
    for (const w of batch) { const e = rec.enqueued[w.row.idempotencyKey]; if (e) e.batch = rec.batches.length - 1; }
    const { messages } = this;
    const self = Object.create(this);
    self.messages = Object.create(messages);
    self.messages.acceptMany = async (rows, whileOpen) => {
      b.tx = abs();
      const r = await messages.acceptMany(rows, async (ids) => { b.ins = abs(); await whileOpen(ids); b.prod = abs(); });
      b.commit = abs();
      return r;
    };
    self.run = (bb) => run.call(self, bb);
    try { return await run.call(self, batch); } finally { b.end = abs(); }
  };
}

const load = Module._load;
Module._load = function (request) {
  const m = load.apply(this, arguments);
  if (m && !m.__gatewayTail) {
    if (request.endsWith('/accept-batcher') && m.AcceptBatcher) { m.__gatewayTail = true; wrapBatcher(m.AcceptBatcher); }
    if (request.endsWith('/request-log.writer') && m.RequestLogWriter) {
      m.__gatewayTail = true;
      const P = m.RequestLogWriter.prototype; const writeAll = P.writeAll;
      P.writeAll = async function () { const f = { start: abs(), n: this.queue.length }; rec.flushes.push(f); try { return await writeAll.call(this); } finally { f.end = abs(); } };
    }
    if (request.endsWith('/request-log.entry') && m.toRow) {
      m.__gatewayTail = true; const toRow = m.toRow;
      Object.defineProperty(m, 'toRow', { value: function (...a) { const t = performance.now(); const r = toRow.apply(this, a); rec.toRow.push([abs(), performance.now() - t]); return r; } });
    }
    if (request === 'pg' && m.Client) {
      m.__gatewayTail = true; const P = m.Client.prototype; const connect = P.connect; const end = P.end;
      P.connect = function (...a) { rec.pg.push({ at: abs(), ev: 'connect' }); return connect.apply(this, a); };
      P.end = function (...a) { rec.pg.push({ at: abs(), ev: 'end' }); return end.apply(this, a); };
    }
  }
  return m;
};

let written = false;
function write() {
  if (written) return;
  written = true;
  fs.writeFileSync(out, JSON.stringify(rec));
}
// The first SIGTERM: records written, the gateway shuts down. Nest raises SIGTERM again once it has
// closed, which this listener would swallow: then exit, so a --cpu-prof profile is written too.
let terms = 0;
process.prependListener('SIGTERM', () => {
  if (++terms > 1) process.exit(0);
  write();
});
process.on('exit', write);

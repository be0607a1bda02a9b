// A server that does nothing: reads the body and answers 200 `{"received":true}`. Loading it
// with the same generator at the same rate gives the latency floor of the harness and the
// machine right now (scheduling, the generator's own CPU), to read the other latencies against.
// Env: PORT. GET /health/live answers 200.
import http from 'node:http';

const reply = '{"received":true}';
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length });
    res.end(reply);
  });
});
server.keepAliveTimeout = 75000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');

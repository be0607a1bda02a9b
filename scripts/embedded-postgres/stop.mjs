// Stops the embedded Postgres that scripts/lib/stack.mjs started: `node scripts/embedded-postgres/stop.mjs [port]`.
import { ROOT } from '../lib/stack.mjs';
import { stopEmbeddedPostgres } from '../lib/embedded-postgres.mjs';

const port = Number(process.argv[2] ?? 5432);
console.log(stopEmbeddedPostgres(ROOT, port) ? `postgres: embedded server on ${port} stopped` : `postgres: no embedded server on ${port}`);

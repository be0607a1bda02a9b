#!/usr/bin/env node
/**
 * `npm run admin -- <command> …`: the operator API (`/admin/v1`) from a shell. Prints the JSON
 * answer; exits 1 on an HTTP error (the error body is printed to stderr), 2 on bad usage.
 */
import { buildAdminRequest, USAGE, UsageError } from './admin-commands';

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  let request;
  try {
    request = buildAdminRequest(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const base = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const token = process.env.ADMIN_TOKEN;
  if (!token) {
    process.stderr.write('ADMIN_TOKEN is not set (the gateway prints its dev token at start)\n');
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: { authorization: `Bearer ${token}`, ...(request.body ? { 'content-type': 'application/json' } : {}) },
      body: request.body ? JSON.stringify(request.body) : undefined,
      signal: AbortSignal.timeout(15000),
    });
  } catch (err) {
    process.stderr.write(`cannot reach the gateway at ${base}: ${(err as Error).message}\n`);
    return 1;
  }
  const text = await res.text();
  const out = text ? JSON.stringify(JSON.parse(text), null, 2) : JSON.stringify({ status: res.status });
  if (!res.ok) {
    process.stderr.write(`${res.status} ${out}\n`);
    return 1;
  }
  process.stdout.write(`${out}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof UsageError ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

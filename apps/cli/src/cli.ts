import { WabridgeApiError, WabridgeError } from '@wabridge/client';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromAdminSyntax, parseInvocation, USAGE, UsageError } from './args';
import { apps, keys, numbers, tenants } from './commands/admin.commands';
import { dlq, tail } from './commands/kafka.commands';
import { verifySignature } from './commands/signature.commands';
import { contacts, messages, requestLogs, send, templates } from './commands/tenant.commands';
import { CommandFailed, Context } from './context';
import { Io, Output } from './output';
import { resolveSettings } from './settings';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface RunOptions {
  /** Aborted on Ctrl-C / SIGTERM. */
  stopped?: AbortSignal;
  readStdin?: () => Promise<Buffer>;
}

const COMMANDS: Record<string, (ctx: Context, run: RunOptions) => Promise<void>> = {
  tenants, keys, apps, numbers, templates, send, messages, contacts, tail, dlq,
  'request-logs': requestLogs,
  'verify-signature': (ctx, run) => verifySignature(ctx, run.readStdin ?? (async () => Buffer.alloc(0))),
};

/**
 * Runs one command line and returns the exit code: 0 done, 1 failed (an API error, the
 * platform unreachable, an invalid signature, refused rows), 2 usage. Errors are one line (or
 * one JSON object with --json) on stderr, never a stack trace.
 */
export async function run(argv: string[], io: Io, options: RunOptions = {}): Promise<number> {
  const json = argv.includes('--json');
  const out = new Output(io, json);
  try {
    if (argv[0] === 'dlq' && argv[1] === 'outbound') return outboundDlq(argv.slice(2));
    const inv = parseInvocation(argv[0] === 'admin' ? fromAdminSyntax(argv.slice(1)) : argv);
    if (inv.command === 'help' || inv.options.help) {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const settings = resolveSettings(inv.options, io.env);
    const ctx: Context = { inv, settings, out, io, stopped: options.stopped ?? new AbortController().signal };
    await COMMANDS[inv.command]!(ctx, options);
    return EXIT.ok;
  } catch (err) {
    return report(err, out, io);
  }
}

/**
 * `dlq outbound …`: wa.outbound.dlq.v1 is replayed through the dispatcher's own message rows
 * (its tool, apps/dispatcher/src/cli/dlq.ts, with its own options), so it is handed over as is.
 */
function outboundDlq(args: string[]): number {
  const tool = join(resolve(__dirname, '..', '..', '..'), 'apps', 'dispatcher', 'dist', 'cli', 'dlq.js');
  if (!existsSync(tool)) throw new UsageError('dlq outbound: apps/dispatcher is not built (npx turbo run build --filter=@wabridge/dispatcher...)');
  return spawnSync(process.execPath, [tool, ...args], { stdio: 'inherit' }).status ?? 1;
}

function report(err: unknown, out: Output, io: Io): number {
  if (err instanceof UsageError) {
    out.error('usage', err.message);
    if (!out.json) io.stderr.write('run `wabridge --help` for the commands\n');
    return EXIT.usage;
  }
  if (err instanceof CommandFailed) {
    out.error(err.code, err.message, err.details);
    return EXIT.failed;
  }
  if (err instanceof WabridgeApiError) {
    out.error(err.code || `http_${err.status}`, `${err.status} ${err.message}`, err.details);
    return EXIT.failed;
  }
  if (err instanceof WabridgeError) {
    out.error('unreachable', `${err.message}${rootCause(err)}`);
    return EXIT.failed;
  }
  const e = err as { name?: string; message?: string };
  // kafkajs and the rest: the message, not the stack
  out.error(e?.name === 'KafkaJSNumberOfRetriesExceeded' || /kafka/i.test(e?.name ?? '') ? 'kafka' : 'error', e?.message ?? String(err));
  return EXIT.failed;
}

/** ` (ECONNREFUSED 127.0.0.1:1)`: the innermost cause of a failed fetch, which says why. */
function rootCause(err: Error): string {
  let e: unknown = err;
  for (let i = 0; i < 5 && (e as { cause?: unknown })?.cause; i++) e = (e as { cause: unknown }).cause;
  if (e === err) return '';
  const c = e as { code?: string; message?: string; errors?: { message?: string }[] };
  const detail = c.code ?? c.message ?? c.errors?.[0]?.message;
  return detail ? ` (${c.code && c.message && !c.message.startsWith(c.code) ? `${c.code}: ${c.message}` : c.message ?? detail})` : '';
}

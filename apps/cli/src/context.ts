import { WabridgeClient } from '@wabridge/client';
import type { Invocation } from './args';
import { UsageError } from './args';
import type { Io, Output } from './output';
import type { Settings } from './settings';

/** What every command gets: its invocation, the resolved settings, the output and the process's io. */
export interface Context {
  inv: Invocation;
  settings: Settings;
  out: Output;
  io: Io;
  /** Fired on Ctrl-C: long commands (tail) end cleanly. */
  stopped: AbortSignal;
}

/** A failure the CLI reports in one line (exit 1), e.g. an invalid signature or refused rows. */
export class CommandFailed extends Error {
  constructor(readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

const clientOptions = { timeoutMs: 30_000, retry: { maxRetries: 2, maxDelayMs: 10_000 }, headers: { 'user-agent': 'wabridge-cli' } };

/** The tenant API with the tenant's key. */
export function tenantClient(ctx: Context, extra: Partial<ConstructorParameters<typeof WabridgeClient>[0]> = {}): WabridgeClient {
  const apiKey = ctx.settings.apiKey;
  if (!apiKey) throw new UsageError('no API key: pass --api-key, set WABRIDGE_API_KEY, or run `npm start` (its tenant `local` is used)');
  return new WabridgeClient({ baseUrl: ctx.settings.url, apiKey, ...clientOptions, ...extra });
}

/** The operator API (`/admin/v1`) with the admin token. */
export function adminClient(ctx: Context): WabridgeClient {
  const token = ctx.settings.adminToken;
  if (!token) throw new UsageError('no admin token: pass --admin-token, set WABRIDGE_ADMIN_TOKEN (or ADMIN_TOKEN), or run `npm start`');
  return new WabridgeClient({ baseUrl: ctx.settings.url, apiKey: token, ...clientOptions });
}

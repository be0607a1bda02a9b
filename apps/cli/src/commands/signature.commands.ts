import { existsSync, readFileSync } from 'node:fs';
import { verifyWebhook, WebhookVerificationError } from '@wabridge/client';
import { need, positiveInt, UsageError } from '../args';
import { CommandFailed, Context } from '../context';

/**
 * `verify-signature`: checks a notifier delivery offline with @wabridge/client's verifyWebhook
 * (Standard Webhooks; docs/client.md). The body is the exact bytes received: an argument that
 * names a file is read from it, `-` reads stdin, anything else is the body itself.
 */
export async function verifySignature(ctx: Context, readStdin: () => Promise<Buffer>): Promise<void> {
  const o = ctx.inv.options;
  const where = 'verify-signature';
  const secret = need(o.secret, '--secret <whsec_…>', where);
  const headers = { 'webhook-id': need(o.id, '--id <webhook-id>', where), 'webhook-timestamp': need(o.timestamp, '--timestamp <unix seconds>', where), 'webhook-signature': need(o.signature, '--signature "<v1,…>"', where) };
  const arg = need(ctx.inv.args[0], '<body> | <file> | -', where);
  if (ctx.inv.args.length > 1) throw new UsageError(`${where}: one body only (quote it)`);
  const body = arg === '-' ? await readStdin() : existsSync(arg) ? readFileSync(arg) : Buffer.from(arg, 'utf8');
  if (o['ignore-time'] && o.tolerance !== undefined) throw new UsageError(`${where}: --tolerance or --ignore-time, not both`);
  const toleranceSeconds = o['ignore-time'] ? Number.MAX_SAFE_INTEGER : positiveInt(o.tolerance, '--tolerance');
  try {
    const event = verifyWebhook(secret, headers, body, { toleranceSeconds, now: ctx.io.now });
    ctx.out.result({ valid: true, type: event.type, timestamp: event.timestamp }, () => `valid: ${event.type} of ${event.timestamp}`);
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    if (ctx.settings.json) ctx.io.stdout.write(`${JSON.stringify({ valid: false, reason: err.reason, message: err.message })}\n`);
    throw new CommandFailed(err.reason, `invalid: ${err.message} (${err.reason})`);
  }
}

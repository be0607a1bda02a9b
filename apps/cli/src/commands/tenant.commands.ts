import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { SendMessageBody } from '@wabridge/client';
import { need, Options, sinceMs, UsageError } from '../args';
import { CommandFailed, Context, tenantClient } from '../context';
import { formatObject, formatTable } from '../output';
import { ProgressBar } from '../progress';

/** Tenant API commands (the tenant's API key): templates, a test send, contact imports, a message. */

/** The `POST /v1/messages` body of `wabridge send` (pure). */
export function buildSendBody(o: Options, defaultPhoneNumberId: string | undefined): SendMessageBody {
  const phoneNumberId = need(o.from ?? defaultPhoneNumberId, '--from <phoneNumberId> (or WABRIDGE_PHONE_NUMBER_ID)', 'send');
  const to = need(o.to, '--to <digits>', 'send');
  if ((o.text === undefined) === (o.template === undefined)) throw new UsageError('send: exactly one of --text or --template is required');
  if (o.text !== undefined) {
    if (o.param?.length) throw new UsageError('send: --param goes with --template');
    return { phoneNumberId, to, type: 'text', text: { body: o.text } } as SendMessageBody;
  }
  const parameters = (o.param ?? []).map((text) => ({ type: 'text', text }));
  return {
    phoneNumberId, to, type: 'template',
    template: { name: o.template!, language: { code: o.language ?? 'en_US' }, ...(parameters.length ? { components: [{ type: 'body', parameters }] } : {}) },
  } as SendMessageBody;
}

/** `templates create` body (pure): a BODY component from --body/--example, or --components JSON. */
export function buildTemplateBody(o: Options, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Record<string, unknown> {
  const where = 'templates create';
  let components: unknown;
  if (o.components !== undefined) {
    if (o.body !== undefined) throw new UsageError(`${where}: --body or --components, not both`);
    try {
      components = JSON.parse(readFile(o.components));
    } catch (err) {
      throw new UsageError(`${where}: --components ${o.components}: ${(err as Error).message}`);
    }
    if (!Array.isArray(components)) throw new UsageError(`${where}: --components must hold a JSON array`);
  } else {
    const text = need(o.body, '--body "<text>" (or --components <file.json>)', where);
    const placeholders = new Set(text.match(/\{\{\d+\}\}/g) ?? []).size;
    const examples = o.example ?? [];
    if (placeholders !== examples.length) throw new UsageError(`${where}: the body has ${placeholders} placeholder(s) and ${examples.length} --example value(s)`);
    components = [{ type: 'BODY', text, ...(examples.length ? { example: { body_text: [examples] } } : {}) }];
  }
  return {
    wabaId: need(o.waba, '--waba <wabaId>', where), name: need(o.name, '--name', where),
    language: o.language ?? 'en_US', category: (o.category ?? 'UTILITY').toUpperCase(), components,
  };
}

export async function templates(ctx: Context): Promise<void> {
  const wa = tenantClient(ctx);
  const o = ctx.inv.options;
  if (ctx.inv.action === 'list') {
    const page = await wa.get('/v1/templates', { query: { ...(o.waba ? { wabaId: o.waba } : {}), ...(o.refresh ? { refresh: 'true' } : {}) } as never });
    ctx.out.result(page, (p) => formatTable((p as { data: unknown[] }).data, ['id', 'wabaId', 'name', 'language', 'category', 'status']));
    return;
  }
  ctx.out.result(await wa.post('/v1/templates', { body: buildTemplateBody(o) as never }), formatObject);
}

const TERMINAL = new Set(['sent', 'delivered', 'read', 'played', 'failed', 'rejected', 'dead_lettered', 'cancelled']);

export async function send(ctx: Context): Promise<void> {
  const wa = tenantClient(ctx);
  const o = ctx.inv.options;
  const body = buildSendBody(o, ctx.settings.defaultPhoneNumberId);
  const sent = await wa.sendMessage(body, { idempotencyKey: o['idempotency-key'] });
  if (!o.wait) {
    ctx.out.result(sent, () => `${sent.status}: ${sent.id}`);
    return;
  }
  // --wait: until Meta (or the sandbox) took it or it failed, at most 60 s
  const deadline = ctx.io.now() + 60_000;
  let view = (await wa.get('/v1/messages/{id}', { path: { id: sent.id } })) as { id: string; status: string; wamid?: string; error?: unknown };
  while (!TERMINAL.has(view.status) && ctx.io.now() < deadline && !ctx.stopped.aborted) {
    await new Promise((r) => setTimeout(r, 500));
    view = (await wa.get('/v1/messages/{id}', { path: { id: sent.id } })) as typeof view;
  }
  ctx.out.result(view, () => `${view.status}: ${view.id}${view.wamid ? ` (${view.wamid})` : ''}${view.error ? `\n${JSON.stringify(view.error)}` : ''}`);
  if (['failed', 'rejected', 'dead_lettered'].includes(view.status)) throw new CommandFailed('send_failed', `message ${view.id} ${view.status}`, view.error);
  if (!TERMINAL.has(view.status)) throw new CommandFailed('timeout', `message ${view.id} still ${view.status} after 60 s`);
}

export async function messages(ctx: Context): Promise<void> {
  const id = need(ctx.inv.args[0], '<id>', 'messages get');
  ctx.out.result(await tenantClient(ctx).get('/v1/messages/{id}', { path: { id } }), formatObject);
}

/** The query of `request-logs` (pure): --since takes an ISO time or a duration back from now. */
export function requestLogQuery(o: Options, now: number): Record<string, string> {
  const q: Record<string, string> = {};
  if (o.status !== undefined) q['status'] = o.status;
  if (o.path !== undefined) q['path'] = o.path;
  if (o.since !== undefined) q['since'] = new Date(sinceMs(o.since, now)).toISOString();
  if (o.limit !== undefined) q['limit'] = o.limit;
  if (o.cursor !== undefined) q['cursor'] = o.cursor;
  return q;
}

/** `request-logs`: one page of the tenant's API calls (ADR 0180), newest first. */
export async function requestLogs(ctx: Context): Promise<void> {
  const page = await tenantClient(ctx).get('/v1/request-logs', { query: requestLogQuery(ctx.inv.options, ctx.io.now()) as never });
  ctx.out.result(page, (p) => {
    const { data, nextCursor } = p as { data: unknown[]; nextCursor: string | null };
    return `${formatTable(data, ['at', 'method', 'path', 'status', 'latencyMs', 'errorCode', 'idempotencyKey'])}${nextCursor ? `\nmore: --cursor ${nextCursor}` : ''}`;
  });
}

const CONTENT_TYPES: Record<string, string> = { '.csv': 'text/csv', '.json': 'application/json', '.ndjson': 'application/x-ndjson', '.jsonl': 'application/x-ndjson' };

interface ImportReport { rows: number; created: number; updated: number; unchanged: number; failed: number; errors: { line: number; error: string }[]; errorsTruncated?: boolean; aborted?: unknown }

/** `contacts import <file>`: streamed upload (progress by bytes sent) → the service's report. */
export async function contacts(ctx: Context): Promise<void> {
  const file = need(ctx.inv.args[0], '<file>', 'contacts import');
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!contentType) throw new UsageError(`contacts import: ${file}: use a .csv, .json, .ndjson or .jsonl file`);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    throw new UsageError(`contacts import: ${(err as Error).message}`);
  }
  const bar = new ProgressBar(ctx.io.stderr, `importing ${file}`, size, { json: ctx.settings.json, unit: 'bytes' });
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      bar.update(sent);
      done(null, chunk);
    },
  });
  // a stream body: one attempt (it cannot be sent twice), fetch in half-duplex mode
  const wa = tenantClient(ctx, {
    retry: { maxRetries: 0 }, timeoutMs: 15 * 60_000,
    fetch: (input, init) => fetch(input, { ...init, duplex: 'half' } as RequestInit),
  });
  const data = Readable.toWeb(createReadStream(file).pipe(counter)) as unknown as ReadableStream;
  const phoneNumberId = ctx.inv.options['phone-number-id'];
  let report: ImportReport;
  try {
    report = (await wa.post('/v1/contacts/{path}', { path: { path: 'import' } as never, query: (phoneNumberId ? { phoneNumberId } : {}) as never, rawBody: { data, contentType } })) as ImportReport;
  } finally {
    bar.update(sent, Math.max(size, sent));
    bar.finish();
  }
  ctx.out.result(report, () =>
    `${report.rows} rows: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.failed} failed` +
    report.errors.slice(0, 20).map((e) => `\n  line ${e.line}: ${e.error}`).join('') + (report.errors.length > 20 || report.errorsTruncated ? '\n  …' : ''));
  if (report.failed > 0 || report.aborted) throw new CommandFailed('rows_refused', `${report.failed} row(s) refused${report.aborted ? ', import aborted' : ''}`);
}

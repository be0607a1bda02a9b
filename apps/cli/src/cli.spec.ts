import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signWebhook } from '@wabridge/client';
import { durationMs, fromAdminSyntax, parseInvocation, sinceMs, UsageError } from './args';
import { run } from './cli';
import { buildSendBody, buildTemplateBody, requestLogQuery } from './commands/tenant.commands';
import { formatTailLine, matchesTail, TailRecord } from './commands/kafka.commands';
import { formatObject, formatTable, Io } from './output';
import { ProgressBar, renderBar } from './progress';
import { resolveSettings } from './settings';

function fakeIo(env: NodeJS.ProcessEnv = {}, tty = false): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: tty, columns: 80 },
    // no npm start state: an empty state dir
    env: { LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'cli-state-')), ...env },
    now: () => Date.parse('2026-12-06T10:00:00Z'),
    out: () => out,
    err: () => err,
  };
}

describe('argument parsing', () => {
  it('reads command, action, positionals and options', () => {
    expect(parseInvocation(['keys', 'create', '--tenant', 't1', '--scopes', 'messages:send,contacts', '--json'])).toEqual({
      command: 'keys', action: 'create', args: [], options: { tenant: 't1', scopes: 'messages:send,contacts', json: true },
    });
    expect(parseInvocation(['tail', 'wa.outbound.events.v1', '--type', 'sent', '--max', '2'])).toMatchObject({ command: 'tail', args: ['wa.outbound.events.v1'], options: { type: 'sent', max: '2' } });
    expect(parseInvocation(['send', '--to', '491', '--template', 'x', '--param', 'a', '--param', 'b']).options.param).toEqual(['a', 'b']);
  });

  it('refuses unknown commands, actions and options, and a missing action', () => {
    expect(() => parseInvocation(['tenant', 'list'])).toThrow('unknown command "tenant"');
    expect(() => parseInvocation(['tenants', 'delete'])).toThrow('unknown action "delete" (list, create)');
    expect(() => parseInvocation(['tenants'])).toThrow('an action is required');
    expect(() => parseInvocation(['send', '--too', '1'])).toThrow(UsageError);
    expect(() => parseInvocation(['send', '--to'])).toThrow(UsageError);
    expect(() => parseInvocation([])).toThrow('no command given');
  });

  it('reads the old `npm run admin` syntax as this CLI\'s commands', () => {
    expect(fromAdminSyntax(['create-tenant', 'Acme'])).toEqual(['tenants', 'create', 'Acme']);
    expect(fromAdminSyntax(['create-key', 'T1', '--scopes', 'messages:send'])).toEqual(['keys', 'create', '--tenant', 'T1', '--scopes', 'messages:send']);
    expect(fromAdminSyntax(['revoke-key', 'K1'])).toEqual(['keys', 'revoke', 'K1']);
    expect(fromAdminSyntax(['update-number', 'T1', '1', '--status', 'active'])).toEqual(['numbers', 'update', '--tenant', 'T1', '1', '--status', 'active']);
    expect(parseInvocation(fromAdminSyntax(['add-number', 'T1', '--phone-number-id', '1', '--mps', '20']))).toMatchObject({ command: 'numbers', action: 'add', options: { tenant: 'T1', 'phone-number-id': '1', mps: '20' } });
    expect(() => fromAdminSyntax(['list-keys', '--json'])).toThrow('<tenantId> is required');
    expect(() => fromAdminSyntax(['frobnicate'])).toThrow('unknown command "frobnicate"');
  });

  it('reads durations and --since as an ISO time or a duration back from now', () => {
    expect(durationMs('90s', 'x')).toBe(90_000);
    expect(durationMs('2h', 'x')).toBe(7_200_000);
    expect(() => durationMs('soon', '--for')).toThrow('--for must be a duration');
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(sinceMs('10m', now)).toBe(now - 600_000);
    expect(sinceMs('2026-12-06T09:00:00Z', now)).toBe(Date.parse('2026-12-06T09:00:00Z'));
    expect(() => sinceMs('yesterday', now)).toThrow('--since must be an ISO time');
  });

  it('resolves settings from flags before the environment before npm start state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-state-'));
    writeFileSync(join(dir, 'dev-secrets.json'), JSON.stringify({ ADMIN_TOKEN: 'state-admin', localTenant: { id: 't', apiKey: 'state-key' } }));
    const fromState = resolveSettings({}, { LOCAL_STATE_DIR: dir });
    expect(fromState).toMatchObject({ url: 'http://127.0.0.1:3000', apiKey: 'state-key', adminToken: 'state-admin', brokers: ['127.0.0.1:9092'], defaultPhoneNumberId: '100000000000001' });
    const fromEnv = resolveSettings({}, { LOCAL_STATE_DIR: dir, WABRIDGE_API_KEY: 'env-key', ADMIN_TOKEN: 'env-admin', WABRIDGE_URL: 'http://gw:3000/', KAFKA_BROKERS: 'a:1, b:2', TOPIC_SUFFIX: 's1' });
    expect(fromEnv).toMatchObject({ url: 'http://gw:3000', apiKey: 'env-key', adminToken: 'env-admin', brokers: ['a:1', 'b:2'], topicSuffix: 's1', defaultPhoneNumberId: undefined });
    expect(resolveSettings({ 'api-key': 'flag-key', url: 'http://x' }, { LOCAL_STATE_DIR: dir, WABRIDGE_API_KEY: 'env-key' })).toMatchObject({ apiKey: 'flag-key', url: 'http://x' });
  });

  it('reads the services\' Kafka TLS/SASL variables (ADR 0174) and names a bad mechanism', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-kafka-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    writeFileSync(join(dir, 'password'), 'secret\n');
    expect(resolveSettings({}, { LOCAL_STATE_DIR: dir }).kafkaSecurity).toBeUndefined();
    expect(resolveSettings({}, {
      LOCAL_STATE_DIR: dir, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
      KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'ops', KAFKA_SASL_PASSWORD_FILE: join(dir, 'password'),
    }).kafkaSecurity).toEqual({ ssl: { ca: 'CA PEM', cert: undefined, key: undefined }, sasl: { mechanism: 'scram-sha-512', username: 'ops', password: 'secret' } });
    expect(() => resolveSettings({}, { LOCAL_STATE_DIR: dir, KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow('KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512');
    expect(() => resolveSettings({}, { LOCAL_STATE_DIR: dir, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toThrow('KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) is required');
  });
});

describe('request bodies', () => {
  it('builds the request-logs query: status, path prefix, --since as a time or a duration back', () => {
    const inv = parseInvocation(['request-logs', '--status', '4xx', '--path', '/v1/messages', '--since', '10m', '--limit', '20']);
    expect(inv.command).toBe('request-logs');
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(requestLogQuery(inv.options, now)).toEqual({ status: '4xx', path: '/v1/messages', since: '2026-12-06T09:50:00.000Z', limit: '20' });
  });

  it('builds a text or a template send', () => {
    expect(buildSendBody({ to: '+4915112345678', text: 'Hi', from: '100' }, undefined)).toEqual({ phoneNumberId: '100', to: '+4915112345678', type: 'text', text: { body: 'Hi' } });
    expect(buildSendBody({ to: '49151', template: 'order_ready', param: ['42'] }, '200')).toEqual({
      phoneNumberId: '200', to: '49151', type: 'template',
      template: { name: 'order_ready', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }] },
    });
    expect(() => buildSendBody({ to: '1', text: 'a', template: 'b', from: '1' }, undefined)).toThrow('exactly one of --text or --template');
    expect(() => buildSendBody({ to: '1', text: 'a' }, undefined)).toThrow('--from');
  });

  it('builds a template from --body and --example, checking the placeholder count', () => {
    expect(buildTemplateBody({ waba: 'w', name: 'n', body: 'Order {{1}} ships {{2}}', example: ['42', 'today'] })).toEqual({
      wabaId: 'w', name: 'n', language: 'en_US', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Order {{1}} ships {{2}}', example: { body_text: [['42', 'today']] } }],
    });
    expect(() => buildTemplateBody({ waba: 'w', name: 'n', body: 'Order {{1}}' })).toThrow('1 placeholder(s) and 0 --example');
    expect(buildTemplateBody({ waba: 'w', name: 'n', components: 'c.json', category: 'marketing' }, () => '[{"type":"BODY","text":"x"}]')).toMatchObject({ category: 'MARKETING', components: [{ type: 'BODY' }] });
    expect(() => buildTemplateBody({ waba: 'w', name: 'n', components: 'c.json' }, () => '{}')).toThrow('JSON array');
  });
});

describe('tail filters and lines', () => {
  const rec = (over: Partial<TailRecord> = {}): TailRecord => ({
    topic: 'wa.outbound.events.v1', partition: 1, offset: '7', timestamp: String(Date.parse('2026-12-06T10:00:00Z')), key: '100:4915',
    headers: { 'tenant-id': 't1', 'event-type': 'sent' }, value: { tenantId: 't1', phoneNumberId: '100', type: 'sent', messageId: 'm1' }, ...over,
  });

  it('matches tenant (header or value), number (value or key prefix) and type (header, type, status or kind)', () => {
    expect(matchesTail(rec(), { tenant: 't1', number: '100', type: 'sent' })).toBe(true);
    expect(matchesTail(rec(), { tenant: 't2' })).toBe(false);
    expect(matchesTail(rec({ headers: {}, value: { tenantId: 't1' } }), { tenant: 't1' })).toBe(true);
    expect(matchesTail(rec({ value: {} }), { number: '100' })).toBe(true); // by the key
    expect(matchesTail(rec({ value: {}, key: '1000:4915' }), { number: '100' })).toBe(false);
    expect(matchesTail(rec({ headers: {}, value: { status: 'delivered' } }), { type: 'delivered' })).toBe(true);
    expect(matchesTail(rec(), { type: 'failed' })).toBe(false);
    expect(matchesTail(rec({ headers: { 'event-type': 'OutboundEventV1' }, value: { event: 'sent' } }), { type: 'sent' })).toBe(true);
    expect(matchesTail(rec({ headers: { 'event-type': 'OutboundEventV1' }, value: { event: 'sent' } }), { type: 'OutboundEventV1' })).toBe(true);
  });

  it('prints one line per event with time, place, type, key and the value', () => {
    expect(formatTailLine(rec())).toBe('2026-12-06T10:00:00.000Z  wa.outbound.events.v1[1]@7  sent  key=100:4915  {"tenantId":"t1","phoneNumberId":"100","type":"sent","messageId":"m1"}');
    expect(formatTailLine(rec({ value: 'x'.repeat(1000) }))).toHaveLength(formatTailLine(rec({ value: '' })).length + 400);
  });
});

describe('output', () => {
  it('renders tables and objects', () => {
    expect(formatTable([{ id: 'a', name: 'acme', extra: { x: 1 } }, { id: 'bb', name: null }], ['id', 'name'])).toBe('id  name\na   acme\nbb');
    expect(formatTable([])).toBe('(none)');
    expect(formatObject({ id: 'x', scopes: ['a'] })).toBe('id:     x\nscopes: ["a"]');
  });

  it('draws a progress bar only on a terminal and never with --json', () => {
    expect(renderBar('importing', 512, 1024, 'bytes', 80)).toMatch(/^importing \[#{20}\.{20}\] {2}50% {2}512 B\/1\.0 KiB$/);
    const writes: string[] = [];
    const tty = { write: (s: string) => writes.push(s), isTTY: true, columns: 80 };
    let t = 0;
    const bar = new ProgressBar(tty, 'x', 10, { json: false, now: () => (t += 200) });
    bar.update(5);
    bar.update(10);
    bar.finish();
    expect(writes).toHaveLength(3);
    expect(writes[1]).toContain('100%');
    expect(writes[2]).toBe('\n');
    const quiet: string[] = [];
    new ProgressBar({ write: (s: string) => quiet.push(s), isTTY: true }, 'x', 10, { json: true }).update(5);
    new ProgressBar({ write: (s: string) => quiet.push(s), isTTY: false }, 'x', 10, { json: false }).update(5);
    expect(quiet).toEqual([]);
  });
});

describe('run: exit codes and output channels', () => {
  it('exits 2 on usage errors with one line (JSON with --json) on stderr and nothing on stdout', async () => {
    const io = fakeIo();
    expect(await run(['tenants', 'drop'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('wabridge: tenants: unknown action "drop"');
    const j = fakeIo();
    expect(await run(['send', '--to', '1', '--text', 'x', '--json'], j)).toBe(2);
    expect(j.out()).toBe('');
    expect(JSON.parse(j.err())).toEqual({ error: { code: 'usage', message: expect.stringContaining('no API key') } });
  });

  it('exits 1 without a stack trace when the gateway cannot be reached', async () => {
    const io = fakeIo({ WABRIDGE_API_KEY: 'k', WABRIDGE_URL: 'http://127.0.0.1:9' });
    expect(await run(['messages', 'get', 'x', '--json'], io)).toBe(1);
    const err = JSON.parse(io.err()) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('unreachable');
    expect(io.err()).not.toMatch(/\n\s+at /);
    expect(io.out()).toBe('');
  }, 30000);

  it('verifies a signature: valid → exit 0 with the type, tampered or stale → exit 1 with the reason', async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const ts = Math.floor(Date.parse('2026-12-06T10:00:00Z') / 1000);
    const body = JSON.stringify({ type: 'message.status', timestamp: '2026-12-06T10:00:00Z', data: { tenantId: 't' } });
    const args = (b: string, t = ts) => ['verify-signature', '--secret', secret, '--id', 'msg_1', '--timestamp', String(t), '--signature', signWebhook(secret, 'msg_1', t, body), b, '--json'];
    const ok = fakeIo();
    expect(await run(args(body), ok)).toBe(0);
    expect(JSON.parse(ok.out())).toEqual({ valid: true, type: 'message.status', timestamp: '2026-12-06T10:00:00Z' });
    const file = join(mkdtempSync(join(tmpdir(), 'cli-body-')), 'body.json');
    writeFileSync(file, body);
    expect(await run(args(file), fakeIo())).toBe(0);
    const bad = fakeIo();
    expect(await run(args(body.replace('"t"', '"u"')), bad)).toBe(1);
    expect(JSON.parse(bad.out())).toMatchObject({ valid: false, reason: 'invalid_signature' });
    const old = fakeIo();
    const oldTs = ts - 3600;
    const oldArgs = ['verify-signature', '--secret', secret, '--id', 'msg_1', '--timestamp', String(oldTs), '--signature', signWebhook(secret, 'msg_1', oldTs, body), body];
    expect(await run(oldArgs, old)).toBe(1);
    expect(old.err()).toContain('timestamp_out_of_tolerance');
    expect(await run([...oldArgs, '--ignore-time'], fakeIo())).toBe(0);
  });
});

describe('contacts import: a streamed upload with a progress bar on a terminal', () => {
  it('streams the file, draws the bar to 100 % on a TTY, prints the report and exits 1 on refused rows', async () => {
    // a stand-in gateway that reads the upload and answers a report (the real one: test/e2e/cli.e2e-spec.ts)
    const received: { contentType?: string; auth?: string; url?: string; bytes: number } = { bytes: 0 };
    const server = createServer((req, res) => {
      received.contentType = req.headers['content-type'];
      received.auth = req.headers.authorization;
      received.url = req.url;
      req.on('data', (c: Buffer) => (received.bytes += c.length));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rows: 3000, created: 2999, updated: 0, unchanged: 0, failed: 1, errors: [{ line: 7, error: 'phone: not a number' }], errorsTruncated: false })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const file = join(mkdtempSync(join(tmpdir(), 'cli-import-')), 'contacts.csv');
      const csv = `phone,name\n${Array.from({ length: 3000 }, (_, i) => `+4915112${String(i).padStart(6, '0')},Name ${i}`).join('\n')}\n`;
      writeFileSync(file, csv);
      const io = fakeIo({ WABRIDGE_API_KEY: 'k', WABRIDGE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, true);
      expect(await run(['contacts', 'import', file, '--phone-number-id', '100'], io)).toBe(1);
      expect(received).toEqual({ contentType: 'text/csv', auth: 'Bearer k', url: '/v1/contacts/import?phoneNumberId=100', bytes: Buffer.byteLength(csv) });
      expect(io.err()).toMatch(/\rimporting .*contacts\.csv \[#+\] 100% /);
      expect(io.err()).toContain('1 row(s) refused');
      expect(io.out()).toContain('3000 rows: 2999 created, 0 updated, 0 unchanged, 1 failed\n  line 7: phone: not a number');
      // with --json: the report alone on stdout, no bar
      const j = fakeIo({ WABRIDGE_API_KEY: 'k', WABRIDGE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, true);
      expect(await run(['contacts', 'import', file, '--json'], j)).toBe(1);
      expect(JSON.parse(j.out())).toMatchObject({ rows: 3000, failed: 1 });
      expect(j.err()).not.toContain('\r');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

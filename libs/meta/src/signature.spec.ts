import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { signWebhookBody, verifyWebhookSignature } from './signature';

const SECRET = 'app-secret';
const FIXTURES = path.resolve(__dirname, '..', '..', 'testing', 'fixtures', 'meta-webhooks');

describe('webhook signature', () => {
  // This fixture holds \uXXXX escapes and raw UTF-8: re-serialising it changes the bytes.
  const raw = readFileSync(path.join(FIXTURES, 'batch--piusalfred-2.json'));

  it('accepts the signature Meta would send for the exact raw bytes', () => {
    expect(verifyWebhookSignature(raw, signWebhookBody(raw, SECRET), SECRET)).toBe(true);
  });

  it('signs as sha256=<64 lowercase hex>, the X-Hub-Signature-256 format', () => {
    expect(signWebhookBody('{}', SECRET)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('accepts an uppercase hex digest', () => {
    const header = signWebhookBody(raw, SECRET);
    expect(verifyWebhookSignature(raw, 'sha256=' + header.slice(7).toUpperCase(), SECRET)).toBe(true);
  });

  it('rejects the body once it is parsed and re-serialised', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(reserialised.equals(raw)).toBe(false);
    expect(verifyWebhookSignature(reserialised, signWebhookBody(raw, SECRET), SECRET)).toBe(false);
  });

  it('rejects a signature made with another app secret', () => {
    expect(verifyWebhookSignature(raw, signWebhookBody(raw, 'other-secret'), SECRET)).toBe(false);
  });

  it.each<[string, string | string[] | undefined]>([
    ['a missing header', undefined],
    ['a repeated header', ['sha256=00', 'sha256=11']],
    ['no sha256= prefix', 'a'.repeat(64)],
    ['the sha1 scheme', 'sha1=' + 'a'.repeat(40)],
    ['a short digest', 'sha256=abc'],
    ['non-hex characters', 'sha256=' + 'z'.repeat(64)],
    ['an empty string', ''],
  ])('rejects %s without throwing', (_name, header) => {
    expect(verifyWebhookSignature(raw, header, SECRET)).toBe(false);
  });
});

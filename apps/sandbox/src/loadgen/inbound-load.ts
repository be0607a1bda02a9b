import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject, signWebhookBody } from '@wabridge/meta';

/**
 * Inbound webhooks for the load generator: Meta's real webhook bodies (the fixtures of
 * @wabridge/testing) re-addressed to one phone number, with unique message and status ids and
 * fresh timestamps, signed with the app secret as Meta signs them.
 */
export interface InboundTarget {
  url: string;
  appSecret: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
}

type Json = Record<string, unknown>;

/** The fixtures folder of @wabridge/testing, found through the workspace's node_modules. */
export function defaultFixtureDir(): string {
  return join(require.resolve('@wabridge/testing/package.json').replace(/package\.json$/, ''), 'fixtures', 'meta-webhooks');
}

/** Fixture bodies of the `messages` field (inbound messages and statuses), parsed. */
export function loadMessageFixtures(dir: string): Json[] {
  const bodies: Json[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'INDEX.json').sort()) {
    const body = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
    const changes = entries(body).flatMap((e) => changesOf(e));
    if (changes.length > 0 && changes.every((c) => c.field === 'messages' && isJsonObject(c.value))) bodies.push(body);
  }
  if (bodies.length === 0) throw new Error(`no messages-field webhook fixtures in ${dir}`);
  return bodies;
}

/** The i-th webhook body: fixture i mod n, with ids made unique by `runId` and `i`. */
export function inboundWebhook(fixtures: readonly Json[], target: InboundTarget, runId: string, i: number, nowMs: number): Buffer {
  const body = structuredClone(fixtures[i % fixtures.length]) as Json;
  const timestamp = String(Math.floor(nowMs / 1000));
  let n = 0;
  for (const entry of entries(body)) {
    entry.id = target.wabaId;
    for (const change of changesOf(entry)) {
      const value = change.value as Json;
      value.metadata = { display_phone_number: target.displayPhoneNumber, phone_number_id: target.phoneNumberId };
      for (const key of ['messages', 'statuses']) {
        const items = value[key];
        if (!Array.isArray(items)) continue;
        for (const item of items) {
          if (!isJsonObject(item)) continue;
          item.id = `wamid.LOADGEN.${runId}.${i}.${n++}`;
          item.timestamp = timestamp;
        }
      }
    }
  }
  return Buffer.from(JSON.stringify(body), 'utf8');
}

export async function postInbound(target: InboundTarget, raw: Buffer, timeoutMs: number): Promise<number> {
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(raw, target.appSecret), 'user-agent': 'facebookexternalua' },
    body: raw,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer().catch(() => undefined);
  return res.status;
}

function entries(body: Json): Json[] {
  return Array.isArray(body.entry) ? body.entry.filter(isJsonObject) : [];
}

function changesOf(entry: Json): Json[] {
  return Array.isArray(entry.changes) ? entry.changes.filter(isJsonObject) : [];
}

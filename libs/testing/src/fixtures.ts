import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The real Meta webhook corpus (see fixtures/meta-webhooks/README.md and SOURCES.md). */
export const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'meta-webhooks');

export interface FixtureIndexEntry {
  file: string;
  field: string;
  kind: string;
  messages: number;
  statuses: number;
  wamids: string[];
}

let indexCache: FixtureIndexEntry[] | undefined;

export function fixtureIndex(): FixtureIndexEntry[] {
  indexCache ??= JSON.parse(readFileSync(join(FIXTURE_DIR, 'INDEX.json'), 'utf8')) as FixtureIndexEntry[];
  return indexCache;
}

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.json') && f !== 'INDEX.json').sort();
}

/** Exact bytes of a fixture (escapes, spacing and raw UTF-8 preserved). */
export function fixtureBytes(file: string): Buffer {
  return readFileSync(join(FIXTURE_DIR, file));
}

export interface UniqueFixture {
  file: string;
  raw: Buffer;
  entry: FixtureIndexEntry;
  /** Unique ids of inbound messages in this body, after rewriting. */
  messageIds: string[];
  /** Unique ids of message statuses (field "messages" only; call statuses excluded). */
  statusIds: string[];
}

function escapeForJsonString(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/**
 * Fixture ids repeat across files (documentation placeholders); real Meta ids do not. This
 * rewrites every id listed in INDEX.json inside the raw text by appending `-<tag>`, keeping
 * all other bytes as they are, so each file can be posted in one test with unique ids.
 */
export function uniqueFixture(file: string, tag: string): UniqueFixture {
  const entry = fixtureIndex().find((e) => e.file === file);
  if (!entry) throw new Error(`fixture ${file} is not in INDEX.json`);
  let text = fixtureBytes(file).toString('utf8');
  const ids = [...new Set(entry.wamids)].sort((a, b) => b.length - a.length);
  for (const id of ids) {
    const needle = `"${escapeForJsonString(id)}"`;
    text = text.split(needle).join(`"${escapeForJsonString(`${id}-${tag}`)}"`);
  }
  const parsed = JSON.parse(text) as { entry?: { changes?: { field?: string; value?: { messages?: { id?: string }[]; statuses?: { id?: string }[] } }[] }[] };
  const messageIds = new Set<string>();
  const statusIds = new Set<string>();
  for (const e of parsed.entry ?? []) {
    for (const c of e.changes ?? []) {
      if (c.field !== 'messages') continue;
      for (const m of c.value?.messages ?? []) if (typeof m.id === 'string') messageIds.add(m.id);
      for (const s of c.value?.statuses ?? []) if (typeof s.id === 'string') statusIds.add(s.id);
    }
  }
  return { file, raw: Buffer.from(text, 'utf8'), entry, messageIds: [...messageIds], statusIds: [...statusIds] };
}

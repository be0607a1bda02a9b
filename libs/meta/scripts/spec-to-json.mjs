// Part of `npm run build` of @wabridge/meta: Meta's spec parsed from YAML once, at build time, into
// dist/meta-spec.json. Parsing the 1 MB YAML at run time took ~1 s and left ~100 MB of resident
// memory behind in every process that validates a send (ADR 0195); JSON.parse of this file takes
// ~60 ms and ~7 MB. The file records the YAML's sha256: loadMetaSpec() uses it only when it still
// matches the YAML next to it, and parses the YAML otherwise (tests run from src/ without a build).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const yamlPath = join(root, 'spec', 'business-messaging-api_v23.0.yaml');
const out = join(root, 'dist', 'meta-spec.json');

const text = readFileSync(yamlPath, 'utf8');
const document = parse(text);
// Only plain JSON values may pass through: a YAML date or other non-JSON value would change meaning.
if (!isDeepStrictEqual(document, JSON.parse(JSON.stringify(document)))) {
  console.error(`${yamlPath}: holds values JSON cannot carry; not converting`);
  process.exit(1);
}
const sourceSha256 = createHash('sha256').update(text).digest('hex');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ sourceSha256, document }));

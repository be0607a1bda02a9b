import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isJsonObject as isRecord } from '../json';

/**
 * Access to Meta's vendored OpenAPI document (spec/business-messaging-api_v23.0.yaml).
 *
 * The document is ~1 MB of YAML and takes about a second (and ~100 MB of memory that stays
 * resident) to parse, so the build converts it to JSON once (scripts/spec-to-json.mjs,
 * dist/meta-spec.json; ADR 0195) and a process reads that, parsing the YAML only when there is no
 * JSON of this very YAML (tests from src/). It is read once per process and shared. The shared copy is deep-frozen: a caller that mutates it (a sandbox
 * tweaking an example, say) would silently change what every validator in the process checks.
 */

export const META_SPEC_FILE = 'business-messaging-api_v23.0.yaml';

/** Resolved against the package root so it works from both `src/openapi/` and `dist/openapi/`. */
export const META_SPEC_PATH = path.resolve(__dirname, '..', '..', 'spec', META_SPEC_FILE);

/** A JSON Schema node as it appears in the document; kept structural on purpose (see spec-repairs). */
export type SchemaNode = { readonly [key: string]: unknown };

/** The parts of the OpenAPI document this lib reads; everything else stays `unknown`. */
export interface MetaSpecDocument {
  readonly openapi: string;
  readonly info: { readonly title?: string; readonly version?: string } & SchemaNode;
  readonly paths: { readonly [path: string]: { readonly [method: string]: unknown } };
  readonly components: { readonly schemas: { readonly [name: string]: SchemaNode } } & SchemaNode;
}

let cached: MetaSpecDocument | undefined;

/** The build's JSON of the spec (dist/meta-spec.json beside dist/openapi/); absent under src/. */
export const META_SPEC_JSON_PATH = path.resolve(__dirname, '..', 'meta-spec.json');

/** Meta's spec as published (no repairs), parsed once and frozen. */
export function loadMetaSpec(): MetaSpecDocument {
  if (!cached) {
    const text = readFileSync(META_SPEC_PATH, 'utf8');
    cached = deepFreeze(readPrebuiltSpec(META_SPEC_JSON_PATH, text) ?? parseMetaSpec(text));
  }
  return cached;
}

/** The build's JSON at `jsonPath`, if there is one and it was made from exactly `yamlText`. */
export function readPrebuiltSpec(jsonPath: string, yamlText: string): MetaSpecDocument | undefined {
  if (!existsSync(jsonPath)) return undefined;
  try {
    const built: unknown = JSON.parse(readFileSync(jsonPath, 'utf8'));
    if (!isRecord(built) || built.sourceSha256 !== createHash('sha256').update(yamlText).digest('hex')) return undefined;
    return checkedDocument(built.document);
  } catch {
    return undefined; // unreadable or not a spec: the YAML decides
  }
}

/** Parses spec text; exported for tests and the codegen script, which never use the cache. */
export function parseMetaSpec(text: string): MetaSpecDocument {
  // loaded only here: a process reading the build's JSON never loads the YAML parser
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('yaml') as typeof import('yaml');
  return checkedDocument(parse(text));
}

function checkedDocument(doc: unknown): MetaSpecDocument {
  if (!isRecord(doc) || typeof doc.openapi !== 'string' || !isRecord(doc.paths)) {
    throw new Error(`${META_SPEC_FILE} is not an OpenAPI document`);
  }
  const components = doc.components;
  if (!isRecord(components) || !isRecord(components.schemas)) {
    throw new Error(`${META_SPEC_FILE} has no components.schemas`);
  }
  return doc as unknown as MetaSpecDocument;
}

export { isRecord };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { isJsonObject as isRecord } from '../json';

/**
 * Access to Meta's vendored OpenAPI document (spec/business-messaging-api_v23.0.yaml).
 *
 * The document is ~1 MB of YAML and takes about a second to parse, so it is parsed once per
 * process and shared. The shared copy is deep-frozen: a caller that mutates it (a sandbox
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

/** Meta's spec as published (no repairs), parsed once and frozen. */
export function loadMetaSpec(): MetaSpecDocument {
  if (!cached) cached = deepFreeze(parseMetaSpec(readFileSync(META_SPEC_PATH, 'utf8')));
  return cached;
}

/** Parses spec text; exported for tests and the codegen script, which never use the cache. */
export function parseMetaSpec(text: string): MetaSpecDocument {
  const doc: unknown = parse(text);
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

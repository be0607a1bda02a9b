import * as path from 'node:path';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { META_SPEC_FILE, type MetaSpecDocument } from './meta-spec';
import { repairMetaSpec } from './spec-repairs';

/**
 * Renders src/generated/meta-openapi.ts from the vendored spec. Dev-time only: used by
 * scripts/generate-types.mjs and by the spec test that fails when the committed file is stale.
 * It is deliberately not exported from index.ts, because openapi-typescript is a
 * devDependency and services must not load it.
 *
 * The whole spec is rendered (about 1 MB of types), not only WebhookPayload: the send,
 * media and template request/response types are what the sandbox and gateway need next.
 */

export const META_OPENAPI_TYPES_PATH = path.resolve(__dirname, '..', 'generated', 'meta-openapi.ts');

const BANNER = `/* eslint-disable */
// GENERATED FILE, DO NOT EDIT. Regenerate with \`npm run generate -w @wabridge/meta\`.
// Source: libs/meta/spec/${META_SPEC_FILE} (Meta, MIT) after the structural repairs in
// libs/meta/src/openapi/spec-repairs.ts (webhook $refs relinked to the inbound schemas).
// Hand-written extensions for what the spec lacks live in libs/meta/src/webhook-envelope.ts.
`;

export async function renderMetaOpenApiTypes(spec?: MetaSpecDocument): Promise<string> {
  // openapi-typescript may annotate the document it is given; hand it a private copy.
  const { doc } = repairMetaSpec(spec);
  const ast = await openapiTS(doc as unknown as OpenAPI3, { silent: true });
  return BANNER + astToString(ast);
}

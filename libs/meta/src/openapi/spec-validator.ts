import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { isRecord, loadMetaSpec, type MetaSpecDocument } from './meta-spec';
import { repairedMetaSpec } from './spec-repairs';

/**
 * ajv validators compiled from Meta's spec (after the structural repairs in spec-repairs.ts).
 *
 * The spec declares `openapi: 3.1.0`, whose schema dialect is JSON Schema 2020-12, hence
 * Ajv2020. `strict: false` because the document carries OpenAPI-only keywords (`example`,
 * `discriminator`, a stray 3.0 `nullable`) that ajv would otherwise refuse. Each validator is
 * compiled against the whole document, so every `#/components/...` reference resolves.
 */

export interface SchemaIssue {
  /** JSON pointer of the offending field, e.g. `/text/body` or `/to` for a missing `to`. */
  readonly path: string;
  readonly message: string;
}

export interface SchemaValidationResult {
  readonly valid: boolean;
  readonly errors: SchemaIssue[];
}

export type SchemaValidator = (value: unknown) => SchemaValidationResult;

const DOC_ID = 'meta-spec';

/** One ajv instance per document (the repaired spec, and send-request.ts's overridden copy). */
export class SpecValidatorSet {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, SchemaValidator>();

  constructor(private readonly doc: MetaSpecDocument) {
    // allErrors: a caller fixing a body wants every problem at once, not one per round trip.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema(doc as unknown as object, DOC_ID);
  }

  /** Validator for `components.schemas[name]`; throws if the spec has no such schema. */
  schema(name: string): SchemaValidator {
    let validator = this.validators.get(name);
    if (!validator) {
      if (!Object.prototype.hasOwnProperty.call(this.doc.components.schemas, name)) {
        throw new Error(`Meta spec has no schema components.schemas.${name}`);
      }
      validator = wrap(this.compile(`#/components/schemas/${escapePointer(name)}`));
      this.validators.set(name, validator);
    }
    return validator;
  }

  private compile(pointer: string): ValidateFunction {
    const fn = this.ajv.getSchema(`${DOC_ID}${pointer}`);
    if (!fn) throw new Error(`Meta spec: cannot compile ${pointer}`);
    return fn;
  }
}

let repairedSet: SpecValidatorSet | undefined;

/**
 * Validator for `components.schemas[name]` of the (repaired) spec, compiled once per name.
 * Throws for a name the spec does not have: that is a programming error, not bad input.
 */
export function specSchemaValidator(name: string): SchemaValidator {
  repairedSet ??= new SpecValidatorSet(repairedMetaSpec());
  return repairedSet.schema(name);
}

export interface SpecExample {
  readonly name: string;
  readonly value: unknown;
  /** The request media type the example belongs to (almost always application/json). */
  readonly contentType: string;
}

/**
 * Every request-body example of one operation, e.g.
 * `specRequestExamples('/{Version}/{Phone-Number-ID}/messages', 'post')`. Values are fresh
 * copies, so callers may edit them. Throws for an operation the spec does not have, so a typo
 * cannot quietly turn a test corpus into an empty one.
 */
export function specRequestExamples(pathTemplate: string, method: string): SpecExample[] {
  const operation = specOperation(pathTemplate, method);
  const content = isRecord(operation.requestBody) ? operation.requestBody.content : undefined;
  if (!isRecord(content)) return [];
  const examples: SpecExample[] = [];
  for (const [contentType, media] of Object.entries(content)) {
    if (!isRecord(media)) continue;
    if (isRecord(media.examples)) {
      for (const [name, example] of Object.entries(media.examples)) {
        if (isRecord(example) && 'value' in example) {
          examples.push({ name, value: structuredClone(example.value), contentType });
        }
      }
    } else if ('example' in media) {
      examples.push({ name: 'example', value: structuredClone(media.example), contentType });
    }
  }
  return examples;
}

/** The raw operation object of `method pathTemplate` in the unrepaired spec. */
export function specOperation(pathTemplate: string, method: string): Record<string, unknown> {
  const pathItem = loadMetaSpec().paths[pathTemplate];
  const operation = pathItem?.[method.toLowerCase()];
  if (!isRecord(operation)) {
    throw new Error(`Meta spec has no operation ${method.toUpperCase()} ${pathTemplate}`);
  }
  return operation;
}

function wrap(fn: ValidateFunction): SchemaValidator {
  return (value) => {
    if (fn(value)) return { valid: true, errors: [] };
    return { valid: false, errors: toIssues(fn.errors ?? []) };
  };
}

/**
 * ajv reports a missing or unexpected property at the parent object; we report it at the
 * property itself so the path names the field a caller has to fix. `if` failures only say
 * "must match then", which the nested errors already explain.
 */
export function toIssues(errors: readonly ErrorObject[]): SchemaIssue[] {
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    const issue = toIssue(error);
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function toIssue(error: ErrorObject): SchemaIssue {
  const params: Record<string, unknown> = error.params;
  const child = (name: unknown) => `${error.instancePath}/${escapePointer(String(name))}`;
  switch (error.keyword) {
    case 'required':
      return { path: child(params.missingProperty), message: 'is required' };
    case 'additionalProperties':
      return { path: child(params.additionalProperty), message: 'is not allowed here' };
    case 'unevaluatedProperties':
      return { path: child(params.unevaluatedProperty), message: 'is not allowed here' };
    case 'enum':
      return {
        path: error.instancePath,
        message: `must be one of: ${Array.isArray(params.allowedValues) ? params.allowedValues.join(', ') : '?'}`,
      };
    default:
      return { path: error.instancePath, message: error.message ?? error.keyword };
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

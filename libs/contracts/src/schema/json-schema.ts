import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** class-transformer's record of `@Type(() => Class)` (not in its public index; the nested class of an array is only there). */
interface TypeStorage {
  findTypeMetadata(target: object, property: string): { typeFunction(): unknown } | undefined;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TypeStorage };

/**
 * JSON Schema of a contract class, read from the class-validator metadata its decorators left
 * (ADR 0141): the same rules `validateContract` applies become the schema that producers in
 * other languages validate against, so the two cannot drift apart. Only the decorators the
 * contracts use are understood; any other one throws, naming the class and property, so a new
 * decorator is added here before a contract can use it.
 */

export interface JsonSchema {
  [keyword: string]: unknown;
}

type Rule = (schema: JsonSchema, constraints: unknown[]) => void;

const isoDateTime: Rule = (s) => Object.assign(s, { type: 'string', format: 'date-time' });

/** class-validator constraint name → what it adds to the property's schema. */
const RULES: Record<string, Rule> = {
  isString: (s) => void (s.type = 'string'),
  isBoolean: (s) => void (s.type = 'boolean'),
  isInt: (s) => void (s.type = 'integer'),
  isNumber: (s) => void (s.type = 'number'),
  isObject: (s) => void (s.type = 'object'),
  isArray: (s) => void (s.type = 'array'),
  isIso8601: isoDateTime,
  isDateString: isoDateTime,
  isUrl: (s) => Object.assign(s, { type: 'string', format: 'uri' }),
  isBase64: (s) => Object.assign(s, { type: 'string', contentEncoding: 'base64', pattern: '^[A-Za-z0-9+/]*={0,2}$' }),
  isIn: (s, [values]) => void (s.enum = [...(values as unknown[])]),
  equals: (s, [value]) => void (s.const = value),
  isLength: (s, [min, max]) => {
    if (typeof min === 'number' && min > 0) s.minLength = min;
    if (typeof max === 'number') s.maxLength = max;
  },
  matches: (s, [pattern]) => {
    s.type = 'string';
    // JSON Schema patterns are ECMA-262 with Unicode on (ajv); a flag that changes matching cannot be carried over
    if (pattern instanceof RegExp && /[^u]/.test(pattern.flags)) throw new Error(`the pattern /${pattern.source}/${pattern.flags} has flags JSON Schema cannot express`);
    s.pattern = pattern instanceof RegExp ? pattern.source : String(pattern);
  },
  min: (s, [n]) => void (s.minimum = n),
  max: (s, [n]) => void (s.maximum = n),
  arrayMinSize: (s, [n]) => void (s.minItems = n),
  arrayMaxSize: (s, [n]) => void (s.maxItems = n),
};

/** How nested classes are referred to: `#/$defs/<Name>` in a standalone file, `#/components/schemas/<Name>` in AsyncAPI. */
export interface SchemaOptions {
  refPrefix: string;
  /** Nested classes met on the way (name → schema), filled by the converter. */
  defs: Map<string, JsonSchema>;
  /** The class behind each name in `defs` (two classes of one name would share a schema). */
  classes?: Map<string, new () => object>;
}

function nestedClass(target: object, property: string): (new () => object) | undefined {
  const typeMeta = defaultMetadataStorage.findTypeMetadata(target, property);
  const fromTransformer = typeMeta?.typeFunction() as (new () => object) | undefined;
  if (fromTransformer) return fromTransformer;
  const designType = Reflect.getMetadata('design:type', (target as { prototype: object }).prototype, property) as (new () => object) | undefined;
  return designType && designType !== Array && designType !== Object ? designType : undefined;
}

/** A `$ref` to the class's schema in `options.defs` (added on first use). */
export function refTo(cls: new () => object, options: SchemaOptions): JsonSchema {
  options.classes ??= new Map();
  const known = options.classes.get(cls.name);
  if (known && known !== cls) throw new Error(`two contract classes are named ${cls.name}: their schemas would share one name`);
  options.classes.set(cls.name, cls);
  if (!options.defs.has(cls.name)) {
    options.defs.set(cls.name, {}); // placeholder first: a class may refer to itself
    options.defs.set(cls.name, objectSchema(cls, options));
  }
  return { $ref: `${options.refPrefix}${cls.name}` };
}

/** `type` first, then the rest as the decorators added them: reads better and diffs stably. */
function typeFirst(schema: JsonSchema): JsonSchema {
  const { type, ...rest } = schema;
  const items = rest.items as JsonSchema | undefined;
  return { ...(type === undefined ? {} : { type }), ...rest, ...(items && !('$ref' in items) ? { items: typeFirst(items) } : {}) };
}

function objectSchema(cls: new () => object, options: SchemaOptions): JsonSchema {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false) as ValidationMetadata[];
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of metas) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [property, list] of byProperty) {
    const own: JsonSchema = {}; // rules about the value itself
    const item: JsonSchema = {}; // rules with { each: true }: about each element of an array
    let optional = false;
    let nested = false;
    let nestedEach = false;
    for (const m of list) {
      if (m.type === 'conditionalValidation' && m.name === 'isOptional') optional = true;
      else if (m.type === 'nestedValidation') {
        nested = true;
        nestedEach ||= m.each;
      } else if (m.type === 'customValidation' && m.name && RULES[m.name]) RULES[m.name]!(m.each ? item : own, m.constraints ?? []);
      else throw new Error(`${cls.name}.${property}: no JSON Schema rule for the class-validator constraint ${m.name ?? m.type} (add one in libs/contracts/src/schema/json-schema.ts)`);
    }
    if (Array.isArray(own.enum) && own.type === undefined && own.enum.every((v) => typeof v === 'string')) own.type = 'string';
    if (Array.isArray(item.enum) && item.type === undefined && item.enum.every((v) => typeof v === 'string')) item.type = 'string';
    let schema: JsonSchema = own;
    if (nested) {
      const inner = nestedClass(cls, property);
      if (!inner) throw new Error(`${cls.name}.${property}: @ValidateNested without a @Type(() => Class)`);
      const ref = refTo(inner, options);
      schema = nestedEach ? { ...own, type: 'array', items: ref } : ref;
    } else if (Object.keys(item).length > 0) {
      schema = { ...own, type: 'array', items: item };
    }
    properties[property] = typeFirst(schema);
    if (!optional) required.push(property);
  }
  return { type: 'object', properties, required };
}

/** The schema of one contract class; nested classes are collected into `options.defs`. */
export function jsonSchemaOf(cls: new () => object, options: SchemaOptions): JsonSchema {
  return objectSchema(cls, options);
}

/** A standalone JSON Schema (2020-12) file for one contract: the class's schema with its nested classes in `$defs`. */
export function standaloneJsonSchema(cls: new () => object, meta: { id: string; title: string; description: string }): JsonSchema {
  const options: SchemaOptions = { refPrefix: '#/$defs/', defs: new Map() };
  const root = jsonSchemaOf(cls, options);
  const defs = [...options.defs.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: meta.id,
    title: meta.title,
    description: meta.description,
    ...root,
    ...(defs.length > 0 ? { $defs: Object.fromEntries(defs) } : {}),
  };
}

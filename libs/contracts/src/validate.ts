import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { ContractClass } from './topic';

// class-transformer's decorator registry (not in its typed entry point; the same module instance
// its decorators write to).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: unknown };

export type Validated<T> = { ok: true; value: T } | { ok: false; reason: string };

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((c) => `${path}: ${c}`);
    return [...own, ...describe(e.children ?? [], path)];
  });
}

/**
 * Validates a decoded JSON value against a contract class; never throws.
 *
 * Consumers run this on every message, and class-validator's `validateSync` re-reads the
 * decorators' metadata (scanning every registered class for ancestors) and class-transformer
 * copies the whole value on each call: ~60 % of the dispatcher's CPU per send (ADR 0137). So a
 * flat contract — decorators that validate each property in place, no nested classes and no
 * class-transformer decorators — is checked by a plan compiled once per class that calls the
 * same constraint instances (class-validator's own `isString`, `matches`, …) with the same
 * arguments, in the same order of conditions (`@IsOptional`, `@ValidateIf`), and builds the
 * instance by assignment. Anything else, and every value the plan refuses, goes the full way,
 * so the answer and the messages are class-validator's own.
 */
export function validateContract<T extends object>(cls: ContractClass<T>, value: unknown): Validated<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'payload is not a JSON object' };
  }
  const plan = planFor(cls);
  if (plan) {
    const instance = build(cls, plan, value as Record<string, unknown>);
    if (instance && passes(plan, instance)) return { ok: true, value: instance as T };
  }
  return fullValidation(cls, value);
}

/** class-transformer's instance and class-validator's checks, as they are. */
function fullValidation<T extends object>(cls: ContractClass<T>, value: object): Validated<T> {
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, { forbidUnknownValues: false, whitelist: false });
  if (errors.length > 0) return { ok: false, reason: describe(errors).join('; ').slice(0, 2000) };
  return { ok: true, value: instance };
}

interface Check {
  validateIf?: (object: object, value: unknown) => boolean;
  each: boolean;
  constraints: unknown[];
  propertyName: string;
  instances: { validate(value: unknown, args: unknown): unknown }[];
}

interface PropertyPlan {
  name: string;
  conditions: ((object: object, value: unknown) => boolean)[];
  defined: Check[];
  checks: Check[];
  /** `@ValidateNested() @Type(() => X)`: the nested class and its plan. */
  nested?: { cls: ContractClass<object>; plan: Plan };
}

interface Plan {
  properties: PropertyPlan[];
  /** Properties that class-transformer builds as instances of another class (`@Type`). */
  typed: Map<string, { cls: ContractClass<object>; plan: Plan }>;
}

const plans = new WeakMap<object, Plan | null>();

function planFor(cls: ContractClass<object>): Plan | null {
  let plan = plans.get(cls);
  if (plan === undefined) {
    plans.set(cls, null); // a class that contains itself takes the full path
    plan = compile(cls);
    plans.set(cls, plan);
  }
  return plan;
}

/** Null when the class needs more than the plan can do (then the full path runs). */
function compile(cls: ContractClass<object>): Plan | null {
  const typed = typedProperties(cls);
  if (!typed) return null;
  const storage = getMetadataStorage();
  // As validateSync asks for them with no groups and default options.
  const metadatas: ValidationMetadata[] = storage.getTargetValidationMetadatas(cls, '', false, false, undefined as unknown as string[]);
  const grouped = storage.groupByPropertyName(metadatas);
  const plan: Plan = { properties: [], typed };
  for (const name of Object.keys(grouped)) {
    const property: PropertyPlan = { name, conditions: [], defined: [], checks: [] };
    for (const m of grouped[name] ?? []) {
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        property.conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
      } else if (m.type === ValidationTypes.IS_DEFINED || m.type === ValidationTypes.CUSTOM_VALIDATION) {
        const constraintMetadatas = storage.getTargetValidatorConstraints(m.constraintCls);
        // validateSync ignores asynchronous constraints; so does the plan.
        const instances = constraintMetadatas.filter((c) => !c.async).map((c) => c.instance as Check['instances'][number]);
        const check: Check = { each: m.each === true, constraints: m.constraints, propertyName: m.propertyName, instances };
        if (m.validateIf) check.validateIf = m.validateIf;
        (m.type === ValidationTypes.IS_DEFINED ? property.defined : property.checks).push(check);
      } else if (m.type === ValidationTypes.NESTED_VALIDATION && !m.validateIf && !property.nested && typed.has(name)) {
        property.nested = typed.get(name);
      } else {
        return null; // nested validation without @Type, whitelist, promise validation
      }
    }
    plan.properties.push(property);
  }
  return plan;
}

/**
 * The properties class-transformer builds as another contract class (`@Type(() => X)`, no
 * discriminator, X itself planned); null when the class's chain has any other class-transformer
 * decorator (then plainToInstance must build it).
 */
function typedProperties(cls: ContractClass<object>): Plan['typed'] | null {
  const storage = defaultMetadataStorage as unknown as Record<string, unknown>;
  const [types, ...others] = ['_typeMetadatas', '_transformMetadatas', '_exposeMetadatas', '_excludeMetadatas'].map((k) => storage[k]);
  if (!(types instanceof Map) || !others.every((m) => m instanceof Map)) return null; // another class-transformer: take no chances
  const typed: Plan['typed'] = new Map();
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if ((others as Map<unknown, unknown>[]).some((m) => m.has(c))) return null;
    const own = types.get(c) as Map<string, { typeFunction: () => unknown; options?: { discriminator?: unknown } }> | undefined;
    for (const [property, meta] of own ?? []) {
      if (typed.has(property)) continue; // the subclass's own declaration wins
      const nestedCls = meta.typeFunction();
      if (meta.options?.discriminator || typeof nestedCls !== 'function' || BUILT_INS.has(nestedCls)) return null;
      const plan = planFor(nestedCls as ContractClass<object>);
      if (!plan) return null;
      typed.set(property, { cls: nestedCls as ContractClass<object>, plan });
    }
  }
  return typed;
}

const BUILT_INS = new Set<unknown>([Object, Array, String, Number, Boolean, Date, Map, Set, Buffer, Promise]);

/**
 * What plainToInstance makes of a JSON object: the class's instance with the object's properties
 * (skipping, as it does, methods and getter-only properties of the class, and `__proto__`), typed
 * properties built the same way. Null when a typed property holds something other than an object,
 * an array of objects, null or undefined: the full path decides then.
 */
function build(cls: ContractClass<object>, plan: Plan, value: Record<string, unknown>): object | null {
  const instance = new cls() as Record<string, unknown>;
  const proto = cls.prototype as object;
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue;
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if ((descriptor && !descriptor.set) || instance[key] instanceof Function) continue;
    const v = value[key];
    const typed = plan.typed.get(key);
    if (!typed || v === null || v === undefined) {
      instance[key] = v;
    } else if (Array.isArray(v)) {
      const items: object[] = [];
      for (const item of v) {
        const built = isPlainObject(item) ? build(typed.cls, typed.plan, item) : null;
        if (!built) return null;
        items.push(built);
      }
      instance[key] = items;
    } else if (isPlainObject(v)) {
      const built = build(typed.cls, typed.plan, v);
      if (!built) return null;
      instance[key] = built;
    } else {
      return null;
    }
  }
  return instance;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** class-validator's ValidationExecutor.performValidations, for the plan's kinds of metadata. */
function passes(plan: Plan, object: object): boolean {
  for (const p of plan.properties) {
    const value = (object as Record<string, unknown>)[p.name];
    let canValidate = true;
    for (const condition of p.conditions) canValidate = condition(object, value) && canValidate;
    if (!canValidate) continue;
    if (!checksPass(p.defined, object, value) || !checksPass(p.checks, object, value)) return false;
    if (p.nested && value !== undefined && !nestedPasses(p.nested.plan, value)) return false;
  }
  return true;
}

/** Its nestedValidations: each element of an array, or the object, by its class (built above); anything else fails. */
function nestedPasses(plan: Plan, value: unknown): boolean {
  if (Array.isArray(value)) return value.every((item) => nestedPasses(plan, item));
  if (!(value instanceof Object)) return false;
  return passes(plan, value);
}

function checksPass(checks: Check[], object: object, value: unknown): boolean {
  for (const check of checks) {
    if (check.validateIf && !check.validateIf(object, value)) continue;
    const args = { targetName: object.constructor?.name, property: check.propertyName, object, value, constraints: check.constraints };
    for (const instance of check.instances) {
      if (!check.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) {
        const valid = instance.validate(value, args);
        if (isThenable(valid)) return false; // an async answer from a sync constraint: let the full path decide
        if (!valid) return false;
        continue;
      }
      const items = value instanceof Map ? [...value.values()] : [...value];
      for (const item of items) {
        const valid = instance.validate(item, args);
        if (isThenable(valid) || !valid) return false;
      }
    }
  }
  return true;
}

function isThenable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Whether the class is checked by a compiled plan (else every message takes the full path). For tests and diagnostics. */
export function hasCompiledPlan(cls: ContractClass<object>): boolean {
  return planFor(cls) !== null;
}

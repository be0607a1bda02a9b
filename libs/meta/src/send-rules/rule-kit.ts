import { isJsonObject, JsonObject } from '../json';
import type { Segment, SendRuleViolation, ViolationKind } from './violations';

export type Json = JsonObject;
export { isJsonObject };

/** Collects violations while the rules walk a body; every reader names the path it read. */
export class Violations {
  readonly list: SendRuleViolation[] = [];

  add(path: readonly Segment[], kind: ViolationKind, reason: string, subject?: readonly Segment[]): void {
    this.list.push(subject ? { path, kind, reason, subject } : { path, kind, reason });
  }

  /** A string field: required, non-empty unless allowed, at most `max` characters. */
  str(o: Json, key: string, at: readonly Segment[], opts: { required?: boolean; min?: number; max?: number; allowEmpty?: boolean } = {}): string | undefined {
    const v = o[key];
    const path = [...at, key];
    if (v === undefined || v === null) {
      if (opts.required) this.add(path, 'missing', 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.add(path, 'invalid', 'must be a string');
      return undefined;
    }
    const min = opts.allowEmpty ? 0 : (opts.min ?? 1);
    if (v.length < min) {
      if (opts.required) this.add(path, 'missing', 'is required');
      else this.add(path, 'invalid', 'must not be empty');
    }
    if (opts.max !== undefined && v.length > opts.max) this.add(path, 'invalid', `must be at most ${opts.max} characters (got ${v.length})`);
    return v;
  }

  /** An object field. */
  obj(o: Json, key: string, at: readonly Segment[], required = false): Json | undefined {
    const v = o[key];
    const path = [...at, key];
    if (v === undefined || v === null) {
      if (required) this.add(path, 'missing', 'is required');
      return undefined;
    }
    if (!isJsonObject(v)) {
      this.add(path, 'malformed', 'must be an object');
      return undefined;
    }
    return v;
  }

  /** An array field with an item count range. */
  arr(o: Json, key: string, at: readonly Segment[], opts: { required?: boolean; min?: number; max?: number } = {}): unknown[] | undefined {
    const v = o[key];
    const path = [...at, key];
    if (v === undefined || v === null) {
      if (opts.required) this.add(path, 'missing', 'is required');
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.add(path, 'malformed', 'must be an array');
      return undefined;
    }
    if (opts.min !== undefined && v.length < opts.min) this.add(path, 'invalid', `must have at least ${opts.min} item(s)`);
    if (opts.max !== undefined && v.length > opts.max) this.add(path, 'invalid', `must have at most ${opts.max} items (got ${v.length})`);
    return v;
  }

  /** An http(s) URL string. */
  httpUrl(o: Json, key: string, at: readonly Segment[], required = false): void {
    const v = this.str(o, key, at, { required, max: 2000 });
    if (v === undefined) return;
    let ok: boolean;
    try {
      const u = new URL(v);
      ok = u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      ok = false;
    }
    if (!ok) this.add([...at, key], 'invalid', 'must be an http(s) URL');
  }

  /** No keys besides `allowed` (Meta refuses unknown parameters). */
  onlyKeys(o: Json, at: readonly Segment[], allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.add([...at, k], 'malformed', 'is not a field of this object');
    }
  }

  /** `o[key]` equal to one of `values` (when present, or always when required). */
  oneOf(o: Json, key: string, at: readonly Segment[], values: readonly string[], required = false): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.add([...at, key], 'missing', 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || !values.includes(v)) {
      this.add([...at, key], 'invalid', values.length === 1 ? `must be "${values[0]}"` : `must be one of ${values.join(', ')}`);
      return undefined;
    }
    return v;
  }
}

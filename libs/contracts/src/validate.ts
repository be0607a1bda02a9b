import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ContractClass } from './topic';

export type Validated<T> = { ok: true; value: T } | { ok: false; reason: string };

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((c) => `${path}: ${c}`);
    return [...own, ...describe(e.children ?? [], path)];
  });
}

/** Validates a decoded JSON value against a contract class; never throws. */
export function validateContract<T extends object>(cls: ContractClass<T>, value: unknown): Validated<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'payload is not a JSON object' };
  }
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, { forbidUnknownValues: false, whitelist: false });
  if (errors.length > 0) return { ok: false, reason: describe(errors).join('; ').slice(0, 2000) };
  return { ok: true, value: instance };
}

import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { productionSecretProblems } from './production-secrets';

/** Thrown when the environment does not satisfy an app's env class; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reasons: string[] }[]) {
    super(
      'invalid configuration: ' +
        problems.map((p) => `${p.variable} (${p.reasons.join('; ')})`).join(', '),
    );
    this.name = 'ConfigError';
  }
}

function flatten(errors: ValidationError[]): { variable: string; reasons: string[] }[] {
  return errors.map((e) => ({ variable: e.property, reasons: Object.values(e.constraints ?? {}) }));
}

/**
 * Validates `env` against an env class once; under `NODE_ENV=production` also refuses secrets
 * (`@ProductionSecret()`) that are unset or well-known development values. Values are converted by their declared types
 * (`@Type(() => Number)` or implicit conversion); unknown variables are ignored.
 */
export function loadConfig<T extends object>(
  cls: new () => T,
  env: Record<string, string | undefined> = process.env,
): T {
  // Values are converted by the type of the declared default (number, boolean), so the env
  // class reads like plain defaults; variables without a default stay strings unless the
  // class asks otherwise with @Type().
  const defaults = new cls() as Record<string, unknown>;
  const defined: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || v === '') continue;
    const kind = typeof defaults[k];
    defined[k] = kind === 'number' ? (/^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v) : kind === 'boolean' ? (v === 'true' ? true : v === 'false' ? false : v) : v;
  }
  const instance = plainToInstance(cls, defined, { exposeDefaultValues: true });
  const errors = validateSync(instance, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigError(flatten(errors));
  // Production refuses unset secrets and well-known development values (production-secrets.ts).
  const secrets = productionSecretProblems(cls, instance as Record<string, unknown>, env);
  if (secrets.length > 0) throw new ConfigError(secrets);
  return instance;
}

/** For `main.ts`: load or exit(1) with a one-line message naming the bad variables. */
export function loadConfigOrExit<T extends object>(cls: new () => T): T {
  try {
    return loadConfig(cls);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

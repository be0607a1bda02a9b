import 'reflect-metadata';

/**
 * Every value a developer machine, a test or a file in this repository uses as a secret. Under
 * `NODE_ENV=production` a variable marked `@ProductionSecret()` may be none of these (and must
 * be set): they are printed in docs, compose files and logs, so they protect nothing.
 * One list for every service; add a value here whenever a new dev default appears.
 */
export const WELL_KNOWN_DEV_SECRETS: Readonly<Record<string, readonly string[]>> = {
  // ingress/sandbox built-in app, docker-compose.yml, deploy/overlays/dev, scripts/start.mjs
  META_APP_SECRET: ['local-app-secret-change-me'],
  META_VERIFY_TOKEN: ['local-verify-token'],
  // docker-compose.yml, deploy/overlays/dev
  ADMIN_TOKEN: ['wabridge-dev-admin-token'],
  // the gateway's dev fallback, docker-compose.yml, deploy/overlays/dev
  INTERNAL_TOKEN: ['wabridge-dev-internal-token'],
  // key material (the part after `<id>:`), compared per entry of the list
  ENCRYPTION_KEYS: [
    // gateway's dev fallback: sha256("wabridge-dev-encryption-key")
    'j4JxJJzIVHX07ebMLRrttPYC+wxwPUIpAZzDRtJheAE=',
    // docker-compose.yml and deploy/overlays/dev before they required a real key
    's8+3Rr7qhUz0atcZzFJQYckgchPeZuspyCMqRxcrdjc=',
  ],
  // the password of docker-compose.yml's and deploy/overlays/dev's Postgres
  DATABASE_URL: ['wabridge-dev'],
  // the SASL_SSL listener of scripts/kafka/start.sh (scripts/kafka/env.sh)
  KAFKA_SASL_PASSWORD: ['wabridge-dev-sasl'],
};

/** The dev fallbacks the gateway prints outside production (the same values as the list). */
export const DEV_INTERNAL_TOKEN = 'wabridge-dev-internal-token';
export const DEV_ENCRYPTION_KEYS = `dev:${WELL_KNOWN_DEV_SECRETS.ENCRYPTION_KEYS![0]}`;

const SECRET_KEY = Symbol('wabridge:production-secret');

export interface ProductionSecretOptions {
  /** Must be set in production (default true). Optional secrets are only checked when set. */
  required?: boolean;
}

/** Marks an env-class property as a secret: required and never a well-known dev value in production. */
export function ProductionSecret(options: ProductionSecretOptions = {}): PropertyDecorator {
  return (target, property) => {
    const list: Map<string, ProductionSecretOptions> = Reflect.getOwnMetadata(SECRET_KEY, target) ?? new Map(Reflect.getMetadata(SECRET_KEY, target) ?? []);
    list.set(String(property), { required: options.required ?? true });
    Reflect.defineMetadata(SECRET_KEY, list, target);
  };
}

/** The secret variables an env class declares (own and inherited). */
export function productionSecretsOf(cls: new () => object): Map<string, ProductionSecretOptions> {
  return (Reflect.getMetadata(SECRET_KEY, cls.prototype) as Map<string, ProductionSecretOptions> | undefined) ?? new Map();
}

/** Why `value` is a well-known dev value of `variable`, or undefined. */
export function wellKnownDevValue(variable: string, value: string): string | undefined {
  const known = WELL_KNOWN_DEV_SECRETS[variable] ?? [];
  if (variable === 'ENCRYPTION_KEYS') {
    const keys = value.split(',').map((p) => p.trim()).filter(Boolean).map((p) => p.slice(p.indexOf(':') + 1));
    return keys.some((k) => known.includes(k)) ? 'holds a well-known development key' : undefined;
  }
  if (variable === 'DATABASE_URL') {
    try {
      const password = decodeURIComponent(new URL(value).password);
      return known.includes(password) ? 'uses the well-known development password' : undefined;
    } catch {
      return undefined;
    }
  }
  return known.includes(value) ? 'is a well-known development value' : undefined;
}

/**
 * Problems with the secrets of `env` when it runs in production (empty outside production):
 * a required secret unset, or any secret equal to a value of WELL_KNOWN_DEV_SECRETS.
 */
export function productionSecretProblems(
  cls: new () => object,
  env: Record<string, unknown>,
  raw: Record<string, string | undefined> = env as Record<string, string | undefined>,
): { variable: string; reasons: string[] }[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: { variable: string; reasons: string[] }[] = [];
  for (const [variable, options] of productionSecretsOf(cls)) {
    // A built-in default is a development value by definition: only what the operator set counts.
    const value = raw[variable] === undefined || raw[variable] === '' ? undefined : env[variable];
    if (value === undefined || value === null || value === '') {
      if (options.required) problems.push({ variable, reasons: ['is required in production'] });
      continue;
    }
    const why = wellKnownDevValue(variable, String(value));
    if (why) problems.push({ variable, reasons: [`${why}; set a real secret in production`] });
  }
  return problems;
}

import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import {
  BaseEnv, ConfigError, DEV_ENCRYPTION_KEYS, DEV_INTERNAL_TOKEN, loadConfig, ProductionSecret, SecretBox, WELL_KNOWN_DEV_SECRETS, wellKnownDevValue,
} from './index';

class AppEnv extends BaseEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3001;

  @IsString()
  SECRET!: string;
}

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const cfg = loadConfig(AppEnv, { SECRET: 's', PORT: '4000' });
    expect(cfg.PORT).toBe(4000);
    expect(cfg.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(cfg.SECRET).toBe('s');
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(AppEnv, { PORT: 'abc', KAFKA_BROKERS: 'not a broker' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('SECRET');
  });

  it('treats empty strings as unset so defaults apply', () => {
    expect(loadConfig(AppEnv, { SECRET: 'x', PORT: '' }).PORT).toBe(3001);
  });
});

describe('production secrets', () => {
  class SecretEnv extends BaseEnv {
    @ProductionSecret() @IsString()
    META_APP_SECRET = 'local-app-secret-change-me';

    @ProductionSecret({ required: false }) @IsOptional() @IsString()
    ENCRYPTION_KEYS?: string;
  }
  const strong = { META_APP_SECRET: 'a-real-secret-from-the-vault' };

  it('accepts built-in dev defaults outside production', () => {
    expect(loadConfig(SecretEnv, {}).META_APP_SECRET).toBe('local-app-secret-change-me');
    expect(loadConfig(SecretEnv, { NODE_ENV: 'test', ENCRYPTION_KEYS: DEV_ENCRYPTION_KEYS }).ENCRYPTION_KEYS).toBe(DEV_ENCRYPTION_KEYS);
  });

  it('refuses an unset secret in production even when the class has a built-in default', () => {
    expect(() => loadConfig(SecretEnv, { NODE_ENV: 'production' })).toThrow(/^invalid configuration: META_APP_SECRET \(is required in production\)$/);
  });

  it('refuses a well-known dev value in production, naming the variable', () => {
    expect(() => loadConfig(SecretEnv, { NODE_ENV: 'production', META_APP_SECRET: 'local-app-secret-change-me' })).toThrow(
      /META_APP_SECRET \(is a well-known development value/,
    );
  });

  it('refuses a dev key anywhere in an ENCRYPTION_KEYS list, and the compose Postgres password', () => {
    const devKey = `other-id:${WELL_KNOWN_DEV_SECRETS.ENCRYPTION_KEYS![1]}`;
    expect(() => loadConfig(SecretEnv, { NODE_ENV: 'production', ...strong, ENCRYPTION_KEYS: `${SecretBox.generateKeySpec('k2')},${devKey}` })).toThrow(/ENCRYPTION_KEYS/);
    expect(() => loadConfig(SecretEnv, { NODE_ENV: 'production', ...strong, DATABASE_URL: 'postgres://postgres:wabridge-dev@db:5432/wabridge' })).toThrow(/DATABASE_URL/);
  });

  it('boots production with real secrets; optional secrets may stay unset', () => {
    const cfg = loadConfig(SecretEnv, { NODE_ENV: 'production', ...strong });
    expect(cfg.META_APP_SECRET).toBe('a-real-secret-from-the-vault');
    expect(loadConfig(SecretEnv, { NODE_ENV: 'production', ...strong, ENCRYPTION_KEYS: SecretBox.generateKeySpec() }).ENCRYPTION_KEYS).toMatch(/^k1:/);
  });

  it('lists the gateway dev fallbacks among the well-known values', () => {
    expect(wellKnownDevValue('INTERNAL_TOKEN', DEV_INTERNAL_TOKEN)).toBeDefined();
    expect(wellKnownDevValue('ENCRYPTION_KEYS', DEV_ENCRYPTION_KEYS)).toBeDefined();
  });
});

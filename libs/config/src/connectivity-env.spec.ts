import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseEnv, ConfigError, loadConfig } from './index';

/** The connectivity variables of BaseEnv: Kafka TLS/SASL, topic creation, HTTPS files, database flags. */
describe('BaseEnv connectivity variables', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'env-'));
    file = join(dir, 'ca.pem');
    writeFileSync(file, 'pem');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function problems(env: Record<string, string>): string {
    try {
      loadConfig(BaseEnv, env);
      return '';
    } catch (err) {
      return (err as ConfigError).message;
    }
  }

  it('defaults to PLAINTEXT, creating topics and the database, with startup options', () => {
    const env = loadConfig(BaseEnv, {});
    expect(env).toMatchObject({ KAFKA_SSL: false, KAFKA_CREATE_TOPICS: true, DATABASE_CREATE: true, DATABASE_STARTUP_OPTIONS: true });
    expect(env.KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it('reads booleans and accepts a complete SASL_SSL setting', () => {
    const env = loadConfig(BaseEnv, {
      KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: file, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD_FILE: file,
      KAFKA_CREATE_TOPICS: 'false', DATABASE_CREATE: 'false', DATABASE_STARTUP_OPTIONS: 'false',
    });
    expect(env).toMatchObject({ KAFKA_SSL: true, KAFKA_CREATE_TOPICS: false, DATABASE_CREATE: false, DATABASE_STARTUP_OPTIONS: false, KAFKA_SASL_MECHANISM: 'scram-sha-512' });
  });

  it('names a mechanism without credentials, an unknown mechanism and a bad boolean', () => {
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toMatch(/KAFKA_SASL_USERNAME \(is required when KAFKA_SASL_MECHANISM is set.*KAFKA_SASL_PASSWORD \(is required/);
    expect(problems({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toContain('KAFKA_SASL_MECHANISM (must be one of plain, scram-sha-256, scram-sha-512)');
    expect(problems({ KAFKA_CREATE_TOPICS: 'no' })).toContain('KAFKA_CREATE_TOPICS (must be true or false)');
  });

  it('refuses the local SASL listener\'s development password in production', () => {
    expect(problems({ NODE_ENV: 'production', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'wabridge-dev-sasl' }))
      .toContain('KAFKA_SASL_PASSWORD (is a well-known development value; set a real secret in production)');
  });

    it('names certificate files that cannot be read, and a certificate without its key', () => {
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') })).toContain('KAFKA_SSL_CA_FILE (must name a readable file');
    expect(problems({ TLS_CERT_FILE: file })).toContain('TLS_KEY_FILE (must name a readable file; TLS_CERT_FILE and TLS_KEY_FILE go together)');
    expect(problems({ KAFKA_SSL_KEY_FILE: file })).toContain('KAFKA_SSL_CERT_FILE');
    expect(problems({ TLS_CERT_FILE: file, TLS_KEY_FILE: file })).toBe('');
  });
});

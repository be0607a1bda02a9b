import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaConnectionFromEnv, kafkaSecurityFromEnv } from './index';

describe('kafkaSecurityFromEnv (ADR 0174)', () => {
  let dir: string;
  const file = (name: string, content: string): string => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kafka-sec-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is undefined (PLAINTEXT) when nothing is set, and the connection creates topics by default', () => {
    expect(kafkaSecurityFromEnv({})).toBeUndefined();
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1' }, 'c')).toEqual({ clientId: 'c', brokers: ['a:1'], topicSuffix: undefined, security: undefined, createTopics: true });
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_CREATE_TOPICS: false }, 'c').createTopics).toBe(false);
  });

  it('reads the CA, the client certificate and key, and the credentials from files (a trailing newline dropped)', () => {
    const security = kafkaSecurityFromEnv({
      KAFKA_SSL: true, KAFKA_SSL_CA_FILE: file('ca.pem', 'CA'), KAFKA_SSL_CERT_FILE: file('c.pem', 'CERT'), KAFKA_SSL_KEY_FILE: file('k.pem', 'KEY'),
      KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME_FILE: file('user', 'svc\n'), KAFKA_SASL_PASSWORD_FILE: file('pw', 'p@ss\r\n'), KAFKA_SASL_PASSWORD: 'ignored',
    });
    expect(security).toEqual({ ssl: { ca: 'CA', cert: 'CERT', key: 'KEY' }, sasl: { mechanism: 'scram-sha-256', username: 'svc', password: 'p@ss' } });
  });

  it('allows SASL without TLS (SASL_PLAINTEXT) and TLS with the default trust store', () => {
    expect(kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual({ sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
    expect(kafkaSecurityFromEnv({ KAFKA_SSL: true })).toEqual({ ssl: { ca: undefined, cert: undefined, key: undefined } });
  });

  it('names the variable of a file it cannot read, and a missing credential', () => {
    expect(() => kafkaSecurityFromEnv({ KAFKA_SSL: true, KAFKA_SSL_CA_FILE: join(dir, 'nope.pem') })).toThrow(`KAFKA_SSL_CA_FILE: cannot read ${join(dir, 'nope.pem')} (ENOENT)`);
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'p' })).toThrow('KAFKA_SASL_USERNAME (or KAFKA_SASL_USERNAME_FILE) is required');
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INBOUND_MESSAGE_V1 } from '@wabridge/contracts';
import { randomSuffix, TopicCollector } from '@wabridge/testing';
import { createKafka, ensureTopics, EventProducer, KafkaSaslMechanism, kafkaConnectionFromEnv, KafkaSecurityEnv } from './index';

/**
 * Client TLS + SASL against the SASL_SSL listener scripts/kafka/start.sh opens beside PLAINTEXT
 * (details in <KAFKA_HOME_DIR>/sasl-ssl.json). A broker started before that listener existed has
 * no such file: then this test starts its own broker (other ports, own data dir) and stops it after.
 */
const ROOT = resolve(__dirname, '../../..');
const SHARED_HOME = process.env.KAFKA_HOME_DIR ?? join(ROOT, '.local/kafka');
const OWN_HOME = join(ROOT, '.local/kafka-sasl-test');

interface Listener { brokers: string[]; caFile: string; clientCertFile?: string; clientKeyFile?: string; username: string; password: string }

let listener: Listener;
let startedOwn = false;
let secretsDir: string;

/** The listener of a broker started by this start.sh (one from an older start.sh lacks the client certificate). */
function readListener(home: string): Listener | null {
  const file = join(home, 'sasl-ssl.json');
  const listener = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Listener) : null;
  return listener?.clientCertFile ? listener : null;
}

const ownBrokerEnv = { ...process.env, KAFKA_HOME_DIR: OWN_HOME, KAFKA_PORT: '19292', KAFKA_CONTROLLER_PORT: '19293', KAFKA_SASL_SSL_PORT: '19294', KAFKA_HEAP: '384m' };

beforeAll(() => {
  const shared = readListener(SHARED_HOME);
  if (shared) {
    listener = shared;
  } else {
    execFileSync('bash', [join(ROOT, 'scripts/kafka/start.sh')], { env: ownBrokerEnv, stdio: 'ignore', timeout: 120000 });
    startedOwn = true;
    listener = readListener(OWN_HOME)!;
  }
  secretsDir = mkdtempSync(join(tmpdir(), 'kafka-sasl-'));
}, 130000);

afterAll(() => {
  rmSync(secretsDir, { recursive: true, force: true });
  if (startedOwn) {
    execFileSync('bash', [join(ROOT, 'scripts/kafka/stop.sh')], { env: ownBrokerEnv, stdio: 'ignore', timeout: 60000 });
    rmSync(OWN_HOME, { recursive: true, force: true });
  }
}, 70000);

function env(mechanism: KafkaSaslMechanism, overrides: Partial<KafkaSecurityEnv> = {}): { KAFKA_BROKERS: string } & KafkaSecurityEnv {
  return {
    KAFKA_BROKERS: listener.brokers.join(','), KAFKA_SSL: true, KAFKA_SSL_CA_FILE: listener.caFile,
    KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: listener.username, KAFKA_SASL_PASSWORD: listener.password, ...overrides,
  };
}

describe('kafka client security (TLS + SASL against the real broker)', () => {
  it.each<KafkaSaslMechanism>(['scram-sha-512', 'plain'])('produces and consumes over SASL_SSL with %s', async (mechanism) => {
    // the password from a mounted-secret style file, trailing newline included
    const passwordFile = join(secretsDir, `${mechanism}.password`);
    writeFileSync(passwordFile, `${listener.password}\n`);
    const suffix = randomSuffix('sasl');
    const connection = kafkaConnectionFromEnv({ ...env(mechanism, { KAFKA_SASL_PASSWORD: undefined, KAFKA_SASL_PASSWORD_FILE: passwordFile }), TOPIC_SUFFIX: suffix }, `sasl-${mechanism}`);
    expect(connection.security?.sasl).toEqual({ mechanism, username: listener.username, password: listener.password });
    const kafka = createKafka(connection);
    await ensureTopics(kafka, [INBOUND_MESSAGE_V1], { suffix, partitions: 1 });
    const collector = await TopicCollector.start(INBOUND_MESSAGE_V1, suffix, kafka);
    const producer = new EventProducer(kafka, suffix, { lingerMs: 1 });
    try {
      await producer.connect();
      await producer.send({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: { wamid: `wamid.${mechanism}` } });
      const [got] = await collector.waitForCount(1);
      expect(got!.value).toEqual({ wamid: `wamid.${mechanism}` });
    } finally {
      await collector.stop();
      await producer.close();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [`${INBOUND_MESSAGE_V1.topic}.${suffix}`] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 60000);

  it('refuses a wrong password with an authentication error naming SASL', async () => {
    const admin = createKafka(kafkaConnectionFromEnv(env('scram-sha-512', { KAFKA_SASL_PASSWORD: 'not-the-password' }), 'sasl-wrong')).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
    await admin.disconnect().catch(() => undefined);
    const plain = createKafka(kafkaConnectionFromEnv(env('plain', { KAFKA_SASL_PASSWORD: 'not-the-password' }), 'sasl-wrong-plain')).admin();
    await expect(plain.connect()).rejects.toThrow(/SASL PLAIN authentication failed/);
    await plain.disconnect().catch(() => undefined);
  }, 30000);

  it('presents a client certificate for mutual TLS (KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE) and the broker accepts it', async () => {
    const admin = createKafka(kafkaConnectionFromEnv(env('scram-sha-512', { KAFKA_SSL_CERT_FILE: listener.clientCertFile, KAFKA_SSL_KEY_FILE: listener.clientKeyFile }), 'mtls-ok')).admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).brokers.length).toBeGreaterThan(0);
    } finally {
      await admin.disconnect();
    }
  }, 30000);

  it('is refused by the broker when its client certificate is not from the broker\'s CA (the certificate is really sent)', async () => {
    const cert = join(secretsDir, 'stranger.pem');
    const key = join(secretsDir, 'stranger-key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=stranger', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const admin = createKafka(kafkaConnectionFromEnv(env('scram-sha-512', { KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key }), 'mtls-stranger')).admin();
    await expect(admin.connect()).rejects.toThrow(/alert (certificate unknown|bad certificate|unknown ca)/i);
    await admin.disconnect().catch(() => undefined);
  }, 30000);

  it('refuses a broker whose certificate does not chain to the configured CA', async () => {
    // no KAFKA_SSL_CA_FILE: Node's public trust store does not know the dev CA
    const admin = createKafka(kafkaConnectionFromEnv(env('scram-sha-512', { KAFKA_SSL_CA_FILE: undefined }), 'sasl-untrusted')).admin();
    await expect(admin.connect()).rejects.toThrow(/certificate/);
    await admin.disconnect().catch(() => undefined);
  }, 30000);
});

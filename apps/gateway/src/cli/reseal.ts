/**
 * `npm run reseal -w apps/gateway [-- --dry-run] [--batch-size N] [--no-republish]`
 * (in an image: `node apps/gateway/dist/cli/reseal.js`): step 2 of an ENCRYPTION_KEYS rotation
 * (docs/operations.md, ADR 0190). Re-seals every gateway secret not sealed with the primary key
 * (the first of ENCRYPTION_KEYS): Meta apps' secret and verify token, phone numbers' access
 * tokens, OAuth signing keys, embedded-signup business tokens. Row by row, each write its own
 * statement guarded by the ciphertext it replaces, so a value the running gateway re-sealed
 * meanwhile is left alone; a second run finds nothing.
 *
 * Then it republishes every app and number (as the gateway does at boot): the copies that
 * ingress, the dispatcher and media keep are sealed for them from the compacted topics, and a
 * consumer that still had only the old key when the gateway restarted refused the boot-time
 * events; this republish, run once every Deployment has the new list, heals them.
 *
 * Env as the gateway: DATABASE_URL, DATABASE_SCHEMA, DATABASE_STARTUP_OPTIONS, ENCRYPTION_KEYS,
 * KAFKA_* and TOPIC_SUFFIX. Exit 1 with one line on stderr when a value opens with no key.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { describeReseal, loadConfigOrExit, parseResealCommandArgs, resealColumns, runResealCommand, SecretBox } from '@wabridge/config';
import { createServiceDataSource } from '@wabridge/database';
import { createKafka, EventProducer, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { RegistryPublisher } from '../accounts/registry.publisher';
import { RegistryRepository } from '../accounts/registry.repository';
import { systemClock } from '../auth/rate-limiter';
import { GatewayEnv, ResolvedGatewayEnv } from '../config/gateway.env';
import { countRegistryRows, gatewaySealedColumns } from './sealed-columns.repository';

export interface ResealArgs {
  dryRun: boolean;
  batchSize: number;
  republish: boolean;
}

export function parseResealArgs(argv: string[]): ResealArgs {
  const { dryRun, batchSize, flags } = parseResealCommandArgs(argv, ['--no-republish']);
  return { dryRun, batchSize, republish: !flags.has('--no-republish') };
}

export interface ResealOutcome {
  lines: string[];
  /** One line, set when the run must exit non-zero. */
  failure?: string;
}

/** Republishes every app and number with the primary key; returns "published of total". */
async function republishRegistry(env: GatewayEnv, db: DataSource, box: SecretBox): Promise<string> {
  const producer = new EventProducer(createKafka(kafkaConnectionFromEnv(env, 'gateway-reseal')), env.TOPIC_SUFFIX || undefined);
  try {
    await producer.connect();
    const publisher = new RegistryPublisher(new RegistryRepository(db), box, env as ResolvedGatewayEnv, producer, systemClock);
    const total = await countRegistryRows(db);
    const published = await publisher.republishAll();
    return `republished ${published} of ${total} app/number configurations (sealed with key "${box.primaryKeyId}")`;
  } finally {
    await producer.close().catch(() => undefined);
  }
}

/** The whole command against `env`, without printing or exiting (tests call this). */
export async function reseal(env: GatewayEnv, args: ResealArgs): Promise<ResealOutcome> {
  if (!env.ENCRYPTION_KEYS) return { lines: [], failure: 'ENCRYPTION_KEYS is not set: set it as the gateway has it, the new key first' };
  const box = new SecretBox(env.ENCRYPTION_KEYS);
  const db = createServiceDataSource({ url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, poolSize: 2, startupOptions: env.DATABASE_STARTUP_OPTIONS });
  await db.initialize();
  try {
    const report = await resealColumns(box, gatewaySealedColumns(db), { dryRun: args.dryRun, batchSize: args.batchSize });
    const { lines, failure } = describeReseal(report);
    if (!args.dryRun && args.republish) lines.push(await republishRegistry(env, db, box));
    return failure ? { lines, failure } : { lines };
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  runResealCommand(async () => reseal(loadConfigOrExit(GatewayEnv), parseResealArgs(process.argv.slice(2))));
}

/**
 * `npm run reseal -w apps/notifier [-- --dry-run] [--batch-size N]` (in an image:
 * `node apps/notifier/dist/cli/reseal.js`): step 2 of an ENCRYPTION_KEYS rotation
 * (docs/operations.md, ADR 0190) for the notifier. Re-seals every webhook endpoint's signing
 * secret (and previous secret during an overlap) that is not sealed with the primary key, row
 * by row, each write guarded by the ciphertext it replaces; a second run finds nothing. Nothing
 * downstream holds a copy. Env as the notifier: DATABASE_URL, DATABASE_SCHEMA,
 * DATABASE_STARTUP_OPTIONS, ENCRYPTION_KEYS. Exit 1 with one line on stderr when a secret opens
 * with no key.
 */
import 'reflect-metadata';
import { describeReseal, loadConfigOrExit, parseResealCommandArgs, resealColumns, runResealCommand, SecretBox } from '@wabridge/config';
import { createServiceDataSource } from '@wabridge/database';
import { endpointSecretColumns } from '../endpoints/sealed-secrets.repository';
import { NotifierEnv } from '../notifier.env';

export interface ResealArgs {
  dryRun: boolean;
  batchSize: number;
}

export function parseResealArgs(argv: string[]): ResealArgs {
  const { dryRun, batchSize } = parseResealCommandArgs(argv);
  return { dryRun, batchSize };
}

/** The whole command against `env`, without printing or exiting (tests call this). */
export async function reseal(env: NotifierEnv, args: ResealArgs): Promise<{ lines: string[]; failure?: string }> {
  const box = new SecretBox(env.ENCRYPTION_KEYS);
  const db = createServiceDataSource({ url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, poolSize: 2, startupOptions: env.DATABASE_STARTUP_OPTIONS });
  await db.initialize();
  try {
    return describeReseal(await resealColumns(box, endpointSecretColumns(db), args));
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  runResealCommand(async () => reseal(loadConfigOrExit(NotifierEnv), parseResealArgs(process.argv.slice(2))));
}

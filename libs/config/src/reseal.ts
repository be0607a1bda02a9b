import { SealedSecret, SecretBox } from './secret-box';

/**
 * Re-sealing after an ENCRYPTION_KEYS rotation (ADR 0190): every value sealed with a key other
 * than the primary is opened and sealed again with the primary, so the old key can be dropped.
 * This file is the loop; each service's repository owns the SQL of its own sealed columns.
 */

/** One stored sealed value: its row id and the ciphertext as read. */
export interface SealedRow {
  id: string;
  sealed: SealedSecret;
}

/** One sealed column of one table, as a service's repository exposes it to the loop. */
export interface SealedColumnStore {
  /** `table.column`, for messages. */
  readonly name: string;
  /** AAD the service seals this column's value of row `id` with. */
  aad(id: string): string;
  /** Up to `limit` rows (ordered by id, after `afterId`) whose value is not sealed with `keyId`. */
  listNotSealedWith(keyId: string, afterId: string | undefined, limit: number): Promise<SealedRow[]>;
  /**
   * Replaces the value of row `id` only while it still equals `expected` (one statement, its own
   * short transaction). False when it changed meanwhile, e.g. the service re-sealed it itself.
   */
  replaceIfUnchanged(id: string, expected: SealedSecret, next: SealedSecret): Promise<boolean>;
}

export interface ColumnReseal {
  column: string;
  /** Values found sealed with another key. */
  found: number;
  /** Re-sealed with the primary key (0 in a dry run). */
  resealed: number;
  /** Changed by someone else between read and write: left as they are. */
  changedMeanwhile: number;
  /** Row ids whose value no key in ENCRYPTION_KEYS opens (wrong key or tampered). */
  unopenable: string[];
}

export interface ResealReport {
  primaryKeyId: string;
  dryRun: boolean;
  columns: ColumnReseal[];
  found: number;
  resealed: number;
  changedMeanwhile: number;
  unopenable: { column: string; id: string }[];
}

export interface ResealOptions {
  dryRun?: boolean;
  /** Rows read per query. */
  batchSize?: number;
}

/**
 * Re-seals every value of `stores` that is not sealed with the box's primary key. Idempotent: a
 * second run finds nothing. A value that no key opens is counted and left untouched; the caller
 * decides how to fail (the CLIs exit 1 naming it).
 */
export async function resealColumns(box: SecretBox, stores: SealedColumnStore[], options: ResealOptions = {}): Promise<ResealReport> {
  const primary = box.primaryKeyId;
  const batchSize = options.batchSize ?? 200;
  const dryRun = options.dryRun ?? false;
  const columns: ColumnReseal[] = [];
  for (const store of stores) {
    const column: ColumnReseal = { column: store.name, found: 0, resealed: 0, changedMeanwhile: 0, unopenable: [] };
    let after: string | undefined;
    for (;;) {
      const rows = await store.listNotSealedWith(primary, after, batchSize);
      for (const row of rows) {
        column.found++;
        let plaintext: string;
        try {
          plaintext = box.open(row.sealed, store.aad(row.id));
        } catch {
          column.unopenable.push(row.id);
          continue;
        }
        if (dryRun) continue;
        if (await store.replaceIfUnchanged(row.id, row.sealed, box.seal(plaintext, store.aad(row.id)))) column.resealed++;
        else column.changedMeanwhile++;
      }
      if (rows.length < batchSize) break;
      after = rows[rows.length - 1]!.id;
    }
    columns.push(column);
  }
  const sum = (f: (c: ColumnReseal) => number): number => columns.reduce((n, c) => n + f(c), 0);
  return {
    primaryKeyId: primary, dryRun, columns,
    found: sum((c) => c.found), resealed: sum((c) => c.resealed), changedMeanwhile: sum((c) => c.changedMeanwhile),
    unopenable: columns.flatMap((c) => c.unopenable.map((id) => ({ column: c.column, id }))),
  };
}

/** The report as the CLIs print it: one line per column with something to say, then a total line. */
export function describeReseal(report: ResealReport): { lines: string[]; failure?: string } {
  const verb = report.dryRun ? 'to re-seal' : 're-sealed';
  const lines = report.columns
    .filter((c) => c.found > 0)
    .map((c) => `${c.column}: ${report.dryRun ? c.found - c.unopenable.length : c.resealed} ${verb}` +
      (c.changedMeanwhile ? `, ${c.changedMeanwhile} changed meanwhile (left as they are)` : '') +
      (c.unopenable.length ? `, ${c.unopenable.length} open with no key` : ''));
  const count = report.dryRun ? report.found - report.unopenable.length : report.resealed;
  lines.push(`${report.dryRun ? 'dry run: ' : ''}${count} ${verb} with key "${report.primaryKeyId}"`);
  if (report.unopenable.length === 0) return { lines };
  const sample = report.unopenable.slice(0, 5).map((u) => `${u.column} ${u.id}`).join(', ');
  return {
    lines,
    failure: `${report.unopenable.length} sealed value(s) open with no key in ENCRYPTION_KEYS (${sample}${report.unopenable.length > 5 ? ', …' : ''}): ` +
      'put back the key that sealed them and run again; do not drop any key yet',
  };
}

/** Options every service's `reseal` command takes; `flags` names extra switches it accepts (set → true). */
export interface ResealCommandArgs {
  dryRun: boolean;
  batchSize: number;
  flags: Set<string>;
}

/** `[--dry-run] [--batch-size N]` plus the service's own `extraFlags`; throws one line on anything else. */
export function parseResealCommandArgs(argv: string[], extraFlags: readonly string[] = []): ResealCommandArgs {
  const usage = `usage: reseal [--dry-run] [--batch-size N]${extraFlags.map((f) => ` [${f}]`).join('')}`;
  const args: ResealCommandArgs = { dryRun: false, batchSize: 200, flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') args.dryRun = true;
    else if (a !== undefined && extraFlags.includes(a)) args.flags.add(a);
    else if (a === '--batch-size') {
      args.batchSize = Number(argv[++i]);
      if (!Number.isInteger(args.batchSize) || args.batchSize < 1) throw new Error('--batch-size needs a positive integer');
    } else throw new Error(`unknown argument ${a} (${usage})`);
  }
  return args;
}

/**
 * A `reseal` command's process: runs it, prints its lines as `reseal: …` on stdout and a failure
 * on stderr, exits 0 or 1. An unexpected error prints its message only (a pg error's detail can
 * quote row data).
 */
export function runResealCommand(run: () => Promise<{ lines: string[]; failure?: string }>): void {
  run().then(
    (outcome) => {
      for (const line of outcome.lines) process.stdout.write(`reseal: ${line}\n`);
      if (outcome.failure) process.stderr.write(`reseal: ${outcome.failure}\n`);
      process.exit(outcome.failure ? 1 : 0);
    },
    (err: unknown) => {
      process.stderr.write(`reseal: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

/**
 * What the CLI writes. `--json`: the answer as one JSON document (or one per line for streams)
 * on stdout and nothing else there; errors as `{"error":{code,message,details?}}` on stderr.
 * Otherwise short human text: tables for lists, `key: value` lines for one object.
 */
export interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  now(): number;
}

export class Output {
  constructor(private readonly io: Io, readonly json: boolean) {}

  /** One result: JSON, or the human rendering given (default `key: value` lines). */
  result(value: unknown, human?: (v: unknown) => string): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value ?? null)}\n`);
    else this.io.stdout.write(`${human ? human(value) : formatObject(value)}\n`);
  }

  /** One line of a stream (tail): a JSON line, or the human line. */
  line(value: unknown, human: string): void {
    this.io.stdout.write(this.json ? `${JSON.stringify(value)}\n` : `${human}\n`);
  }

  /** Human-only remarks (hints, summaries): stderr, so stdout stays the data; none with --json. */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${text}\n`);
  }

  error(code: string, message: string, details?: unknown): void {
    if (this.json) this.io.stderr.write(`${JSON.stringify({ error: { code, message, ...(details === undefined ? {} : { details }) } })}\n`);
    else this.io.stderr.write(`wabridge: ${message}${details === undefined ? '' : `\n${indent(JSON.stringify(details, null, 2))}`}\n`);
  }
}

const indent = (s: string) => s.split('\n').map((l) => `  ${l}`).join('\n');

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A plain text table of the chosen columns (all the first row's keys by default). */
export function formatTable(rows: readonly unknown[], columns?: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const records = rows.map((r) => (r ?? {}) as Record<string, unknown>);
  const cols = columns ?? Object.keys(records[0]!);
  const cells = records.map((r) => cols.map((c) => cell(r[c]).replace(/\s+/g, ' ')));
  const widths = cols.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((row) => row[i]!.length))));
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  return [cols.map((c, i) => fit(c, widths[i]!)).join('  '), ...cells.map((row) => row.map((s, i) => fit(s, widths[i]!)).join('  '))]
    .map((l) => l.trimEnd())
    .join('\n');
}

/** `key: value` lines of an object (nested values as JSON). */
export function formatObject(value: unknown): string {
  if (value === undefined || value === null) return 'ok';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return formatTable(value);
  const entries = Object.entries(value as Record<string, unknown>);
  const w = Math.max(...entries.map(([k]) => k.length), 0);
  return entries.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${cell(v)}`).join('\n');
}

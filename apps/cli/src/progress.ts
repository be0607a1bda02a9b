/**
 * A one-line progress bar on stderr, redrawn in place, for long operations (imports, replays).
 * Drawn only when stderr is a terminal and the output is not --json, so scripts and logs never
 * see carriage returns; at most ~10 redraws per second.
 */
export interface ProgressTarget {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  readonly enabled: boolean;

  constructor(
    private readonly out: ProgressTarget,
    private readonly label: string,
    private total: number,
    options: { json: boolean; unit?: 'bytes' | 'items'; now?: () => number },
  ) {
    this.enabled = out.isTTY === true && !options.json;
    this.unit = options.unit ?? 'items';
    this.now = options.now ?? Date.now;
  }

  private readonly unit: 'bytes' | 'items';
  private readonly now: () => number;

  update(done: number, total = this.total): void {
    this.total = total;
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.lastDraw < 100 && done < total) return;
    this.lastDraw = t;
    this.out.write(`\r${renderBar(this.label, done, total, this.unit, this.out.columns ?? 80)}`);
    this.drawn = true;
  }

  /** Ends the line (the last state stays visible). */
  finish(): void {
    if (this.enabled && this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

const amount = (n: number, unit: 'bytes' | 'items') =>
  unit === 'items' ? String(n) : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;

/** `label [#####.....]  42%  21/50` fitted to `columns`. Pure, for tests. */
export function renderBar(label: string, done: number, total: number, unit: 'bytes' | 'items', columns: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const tail = ` ${String(Math.floor(ratio * 100)).padStart(3)}%  ${amount(done, unit)}/${amount(total, unit)}`;
  const width = Math.max(10, Math.min(40, columns - label.length - tail.length - 4));
  const filled = Math.round(ratio * width);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${tail}`;
}

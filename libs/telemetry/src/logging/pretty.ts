import type { DestinationStream } from 'pino';

const LEVEL_COLOURS: Record<string, string> = { trace: '90', debug: '36', info: '32', warn: '33', error: '31', fatal: '35' };
const SKIP = new Set(['level', 'time', 'msg', 'service', 'component', 'pid', 'hostname']);

/**
 * The human form of our JSON lines for `npm start` (LOG_FORMAT=pretty): one line each,
 * `12:00:01.234 INFO  gateway/nest message key=value …`, coloured when `out` is a terminal.
 * Every field is still there, so nothing differs from production but the layout.
 */
export function prettyDestination(out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): DestinationStream {
  const colour = out.isTTY === true;
  return {
    write(line: string): void {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(`${formatPretty(o, colour)}\n`);
    },
  };
}

export function formatPretty(o: Record<string, unknown>, colour = false): string {
  const time = typeof o['time'] === 'string' ? o['time'].slice(11, 23) : '';
  const level = String(o['level'] ?? 'info');
  const label = level.toUpperCase().padEnd(5);
  const who = [o['service'], o['component']].filter((v) => v !== undefined).join('/');
  let text = `${time} ${colour ? `\x1b[${LEVEL_COLOURS[level] ?? '0'}m${label}\x1b[0m` : label} ${who} ${String(o['msg'] ?? '')}`;
  for (const [k, v] of Object.entries(o)) {
    if (SKIP.has(k) || v === undefined) continue;
    if (k === 'err' && v && typeof v === 'object' && typeof (v as { stack?: unknown }).stack === 'string') {
      text += `\n  ${(v as { stack: string }).stack.replace(/\n/g, '\n  ')}`;
      continue;
    }
    text += ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  }
  return text;
}

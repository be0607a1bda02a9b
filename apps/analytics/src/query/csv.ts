/** RFC 4180 CSV: a header row, then one row per record; fields quoted when they need it. */
export function toCsv(columns: string[], rows: Record<string, unknown>[]): string {
  const field = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v);
    // a leading = + - @ would be a formula in a spreadsheet: prefixed with ' (OWASP CSV injection)
    const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => field(r[c])).join(','))].join('\r\n') + '\r\n';
}

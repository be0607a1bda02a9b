/** A record (CSV row, JSON element or NDJSON line) larger than its parser's `maxRecordBytes`. */
export class RecordTooLargeError extends Error {
  constructor(readonly line: number, readonly limitBytes: number) {
    super(`the record starting on line ${line} is larger than ${limitBytes} bytes`);
    this.name = 'RecordTooLargeError';
  }
}

/** One CSV record and the line it starts on (1-based; the header is line 1). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

export class CsvSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Incremental RFC 4180 parser: feed text chunks, get complete records back, so a 100k-row
 * upload is never held in memory. Handles quoted fields with commas, doubled quotes and line
 * breaks, CRLF or LF, and a leading BOM. A quote inside an unquoted field is kept as text.
 * Runs of ordinary characters are copied with one slice, not char by char.
 */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private quoteSeen = false; // just read a quote inside a quoted field (maybe an escaped "")
  private line = 1;
  private recordLine = 1;
  private started = false;
  private pendingCR = false;
  private fieldStarted = false;
  private readonly plain: RegExp;
  private recordBytes = 0;

  /** `maxRecordBytes`: the longest record (UTF-8 bytes, quotes and delimiters not counted) before RecordTooLargeError. */
  constructor(private readonly delimiter = ',', private readonly maxRecordBytes = Number.POSITIVE_INFINITY) {
    const d = delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.plain = new RegExp(`[^"\\r\\n${d}]+`, 'y');
  }

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    while (i < text.length) {
      const ch = text[i]!;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === '\n') {
          i++;
          continue; // CRLF already ended the record
        }
      }
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === '"') {
            this.field += '"';
            this.grow(1);
            i++;
            continue;
          }
          this.inQuotes = false; // that was the closing quote; handle ch unquoted below
        } else {
          const q = text.indexOf('"', i);
          const end = q === -1 ? text.length : q;
          const run = text.slice(i, end);
          this.grow(Buffer.byteLength(run));
          this.field += run;
          for (let k = run.indexOf('\n'); k !== -1; k = run.indexOf('\n', k + 1)) this.line++;
          // a lone CR (old Mac line end) inside quotes also counts as a line
          for (let k = run.indexOf('\r'); k !== -1; k = run.indexOf('\r', k + 1)) if (run[k + 1] !== '\n') this.line++;
          if (q === -1) return out;
          this.quoteSeen = true;
          i = q + 1;
          continue;
        }
      }
      if (ch === '"' && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
        i++;
      } else if (ch === this.delimiter) {
        this.fields.push(this.field);
        this.field = '';
        this.fieldStarted = false;
        i++;
      } else if (ch === '\n' || ch === '\r') {
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        if (ch === '\r') this.pendingCR = true;
        i++;
      } else if (ch === '"') {
        this.grow(1);
        this.field += ch;
        i++;
      } else {
        this.plain.lastIndex = i;
        const m = this.plain.exec(text);
        const run = m ? m[0] : ch;
        this.grow(Buffer.byteLength(run));
        this.field += run;
        this.fieldStarted = true;
        i += run.length;
      }
    }
    return out;
  }

  /** Flushes the last record (a file need not end with a newline). Throws on an open quote. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.inQuotes && !this.quoteSeen) throw new CsvSyntaxError(`unterminated quoted field starting on line ${this.recordLine}`, this.recordLine);
    this.inQuotes = false;
    this.quoteSeen = false;
    this.endRecord(out);
    return out;
  }

  private grow(bytes: number): void {
    this.recordBytes += bytes;
    if (this.recordBytes > this.maxRecordBytes) throw new RecordTooLargeError(this.recordLine, this.maxRecordBytes);
  }

  private endRecord(out: CsvRecord[]): void {
    this.recordBytes = 0;
    const empty = this.fields.length === 0 && this.field === '' && !this.fieldStarted;
    if (!empty) {
      this.fields.push(this.field);
      out.push({ fields: this.fields, line: this.recordLine });
    }
    this.fields = [];
    this.field = '';
    this.fieldStarted = false;
  }
}

/** One CSV record and the line it starts on (1-based; the header is line 1). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Incremental RFC 4180 parser: feed text chunks, get complete records back, so a 100k-row
 * upload is never held in memory. Handles quoted fields with commas, doubled quotes and line
 * breaks, CRLF or LF, and a leading BOM. A quote inside an unquoted field is kept as text.
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

  constructor(private readonly delimiter = ',') {}

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === '\n') continue; // CRLF already ended the record
      }
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // closing quote; fall through to handle ch unquoted
        } else if (ch === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          if (ch === '\n') this.line++;
          else if (ch === '\r') {
            this.line++;
            if (text[i + 1] === '\n') {
              this.field += '\r\n';
              i++;
              continue;
            }
          }
          this.field += ch;
          continue;
        }
      }
      if (ch === '"' && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
      } else if (ch === this.delimiter) {
        this.fields.push(this.field);
        this.field = '';
        this.fieldStarted = false;
      } else if (ch === '\n' || ch === '\r') {
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        if (ch === '\r') this.pendingCR = true;
      } else {
        this.field += ch;
        this.fieldStarted = true;
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

  private endRecord(out: CsvRecord[]): void {
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

export class CsvSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

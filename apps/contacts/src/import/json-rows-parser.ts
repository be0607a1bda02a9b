import { RecordTooLargeError } from '@wabridge/http';
export { RecordTooLargeError }; // the limit error of both import parsers (CSV from @wabridge/http, JSON rows here)

/** One element of a JSON array (or one NDJSON line) with the line it starts on. */
export interface JsonRow {
  text: string;
  line: number;
}

export class JsonRowsSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = 'JsonRowsSyntaxError';
  }
}

/** UTF-8 size of one UTF-16 code unit (a surrogate pair counts 2 + 2 = 4, as in UTF-8). */
export function utf8Units(code: number): number {
  return code < 0x80 ? 1 : code < 0x800 || (code >= 0xd800 && code <= 0xdfff) ? 2 : 3;
}

/**
 * Splits a streamed JSON array (`[{…},{…}]`) or NDJSON (`{…}\n{…}`) into element texts without
 * parsing the whole document, so memory is bounded by one row. Each element is then parsed on
 * its own, so a bad row is reported by line and the others still go in. An element longer
 * than `maxRecordBytes` ends the parse with RecordTooLargeError (ADR 0065).
 */
export class JsonRowsParser {
  private mode: 'start' | 'array' | 'ndjson' | 'done' = 'start';
  private depth = 0;
  private inString = false;
  private escape = false;
  private current = '';
  private currentLine = 0;
  private line = 1;
  private expectValue = true; // inside the array: waiting for an element (vs a comma or `]`)
  private currentBytes = 0;

  /** `maxRecordBytes`: the longest element/line (UTF-8 bytes) before RecordTooLargeError. */
  constructor(private readonly maxRecordBytes = Number.POSITIVE_INFINITY) {}

  push(text: string): JsonRow[] {
    const out: JsonRow[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.mode === 'start') {
        if (ch === '\n') this.line++;
        if (ch === '\uFEFF' || /\s/.test(ch)) continue;
        if (ch === '[') {
          this.mode = 'array';
          continue;
        }
        this.mode = 'ndjson';
      }
      if (this.mode === 'ndjson' && ch === '\n') {
        // one row per line, even a broken one (it is reported by its line, the next line goes on)
        if (this.current.trim().length > 0) this.emit(out);
        this.current = '';
        this.currentBytes = 0;
        this.depth = 0;
        this.inString = false;
        this.escape = false;
        this.line++;
        continue;
      }
      if (this.depth > 0 || this.inString || (this.mode === 'ndjson' && this.current.length > 0 && ch !== '\n')) {
        this.consume(ch, out);
        continue;
      }
      if (this.mode === 'array' && this.current.length > 0) {
        // a scalar element (not an object): it ends at a comma, `]` or whitespace
        if (ch === ',' || ch === ']' || /\s/.test(ch)) this.emit(out);
        else {
          this.consume(ch, out);
          continue;
        }
      }
      // between elements
      if (ch === '\n') {
        if (this.mode === 'ndjson' && this.current.length > 0) this.emit(out);
        this.line++;
        continue;
      }
      if (/\s/.test(ch)) continue;
      if (this.mode === 'done') throw new JsonRowsSyntaxError('unexpected content after the closing ]', this.line);
      if (this.mode === 'array') {
        if (ch === ']') {
          this.mode = 'done';
          continue;
        }
        if (ch === ',') {
          if (this.expectValue) throw new JsonRowsSyntaxError('unexpected comma', this.line);
          this.expectValue = true;
          continue;
        }
        if (!this.expectValue) throw new JsonRowsSyntaxError('missing comma between elements', this.line);
        this.expectValue = false;
      }
      this.currentLine = this.line;
      this.consume(ch, out);
    }
    return out;
  }

  end(): JsonRow[] {
    const out: JsonRow[] = [];
    if (this.mode === 'ndjson') {
      if (this.current.trim().length > 0) this.emit(out);
      return out;
    }
    if (this.inString || this.depth > 0) throw new JsonRowsSyntaxError('the document ends inside an element', this.currentLine);
    if (this.current.trim().length > 0) this.emit(out);
    if (this.mode === 'array') throw new JsonRowsSyntaxError('the array is not closed with ]', this.line);
    return out;
  }

  private consume(ch: string, out: JsonRow[]): void {
    if (this.current.length === 0) this.currentLine = this.line;
    this.currentBytes += utf8Units(ch.charCodeAt(0));
    if (this.currentBytes > this.maxRecordBytes) throw new RecordTooLargeError(this.currentLine, this.maxRecordBytes);
    this.current += ch;
    if (ch === '\n') this.line++;
    if (this.inString) {
      if (this.escape) this.escape = false;
      else if (ch === '\\') this.escape = true;
      else if (ch === '"') this.inString = false;
      return;
    }
    if (ch === '"') this.inString = true;
    else if (ch === '{' || ch === '[') this.depth++;
    else if (ch === '}' || ch === ']') {
      this.depth--;
      if (this.depth === 0 && this.mode === 'array') this.emit(out);
    }
  }

  private emit(out: JsonRow[]): void {
    out.push({ text: this.current, line: this.currentLine });
    this.current = '';
    this.currentBytes = 0;
  }
}

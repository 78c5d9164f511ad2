/**
 * One CSV line written straight from a record's stored JSON text into a byte buffer: no JSON.parse, no string
 * per cell, next to nothing left for the garbage collector. It is the CSV export's fast path (issue 8: 200k calls
 * at 100k rows/s or more on the unit, whose young generation is small): parsing each record and building its line
 * from strings made about 6 KB of garbage a row.
 *
 * The line is the one csvLine (./csv-stream.ts) makes from the parsed object: the same cells, byte for byte (a
 * property test holds the two equal). That holds for the JSON the journal writes, which is JSON.stringify's own
 * output: no white space, integers written as String() writes them, nested values (a JSON-text column such as
 * holds) already the text JSON.stringify would give. For anything else (white space, a fraction or an exponent
 * in a cell, a key with an escape, an object where a cell is expected, text that is not JSON) `read` says no and
 * the caller parses the record the usual way. No library turns JSON into CSV without building the objects first;
 * hence this file.
 * Config keys: none.
 */
import { csvCell } from './csv-stream.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const APOSTROPHE = 0x27;
const MINUS = 0x2d;
const PLUS = 0x2b;
const EQUALS = 0x3d;
const AT = 0x40;
const STAR = 0x2a;
const HASH = 0x23;
const ZERO = 0x30;
const NINE = 0x39;
const TRUE = Buffer.from('true', 'latin1');
const FALSE = Buffer.from('false', 'latin1');
const NULL = Buffer.from('null', 'latin1');
/** More digits than this and String() may write the number differently from the text (past 2^53). */
const MAX_INTEGER_DIGITS = 15;

function isDigit(b: number): boolean {
  return b >= ZERO && b <= NINE;
}

function hasAt(src: Uint8Array, at: number, end: number, word: Uint8Array): boolean {
  if (at + word.length > end) return false;
  for (let i = 0; i < word.length; i++) if (src[at + i] !== word[i]) return false;
  return true;
}

/** What a JSON escape (the byte after the backslash) stands for; \\u is read apart. */
const ESCAPED: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };

/** The 4 hex digits at `at` as a number, or -1. */
function hex4(src: Uint8Array, at: number, end: number): number {
  if (at + 4 > end) return -1;
  let n = 0;
  for (let i = at; i < at + 4; i++) {
    const c = src[i] as number;
    const d = isDigit(c) ? c - ZERO : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

/** Index after the string that opens at `at` (a quote), or -1 when it is not a JSON string. */
function skipString(src: Uint8Array, at: number, end: number): number {
  for (let i = at + 1; i < end; ) {
    const b = src[i] as number;
    if (b === QUOTE) return i + 1;
    if (b === BACKSLASH) {
      const e = src[i + 1] as number;
      if (e === 0x75) {
        if (hex4(src, i + 2, end) < 0) return -1;
        i += 6;
      } else if (ESCAPED[e] === undefined) return -1;
      else i += 2;
    } else if (b < 0x20) return -1;
    else i++;
  }
  return -1;
}

/** Index after the array or object that opens at `at`; -1 on white space (not JSON.stringify's text) or an unclosed one. */
function skipNested(src: Uint8Array, at: number, end: number): number {
  let depth = 0;
  for (let i = at; i < end; ) {
    const b = src[i] as number;
    if (b === QUOTE) {
      i = skipString(src, i, end);
      if (i < 0) return -1;
      continue;
    }
    if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    } else if (b <= 0x20) return -1;
    i++;
  }
  return -1;
}

/** Index after an integer as String() writes it (no -0, no leading zero, at most 15 digits); -1 otherwise. */
function skipInteger(src: Uint8Array, at: number, end: number): number {
  let i = at;
  if (src[i] === MINUS) i++;
  const digitsAt = i;
  while (i < end && isDigit(src[i] as number)) i++;
  const digits = i - digitsAt;
  if (digits === 0 || digits > MAX_INTEGER_DIGITS) return -1;
  if (src[digitsAt] === ZERO && (digits > 1 || digitsAt > at)) return -1;
  return i;
}

/** Index after any JSON number at `at` (-?int frac? exp?), or -1. */
function skipNumber(src: Uint8Array, at: number, end: number): number {
  let i = at;
  if (src[i] === MINUS) i++;
  const digitsAt = i;
  while (i < end && isDigit(src[i] as number)) i++;
  if (i === digitsAt || (src[digitsAt] === ZERO && i > digitsAt + 1)) return -1;
  if (src[i] === 0x2e) {
    const fractionAt = ++i;
    while (i < end && isDigit(src[i] as number)) i++;
    if (i === fractionAt) return -1;
  }
  if (src[i] === 0x65 || src[i] === 0x45) {
    i++;
    if (src[i] === PLUS || src[i] === MINUS) i++;
    const exponentAt = i;
    while (i < end && isDigit(src[i] as number)) i++;
    if (i === exponentAt) return -1;
  }
  return i;
}

/**
 * Index after the value that starts at `at`, or -1 when it is not JSON this file copies: a cell (`cell`: a
 * string, true, false, null or an integer String() writes the same) or else any value (skipped, or copied as
 * JSON text).
 */
function skipValue(src: Uint8Array, at: number, end: number, cell: boolean): number {
  const b = src[at] as number;
  if (b === QUOTE) return skipString(src, at, end);
  if (b === OPEN_BRACE || b === OPEN_BRACKET) return cell ? -1 : skipNested(src, at, end);
  if (hasAt(src, at, end, TRUE)) return at + TRUE.length;
  if (hasAt(src, at, end, FALSE)) return at + FALSE.length;
  if (hasAt(src, at, end, NULL)) return at + NULL.length;
  return cell ? skipInteger(src, at, end) : skipNumber(src, at, end);
}

function putUtf8(out: Uint8Array, pos: number, cp: number): number {
  if (cp < 0x80) out[pos++] = cp;
  else if (cp < 0x800) {
    out[pos++] = 0xc0 | (cp >> 6);
    out[pos++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    out[pos++] = 0xe0 | (cp >> 12);
    out[pos++] = 0x80 | ((cp >> 6) & 0x3f);
    out[pos++] = 0x80 | (cp & 0x3f);
  } else {
    out[pos++] = 0xf0 | (cp >> 18);
    out[pos++] = 0x80 | ((cp >> 12) & 0x3f);
    out[pos++] = 0x80 | ((cp >> 6) & 0x3f);
    out[pos++] = 0x80 | (cp & 0x3f);
  }
  return pos;
}

/**
 * The UTF-8 bytes of the JSON string content src[at, end) (between its quotes) into out from 0; returns how many,
 * or -1 on a bad escape. A lone surrogate becomes U+FFFD, as when node writes such a string out as UTF-8.
 */
function unescapeInto(src: Uint8Array, at: number, end: number, out: Uint8Array): number {
  let pos = 0;
  for (let i = at; i < end; ) {
    const b = src[i] as number;
    if (b !== BACKSLASH) {
      out[pos++] = b;
      i++;
      continue;
    }
    const e = src[i + 1] as number;
    if (e !== 0x75) {
      const c = ESCAPED[e];
      if (c === undefined) return -1;
      out[pos++] = c;
      i += 2;
      continue;
    }
    let cp = hex4(src, i + 2, end);
    if (cp < 0) return -1;
    i += 6;
    if (cp >= 0xd800 && cp <= 0xdbff && src[i] === BACKSLASH && src[i + 1] === 0x75) {
      const low = hex4(src, i + 2, end);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i += 6;
      }
    }
    pos = putUtf8(out, pos, cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
  }
  return pos;
}

/**
 * Whether a spreadsheet would take the text in buf[at, end) for a formula: FORMULA_START in ./csv-stream.ts
 * (starts with = @ tab or CR, or with + or - followed by anything but digits, * and #).
 */
function isFormula(buf: Uint8Array, at: number, end: number): boolean {
  if (at >= end) return false;
  const c = buf[at] as number;
  if (c === EQUALS || c === AT || c === TAB || c === CR) return true;
  if (c !== PLUS && c !== MINUS) return false;
  for (let i = at + 1; i < end; i++) {
    const d = buf[i] as number;
    if (!isDigit(d) && d !== STAR && d !== HASH) return true;
  }
  return false;
}

/** The text buf[at, end) as one cell: a formula escaped, quoted when it holds a quote, a comma or a line break. */
function putCell(buf: Uint8Array, at: number, end: number, out: Uint8Array, pos: number): number {
  const formula = isFormula(buf, at, end);
  const start = pos;
  if (formula) out[pos++] = APOSTROPHE;
  // Byte by byte: most cells are a few dozen bytes, where Buffer#copy's native call costs more than the loop.
  for (let i = at; i < end; i++) {
    const b = buf[i] as number;
    if (b === QUOTE || b === COMMA || b === CR || b === LF) return putQuoted(buf, at, end, out, start, formula);
    out[pos++] = b;
  }
  return pos;
}

function putQuoted(buf: Uint8Array, at: number, end: number, out: Uint8Array, pos: number, formula: boolean): number {
  out[pos++] = QUOTE;
  if (formula) out[pos++] = APOSTROPHE;
  for (let i = at; i < end; i++) {
    const b = buf[i] as number;
    out[pos++] = b;
    if (b === QUOTE) out[pos++] = QUOTE;
  }
  out[pos++] = QUOTE;
  return pos;
}

/** The decimal digits of a non-negative integer into out at pos. */
function putInteger(n: number, out: Uint8Array, pos: number): number {
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  for (let i = pos + digits - 1, t = n; i >= pos; i--, t = Math.floor(t / 10)) out[i] = ZERO + (t % 10);
  return pos + digits;
}

export class CsvFromJson {
  private readonly keys: Uint8Array[];
  private readonly columnOf: Map<string, number>;
  /** The cells of the fields given in place of the stored ones for the line being written (see write). */
  private readonly given: (string | null)[];
  /** Columns whose cell is the value's JSON text (JSON.stringify of it), not the value. */
  private readonly jsonText: boolean[];
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  private src: Uint8Array = new Uint8Array(0);
  /** `src` as a Buffer, for its latin1 and utf8 decoding (made again only when `src` changes). */
  private srcBuffer: Buffer = Buffer.alloc(0);
  private scratch = new Uint8Array(1024);

  /**
   * `fields`: the record fields, one a column, in column order (after the leading seq column); `jsonTextFields`:
   * those whose cell is JSON.stringify of the value.
   */
  constructor(fields: readonly string[], jsonTextFields: readonly string[] = []) {
    this.keys = fields.map((f) => Buffer.from(f, 'utf8'));
    this.columnOf = new Map(fields.map((f, c) => [f, c]));
    this.given = fields.map(() => null);
    this.jsonText = fields.map((f) => jsonTextFields.includes(f));
    this.from = new Int32Array(fields.length);
    this.to = new Int32Array(fields.length);
  }

  /** The column of the key src[at, end), trying `guess` first (records are written with their keys in one order). */
  private column(src: Uint8Array, at: number, end: number, guess: number): number {
    const n = this.keys.length;
    for (let k = 0; k < n; k++) {
      const c = (guess + k) % n;
      const key = this.keys[c] as Uint8Array;
      if (key.length === end - at && hasAt(src, at, end, key)) return c;
    }
    return -1;
  }

  /**
   * Finds each field's value in the JSON object src[start, end). False when it is not text this file copies
   * exactly (see the header): then nothing from it may be written, and the caller parses it instead.
   */
  read(src: Uint8Array, start: number, end: number): boolean {
    if (src !== this.src) {
      this.src = src;
      this.srcBuffer = Buffer.isBuffer(src) ? src : Buffer.from(src.buffer, src.byteOffset, src.byteLength);
    }
    this.from.fill(-1);
    if (src[start] !== OPEN_BRACE || src[end - 1] !== CLOSE_BRACE) return false;
    let i = start + 1;
    if (src[i] === CLOSE_BRACE) return i + 1 === end;
    let guess = 0;
    for (;;) {
      if (src[i] !== QUOTE) return false;
      const keyAt = i + 1;
      let keyEnd = keyAt;
      while (keyEnd < end && src[keyEnd] !== QUOTE) if (src[keyEnd++] === BACKSLASH) return false;
      if (src[keyEnd + 1] !== COLON) return false;
      const col = this.column(src, keyAt, keyEnd, guess);
      const valueAt = keyEnd + 2;
      i = skipValue(src, valueAt, end, col >= 0 && !this.jsonText[col]);
      if (i < 0) return false;
      if (col >= 0) {
        this.from[col] = valueAt;
        this.to[col] = i;
        guess = col + 1;
      }
      const next = src[i];
      if (next === COMMA) i++;
      else return next === CLOSE_BRACE && i + 1 === end;
    }
  }

  /** The string value of field `col` of the text read, or null when it is absent or not a string. */
  text(col: number): string | null {
    const at = this.from[col] as number;
    const src = this.src;
    if (at < 0 || src[at] !== QUOTE) return null;
    const end = this.to[col] as number;
    for (let i = at + 1; i < end - 1; i++) if ((src[i] as number) >= 0x80 || src[i] === BACKSLASH) return JSON.parse(this.srcBuffer.toString('utf8', at, end)) as string;
    return this.srcBuffer.toString('latin1', at + 1, end - 1);
  }

  /** The most bytes `write` can take for the text read: every byte doubled, plus each cell's quotes and mark. */
  maxBytes(): number {
    let n = 32;
    for (let c = 0; c < this.keys.length; c++) {
      const at = this.from[c] as number;
      n += at < 0 ? 1 : 2 * ((this.to[c] as number) - at) + 4;
    }
    return n;
  }

  /**
   * Has the next `write` put the fields of `over` in place of the stored ones (cells made by csvCell, as in the
   * line of a parsed record with them laid over). Returns the most bytes those cells take.
   */
  layOver(over: Readonly<Record<string, unknown>>): number {
    let bytes = 0;
    for (const field in over) {
      const c = this.columnOf.get(field);
      if (c === undefined) continue;
      const value = over[field];
      const cell = csvCell(this.jsonText[c] ? JSON.stringify(value) : value);
      this.given[c] = cell;
      bytes += 3 * cell.length;
    }
    return bytes;
  }

  /**
   * Writes the CSV line of `seq` and the text read (CRLF at its end) into out at pos, which has room for
   * maxBytes() (and what layOver returned); returns where the line ends.
   */
  write(seq: number, out: Buffer, pos: number): number {
    pos = putInteger(seq, out, pos);
    const src = this.src;
    for (let c = 0; c < this.keys.length; c++) {
      out[pos++] = COMMA;
      const given = this.given[c];
      if (given != null) {
        pos += out.write(given, pos, 'utf8');
        this.given[c] = null;
        continue;
      }
      const at = this.from[c] as number;
      if (at < 0) continue;
      const end = this.to[c] as number;
      if (this.jsonText[c]) pos = putCell(src, at, end, out, pos);
      else if (src[at] === QUOTE) pos = this.putString(at + 1, end - 1, out, pos);
      else if (src[at] !== NULL[0]) for (let i = at; i < end; i++) out[pos++] = src[i] as number;
    }
    out[pos++] = CR;
    out[pos++] = LF;
    return pos;
  }

  /** The JSON string content src[at, end) as a cell. */
  private putString(at: number, end: number, out: Uint8Array, pos: number): number {
    const src = this.src;
    let escaped = false;
    for (let i = at; i < end; i++)
      if (src[i] === BACKSLASH) {
        escaped = true;
        break;
      }
    if (!escaped) return putCell(src, at, end, out, pos);
    if (this.scratch.length < end - at) this.scratch = new Uint8Array(2 * (end - at));
    const n = unescapeInto(src, at, end, this.scratch);
    if (n < 0) throw new Error(`bad JSON escape in a stored record at byte ${at}`);
    return putCell(this.scratch, 0, n, out, pos);
  }
}

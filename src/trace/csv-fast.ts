/**
 * A line splitter for delimited files without quotes.
 *
 * csv-parse reads about 0.14 million rows/s here (Node 20, 2-core machine,
 * a 1M-row time,key,size file), far below the 1.5 million rows/s that
 * ingest needs. It builds every field of every row as a string, and a
 * record object per row. Most trace files have no quotes at all; for
 * them this splitter scans the bytes once and makes strings only for the
 * fields the trace uses.
 *
 * A row whose fields are plain (short decimals for numbers, ASCII keys) is
 * read straight from its bytes. Any other row goes
 * through the same `RowInterpreter` as with csv-parse, which reads it or
 * raises the error, so both splitters accept and reject the same rows; a
 * test reads the same files through both and compares the traces.
 */
import type { Readable } from 'node:stream';
import type { Columns, RowSource } from './csv-row.js';
import { KeyDictionary } from './key-dictionary.js';
import type { OpCode, TraceBuilder } from './trace.js';

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const MINUS = 0x2d;
const ZERO = 0x30;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const POINT = 0x2e;
const HASH = 0x23;
/** Largest n for which 10^n is an exact double. */
const MAX_EXACT_POWER_OF_TEN = 22;
// Parsed from text, which V8 rounds correctly, so each power is exact.
const POWERS_OF_TEN = Array.from({ length: MAX_EXACT_POWER_OF_TEN + 1 }, (_, n) => Number(`1e${n}`));
const NEEDS_TEXT = 1;
const NEEDS_BYTES = 2;

/** Receiver of the splitter's rows, implemented by the CSV reader. */
export interface RowSink {
  /** Columns once the first row is taken; undefined before. */
  readonly columns: Columns | undefined;
  /** Takes the first non-blank row (a header or the first request). */
  start(record: string[], row: RowSource): void;
  /** Takes a later non-blank row through the full, string-based checks. */
  add(row: RowSource): void;
  /** Counts a skipped line that is empty or holds only delimiters and spaces. */
  countBlankLine(): void;
  /** Counts a skipped comment line: its first non-space character is `#`. */
  countCommentLine(): void;
  /**
   * Rules for reading plain rows straight from bytes, or undefined while
   * every row must go through `add` (the first time decides its origin).
   */
  fastRules(): FastRules | undefined;
}

/** Reader settings that a row read from bytes needs. */
export interface FastRules {
  readonly builder: TraceBuilder;
  readonly sizeScale: number;
  /** Op code of an operation field, cached by the caller. */
  opCode(field: string): OpCode;
}

/** Tells whether the fast splitter can read a file that starts with `prefix`. */
export function canSplitSimply(prefix: Buffer, delimiter: string): boolean {
  return delimiter.length === 1 && delimiter.charCodeAt(0) < 0x80 && !prefix.includes(QUOTE);
}

/**
 * Splits the stream into rows and sends them to `sink`. Returns false,
 * having stopped reading, as soon as a chunk contains a quote character.
 */
export async function readSimpleCsv(
  stream: Readable,
  delimiter: string,
  sink: RowSink,
): Promise<boolean> {
  const row = new SimpleRow(delimiter.charCodeAt(0), sink);
  let carry: Buffer | undefined;
  let isFirstChunk = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (chunk.includes(QUOTE)) return false;
      let data = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
      if (isFirstChunk) {
        data = withoutByteOrderMark(data);
        isFirstChunk = false;
      }
      let start = 0;
      for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
        row.read(data, start, end);
        start = end + 1;
      }
      carry = start < data.length ? data.subarray(start) : undefined;
    }
  } finally {
    stream.destroy();
  }
  if (carry !== undefined) row.read(carry, 0, carry.length);
  return true;
}

function withoutByteOrderMark(data: Buffer): Buffer {
  const hasMark = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  return hasMark ? data.subarray(3) : data;
}

/** The current row; reused for every line so that no object is made per row. */
class SimpleRow implements RowSource {
  fields: (string | undefined)[] = [];
  fieldCount = 0;
  line = 0;
  readonly #delimiter: number;
  /** False when `#` is the delimiter, which leaves no comment marker. */
  readonly #hasComments: boolean;
  readonly #sink: RowSink;
  /** Use of each 0-based field position: 0 (unused), text or bytes. */
  #needs = new Uint8Array(0);
  #keyPosition = -1;
  #isFirstRow = false;
  #fieldStarts = new Int32Array(0);
  #fieldEnds = new Int32Array(0);
  /** Operation names seen so far and their op codes, by dictionary id. */
  readonly #opNames = new KeyDictionary();
  readonly #opCodes: number[] = [];
  readonly #keyScratch = new Uint8Array(1024);
  #keyStart = 0;
  #keyEnd = 0;
  #data: Buffer = Buffer.alloc(0);
  #start = 0;
  #end = 0;

  constructor(delimiter: number, sink: RowSink) {
    this.#delimiter = delimiter;
    this.#hasComments = delimiter !== HASH;
    this.#sink = sink;
  }

  text(): string {
    return this.#data.toString('utf8', this.#start, this.#end);
  }

  /** Reads the line `data[start, end)`, without its newline. */
  read(data: Buffer, start: number, end: number): void {
    this.line++;
    if (end > start && data[end - 1] === RETURN) end--;
    this.#data = data;
    this.#start = start;
    this.#end = end;
    if (isBlank(data, start, end, this.#delimiter)) {
      this.#sink.countBlankLine();
    } else if (this.#hasComments && isComment(data, start, end, this.#delimiter)) {
      this.#sink.countCommentLine();
    } else if (this.#sink.columns === undefined) {
      const record = this.#splitAll();
      this.fields = record;
      this.fieldCount = record.length;
      this.#isFirstRow = true;
      this.#sink.start(record, this);
      this.#isFirstRow = false;
      this.#markNeeded();
    } else if (!this.#readPlain()) {
      this.#splitNeeded();
      this.#sink.add(this);
    }
  }

  #splitAll(): string[] {
    const record: string[] = [];
    let fieldStart = this.#start;
    for (let p = this.#start; p <= this.#end; p++) {
      if (p === this.#end || this.#data[p] === this.#delimiter) {
        record.push(this.#field(fieldStart, p));
        fieldStart = p + 1;
      }
    }
    return record;
  }

  keyId(position: number, dictionary: KeyDictionary): number {
    if (position >= this.fieldCount) return -1;
    // Only rows split by #splitNeeded have the key as a byte range; the
    // first row has every field as text.
    if (position !== this.#keyPosition || this.#isFirstRow) {
      const field = this.fields[position];
      return field === undefined || field === '' ? -1 : dictionary.idOfText(field);
    }
    const start = this.#keyStart;
    const end = this.#keyEnd;
    if (start === end) return -1;
    const data = this.#data;
    for (let p = start; p < end; p++) {
      if (data[p] > 0x7f) return dictionary.idOfText(data.toString('utf8', start, end));
    }
    return dictionary.idOfAsciiBytes(data, start, end);
  }

  /**
   * Reads the row straight from its bytes when every needed field is plain;
   * returns false, having added nothing, when it is not.
   */
  #readPlain(): boolean {
    const rules = this.#sink.fastRules();
    if (rules === undefined || !this.#locateFields()) return false;
    const columns = this.#sink.columns!;
    const builder = rules.builder;
    const time = columns.time === -1 ? builder.length : this.#numberAt(columns.time);
    if (!Number.isFinite(time)) return false;
    let size = 1;
    if (columns.size.length > 0) {
      size = 0;
      for (const position of columns.size) {
        const value = this.#numberAt(position);
        if (!(Number.isSafeInteger(value) && value >= 0)) return false;
        size += value;
      }
      size *= rules.sizeScale;
    }
    const op = columns.op === -1 ? 0 : this.#opAt(columns.op, rules);
    if (op === -1) return false;
    const count = columns.count === -1 ? 1 : this.#numberAt(columns.count);
    if (!(Number.isSafeInteger(count) && count >= 1)) return false;
    const keyId = this.#plainKeyId(columns, builder.dictionary);
    if (keyId === -1) return false;
    for (let i = 0; i < count; i++) builder.addKeyId(time, keyId, size, op as OpCode);
    return true;
  }

  /** Records each needed field's trimmed byte range; false if one is missing. */
  #locateFields(): boolean {
    const data = this.#data;
    const end = this.#end;
    const last = this.#needs.length;
    const starts = this.#fieldStarts;
    const ends = this.#fieldEnds;
    let index = 0;
    let fieldStart = this.#start;
    for (let p = fieldStart; p <= end; p++) {
      if (p === end || data[p] === this.#delimiter) {
        let from = fieldStart;
        let to = p;
        while (from < to && isTrimmed(data[from], this.#delimiter)) from++;
        while (to > from && isTrimmed(data[to - 1], this.#delimiter)) to--;
        starts[index] = from;
        ends[index] = to;
        if (++index === last) return true;
        fieldStart = p + 1;
      }
    }
    return false;
  }

  /**
   * Parses a number field. A plain decimal (an optional minus sign, digits
   * and at most one point) whose digits form an integer below 2^53 and that
   * has at most 22 fraction digits is read from the bytes as that integer
   * divided by a power of ten. Both are exact doubles and IEEE division
   * rounds correctly, so the result equals `Number()` of the text (Clinger's
   * fast path). Anything else goes through `Number()` of the text, as the
   * row interpreter reads it. An empty field gives NaN.
   */
  #numberAt(position: number): number {
    const data = this.#data;
    const start = this.#fieldStarts[position];
    const end = this.#fieldEnds[position];
    let p = start;
    const isNegative = p < end && data[p] === MINUS;
    if (isNegative) p++;
    if (p === end) return NaN;
    let digits = 0;
    let fractionDigits = -1;
    for (; p < end; p++) {
      const byte = data[p];
      if (byte === POINT && fractionDigits === -1) {
        fractionDigits = 0;
        continue;
      }
      const digit = byte - ZERO;
      if (digit < 0 || digit > 9) return Number(data.toString('utf8', start, end));
      digits = digits * 10 + digit;
      if (fractionDigits !== -1) fractionDigits++;
    }
    const isExact = digits <= Number.MAX_SAFE_INTEGER && fractionDigits <= MAX_EXACT_POWER_OF_TEN;
    const isLonePoint = fractionDigits === 0 && end - start === (isNegative ? 2 : 1);
    if (!isExact || isLonePoint) return Number(data.toString('utf8', start, end));
    const value = fractionDigits > 0 ? digits / POWERS_OF_TEN[fractionDigits] : digits;
    return isNegative ? -value : value;
  }

  #opAt(position: number, rules: FastRules): number {
    const start = this.#fieldStarts[position];
    const end = this.#fieldEnds[position];
    if (start === end || !isAsciiRange(this.#data, start, end)) return -1;
    const id = this.#opNames.idOfAsciiBytes(this.#data, start, end);
    if (id === this.#opCodes.length) this.#opCodes.push(rules.opCode(this.#opNames.textOf(id)));
    return this.#opCodes[id];
  }

  /** Key id of a plain ASCII key; composite keys are joined as the interpreter does. */
  #plainKeyId(columns: Columns, dictionary: KeyDictionary): number {
    const data = this.#data;
    if (columns.key.length === 1) {
      const start = this.#fieldStarts[columns.key[0]];
      const end = this.#fieldEnds[columns.key[0]];
      if (start === end || !isAsciiRange(data, start, end)) return -1;
      return dictionary.idOfAsciiBytes(data, start, end);
    }
    let fill = 0;
    const scratch = this.#keyScratch;
    for (let i = 0; i < columns.key.length; i++) {
      const start = this.#fieldStarts[columns.key[i]];
      const end = this.#fieldEnds[columns.key[i]];
      // Parts needing escapes, or too long for the scratch, take the slow path.
      if (start === end || fill + end - start + 1 > scratch.length) return -1;
      if (i > 0) scratch[fill++] = COLON;
      for (let p = start; p < end; p++) {
        const byte = data[p];
        if (byte > 0x7f || byte === COLON || byte === BACKSLASH) return -1;
        scratch[fill++] = byte;
      }
    }
    return dictionary.idOfAsciiBytes(scratch, 0, fill);
  }

  /**
   * Marks the fields the trace uses: a single key column is looked up from
   * its bytes, the others become strings.
   */
  #markNeeded(): void {
    const columns = this.#sink.columns!;
    const positions = [...columns.key, columns.time, ...columns.size, columns.op, columns.count]
      .filter((position) => position >= 0);
    this.#needs = new Uint8Array(Math.max(...positions) + 1);
    for (const position of positions) this.#needs[position] = NEEDS_TEXT;
    if (columns.key.length === 1) {
      this.#keyPosition = columns.key[0];
      this.#needs[this.#keyPosition] = NEEDS_BYTES;
    }
    this.fields = new Array<string | undefined>(this.#needs.length).fill(undefined);
    this.#fieldStarts = new Int32Array(this.#needs.length);
    this.#fieldEnds = new Int32Array(this.#needs.length);
  }

  /** Makes strings only for needed fields and stops after the last one. */
  #splitNeeded(): void {
    const data = this.#data;
    const end = this.#end;
    const needs = this.#needs;
    const last = needs.length;
    let index = 0;
    let fieldStart = this.#start;
    for (let p = fieldStart; p <= end; p++) {
      if (p === end || data[p] === this.#delimiter) {
        const need = needs[index];
        if (need === NEEDS_TEXT) this.fields[index] = this.#field(fieldStart, p);
        else if (need === NEEDS_BYTES) this.#trimKey(fieldStart, p);
        index++;
        if (index === last) break;
        fieldStart = p + 1;
      }
    }
    this.fieldCount = index;
  }

  #trimKey(start: number, end: number): void {
    const data = this.#data;
    const delimiter = this.#delimiter;
    while (start < end && isTrimmed(data[start], delimiter)) start++;
    while (end > start && isTrimmed(data[end - 1], delimiter)) end--;
    this.#keyStart = start;
    this.#keyEnd = end;
  }

  /**
   * Returns a field's text without surrounding spaces and tabs (the ones
   * that are not the delimiter), as csv-parse's `trim` option does.
   */
  #field(start: number, end: number): string {
    const data = this.#data;
    const delimiter = this.#delimiter;
    while (start < end && isTrimmed(data[start], delimiter)) start++;
    while (end > start && isTrimmed(data[end - 1], delimiter)) end--;
    return data.toString('utf8', start, end);
  }
}

function isTrimmed(byte: number, delimiter: number): boolean {
  return (byte === SPACE || byte === TAB) && byte !== delimiter;
}

function isAsciiRange(data: Buffer, start: number, end: number): boolean {
  for (let p = start; p < end; p++) {
    if (data[p] > 0x7f) return false;
  }
  return true;
}

/**
 * Tells whether a line has nothing but spaces, tabs and delimiters, which
 * csv-parse with `trim` returns as a record of empty fields.
 */
function isBlank(data: Buffer, start: number, end: number, delimiter: number): boolean {
  for (let p = start; p < end; p++) {
    const byte = data[p];
    if (byte !== SPACE && byte !== TAB && byte !== RETURN && byte !== delimiter) return false;
  }
  return true;
}

/**
 * Tells whether the first character after leading spaces and tabs is `#`,
 * which is where csv-parse's `comment` option with `comment_no_infix`
 * starts a comment.
 */
function isComment(data: Buffer, start: number, end: number, delimiter: number): boolean {
  let p = start;
  while (p < end && isTrimmed(data[p], delimiter)) p++;
  return p < end && data[p] === HASH;
}

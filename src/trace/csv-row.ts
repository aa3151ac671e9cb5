import { TraceParseError } from '../errors.js';
import type { KeyDictionary } from './key-dictionary.js';
import { Op, type OpCode, type TraceBuilder } from './trace.js';

/** Marks an optional column that the file does not have. */
export const NONE = -1;

/** Column positions (0-based) resolved against the header or first row. */
export interface Columns {
  /** One position, or several whose fields together form the key. */
  key: readonly number[];
  time: number;
  /** One position, or several whose values add up to the size. */
  size: readonly number[];
  op: number;
  /** Column giving how many times the row is issued (Meta's op_count). */
  count: number;
  /** Header names, for messages; absent without a header. */
  names?: readonly string[];
}

/** Rules for turning fields into requests, which presets fill in. */
export interface RowRules {
  /** Multiplies each size field: 512 for sizes in sectors. Default 1. */
  sizeScale?: number;
  /** Maps an operation field to an op code. Default: `parseOpName`. */
  parseOp?: (field: string) => OpCode;
  /** Skip and count invalid rows instead of stopping. */
  skipInvalid?: boolean;
}

/** The row being read, as the line splitter provides it. */
export interface RowSource {
  /** Fields of the row; only the positions in `Columns` need be filled. */
  readonly fields: readonly (string | undefined)[];
  /** Number of fields the row has (at least past the last needed one). */
  readonly fieldCount: number;
  /** 1-based line number of the row in the decompressed file. */
  readonly line: number;
  /** The row's whole text, for messages; only called on an error. */
  text(): string;
  /**
   * Returns the dictionary id of the key in field `position`, or -1 when
   * the field is missing or empty. Only called for a single key column.
   */
  keyId(position: number, dictionary: KeyDictionary): number;
}

const READ_NAMES = ['r', 'read', 'get', 'gets', 'get_lease'];
const WRITE_NAMES = [
  'w', 'write', 'set', 'set_lease', 'add', 'cas', 'replace', 'append',
  'prepend', 'incr', 'decr', 'put', 'update',
];

/**
 * Maps common operation names (case-insensitive) to op codes: reads such
 * as `get` and `R`, writes such as `set` and `W`; anything else is
 * `Op.Other` (deletes, SCSI opcodes other than read and write).
 */
export function parseOpName(field: string): OpCode {
  const name = field.toLowerCase();
  if (READ_NAMES.includes(name)) return Op.Read;
  if (WRITE_NAMES.includes(name)) return Op.Write;
  return Op.Other;
}

/** Integer text, for the exact big-integer time path. */
const INTEGER_TEXT = /^-?[0-9]+$/;
const ESCAPED_KEY_PART = /[:\\]/g;

/**
 * Turns the fields of each row into requests on a `TraceBuilder`. Both CSV
 * line splitters (csv-parse and the fast path) go through this one class,
 * so they accept and reject exactly the same rows with the same messages.
 */
export class RowInterpreter {
  readonly #path: string;
  readonly #columns: Columns;
  readonly #builder: TraceBuilder;
  readonly #sizeScale: number;
  readonly #parseOp: (field: string) => OpCode;
  readonly #opCache = new Map<string, OpCode>();
  readonly #skipInvalid: boolean;
  #isFirstTime = true;
  #timeOrigin: bigint | undefined;
  #timeOriginText: string | undefined;

  constructor(path: string, columns: Columns, builder: TraceBuilder, rules: RowRules) {
    this.#path = path;
    this.#columns = columns;
    this.#builder = builder;
    this.#sizeScale = rules.sizeScale ?? 1;
    this.#parseOp = rules.parseOp ?? parseOpName;
    this.#skipInvalid = rules.skipInvalid ?? false;
  }

  /** Whether rows have a time column; without one, time is the row index. */
  get hasTime(): boolean {
    return this.#columns.time !== NONE;
  }

  /**
   * Whether a plain integer time can be taken as it is: true once the
   * first row has shown that times are not offsets from a big origin.
   */
  get acceptsPlainTimes(): boolean {
    return this.#columns.time === NONE || (!this.#isFirstTime && this.#timeOrigin === undefined);
  }

  get builder(): TraceBuilder {
    return this.#builder;
  }

  get sizeScale(): number {
    return this.#sizeScale;
  }

  /** Exact text of the time origin when times are big integers. */
  get timeOrigin(): string | undefined {
    return this.#timeOriginText;
  }

  /** Reads one row; throws `TraceParseError` unless invalid rows are skipped. */
  add(row: RowSource): void {
    try {
      this.#add(row);
    } catch (error) {
      if (!(this.#skipInvalid && error instanceof TraceParseError)) throw error;
      this.#builder.stats.skippedInvalidRows++;
    }
  }

  #add(row: RowSource): void {
    const columns = this.#columns;
    const time =
      columns.time === NONE
        ? this.#builder.length
        : this.#time(this.#field(row, columns.time, 'time'), row);
    const size = columns.size.length === 0 ? 1 : this.#size(row);
    const op = columns.op === NONE ? Op.Read : this.opCode(this.#field(row, columns.op, 'op'));
    const count = columns.count === NONE ? 1 : this.#count(row);
    // The key comes last: a row rejected for another field must not add
    // its key to the dictionary.
    const keyId = this.#keyId(row);
    for (let i = 0; i < count; i++) this.#builder.addKeyId(time, keyId, size, op);
  }

  #keyId(row: RowSource): number {
    const positions = this.#columns.key;
    const dictionary = this.#builder.dictionary;
    if (positions.length > 1) return dictionary.idOfText(this.#compositeKey(row));
    const id = row.keyId(positions[0], dictionary);
    // A missing key makes #field throw with the message.
    return id !== -1 ? id : dictionary.idOfText(this.#field(row, positions[0], 'key'));
  }

  #compositeKey(row: RowSource): string {
    const positions = this.#columns.key;
    let key = '';
    for (let i = 0; i < positions.length; i++) {
      const part = this.#field(row, positions[i], 'key');
      // Escaping keeps ("a:b", "c") and ("a", "b:c") two different keys.
      key += (i === 0 ? '' : ':') + part.replace(ESCAPED_KEY_PART, '\\$&');
    }
    return key;
  }

  /** Returns a non-empty field or throws naming the column. */
  #field(row: RowSource, position: number, what: string): string {
    const field = position < row.fieldCount ? row.fields[position] : undefined;
    if (field !== undefined && field !== '') return field;
    // A row of only empty fields never gets here: both splitters skip it
    // as a blank line.
    throw this.#error(
      row,
      `${what} field (column ${position + 1}) is missing in ${JSON.stringify(row.text())}; fix the row or pass --skip-invalid`,
    );
  }

  #columnName(position: number): string {
    const name = this.#columns.names?.[position];
    return name === undefined ? `column ${position + 1}` : `"${name}"`;
  }

  /**
   * Parses a time. When the first row's time is an integer beyond 2^53
   * (FILETIME ticks, Unix nanoseconds), every time is kept as its exact
   * offset from that first time, computed in BigInt, so that no two
   * distinct times are rounded together or out of order.
   */
  #time(field: string, row: RowSource): number {
    const value = Number(field);
    if (!Number.isFinite(value)) {
      throw this.#error(row, `time ${JSON.stringify(field)} is not a number; fix the row or pass --skip-invalid`);
    }
    if (this.#isFirstTime) {
      this.#isFirstTime = false;
      if (!Number.isSafeInteger(value) && INTEGER_TEXT.test(field)) {
        this.#timeOrigin = BigInt(field);
        this.#timeOriginText = field;
      }
    }
    const origin = this.#timeOrigin;
    if (origin === undefined) return value;
    if (INTEGER_TEXT.test(field)) return Number(BigInt(field) - origin);
    return value - Number(origin);
  }

  #size(row: RowSource): number {
    const positions = this.#columns.size;
    let size = 0;
    for (const position of positions) {
      const field = this.#field(row, position, 'size');
      const value = Number(field);
      if (!Number.isSafeInteger(value) || value < 0) {
        throw this.#error(
          row,
          `size ${JSON.stringify(field)} is not a whole number of bytes >= 0; fix the row or pass --skip-invalid`,
        );
      }
      size += value;
    }
    return size * this.#sizeScale;
  }

  /** Op code of an operation field, cached per distinct field text. */
  opCode(field: string): OpCode {
    let op = this.#opCache.get(field);
    if (op === undefined) {
      op = this.#parseOp(field);
      this.#opCache.set(field, op);
    }
    return op;
  }

  #count(row: RowSource): number {
    const field = this.#field(row, this.#columns.count, 'count');
    const count = Number(field);
    if (!Number.isSafeInteger(count) || count < 1) {
      throw this.#error(
        row,
        `${this.#columnName(this.#columns.count)} ${JSON.stringify(field)} is not a whole number of requests >= 1; fix the row or pass --skip-invalid`,
      );
    }
    return count;
  }

  #error(row: RowSource, message: string): TraceParseError {
    return new TraceParseError(`${this.#path}:${row.line}: ${message}`);
  }
}

import {
  copyInto,
  isWholeUint32,
  sharedColumn,
  SIZE_TYPES,
  sizeTypeIndex,
  type ColumnType,
} from './columns.js';
import { KeyDictionary } from './key-dictionary.js';
import { keyCountOfTrace, withKeyTable } from './key-table.js';

/**
 * Columnar in-memory trace: one typed-array column per request field plus the
 * dictionary that maps dense key ids back to the key text of the file.
 *
 * Keys are compared by the exact text of their field (`007` and `7` are two
 * keys), so ids above 2^53 never lose their identity through a JS number.
 */
export interface Trace {
  /** Number of requests. */
  readonly length: number;
  /**
   * Request time in the trace's own clock unit (see `timeUnit`). Times that
   * are all whole numbers in 0..2^32-1 are held in a `Uint32Array`, half
   * the memory of a `Float64Array`; either way every value is exact.
   */
  readonly times: TimeColumn;
  /** Dense key id of each request: index into `keys`. */
  readonly keyIds: Uint32Array;
  /**
   * Object size in bytes (1 when the format has no size), in the narrowest
   * of `Uint8Array`, `Uint16Array`, `Uint32Array` and `Float64Array` that
   * stores every size exactly.
   */
  readonly sizes: SizeColumn;
  /** Operation code of each request (see `Op`). */
  readonly ops: Uint8Array;
  /**
   * Key text for each dense id, in order of first appearance. Readers and
   * the trace cache make it on first read from a compact table (see
   * `withKeyTable`); `distinctKeys(trace)` counts keys without that cost.
   */
  readonly keys: readonly string[];
  /** Description of the source: a file path or a generator name. */
  readonly source: string;
  /** Unit of `times`, as written in reports ("s", "us", "index"). */
  readonly timeUnit: string;
  /**
   * Exact text of the file time that `times` count from, when the file's
   * times are integers too large for a double (Windows FILETIME ticks, Unix
   * nanoseconds); `times` are then offsets from it. Absent otherwise.
   */
  readonly timeOrigin?: string;
  /** Reading statistics gathered while the trace was built. */
  readonly stats: TraceReadStats;
}

/** Storage of the times column; see `Trace.times`. */
export type TimeColumn = Float64Array | Uint32Array;
/** Storage of the sizes column; see `Trace.sizes`. */
export type SizeColumn = Float64Array | Uint32Array | Uint16Array | Uint8Array;

/** Operation of a request; formats without one use `Op.Read`. */
export const Op = { Read: 0, Write: 1, Other: 2 } as const;
export type OpCode = (typeof Op)[keyof typeof Op];

/** Counts of row-level events noticed while reading a trace. */
export interface TraceReadStats {
  /**
   * Requests whose time is earlier than the previous request's. The engine
   * replays in file order and holds its clock at the latest time.
   */
  backwardTimestamps: number;
  /**
   * Blank lines that were skipped, counting a line of only delimiters and
   * spaces (`,,`) as blank.
   */
  skippedBlankLines: number;
  /** Invalid rows skipped because the caller allowed it. */
  skippedInvalidRows: number;
  /**
   * Rows that the format defines as no request: text lines whose first
   * character other than a space or tab is `#` (comments), and lackey
   * instruction fetches.
   */
  ignoredRows: number;
  /** Requests whose size is 0 bytes. */
  zeroSizeRequests: number;
  /** Requests whose size differs from the previous request for their key. */
  resizedRequests: number;
}

/** Returns statistics with every count at zero. */
export function emptyReadStats(): TraceReadStats {
  return {
    backwardTimestamps: 0,
    skippedBlankLines: 0,
    skippedInvalidRows: 0,
    ignoredRows: 0,
    zeroSizeRequests: 0,
    resizedRequests: 0,
  };
}

/** Requests per chunk once the first chunk is full. */
const CHUNK_REQUESTS = 1 << 16;

/** One block of column storage; the builder appends chunks, never copies. */
interface Chunk {
  times: TimeColumn;
  keyIds: Uint32Array;
  sizes: SizeColumn;
  ops: Uint8Array;
}

/**
 * Growable columnar builder. Requests go into fixed chunks, so appending
 * never copies earlier requests; `build` joins the chunks one column at a
 * time, so peak memory is the chunks plus one finished column.
 *
 * A reader that can estimate the request count (from the file size) passes
 * it as `capacityHint`: when the estimate is not too low, the first chunk
 * is the whole trace and `build` hands out views of it without any copy.
 *
 * Times start in a `Uint32Array` and sizes in a `Uint8Array`. The first
 * value that such a column cannot store exactly converts that column of
 * every chunk to the next wider type (see `Trace.times`, `Trace.sizes`).
 */
export class TraceBuilder {
  readonly #chunks: Chunk[] = [];
  #current: Chunk;
  #fill = 0;
  #length = 0;
  readonly #dictionary = new KeyDictionary();
  /** Size of the latest request per key id, for `resizedRequests`. */
  #lastSize = new Float64Array(1024);
  /** Key ids below this have had a request. */
  #seenKeys = 0;
  /**
   * True while every request so far has had the size `#uniformSize` (NaN
   * before the first). `#lastSize` is then not kept: a trace without a size
   * column skips a per-key random access on every row.
   */
  #isSizeUniform = true;
  #uniformSize = NaN;
  #previousTime = -Infinity;
  #isTimeWide = false;
  /** Index into `SIZE_TYPES` of the sizes column's type; its length means f64. */
  #sizeType = 0;
  /** Largest whole size that the sizes column stores while not f64. */
  #sizeMax: number = SIZE_TYPES[0].max;
  readonly stats: TraceReadStats = emptyReadStats();

  constructor(capacityHint = 1024) {
    this.#current = this.#allocateChunk(Math.max(16, Math.ceil(capacityHint)));
    this.#chunks.push(this.#current);
  }

  get length(): number {
    return this.#length;
  }

  /** Number of distinct keys added so far. */
  get keyCount(): number {
    return this.#dictionary.size;
  }

  /** The key dictionary, for readers that look keys up as bytes. */
  get dictionary(): KeyDictionary {
    return this.#dictionary;
  }

  /** Appends one request; `key` is the exact key text of the row. */
  add(time: number, key: string, sizeBytes: number, op: OpCode): void {
    this.addKeyId(time, this.#dictionary.idOfText(key), sizeBytes, op);
  }

  /** Appends one request whose key id came from `dictionary`. */
  addKeyId(time: number, keyId: number, sizeBytes: number, op: OpCode): void {
    if (sizeBytes === this.#uniformSize) {
      // Every size so far is this one, so no key can have been resized.
      if (keyId >= this.#seenKeys) this.#seenKeys = keyId + 1;
    } else {
      this.#noteSize(keyId, sizeBytes);
    }
    if (sizeBytes === 0) this.stats.zeroSizeRequests++;
    if (time < this.#previousTime) this.stats.backwardTimestamps++;
    this.#previousTime = time;
    if (!this.#isTimeWide && !isWholeUint32(time)) this.#widenTimes();
    const isSizeWide = this.#sizeType === SIZE_TYPES.length;
    if (!isSizeWide && !(sizeBytes <= this.#sizeMax && isWholeUint32(sizeBytes))) {
      this.#widenSizesFor(sizeBytes);
    }
    if (this.#fill === this.#current.keyIds.length) this.#addChunk();
    const chunk = this.#current;
    const i = this.#fill++;
    chunk.times[i] = time;
    chunk.keyIds[i] = keyId;
    chunk.sizes[i] = sizeBytes;
    // Chunks start zeroed, which is Op.Read, and a page that is never
    // written never becomes resident: the ops of an all-read trace are free.
    if (op !== Op.Read) chunk.ops[i] = op;
    this.#length++;
  }

  #allocateChunk(capacity: number): Chunk {
    return {
      times: sharedColumn(this.#timeType(), capacity),
      keyIds: sharedColumn(Uint32Array, capacity),
      sizes: sharedColumn(this.#sizeColumnType(), capacity),
      ops: sharedColumn(Uint8Array, capacity),
    };
  }

  #timeType(): ColumnType<TimeColumn> {
    return this.#isTimeWide ? Float64Array : Uint32Array;
  }

  #sizeColumnType(): ColumnType<SizeColumn> {
    const type = SIZE_TYPES[this.#sizeType];
    return type === undefined ? Float64Array : type.Type;
  }

  #addChunk(): void {
    this.#current = this.#allocateChunk(CHUNK_REQUESTS);
    this.#chunks.push(this.#current);
    this.#fill = 0;
  }

  #widenTimes(): void {
    this.#isTimeWide = true;
    for (const chunk of this.#chunks) chunk.times = copyInto(chunk.times, Float64Array);
  }

  #widenSizesFor(sizeBytes: number): void {
    const index = sizeTypeIndex(sizeBytes);
    if (index <= this.#sizeType) return;
    this.#sizeType = index;
    this.#sizeMax = index < SIZE_TYPES.length ? SIZE_TYPES[index].max : Infinity;
    const Type = this.#sizeColumnType();
    for (const chunk of this.#chunks) chunk.sizes = copyInto(chunk.sizes, Type);
  }

  /** Tracks sizes per key once they are not all equal, counting resizes. */
  #noteSize(keyId: number, sizeBytes: number): void {
    if (this.#isSizeUniform) {
      if (this.#length === 0) {
        this.#uniformSize = sizeBytes;
        this.#seenKeys = keyId + 1;
        return;
      }
      this.#leaveUniformSize();
    }
    if (keyId >= this.#seenKeys) {
      this.#seenKeys = keyId + 1;
      while (keyId >= this.#lastSize.length) this.#growSizes();
      this.#lastSize[keyId] = sizeBytes;
    } else if (this.#lastSize[keyId] !== sizeBytes) {
      this.stats.resizedRequests++;
      this.#lastSize[keyId] = sizeBytes;
    }
  }

  /** Gives every key seen so far the one size they all had until now. */
  #leaveUniformSize(): void {
    while (this.#seenKeys > this.#lastSize.length) this.#growSizes();
    this.#lastSize.fill(this.#uniformSize, 0, this.#seenKeys);
    this.#isSizeUniform = false;
    this.#uniformSize = NaN;
  }

  #growSizes(): void {
    const grown = new Float64Array(this.#lastSize.length * 2);
    grown.set(this.#lastSize);
    this.#lastSize = grown;
  }

  /**
   * Returns the finished trace. The builder must not be used afterwards:
   * the trace may share its storage.
   */
  build(source: string, timeUnit: string, timeOrigin?: string): Trace {
    const n = this.#length;
    const fields: Omit<Trace, 'keys'> = {
      length: n,
      times: this.#join('times', this.#timeType()),
      keyIds: this.#join('keyIds', Uint32Array),
      sizes: this.#join('sizes', this.#sizeColumnType()),
      ops: this.#join('ops', Uint8Array),
      source,
      timeUnit,
      stats: { ...this.stats },
      ...(timeOrigin === undefined ? {} : { timeOrigin }),
    };
    const table = this.#dictionary.table();
    return Array.isArray(table) ? { ...fields, keys: table } : withKeyTable(fields, table);
  }

  /**
   * Joins one column. A single chunk is returned as a view however much of
   * it is unused, because copying would briefly double the column's memory
   * while the unused tail costs none: the zeroed pages of a fresh buffer
   * become resident only when written.
   */
  #join<K extends keyof Chunk>(column: K, Type: ColumnType<Chunk[K]>): Chunk[K] {
    const n = this.#length;
    const chunks = this.#chunks;
    const first = chunks[0][column];
    if (chunks.length === 1) {
      return first.subarray(0, n) as Chunk[K];
    }
    const joined = sharedColumn(Type, n);
    let offset = 0;
    for (const chunk of chunks) {
      const part = chunk[column];
      const count = Math.min(part.length, n - offset);
      joined.set(part.subarray(0, count) as never, offset);
      offset += count;
      // Dropping the column's chunk now keeps the peak at one extra column.
      chunk[column] = new Type(0);
    }
    return joined;
  }
}

/**
 * Number of distinct keys that occur in the trace. Unlike
 * `trace.keys.length` it does not decode a compact key table.
 */
export function distinctKeys(trace: Trace): number {
  return keyCountOfTrace(trace);
}

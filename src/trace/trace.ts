import { KeyDictionary } from './key-dictionary.js';

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
  /** Request time in the trace's own clock unit (see `timeUnit`). */
  readonly times: Float64Array;
  /** Dense key id of each request: index into `keys`. */
  readonly keyIds: Uint32Array;
  /** Object size in bytes (1 when the format has no size). */
  readonly sizes: Float64Array;
  /** Operation code of each request (see `Op`). */
  readonly ops: Uint8Array;
  /** Key text for each dense id, in order of first appearance. */
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
  times: Float64Array;
  keyIds: Uint32Array;
  sizes: Float64Array;
  ops: Uint8Array;
}

function allocateChunk(capacity: number): Chunk {
  return {
    times: new Float64Array(capacity),
    keyIds: new Uint32Array(capacity),
    sizes: new Float64Array(capacity),
    ops: new Uint8Array(capacity),
  };
}

/**
 * Growable columnar builder. Requests go into fixed chunks, so appending
 * never copies earlier requests; `build` joins the chunks one column at a
 * time, so peak memory is the chunks plus one finished column.
 *
 * A reader that can estimate the request count (from the file size) passes
 * it as `capacityHint`: when the estimate holds, the first chunk is the
 * whole trace and `build` hands out views of it without any copy.
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
  #previousTime = -Infinity;
  readonly stats: TraceReadStats = emptyReadStats();

  constructor(capacityHint = 1024) {
    this.#current = allocateChunk(Math.max(16, Math.ceil(capacityHint)));
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
    if (keyId >= this.#seenKeys) {
      this.#seenKeys = keyId + 1;
      while (keyId >= this.#lastSize.length) this.#growSizes();
      this.#lastSize[keyId] = sizeBytes;
    } else if (this.#lastSize[keyId] !== sizeBytes) {
      this.stats.resizedRequests++;
      this.#lastSize[keyId] = sizeBytes;
    }
    if (sizeBytes === 0) this.stats.zeroSizeRequests++;
    if (time < this.#previousTime) this.stats.backwardTimestamps++;
    this.#previousTime = time;
    if (this.#fill === this.#current.times.length) this.#addChunk();
    const chunk = this.#current;
    const i = this.#fill++;
    chunk.times[i] = time;
    chunk.keyIds[i] = keyId;
    chunk.sizes[i] = sizeBytes;
    chunk.ops[i] = op;
    this.#length++;
  }

  #addChunk(): void {
    this.#current = allocateChunk(CHUNK_REQUESTS);
    this.#chunks.push(this.#current);
    this.#fill = 0;
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
    const trace: Trace = {
      length: n,
      times: this.#join('times', Float64Array),
      keyIds: this.#join('keyIds', Uint32Array),
      sizes: this.#join('sizes', Float64Array),
      ops: this.#join('ops', Uint8Array),
      keys: this.#dictionary.keys,
      source,
      timeUnit,
      stats: { ...this.stats },
      ...(timeOrigin === undefined ? {} : { timeOrigin }),
    };
    return trace;
  }

  /**
   * Joins one column. A single chunk with at most 1/8 unused is returned as
   * a view, because copying would briefly double the column's memory.
   */
  #join<K extends keyof Chunk>(
    column: K,
    Type: new (length: number) => Chunk[K],
  ): Chunk[K] {
    const n = this.#length;
    const chunks = this.#chunks;
    const first = chunks[0][column];
    if (chunks.length === 1 && first.length - n <= first.length / 8) {
      return first.subarray(0, n) as Chunk[K];
    }
    const joined = new Type(n);
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

/** Number of distinct keys that occur in the trace. */
export function distinctKeys(trace: Trace): number {
  return trace.keys.length;
}

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
  /** Reading statistics gathered while the trace was built. */
  readonly stats: TraceReadStats;
}

/** Operation of a request; formats without one use `Op.Read`. */
export const Op = { Read: 0, Write: 1, Other: 2 } as const;
export type OpCode = (typeof Op)[keyof typeof Op];

/** Counts of row-level events noticed while reading a trace. */
export interface TraceReadStats {
  /** Rows whose time is earlier than the previous row's time. */
  backwardTimestamps: number;
  /** Blank or all-delimiter lines that were skipped. */
  skippedBlankLines: number;
  /** Invalid rows skipped because the caller allowed it. */
  skippedInvalidRows: number;
}

/**
 * Growable columnar builder. Columns double in size as requests arrive, so
 * appending is amortised O(1) and no per-request object is created.
 */
export class TraceBuilder {
  #times = new Float64Array(1024);
  #keyIds = new Uint32Array(1024);
  #sizes = new Float64Array(1024);
  #ops = new Uint8Array(1024);
  #length = 0;
  #keys: string[] = [];
  #keyIndex = new Map<string, number>();
  #lastTime = -Infinity;
  readonly stats: TraceReadStats = {
    backwardTimestamps: 0,
    skippedBlankLines: 0,
    skippedInvalidRows: 0,
  };

  get length(): number {
    return this.#length;
  }

  /** Appends one request; `key` is the exact key text of the row. */
  add(time: number, key: string, sizeBytes: number, op: OpCode): void {
    if (this.#length === this.#times.length) this.#grow();
    let id = this.#keyIndex.get(key);
    if (id === undefined) {
      id = this.#keys.length;
      this.#keys.push(key);
      this.#keyIndex.set(key, id);
    }
    if (time < this.#lastTime) this.stats.backwardTimestamps++;
    else this.#lastTime = time;
    const i = this.#length++;
    this.#times[i] = time;
    this.#keyIds[i] = id;
    this.#sizes[i] = sizeBytes;
    this.#ops[i] = op;
  }

  #grow(): void {
    const capacity = this.#times.length * 2;
    this.#times = copyInto(new Float64Array(capacity), this.#times);
    this.#keyIds = copyInto(new Uint32Array(capacity), this.#keyIds);
    this.#sizes = copyInto(new Float64Array(capacity), this.#sizes);
    this.#ops = copyInto(new Uint8Array(capacity), this.#ops);
  }

  /** Returns the finished trace; columns are trimmed to the request count. */
  build(source: string, timeUnit: string): Trace {
    const n = this.#length;
    return {
      length: n,
      times: this.#times.slice(0, n),
      keyIds: this.#keyIds.slice(0, n),
      sizes: this.#sizes.slice(0, n),
      ops: this.#ops.slice(0, n),
      keys: this.#keys,
      source,
      timeUnit,
      stats: { ...this.stats },
    };
  }
}

function copyInto<T extends Float64Array | Uint32Array | Uint8Array>(
  target: T,
  source: T,
): T {
  target.set(source as never);
  return target;
}

/** Number of distinct keys that occur in the trace. */
export function distinctKeys(trace: Trace): number {
  return trace.keys.length;
}

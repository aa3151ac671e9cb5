/**
 * Job numbers 0 to count − 1, each handed out once, to the thread that
 * claims it first. The counter lives in shared memory, and every thread
 * claims its next job itself. A queue of messages from the main thread
 * would hold the workers up while that thread replays a job of its own.
 */
export class JobClaims {
  readonly buffer: SharedArrayBuffer;
  readonly #counter: Int32Array;
  readonly #count: number;

  /** Claims over `buffer` when given (another thread's), else over a new counter. */
  constructor(count: number, buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.#counter = new Int32Array(buffer);
    this.#count = count;
  }

  /** Returns the next unclaimed job number, or undefined when none is left. */
  next(): number | undefined {
    const claimed = Atomics.add(this.#counter, 0, 1);
    return claimed < this.#count ? claimed : undefined;
  }

  /** Leaves no job to claim, so that every thread stops after its current one. */
  close(): void {
    Atomics.store(this.#counter, 0, this.#count);
  }
}

/** Index of the claim counter in the shared words. */
const NEXT = 0;
/** Index of the first idle thread's id plus 1, or 0 while none is idle. */
const FIRST_IDLE = 1;

/**
 * Job numbers 0 to count − 1, each handed out once, to the thread that
 * claims it first. The counter lives in shared memory, and every thread
 * claims its next job itself. A queue of messages from the main thread
 * would hold the workers up while that thread replays a job of its own.
 */
export class JobClaims {
  readonly buffer: SharedArrayBuffer;
  readonly #words: Int32Array;
  readonly #count: number;

  /** Claims over `buffer` when given (another thread's), else over new shared words. */
  constructor(count: number, buffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.#words = new Int32Array(buffer);
    this.#count = count;
  }

  /** Returns the next unclaimed job number, or undefined when none is left. */
  next(): number | undefined {
    const claimed = Atomics.add(this.#words, NEXT, 1);
    return claimed < this.#count ? claimed : undefined;
  }

  /** Leaves no job to claim, so that every thread stops after its current one. */
  close(): void {
    Atomics.store(this.#words, NEXT, this.#count);
  }

  /**
   * Records that thread `threadId` (`worker_threads.threadId`) has found
   * no job left. Only the first thread to do so is kept.
   */
  noteIdle(threadId: number): void {
    Atomics.compareExchange(this.#words, FIRST_IDLE, 0, threadId + 1);
  }

  /** Returns the id of the first thread that found no job left, or undefined. */
  firstIdle(): number | undefined {
    const word = Atomics.load(this.#words, FIRST_IDLE);
    return word === 0 ? undefined : word - 1;
  }
}

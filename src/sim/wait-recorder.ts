/**
 * Latency seen by each scored request that was not a hit, in trace time
 * units. A request that waits for a fetch still queued for a backend slot
 * has no known wait yet: its arrival time is kept in its slot, linked into
 * a per-key list, and replaced by the wait once that fetch starts.
 */
export class WaitRecorder {
  /**
   * One slot per scored request, allocated at once: the pages of a typed
   * array take memory only once written. Grown by doubling, the array
   * was copied, up to 50 MB per 10M requests, and each page written twice.
   */
  readonly #waits: Float64Array;
  /** The per-key lists, created with the first queued wait. */
  #queued: { readonly firstWaiter: Int32Array; readonly nextWaiter: Int32Array } | undefined;
  readonly #keySpace: number;
  #count = 0;
  /** Sum of the waits known so far. */
  total = 0;

  /** `maxWaits` bounds the waits recorded: the scored requests. */
  constructor(keySpace: number, maxWaits: number) {
    this.#keySpace = keySpace;
    this.#waits = new Float64Array(maxWaits);
  }

  /** Records a wait whose length is known now. */
  record(wait: number): void {
    this.#waits[this.#count++] = wait;
    this.total += wait;
  }

  /** Records a request at `arrival` waiting on a queued fetch of `keyId`. */
  recordQueued(keyId: number, arrival: number): void {
    this.#queued ??= {
      firstWaiter: new Int32Array(this.#keySpace).fill(-1),
      nextWaiter: new Int32Array(this.#waits.length),
    };
    const { firstWaiter, nextWaiter } = this.#queued;
    const slot = this.#count++;
    this.#waits[slot] = arrival;
    nextWaiter[slot] = firstWaiter[keyId];
    firstWaiter[keyId] = slot;
  }

  /** Resolves the waits on `keyId` now that its fetch completes then. */
  resolve(keyId: number, completion: number): void {
    if (this.#queued === undefined) return;
    const { firstWaiter, nextWaiter } = this.#queued;
    for (let slot = firstWaiter[keyId]; slot !== -1; slot = nextWaiter[slot]) {
      const wait = completion - this.#waits[slot];
      this.#waits[slot] = wait;
      this.total += wait;
    }
    firstWaiter[keyId] = -1;
  }

  /** The recorded waits, trimmed to their count. */
  values(): Float64Array {
    return this.#waits.slice(0, this.#count);
  }
}

/**
 * Latency seen by each scored request that was not a hit, in trace time
 * units. A request that waits for a fetch still queued for a backend slot
 * has no known wait yet: its arrival time is kept in its slot, linked into
 * a per-key list, and replaced by the wait once that fetch starts.
 */
export class WaitRecorder {
  #waits = new Float64Array(1024);
  #nextWaiter = new Int32Array(1024);
  readonly #firstWaiter: Int32Array;
  #count = 0;
  /** Sum of the waits known so far. */
  total = 0;

  constructor(keySpace: number) {
    this.#firstWaiter = new Int32Array(keySpace).fill(-1);
  }

  /** Records a wait whose length is known now. */
  record(wait: number): void {
    this.#waits[this.#take()] = wait;
    this.total += wait;
  }

  /** Records a request at `arrival` waiting on a queued fetch of `keyId`. */
  recordQueued(keyId: number, arrival: number): void {
    const slot = this.#take();
    this.#waits[slot] = arrival;
    this.#nextWaiter[slot] = this.#firstWaiter[keyId];
    this.#firstWaiter[keyId] = slot;
  }

  /** Resolves the waits on `keyId` now that its fetch completes then. */
  resolve(keyId: number, completion: number): void {
    for (let slot = this.#firstWaiter[keyId]; slot !== -1; slot = this.#nextWaiter[slot]) {
      const wait = completion - this.#waits[slot];
      this.#waits[slot] = wait;
      this.total += wait;
    }
    this.#firstWaiter[keyId] = -1;
  }

  /** The recorded waits, trimmed to their count. */
  values(): Float64Array {
    return this.#waits.slice(0, this.#count);
  }

  #take(): number {
    if (this.#count === this.#waits.length) {
      const waits = new Float64Array(this.#waits.length * 2);
      const next = new Int32Array(this.#waits.length * 2);
      waits.set(this.#waits);
      next.set(this.#nextWaiter);
      this.#waits = waits;
      this.#nextWaiter = next;
    }
    return this.#count++;
  }
}

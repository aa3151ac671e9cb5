/**
 * Backend slots and the FIFO of fetches waiting for one, for
 * `--backend-concurrency`. The queue is a ring of typed arrays that grows
 * when full, so waiting fetches cost no allocation each.
 */
export class PendingFetches {
  readonly #limit: number;
  #inFlight = 0;
  #keyIds = new Int32Array(64);
  #latencies = new Float64Array(64);
  #head = 0;
  #count = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Takes a backend slot if one is free. */
  tryAcquire(): boolean {
    if (this.#inFlight >= this.#limit) return false;
    this.#inFlight++;
    return true;
  }

  /** Frees the slot of a completed fetch. */
  release(): void {
    this.#inFlight--;
  }

  hasQueued(): boolean {
    return this.#count > 0;
  }

  enqueue(keyId: number, latency: number): void {
    if (this.#count === this.#keyIds.length) this.#grow();
    const slot = (this.#head + this.#count) % this.#keyIds.length;
    this.#keyIds[slot] = keyId;
    this.#latencies[slot] = latency;
    this.#count++;
  }

  peekKeyId(): number {
    return this.#keyIds[this.#head];
  }

  peekLatency(): number {
    return this.#latencies[this.#head];
  }

  dequeue(): void {
    this.#head = (this.#head + 1) % this.#keyIds.length;
    this.#count--;
  }

  #grow(): void {
    const size = this.#keyIds.length;
    const keyIds = new Int32Array(size * 2);
    const latencies = new Float64Array(size * 2);
    for (let i = 0; i < this.#count; i++) {
      const slot = (this.#head + i) % size;
      keyIds[i] = this.#keyIds[slot];
      latencies[i] = this.#latencies[slot];
    }
    this.#keyIds = keyIds;
    this.#latencies = latencies;
    this.#head = 0;
  }
}

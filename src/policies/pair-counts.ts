/**
 * Counts of (previous key id, next key id) pairs in an open-addressing hash
 * table over typed arrays, with linear probing.
 *
 * Hand-written because a `Map` keyed by `previous * keySpace + next` boxes
 * every key above 2^31 as a heap number, which made next-key the slowest
 * step of the replay loop; this table allocates only when it doubles.
 */
export class PairCounts {
  #previous: Int32Array;
  #next: Int32Array;
  #counts: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.#previous = new Int32Array(capacity).fill(-1);
    this.#next = new Int32Array(capacity);
    this.#counts = new Uint32Array(capacity);
    this.#mask = capacity - 1;
  }

  /** Number of distinct pairs counted. */
  get size(): number {
    return this.#size;
  }

  /** Adds one to the count of (previous, next) and returns the new count. */
  increment(previous: number, next: number): number {
    let slot = this.#slotOf(previous, next);
    if (this.#previous[slot] === -1) {
      if ((this.#size + 1) * 2 > this.#counts.length) {
        this.#grow();
        slot = this.#slotOf(previous, next);
      }
      this.#previous[slot] = previous;
      this.#next[slot] = next;
      this.#size++;
    }
    return ++this.#counts[slot];
  }

  /** Count of (previous, next); 0 when never counted. */
  get(previous: number, next: number): number {
    const slot = this.#slotOf(previous, next);
    return this.#previous[slot] === -1 ? 0 : this.#counts[slot];
  }

  /** Slot holding the pair, or the empty slot where it would go. */
  #slotOf(previous: number, next: number): number {
    let slot = (Math.imul(previous, 0x9e3779b1) ^ Math.imul(next, 0x85ebca6b)) & this.#mask;
    while (this.#previous[slot] !== -1) {
      if (this.#previous[slot] === previous && this.#next[slot] === next) return slot;
      slot = (slot + 1) & this.#mask;
    }
    return slot;
  }

  #grow(): void {
    const previous = this.#previous;
    const next = this.#next;
    const counts = this.#counts;
    const capacity = counts.length * 2;
    this.#previous = new Int32Array(capacity).fill(-1);
    this.#next = new Int32Array(capacity);
    this.#counts = new Uint32Array(capacity);
    this.#mask = capacity - 1;
    for (let old = 0; old < counts.length; old++) {
      if (previous[old] === -1) continue;
      const slot = this.#slotOf(previous[old], next[old]);
      this.#previous[slot] = previous[old];
      this.#next[slot] = next[old];
      this.#counts[slot] = counts[old];
    }
  }
}

/**
 * Successor counts per key in a fixed number of slots per key, over typed
 * arrays sized once: slot j of key k is entry `k * slotsPerKey + j`, so the
 * slots of one key share a cache line or two and memory stays at about
 * 8 bytes per slot, however many distinct pairs the trace holds.
 *
 * Each key's slots are a Misra–Gries summary (J. Misra and D. Gries,
 * "Finding repeated elements", Science of Computer Programming, 1982) of
 * the keys that followed it:
 *
 * 1. A successor already in a slot gets one more count.
 * 2. Otherwise it takes a free slot (count 0) with count 1.
 * 3. Otherwise every slot loses one count, a slot that reaches 0 is freed,
 *    and the new successor is not stored.
 *
 * Misra–Gries rather than space-saving because its counts never exceed the
 * true counts: a prediction passes the policy's minimum count and
 * confidence share only on evidence that really occurred, where
 * space-saving would hand a newcomer the evicted slot's count. Each count
 * falls short of the truth by at most total / (slotsPerKey + 1), and a
 * successor that followed a key more often than that is always held. A key
 * with at most `slotsPerKey` distinct successors never reaches step 3, so
 * its counts, and the best successor, are exact.
 */
export class SuccessorTable {
  readonly slotsPerKey: number;
  readonly keySpace: number;
  /** Successor key id per slot; -1 when the slot is free. */
  readonly #successors: Int32Array;
  readonly #counts: Uint32Array;
  /** Successors counted per key, stored or not: the exact total. */
  readonly #totals: Uint32Array;
  /** Slot of the best successor per key; -1 when every slot is free. */
  readonly #bestSlots: Int32Array;

  constructor(keySpace: number, slotsPerKey: number) {
    this.keySpace = keySpace;
    this.slotsPerKey = slotsPerKey;
    this.#successors = new Int32Array(keySpace * slotsPerKey).fill(-1);
    this.#counts = new Uint32Array(keySpace * slotsPerKey);
    this.#totals = new Uint32Array(keySpace);
    this.#bestSlots = new Int32Array(keySpace).fill(-1);
  }

  /**
   * Counts one request for `next` right after one for `previous`. The best
   * successor is the one that first reached the highest count, so that a
   * tie keeps the earlier best; decrements keep the order of counts.
   */
  add(previous: number, next: number): void {
    const slots = this.slotsPerKey;
    const base = previous * slots;
    const successors = this.#successors;
    const counts = this.#counts;
    this.#totals[previous]++;
    let free = -1;
    for (let slot = 0; slot < slots; slot++) {
      const successor = successors[base + slot];
      if (successor === next) {
        const count = ++counts[base + slot];
        const best = this.#bestSlots[previous];
        if (best !== slot && count > counts[base + best]) {
          this.#bestSlots[previous] = slot;
        }
        return;
      }
      if (successor === -1 && free === -1) free = slot;
    }
    if (free !== -1) {
      successors[base + free] = next;
      counts[base + free] = 1;
      if (this.#bestSlots[previous] === -1) this.#bestSlots[previous] = free;
      return;
    }
    this.#decrementAll(previous);
  }

  /** Best successor of `keyId`, or -1 when none is held. */
  bestSuccessor(keyId: number): number {
    const best = this.#bestSlots[keyId];
    return best === -1 ? -1 : this.#successors[keyId * this.slotsPerKey + best];
  }

  /** Count of the best successor of `keyId`; 0 when none is held. */
  bestCount(keyId: number): number {
    const best = this.#bestSlots[keyId];
    return best === -1 ? 0 : this.#counts[keyId * this.slotsPerKey + best];
  }

  /** Successors of `keyId` counted so far, including those not stored. */
  total(keyId: number): number {
    return this.#totals[keyId];
  }

  /** Stored count of (previous, next); 0 when not held. */
  count(previous: number, next: number): number {
    const base = previous * this.slotsPerKey;
    for (let slot = 0; slot < this.slotsPerKey; slot++) {
      if (this.#successors[base + slot] === next) return this.#counts[base + slot];
    }
    return 0;
  }

  /** Step 3: all slots are taken, so each loses one count. */
  #decrementAll(previous: number): void {
    const base = previous * this.slotsPerKey;
    let held = 0;
    for (let slot = 0; slot < this.slotsPerKey; slot++) {
      if (--this.#counts[base + slot] === 0) this.#successors[base + slot] = -1;
      else held++;
    }
    // The best slot held the highest count, so it empties only with all.
    if (held === 0) this.#bestSlots[previous] = -1;
  }
}

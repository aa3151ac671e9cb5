/**
 * Successor counts per key in a fixed number of slots per key, in one typed
 * array sized once. Each key owns a record of `2 + 2 * slotsPerKey` words:
 * its total, its best slot, then successor and count per slot. One request
 * so reads one or two cache lines of the table. Memory stays at 8 bytes per
 * slot plus 8 per key, however many distinct pairs the trace contains.
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
  readonly #stride: number;
  /**
   * Per key: [0] successors counted, stored or not (the exact total).
   * [1] best slot + 1, or 0 when every slot is free. Then per slot the
   * successor key id + 1 (0 when free) and its count. Ids are stored plus
   * one, so a zeroed array is an empty table.
   */
  readonly #records: Uint32Array;

  constructor(keySpace: number, slotsPerKey: number) {
    this.keySpace = keySpace;
    this.slotsPerKey = slotsPerKey;
    this.#stride = 2 + 2 * slotsPerKey;
    this.#records = new Uint32Array(keySpace * this.#stride);
  }

  /**
   * Counts one request for `next` right after one for `previous`. The best
   * successor is the one that first reached the highest count, so a tie
   * keeps the earlier best. Decrements keep the order of counts.
   */
  add(previous: number, next: number): void {
    const records = this.#records;
    const base = previous * this.#stride;
    const end = base + this.#stride;
    const stored = next + 1;
    records[base + TOTAL]++;
    let free = -1;
    for (let cell = base + FIRST_SLOT; cell < end; cell += 2) {
      const successor = records[cell];
      if (successor === stored) {
        const count = ++records[cell + 1];
        const bestCell = this.#bestCell(base);
        if (bestCell !== cell && count > records[bestCell + 1]) {
          records[base + BEST] = slotOf(base, cell);
        }
        return;
      }
      if (successor === 0 && free === -1) free = cell;
    }
    if (free !== -1) {
      records[free] = stored;
      records[free + 1] = 1;
      if (records[base + BEST] === 0) records[base + BEST] = slotOf(base, free);
      return;
    }
    this.#decrementAll(base);
  }

  /** Best successor of `keyId`, or -1 when none is held. */
  bestSuccessor(keyId: number): number {
    const base = keyId * this.#stride;
    if (this.#records[base + BEST] === 0) return -1;
    return this.#records[this.#bestCell(base)] - 1;
  }

  /** Count of the best successor of `keyId`; 0 when none is held. */
  bestCount(keyId: number): number {
    const base = keyId * this.#stride;
    if (this.#records[base + BEST] === 0) return 0;
    return this.#records[this.#bestCell(base) + 1];
  }

  /** Successors of `keyId` counted so far, including those not stored. */
  total(keyId: number): number {
    return this.#records[keyId * this.#stride + TOTAL];
  }

  /** Stored count of (previous, next); 0 when not held. */
  count(previous: number, next: number): number {
    const base = previous * this.#stride;
    for (let cell = base + FIRST_SLOT; cell < base + this.#stride; cell += 2) {
      if (this.#records[cell] === next + 1) return this.#records[cell + 1];
    }
    return 0;
  }

  /** Cell of the best slot's successor; only valid when BEST is not 0. */
  #bestCell(base: number): number {
    return base + FIRST_SLOT + 2 * (this.#records[base + BEST] - 1);
  }

  /** Step 3: all slots are taken, so each loses one count. */
  #decrementAll(base: number): void {
    const records = this.#records;
    let occupied = 0;
    for (let cell = base + FIRST_SLOT; cell < base + this.#stride; cell += 2) {
      if (--records[cell + 1] === 0) records[cell] = 0;
      else occupied++;
    }
    // The best slot held the highest count, so it empties only with all.
    if (occupied === 0) records[base + BEST] = 0;
  }
}

/** Word offsets within a key's record. */
const TOTAL = 0;
const BEST = 1;
const FIRST_SLOT = 2;

/** Slot number plus one, as BEST stores it, of a successor cell. */
function slotOf(base: number, cell: number): number {
  return (cell - base - FIRST_SLOT) / 2 + 1;
}

import { FILTER_MASK, FILTER_SIZE, NOT_IN_FLIGHT } from './key-records.js';

const EMPTY = -1;
const INITIAL_SLOTS = 64;

/**
 * The fetches in flight, by key: when each completes (Infinity while it
 * waits for a backend slot) and whether it is a prefetch that no request
 * has claimed yet.
 *
 * An open-addressing hash table over typed arrays, sized by the fetches in
 * flight rather than by the key count. Few fetches are in flight at once,
 * so the table stays in the processor's cache, where a completion time
 * per key, at a million keys, cost a cache miss on every miss. A counting
 * filter in front settles most lookups of keys not in flight with one
 * read. Hand-written rather than a `Map`, because a `Map` boxes each
 * completion time, an allocation per fetch in the replay loop.
 */
export class InFlightFetches {
  #keys = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
  #until = new Float64Array(INITIAL_SLOTS);
  #isPrefetch = new Uint8Array(INITIAL_SLOTS);
  #mask = INITIAL_SLOTS - 1;
  /** 32 minus the bits of a slot number, for `#home`. */
  #shift = 32 - Math.log2(INITIAL_SLOTS);
  #size = 0;
  /** Keys in flight per bucket of key id mod FILTER_SIZE. */
  readonly #filter = new Uint32Array(FILTER_SIZE);

  /** Fetches in flight. */
  get size(): number {
    return this.#size;
  }

  /** Returns the completion time of the key's fetch, or NOT_IN_FLIGHT. */
  untilOf(keyId: number): number {
    if (this.#filter[keyId & FILTER_MASK] === 0) return NOT_IN_FLIGHT;
    const slot = this.#find(keyId);
    return slot === -1 ? NOT_IN_FLIGHT : this.#until[slot];
  }

  /** Marks a key that is not in flight as fetched until `until`. */
  start(keyId: number, until: number, isPrefetch: boolean): void {
    if (2 * (this.#size + 1) > this.#keys.length) this.#grow();
    let slot = this.#home(keyId);
    while (this.#keys[slot] !== EMPTY) slot = (slot + 1) & this.#mask;
    this.#keys[slot] = keyId;
    this.#until[slot] = until;
    this.#isPrefetch[slot] = isPrefetch ? 1 : 0;
    this.#size++;
    this.#filter[keyId & FILTER_MASK]++;
  }

  /** Sets the completion time of a key in flight, once its fetch starts. */
  setUntil(keyId: number, until: number): void {
    this.#until[this.#find(keyId)] = until;
  }

  /**
   * Hands a key's fetch to a request. Returns true when it was a prefetch
   * not claimed before, which from now on counts as a demand fetch.
   */
  claim(keyId: number): boolean {
    const slot = this.#find(keyId);
    if (slot === -1 || this.#isPrefetch[slot] === 0) return false;
    this.#isPrefetch[slot] = 0;
    return true;
  }

  /**
   * Removes a key whose fetch completed. Returns true when the fetch was a
   * prefetch that no request claimed.
   */
  finish(keyId: number): boolean {
    const slot = this.#find(keyId);
    if (slot === -1) return false;
    const isPrefetch = this.#isPrefetch[slot] === 1;
    this.#removeAt(slot);
    this.#size--;
    this.#filter[keyId & FILTER_MASK]--;
    return isPrefetch;
  }

  /** Counts the prefetches in flight that no request claimed. */
  unclaimedPrefetches(): number {
    let count = 0;
    for (let slot = 0; slot < this.#keys.length; slot++) {
      if (this.#keys[slot] !== EMPTY && this.#isPrefetch[slot] === 1) count++;
    }
    return count;
  }

  /** Returns the slot of `keyId`, or -1. */
  #find(keyId: number): number {
    for (let slot = this.#home(keyId); ; slot = (slot + 1) & this.#mask) {
      const key = this.#keys[slot];
      if (key === keyId) return slot;
      if (key === EMPTY) return -1;
    }
  }

  /**
   * Returns the key's first slot to probe, by Fibonacci hashing: the top
   * bits of the id times 2^32 / golden ratio, so that close ids land apart.
   */
  #home(keyId: number): number {
    return Math.imul(keyId, 0x9e3779b1) >>> this.#shift;
  }

  /**
   * Empties a slot, then moves later entries of its probe run back so that
   * no lookup meets the hole before its key (deletion without tombstones).
   */
  #removeAt(hole: number): void {
    const keys = this.#keys;
    const mask = this.#mask;
    let slot = hole;
    for (;;) {
      slot = (slot + 1) & mask;
      const key = keys[slot];
      if (key === EMPTY) break;
      const home = this.#home(key);
      // The entry may fill the hole when its home is not in (hole, slot].
      const isHomeAfterHole = ((slot - home) & mask) < ((slot - hole) & mask);
      if (isHomeAfterHole) continue;
      keys[hole] = key;
      this.#until[hole] = this.#until[slot];
      this.#isPrefetch[hole] = this.#isPrefetch[slot];
      hole = slot;
    }
    keys[hole] = EMPTY;
  }

  #grow(): void {
    const keys = this.#keys;
    const until = this.#until;
    const isPrefetch = this.#isPrefetch;
    const slots = keys.length * 2;
    this.#keys = new Int32Array(slots).fill(EMPTY);
    this.#until = new Float64Array(slots);
    this.#isPrefetch = new Uint8Array(slots);
    this.#mask = slots - 1;
    this.#shift--;
    for (let old = 0; old < keys.length; old++) {
      if (keys[old] === EMPTY) continue;
      let slot = this.#home(keys[old]);
      while (this.#keys[slot] !== EMPTY) slot = (slot + 1) & this.#mask;
      this.#keys[slot] = keys[old];
      this.#until[slot] = until[old];
      this.#isPrefetch[slot] = isPrefetch[old];
    }
  }
}

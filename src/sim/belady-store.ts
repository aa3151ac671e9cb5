import type { Trace } from '../trace/trace.js';
import { FarthestFirstHeap, nextAccessIndices } from './belady.js';
import { capacityLimit, type Capacity, type Store } from './cache.js';

/**
 * Belady's OPT eviction: to make room for a fetched object, evict the
 * resident key whose next request is farthest in the future (a key never
 * requested again counts as farthest). The incoming object is always
 * admitted and does not take part in the choice; this is the variant whose
 * miss ratios match libCacheSim's Belady on the CloudPhysics sample. With
 * byte sizes it is the usual size-blind variant, a bound on LRU but not the
 * exact optimum.
 */
export class BeladyStore implements Store {
  readonly #nextAccess: Float64Array;
  /** Next request index of each key, as of its latest request. */
  readonly #nextUse: Float64Array;
  readonly #sizes: Float64Array;
  readonly #isResident: Uint8Array;
  /** Resident keys in no order, and each key's slot in that list. */
  readonly #residentList: Int32Array;
  readonly #slotOf: Int32Array;
  readonly #heap = new FarthestFirstHeap();
  readonly #limit: number;
  readonly #isByteMode: boolean;
  readonly #onEvict: (keyId: number, sizeBytes: number) => void;
  #used = 0;
  #count = 0;

  constructor(trace: Trace, capacity: Capacity, onEvict: (keyId: number, sizeBytes: number) => void) {
    this.#nextAccess = nextAccessIndices(trace);
    this.#nextUse = new Float64Array(trace.keys.length);
    this.#sizes = new Float64Array(trace.keys.length);
    this.#isResident = new Uint8Array(trace.keys.length);
    this.#residentList = new Int32Array(trace.keys.length);
    this.#slotOf = new Int32Array(trace.keys.length);
    this.#limit = capacityLimit(capacity);
    this.#isByteMode = capacity.unit === 'bytes';
    this.#onEvict = onEvict;
  }

  get(keyId: number, requestIndex: number): boolean {
    this.#nextUse[keyId] = this.#nextAccess[requestIndex];
    if (this.#isResident[keyId] === 0) return false;
    this.#push(keyId);
    return true;
  }

  has(keyId: number): boolean {
    return this.#isResident[keyId] === 1;
  }

  set(keyId: number, sizeBytes: number): boolean {
    const charge = this.#isByteMode ? sizeBytes : 1;
    if (charge > this.#limit) {
      if (this.#isResident[keyId] === 1) this.#remove(keyId);
      return false;
    }
    if (this.#isResident[keyId] === 1) this.#remove(keyId);
    while (this.#used + charge > this.#limit) this.#evictFarthest();
    this.#isResident[keyId] = 1;
    this.#slotOf[keyId] = this.#count;
    this.#residentList[this.#count++] = keyId;
    this.#sizes[keyId] = sizeBytes;
    this.#used += charge;
    this.#push(keyId);
    return true;
  }

  #evictFarthest(): void {
    const heap = this.#heap;
    for (;;) {
      const keyId = heap.topKeyId();
      const isCurrent =
        this.#isResident[keyId] === 1 && heap.topPriority() === this.#nextUse[keyId];
      heap.pop();
      if (!isCurrent) continue;
      const sizeBytes = this.#sizes[keyId];
      this.#remove(keyId);
      this.#onEvict(keyId, sizeBytes);
      return;
    }
  }

  #remove(keyId: number): void {
    this.#isResident[keyId] = 0;
    this.#used -= this.#isByteMode ? this.#sizes[keyId] : 1;
    const slot = this.#slotOf[keyId];
    const last = this.#residentList[--this.#count];
    this.#residentList[slot] = last;
    this.#slotOf[last] = slot;
  }

  /**
   * Pushes a key's current priority. Every hit leaves a stale entry behind,
   * so when stale entries outnumber resident keys the heap is rebuilt from
   * the resident list; that keeps its size within a constant factor of the
   * cache's and the work amortised O(log n) per request.
   */
  #push(keyId: number): void {
    this.#heap.push(this.#nextUse[keyId], keyId);
    if (this.#heap.size > 2 * this.#count + 1024) {
      this.#heap.clear();
      for (let slot = 0; slot < this.#count; slot++) {
        const resident = this.#residentList[slot];
        this.#heap.push(this.#nextUse[resident], resident);
      }
    }
  }

  *residentKeys(): IterableIterator<number> {
    for (let slot = 0; slot < this.#count; slot++) yield this.#residentList[slot];
  }

  get residentCount(): number {
    return this.#count;
  }

  get occupancy(): number {
    return this.#used;
  }
}

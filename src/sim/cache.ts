import { LRUCache } from 'lru-cache';

/** Cache capacity with its unit. */
export type Capacity =
  | { readonly unit: 'objects'; readonly objects: number }
  | { readonly unit: 'bytes'; readonly bytes: number };

/** Writes a capacity the way reports show it: `1000 objects`, `65536 bytes`. */
export function formatCapacity(capacity: Capacity): string {
  return capacity.unit === 'objects'
    ? `${capacity.objects} objects`
    : `${capacity.bytes} bytes`;
}

/**
 * The cache the engine replays against. `get` is a demand lookup that may
 * update the eviction order; `has` never does. `set` inserts or resizes an
 * object, evicting others to make room, and returns false when the object is
 * larger than the whole cache and so was not admitted.
 */
export interface Store {
  get(keyId: number, requestIndex: number): boolean;
  has(keyId: number): boolean;
  set(keyId: number, sizeBytes: number): boolean;
  residentKeys(): IterableIterator<number>;
  readonly residentCount: number;
  /** Bytes in use in byte mode; object count in object mode. */
  readonly occupancy: number;
}

/** Largest object that fits, in the capacity's unit. */
export function capacityLimit(capacity: Capacity): number {
  return capacity.unit === 'objects' ? capacity.objects : capacity.bytes;
}

/**
 * LRU cache of key ids over `lru-cache`. The stored value is the object's
 * size in bytes. `onEvict` is called for every key removed to make room.
 * The engine replays on `DenseLruStore` by default; this store is the
 * reference that the tests compare it with.
 */
export class LruStore implements Store {
  readonly #cache: LRUCache<number, number>;
  readonly #isByteMode: boolean;
  readonly #maxBytes: number;

  constructor(capacity: Capacity, onEvict: (keyId: number, sizeBytes: number) => void) {
    const dispose = (sizeBytes: number, keyId: number, reason: string) => {
      if (reason === 'evict') onEvict(keyId, sizeBytes);
    };
    this.#isByteMode = capacity.unit === 'bytes';
    this.#maxBytes = capacity.unit === 'bytes' ? capacity.bytes : Infinity;
    this.#cache =
      capacity.unit === 'objects'
        ? new LRUCache<number, number>({ max: capacity.objects, dispose })
        : new LRUCache<number, number>({
            maxSize: capacity.bytes,
            // lru-cache rejects sizes below 1, so a zero-byte object is
            // charged 1 byte. TODO: exact accounting of zero-size objects.
            sizeCalculation: (sizeBytes) => Math.max(1, sizeBytes),
            dispose,
          });
  }

  /** Looks a key up and marks it most recently used when present. */
  get(keyId: number, _requestIndex?: number): boolean {
    return this.#cache.get(keyId) !== undefined;
  }

  /** Tells whether a key is resident without changing its recency. */
  has(keyId: number): boolean {
    return this.#cache.has(keyId);
  }

  /** Inserts a key as most recently used; may evict others to make room. */
  set(keyId: number, sizeBytes: number): boolean {
    if (sizeBytes > this.#maxBytes) {
      // lru-cache would drop an oversized entry itself; deleting first keeps
      // a resident key with a grown size from lingering at its old size.
      this.#cache.delete(keyId);
      return false;
    }
    this.#cache.set(keyId, sizeBytes);
    return true;
  }

  /** Keys still resident, most recently used first. */
  *residentKeys(): IterableIterator<number> {
    yield* this.#cache.keys();
  }

  get residentCount(): number {
    return this.#cache.size;
  }

  /** Bytes in use in byte mode; object count in object mode. */
  get occupancy(): number {
    return this.#isByteMode ? this.#cache.calculatedSize : this.#cache.size;
  }
}

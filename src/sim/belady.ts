import type { Trace } from '../trace/trace.js';

/** Next-access index meaning "never requested again". */
export const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * For each request i, the index of the next request for the same key, or
 * NEVER. One backward pass over the trace, O(n) time.
 */
export function nextAccessIndices(trace: Trace): Float64Array {
  const next = new Float64Array(trace.length);
  const seen = new Float64Array(trace.keys.length).fill(NEVER);
  for (let i = trace.length - 1; i >= 0; i--) {
    const keyId = trace.keyIds[i];
    next[i] = seen[keyId];
    seen[keyId] = i;
  }
  return next;
}

/**
 * Max-heap of (next access, key id) with lazy deletion: an entry is stale
 * when its key's next access has moved on, or the key is no longer resident,
 * and stale entries are dropped when they reach the top.
 */
export class FarthestFirstHeap {
  #priorities = new Float64Array(1024);
  #keyIds = new Int32Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(priority: number, keyId: number): void {
    if (this.#size === this.#priorities.length) this.#grow();
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#priorities[parent] >= priority) break;
      this.#priorities[i] = this.#priorities[parent];
      this.#keyIds[i] = this.#keyIds[parent];
      i = parent;
    }
    this.#priorities[i] = priority;
    this.#keyIds[i] = keyId;
  }

  clear(): void {
    this.#size = 0;
  }

  topPriority(): number {
    return this.#priorities[0];
  }

  topKeyId(): number {
    return this.#keyIds[0];
  }

  pop(): void {
    const last = --this.#size;
    if (last === 0) return;
    const priority = this.#priorities[last];
    const keyId = this.#keyIds[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.#priorities[child + 1] > this.#priorities[child]) child++;
      if (this.#priorities[child] <= priority) break;
      this.#priorities[i] = this.#priorities[child];
      this.#keyIds[i] = this.#keyIds[child];
      i = child;
    }
    this.#priorities[i] = priority;
    this.#keyIds[i] = keyId;
  }

  #grow(): void {
    const priorities = new Float64Array(this.#priorities.length * 2);
    const keyIds = new Int32Array(this.#keyIds.length * 2);
    priorities.set(this.#priorities);
    keyIds.set(this.#keyIds);
    this.#priorities = priorities;
    this.#keyIds = keyIds;
  }
}

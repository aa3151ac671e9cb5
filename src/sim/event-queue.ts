/**
 * Min-heap of fetch completions ordered by (time, insertion order), stored in
 * parallel typed arrays so that pushing and popping allocate nothing once the
 * arrays have grown to the largest number of fetches in flight.
 *
 * Hand-written rather than taken from npm: the heap packages there store one
 * object per entry, which is an allocation per fetch in the replay loop.
 */
export class FetchQueue {
  #times = new Float64Array(64);
  #sequence = new Float64Array(64);
  #keyIds = new Int32Array(64);
  #size = 0;
  #nextSequence = 0;

  get size(): number {
    return this.#size;
  }

  /** Time of the earliest completion; `Infinity` when empty. */
  peekTime(): number {
    return this.#size === 0 ? Infinity : this.#times[0];
  }

  /** Key id of the earliest completion; only valid when `size > 0`. */
  peekKeyId(): number {
    return this.#keyIds[0];
  }

  push(time: number, keyId: number): void {
    if (this.#size === this.#times.length) this.#grow();
    const times = this.#times;
    const sequences = this.#sequence;
    let i = this.#size++;
    const sequence = this.#nextSequence++;
    // Sift up: move parents down until the new entry's place is found.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = times[parent];
      if (!(time < parentTime || (time === parentTime && sequence < sequences[parent]))) break;
      this.#move(parent, i);
      i = parent;
    }
    this.#write(i, time, sequence, keyId);
  }

  /** Removes the earliest completion; read it with the peek methods first. */
  pop(): void {
    const last = --this.#size;
    if (last === 0) return;
    const times = this.#times;
    const sequences = this.#sequence;
    const time = times[last];
    const sequence = sequences[last];
    const keyId = this.#keyIds[last];
    let i = 0;
    // Sift down the former last entry from the root.
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      const right = child + 1;
      if (
        right < last &&
        (times[right] < times[child] ||
          (times[right] === times[child] && sequences[right] < sequences[child]))
      ) {
        child = right;
      }
      const childTime = times[child];
      if (!(childTime < time || (childTime === time && sequences[child] < sequence))) break;
      this.#move(child, i);
      i = child;
    }
    this.#write(i, time, sequence, keyId);
  }

  #move(from: number, to: number): void {
    this.#times[to] = this.#times[from];
    this.#sequence[to] = this.#sequence[from];
    this.#keyIds[to] = this.#keyIds[from];
  }

  #write(slot: number, time: number, sequence: number, keyId: number): void {
    this.#times[slot] = time;
    this.#sequence[slot] = sequence;
    this.#keyIds[slot] = keyId;
  }

  #grow(): void {
    const capacity = this.#times.length * 2;
    const times = new Float64Array(capacity);
    const sequence = new Float64Array(capacity);
    const keyIds = new Int32Array(capacity);
    times.set(this.#times);
    sequence.set(this.#sequence);
    keyIds.set(this.#keyIds);
    this.#times = times;
    this.#sequence = sequence;
    this.#keyIds = keyIds;
  }
}

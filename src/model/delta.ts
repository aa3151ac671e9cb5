/**
 * Delta targets for numeric keys, after Hashemi et al., "Learning Memory
 * Access Patterns" (ICML 2018): the model reads the differences between
 * consecutive keys and predicts the next difference, so that a sequential
 * scan is one token (+1) wherever it runs, instead of one token per key.
 *
 * Each distinct delta gets a dense delta id in order of first appearance;
 * the model then treats delta ids as it treats key ids in key mode, and its
 * vocabulary keeps the most frequent deltas. A predicted delta turns back
 * into a key as the current key plus the delta, looked up by key text.
 *
 * Only keys whose text is a safe integer written canonically ("42", not
 * "042", "4.2e1" or "0x2a") have a value. A delta that involves another key
 * is "not a number", which has its own delta id and is never prefetched.
 */

/** Key text of a value, or undefined when the trace has no such key. */
export type KeyIdOfText = (text: string) => number | undefined;

export class DeltaEncoding {
  /** Numeric value of each key id; NaN for keys without one. */
  readonly #values: Float64Array;
  readonly #idOfDelta = new Map<number, number>();
  /** Delta of each delta id. */
  readonly #deltas: number[] = [];

  /**
   * @param keySpace every key id is below it
   * @param textOf key text of a key id
   * @param deltas known deltas, which get delta ids 0, 1, … in this order
   */
  constructor(
    keySpace: number,
    textOf: (keyId: number) => string,
    deltas: readonly number[] = [],
  ) {
    this.#values = new Float64Array(keySpace);
    for (let keyId = 0; keyId < keySpace; keyId++) {
      this.#values[keyId] = valueOfText(textOf(keyId));
    }
    this.addDeltas(deltas);
  }

  /** Gives each delta not seen before the next delta id, in order. */
  addDeltas(deltas: readonly number[]): void {
    for (const delta of deltas) this.#idOf(delta);
  }

  /** Number of delta ids handed out so far. */
  get size(): number {
    return this.#deltas.length;
  }

  /** Delta of each delta id, in id order. */
  get deltas(): readonly number[] {
    return this.#deltas;
  }

  /**
   * Delta ids of the n - 1 steps between the n requests of `keyIds`,
   * handing out new ids for deltas not seen before.
   */
  encodeSequence(keyIds: ArrayLike<number>): Uint32Array {
    const deltaIds = new Uint32Array(Math.max(0, keyIds.length - 1));
    for (let i = 1; i < keyIds.length; i++) {
      deltaIds[i - 1] = this.#idOf(this.#delta(keyIds[i - 1], keyIds[i]));
    }
    return deltaIds;
  }

  /**
   * Turns `count` windows of `window + 1` key ids into windows of `window`
   * delta ids. A step next to padding (-1) becomes -1, and a delta never
   * seen in training becomes `size`, so that both map to the
   * out-of-vocabulary token. New deltas get no id here.
   */
  encodeWindows(windows: Int32Array, count: number, window: number): Int32Array {
    const keysPerWindow = window + 1;
    const deltaIds = new Int32Array(count * window);
    for (let i = 0; i < count; i++) {
      const keys = i * keysPerWindow;
      for (let j = 0; j < window; j++) {
        const from = windows[keys + j];
        const to = windows[keys + j + 1];
        deltaIds[i * window + j] = from < 0 || to < 0
          ? -1
          : this.#idOfDelta.get(this.#delta(from, to)) ?? this.size;
      }
    }
    return deltaIds;
  }

  /**
   * Key id of the current key plus the delta of `deltaId`, or -1 when the
   * delta id is -1 (OOV), the key or delta is not a number, or the trace
   * has no key with that text.
   */
  predictedKeyId(currentKeyId: number, deltaId: number, idOf: KeyIdOfText): number {
    if (deltaId < 0 || currentKeyId < 0) return -1;
    const value = this.#values[currentKeyId] + this.#deltas[deltaId];
    if (!Number.isSafeInteger(value)) return -1;
    return idOf(String(value)) ?? -1;
  }

  #delta(fromKeyId: number, toKeyId: number): number {
    return this.#values[toKeyId] - this.#values[fromKeyId];
  }

  #idOf(delta: number): number {
    let id = this.#idOfDelta.get(delta);
    if (id === undefined) {
      id = this.#deltas.length;
      this.#idOfDelta.set(delta, id);
      this.#deltas.push(delta);
    }
    return id;
  }
}

/** Value of a canonical safe-integer key text; NaN otherwise. */
export function valueOfText(text: string): number {
  const value = Number(text);
  return Number.isSafeInteger(value) && String(value) === text ? value : NaN;
}

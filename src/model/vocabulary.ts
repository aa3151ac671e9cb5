/**
 * The mapping between trace key ids and the model's tokens. The most frequent
 * keys of the training part get tokens 0, 1, … in order of falling count.
 * Every other key, and the -1 padding before the trace starts, maps to the
 * one out-of-vocabulary (OOV) token after them.
 */
export class Vocabulary {
  /**
   * Key id of each in-vocabulary token, most frequent first; -1 for a key of
   * a loaded model that the current trace does not contain.
   */
  readonly keyIdOfToken: Int32Array;
  /** Token of each key id below the key space. */
  readonly #tokenOfKeyId: Int32Array;
  /** Token of every key outside the vocabulary: `keyIdOfToken.length`. */
  readonly oovToken: number;

  constructor(keyIdOfToken: Int32Array, keySpace: number) {
    this.keyIdOfToken = keyIdOfToken;
    this.oovToken = keyIdOfToken.length;
    this.#tokenOfKeyId = new Int32Array(keySpace).fill(this.oovToken);
    keyIdOfToken.forEach((keyId, token) => {
      if (keyId >= 0) this.#tokenOfKeyId[keyId] = token;
    });
  }

  /** Number of output classes: the in-vocabulary keys plus OOV. */
  get size(): number {
    return this.oovToken + 1;
  }

  /** Token of a key id: OOV for padding (-1) and keys not in the vocabulary. */
  tokenOf(keyId: number): number {
    if (keyId < 0 || keyId >= this.#tokenOfKeyId.length) return this.oovToken;
    return this.#tokenOfKeyId[keyId];
  }

  /** Maps every key id of `keyIds` to its token. */
  tokenize(keyIds: ArrayLike<number>): Int32Array {
    const tokens = new Int32Array(keyIds.length);
    for (let i = 0; i < keyIds.length; i++) tokens[i] = this.tokenOf(keyIds[i]);
    return tokens;
  }
}

/**
 * Builds the vocabulary of the `maxKeys` most frequent keys in `keyIds`.
 * Keys with equal counts are ordered by key id, which is the order of first
 * appearance in the trace, so the result does not depend on sort stability.
 * Cost: O(n + d log d) for n requests and d distinct keys.
 */
export function buildVocabulary(
  keyIds: Uint32Array,
  maxKeys: number,
  keySpace: number,
): Vocabulary {
  const counts = new Uint32Array(keySpace);
  for (const keyId of keyIds) counts[keyId]++;

  const seen: number[] = [];
  for (let keyId = 0; keyId < keySpace; keyId++) {
    if (counts[keyId] > 0) seen.push(keyId);
  }
  seen.sort((a, b) => counts[b] - counts[a] || a - b);

  const keyIdOfToken = Int32Array.from(seen.slice(0, maxKeys));
  return new Vocabulary(keyIdOfToken, keySpace);
}

import { describe, expect, it } from 'vitest';
import { buildVocabulary } from '../../src/model/vocabulary.js';

describe('buildVocabulary', () => {
  it('orders keys by falling count, ties by key id', () => {
    // Counts: key 3 ×3, key 1 ×2, key 4 ×2, key 0 ×1.
    const keyIds = Uint32Array.from([4, 3, 1, 3, 0, 4, 1, 3]);
    const vocabulary = buildVocabulary(keyIds, 10, 5);
    expect(Array.from(vocabulary.keyIdOfToken)).toEqual([3, 1, 4, 0]);
    expect(vocabulary.tokenOf(3)).toBe(0);
    expect(vocabulary.tokenOf(4)).toBe(2);
  });

  it('puts the OOV token after the kept keys', () => {
    const vocabulary = buildVocabulary(Uint32Array.from([0, 1, 1, 2]), 10, 3);
    expect(vocabulary.oovToken).toBe(3);
    expect(vocabulary.size).toBe(4);
  });

  it('maps keys beyond the limit to OOV', () => {
    const keyIds = Uint32Array.from([5, 5, 5, 6, 6, 7]);
    const vocabulary = buildVocabulary(keyIds, 2, 8);
    expect(Array.from(vocabulary.keyIdOfToken)).toEqual([5, 6]);
    expect(vocabulary.tokenOf(7)).toBe(vocabulary.oovToken);
    expect(vocabulary.oovToken).toBe(2);
  });

  it('maps unseen keys, padding and ids past the key space to OOV', () => {
    const vocabulary = buildVocabulary(Uint32Array.from([1, 1]), 10, 4);
    expect(vocabulary.tokenOf(0)).toBe(vocabulary.oovToken);
    expect(vocabulary.tokenOf(-1)).toBe(vocabulary.oovToken);
    expect(vocabulary.tokenOf(4)).toBe(vocabulary.oovToken);
  });

  it('tokenizes a window of key ids', () => {
    const vocabulary = buildVocabulary(Uint32Array.from([2, 2, 0]), 10, 3);
    const tokens = vocabulary.tokenize(Int32Array.from([-1, 0, 1, 2]));
    expect(Array.from(tokens)).toEqual([2, 1, 2, 0]);
  });
});

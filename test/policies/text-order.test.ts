import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortIdsByText } from '../../src/policies/text-order.js';

/** Ids of `texts` sorted with `<`, the order sortIdsByText must give. */
function referenceOrder(texts: readonly string[]): number[] {
  const ids = texts.map((_, id) => id);
  return ids.sort((a, b) => (texts[a] < texts[b] ? -1 : 1));
}

function sortedIds(texts: readonly string[]): number[] {
  const ids = Uint32Array.from(texts, (_, id) => id);
  sortIdsByText(ids, texts);
  return Array.from(ids);
}

describe('sortIdsByText', () => {
  it('puts a prefix before its extensions', () => {
    const texts = ['ab', 'a', 'abc', 'b', '', 'aa'];
    expect(sortedIds(texts).map((id) => texts[id])).toEqual(['', 'a', 'aa', 'ab', 'abc', 'b']);
  });

  it('orders by code unit, not by locale', () => {
    const texts = ['é', 'z', 'Z', 'e', '\u{1f600}', '\uffff'];
    expect(sortedIds(texts)).toEqual(referenceOrder(texts));
  });

  it('matches < on random distinct texts', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 8 }), { maxLength: 300 }), (texts) => {
        expect(sortedIds(texts)).toEqual(referenceOrder(texts));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('matches < on long shared prefixes', () => {
    // Few letters and long prefixes force many recursion levels and runs.
    const text = fc
      .tuple(fc.constantFrom('', 'key-', 'key-0000', 'key-00000000'), fc.string({ unit: fc.constantFrom('0', '1', 'a'), maxLength: 10 }))
      .map(([prefix, rest]) => prefix + rest);
    fc.assert(
      fc.property(fc.uniqueArray(text, { maxLength: 400 }), (texts) => {
        expect(sortedIds(texts)).toEqual(referenceOrder(texts));
      }),
      { numRuns: 100, seed: 11 },
    );
  });

  it('sorts a sub-range of ids only', () => {
    const texts = ['d', 'c', 'b', 'a'];
    const ids = Uint32Array.from([0, 1, 2, 3]);
    sortIdsByText(ids.subarray(2), texts);
    expect(Array.from(ids)).toEqual([0, 1, 3, 2]);
  });
});

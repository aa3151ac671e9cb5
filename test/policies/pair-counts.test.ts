import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PairCounts } from '../../src/policies/pair-counts.js';

describe('PairCounts', () => {
  it('counts each pair separately', () => {
    const counts = new PairCounts();
    expect(counts.increment(1, 2)).toBe(1);
    expect(counts.increment(1, 2)).toBe(2);
    expect(counts.increment(2, 1)).toBe(1);
    expect(counts.get(1, 2)).toBe(2);
    expect(counts.get(2, 1)).toBe(1);
    expect(counts.get(3, 3)).toBe(0);
    expect(counts.size).toBe(2);
  });

  it('agrees with a Map through many resizes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(300), fc.nat(300)), { maxLength: 3000 }), (pairs) => {
        const counts = new PairCounts(16);
        const reference = new Map<string, number>();
        for (const [a, b] of pairs) {
          const expected = (reference.get(`${a},${b}`) ?? 0) + 1;
          reference.set(`${a},${b}`, expected);
          expect(counts.increment(a, b)).toBe(expected);
        }
        expect(counts.size).toBe(reference.size);
        for (const [pair, count] of reference) {
          const [a, b] = pair.split(',').map(Number);
          expect(counts.get(a, b)).toBe(count);
        }
      }),
      { numRuns: 30, seed: 3 },
    );
  });
});

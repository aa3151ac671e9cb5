import { describe, expect, it } from 'vitest';
import { windowCounts } from '../../src/eval/window-counts.js';

describe('windowCounts', () => {
  it('counts outcomes and fetches per window', () => {
    // outcomes H M M D | H H M, prefetches issued after requests 0 and 5
    const outcomes = Uint8Array.of(0, 1, 1, 2, 0, 0, 1);
    const issued = Uint32Array.of(1, 0, 0, 0, 0, 2, 0);
    const counts = windowCounts(outcomes, issued, Int32Array.of(0, 4, 7));
    expect(Array.from(counts.requests)).toEqual([4, 3]);
    expect(Array.from(counts.hits)).toEqual([1, 2]);
    expect(Array.from(counts.misses)).toEqual([2, 1]);
    expect(Array.from(counts.delayedHits)).toEqual([1, 0]);
    expect(Array.from(counts.issuedPrefetches)).toEqual([1, 2]);
    expect(Array.from(counts.fetches)).toEqual([3, 3]);
  });
});

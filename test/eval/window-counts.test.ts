import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowBounds } from '../../src/eval/window-bounds.js';
import { windowCounts } from '../../src/eval/window-counts.js';

/** Counts one window request by request, as the definition reads. */
function countWindow(outcomes: number[], issued: number[]) {
  const hits = outcomes.filter((o) => o === 0).length;
  const misses = outcomes.filter((o) => o === 1).length;
  const prefetches = issued.reduce((sum, n) => sum + n, 0);
  return {
    requests: outcomes.length,
    hits,
    misses,
    delayedHits: outcomes.length - hits - misses,
    issuedPrefetches: prefetches,
    fetches: misses + prefetches,
  };
}

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

  it('counts no prefetches without their array', () => {
    const outcomes = Uint8Array.of(0, 1, 1, 2, 0, 0, 1, 0, 1);
    const bounds = Int32Array.of(0, 4, 9);
    const counts = windowCounts(outcomes, undefined, bounds);
    expect(counts).toEqual(windowCounts(outcomes, new Uint32Array(outcomes.length), bounds));
    expect(Array.from(counts.fetches)).toEqual([2, 2]);
  });

  it('matches a request-by-request count', () => {
    const requests = fc.array(
      fc.record({ outcome: fc.integer({ min: 0, max: 2 }), issued: fc.integer({ min: 0, max: 3 }) }),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(requests, fc.integer({ min: 1, max: 9 }), (list, asked) => {
        const windows = Math.min(asked, list.length);
        const bounds = windowBounds(list.length, windows);
        const counts = windowCounts(
          Uint8Array.from(list, (r) => r.outcome),
          Uint32Array.from(list, (r) => r.issued),
          bounds,
        );
        for (let w = 0; w < windows; w++) {
          const slice = list.slice(bounds[w], bounds[w + 1]);
          expect({
            requests: counts.requests[w],
            hits: counts.hits[w],
            misses: counts.misses[w],
            delayedHits: counts.delayedHits[w],
            issuedPrefetches: counts.issuedPrefetches[w],
            fetches: counts.fetches[w],
          }).toEqual(countWindow(slice.map((r) => r.outcome), slice.map((r) => r.issued)));
        }
      }),
    );
  });
});

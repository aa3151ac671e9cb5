import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectTrace } from '../../src/analysis/inspect.js';
import { popularity } from '../../src/analysis/popularity.js';
import { lruHitRatio, powerOfTwoHistogram, reuseDistances } from '../../src/analysis/reuse-distance.js';
import { successorStats } from '../../src/analysis/successors.js';
import { simulate } from '../../src/simulate.js';
import { readTrace } from '../../src/trace/read.js';
import { traceOf } from '../helpers.js';

describe('reuseDistances', () => {
  it('counts distinct keys since the previous request', () => {
    // a b a c a b: distances -, -, 1, -, 1, 2.
    const trace = traceOf(['a', 'b', 'a', 'c', 'a', 'b']);
    const distances = reuseDistances(trace.keyIds, trace.keys.length);
    expect(distances.firstRequests).toBe(3);
    expect(Array.from(distances.counts)).toEqual([0, 2, 1]);
    expect(lruHitRatio(distances, 6, 1)).toBe(0);
    expect(lruHitRatio(distances, 6, 2)).toBe(2 / 6);
    expect(lruHitRatio(distances, 6, 3)).toBe(3 / 6);
  });

  it('gives distance 0 to a repeat', () => {
    const trace = traceOf(['a', 'a', 'a']);
    expect(Array.from(reuseDistances(trace.keyIds, 1).counts)).toEqual([2]);
  });

  it('buckets distances by powers of two', () => {
    const counts = Float64Array.from([1, 2, 3, 4, 5, 6]);
    expect(powerOfTwoHistogram({ firstRequests: 0, counts })).toEqual([
      { low: 0, high: 0, requests: 1 },
      { low: 1, high: 1, requests: 2 },
      { low: 2, high: 3, requests: 7 },
      { low: 4, high: 5, requests: 11 },
    ]);
  });

  it('matches the engine replaying lru at zero latency', async () => {
    const trace = await readTrace(join(import.meta.dirname, '..', '..', 'traces', 'zipfian.csv'));
    const distances = reuseDistances(trace.keyIds, trace.keys.length);
    for (const objects of [10, 100]) {
      const result = await simulate({ trace, policies: ['lru'], capacities: [{ unit: 'objects', objects }], trainFraction: 0 });
      const { hits, requests } = result.runs[0].counters;
      expect(lruHitRatio(distances, trace.length, objects)).toBe(hits / requests);
    }
  });
});

describe('successorStats', () => {
  it('counts online matches and the exact ceiling', () => {
    // Pairs a>b, b>a, a>c, c>a, a>b. Online, only the last a>b is foreseen;
    // knowing all, a>b (2 of 3), b>a and c>a are right: 4 of 5.
    const trace = traceOf(['a', 'b', 'a', 'c', 'a', 'b']);
    expect(successorStats(trace.keyIds, 3)).toEqual({
      requestsWithPredecessor: 5,
      repeats: 0,
      onlineMatches: 1,
      ceilingMatches: 4,
    });
  });

  it('reaches a ceiling of 1 on a cycle', () => {
    const trace = traceOf([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    const stats = successorStats(trace.keyIds, 3);
    expect(stats.ceilingMatches).toBe(8);
    expect(stats.onlineMatches).toBe(5);
  });

  it('handles a one-request trace', () => {
    expect(successorStats(traceOf(['a']).keyIds, 1).ceilingMatches).toBe(0);
  });
});

describe('popularity', () => {
  it('fits exponent 1 to counts proportional to 1 / rank', () => {
    const keys = [60, 30, 20, 15, 12, 10].flatMap((count, rank) => Array<string>(count).fill(`k${rank}`));
    const result = popularity(traceOf(keys).keyIds, 6);
    expect(result.zipfExponent).toBeCloseTo(1, 10);
    expect(result.zipfRSquared).toBeCloseTo(1, 10);
    expect(result.oneHitKeys).toBe(0);
  });

  it('gives no fit below two keys', () => {
    for (const keys of [[], ['a', 'a']]) {
      const result = popularity(traceOf(keys).keyIds, new Set(keys).size);
      expect(result.zipfExponent).toBeNull();
      expect(result.zipfRSquared).toBeNull();
    }
  });

  it('gives exponent 0 and no R² when every key is as popular', () => {
    // The fit is exact, but R² is 0 / 0: there is no variance to explain.
    const result = popularity(traceOf(['a', 'b', 'c']).keyIds, 3);
    expect(result.zipfExponent).toBeCloseTo(0, 10);
    expect(result.zipfRSquared).toBeNull();
  });
});

describe('inspectTrace', () => {
  it('summarises counts, bytes and one-hit keys', () => {
    const trace = traceOf(['a', 'b', 'a', 'c'], [10, 20, 30, 0]);
    const result = inspectTrace(trace);
    expect(result.requests).toBe(4);
    expect(result.distinctKeys).toBe(3);
    expect(result.oneHitKeys).toBe(2);
    expect(result.requestedBytes).toBe(60);
    expect(result.distinctBytes).toBe(30 + 20 + 0);
    expect(result.topKeys[0]).toEqual({ key: 'a', requests: 2 });
    expect(result.lruHitRatios.at(-1)).toEqual({ capacity: 3, hitRatio: 0.25 });
  });
});

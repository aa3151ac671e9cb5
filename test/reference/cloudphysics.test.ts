import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { readTrace } from '../../src/trace/read.js';
import { realTrace } from '../helpers.js';

// LRU miss ratios measured by libCacheSim's cachesim (git aa0fc40) on the
// same file, every object of size 1, key = lbn, all requests counted.
const LIBCACHESIM_LRU_MISS_RATIO: [number, number][] = [
  [100, 0.8801],
  [1000, 0.8327],
  [10000, 0.6976],
];

const real = realTrace('cloudPhysicsIO.csv');

describe('lru against the established simulator', () => {
  it.skipIf(real.isMissing)(`matches libCacheSim's LRU miss ratios on cloudPhysicsIO.csv${real.why}`, async () => {
    const trace = await readTrace(real.path);
    const result = await simulate({
      trace,
      policies: ['lru'],
      capacities: LIBCACHESIM_LRU_MISS_RATIO.map(([objects]) => ({ unit: 'objects', objects })),
      trainFraction: 0,
    });
    for (const [i, [, expected]] of LIBCACHESIM_LRU_MISS_RATIO.entries()) {
      const { counters } = result.runs[i];
      expect(counters.requests).toBe(113_872);
      expect(counters.misses / counters.requests).toBeCloseTo(expected, 4);
    }
  });
});

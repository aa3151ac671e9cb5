import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { readTrace } from '../../src/trace/read.js';
import { realTrace } from '../helpers.js';

// Miss ratios measured by libCacheSim's cachesim (git aa0fc40) on the same
// file, every object of size 1, key = lbn, all requests counted.
const CAPACITIES = [100, 1000, 10000];
const LIBCACHESIM_MISS_RATIO: Record<string, number[]> = {
  lru: [0.8801, 0.8327, 0.6976],
  belady: [0.8256, 0.7642, 0.5431],
};

const real = realTrace('cloudPhysicsIO.csv');

describe('bounds and baseline against the established simulator', () => {
  it.skipIf(real.isMissing)(`match libCacheSim's lru and belady miss ratios in one sweep${real.why}`, async () => {
    const trace = await readTrace(real.path);
    const result = await simulate({
      trace,
      policies: ['lru', 'belady'],
      capacities: CAPACITIES.map((objects) => ({ unit: 'objects', objects })),
      trainFraction: 0,
    });
    for (const run of result.runs) {
      const index = CAPACITIES.indexOf(run.capacity.unit === 'objects' ? run.capacity.objects : -1);
      const { counters } = run;
      expect(counters.requests).toBe(113_872);
      expect(counters.misses / counters.requests).toBeCloseTo(LIBCACHESIM_MISS_RATIO[run.policyId][index], 4);
    }
    expect(result.runs).toHaveLength(6);
  });
});

import { describe, expect, it } from 'vitest';
import { runMetrics } from '../../src/eval/run-metrics.js';
import { emptyCounters } from '../../src/sim/metrics.js';

describe('runMetrics', () => {
  const baseline = { ...emptyCounters(), requests: 10, hits: 4, misses: 6, fetches: 6 };
  const candidate = {
    ...emptyCounters(),
    requests: 10,
    hits: 6,
    misses: 3,
    delayedHits: 1,
    fetches: 7,
    issuedPrefetches: 4,
    usefulPrefetches: 3,
    latePrefetches: 1,
    wastedPrefetches: 1,
  };

  it('computes each ratio from its definition', () => {
    const metrics = runMetrics(candidate, baseline);
    expect(metrics.hitRatio).toBe(0.6);
    expect(metrics.missRatio).toBeCloseTo(0.4, 12);
    expect(metrics.prefetchAccuracy).toBe(0.75);
    expect(metrics.prefetchCoverage).toBe(0.5);
    expect(metrics.timeliness).toBeCloseTo(2 / 3, 12);
    expect(metrics.wasteShare).toBe(0.25);
    expect(metrics.backendLoad).toBeCloseTo(7 / 6, 12);
  });

  it('leaves ratios over zero undefined', () => {
    const metrics = runMetrics(emptyCounters());
    expect(metrics.hitRatio).toBeNull();
    expect(metrics.prefetchAccuracy).toBeNull();
    expect(metrics.backendLoad).toBeNull();
  });
});

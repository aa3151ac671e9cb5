import { describe, expect, it } from 'vitest';
import { hitRatioGain } from '../../src/eval/hit-ratio-gain.js';
import { pairedInterval } from '../../src/eval/paired-interval.js';

describe('pairedInterval', () => {
  it('matches the exact bootstrap interval of a tiny case', () => {
    // Six windows of 10 requests; per-window hit differences [3, 0, 2, 4, 0, 2].
    // Blocks of two windows, three blocks per resample: the 216 equally
    // likely resamples were enumerated in plain Python (itertools.product
    // over block starts, gain = 100 * sum / 60). Their distribution puts
    // 3.7% of its mass at the minimum, 10 pt, and reaches 97.5% only at
    // 26.67 pt (F(25) = 0.954, F(26.67) = 0.981), so with 20,000 resamples
    // the 2.5% and 97.5% quantiles fall on those values.
    const baseline = { requests: Array(6).fill(10), hits: [2, 4, 1, 3, 5, 0] };
    const candidate = { hits: [5, 4, 3, 7, 5, 2] };
    const result = pairedInterval(6, (w) => hitRatioGain(candidate, baseline, w), {
      replicates: 20_000,
      blockLength: 2,
      seed: 42,
      level: 0.95,
    });
    expect(result.estimate).toBeCloseTo(18.333333333333, 9);
    expect(result.lower).toBeCloseTo(10, 9);
    expect(result.upper).toBeCloseTo(26.666666666667, 9);
    expect(result.windowValues).toEqual([30, 0, 20, 40, 0, 20]);
    expect(result.validReplicates).toBe(20_000);
  });

  it('gives a zero-width interval at zero for identical replays', () => {
    const counts = { requests: [10, 10, 10], hits: [1, 5, 3] };
    const result = pairedInterval(3, (w) => hitRatioGain(counts, counts, w), {
      replicates: 500,
      blockLength: 1,
      seed: 1,
      level: 0.95,
    });
    expect(result).toMatchObject({ estimate: 0, lower: 0, upper: 0 });
  });

  it('returns nulls when the statistic is undefined overall', () => {
    const result = pairedInterval(2, () => NaN, { replicates: 10, blockLength: 1, seed: 1, level: 0.95 });
    expect(result).toEqual({ estimate: null, lower: null, upper: null, windowValues: [null, null], validReplicates: 0 });
  });
});

import fc from 'fast-check';
import { quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { predictionPercentiles } from '../../src/eval/prediction-percentiles.js';

describe('predictionPercentiles', () => {
  it('matches numpy percentile with linear interpolation', () => {
    // numpy 2.4: numpy.percentile([1, 2, 3, 4, 5], [50, 95, 99]) → [3, 4.8, 4.96]
    const result = predictionPercentiles(Float64Array.of(5, 1, 4, 2, 3));
    expect(result?.p50Ms).toBe(3);
    expect(result?.p95Ms).toBeCloseTo(4.8, 12);
    expect(result?.p99Ms).toBeCloseTo(4.96, 12);
    expect(result?.samples).toBe(5);
  });

  it('matches percentiles of the sorted samples', () => {
    const samples = fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 1, maxLength: 200 });
    fc.assert(
      fc.property(samples, (list) => {
        const samplesMs = Float64Array.from(list);
        const sorted = [...samplesMs].sort((a, b) => a - b);
        expect(predictionPercentiles(samplesMs)).toEqual({
          p50Ms: quantileSorted(sorted, 0.5),
          p95Ms: quantileSorted(sorted, 0.95),
          p99Ms: quantileSorted(sorted, 0.99),
          samples: list.length,
        });
        // The samples keep their order.
        expect(Array.from(samplesMs)).toEqual(list);
      }),
    );
  });

  it('returns null without samples', () => {
    expect(predictionPercentiles(new Float64Array(0))).toBeNull();
  });
});

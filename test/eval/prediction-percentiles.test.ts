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

  it('returns null without samples', () => {
    expect(predictionPercentiles(new Float64Array(0))).toBeNull();
  });
});

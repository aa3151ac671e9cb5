import { describe, expect, it } from 'vitest';
import { percentileInterval } from '../../src/eval/percentile-interval.js';

describe('percentileInterval', () => {
  it('matches numpy percentile with linear interpolation', () => {
    // numpy 2.4: numpy.percentile(range(1, 11), [5, 95]) → [1.45, 9.55]; the index is
    // (n - 1) * p = 0.45 and 8.55, interpolated between neighbours.
    const values = Float64Array.of(7, 3, 10, 1, 5, 9, 2, 8, 4, 6);
    const interval = percentileInterval(values, 0.9);
    expect(interval.lower).toBeCloseTo(1.45, 12);
    expect(interval.upper).toBeCloseTo(9.55, 12);
  });

  it('leaves out values that are not finite', () => {
    const values = Float64Array.of(1, NaN, 2, Infinity, 3);
    expect(percentileInterval(values, 0.5)).toEqual({ lower: 1.5, upper: 2.5 });
  });

  it('rejects a level outside (0, 1)', () => {
    expect(() => percentileInterval(Float64Array.of(1), 95)).toThrow(/level 95 is outside/);
  });

  it('rejects values that are all NaN', () => {
    expect(() => percentileInterval(Float64Array.of(NaN), 0.95)).toThrow(/no finite value/);
  });
});

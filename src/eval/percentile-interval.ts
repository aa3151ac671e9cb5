import { quantileSorted } from 'simple-statistics';

/** Lower and upper end of a confidence interval. */
export interface Interval {
  lower: number;
  upper: number;
}

/**
 * Percentile bootstrap confidence interval: the (1 − level) / 2 and
 * (1 + level) / 2 quantiles of the bootstrap values, with the linear
 * interpolation of numpy's default and R's type 7 (simple-statistics'
 * `quantileSorted`). Values that are not finite (a ratio whose resample
 * had a zero denominator) are left out; the caller reports how many
 * remained.
 *
 * Time: O(n log n) for the sort.
 *
 * @param values bootstrap statistic values
 * @param level confidence level in (0, 1); 0.95 for a 95% interval
 * @throws {RangeError} when no value is finite or the level is outside (0, 1)
 * @example
 * percentileInterval(Float64Array.of(1, 2, 3, 4, 5), 0.5); // => { lower: 2, upper: 4 }
 */
export function percentileInterval(
  values: Float64Array,
  level: number,
): Interval {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(
      `percentileInterval: level ${level} is outside (0, 1); give 0.95 for a 95% interval`,
    );
  }
  const finite = Array.from(values.filter(Number.isFinite)).sort(
    (a, b) => a - b,
  );
  if (finite.length === 0) {
    throw new RangeError(
      'percentileInterval: no finite value among the bootstrap values',
    );
  }
  return {
    lower: quantileSorted(finite, (1 - level) / 2),
    upper: quantileSorted(finite, (1 + level) / 2),
  };
}

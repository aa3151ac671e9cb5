/** One point of a miss-ratio curve: the miss ratio at one capacity. */
export interface CurvePoint {
  /** Capacity in the sweep's unit (objects or bytes), above 0. */
  capacity: number;
  missRatio: number;
}

/** Position of a miss ratio on the baseline's miss-ratio curve. */
export interface EquivalentCapacity {
  /**
   * `interpolated`: between two swept capacities, or on one. `below`: the
   * baseline misses less than this even at the smallest swept capacity.
   * `above`: the baseline misses more than this even at the largest.
   */
  relation: 'interpolated' | 'below' | 'above';
  /**
   * The interpolated capacity; for `below` and `above`, the swept capacity
   * that the equivalent one lies beyond.
   */
  capacity: number;
}

/**
 * Equivalent cache size: the capacity at which the baseline would reach
 * `missRatio`, interpolated on its miss-ratio curve. "next-key at 1000
 * objects misses like lru at 2600 objects" reads the candidate's miss ratio
 * at 1000 objects off the lru curve.
 *
 * Interpolation is linear in log(capacity), because sweeps are usually
 * spaced by factors (100, 1000, 10000) and miss ratios change about evenly
 * per factor. The first segment, from small to large capacities, whose
 * ends enclose the miss ratio is used, so a curve that is not monotone
 * still gives the smallest such capacity.
 *
 * Time: O(points log points) for the sort.
 *
 * @param baseline the baseline's curve, two points or more, in any order
 * @param missRatio the miss ratio to place on it
 * @throws {RangeError} with fewer than two points or a capacity ≤ 0
 * @example
 * equivalentCapacity(
 *   [{ capacity: 100, missRatio: 0.9 }, { capacity: 10000, missRatio: 0.5 }],
 *   0.7,
 * ); // => { relation: 'interpolated', capacity: 1000 } (to rounding)
 */
export function equivalentCapacity(
  baseline: readonly CurvePoint[],
  missRatio: number,
): EquivalentCapacity {
  const points = sortedPoints(baseline);
  const first = points[0];
  const last = points[points.length - 1];
  if (missRatio > first.missRatio) {
    return { relation: 'below', capacity: first.capacity };
  }
  if (missRatio < last.missRatio) {
    return { relation: 'above', capacity: last.capacity };
  }
  // The ratio lies between the ends of the curve, so some segment
  // encloses it, even on a curve that rises somewhere.
  let i = 0;
  while (!(points[i].missRatio >= missRatio && missRatio >= points[i + 1].missRatio)) {
    i++;
  }
  return {
    relation: 'interpolated',
    capacity: interpolate(points[i], points[i + 1], missRatio),
  };
}

function sortedPoints(curve: readonly CurvePoint[]): CurvePoint[] {
  if (curve.length < 2) {
    throw new RangeError(
      `equivalentCapacity: the baseline curve has ${curve.length} point(s); a sweep of two capacities or more is needed`,
    );
  }
  const bad = curve.find((point) => !(point.capacity > 0));
  if (bad !== undefined) {
    throw new RangeError(
      `equivalentCapacity: capacity ${bad.capacity} is not above 0`,
    );
  }
  return [...curve].sort((a, b) => a.capacity - b.capacity);
}

function interpolate(low: CurvePoint, high: CurvePoint, missRatio: number): number {
  const drop = low.missRatio - high.missRatio;
  if (drop === 0) return low.capacity;
  const share = (low.missRatio - missRatio) / drop;
  const logCapacity =
    Math.log(low.capacity) +
    share * (Math.log(high.capacity) - Math.log(low.capacity));
  return Math.exp(logCapacity);
}

import {
  blockBootstrap,
  type BlockBootstrapOptions,
} from './block-bootstrap.js';
import { percentileInterval } from './percentile-interval.js';

/** A statistic with its bootstrap confidence interval. */
export interface IntervalEstimate {
  /** The statistic over all windows; null when it is undefined. */
  estimate: number | null;
  /** Ends of the confidence interval; null when the estimate is. */
  lower: number | null;
  upper: number | null;
  /** The statistic of each window alone, null where undefined. */
  windowValues: (number | null)[];
  /** Resamples whose statistic was finite and entered the interval. */
  validReplicates: number;
}

/** Bootstrap settings plus the confidence level of the interval. */
export interface IntervalOptions extends BlockBootstrapOptions {
  /** Confidence level in (0, 1); 0.95 for a 95% interval. */
  level: number;
}

/**
 * Estimates a paired statistic of two replays over metrics windows, with a
 * circular block bootstrap percentile interval. `statistic` reads both
 * replays at the window indices it is given, so each resample keeps the
 * pairing: the candidate and the baseline are compared on the same
 * requests.
 *
 * Time: O(replicates × windowCount) plus the sort of the replicates.
 *
 * @param windowCount number of metrics windows
 * @param statistic value of the statistic over a list of window indices
 * @example
 * const gain = [1, 2, 3, 4];
 * pairedInterval(4, (w) => Array.from(w).reduce((s, i) => s + gain[i], 0) / w.length,
 *   { replicates: 2000, blockLength: 1, seed: 1, level: 0.95 }).estimate; // => 2.5
 */
export function pairedInterval(
  windowCount: number,
  statistic: (windows: ArrayLike<number>) => number,
  options: IntervalOptions,
): IntervalEstimate {
  const all = Int32Array.from({ length: windowCount }, (_, w) => w);
  const estimate = statistic(all);
  const windowValues = Array.from(all, (w) =>
    finiteOrNull(statistic([w])),
  );
  if (!Number.isFinite(estimate)) {
    return {
      estimate: null,
      lower: null,
      upper: null,
      windowValues,
      validReplicates: 0,
    };
  }
  const replicates = blockBootstrap(windowCount, options, statistic);
  const interval = percentileInterval(replicates, options.level);
  return {
    estimate,
    lower: interval.lower,
    upper: interval.upper,
    windowValues,
    validReplicates: replicates.filter(Number.isFinite).length,
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

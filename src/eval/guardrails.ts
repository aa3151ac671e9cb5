import type { IntervalEstimate } from './paired-interval.js';

/** Names of the guardrails, as their command-line flags spell them. */
export const GUARDRAIL_NAMES = [
  'min-gain',
  'max-backend-load',
  'max-prediction-p99',
  'max-waste',
] as const;
export type GuardrailName = (typeof GUARDRAIL_NAMES)[number];

/** Limits a candidate must meet to be rolled out; null turns one off. */
export interface GuardrailLimits {
  /** Minimum hit-ratio gain over the baseline, in percentage points. */
  minGainPoints: number | null;
  /** Maximum backend fetches relative to the baseline's (1.3 = 30% more). */
  maxBackendLoad: number | null;
  /** Maximum 99th-percentile time of one prediction, in milliseconds. */
  maxPredictionP99Ms: number | null;
  /** Maximum share of issued prefetches evicted unused, in [0, 1]. */
  maxWaste: number | null;
}

/** Limits used when a flag is not given. */
export const DEFAULT_GUARDRAILS: Readonly<GuardrailLimits> = {
  minGainPoints: 1,
  maxBackendLoad: 1.3,
  maxPredictionP99Ms: 1,
  maxWaste: 0.5,
};

/**
 * Result of one guardrail. `pass` and `fail` mean the whole interval, or
 * the measured value for a guardrail without one, is on one side of the
 * limit. `uncertain` means the interval contains the limit. `not measured`
 * means there was nothing to measure (no prefetch issued, no timing
 * sample), and `off` that the limit was turned off.
 */
export type GuardrailStatus =
  | 'pass'
  | 'fail'
  | 'uncertain'
  | 'not measured'
  | 'off';

/** One guardrail applied to one candidate. */
export interface GuardrailCheck {
  name: GuardrailName;
  limit: number | null;
  /** True when the limit is the default, not set by a flag. */
  isDefault: boolean;
  observed: number | null;
  /** Confidence interval of `observed`, for the windowed guardrails. */
  lower: number | null;
  upper: number | null;
  status: GuardrailStatus;
}

/** An estimate with its interval, or without one (lower, upper null). */
export type GuardedValue = Pick<IntervalEstimate, 'estimate' | 'lower' | 'upper'>;

/**
 * Checks a lower limit against an estimate and its interval: pass when the
 * interval lies above the limit, fail when it lies below, uncertain when it
 * contains the limit. Passing needs the interval strictly above, so that
 * two identical policies never pass a gain limit of 0.
 *
 * @example
 * checkAtLeast('min-gain', 1, true,
 *   { estimate: 2, lower: 0.5, upper: 3.5 }).status; // => 'uncertain'
 */
export function checkAtLeast(
  name: GuardrailName,
  limit: number | null,
  isDefault: boolean,
  value: GuardedValue,
): GuardrailCheck {
  return check(name, limit, isDefault, value, (minimum, lower, upper) => {
    if (lower > minimum) return 'pass';
    if (upper < minimum) return 'fail';
    return 'uncertain';
  });
}

/**
 * Checks an upper limit: pass when the interval (or the value, without an
 * interval) lies at or below the limit, fail when it lies above, uncertain
 * when it contains the limit.
 *
 * @example
 * checkAtMost('max-waste', 0.5, true,
 *   { estimate: 0.62, lower: null, upper: null }).status; // => 'fail'
 */
export function checkAtMost(
  name: GuardrailName,
  limit: number | null,
  isDefault: boolean,
  value: GuardedValue,
): GuardrailCheck {
  return check(name, limit, isDefault, value, (maximum, lower, upper) => {
    if (upper <= maximum) return 'pass';
    if (lower > maximum) return 'fail';
    return 'uncertain';
  });
}

function check(
  name: GuardrailName,
  limit: number | null,
  isDefault: boolean,
  value: GuardedValue,
  compare: (limit: number, lower: number, upper: number) => GuardrailStatus,
): GuardrailCheck {
  const { estimate } = value;
  const status =
    limit === null
      ? 'off'
      : estimate === null
        ? 'not measured'
        : compare(limit, value.lower ?? estimate, value.upper ?? estimate);
  return {
    name,
    limit,
    isDefault,
    observed: estimate,
    lower: value.lower,
    upper: value.upper,
    status,
  };
}

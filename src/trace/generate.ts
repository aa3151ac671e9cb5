import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { warmedUpGenerator } from './arrivals.js';

/** Synthetic workloads, one key sequence each. */
export const PATTERNS = ['sequential', 'periodic', 'zipfian', 'random', 'mixed', 'phases', 'scan-zipf'] as const;
export type Pattern = (typeof PATTERNS)[number];

/** The four basic patterns that `mixed` interleaves. */
export const MIXED_STREAMS = ['sequential', 'periodic', 'zipfian', 'random'] as const;
export type MixedStream = (typeof MIXED_STREAMS)[number];

/** Parameters of the patterns that take any; each has a documented default. */
export interface PatternOptions {
  /** `mixed`: relative weight of each stream; streams not named get 0. Default: 1 each. */
  weights?: Partial<Record<MixedStream, number>>;
  /** `phases`: requests per phase. Default `DEFAULT_PHASE_LENGTH`. */
  phaseLength?: number;
  /** `phases`: keys in each phase's working set. Default `DEFAULT_WORKING_SET`. */
  workingSet?: number;
  /** `scan-zipf`: keys in the scanned loop. Default `DEFAULT_SCAN_LENGTH`. */
  scanLength?: number;
  /** `scan-zipf`: share of requests that belong to the loop. Default `DEFAULT_SCAN_SHARE`. */
  scanShare?: number;
  /**
   * `zipfian` and `random`: number of distinct keys. Default
   * `UNIVERSE_KEYS`. The zipfian exponent is solved for each size so that
   * the most popular fifth of the keys still gets 80% of the requests.
   */
  keys?: number;
}

export const DEFAULT_PHASE_LENGTH = 10_000;
export const DEFAULT_WORKING_SET = 100;
export const DEFAULT_SCAN_LENGTH = 500;
export const DEFAULT_SCAN_SHARE = 0.2;
/** First key of the scanned loop in `scan-zipf`, above the Zipf background's keys. */
export const SCAN_FIRST_KEY = 1_000_000;

/** Keys of the sequential pattern: 0, 1, …, 99, 0, 1, … */
export const SEQUENTIAL_KEYS = 100;
/** Keys of the periodic pattern, repeated in this order. */
export const PERIODIC_KEYS = [10, 20, 30, 40] as const;
/** Key universe of the zipfian and random patterns. */
export const UNIVERSE_KEYS = 1000;
/** Share of zipfian requests that go to the most popular 20% of keys. */
export const ZIPF_TOP_FIFTH_SHARE = 0.8;

/**
 * In the mixed pattern each stream's keys are shifted by its own offset, so
 * that the four streams never share a key.
 */
const MIXED_OFFSETS: Record<MixedStream, number> = {
  sequential: 100_000,
  periodic: 200_000,
  zipfian: 300_000,
  random: 400_000,
};

/** Returns a function that yields the pattern's next key on each call. */
export function keyStream(pattern: Pattern, seed: number, options: PatternOptions = {}): () => number {
  const rng = xoroshiro128plus(seed);
  switch (pattern) {
    case 'sequential': {
      let i = 0;
      return () => i++ % SEQUENTIAL_KEYS;
    }
    case 'periodic': {
      let i = 0;
      return () => PERIODIC_KEYS[i++ % PERIODIC_KEYS.length];
    }
    case 'zipfian': {
      const keys = options.keys ?? UNIVERSE_KEYS;
      return zipfStream(rng, keys, zipfExponentForShare(keys, 0.2, ZIPF_TOP_FIFTH_SHARE));
    }
    case 'random': {
      const keys = options.keys ?? UNIVERSE_KEYS;
      return () => uniformInt(rng, 0, keys - 1);
    }
    case 'mixed':
      return mixedStream(rng, seed, options.weights);
    case 'phases':
      return phaseStream(warmedUpGenerator(seed), options.phaseLength ?? DEFAULT_PHASE_LENGTH, options.workingSet ?? DEFAULT_WORKING_SET);
    case 'scan-zipf':
      return scanOverZipf(warmedUpGenerator(seed), options.scanLength ?? DEFAULT_SCAN_LENGTH, options.scanShare ?? DEFAULT_SCAN_SHARE);
  }
}

/** Generates `length` keys of a pattern. */
export function generateKeys(pattern: Pattern, length: number, seed: number, options: PatternOptions = {}): Float64Array {
  const next = keyStream(pattern, seed, options);
  const keys = new Float64Array(length);
  for (let i = 0; i < length; i++) keys[i] = next();
  return keys;
}

/** Mean number of consecutive requests the mixed pattern takes from one stream. */
export const MIXED_MEAN_BURST = 16;

/**
 * Interleaves the four streams in bursts: after each request the mixed
 * stream switches, with probability 1 / MIXED_MEAN_BURST, to a stream chosen
 * in proportion to its weight (uniformly by default). Bursts keep each
 * stream's own order visible to a predictor, as when several clients share
 * one cache.
 */
function mixedStream(
  rng: RandomGenerator,
  seed: number,
  weights: Partial<Record<MixedStream, number>> | undefined,
): () => number {
  const names = MIXED_STREAMS;
  // Each stream gets its own seed derived from the mixed one, so a stream's
  // keys do not depend on how often the others were chosen.
  const streams = names.map((name, i) => keyStream(name, seed * 31 + i + 1));
  const choose = weightedChoice(rng, names.map((name) => (weights === undefined ? 1 : (weights[name] ?? 0))));
  let current = choose();
  return () => {
    if (uniformFloat64(rng) < 1 / MIXED_MEAN_BURST) current = choose();
    return MIXED_OFFSETS[names[current]] + streams[current]();
  };
}

/**
 * Returns a sampler of indexes in proportion to `weights`. Equal weights
 * draw with `uniformInt`, so the default mixed pattern keeps the keys it
 * had before weights existed.
 */
function weightedChoice(rng: RandomGenerator, weights: readonly number[]): () => number {
  if (weights.every((weight) => weight === weights[0])) {
    return () => uniformInt(rng, 0, weights.length - 1);
  }
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return () => {
    let u = uniformFloat64(rng) * total;
    for (let i = 0; i < weights.length; i++) {
      if (u < weights[i]) return i;
      u -= weights[i];
    }
    // Rounding can leave u at the total: take the last stream with weight.
    let last = weights.length - 1;
    while (weights[last] === 0) last--;
    return last;
  };
}

/**
 * A working set that moves: phase p (requests p·L … (p+1)·L − 1) draws
 * Zipf ranks over its own `workingSet` keys, p·workingSet and up, so each
 * phase boundary replaces the whole working set, as when a job changes.
 */
function phaseStream(rng: RandomGenerator, phaseLength: number, workingSet: number): () => number {
  const rank = zipfStream(rng, workingSet, zipfExponentForShare(workingSet, 0.2, ZIPF_TOP_FIFTH_SHARE));
  let i = 0;
  return () => {
    const phase = Math.floor(i++ / phaseLength);
    return phase * workingSet + rank();
  };
}

/**
 * A loop over `scanLength` keys (SCAN_FIRST_KEY and up, in order, again
 * and again) mixed into the zipfian background: each request is the loop's
 * next key with probability `scanShare`, else a background key. The loop
 * defeats LRU whenever it is longer than the cache.
 */
function scanOverZipf(rng: RandomGenerator, scanLength: number, scanShare: number): () => number {
  const background = zipfStream(rng, UNIVERSE_KEYS, zipfExponentForShare(UNIVERSE_KEYS, 0.2, ZIPF_TOP_FIFTH_SHARE));
  let position = 0;
  return () => {
    if (uniformFloat64(rng) < scanShare) return SCAN_FIRST_KEY + (position++ % scanLength);
    return background();
  };
}

/**
 * Samples ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s by
 * binary search over the cumulative distribution.
 */
function zipfStream(rng: RandomGenerator, n: number, exponent: number): () => number {
  const cumulative = zipfCumulative(n, exponent);
  return () => {
    const u = uniformFloat64(rng);
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid] > u) high = mid;
      else low = mid + 1;
    }
    return low;
  };
}

function zipfCumulative(n: number, exponent: number): Float64Array {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / Math.pow(rank + 1, exponent);
    cumulative[rank] = total;
  }
  for (let rank = 0; rank < n; rank++) cumulative[rank] /= total;
  return cumulative;
}

/**
 * Finds the Zipf exponent under which the most popular `topFraction` of `n`
 * keys receive `share` of the requests, by bisection (the share grows with
 * the exponent).
 */
export function zipfExponentForShare(n: number, topFraction: number, share: number): number {
  const top = Math.round(n * topFraction);
  let low = 0;
  let high = 5;
  for (let step = 0; step < 60; step++) {
    const mid = (low + high) / 2;
    const cumulative = zipfCumulative(n, mid);
    if (cumulative[top - 1] < share) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

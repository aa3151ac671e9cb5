import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Synthetic workloads, one key sequence each. */
export const PATTERNS = ['sequential', 'periodic', 'zipfian', 'random', 'mixed'] as const;
export type Pattern = (typeof PATTERNS)[number];

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
const MIXED_OFFSETS: Record<Exclude<Pattern, 'mixed'>, number> = {
  sequential: 100_000,
  periodic: 200_000,
  zipfian: 300_000,
  random: 400_000,
};

/** Returns a function that yields the pattern's next key on each call. */
export function keyStream(pattern: Pattern, seed: number): () => number {
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
    case 'zipfian':
      return zipfStream(rng, UNIVERSE_KEYS, zipfExponentForShare(UNIVERSE_KEYS, 0.2, ZIPF_TOP_FIFTH_SHARE));
    case 'random':
      return () => uniformInt(rng, 0, UNIVERSE_KEYS - 1);
    case 'mixed':
      return mixedStream(rng, seed);
  }
}

/** Generates `length` keys of a pattern. */
export function generateKeys(pattern: Pattern, length: number, seed: number): Float64Array {
  const next = keyStream(pattern, seed);
  const keys = new Float64Array(length);
  for (let i = 0; i < length; i++) keys[i] = next();
  return keys;
}

/** Mean number of consecutive requests the mixed pattern takes from one stream. */
export const MIXED_MEAN_BURST = 16;

/**
 * Interleaves the four streams in bursts: after each request the mixed
 * stream switches, with probability 1 / MIXED_MEAN_BURST, to a stream chosen
 * uniformly. Bursts keep each stream's own order visible to a predictor, as
 * when several clients share one cache.
 */
function mixedStream(rng: RandomGenerator, seed: number): () => number {
  const names = ['sequential', 'periodic', 'zipfian', 'random'] as const;
  // Each stream gets its own seed derived from the mixed one, so a stream's
  // keys do not depend on how often the others were chosen.
  const streams = names.map((name, i) => keyStream(name, seed * 31 + i + 1));
  let current = uniformInt(rng, 0, names.length - 1);
  return () => {
    if (uniformFloat64(rng) < 1 / MIXED_MEAN_BURST) {
      current = uniformInt(rng, 0, names.length - 1);
    }
    return MIXED_OFFSETS[names[current]] + streams[current]();
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

import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { BadOptionError } from '../errors.js';

/**
 * Offsets that derive the arrival and size generators' seeds from the
 * trace seed, apart from each other and from the key streams, so that
 * adding sizes or arrivals leaves the keys unchanged.
 */
const ARRIVAL_SEED_OFFSET = 101;
const SIZE_SEED_OFFSET = 211;

/**
 * Returns the generator for `seed` after discarding its first draws:
 * xoroshiro128+ seeded with a small integer gives a first uniform draw of
 * about 1.0 for every seed (pure-rand 8.4, seeds 1, 2, 132, 242 checked),
 * which would make the first gap or size an outlier.
 */
export function warmedUpGenerator(seed: number): RandomGenerator {
  const rng = xoroshiro128plus(seed);
  for (let i = 0; i < WARM_UP_DRAWS; i++) uniformFloat64(rng);
  return rng;
}

const WARM_UP_DRAWS = 4;

/** Process that generates request times. */
export type Arrivals = { kind: 'index' } | { kind: 'poisson'; ratePerUnit: number };

/**
 * Returns a function that yields each request's time: the request index,
 * or a Poisson process of `ratePerUnit` requests per time unit, whose gaps
 * are exponential with mean 1 / rate (drawn as −ln(1 − u) / rate).
 */
export function arrivalStream(arrivals: Arrivals, seed: number): () => number {
  if (arrivals.kind === 'index') {
    let i = 0;
    return () => i++;
  }
  const rng = warmedUpGenerator(seed * 31 + ARRIVAL_SEED_OFFSET);
  const rate = arrivals.ratePerUnit;
  let time = 0;
  return () => {
    time += -Math.log(1 - uniformFloat64(rng)) / rate;
    return time;
  };
}

/** A distribution of object sizes in bytes. */
export type SizeDistribution =
  | { kind: 'fixed'; bytes: number }
  | { kind: 'uniform'; minBytes: number; maxBytes: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'pareto'; alpha: number; minBytes: number };

const SIZE_SPEC_HELP =
  'give fixed:BYTES, uniform:MIN:MAX, lognormal:MU:SIGMA (of ln bytes) or pareto:ALPHA:MIN, e.g. lognormal:8:1.5';

/** Parses `--size`: `fixed:4096`, `uniform:512:65536`, `lognormal:8:1.5`, `pareto:1.2:512`. */
export function parseSizeDistribution(text: string): SizeDistribution {
  const [kind, ...parts] = text.split(':');
  const numbers = parts.map(Number);
  const isWhole = (value: number) => Number.isSafeInteger(value) && value >= 1;
  const fail = (why: string): never => {
    throw new BadOptionError(`--size: "${text}" ${why}; ${SIZE_SPEC_HELP}`);
  };
  if (numbers.some((value) => !Number.isFinite(value))) fail('has a part that is not a number');
  switch (kind) {
    case 'fixed':
      if (numbers.length !== 1 || !isWhole(numbers[0])) fail('needs one whole number of bytes >= 1');
      return { kind, bytes: numbers[0] };
    case 'uniform':
      if (numbers.length !== 2 || !isWhole(numbers[0]) || !(numbers[1] >= numbers[0]) || !isWhole(numbers[1])) {
        fail('needs whole numbers MIN <= MAX, both >= 1');
      }
      return { kind, minBytes: numbers[0], maxBytes: numbers[1] };
    case 'lognormal':
      if (numbers.length !== 2 || !(numbers[1] > 0)) fail('needs MU and a SIGMA > 0');
      return { kind, mu: numbers[0], sigma: numbers[1] };
    case 'pareto':
      if (numbers.length !== 2 || !(numbers[0] > 0) || !isWhole(numbers[1])) fail('needs ALPHA > 0 and a whole MIN >= 1');
      return { kind, alpha: numbers[0], minBytes: numbers[1] };
    default:
      return fail(`names no known distribution "${kind}"`);
  }
}

/**
 * Returns a function that gives each key its size. A key's size is drawn
 * once, when the key first occurs, so an object keeps one size.
 */
export function sizeStream(distribution: SizeDistribution, seed: number): (key: number) => number {
  const rng = warmedUpGenerator(seed * 31 + SIZE_SEED_OFFSET);
  const sizes = new Map<number, number>();
  return (key) => {
    let size = sizes.get(key);
    if (size === undefined) {
      size = drawSize(distribution, rng);
      sizes.set(key, size);
    }
    return size;
  };
}

function drawSize(distribution: SizeDistribution, rng: RandomGenerator): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.bytes;
    case 'uniform':
      return uniformInt(rng, distribution.minBytes, distribution.maxBytes);
    case 'lognormal':
      return Math.max(1, Math.round(Math.exp(distribution.mu + distribution.sigma * standardNormal(rng))));
    case 'pareto':
      return Math.floor(distribution.minBytes / Math.pow(1 - uniformFloat64(rng), 1 / distribution.alpha));
  }
}

/** Draws from the standard normal distribution by the Box-Muller transform. */
function standardNormal(rng: RandomGenerator): number {
  const u = 1 - uniformFloat64(rng);
  const v = uniformFloat64(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat32 } from 'pure-rand/distribution/uniformFloat32';
import { probit } from 'simple-statistics';
import { BadOptionError } from '../errors.js';

/** Seconds per unit of each clock unit a trace may use. */
const SECONDS_PER_UNIT: Record<string, number> = {
  s: 1,
  ms: 1e-3,
  us: 1e-6,
  ns: 1e-9,
  '100ns': 1e-7,
  '100 ns': 1e-7,
};

/** Clock units a trace may declare with `--time-unit`. */
export const TIME_UNITS = ['s', 'ms', 'us', 'ns', '100ns'] as const;

/**
 * Fetch latency model, in the trace's clock unit:
 * - `fixed`: every fetch takes `value`;
 * - `lognormal`: each fetch draws from a log-normal distribution with the
 *   given median and 99th percentile, from a seeded generator;
 * - `column`: a demand fetch takes the latency recorded on its own request
 *   (a response-time column), and a prefetch the latency recorded on the
 *   request that triggered it.
 */
export type LatencySpec =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'lognormal'; readonly median: number; readonly p99: number }
  | { readonly kind: 'column'; readonly values: Float64Array };

/** Draws fetch latencies; `next(i)` is the latency of a fetch at request i. */
export interface LatencySource {
  readonly isZero: boolean;
  next(requestIndex: number): number;
}

/** Builds the per-fetch latency source; lognormal draws follow `seed`. */
export function latencySource(spec: LatencySpec, seed: number): LatencySource {
  switch (spec.kind) {
    case 'fixed':
      return new FixedLatency(spec.value);
    case 'column':
      return new ColumnLatency(spec.values);
    case 'lognormal':
      return new LognormalLatency(spec.median, spec.p99, seed);
  }
}

// One class per model rather than object literals with closures, because
// the engine calls `next` once per fetch. Within a replay that call site
// then meets one class and one method, so it stays monomorphic.

class FixedLatency implements LatencySource {
  readonly isZero: boolean;
  readonly #value: number;

  constructor(value: number) {
    this.#value = value;
    this.isZero = value === 0;
  }

  next(): number {
    return this.#value;
  }
}

class ColumnLatency implements LatencySource {
  readonly isZero = false;
  readonly #values: Float64Array;

  constructor(values: Float64Array) {
    this.#values = values;
  }

  next(requestIndex: number): number {
    return this.#values[requestIndex];
  }
}

/** Log-normal draws made at a time (even: draws come in pairs). */
const LOGNORMAL_BATCH = 1024;

/**
 * Log-normal draws, made in batches: a tight loop of generator calls and
 * logarithms runs faster than the same work spread over the replay loop.
 *
 * Each pair of draws comes from one point of the polar method of
 * G. Marsaglia and T. A. Bray (SIAM Review, 1964), which needs no sine or
 * cosine. The uniforms have 24 random bits, one generator call each.
 */
export class LognormalLatency implements LatencySource {
  readonly isZero = false;
  readonly #rng: ReturnType<typeof xoroshiro128plus>;
  readonly #mu: number;
  readonly #sigma: number;
  readonly #batch = new Float64Array(LOGNORMAL_BATCH);
  #nextInBatch = LOGNORMAL_BATCH;

  constructor(median: number, p99: number, seed: number) {
    this.#rng = xoroshiro128plus(seed);
    this.#mu = Math.log(median);
    // p99 = median * exp(sigma * z(0.99)), so sigma follows from the ratio.
    this.#sigma = Math.log(p99 / median) / probit(0.99);
  }

  next(): number {
    if (this.#nextInBatch === LOGNORMAL_BATCH) this.#refill();
    return this.#batch[this.#nextInBatch++];
  }

  /** Writes the next `out.length` draws into `out`, the values `next` would return. */
  fill(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.next();
  }

  #refill(): void {
    const rng = this.#rng;
    const batch = this.#batch;
    const mu = this.#mu;
    const sigma = this.#sigma;
    for (let i = 0; i < batch.length; i += 2) {
      // A uniform point in the unit disc, its centre excluded.
      let x: number;
      let y: number;
      let radiusSquared: number;
      do {
        x = 2 * uniformFloat32(rng) - 1;
        y = 2 * uniformFloat32(rng) - 1;
        radiusSquared = x * x + y * y;
      } while (radiusSquared >= 1 || radiusSquared === 0);
      const scale = sigma * Math.sqrt((-2 * Math.log(radiusSquared)) / radiusSquared);
      batch[i] = Math.exp(mu + x * scale);
      batch[i + 1] = Math.exp(mu + y * scale);
    }
    this.#nextInBatch = 0;
  }
}

/**
 * Parses a time such as `5ms`, `0.2s` or `120us` into the trace's unit. A
 * bare number is taken to be in the trace's unit already.
 */
export function parseDuration(text: string, traceUnit: string, flag: string): number {
  const match = /^([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(s|ms|us|ns)?$/.exec(text.trim());
  if (match === null) {
    throw new BadOptionError(
      `${flag}: "${text}" is not a time; give a number in the trace's unit (${traceUnit}) or one with a unit: 5ms, 0.2s, 120us, 800ns`,
    );
  }
  const value = Number(match[1]);
  const unit = match[2];
  if (unit === undefined) return value;
  const traceSeconds = SECONDS_PER_UNIT[traceUnit];
  if (traceSeconds === undefined) {
    throw new BadOptionError(
      `${flag}: "${text}" has a unit, but the trace's clock is "${traceUnit}", which has no fixed length; give a bare number in trace units`,
    );
  }
  return (value * SECONDS_PER_UNIT[unit]) / traceSeconds;
}

/**
 * Parses `--fetch-latency`: a time (`5ms`), `lognormal:median=5ms,p99=50ms`,
 * or `column:NAME` resolved by the caller through `readColumn`.
 */
export function parseLatency(
  text: string,
  traceUnit: string,
  readColumn: (name: string) => Float64Array,
): LatencySpec {
  const flag = '--fetch-latency';
  if (text.startsWith('lognormal:')) {
    const pairs = text
      .slice('lognormal:'.length)
      .split(',')
      .map((pair) => pair.split('=') as [string, string]);
    const fields = new Map(pairs);
    const median = fields.get('median');
    const p99 = fields.get('p99');
    if (median === undefined || p99 === undefined || fields.size !== 2 || pairs.length !== 2) {
      throw new BadOptionError(`${flag}: "${text}" needs exactly median=TIME,p99=TIME, e.g. lognormal:median=5ms,p99=50ms`);
    }
    const spec = {
      kind: 'lognormal' as const,
      median: parseDuration(median, traceUnit, flag),
      p99: parseDuration(p99, traceUnit, flag),
    };
    if (!(spec.median > 0 && spec.p99 > spec.median)) {
      throw new BadOptionError(`${flag}: "${text}" needs 0 < median < p99`);
    }
    if (!Number.isFinite(largestLognormalDraw(spec.median, spec.p99))) {
      throw new BadOptionError(
        `${flag}: "${text}" would draw latencies too large for a number; give a smaller median or p99 in the trace's unit (${traceUnit})`,
      );
    }
    return spec;
  }
  if (text.startsWith('column:')) {
    return { kind: 'column', values: readColumn(text.slice('column:'.length)) };
  }
  return { kind: 'fixed', value: parseDuration(text, traceUnit, flag) };
}

/**
 * Returns the largest latency `LognormalLatency` can draw, or more. Its
 * normals come from 24-bit uniforms, so none lies beyond 8.0 standard
 * deviations (the polar method at its smallest radius, 2^-23); 8.5 leaves
 * a margin.
 */
function largestLognormalDraw(median: number, p99: number): number {
  const sigma = Math.log(p99 / median) / probit(0.99);
  return Math.exp(Math.log(median) + 8.5 * sigma);
}

/** Converts milliseconds of wall time into the trace's clock unit. */
export function millisecondsToTraceUnit(ms: number, traceUnit: string): number | undefined {
  const traceSeconds = SECONDS_PER_UNIT[traceUnit];
  return traceSeconds === undefined ? undefined : ms / 1000 / traceSeconds;
}

import { quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { latencySource, parseLatency } from '../../src/sim/latency.js';

function draws(seed: number, count: number): Float64Array {
  const source = latencySource({ kind: 'lognormal', median: 2, p99: 20 }, seed);
  return Float64Array.from({ length: count }, (_, i) => source.next(i));
}

describe('log-normal fetch latency', () => {
  it('matches its median and p99', () => {
    const sorted = Array.from(draws(7, 200_000).sort());
    // Sampling error of a quantile of 200,000 draws is well under 3%.
    expect(Math.abs(quantileSorted(sorted, 0.5) / 2 - 1)).toBeLessThan(0.03);
    expect(Math.abs(quantileSorted(sorted, 0.99) / 20 - 1)).toBeLessThan(0.03);
  });

  it('repeats positive draws per seed', () => {
    const first = draws(3, 5000);
    expect(first.every((value) => value > 0 && Number.isFinite(value))).toBe(true);
    expect(Array.from(draws(3, 5000))).toEqual(Array.from(first));
    expect(Array.from(draws(4, 5000))).not.toEqual(Array.from(first));
  });
});

describe('parseLatency', () => {
  const noColumn = (): Float64Array => {
    throw new Error('no column here');
  };

  it('reads a log-normal model in the trace unit', () => {
    const spec = parseLatency('lognormal:median=5ms,p99=50ms', 'us', noColumn);
    expect(spec.kind).toBe('lognormal');
    if (spec.kind !== 'lognormal') return;
    expect(spec.median).toBeCloseTo(5000, 6);
    expect(spec.p99).toBeCloseTo(50000, 6);
  });

  it.each([
    ['lognormal:median=5ms', 'needs exactly median=TIME,p99=TIME'],
    ['lognormal:median=5ms,median=6ms,p99=50ms', 'needs exactly median=TIME,p99=TIME'],
    ['lognormal:median=50ms,p99=5ms', 'needs 0 < median < p99'],
    ['lognormal:median=5ms,p99=1e999ms', 'would draw latencies too large for a number'],
    ['lognormal:median=1e300,p99=1e308', 'would draw latencies too large for a number'],
  ])('rejects %s', (text, message) => {
    expect(() => parseLatency(text, 'us', noColumn)).toThrow(message);
  });

  it('accepts the widest model whose draws stay finite', () => {
    expect(parseLatency('lognormal:median=1,p99=1e30', 's', noColumn).kind).toBe('lognormal');
  });
});

import { quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { latencySource } from '../../src/sim/latency.js';

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

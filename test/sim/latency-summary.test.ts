import fc from 'fast-check';
import { quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { quantileOf, summariseLatency } from '../../src/sim/latency-summary.js';

describe('summariseLatency', () => {
  it('agrees with quantileSorted over the list with its zeros', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), { maxLength: 60 }),
        fc.nat(60),
        (waits, zeros) => {
          fc.pre(waits.length + zeros > 0);
          const full = [...new Array(zeros).fill(0), ...waits].sort((a, b) => a - b);
          const summary = summariseLatency(Float64Array.from(waits), full.length)!;
          expect(summary.p50).toBe(quantileSorted(full, 0.5));
          expect(summary.p95).toBe(quantileSorted(full, 0.95));
          expect(summary.p99).toBe(quantileSorted(full, 0.99));
          expect(summary.mean).toBeCloseTo(full.reduce((a, b) => a + b, 0) / full.length, 9);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });

  it('returns nothing for no requests', () => {
    expect(summariseLatency(new Float64Array(0), 0)).toBeUndefined();
  });

  it('reads the ends of the list at p 0 and 1', () => {
    const values = [1, 2, 3];
    expect(quantileOf((i) => values[i], 3, 0)).toBe(1);
    expect(quantileOf((i) => values[i], 3, 1)).toBe(3);
  });
});

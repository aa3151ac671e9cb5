import { describe, expect, it } from 'vitest';
import { mean, standardDeviation } from 'simple-statistics';
import { blockBootstrap, defaultBlockLength } from '../../src/eval/block-bootstrap.js';

/** Sum of `values` over the drawn window indices. */
const sumOver = (values: number[]) => (indices: Int32Array) => {
  let total = 0;
  for (const w of indices) total += values[w];
  return total;
};

describe('blockBootstrap', () => {
  it('gives the same resamples for the same seed', () => {
    const options = { replicates: 50, blockLength: 2, seed: 9 };
    const statistic = sumOver([1, 2, 3, 4, 5]);
    expect(blockBootstrap(5, options, statistic)).toEqual(blockBootstrap(5, options, statistic));
  });

  it('draws whole circular blocks of consecutive windows', () => {
    const seen: number[][] = [];
    blockBootstrap(5, { replicates: 200, blockLength: 2, seed: 3 }, (indices) => {
      seen.push(Array.from(indices));
      return 0;
    });
    for (const resample of seen) {
      expect(resample).toHaveLength(5);
      // Blocks start at 0, 2 and 4; the third is cut to one window.
      expect(resample[1]).toBe((resample[0] + 1) % 5);
      expect(resample[3]).toBe((resample[2] + 1) % 5);
    }
    // The wrap makes the block (4, 0) possible.
    expect(seen.some((r) => r[0] === 4 && r[1] === 0)).toBe(true);
  });

  it('matches the exact bootstrap mean and spread of a tiny case', () => {
    // Six windows, blocks of two, three blocks per resample: 6^3 = 216
    // equally likely resamples. Block sums of [3, 0, 2, 4, 0, 2] starting
    // at 0..5 are [3, 2, 6, 4, 2, 5]. Enumerated in plain Python:
    //   vals = [sum(b[s] for s in t) for t in itertools.product(range(6), repeat=3)]
    // gives mean 11 and population standard deviation 2.581988897471611.
    const values = blockBootstrap(6, { replicates: 20_000, blockLength: 2, seed: 42 }, sumOver([3, 0, 2, 4, 0, 2]));
    expect(mean(Array.from(values))).toBeCloseTo(11, 1);
    expect(standardDeviation(Array.from(values)) / 2.581988897471611).toBeGreaterThan(0.97);
    expect(standardDeviation(Array.from(values)) / 2.581988897471611).toBeLessThan(1.03);
  });

  it('rejects a block longer than the windows', () => {
    expect(() => blockBootstrap(3, { replicates: 10, blockLength: 4, seed: 1 }, () => 0)).toThrow(/block length 4/);
  });

  it('rejects zero replicates', () => {
    expect(() => blockBootstrap(3, { replicates: 0, blockLength: 1, seed: 1 }, () => 0)).toThrow(/replicates 0/);
  });
});

describe('defaultBlockLength', () => {
  it('grows with the cube root of the window count', () => {
    expect(defaultBlockLength(1)).toBe(1);
    expect(defaultBlockLength(8)).toBe(2);
    expect(defaultBlockLength(50)).toBe(4);
    expect(defaultBlockLength(1000)).toBe(10);
  });
});

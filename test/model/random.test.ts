import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/model/random.js';

describe('SeededRandom', () => {
  it('repeats its sequence for one seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    const second = Array.from({ length: 5 }, () => b.nextUint32());
    expect(first).toEqual(second);
  });

  it('gives another sequence for another seed', () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(2);
    expect(a.nextUint32()).not.toBe(b.nextUint32());
  });

  it('returns floats in [0, 1)', () => {
    const random = new SeededRandom(3);
    for (let i = 0; i < 1000; i++) {
      const value = random.nextFloat();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('shuffles into a permutation', () => {
    const values = Int32Array.from({ length: 100 }, (_, i) => i);
    new SeededRandom(4).shuffle(values);
    const sorted = Array.from(values).sort((a, b) => a - b);
    expect(sorted).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(values)).not.toEqual(sorted);
  });
});

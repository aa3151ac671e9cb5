import { describe, expect, it } from 'vitest';
import { equivalentCapacity } from '../../src/eval/equivalent-capacity.js';

const lru = [
  { capacity: 100, missRatio: 0.9 },
  { capacity: 1000, missRatio: 0.8 },
  { capacity: 10000, missRatio: 0.5 },
];

describe('equivalentCapacity', () => {
  it('interpolates linearly in log capacity', () => {
    // 0.65 is halfway from 0.8 to 0.5: 10^(3 + 0.5) = 3162.28
    const result = equivalentCapacity(lru, 0.65);
    expect(result.relation).toBe('interpolated');
    expect(result.capacity).toBeCloseTo(3162.2777, 3);
  });

  it('returns a swept capacity for its own miss ratio', () => {
    expect(equivalentCapacity(lru, 0.8).capacity).toBeCloseTo(1000, 9);
  });

  it('accepts points in any order', () => {
    expect(equivalentCapacity([...lru].reverse(), 0.85).capacity).toBeCloseTo(316.2278, 3);
  });

  it('reports a miss ratio beyond the largest size', () => {
    expect(equivalentCapacity(lru, 0.4)).toEqual({ relation: 'above', capacity: 10000 });
  });

  it('reports a miss ratio above the smallest size', () => {
    expect(equivalentCapacity(lru, 0.95)).toEqual({ relation: 'below', capacity: 100 });
  });

  it('takes the first enclosing segment of a curve that rises', () => {
    const bumpy = [
      { capacity: 10, missRatio: 0.9 },
      { capacity: 100, missRatio: 0.5 },
      { capacity: 1000, missRatio: 0.7 },
      { capacity: 10000, missRatio: 0.3 },
    ];
    // 0.6 lies on 10→100 (first) and on 100→1000 and 1000→10000.
    expect(equivalentCapacity(bumpy, 0.6).capacity).toBeCloseTo(10 ** 1.75, 6);
  });

  it('rejects a curve of one point', () => {
    expect(() => equivalentCapacity([lru[0]], 0.5)).toThrow(/has 1 point/);
  });
});

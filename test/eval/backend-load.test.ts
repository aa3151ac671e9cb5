import { describe, expect, it } from 'vitest';
import { backendLoad } from '../../src/eval/backend-load.js';

describe('backendLoad', () => {
  it('divides summed fetches, not per-window ratios', () => {
    // (6 + 7) / (5 + 5) = 1.3
    expect(backendLoad({ fetches: [6, 7] }, { fetches: [5, 5] }, [0, 1])).toBeCloseTo(1.3, 12);
  });

  it('returns Infinity when only the candidate fetched', () => {
    expect(backendLoad({ fetches: [2] }, { fetches: [0] }, [0])).toBe(Infinity);
  });
});

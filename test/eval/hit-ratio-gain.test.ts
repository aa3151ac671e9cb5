import { describe, expect, it } from 'vitest';
import { hitRatioGain } from '../../src/eval/hit-ratio-gain.js';

const baseline = { requests: [10, 30], hits: [2, 6] };
const candidate = { hits: [5, 9] };

describe('hitRatioGain', () => {
  it('weights windows by their requests', () => {
    // (5 + 9 - 2 - 6) / 40 = 0.15 → 15 points, not the mean of 30 and 10
    expect(hitRatioGain(candidate, baseline, [0, 1])).toBeCloseTo(15, 12);
  });

  it('counts a repeated window twice', () => {
    // (3 + 3 + 3) / 50 → 18 points
    expect(hitRatioGain(candidate, baseline, [0, 0, 1])).toBeCloseTo(18, 12);
  });

  it('returns NaN over windows without requests', () => {
    expect(hitRatioGain({ hits: [0] }, { requests: [0], hits: [0] }, [0])).toBeNaN();
  });
});

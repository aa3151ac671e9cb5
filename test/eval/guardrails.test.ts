import { describe, expect, it } from 'vitest';
import { checkAtLeast, checkAtMost } from '../../src/eval/guardrails.js';
import { decide } from '../../src/eval/verdict.js';

const interval = (estimate: number, lower: number, upper: number) => ({ estimate, lower, upper });
const point = (estimate: number | null) => ({ estimate, lower: null, upper: null });

describe('checkAtLeast', () => {
  it.each([
    [interval(3, 2, 4), 'pass'],
    [interval(0.5, 0.2, 0.8), 'fail'],
    [interval(1.5, 0.5, 2.5), 'uncertain'],
    [interval(1, 1, 1), 'uncertain'],
  ])('checks %o against a 1 pt minimum as %s', (value, status) => {
    expect(checkAtLeast('min-gain', 1, false, value).status).toBe(status);
  });

  it('does not pass identical policies at a minimum of 0', () => {
    expect(checkAtLeast('min-gain', 0, false, interval(0, 0, 0)).status).toBe('uncertain');
  });

  it('is off without a limit', () => {
    expect(checkAtLeast('min-gain', null, false, interval(3, 2, 4)).status).toBe('off');
  });
});

describe('checkAtMost', () => {
  it.each([
    [interval(1.1, 1.0, 1.2), 'pass'],
    [interval(1.3, 1.3, 1.3), 'pass'],
    [interval(1.5, 1.4, 1.6), 'fail'],
    [interval(1.3, 1.2, 1.4), 'uncertain'],
  ])('checks %o against a 1.3 limit as %s', (value, status) => {
    expect(checkAtMost('max-backend-load', 1.3, true, value).status).toBe(status);
  });

  it('checks a value without interval directly', () => {
    expect(checkAtMost('max-waste', 0.5, true, point(0.62)).status).toBe('fail');
    expect(checkAtMost('max-waste', 0.5, true, point(0.5)).status).toBe('pass');
  });

  it('marks a missing value as not measured', () => {
    expect(checkAtMost('max-waste', 0.5, true, point(null)).status).toBe('not measured');
  });
});

describe('decide', () => {
  it('rolls out when every guardrail passes or was not measured', () => {
    const verdict = decide([
      { name: 'min-gain', status: 'pass' },
      { name: 'max-waste', status: 'not measured' },
      { name: 'max-prediction-p99', status: 'off' },
    ]);
    expect(verdict).toEqual({ decision: 'roll out', failed: [], uncertain: [] });
  });

  it('does not roll out when any guardrail fails', () => {
    const verdict = decide([
      { name: 'min-gain', status: 'uncertain' },
      { name: 'max-backend-load', status: 'fail' },
    ]);
    expect(verdict).toEqual({ decision: 'do not roll out', failed: ['max-backend-load'], uncertain: ['min-gain'] });
  });

  it('is inconclusive when an interval contains its limit', () => {
    expect(decide([{ name: 'min-gain', status: 'uncertain' }]).decision).toBe('inconclusive');
  });
});

import { describe, expect, it } from 'vitest';
import { metricsWindowBounds, windowBounds } from '../../src/eval/window-bounds.js';

describe('windowBounds', () => {
  it('splits requests into near-equal consecutive windows', () => {
    expect(Array.from(windowBounds(10, 3))).toEqual([0, 3, 6, 10]);
  });

  it('gives window lengths that differ by at most one', () => {
    const bounds = windowBounds(91_098, 50);
    const lengths = Array.from(bounds.subarray(1), (end, w) => end - bounds[w]);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
    expect(bounds[50]).toBe(91_098);
  });

  it('allows one request per window', () => {
    expect(Array.from(windowBounds(3, 3))).toEqual([0, 1, 2, 3]);
  });

  it('rejects more windows than requests', () => {
    expect(() => windowBounds(3, 4)).toThrow(/4 windows cannot split 3 requests/);
  });

  it('rejects a fractional window count', () => {
    expect(() => windowBounds(10, 2.5)).toThrow(RangeError);
  });
});

describe('metricsWindowBounds', () => {
  it('cuts the requested windows', () => {
    expect(metricsWindowBounds(10, 3)).toEqual(windowBounds(10, 3));
  });

  it('gives one window per request when short', () => {
    expect(Array.from(metricsWindowBounds(3, 50))).toEqual([0, 1, 2, 3]);
  });

  it('gives one empty window when nothing is scored', () => {
    expect(Array.from(metricsWindowBounds(0, 50))).toEqual([0, 0]);
  });
});

import { describe, expect, it } from 'vitest';
import { isWholeUint32, narrowSizes, narrowTimes, sizeTypeIndex } from '../../src/trace/columns.js';

describe('isWholeUint32', () => {
  it.each([0, 1, 2 ** 32 - 1])('accepts %d', (value) => {
    expect(isWholeUint32(value)).toBe(true);
  });

  it.each([-0, -1, 0.5, 2 ** 32, NaN, Infinity])('rejects %d', (value) => {
    expect(isWholeUint32(value)).toBe(false);
  });
});

describe('sizeTypeIndex', () => {
  it.each([
    [255, 0],
    [256, 1],
    [65535, 1],
    [65536, 2],
    [2 ** 32 - 1, 2],
    [2 ** 32, 3],
    [1.5, 3],
    [-1, 3],
  ])('puts %d in type %d', (value, index) => {
    expect(sizeTypeIndex(value)).toBe(index);
  });
});

describe('narrowTimes', () => {
  it('moves whole times into a Uint32Array', () => {
    const times = narrowTimes(Float64Array.of(0, 7, 2 ** 32 - 1));
    expect(times).toBeInstanceOf(Uint32Array);
    expect(Array.from(times)).toEqual([0, 7, 2 ** 32 - 1]);
  });

  it('keeps fractional times in a Float64Array', () => {
    const given = Float64Array.of(1, 2.5);
    expect(narrowTimes(given)).toBe(given);
  });
});

describe('narrowSizes', () => {
  it('picks the narrowest type for the largest size', () => {
    const sizes = narrowSizes(Float64Array.of(1, 300, 2));
    expect(sizes).toBeInstanceOf(Uint16Array);
    expect(Array.from(sizes)).toEqual([1, 300, 2]);
  });

  it('keeps a size above 2^32 in a Float64Array', () => {
    const given = Float64Array.of(1, 2 ** 33);
    expect(narrowSizes(given)).toBe(given);
  });
});

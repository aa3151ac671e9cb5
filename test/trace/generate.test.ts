import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateKeys,
  MIXED_MEAN_BURST,
  zipfExponentForShare,
} from '../../src/trace/generate.js';
import { writeGeneratedTrace } from '../../src/trace/write-generated.js';
import { temporaryDirectory } from '../helpers.js';

describe('generateKeys', () => {
  it('makes sequential keys i mod 100', () => {
    const keys = generateKeys('sequential', 250, 1);
    expect(Array.from(keys.slice(0, 3))).toEqual([0, 1, 2]);
    expect(keys[99]).toBe(99);
    expect(keys[100]).toBe(0);
    expect(keys[249]).toBe(49);
  });

  it('repeats 10, 20, 30, 40 in the periodic pattern', () => {
    expect(Array.from(generateKeys('periodic', 9, 1))).toEqual([10, 20, 30, 40, 10, 20, 30, 40, 10]);
  });

  it('sends about 80% of zipfian requests to the top 20% of keys', () => {
    const keys = generateKeys('zipfian', 100_000, 3);
    const counts = new Map<number, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, 200).reduce((sum, c) => sum + c, 0);
    expect(top / keys.length).toBeGreaterThan(0.78);
    expect(top / keys.length).toBeLessThan(0.82);
    expect(Math.max(...keys)).toBeLessThan(1000);
  });

  it('spreads random keys uniformly over 1,000 keys', () => {
    const keys = generateKeys('random', 100_000, 4);
    const counts = new Uint32Array(1000);
    for (const key of keys) counts[key]++;
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(150);
  });

  it('interleaves the four streams in bursts in the mixed pattern', () => {
    const keys = generateKeys('mixed', 20_000, 5);
    const streams = new Set(Array.from(keys, (k) => Math.floor(k / 100_000)));
    expect([...streams].sort()).toEqual([1, 2, 3, 4]);
    let switches = 0;
    for (let i = 1; i < keys.length; i++) {
      if (Math.floor(keys[i] / 100_000) !== Math.floor(keys[i - 1] / 100_000)) switches++;
    }
    // A switch picks the same stream a quarter of the time.
    const expected = (keys.length / MIXED_MEAN_BURST) * 0.75;
    expect(switches).toBeGreaterThan(expected * 0.85);
    expect(switches).toBeLessThan(expected * 1.15);
  });

  it('gives the same keys for the same seed and others for another', () => {
    expect(generateKeys('zipfian', 500, 9)).toEqual(generateKeys('zipfian', 500, 9));
    expect(generateKeys('zipfian', 500, 9)).not.toEqual(generateKeys('zipfian', 500, 10));
  });

  it('solves the Zipf exponent for an 80/20 split near 1', () => {
    expect(zipfExponentForShare(1000, 0.2, 0.8)).toBeCloseTo(1.02, 1);
  });
});

describe('writeGeneratedTrace', () => {
  it('writes a time,key CSV that is identical for one seed', async () => {
    const dir = temporaryDirectory();
    await writeGeneratedTrace(join(dir, 'a.csv'), 'random', 1000, 7);
    await writeGeneratedTrace(join(dir, 'b.csv'), 'random', 1000, 7);
    const a = readFileSync(join(dir, 'a.csv'), 'utf8');
    expect(a).toBe(readFileSync(join(dir, 'b.csv'), 'utf8'));
    const lines = a.trimEnd().split('\n');
    expect(lines[0]).toBe('time,key');
    expect(lines).toHaveLength(1001);
    expect(lines[1]).toMatch(/^0,[0-9]+$/);
  });
});

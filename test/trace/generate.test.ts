import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arrivalStream, parseSizeDistribution, sizeStream } from '../../src/trace/arrivals.js';
import {
  generateKeys,
  MIXED_MEAN_BURST,
  SCAN_FIRST_KEY,
  zipfExponentForShare,
} from '../../src/trace/generate.js';
import { writeGeneratedTrace } from '../../src/trace/write-generated.js';
import { temporaryDirectory } from '../helpers.js';

describe('generateKeys', () => {
  it('draws zipfian keys from the given number of keys', () => {
    const keys = generateKeys('zipfian', 200_000, 3, { keys: 100_000 });
    expect(keys.every((key) => key < 100_000)).toBe(true);
    expect(new Set(keys).size).toBeGreaterThan(10_000);
    const counts = new Map<number, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    // The most popular fifth of the keys still gets about 80%.
    const top = [...counts.values()].sort((a, b) => b - a).slice(0, 20_000).reduce((sum, c) => sum + c, 0);
    expect(top / keys.length).toBeGreaterThan(0.7);
  });

  it('draws random keys from the given number of keys', () => {
    const keys = generateKeys('random', 50_000, 4, { keys: 10 });
    expect(new Set(keys).size).toBe(10);
  });

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

describe('generateKeys, parameterised patterns', () => {
  it('weights the streams of the mixed pattern', () => {
    const keys = generateKeys('mixed', 40_000, 5, { weights: { sequential: 3, random: 1 } });
    const streams = Array.from(keys, (key) => Math.floor(key / 100_000));
    expect(new Set(streams)).toEqual(new Set([1, 4]));
    const sequentialShare = streams.filter((stream) => stream === 1).length / keys.length;
    expect(sequentialShare).toBeGreaterThan(0.7);
    expect(sequentialShare).toBeLessThan(0.8);
  });

  it('moves the working set at each phase', () => {
    const keys = generateKeys('phases', 3_000, 2, { phaseLength: 1_000, workingSet: 50 });
    keys.forEach((key, i) => {
      const phase = Math.floor(i / 1_000);
      expect(key).toBeGreaterThanOrEqual(phase * 50);
      expect(key).toBeLessThan(phase * 50 + 50);
    });
  });

  it('loops over the scan keys in order on a zipfian background', () => {
    const keys = generateKeys('scan-zipf', 50_000, 3, { scanLength: 40, scanShare: 0.25 });
    const loop = Array.from(keys).filter((key) => key >= SCAN_FIRST_KEY);
    expect(loop.length / keys.length).toBeGreaterThan(0.23);
    expect(loop.length / keys.length).toBeLessThan(0.27);
    expect(loop.slice(0, 42)).toEqual(Array.from({ length: 42 }, (_, i) => SCAN_FIRST_KEY + (i % 40)));
    expect(Math.max(...keys.filter((key) => key < SCAN_FIRST_KEY))).toBeLessThan(1000);
  });

  it('gives the same keys for one seed', () => {
    for (const pattern of ['phases', 'scan-zipf'] as const) {
      expect(generateKeys(pattern, 500, 9)).toEqual(generateKeys(pattern, 500, 9));
      expect(generateKeys(pattern, 500, 9)).not.toEqual(generateKeys(pattern, 500, 10));
    }
  });
});

describe('arrivalStream', () => {
  it('spaces Poisson arrivals by exponential gaps of mean 1 / rate', () => {
    const next = arrivalStream({ kind: 'poisson', ratePerUnit: 4 }, 1);
    const gaps: number[] = [];
    let previous = 0;
    for (let i = 0; i < 100_000; i++) {
      const time = next();
      gaps.push(time - previous);
      previous = time;
    }
    const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    const variance = gaps.reduce((sum, gap) => sum + (gap - mean) ** 2, 0) / gaps.length;
    expect(Math.min(...gaps)).toBeGreaterThan(0);
    expect(mean).toBeGreaterThan(0.245);
    expect(mean).toBeLessThan(0.255);
    // An exponential distribution's standard deviation equals its mean.
    expect(Math.sqrt(variance) / mean).toBeGreaterThan(0.97);
    expect(Math.sqrt(variance) / mean).toBeLessThan(1.03);
  });

  it('numbers requests by default', () => {
    const next = arrivalStream({ kind: 'index' }, 1);
    expect([next(), next(), next()]).toEqual([0, 1, 2]);
  });
});

describe('sizeStream', () => {
  it('gives a key one size for all its requests', () => {
    const sizeOf = sizeStream(parseSizeDistribution('uniform:10:20'), 1);
    const first = [1, 2, 3].map(sizeOf);
    expect([1, 2, 3].map(sizeOf)).toEqual(first);
    for (const size of first) {
      expect(size).toBeGreaterThanOrEqual(10);
      expect(size).toBeLessThanOrEqual(20);
    }
  });

  it('draws lognormal sizes around e^mu', () => {
    const sizeOf = sizeStream(parseSizeDistribution('lognormal:8:1'), 2);
    const sizes = Array.from({ length: 20_001 }, (_, key) => sizeOf(key)).sort((a, b) => a - b);
    const median = sizes[10_000];
    expect(median).toBeGreaterThan(Math.exp(8) * 0.95);
    expect(median).toBeLessThan(Math.exp(8) * 1.05);
  });

  it('keeps Pareto sizes at or above the minimum', () => {
    const sizeOf = sizeStream(parseSizeDistribution('pareto:1.5:512'), 3);
    const sizes = Array.from({ length: 10_000 }, (_, key) => sizeOf(key));
    expect(Math.min(...sizes)).toBe(512);
    // P(size > 4 · min) = 4^-1.5 = 0.125.
    const tail = sizes.filter((size) => size > 2048).length / sizes.length;
    expect(tail).toBeGreaterThan(0.11);
    expect(tail).toBeLessThan(0.14);
  });

  it('rejects a malformed distribution', () => {
    expect(() => parseSizeDistribution('uniform:20:10')).toThrow('--size: "uniform:20:10" needs whole numbers MIN <= MAX');
    expect(() => parseSizeDistribution('gamma:1')).toThrow('names no known distribution "gamma"');
  });
});

describe('writeGeneratedTrace with arrivals and sizes', () => {
  it('writes time,key,size and repeats for one seed', async () => {
    const dir = temporaryDirectory();
    const options = { arrivals: { kind: 'poisson', ratePerUnit: 10 }, sizes: parseSizeDistribution('fixed:4096') } as const;
    await writeGeneratedTrace(join(dir, 'a.csv'), 'zipfian', 100, 4, options);
    await writeGeneratedTrace(join(dir, 'b.csv'), 'zipfian', 100, 4, options);
    const text = readFileSync(join(dir, 'a.csv'), 'utf8');
    expect(text).toBe(readFileSync(join(dir, 'b.csv'), 'utf8'));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('time,key,size');
    expect(lines[1]).toMatch(/^[0-9.]+,[0-9]+,4096$/);
  });

  it('keeps the keys of a pattern when times and sizes are added', async () => {
    const dir = temporaryDirectory();
    await writeGeneratedTrace(join(dir, 'plain.csv'), 'mixed', 200, 4);
    await writeGeneratedTrace(join(dir, 'sized.csv'), 'mixed', 200, 4, { sizes: parseSizeDistribution('uniform:1:9') });
    const keysOf = (name: string) => readFileSync(join(dir, name), 'utf8').trimEnd().split('\n').slice(1).map((line) => line.split(',')[1]);
    expect(keysOf('sized.csv')).toEqual(keysOf('plain.csv'));
  });
});

import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrace } from '../../src/trace/load.js';
import { temporaryDirectory } from '../helpers.js';

const dir = temporaryDirectory();

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function requestsOf(trace: { keyIds: Uint32Array; keys: readonly string[]; times: Float64Array; sizes: Float64Array }) {
  return Array.from(trace.keyIds, (keyId, i) => [trace.times[i], trace.keys[keyId], trace.sizes[i]]);
}

describe('trace cache', () => {
  it('stores on the first read and loads the same trace after', async () => {
    const cacheDirectory = join(dir, 'cache-a');
    const path = file('a.csv', 'time,key,size\n1,a,10\n2,é,20\n3,a,10\n');
    const first = await loadTrace(path, { cacheDirectory });
    const second = await loadTrace(path, { cacheDirectory });
    expect(first.cacheStatus).toBe('stored');
    expect(second.cacheStatus).toBe('hit');
    expect(second.cacheEntry).toBe(first.cacheEntry);
    expect(requestsOf(second.trace)).toEqual(requestsOf(first.trace));
    expect(second.trace.stats).toEqual(first.trace.stats);
    expect(second.trace.timeUnit).toBe(first.trace.timeUnit);
  });

  it('detects a changed file and replaces the entry', async () => {
    const cacheDirectory = join(dir, 'cache-b');
    const path = file('b.csv', 'key\na\nb\n');
    const first = await loadTrace(path, { cacheDirectory });
    // Same length and the old mtime: only the content and ctime differ.
    const { mtime } = await import('node:fs').then((fs) => fs.statSync(path));
    writeFileSync(path, 'key\na\nc\n');
    utimesSync(path, mtime, mtime);
    const second = await loadTrace(path, { cacheDirectory });
    expect(second.cacheStatus).toBe('stale');
    expect(second.trace.keys).toEqual(['a', 'c']);
    expect(existsSync(first.cacheEntry!)).toBe(false);
  });

  it('keys entries by content, not by path', async () => {
    const cacheDirectory = join(dir, 'cache-c');
    const one = await loadTrace(file('c1.csv', 'key\nx\n'), { cacheDirectory });
    const two = await loadTrace(file('c2.csv', 'key\nx\n'), { cacheDirectory });
    expect(two.cacheStatus).toBe('hit');
    expect(two.cacheEntry).toBe(one.cacheEntry);
    expect(two.trace.source).toBe(join(dir, 'c2.csv'));
  });

  it('keeps one entry per set of reading options', async () => {
    const cacheDirectory = join(dir, 'cache-d');
    const path = file('d.csv', 'a,b\n1,2\n3,2\n');
    const byA = await loadTrace(path, { cacheDirectory, keyColumn: 'a' });
    const byB = await loadTrace(path, { cacheDirectory, keyColumn: 'b' });
    expect(byB.cacheStatus).toBe('stored');
    expect(byA.trace.keys).toEqual(['1', '3']);
    expect(byB.trace.keys).toEqual(['2']);
  });

  it('reads a damaged entry as stale', async () => {
    const cacheDirectory = join(dir, 'cache-e');
    const path = file('e.csv', 'key\na\nb\n');
    const first = await loadTrace(path, { cacheDirectory });
    const bytes = readFileSync(first.cacheEntry!);
    writeFileSync(first.cacheEntry!, bytes.subarray(0, bytes.length - 1));
    const second = await loadTrace(path, { cacheDirectory });
    expect(second.cacheStatus).toBe('stale');
    expect(second.trace.keys).toEqual(['a', 'b']);
  });

  it('reads without a directory and writes nothing', async () => {
    const path = file('f.csv', 'key\na\n');
    const loaded = await loadTrace(path);
    expect(loaded.cacheStatus).toBe('off');
    expect(readdirSync(dir).some((name) => name === '.trace-cache')).toBe(false);
  });

  it('sorts by time after loading when asked', async () => {
    const path = file('g.csv', 'time,key\n3,c\n1,a\n2,b\n1,d\n');
    const loaded = await loadTrace(path, { cacheDirectory: join(dir, 'cache-g'), sortByTime: true });
    expect(Array.from(loaded.trace.times)).toEqual([1, 1, 2, 3]);
    expect(loaded.trace.keys).toEqual(['a', 'd', 'b', 'c']);
    expect(loaded.sortedBackwardTimestamps).toBe(2);
    expect(loaded.trace.stats.backwardTimestamps).toBe(0);
  });
});

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyTableFor } from '../../src/trace/key-table.js';
import { loadTrace } from '../../src/trace/load.js';
import { Op, type Trace } from '../../src/trace/trace.js';
import { temporaryDirectory } from '../helpers.js';

const dir = temporaryDirectory();

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function requestsOf(trace: Trace) {
  return Array.from(trace.keyIds, (keyId, i) => [trace.times[i], trace.keys[keyId], trace.sizes[i], trace.ops[i]]);
}

/** Element type names of the columns, which the cache must keep. */
function columnTypes(trace: Trace) {
  return [trace.times, trace.sizes, trace.keyIds, trace.ops].map((column) => column.constructor.name);
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

  it.each([
    ['index times, one size, decimal keys', 'key\n5\n7\n5\n', ['Uint32Array', 'Uint8Array'], 'decimal'],
    ['fractional times, 16-bit sizes, text keys', 'time,key,size\n1.5,é,300\n2,b,1\n', ['Float64Array', 'Uint16Array'], 'text'],
    ['large whole times, 32-bit sizes, large keys', 'time,key,size\n4000000000,-3,70000\n4000000001,5000000000,1\n', ['Uint32Array', 'Uint32Array'], 'decimal'],
    ['leading-zero keys, sizes above 2^32', 'time,key,size\n5,007,5000000000\n9,7,0\n', ['Uint32Array', 'Float64Array'], 'text'],
    ['one size of 300 bytes', 'time,key,size\n1,a,300\n4,b,300\n', ['Uint32Array', 'Uint16Array'], 'text'],
  ])('round-trips %s', async (_name, text, types, keyForm) => {
    const cacheDirectory = join(dir, `cache-${types.join('-')}-${keyForm}`);
    const path = file(`${types.join('-')}-${keyForm}.csv`, text);
    const parsed = (await loadTrace(path)).trace;
    await loadTrace(path, { cacheDirectory });
    const loaded = await loadTrace(path, { cacheDirectory });
    expect(loaded.cacheStatus).toBe('hit');
    expect(columnTypes(parsed)).toEqual([...types, 'Uint32Array', 'Uint8Array']);
    expect(columnTypes(loaded.trace)).toEqual(columnTypes(parsed));
    expect(keyTableFor(loaded.trace).kind).toBe(keyForm);
    expect(requestsOf(loaded.trace)).toEqual(requestsOf(parsed));
    expect(loaded.trace.keys).toEqual(parsed.keys);
  });

  it('round-trips ops other than read', async () => {
    const cacheDirectory = join(dir, 'cache-ops');
    const path = file('ops.csv', 'time,key,op\n1,a,read\n2,a,write\n3,b,read\n');
    const parsed = (await loadTrace(path)).trace;
    await loadTrace(path, { cacheDirectory });
    const loaded = await loadTrace(path, { cacheDirectory });
    expect(loaded.cacheStatus).toBe('hit');
    expect(Array.from(parsed.ops)).toEqual([Op.Read, Op.Write, Op.Read]);
    expect(Array.from(loaded.trace.ops)).toEqual(Array.from(parsed.ops));
  });

  it('loads columns as views of one shared buffer', async () => {
    const cacheDirectory = join(dir, 'cache-views');
    const path = file('views.csv', 'time,key,size\n1,a,10\n2,b,20\n');
    await loadTrace(path, { cacheDirectory });
    const { trace } = await loadTrace(path, { cacheDirectory });
    expect(trace.times.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(trace.sizes.buffer).toBe(trace.times.buffer);
    expect(trace.keyIds.buffer).toBe(trace.times.buffer);
  });

  it('reuses the entry of a touched file', async () => {
    const cacheDirectory = join(dir, 'cache-touched');
    const path = file('touched.csv', 'key\na\nb\n');
    const first = await loadTrace(path, { cacheDirectory });
    utimesSync(path, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const second = await loadTrace(path, { cacheDirectory });
    expect(second.cacheStatus).toBe('hit');
    expect(second.cacheEntry).toBe(first.cacheEntry);
  });

  it('detects a file rewritten with the same size', async () => {
    const cacheDirectory = join(dir, 'cache-same-size');
    const path = file('same-size.csv', 'key\na\nb\n');
    await loadTrace(path, { cacheDirectory });
    writeFileSync(path, 'key\nb\na\n');
    const second = await loadTrace(path, { cacheDirectory });
    expect(second.cacheStatus).toBe('stale');
    expect(second.trace.keys).toEqual(['b', 'a']);
  });

  it('detects a file replaced by a renamed copy', async () => {
    const cacheDirectory = join(dir, 'cache-renamed');
    const path = file('renamed.csv', 'key\na\nb\n');
    await loadTrace(path, { cacheDirectory });
    const other = file('renamed.tmp', 'key\nc\nd\n');
    renameSync(other, path);
    const second = await loadTrace(path, { cacheDirectory });
    expect(second.cacheStatus).toBe('stale');
    expect(second.trace.keys).toEqual(['c', 'd']);
  });

  it('returns the SHA-256 of the file on store and on hit', async () => {
    const cacheDirectory = join(dir, 'cache-sha');
    const path = file('sha.csv', 'key\na\nb\n');
    const expected = createHash('sha256').update(readFileSync(path)).digest('hex');
    const first = await loadTrace(path, { cacheDirectory });
    const second = await loadTrace(path, { cacheDirectory });
    expect(first.contentHash).toBe(expected);
    expect(second.cacheStatus).toBe('hit');
    expect(second.contentHash).toBe(expected);
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

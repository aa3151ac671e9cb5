import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TraceParseError } from '../../src/errors.js';
import { readTrace } from '../../src/trace/read.js';
import { Op } from '../../src/trace/trace.js';
import { realTrace, temporaryDirectory } from '../helpers.js';

const dir = temporaryDirectory();

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readTrace csv', () => {
  it('rejects a stray quote with the line, or skips it when asked', async () => {
    const path = file('stray-quote.csv', 'key,time\na,1\nb"x,2\nc,3\n');
    await expect(readTrace(path)).rejects.toThrow(`${path}:3: Invalid Opening Quote`);
    const trace = await readTrace(path, { skipInvalid: true });
    expect(trace.stats.skippedInvalidRows).toBe(1);
    expect(trace.length).toBe(2);
  });

  it('reads the key, time and size columns by their default names', async () => {
    const trace = await readTrace(file('plain.csv', 'time,key,size\n1,a,10\n2,b,20\n3,a,30\n'));
    expect(trace.length).toBe(3);
    expect(trace.keys).toEqual(['a', 'b']);
    expect(Array.from(trace.keyIds)).toEqual([0, 1, 0]);
    expect(Array.from(trace.times)).toEqual([1, 2, 3]);
    expect(Array.from(trace.sizes)).toEqual([10, 20, 30]);
  });

  it('picks columns by header name or 1-based index', async () => {
    const path = file('named.csv', 'ts,obj,bytes\n5,x,7\n6,y,8\n');
    const byName = await readTrace(path, { keyColumn: 'obj', timeColumn: 'ts', sizeColumn: 'bytes' });
    const byIndex = await readTrace(path, { keyColumn: '2', timeColumn: '1', sizeColumn: '3' });
    for (const trace of [byName, byIndex]) {
      expect(trace.keys).toEqual(['x', 'y']);
      expect(Array.from(trace.times)).toEqual([5, 6]);
      expect(Array.from(trace.sizes)).toEqual([7, 8]);
    }
  });

  it('numbers requests when there is no time column and sizes them 1', async () => {
    const trace = await readTrace(file('keys.csv', 'key\nq\nr\n'));
    expect(Array.from(trace.times)).toEqual([0, 1]);
    expect(Array.from(trace.sizes)).toEqual([1, 1]);
    expect(trace.timeUnit).toBe('index');
  });

  it('keeps 007 and 7 as two keys', async () => {
    const trace = await readTrace(file('text-keys.csv', 'key\n007\n7\n007\n'));
    expect(trace.keys).toEqual(['007', '7']);
  });

  it('reads a gzip-compressed CSV', async () => {
    const path = join(dir, 'packed.csv.gz');
    writeFileSync(path, gzipSync('key\na\nb\n'));
    expect((await readTrace(path)).keys).toEqual(['a', 'b']);
  });

  it('rejects a row without a key, naming file, line and row', async () => {
    const path = file('missing-key.csv', 'time,key\n1,a\n2,\n');
    const error = await readTrace(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceParseError);
    expect((error as TraceParseError).code).toBe('TRACE_PARSE');
    expect((error as Error).message).toContain(`${path}:3:`);
    expect((error as Error).message).toContain('"2,"');
  });

  it('rejects a non-numeric time with the value', async () => {
    const path = file('bad-time.csv', 'time,key\nnoon,a\n');
    await expect(readTrace(path)).rejects.toThrow(`${path}:2: time "noon" is not a number`);
  });

  it('rejects a negative size', async () => {
    const path = file('bad-size.csv', 'key,size\na,-4\n');
    await expect(readTrace(path)).rejects.toThrow(`${path}:2: size "-4"`);
  });

  it('lists the header when a named column is absent', async () => {
    const path = file('no-column.csv', 'time,key\n1,a\n');
    await expect(readTrace(path, { keyColumn: 'lbn' })).rejects.toThrow(
      'column "lbn" is not in the header; the columns are "time", "key"',
    );
  });

  it('skips and counts invalid rows when asked', async () => {
    const path = file('skip.csv', 'time,key\n1,a\nx,b\n3,c\n');
    const trace = await readTrace(path, { skipInvalid: true });
    expect(trace.keys).toEqual(['a', 'c']);
    expect(trace.stats.skippedInvalidRows).toBe(1);
  });

  it('rejects a missing file with the path', async () => {
    await expect(readTrace(join(dir, 'absent.csv'))).rejects.toThrow('trace file not found');
  });
});

describe('readTrace cloudphysics', () => {
  const header = 'version,time,op,size,lbn\n';

  it('recognises the layout from its header: key lbn, time in microseconds', async () => {
    const path = file('cp.csv', `${header}1,5633898,2a,512,42932745\n1,5633899,28,4096,42932746\n`);
    const trace = await readTrace(path);
    expect(trace.keys).toEqual(['42932745', '42932746']);
    expect(Array.from(trace.times)).toEqual([5633898, 5633899]);
    expect(Array.from(trace.sizes)).toEqual([512, 4096]);
    expect(Array.from(trace.ops)).toEqual([Op.Write, Op.Read]);
    expect(trace.timeUnit).toBe('s');
  });

  it('is selected by name for a file without the exact header', async () => {
    const path = file('cp-named.csv', `${header}1,1,28,512,9\n`);
    const trace = await readTrace(path, { format: 'cloudphysics' });
    expect(trace.keys).toEqual(['9']);
  });

  const real = realTrace('cloudPhysicsIO.csv');
  it.skipIf(real.isMissing)(`reads the real trace with its published counts${real.why}`, async () => {
    const trace = await readTrace(real.path);
    expect(trace.length).toBe(113_872);
    expect(trace.keys.length).toBe(48_974);
    expect(trace.ops.filter((op) => op === Op.Read).length).toBe(46_974);
  });
});

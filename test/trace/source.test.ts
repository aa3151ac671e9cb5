import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TraceParseError } from '../../src/errors.js';
import { readTrace } from '../../src/trace/read.js';
import { temporaryDirectory } from '../helpers.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const dir = temporaryDirectory();

describe('compressed traces', () => {
  it('reads a zstd-compressed CSV', async () => {
    const trace = await readTrace(join(fixtures, 'small.csv.zst'));
    expect(trace.keys).toEqual(['a', 'b']);
    expect(Array.from(trace.sizes)).toEqual([10, 20, 10]);
  });

  it('rejects a damaged zstd file', async () => {
    const path = join(dir, 'broken.csv.zst');
    writeFileSync(path, Buffer.from('28b52ffd00000000', 'hex'));
    await expect(readTrace(path, { format: 'csv' })).rejects.toThrow(`${path}: zstd decompression failed`);
  });

  it('reads a gzip stream that spans many chunks', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},k${i % 997}`).join('\n');
    const path = join(dir, 'many.csv.gz');
    writeFileSync(path, gzipSync(`time,key\n${rows}\n`));
    const trace = await readTrace(path);
    expect(trace.length).toBe(200_000);
    expect(trace.keys.length).toBe(997);
  });

  // Quoted keys send the file to csv-parse rather than the fast splitter.
  // Its input was once piped without an 'error' listener, so this read
  // crashed the process instead of rejecting.
  it('rejects a truncated gzip with quoted keys', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => `"k${i}",${i}`).join('\n');
    const whole = gzipSync(`key,time\n${rows}\n`);
    const path = join(dir, 'truncated-quoted.csv.gz');
    writeFileSync(path, whole.subarray(0, whole.length - 10));
    const error = await readTrace(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TraceParseError);
    expect((error as TraceParseError).code).toBe('TRACE_PARSE');
    expect((error as Error).message).toBe(
      `${path}: gzip decompression failed (unexpected end of file); check that the file is a complete .gz file`,
    );
  }, 10_000);
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
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
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextRequestIndex, readOracleGeneral, writeOracleGeneral } from '../../src/trace/oracle-general.js';
import { readTrace } from '../../src/trace/read.js';
import { Op, TraceBuilder, type Trace } from '../../src/trace/trace.js';
import { realTrace, temporaryDirectory, traceOf } from '../helpers.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const dir = temporaryDirectory();

/** The three records of fixtures/tiny.oracleGeneral.bin, written with Python's struct.pack('<IQIq'). */
function tinyTrace(): Trace {
  const builder = new TraceBuilder();
  builder.add(7, String(2n ** 60n + 3n), 4096, Op.Read);
  builder.add(9, String(2n ** 60n + 3n), 4096, Op.Read);
  builder.add(9, '5', 100, Op.Read);
  return builder.build('tiny', 's');
}

function requestsOf(trace: Trace) {
  return Array.from(trace.keyIds, (keyId, i) => [trace.times[i], trace.keys[keyId], trace.sizes[i]]);
}

describe('readOracleGeneral', () => {
  it('reads u32 time, u64 id beyond 2^53 and u32 size', async () => {
    const trace = await readOracleGeneral(join(fixtures, 'tiny.oracleGeneral.bin'));
    expect(requestsOf(trace)).toEqual(requestsOf(tinyTrace()));
    expect(trace.keys).toEqual(['1152921504606846979', '5']);
  });

  it('is recognised by name, also zstd-compressed', async () => {
    const plain = await readTrace(join(fixtures, 'tiny.oracleGeneral.bin'));
    const packed = await readTrace(join(fixtures, 'tiny.oracleGeneral.zst'));
    expect(requestsOf(packed)).toEqual(requestsOf(plain));
  });
});

describe('writeOracleGeneral', () => {
  it('writes the bytes libCacheSim reads', async () => {
    const out = join(dir, 'tiny.oracleGeneral.bin');
    const result = await writeOracleGeneral(tinyTrace(), out);
    expect(result.objectIds).toBe('key');
    expect(readFileSync(out)).toEqual(readFileSync(join(fixtures, 'tiny.oracleGeneral.bin')));
  });

  it('writes dense ids when a key is not a canonical u64', async () => {
    const out = join(dir, 'text-keys.bin');
    const result = await writeOracleGeneral(traceOf(['007', '7', '007']), out);
    expect(result.objectIds).toBe('dense-id');
    const back = await readOracleGeneral(out);
    expect(Array.from(back.keyIds)).toEqual([0, 1, 0]);
    expect(back.keys).toEqual(['0', '1']);
  });

  it('scales times and counts the ones rounded down', async () => {
    const builder = new TraceBuilder();
    builder.add(1_500_000, '1', 1, Op.Read);
    builder.add(3_000_000, '2', 1, Op.Read);
    const out = join(dir, 'scaled.bin');
    const result = await writeOracleGeneral(builder.build('us', 'us'), out, { timeScale: 1e-6 });
    expect(result.roundedTimes).toBe(1);
    expect(Array.from((await readOracleGeneral(out)).times)).toEqual([1, 3]);
  });

  it('rejects a time beyond u32 with the request number', async () => {
    const builder = new TraceBuilder();
    builder.add(2 ** 32, '1', 1, Op.Read);
    await expect(writeOracleGeneral(builder.build('big', 'us'), join(dir, 'big.bin'))).rejects.toThrow(
      'big: request 1 has time 4294967296 us, which scaled by 1 is outside the 0..4294967295 that oracleGeneral stores',
    );
  });

  it('computes the index of each next request', () => {
    expect(Array.from(nextRequestIndex(traceOf(['a', 'b', 'a', 'a', 'b'])))).toEqual([2, 4, 3, -1, -1]);
  });
});

describe('oracleGeneral round trip', () => {
  const real = realTrace('cloudPhysicsIO.csv');
  it.skipIf(real.isMissing)(`CSV to oracleGeneral and back keeps every request${real.why}`, async () => {
    const csv = await readTrace(real.path);
    const out = join(dir, 'cloudPhysicsIO.oracleGeneral.bin');
    await writeOracleGeneral(csv, out);
    const back = await readTrace(out);
    expect(back.length).toBe(csv.length);
    expect(back.keys).toEqual(csv.keys);
    expect(back.keyIds).toEqual(csv.keyIds);
    expect(back.times).toEqual(csv.times);
    expect(back.sizes).toEqual(csv.sizes);
  });
});

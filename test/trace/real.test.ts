import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace, TRACE_FORMATS, type ReadTraceOptions } from '../../src/trace/read.js';
import { Op, type Trace } from '../../src/trace/trace.js';
import { realTrace } from '../helpers.js';

/**
 * Request and distinct-key counts of the shared real traces, as their
 * provenance notes give them. `options` is what a user passes; `auto`
 * files are recognised from their name or first line.
 */
const CASES: {
  file: string;
  options: ReadTraceOptions;
  requests: number;
  distinctKeys: number;
  check?: (trace: Trace) => void;
}[] = [
  { file: 'arc-oltp.lis.gz', options: {}, requests: 914_145, distinctKeys: 186_880 },
  { file: 'cache2k-web12.trace', options: { format: 'cache2k' }, requests: 95_607, distinctKeys: 13_756 },
  { file: 'cloudPhysicsIO.csv', options: {}, requests: 113_872, distinctKeys: 48_974 },
  // corda-vaultservice.trace is read, cached and converted in
  // test/regression/cases.test.ts.
  {
    // Each M (modify) line is a load and a store: 267,988 lines, 18,976 of them M.
    file: 'csapp-long.trace',
    options: {},
    requests: 267_988 + 18_976,
    distinctKeys: 32_785,
    check: (trace) => {
      expect(trace.ops.filter((op) => op === Op.Read).length).toBe(230_025 + 18_976);
      expect(trace.ops.filter((op) => op === Op.Write).length).toBe(18_987 + 18_976);
    },
  },
  { file: 'csapp-long.trace', options: { format: 'csapp', lineSize: 64 }, requests: 286_964, distinctKeys: 2_052 },
  { file: 'lirs-ps.trace', options: {}, requests: 10_448, distinctKeys: 3_083 },
  {
    file: 'meta-kvcache-1.csv',
    options: {},
    requests: 691,
    distinctKeys: 52,
    check: (trace) => {
      // Row 2 is issued op_count = 3 times; size = key_size 24 + size 0.
      expect(trace.keys[trace.keyIds[1]]).toBe('a54f88ab02ece24d');
      expect(Array.from(trace.keyIds.slice(1, 4))).toEqual([1, 1, 1]);
      expect(trace.sizes[1]).toBe(24);
    },
  },
  { file: 'meta-kvcache-2.csv', options: {}, requests: 433, distinctKeys: 62 },
  {
    file: 'msr-hm0-sample.csv',
    options: {},
    requests: 1_000,
    distinctKeys: 713,
    check: (trace) => {
      // FILETIME ticks beyond 2^53 become exact offsets from the first.
      expect(trace.timeOrigin).toBe('128166385295514663');
      expect(Array.from(trace.times.slice(0, 3))).toEqual([0, 215, 512]);
      expect(trace.stats.backwardTimestamps).toBe(0);
      expect(trace.keys[0]).toBe('hm:0:9056014336');
      expect(trace.ops.filter((op) => op === Op.Read).length).toBe(508);
    },
  },
  {
    file: 'systor17-sample.csv',
    options: {},
    requests: 999,
    distinctKeys: 988,
    check: (trace) => {
      expect(trace.stats.backwardTimestamps).toBe(243);
      expect(trace.ops.filter((op) => op === Op.Read).length).toBe(826);
    },
  },
  {
    file: 'tencent-cbs-sample.csv',
    options: { format: 'tencent' },
    requests: 50_000,
    distinctKeys: 44_687,
    check: (trace) => {
      expect(trace.stats.backwardTimestamps).toBe(144);
      expect(trace.sizes[0]).toBe(128 * 512);
      expect(trace.ops.filter((op) => op === Op.Read).length).toBe(24_521);
    },
  },
  {
    file: 'twitter-sample.csv',
    options: {},
    requests: 100,
    distinctKeys: 85,
    check: (trace) => {
      // size = key_size + value_size: 17 + 249.
      expect(trace.sizes[0]).toBe(266);
      expect(trace.keys[0]).toBe('q:q:1:8WTwl7huJeQ');
    },
  },
];

describe('real traces', () => {
  for (const { file, options, requests, distinctKeys, check } of CASES) {
    const real = realTrace(file);
    const name = `${file} ${options.format ?? 'auto'}${options.lineSize ? ` line ${options.lineSize}` : ''}`;
    it.skipIf(real.isMissing)(`${name}: ${requests} requests, ${distinctKeys} keys${real.why}`, async () => {
      const trace = await readTrace(real.path, options);
      expect(trace.length).toBe(requests);
      expect(trace.keys.length).toBe(distinctKeys);
      check?.(trace);
    });
  }
});

describe('docs/traces.md', () => {
  it('lists every format', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'traces.md'), 'utf8');
    for (const format of TRACE_FORMATS.filter((name) => name !== 'auto')) {
      expect(docs).toContain(`\`${format}\``);
    }
  });
});

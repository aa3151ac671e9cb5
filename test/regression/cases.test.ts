/**
 * Small inputs on which other cache simulators were reported to give wrong
 * hit ratios, crash or misread the file. Each case has its expected result
 * worked out by hand, and the test titles state the expected values.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { lru } from '../../policies/lru.js';
import { runMetrics } from '../../src/eval/run-metrics.js';
import { selectBackend } from '../../src/model/backend.js';
import { Outcome, type Policy, type RequestEvent } from '../../src/policies/policy.js';
import { POLICIES } from '../../src/policies/registry.js';
import type { Capacity } from '../../src/sim/cache.js';
import { ReplayEngine } from '../../src/sim/engine.js';
import { simulate } from '../../src/simulate.js';
import { readCsvTrace, type CsvReadOptions } from '../../src/trace/csv.js';
import { loadTrace } from '../../src/trace/load.js';
import { readOracleGeneral, writeOracleGeneral } from '../../src/trace/oracle-general.js';
import { CSV_PRESETS } from '../../src/trace/presets.js';
import { detectFormat, readTrace, TRACE_FORMATS } from '../../src/trace/read.js';
import type { Trace } from '../../src/trace/trace.js';
import { runCli } from '../cli/run-cli.js';
import { FunctionPrefetcher, outcomeString, realTrace, temporaryDirectory, traceOf } from '../helpers.js';

const dir = temporaryDirectory();
const cacheDirectory = join(dir, 'trace-cache');
const settings = { seed: 1 };

/** Every built-in policy that needs no training. The lstm has its own checks below. */
const UNTRAINED_POLICIES = POLICIES.map((entry) => entry.id).filter((id) => id !== 'lstm');

/** Parameters that make the lstm train in about a second on a small trace. */
const TINY_LSTM = ['window=3', 'embedding=4', 'units=8', 'vocab=10', 'epochs=2', 'batch-size=16', 'validation-split=0'].map((param) => `lstm.${param}`);

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Parses `key,size key,size …` into a trace. */
function sized(text: string): Trace {
  const rows = text.split(' ').map((pair) => pair.split(','));
  return traceOf(rows.map(([key]) => key), rows.map(([, size]) => Number(size)));
}

async function runAll(text: string, capacity: Capacity) {
  return simulate({ trace: sized(text), policies: UNTRAINED_POLICIES, capacities: [capacity], trainFraction: 0 });
}

function lruPolicy(): Policy {
  return lru.create({ params: {}, label: 'lru', settings });
}

let reportCount = 0;

/**
 * Runs the simulate command in this thread (one worker) and returns the
 * exit code, both streams, the markdown report and its JSON file.
 */
async function simulateCli(trace: string, ...flags: string[]) {
  const out = join(dir, `report-${++reportCount}.md`);
  const result = await runCli('--trace', trace, '--cache-dir', cacheDirectory, '--workers', '1', '--out', out, ...flags);
  const jsonPath = out.replace(/\.md$/, '.json');
  return {
    ...result,
    report: existsSync(out) ? readFileSync(out, 'utf8') : undefined,
    json: existsSync(jsonPath) ? readFileSync(jsonPath, 'utf8') : undefined,
  };
}

/** Reads a delimited file with the fast splitter and with csv-parse. */
async function bothSplitters(path: string, options: CsvReadOptions = {}): Promise<Trace[]> {
  return [
    await readCsvTrace(path, { ...options, splitter: 'fast' }),
    await readCsvTrace(path, { ...options, splitter: 'csv-parse' }),
  ];
}

function keysInOrder(trace: Trace): string[] {
  return Array.from(trace.keyIds, (keyId) => trace.keys[keyId]);
}

describe('case 1: one object fits in 11 bytes', () => {
  const text = '1,10 1,10 2,10 1,10 2,10 2,10 2,10 1,10';

  it('lru gives MHMMMHHM, 3 hits', async () => {
    const result = await simulate({ trace: sized(text), policies: ['lru'], capacities: [{ unit: 'bytes', bytes: 11 }], trainFraction: 0 });
    expect(outcomeString(result.runs[0].outcomes)).toBe('MHMMMHHM');
    expect(result.runs[0].counters.hits).toBe(3);
  });

  it('no policy or bound claims more than 4 hits', async () => {
    const result = await runAll(text, { unit: 'bytes', bytes: 11 });
    // Belady must admit each miss, so it reaches 3. Only a cache that may
    // bypass an object (keep 1, never admit 2) reaches 4.
    expect(result.runs.find((run) => run.policyId === 'belady')!.counters.hits).toBeLessThanOrEqual(4);
    for (const run of result.runs) {
      // A prefetcher can hit more often only through objects it fetched
      // itself, each one a backend fetch that the accounting shows.
      expect(run.counters.hits).toBeLessThanOrEqual(4 + run.counters.usefulPrefetches);
    }
  });

  it('occupancy never exceeds 11 bytes', async () => {
    const result = await runAll(text, { unit: 'bytes', bytes: 11 });
    for (const run of result.runs) expect(run.counters.maxOccupancy).toBeLessThanOrEqual(11);
  });
});

describe('case 2: a resident key with a new size is a hit', () => {
  it('gives MHHMMH, 44 of 90 bytes hit, the newest size kept', async () => {
    const result = await runAll('100,15 100,14 100,16 101,14 102,17 101,14', { unit: 'bytes', bytes: 1e9 });
    const lruRun = result.runs.find((run) => run.policyId === 'lru')!;
    expect(outcomeString(lruRun.outcomes)).toBe('MHHMMH');
    expect(lruRun.counters.hits).toBe(3);
    expect(lruRun.counters.hitBytes).toBe(44);
    expect(lruRun.counters.requestedBytes).toBe(90);
    expect(lruRun.counters.finalOccupancy).toBe(16 + 14 + 17);
  });
});

describe('case 3: objects larger than the cache, comment lines', () => {
  it('misses both requests at 9 bytes for every policy', async () => {
    // With no training part the lstm is not trained and never prefetches.
    const policies = POLICIES.map((entry) => entry.id);
    const result = await simulate({ trace: sized('a,10 b,10000000'), policies, capacities: [{ unit: 'bytes', bytes: 9 }], trainFraction: 0 });
    expect(result.runs.map((run) => run.policyId)).toEqual(policies);
    for (const run of result.runs) {
      expect(outcomeString(run.outcomes)).toBe('MM');
      expect(run.counters.maxOccupancy).toBe(0);
      expect(run.counters.finalOccupancy).toBe(0);
    }
    const lruRun = result.runs.find((run) => run.policyId === 'lru')!;
    expect(lruRun.counters.notAdmitted).toBe(2);
  });

  it('admits no prefetch of an oversized object, lstm included', async () => {
    // A repeating pattern that next-key and the lstm learn, every object
    // larger than the cache: each prefetch is fetched and then dropped.
    const keys = Array.from({ length: 200 }, (_, i) => [10, 20, 10, 30][i % 4]);
    const trace = traceOf(keys, keys.map(() => 10));
    const result = await simulate({
      trace,
      policies: POLICIES.map((entry) => entry.id),
      params: TINY_LSTM,
      capacities: [{ unit: 'bytes', bytes: 9 }],
      trainFraction: 0.5,
      settings: { seed: 1, backend: 'wasm' },
    });
    for (const run of result.runs) {
      expect(run.counters.misses).toBe(100);
      expect(run.counters.maxOccupancy).toBe(0);
      expect(run.counters.usefulPrefetches).toBe(0);
      expect(run.counters.wastedPrefetches).toBe(run.counters.issuedPrefetches);
    }
    expect(result.runs.find((run) => run.policyId === 'next-key')!.counters.issuedPrefetches).toBeGreaterThan(0);
  });

  describe('a # comment line before letter keys', () => {
    const keysAfterComment = '# captured 2024-01-01, one key per line\na\nb\na\n';

    it('auto reads one key per line: 3 requests, the comment none', async () => {
      const path = file('comment-keys.txt', keysAfterComment);
      expect(await detectFormat(path)).toBe('lines');
      const trace = await readTrace(path);
      expect(keysInOrder(trace)).toEqual(['a', 'b', 'a']);
      expect(trace.stats.ignoredRows).toBe(1);
    });

    it('lines format skips it with both splitters and in gzip', async () => {
      const plain = file('comment-lines.txt', keysAfterComment);
      const packed = file('comment-lines.txt.gz', gzipSync(keysAfterComment));
      const traces = [
        ...(await bothSplitters(plain, CSV_PRESETS.lines)),
        await readTrace(packed, { format: 'lines' }),
        await readTrace(packed),
      ];
      for (const trace of traces) {
        expect(keysInOrder(trace)).toEqual(['a', 'b', 'a']);
        expect(trace.stats.ignoredRows).toBe(1);
      }
    });

    it('csv skips comments above the header and between rows', async () => {
      const path = file('comment-header.csv', '# sizes in bytes\nkey,size\na,1\n  # a note\nb,2\n');
      // A quote sends the file to csv-parse, which must skip the same lines.
      const quoted = file('comment-quoted.csv', '# a "quoted" note\nkey,size\na,1\n  # a note\n"b",2\n');
      for (const trace of [...(await bothSplitters(path)), await readTrace(quoted)]) {
        expect(keysInOrder(trace)).toEqual(['a', 'b']);
        expect(trace.stats.ignoredRows).toBe(2);
      }
    });

    it('keeps a # inside a row as data', async () => {
      const path = file('hash-key.csv', 'time,key\n1,#a\n2,b#\n');
      for (const trace of await bothSplitters(path)) {
        expect(trace.keys).toEqual(['#a', 'b#']);
      }
    });

    it('lackey and ARC readers skip comments too', async () => {
      const lackey = await readTrace(file('comment.trace', '# lackey\n L 10,4\n S 20,4\n'), { format: 'csapp' });
      const arc = await readTrace(file('comment.lis', '# arc\n5 2 0 0\n'));
      expect(keysInOrder(lackey)).toEqual(['16', '32']);
      expect(keysInOrder(arc)).toEqual(['5', '6']);
      expect(lackey.stats.ignoredRows).toBe(1);
      expect(arc.stats.ignoredRows).toBe(1);
    });

    it('the report counts 3 requests', async () => {
      const result = await simulateCli(file('comment-cli.txt', keysAfterComment), '--train-fraction', '0');
      expect(result.code).toBe(0);
      expect(result.report).toContain('- requests: 3');
      expect(result.report).toContain('- distinct keys: 2');
    });

    it('a one-column file headed "lbn" over numbers stays a table', async () => {
      // A key list rarely mixes a word with numbers, so the word is a header
      // and the reader asks for --key-column instead of reading it as a key.
      const path = file('one-column.csv', 'lbn\n5\n6\n');
      expect(await detectFormat(path)).toBe('csv');
      expect(await detectFormat(path, { keyColumn: 'lbn' })).toBe('csv');
      expect(keysInOrder(await readTrace(path, { keyColumn: 'lbn' }))).toEqual(['5', '6']);
    });
  });
});

describe('case 4: occupancy is the sum of resident sizes', () => {
  const text = 'a,100 a,10 b,95 a,10';

  it('lru at 110 bytes: occupancy 100, 10, 105, 105 and MHMH', async () => {
    const occupancies: number[] = [];
    for (let n = 1; n <= 4; n++) {
      const prefix = text.split(' ').slice(0, n).join(' ');
      const result = await simulate({ trace: sized(prefix), policies: ['lru'], capacities: [{ unit: 'bytes', bytes: 110 }], trainFraction: 0 });
      occupancies.push(result.runs[0].counters.finalOccupancy);
      if (n === 4) {
        expect(outcomeString(result.runs[0].outcomes)).toBe('MHMH');
        expect(result.runs[0].counters.resizedObjects).toBe(1);
      }
    }
    expect(occupancies).toEqual([100, 10, 105, 105]);
  });

  it('the report counts the key whose size changed', async () => {
    const trace = file('resized.csv', `key,size\n${text.replaceAll(' ', '\n')}\n`);
    const result = await simulateCli(trace, '--train-fraction', '0', '--cache-size', '110B');
    expect(result.code).toBe(0);
    expect(result.report).toMatch(/^\| hits on a key with a new size \| 1 \|$/m);
    expect(result.stderr).toContain('1 requests give their key another size than its previous request');
  });
});

describe('case 5: object and byte miss ratios at 1,001 bytes', () => {
  const text = 'a,1 b,1000 a,1 a,1 c,1000 b,1000';

  it('lru gives MMHHMM, miss ratio 0.6667, byte miss ratio 0.99933', async () => {
    const result = await simulate({ trace: sized(text), policies: ['lru'], capacities: [{ unit: 'bytes', bytes: 1001 }], trainFraction: 0 });
    const { counters, outcomes } = result.runs[0];
    expect(outcomeString(outcomes)).toBe('MMHHMM');
    expect(counters.misses / counters.requests).toBeCloseTo(0.6667, 4);
    expect(1 - counters.hitBytes / counters.requestedBytes).toBeCloseTo(0.99933, 5);
  });

  it('the report labels both ratios under the capacity in bytes', async () => {
    const trace = file('ratios.csv', `key,size\n${text.replaceAll(' ', '\n')}\n`);
    const result = await simulateCli(trace, '--train-fraction', '0', '--cache-size', '1001B');
    expect(result.code).toBe(0);
    expect(result.report).toContain('## Results at 1001 bytes');
    expect(result.report).toMatch(/^\| miss ratio \| 0\.6667 \|$/m);
    expect(result.report).toMatch(/^\| byte miss ratio \| 0\.9993 \|$/m);
    const metrics = JSON.parse(result.json!).runs[0].metrics;
    expect(metrics.missRatio).toBeCloseTo(0.6667, 4);
    expect(1 - metrics.byteHitRatio).toBeCloseTo(0.99933, 5);
  });
});

describe('case 6: a capacity of N objects holds exactly N', () => {
  it('gives 4 hits on a b a b a b at capacity 2', () => {
    const result = new ReplayEngine(traceOf(['a', 'b', 'a', 'b', 'a', 'b']), lruPolicy(), {
      capacity: { unit: 'objects', objects: 2 },
      scoredStart: 0,
    }).run();
    expect(result.counters.hits).toBe(4);
  });

  it('holds N keys for N from 1 to 8', () => {
    for (let n = 1; n <= 8; n++) {
      const keys = Array.from({ length: 4 * n }, (_, i) => i % n);
      const replay = (capacity: Capacity, sizes?: number[]) =>
        new ReplayEngine(traceOf(keys, sizes), lruPolicy(), { capacity, scoredStart: 0 }).run();
      expect(replay({ unit: 'objects', objects: n }).counters.hits).toBe(3 * n);
      expect(replay({ unit: 'objects', objects: n }).counters.maxOccupancy).toBe(n);
      // In bytes no per-entry cost either: n objects of 7 bytes fill 7n.
      expect(replay({ unit: 'bytes', bytes: 7 * n }, keys.map(() => 7)).counters.hits).toBe(3 * n);
    }
  });
});

describe('case 7: key 0 on a cold cache is a miss', () => {
  it('treats the first request for key 0 as a miss', () => {
    const result = new ReplayEngine(traceOf([0, 0]), lruPolicy(), {
      capacity: { unit: 'objects', objects: 3 },
      scoredStart: 0,
    }).run();
    expect(outcomeString(result.outcomes)).toBe('MH');
  });

  it('misses key 0 first for every policy', async () => {
    const result = await simulate({ trace: traceOf([0, 1, 0, 1, 2, 0]), policies: UNTRAINED_POLICIES, capacities: [{ unit: 'objects', objects: 2 }], trainFraction: 0 });
    for (const run of result.runs) expect(run.outcomes[0]).toBe(Outcome.Miss);
  });

  for (const [name, format] of [['cache2k-web12.trace', 'cache2k'], ['lirs-ps.trace', 'auto']] as const) {
    const real = realTrace(name);
    it.skipIf(real.isMissing)(`misses the first request of ${name}${real.why}`, async () => {
      const trace = await readTrace(real.path, { format });
      expect(trace.keys[trace.keyIds[0]]).toBe('0');
      const result = await simulate({ trace, policies: ['lru'], capacities: [{ unit: 'objects', objects: 1000 }], trainFraction: 0 });
      expect(result.runs[0].outcomes[0]).toBe(Outcome.Miss);
    });
  }
});

describe('case 8: an empty or header-only trace has 0 requests', () => {
  const files: [string, string][] = [
    ['empty.csv', ''],
    ['header-only.csv', 'time,key,size\n'],
    ['only-comments.txt', '# nothing captured\n\n'],
  ];
  for (const [name, content] of files) {
    it(`${name}: exit 0, ratios n/a, no NaN in report, JSON or stdout`, async () => {
      const result = await simulateCli(
        file(name, content),
        '--policy', 'lru,next-key,oracle',
        '--cache-size', '10,100,1KiB',
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('the trace has no requests');
      expect(result.report).toContain('- requests: 0');
      expect(result.report).toMatch(/^\| hit ratio \| n\/a \| n\/a \| n\/a \|$/m);
      expect(result.report).toMatch(/^\| gain vs baseline, pt \(95% interval\) \| n\/a \| n\/a \| n\/a \|$/m);
      expect(result.report).toMatch(/^\| backend load vs baseline \(95% interval\) \| n\/a \| n\/a \| n\/a \|$/m);
      expect(result.stdout).toMatch(/^lru +10 objects +n\/a +n\/a +n\/a +n\/a /m);
      for (const text of [result.report!, result.json!, result.stdout]) {
        expect(text).not.toMatch(/NaN|Infinity|undefined/);
      }
    });
  }

  it('inspect shows n/a where a ratio has no requests', async () => {
    const out = join(dir, 'empty-inspect.md');
    const result = await runCli('inspect', '--trace', file('inspect-empty.csv', ''), '--no-cache', '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('- fitted Zipf exponent: n/a');
    expect(result.stdout).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('every format reads an empty file as 0 requests', async () => {
    const path = file('empty.bin', '');
    for (const format of TRACE_FORMATS) {
      const trace = await readTrace(path, { format });
      expect(trace.length).toBe(0);
    }
  });
});

/** Keeps the time and index of each request as the engine hands it over. */
class TimeRecorder implements Policy {
  readonly label = 'time-recorder';
  readonly times: number[] = [];
  readonly indexes: number[] = [];

  onRequest(request: RequestEvent): void {
    this.times.push(request.time);
    this.indexes.push(request.index);
  }
}

/**
 * Replays with a fetch latency, with and without a backend limit, and
 * checks that the engine's clock never steps back, that requests arrive in
 * file order and that no recorded wait is negative.
 */
function expectForwardReplay(trace: Trace, fetchLatency: number): void {
  for (const backendConcurrency of [undefined, 2]) {
    const recorder = new TimeRecorder();
    const result = new ReplayEngine(trace, recorder, {
      capacity: { unit: 'objects', objects: 64 },
      scoredStart: 0,
      fetchLatency: { kind: 'fixed', value: fetchLatency },
      backendConcurrency,
    }).run();
    expect(recorder.indexes).toEqual(Array.from({ length: trace.length }, (_, i) => i));
    const stepsBack = recorder.times.filter((time, i) => i > 0 && time < recorder.times[i - 1]);
    expect(stepsBack).toEqual([]);
    expect(Array.from(result.waitLatencies).filter((wait) => !(wait >= 0))).toEqual([]);
    expect(result.waitLatencies.length).toBe(result.counters.misses + result.counters.delayedHits);
    expect(result.counters.totalLatency).toBeGreaterThan(0);
  }
}

describe('case 9: timestamps that step backwards', () => {
  it('replays a small file in file order with no negative wait', async () => {
    const path = file('backward.csv', 'time,key\n5,a\n3,b\n4,a\n1,c\n6,b\n2,a\n');
    const trace = await readTrace(path);
    expect(trace.stats.backwardTimestamps).toBe(3);
    expect(keysInOrder(trace)).toEqual(['a', 'b', 'a', 'c', 'b', 'a']);
    expectForwardReplay(trace, 2);
  });

  const cases = [
    ['tencent-cbs-sample.csv', 'tencent', 144],
    ['systor17-sample.csv', 'auto', 243],
  ] as const;
  for (const [name, format, backward] of cases) {
    const real = realTrace(name);
    it.skipIf(real.isMissing)(`${name}: ${backward} counted, replayed forward${real.why}`, async () => {
      const trace = await readTrace(real.path, { format });
      expect(trace.stats.backwardTimestamps).toBe(backward);
      // 1 ms in seconds, the unit of both traces.
      expectForwardReplay(trace, 0.001);
      const result = await simulateCli(real.path, '--format', format, '--fetch-latency', '1ms', '--train-fraction', '0');
      expect(result.code).toBe(0);
      expect(result.report).toContain(`- timestamps earlier than the previous row: ${backward} (replayed in file order)`);
      expect(result.stderr).toContain(`${backward} requests have a time earlier than the previous request`);
    });
  }
});

describe('case 10: prefetch accounting', () => {
  // After each request for k the policy prefetches k + 1; keys 4 and 6 exist
  // in the trace only so that their ids exist, and come after the scored part.
  const keys = [1, 2, 3, 2, 5, 4, 6];

  function replayScored(objects: number) {
    const trace = traceOf(keys);
    const scored = { ...trace, length: 5 };
    return new ReplayEngine(scored, new FunctionPrefetcher(trace, (k) => k + 1), {
      capacity: { unit: 'objects', objects },
      scoredStart: 0,
    }).run();
  }

  it('capacity 3: MHHHM, 4 issued, 1 redundant, 2 useful, 1 wasted, 1 unused', () => {
    const result = replayScored(3);
    expect(outcomeString(result.outcomes)).toBe('MHHHM');
    expect(result.counters.issuedPrefetches).toBe(4);
    expect(result.counters.redundantPrefetches).toBe(1);
    expect(result.counters.usefulPrefetches).toBe(2);
    expect(result.counters.wastedPrefetches).toBe(1);
    expect(result.counters.unusedAtEnd).toBe(1);
    expect(runMetrics(result.counters).prefetchAccuracy).toBe(2 / 4);
  });

  it('capacity 2: MHHMM, 5 issued, 2 useful, 2 wasted, 1 unused', () => {
    const result = replayScored(2);
    expect(outcomeString(result.outcomes)).toBe('MHHMM');
    expect(result.counters.issuedPrefetches).toBe(5);
    expect(result.counters.usefulPrefetches).toBe(2);
    expect(result.counters.wastedPrefetches).toBe(2);
    expect(result.counters.unusedAtEnd).toBe(1);
  });
});

describe('case 11: CRLF, blank lines, a byte-order mark and a line of commas', () => {
  // The key is the first column, so a mark left on its name would hide it.
  const text = '\uFEFFkey,time,size\r\n\r\na,1,10\r\n,,\r\nb,2,10\r\n\r\n , ,\r\na,3,10\r\n';

  it('finds the first column by name and skips and counts 4 lines', async () => {
    const path = file('windows.csv', text);
    const packed = file('windows.csv.gz', gzipSync(text));
    for (const trace of [...(await bothSplitters(path)), await readTrace(packed)]) {
      expect(keysInOrder(trace)).toEqual(['a', 'b', 'a']);
      expect(Array.from(trace.times)).toEqual([1, 2, 3]);
      expect(trace.stats.skippedBlankLines).toBe(4);
    }
  });

  it('line formats accept the same line ends and mark', async () => {
    const lackey = await readTrace(file('windows.trace', '\uFEFF L 10,4\r\n\r\n S 20,4\r\n'), { format: 'csapp' });
    const keys = await readTrace(file('windows-keys.txt', '\uFEFFa\r\n\r\nb\r\na\r\n'));
    expect(keysInOrder(lackey)).toEqual(['16', '32']);
    expect(keysInOrder(keys)).toEqual(['a', 'b', 'a']);
    expect(lackey.stats.skippedBlankLines).toBe(1);
    expect(keys.stats.skippedBlankLines).toBe(1);
  });

  it('the report shows the count', async () => {
    const result = await simulateCli(file('windows-cli.csv', text), '--train-fraction', '0');
    expect(result.code).toBe(0);
    expect(result.report).toContain('- requests: 3');
    expect(result.report).toContain('- blank lines skipped (empty or only delimiters): 4;');
  });
});

describe('case 12: integer keys above 2^53 stay distinct', () => {
  // Both are 9007199254740992 as a double.
  const twins = ['9007199254740993', '9007199254740992'];

  it('keeps two keys that differ beyond 2^53 in every reader', async () => {
    const csv = file('twins.csv', `key\n${twins.join('\n')}\n`);
    const binary = Buffer.alloc(16);
    twins.forEach((key, i) => binary.writeBigInt64BE(BigInt(key), i * 8));
    const int64 = file('twins.bin', binary);
    for (const trace of [
      ...(await bothSplitters(csv)),
      await readTrace(file('twins.txt', `${twins.join('\n')}\n`)),
      await readTrace(int64, { format: 'int64-be' }),
    ]) {
      expect(trace.keys).toEqual(twins);
    }
  });

  it('keeps them through the trace cache and oracleGeneral', async () => {
    const csv = file('twins-cached.csv', `key\n${twins.join('\n')}\n`);
    const stored = await loadTrace(csv, { cacheDirectory });
    const reloaded = await loadTrace(csv, { cacheDirectory });
    expect(reloaded.cacheStatus).toBe('hit');
    expect(reloaded.trace.keys).toEqual(twins);
    const out = join(dir, 'twins.oracleGeneral.bin');
    expect((await writeOracleGeneral(stored.trace, out)).objectIds).toBe('key');
    expect((await readOracleGeneral(out)).keys).toEqual(twins);
  });

  const real = realTrace('corda-vaultservice.trace');
  it.skipIf(real.isMissing)(`corda: 90,468 distinct keys read, cached and converted${real.why}`, async () => {
    const trace = await readTrace(real.path, { format: 'corda' });
    expect(trace.length).toBe(135_702);
    expect(trace.keys.length).toBe(90_468);
    // Beyond 2^53: a double would turn this key into ...5575 → ...5576.
    expect(trace.keys[trace.keyIds[0]]).toBe('4115321255546405575');
    expect(trace.keys[trace.keyIds[1]]).toBe('380797412902322124');
    expect(trace.keyIds[2]).toBe(trace.keyIds[0]);
    expect(trace.keys.some((key) => key.startsWith('-'))).toBe(true);

    await loadTrace(real.path, { format: 'corda', cacheDirectory });
    const cached = await loadTrace(real.path, { format: 'corda', cacheDirectory });
    expect(cached.cacheStatus).toBe('hit');
    expect(cached.trace.keys).toEqual(trace.keys);
    expect(cached.trace.keyIds).toEqual(trace.keyIds);

    // Negative keys are not u64 ids, so the converter writes dense ids.
    const out = join(dir, 'corda.oracleGeneral.bin');
    expect((await writeOracleGeneral(trace, out)).objectIds).toBe('dense-id');
    const converted = await readOracleGeneral(out);
    expect(converted.keys.length).toBe(90_468);
    expect(converted.keyIds).toEqual(trace.keyIds);
  });
});

describe('case 13: the lstm keeps its predictions and its tensors', () => {
  // Save and load giving the same predictions, and no tensor left after
  // training and prediction, are checked on the model itself in
  // test/model/storage.test.ts and test/model/next-key-model.test.ts. Here
  // the public paths.
  const pattern = Array.from({ length: 400 }, (_, i) => [10, 20, 10, 30][i % 4]);

  it('leaves no tensor behind after training and a replay', async () => {
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    const result = await simulate({
      trace: traceOf(pattern),
      policies: ['lstm'],
      // Confidence 0 pushes every prediction, so each request predicts.
      params: [...TINY_LSTM, 'lstm.confidence=0'],
      capacities: [{ unit: 'objects', objects: 2 }],
      trainFraction: 0.25,
      settings: { seed: 1, backend: 'wasm' },
    });
    expect(result.runs[0].counters.requests).toBe(300);
    expect(result.runs[0].counters.predictions).toBe(300);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with a clear message when the loss becomes NaN', async () => {
    const trace = file('pattern.csv', `key\n${pattern.join('\n')}\n`);
    const params = [...TINY_LSTM, 'lstm.learning-rate=1e30'].flatMap((param) => ['--param', param]);
    const result = await simulateCli(trace, '--policy', 'lru,lstm', '--backend', 'wasm', ...params);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/lstm: training diverged: the loss became NaN at epoch 1, batch \d+ with lstm\.learning-rate=1e\+30; lower lstm\.learning-rate/);
    expect(result.report).toBeUndefined();
  });
});

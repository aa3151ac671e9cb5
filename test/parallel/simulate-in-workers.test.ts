import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/eval/evaluate.js';
import { summariseRun } from '../../src/eval/run-summary.js';
import { sharedTrace } from '../../src/parallel/shared-trace.js';
import { replayWorkersNeeded, simulateInWorkers, type WorkerExtras } from '../../src/parallel/simulate-in-workers.js';
import { ReplayWorkerPool } from '../../src/parallel/worker-pool.js';
import { renderSvg } from '../../src/report/charts.js';
import { buildReportData } from '../../src/report/report-data.js';
import { reportJson } from '../../src/report/write-report.js';
import type { SimulateOptions } from '../../src/simulate.js';
import { generateKeys } from '../../src/trace/generate.js';
import { emptyReadStats, type Trace } from '../../src/trace/trace.js';
import { temporaryDirectory, traceOf } from '../helpers.js';

// The worker entry is loaded from dist/, so this file needs a build first
// (as the CLI binary test does).
const options: SimulateOptions = {
  trace: traceOf(Array.from(generateKeys('mixed', 8_000, 5))),
  policies: ['lru', 'next-key'],
  params: ['next-key.min-count=3'],
  capacities: [25, 100, 400].map((objects) => ({ unit: 'objects' as const, objects })),
  trainFraction: 0.2,
};

const machine = { toolVersion: 'test', nodeVersion: 'test', cpuModel: 'test', cpuCores: 1 };

/**
 * Writes a module policy whose `prepare` runs `prepareBody`, which may use
 * `isMainThread`, and returns its path.
 */
function policyModule(name: string, prepareBody: string): string {
  const path = join(temporaryDirectory(), `${name}.mjs`);
  writeFileSync(
    path,
    `import { isMainThread } from 'node:worker_threads';
export default {
  id: '${name}',
  create: () => ({
    label: '${name}',
    async prepare() {
      ${prepareBody}
    },
    onRequest() {},
  }),
};
`,
  );
  return path;
}

const POINT_CHART: TopLevelSpec = {
  data: { values: [{ x: 1, y: 2 }] },
  mark: 'point',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

/**
 * Report JSON without the wall-clock measurements (prediction overhead and
 * the p99 it is checked on), which vary from run to run.
 */
async function deterministicJson(workers: number, extras: WorkerExtras = {}): Promise<string> {
  const result = await simulateInWorkers(options, workers, extras);
  const evaluation = evaluate(result, {
    baseline: 'lru',
    windows: 16,
    bootstrapReplicates: 500,
    seed: 7,
    guardrails: { maxPredictionP99Ms: null },
  }, result.runSummaries);
  const data = buildReportData(result, evaluation, { command: 'test', traceSha256: null, machine });
  for (const run of data.runs) run.overhead = null as never;
  for (const comparison of data.comparisons) {
    const p99 = comparison.guardrails.find((check) => check.name === 'max-prediction-p99')!;
    p99.observed = null;
  }
  return reportJson(data);
}

describe('simulateInWorkers', () => {
  it('gives identical JSON with 1 and 2 workers', async () => {
    const one = await deterministicJson(1);
    const two = await deterministicJson(2);
    expect(one).toContain('"label": "next-key(min-count=3)"');
    expect(two).toBe(one);
  });

  it('gives identical JSON with 3 threads', async () => {
    const sequential = await deterministicJson(1);
    const threaded = await deterministicJson(3, { metricsWindows: 16 });
    expect(threaded).toBe(sequential);
  });

  it('gives identical JSON with worker summaries', async () => {
    const one = await deterministicJson(1);
    const two = await deterministicJson(2, { metricsWindows: 16 });
    expect(two).toBe(one);
  });

  it('summarises each run in its worker', async () => {
    // With a fetch latency, runs record waits, so the latency summary is
    // taken over a non-empty array.
    const timed = { ...options, fetchLatency: { kind: 'fixed' as const, value: 3 } };
    const result = await simulateInWorkers(timed, 2, { metricsWindows: 16 });
    const direct = await simulateInWorkers(timed, 1);
    expect(result.runSummaries).toHaveLength(6);
    for (const [i, summary] of result.runSummaries.entries()) {
      const run = direct.runs[i];
      expect(run.waitLatencies.length).toBeGreaterThan(0);
      expect(summary?.bounds).toHaveLength(17);
      const expected = summariseRun(run, summary!.bounds);
      expect(summary!.counts).toEqual(expected.counts);
      expect(summary!.latency).toEqual(expected.latency);
      expect(summary!.overhead.percentiles === null).toBe(expected.overhead.percentiles === null);
    }
  });

  it('sends summarised runs without request arrays', async () => {
    const result = await simulateInWorkers(options, 2, { metricsWindows: 16 });
    for (const run of result.runs) {
      expect(run.outcomes).toHaveLength(0);
      expect(run.issuedPrefetchesPerRequest).toHaveLength(0);
      expect(run.counters.requests).toBeGreaterThan(0);
    }
    const otherWindows = { baseline: 'lru', windows: 8, bootstrapReplicates: 100, seed: 1 };
    expect(() => evaluate(result, otherWindows, result.runSummaries)).toThrow(/has 0 outcomes for \d+ scored requests/);
  });

  it('reports the first idle worker once', async () => {
    let calls = 0;
    await simulateInWorkers(options, 2, { onWorkerIdle: () => calls++ });
    expect(calls).toBe(1);
  });

  for (const slow of ['worker', 'main'] as const) {
    it(`tells whether this thread ran out of jobs first (slow ${slow})`, async () => {
      const isSlowHere = slow === 'main' ? 'isMainThread' : '!isMainThread';
      const path = policyModule(`slow-on-${slow}`, `if (${isSlowHere}) await new Promise((resolve) => setTimeout(resolve, 300));`);
      const seen: boolean[] = [];
      await simulateInWorkers({ ...options, policies: [path], params: [] }, 2, { onWorkerIdle: (isThisThread) => seen.push(isThisThread) });
      expect(seen).toEqual([slow === 'worker']);
    });
  }

  it('reports no idle worker without workers', async () => {
    let calls = 0;
    await simulateInWorkers(options, 1, { onWorkerIdle: () => calls++ });
    expect(calls).toBe(0);
  });

  it('replays on workers started ahead', async () => {
    const pool = new ReplayWorkerPool(2);
    try {
      const result = await simulateInWorkers(options, 2, { pool });
      const direct = await simulateInWorkers(options, 1);
      expect(result.runs.map((run) => run.counters)).toEqual(direct.runs.map((run) => run.counters));
    } finally {
      await pool.terminate();
    }
  });

  it('leaves a given pool running to render charts', async () => {
    const pool = new ReplayWorkerPool(1);
    try {
      await simulateInWorkers(options, 2, { pool, preloadCharts: true });
      const render = pool.chartRenderer();
      expect(await render(POINT_CHART)).toBe(await renderSvg(POINT_CHART));
      const invalid = { ...POINT_CHART, mark: 'no-such-mark' } as unknown as TopLevelSpec;
      const error = await renderSvg(invalid).catch((thrown: Error) => thrown.message);
      await expect(render(invalid)).rejects.toThrow(error);
    } finally {
      await pool.terminate();
    }
  });

  it('rejects a chart once the pool has stopped', async () => {
    const pool = new ReplayWorkerPool(1);
    await pool.terminate();
    await expect(pool.chartRenderer()(POINT_CHART)).rejects.toThrow('replay worker stopped');
  });

  it('rejects when a started worker has stopped', async () => {
    // With 2 threads, this thread and one worker replay.
    const pool = new ReplayWorkerPool(1);
    await pool.workers[0].thread.terminate();
    await expect(simulateInWorkers(options, 2, { pool })).rejects.toThrow('replay worker stopped');
    await pool.terminate();
  });

  it('keeps runs in policy then capacity order', async () => {
    const result = await simulateInWorkers(options, 2);
    expect(result.runs.map((run) => `${run.policyId}@${run.capacity.unit === 'objects' ? run.capacity.objects : 0}`)).toEqual([
      'lru@25',
      'lru@100',
      'lru@400',
      'next-key@25',
      'next-key@100',
      'next-key@400',
    ]);
  });

  for (const thread of ['worker', 'main'] as const) {
    it(`rejects with the error of a job that fails on the ${thread} thread`, async () => {
      const failsHere = thread === 'main' ? 'isMainThread' : '!isMainThread';
      // The other thread's job waits, so that the failing thread claims one
      // before the jobs run out.
      const path = policyModule(
        `fails-on-${thread}`,
        `if (${failsHere}) throw new Error('fails in prepare');
      await new Promise((resolve) => setTimeout(resolve, 300));`,
      );
      await expect(simulateInWorkers({ ...options, policies: [path], params: [] }, 2)).rejects.toThrow('fails in prepare');
    });
  }

  it('rejects a bad parameter before starting workers', async () => {
    const bad = { ...options, params: ['next-key.depth=2'] };
    await expect(simulateInWorkers(bad, 2)).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
  });
});

describe('replayWorkersNeeded', () => {
  it('counts this thread among the replaying threads', () => {
    expect(replayWorkersNeeded(['lru'], 10, 2)).toBe(1);
    expect(replayWorkersNeeded(['lru'], 10, 4)).toBe(3);
    expect(replayWorkersNeeded(['lru'], 2, 4)).toBe(1);
  });

  it('leaves this thread to a main-thread policy', () => {
    expect(replayWorkersNeeded(['lru', 'lstm'], 1, 4)).toBe(1);
    expect(replayWorkersNeeded(['lru', 'lstm'], 3, 2)).toBe(1);
    expect(replayWorkersNeeded(['lru', 'next-key', 'lstm'], 3, 4)).toBe(3);
  });

  it('uses none for a single job or worker', () => {
    expect(replayWorkersNeeded(['lru'], 1, 2)).toBe(0);
    expect(replayWorkersNeeded(['lru', 'next-key'], 3, 1)).toBe(0);
  });

  it('uses none for main-thread policies only', () => {
    expect(replayWorkersNeeded(['lstm'], 3, 2)).toBe(0);
  });
});

describe('sharedTrace', () => {
  it('hands over columns and key table that are shared already', () => {
    const trace = options.trace as Trace;
    const shared = sharedTrace(trace);
    expect(shared.fields.times).toBe(trace.times);
    expect(shared.fields.sizes).toBe(trace.sizes);
    expect(shared.fields.keyIds).toBe(trace.keyIds);
    expect(shared.fields.ops).toBe(trace.ops);
    expect(shared.keyTable.kind).toBe('decimal');
    expect('keys' in shared.fields).toBe(false);
  });

  it('copies plain columns into shared memory once', () => {
    const trace: Trace = {
      length: 2,
      times: Float64Array.of(0.5, 1),
      keyIds: Uint32Array.of(0, 1),
      sizes: Float64Array.of(3, 4),
      ops: Uint8Array.of(0, 0),
      keys: ['a', 'b'],
      source: 'test',
      timeUnit: 's',
      stats: emptyReadStats(),
    };
    const shared = sharedTrace(trace);
    expect(shared.fields.times.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.fields.times)).toEqual([0.5, 1]);
    expect(shared.fields.sizes).toBeInstanceOf(Float64Array);
    expect(Array.from(shared.fields.sizes)).toEqual([3, 4]);
    expect(shared.keyTable.kind).toBe('text');
  });
});

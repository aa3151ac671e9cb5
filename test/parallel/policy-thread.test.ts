import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatorError } from '../../src/errors.js';
import { BLOCK_DRAWS, DRAW_BLOCKS } from '../../src/parallel/push-ring.js';
import { MAX_PUSHES_PER_REQUEST } from '../../src/policies/policy.js';
import type { LatencySpec } from '../../src/sim/latency.js';
import { simulate, type PolicyRun, type SimulateOptions } from '../../src/simulate.js';
import { generateKeys } from '../../src/trace/generate.js';
import { temporaryDirectory, traceOf } from '../helpers.js';

// The policy thread's entry is loaded from dist/, so this file needs a
// build first (as the CLI binary test does).

/** Returns a run without its wall-clock figures, which vary from run to run. */
function withoutTimes(run: PolicyRun) {
  const { replayMs: _replayMs, onRequestMs, ...rest } = run;
  return { ...rest, timedCalls: onRequestMs.length };
}

async function runsBothWays(options: SimulateOptions) {
  const inline = await simulate({ ...options, policyThread: false });
  const threaded = await simulate({ ...options, policyThread: true });
  return { inline: inline.runs.map(withoutTimes), threaded: threaded.runs.map(withoutTimes) };
}

/** Writes a policy module that pushes `count` keys after each request. */
function sprayModule(count: number): string {
  const path = join(temporaryDirectory(), 'spray.mjs');
  writeFileSync(
    path,
    `export default {
  id: 'spray',
  create: () => {
    let keySpace = 0;
    return {
      label: 'spray',
      ignoresOutcomes: true,
      async prepare(context) { keySpace = context.training.keySpace; },
      onRequest(request, prefetch) {
        for (let k = 1; k <= ${count}; k++) prefetch.push((request.keyId + k) % keySpace);
      },
    };
  },
};
`,
  );
  return path;
}

describe('a policy on its own thread', () => {
  const trace = traceOf(Array.from(generateKeys('mixed', 12_000, 9)));
  const latencies: LatencySpec[] = [
    { kind: 'fixed', value: 0 },
    { kind: 'lognormal', median: 3, p99: 30 },
  ];

  for (const fetchLatency of latencies) {
    it(`gives the runs of the replay thread (${fetchLatency.kind})`, async () => {
      const { inline, threaded } = await runsBothWays({
        trace,
        policies: ['next-key', 'stride'],
        params: ['next-key.min-count=1'],
        capacities: [{ unit: 'objects', objects: 200 }],
        trainFraction: 0.3,
        fetchLatency,
        predictionLatency: 0.5,
      });
      expect(threaded).toEqual(inline);
      expect(threaded[0].counters.issuedPrefetches).toBeGreaterThan(0);
    });
  }

  it('matches the replay thread past one round of draw blocks', async () => {
    const { inline, threaded } = await runsBothWays({
      trace: traceOf(Array.from(generateKeys('mixed', 60_000, 4))),
      policies: ['next-key'],
      params: ['next-key.min-count=1'],
      capacities: [{ unit: 'objects', objects: 100 }],
      trainFraction: 0.1,
      fetchLatency: { kind: 'lognormal', median: 3, p99: 30 },
    });
    expect(threaded).toEqual(inline);
    expect(threaded[0].counters.fetches).toBeGreaterThan(DRAW_BLOCKS * BLOCK_DRAWS);
  });

  it('carries pushes over when a run overflows its slot', async () => {
    // 100 keys after each of 4,096 requests overflow a slot of 262,144.
    const { inline, threaded } = await runsBothWays({
      trace,
      policies: [sprayModule(100)],
      capacities: [{ unit: 'objects', objects: 500 }],
      trainFraction: 0,
      fetchLatency: { kind: 'fixed', value: 2 },
    });
    expect(threaded).toEqual(inline);
  });

  it('rejects too many pushes after one request, on either thread', async () => {
    const path = join(temporaryDirectory(), 'flood.mjs');
    writeFileSync(
      path,
      `export default { id: 'flood', create: () => ({ label: 'flood', ignoresOutcomes: true, onRequest(request, prefetch) { if (request.index === 5000) for (let i = 0; i <= ${MAX_PUSHES_PER_REQUEST}; i++) prefetch.push(i % 50); } }) };\n`,
    );
    for (const policyThread of [false, true]) {
      const run = simulate({ trace, policies: [path], capacities: [{ unit: 'objects', objects: 100 }], trainFraction: 0, policyThread });
      await expect(run).rejects.toThrow(/pushed more than 262144 keys/);
    }
  });

  it('rejects with the error of a policy that breaks its contract', async () => {
    const path = join(temporaryDirectory(), 'bad-push.mjs');
    writeFileSync(
      path,
      `export default { id: 'bad-push', create: () => ({ label: 'bad-push', ignoresOutcomes: true, onRequest(request, prefetch) { if (request.index === 5000) prefetch.push(-3); } }) };\n`,
    );
    const run = simulate({
      trace,
      policies: [path],
      capacities: [{ unit: 'objects', objects: 100 }],
      trainFraction: 0,
      policyThread: true,
    });
    await expect(run).rejects.toThrow(/pushed key id -3/);
    await expect(run).rejects.toBeInstanceOf(SimulatorError);
  });

  for (const policyThread of [false, true]) {
    it(`rejects a report that threads cannot copy (policy thread: ${policyThread})`, async () => {
      const path = join(temporaryDirectory(), 'function-report.mjs');
      writeFileSync(
        path,
        `export default { id: 'function-report', create: () => ({ label: 'function-report', ignoresOutcomes: true, onRequest() {}, report() { return { extra: () => 1 }; } }) };\n`,
      );
      const run = simulate({ trace, policies: [path], capacities: [{ unit: 'objects', objects: 100 }], trainFraction: 0, policyThread });
      await expect(run).rejects.toThrow(/report\(\) returned a value that cannot be copied between threads/);
      await expect(run).rejects.toBeInstanceOf(SimulatorError);
    });
  }
});

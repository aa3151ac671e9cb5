import { describe, expect, it } from 'vitest';
import { stride } from '../../policies/stride.js';
import { IsolatedPolicy } from '../../src/policies/isolate.js';
import { resolveParams, policyLabel } from '../../src/policies/params.js';
import { Outcome } from '../../src/policies/policy.js';
import { simulate } from '../../src/simulate.js';
import { readTrace } from '../../src/trace/read.js';
import { realTrace, traceOf } from '../helpers.js';

/**
 * Replays keys straight into a stride policy behind the engine boundary;
 * returns the pushes after each request as key text and confidence.
 */
async function pushesAfterEach(keys: (string | number)[], params: string[][] = []) {
  const trace = traceOf(keys);
  const values = resolveParams('stride', stride.params, new Map(params.map(([k, v]) => [k, v])));
  const inner = stride.create({ params: values, label: policyLabel('stride', stride.params, values), settings: { seed: 1 } });
  const policy = new IsolatedPolicy(inner, trace, 0);
  await policy.runPrepare({ seed: 1, log: () => {} });
  const pushes = keys.map((_, index) => {
    const pushed: [string, number | undefined][] = [];
    const request = { index, keyId: trace.keyIds[index], time: index, sizeBytes: 1, outcome: Outcome.Miss, isScored: true };
    policy.onRequest(request, { push: (keyId, confidence) => pushed.push([trace.keys[keyId], confidence]) });
    return pushed;
  });
  return { pushes, notes: policy.report().notes };
}

describe('stride', () => {
  it('prefetches after two equal deltas', async () => {
    const { pushes } = await pushesAfterEach([100, 108, 116, 124, 132, 140]);
    expect(pushes[0]).toEqual([]);
    // One delta is not yet a stride.
    expect(pushes[1]).toEqual([]);
    expect(pushes[2]).toEqual([['124', 1], ['132', 1]]);
    expect(pushes[3]).toEqual([['132', 1], ['140', 1]]);
  });

  it('skips and counts absent targets', async () => {
    const { pushes, notes } = await pushesAfterEach([100, 108, 116, 124, 132, 140]);
    // After 140 the targets 148 and 156 do not exist; after 132, 148 does not.
    expect(pushes[4]).toEqual([['140', 1]]);
    expect(pushes[5]).toEqual([]);
    expect(notes?.['prefetch targets skipped because the trace never requests them']).toBe(3);
    expect(notes?.['scored requests that continued a stride']).toBe(4);
  });

  it('prefetches along a negative delta', async () => {
    const { pushes } = await pushesAfterEach([50, 40, 30, 20, 10], [['degree', '1']]);
    expect(pushes[2]).toEqual([['20', 1]]);
  });

  it('accepts a partial stride at lower confidence', async () => {
    // Deltas 8, 8, 5, 8: three of the four equal the newest.
    const keys = [0, 8, 16, 21, 29, 37];
    const strict = await pushesAfterEach(keys, [['history', '4'], ['degree', '1']]);
    expect(strict.pushes[4]).toEqual([]);
    const lenient = await pushesAfterEach(keys, [['history', '4'], ['degree', '1'], ['confidence', '0.75']]);
    expect(lenient.pushes[4]).toEqual([['37', 0.75]]);
  });

  it('restarts after a non-numeric key', async () => {
    const { pushes } = await pushesAfterEach([1, 2, 3, 'x', 4, 5, 6, 7]);
    expect(pushes[2]).toEqual([['4', 1], ['5', 1]]);
    expect(pushes[4]).toEqual([]);
    // 3 → 4 is not a delta: the run restarts at 4.
    expect(pushes[5]).toEqual([]);
    expect(pushes[6]).toEqual([['7', 1]]);
  });

  it('ignores a repeated block', async () => {
    const { pushes } = await pushesAfterEach([5, 5, 5, 6]);
    expect(pushes[2]).toEqual([]);
  });

  const real = realTrace('cloudPhysicsIO.csv');
  // Regenerate: simulate --trace cloudPhysicsIO.csv --policy lru,stride --cache-size 1000
  it.skipIf(real.isMissing)(`beats lru on the CloudPhysics block trace${real.why}`, async () => {
    const result = await simulate({
      trace: await readTrace(real.path),
      policies: ['lru', 'stride'],
      capacities: [{ unit: 'objects', objects: 1000 }],
      trainFraction: 0.2,
    });
    const [lru, strided] = result.runs.map((run) => run.counters);
    expect(lru.hits / lru.requests).toBeCloseTo(0.1587, 4);
    expect(strided.hits / strided.requests).toBeCloseTo(0.3457, 4);
    expect(strided.usefulPrefetches / strided.issuedPrefetches).toBeCloseTo(0.9879, 4);
  });
});

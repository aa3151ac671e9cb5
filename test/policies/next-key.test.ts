import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { generateKeys } from '../../src/trace/generate.js';
import { traceOf } from '../helpers.js';
import { nextKey } from '../../policies/next-key.js';
import { Outcome, trainingView } from '../../src/policies/policy.js';

describe('next-key', () => {
  it('predicts a periodic trace with at least 99% accuracy', async () => {
    const trace = traceOf(Array.from(generateKeys('periodic', 2000, 1)));
    // Two objects for four keys: plain LRU never hits, so every right
    // prediction is an issued, useful prefetch.
    const result = await simulate({
      trace,
      policies: ['lru', 'next-key'],
      capacities: [{ unit: 'objects', objects: 2 }],
      trainFraction: 0.2,
    });
    const [lruRun, nextKeyRun] = result.runs;
    expect(lruRun.counters.hits).toBe(0);
    const { counters } = nextKeyRun;
    expect(counters.correctPredictions / counters.predictions).toBeGreaterThanOrEqual(0.99);
    expect(counters.usefulPrefetches / counters.issuedPrefetches).toBeGreaterThanOrEqual(0.99);
    expect(counters.hits / counters.requests).toBeGreaterThanOrEqual(0.99);
  });

  it('waits until a successor has followed the key twice', () => {
    // b follows a once before index 2 and twice before index 4.
    const pushed = pushesAfterEach(['a', 'b', 'a', 'b', 'a']);
    expect(pushed[2]).toEqual([]);
    expect(pushed[4]).toEqual([['b', 1]]);
  });

  it('stays silent when the best successor is below the confidence share', () => {
    // Before the last a, b and c have each followed a three times: 50%.
    const pushed = pushesAfterEach(['a', 'b', 'a', 'c', 'a', 'b', 'a', 'c', 'a', 'b', 'a', 'c', 'a']);
    expect(pushed[12]).toEqual([]);
    // Before index 10, b followed a 3 times of 5: 60%, enough.
    expect(pushed[10]).toEqual([['b', 0.6]]);
  });
});

/** Replays keys straight into a next-key policy; returns pushes per request. */
function pushesAfterEach(keys: string[]): [string, number][][] {
  const trace = traceOf(keys);
  const policy = nextKey.create({
    params: { 'min-count': 2, confidence: 0.6 },
    label: 'next-key',
    settings: { seed: 1 },
  });
  void policy.prepare?.({ training: trainingView(trace, 0), seed: 1, log: () => {} });
  return keys.map((_, index) => {
    const pushed: [string, number][] = [];
    const event = {
      index,
      keyId: trace.keyIds[index],
      time: index,
      sizeBytes: 1,
      outcome: Outcome.Miss,
      isScored: true,
    };
    policy.onRequest(event, {
      push: (keyId, confidence) => pushed.push([trace.keys[keyId], confidence ?? NaN]),
    });
    return pushed;
  });
}

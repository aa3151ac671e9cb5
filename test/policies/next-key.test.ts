import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { generateKeys } from '../../src/trace/generate.js';
import { traceOf } from '../helpers.js';
import { nextKey } from '../../policies/next-key.js';
import { Outcome, trainingView } from '../../src/policies/policy.js';
import { SuccessorTable } from '../../src/policies/successor-table.js';

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

/**
 * Pushes of the policy before bounded successor tables: exact counts of
 * every pair, the best successor being the first to reach the top count.
 */
function exactPushes(keys: string[], minCount: number, confidence: number): [string, number][][] {
  const counts = new Map<string, Map<string, number>>();
  const best = new Map<string, { successor: string; count: number }>();
  const totals = new Map<string, number>();
  return keys.map((key, index) => {
    if (index > 0) {
      const previous = keys[index - 1];
      let row = counts.get(previous);
      if (row === undefined) counts.set(previous, (row = new Map()));
      const count = (row.get(key) ?? 0) + 1;
      row.set(key, count);
      totals.set(previous, (totals.get(previous) ?? 0) + 1);
      if (count > (best.get(previous)?.count ?? 0)) best.set(previous, { successor: key, count });
    }
    const top = best.get(key);
    if (top === undefined || top.count < minCount) return [];
    const share = top.count / totals.get(key)!;
    return share >= confidence ? [[top.successor, share]] : [];
  });
}

describe('next-key successor slots', () => {
  const settings = fc.record({
    minCount: fc.integer({ min: 1, max: 3 }),
    confidence: fc.constantFrom(0, 0.3, 0.6, 1),
  });

  it('predicts as the exact table while no key overflows its slots', () => {
    // Six keys, so no key has more than six distinct successors, itself included.
    const keys = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 300 });
    fc.assert(
      fc.property(keys, settings, (trace, { minCount, confidence }) => {
        const params = { 'min-count': minCount, confidence, 'successor-slots': 6 };
        expect(pushesAfterEach(trace, params)).toEqual(exactPushes(trace, minCount, confidence));
      }),
      { numRuns: 150, seed: 13 },
    );
  });

  it('never pushes with a share above the exact one', () => {
    const keys = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { maxLength: 300 });
    fc.assert(
      fc.property(keys, settings, fc.integer({ min: 1, max: 3 }), (trace, { minCount, confidence }, slots) => {
        const params = { 'min-count': minCount, confidence, 'successor-slots': slots };
        const exactShares = exactSharesAfterEach(trace);
        pushesAfterEach(trace, params).forEach((pushed, index) => {
          for (const [successor, share] of pushed) {
            expect(share).toBeLessThanOrEqual(exactShares[index].get(successor) ?? 0);
          }
        });
      }),
      { numRuns: 150, seed: 17 },
    );
  });
});

describe('next-key batched counting', () => {
  it('matches counting each pair at once', () => {
    // Ten keys over one to three slots, so keys overflow their slots, and
    // traces longer than a batch of 64 pairs.
    const keys = fc.array(fc.constantFrom(...'abcdefghij'), { minLength: 50, maxLength: 400 });
    const settings = fc.record({
      minCount: fc.integer({ min: 1, max: 3 }),
      confidence: fc.constantFrom(0, 0.3, 0.6, 1),
      slots: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(keys, settings, (trace, { minCount, confidence, slots }) => {
        const params = { 'min-count': minCount, confidence, 'successor-slots': slots };
        expect(pushesAfterEach(trace, params)).toEqual(unbatchedPushes(trace, minCount, confidence, slots));
      }),
      { numRuns: 150, seed: 19 },
    );
  });
});

/** Pushes of next-key counting every pair in the table as it happens. */
function unbatchedPushes(keys: string[], minCount: number, confidence: number, slots: number): [string, number][][] {
  const trace = traceOf(keys);
  const table = new SuccessorTable(trace.keys.length, slots);
  return keys.map((_, index) => {
    const keyId = trace.keyIds[index];
    if (index > 0) table.add(trace.keyIds[index - 1], keyId);
    const best = table.bestCount(keyId);
    if (best < minCount) return [];
    const share = best / table.total(keyId);
    return share >= confidence ? [[trace.keys[table.bestSuccessor(keyId)], share]] : [];
  });
}

/** Exact share of each successor of the key of each request, so far. */
function exactSharesAfterEach(keys: string[]): Map<string, number>[] {
  const counts = new Map<string, Map<string, number>>();
  return keys.map((key, index) => {
    if (index > 0) {
      let row = counts.get(keys[index - 1]);
      if (row === undefined) counts.set(keys[index - 1], (row = new Map()));
      row.set(key, (row.get(key) ?? 0) + 1);
    }
    const row = counts.get(key) ?? new Map<string, number>();
    const total = [...row.values()].reduce((sum, count) => sum + count, 0);
    return new Map([...row].map(([successor, count]) => [successor, count / total]));
  });
}

const DEFAULT_PARAMS = { 'min-count': 2, confidence: 0.6, 'successor-slots': 4 };

/** Replays keys straight into a next-key policy; returns pushes per request. */
function pushesAfterEach(keys: string[], params: Record<string, number> = DEFAULT_PARAMS): [string, number][][] {
  const trace = traceOf(keys);
  const policy = nextKey.create({
    params,
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

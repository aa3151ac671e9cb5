import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicy, counterProblems } from '../../src/policies/conformance.js';
import { loadPolicyModule } from '../../src/policies/loader.js';
import { POLICIES } from '../../src/policies/registry.js';
import { emptyCounters } from '../../src/sim/metrics.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

/**
 * Parameters that keep a slow policy's checks within seconds, by id; the
 * checks still run on every registry entry.
 */
const FAST_PARAMS: Record<string, string[]> = {
  lstm: ['lstm.epochs=1', 'lstm.vocab=50', 'lstm.units=8', 'lstm.embedding=4'],
};

describe.each(POLICIES.map((entry) => [entry.id, entry] as const))('conformance of %s', (id, entry) => {
  it('passes every check', async () => {
    const results = await checkPolicy(entry, { params: FAST_PARAMS[id] });
    expect(results.map((r) => r.name)).toEqual([
      'runs on an empty trace',
      'runs on a one-request trace',
      'reads no later request',
      'deterministic for a seed',
      'counters add up',
      'capacity never exceeded',
    ]);
    for (const result of results) {
      expect(result.detail, result.name).not.toMatch(/threw/);
      expect(result.isPassed, `${result.name}: ${result.detail}`).toBe(true);
    }
  });
});

describe('conformance fixtures', () => {
  it('fails a next-window batch policy', async () => {
    const entry = await loadPolicyModule(join(fixtures, 'peeking-policy.ts'));
    const results = await checkPolicy(entry);
    const future = results.find((r) => r.name === 'reads no later request');
    expect(future?.isPassed).toBe(false);
    // Request 799 is the last one the two traces share.
    expect(future?.detail).toMatch(/^after request 799 \(key "\d+"\) it pushed \[\d+@1\] on check trace A but \[\d+@1\] on check trace B/);
    expect(results.filter((r) => !r.isPassed)).toHaveLength(1);
  });

  it('fails an unseeded random policy', async () => {
    const entry = await loadPolicyModule(join(fixtures, 'random-policy.js'));
    const results = await checkPolicy(entry);
    const determinism = results.find((r) => r.name === 'deterministic for a seed');
    expect(determinism?.isPassed).toBe(false);
    expect(determinism?.detail).toMatch(/^two replays of check trace A with one seed differ after request 0/);
  });

  it('fails a policy with module state', async () => {
    const entry = await loadPolicyModule(join(fixtures, 'remembering-policy.mjs'));
    const results = await checkPolicy(entry);
    const future = results.find((r) => r.name === 'reads no later request');
    expect(future?.isPassed).toBe(false);
    expect(future?.detail).toMatch(/^after request \d+ \(key "\d+"\) it pushed /);
  });

  it('reports a crash on the empty trace', async () => {
    const entry = await loadPolicyModule(join(fixtures, 'first-key-policy.mjs'));
    const [empty, single] = await checkPolicy(entry);
    expect(empty.isPassed).toBe(false);
    expect(empty.detail).toMatch(/^the replay threw: .*valueOf/);
    expect(single.isPassed).toBe(false);
  });
});

describe('counterProblems', () => {
  it('accepts counters that add up', () => {
    const counters = { ...emptyCounters(), requests: 5, hits: 2, misses: 2, delayedHits: 1 };
    expect(counterProblems(counters)).toEqual([]);
  });

  it('names a request that was not counted', () => {
    const counters = { ...emptyCounters(), requests: 5, hits: 2, misses: 2 };
    expect(counterProblems(counters)).toEqual([
      'hits 2 + misses 2 + delayed hits 0 = 4, not the 5 requests',
    ]);
  });

  it('names an issued prefetch with no end', () => {
    const counters = { ...emptyCounters(), issuedPrefetches: 3, usefulPrefetches: 1, wastedPrefetches: 1 };
    expect(counterProblems(counters)).toEqual([
      'useful 1 + wasted 1 + unused 0 + in flight 0 = 2, not the 3 issued prefetches',
    ]);
  });

  it('names more late prefetches than useful ones', () => {
    const counters = { ...emptyCounters(), latePrefetches: 2, usefulPrefetches: 1, issuedPrefetches: 1, requests: 0 };
    expect(counterProblems(counters)).toEqual(['late prefetches 2 exceed useful ones 1']);
  });
});

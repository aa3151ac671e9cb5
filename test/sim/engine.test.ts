import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/policies/policy.js';
import { ReplayEngine, type ReplayOptions } from '../../src/sim/engine.js';
import type { Trace } from '../../src/trace/trace.js';
import { lru } from '../../policies/lru.js';
import { FunctionPrefetcher, outcomeString, traceOf } from '../helpers.js';

const settings = { seed: 1 };

function replay(trace: Trace, policy: Policy, options: Partial<ReplayOptions> = {}) {
  return new ReplayEngine(trace, policy, {
    capacity: { unit: 'objects', objects: 3 },
    scoredStart: 0,
    ...options,
  }).run();
}

describe('ReplayEngine with lru', () => {
  it('matches a hand-worked LRU replay', () => {
    // Capacity 3: a b c a d b e a → a b c miss, a hit, d evicts b, b evicts c,
    // e evicts a, a evicts d.
    const trace = traceOf(['a', 'b', 'c', 'a', 'd', 'b', 'e', 'a']);
    const result = replay(trace, lru.create({ params: {}, label: 'lru', settings }));
    expect(outcomeString(result.outcomes)).toBe('MMMHMMMM');
    expect(result.counters.hits).toBe(1);
    expect(result.counters.misses).toBe(7);
    expect(result.counters.evictions).toBe(4);
  });

  it('warms the cache but does not score requests before scoredStart', () => {
    const trace = traceOf(['a', 'b', 'a', 'b']);
    const result = replay(trace, lru.create({ params: {}, label: 'lru', settings }), {
      scoredStart: 2,
    });
    expect(result.counters.requests).toBe(2);
    expect(outcomeString(result.outcomes)).toBe('HH');
  });
});

describe('ReplayEngine prefetch accounting', () => {
  // After each request for k the policy prefetches k + 1; keys 4 and 6 exist
  // in the trace only so that their ids exist, and come after the scored part.
  const keys = [1, 2, 3, 2, 5, 4, 6];

  it('records prefetches issued after each scored request', () => {
    const trace = traceOf(keys);
    const scored = { ...trace, length: 5 };
    const result = replay(scored, new FunctionPrefetcher(trace, (k) => k + 1), {
      scoredStart: 1,
    });
    // 1 is warm-up, so its prefetch of 2 is not issued. Then 2 issues 3,
    // 3 issues 4, the second 2 finds 3 resident, and 5 issues 6.
    expect(Array.from(result.issuedPrefetchesPerRequest)).toEqual([1, 1, 0, 1]);
    expect(result.counters.issuedPrefetches).toBe(3);
  });
});

describe('ReplayEngine timing', () => {
  it('makes a second request for a key in flight a delayed hit with one fetch', () => {
    const trace = traceOf(['a', 'a', 'a']);
    const result = replay(trace, lru.create({ params: {}, label: 'lru', settings }), {
      fetchLatency: { kind: 'fixed', value: 1.5 },
    });
    // a misses at t=0 and completes at 1.5: t=1 waits 0.5, t=2 hits.
    expect(outcomeString(result.outcomes)).toBe('MDH');
    expect(result.counters.fetches).toBe(1);
    expect(result.counters.totalLatency).toBeCloseTo(1.5 + 0.5);
  });

  it('counts a prefetch still in flight at the request as late and useful', () => {
    const trace = traceOf([1, 2, 3]);
    const result = replay(trace, new FunctionPrefetcher(trace, (k) => k + 1), {
      fetchLatency: { kind: 'fixed', value: 1.5 },
    });
    // Prefetch of 2 starts at t=0 and lands at 1.5: the request at t=1 waits.
    expect(outcomeString(result.outcomes)).toBe('MDD');
    expect(result.counters.latePrefetches).toBe(2);
    expect(result.counters.usefulPrefetches).toBe(2);
  });
});

describe('ReplayEngine overhead samples', () => {
  it('caps default samples at 125,000', () => {
    const long = traceOf(Array.from({ length: 2_000_000 }, (_, i) => i % 10));
    const idle: Policy = { label: 'idle', onRequest: () => {} };
    const result = replay(long, idle, { fetchLatency: { kind: 'fixed', value: 1 } });
    // One call in 16 of 2,000,000.
    expect(result.onRequestMs.length).toBe(125_000);
  });

  const trace = traceOf(['a', 'b', 'c', 'a', 'b', 'c', 'd', 'a', 'b', 'c', 'd', 'e']);

  for (const lruStore of ['dense', 'lru-cache'] as const) {
    it(`times one in every n scored calls (${lruStore})`, () => {
      const result = replay(trace, new FunctionPrefetcher(trace, () => -1), {
        scoredStart: 2,
        timingSampleEvery: 3,
        fetchLatency: { kind: 'fixed', value: 1 },
        lruStore,
      });
      // Scored requests 0, 3, 6 and 9 of the 10 are timed.
      expect(result.onRequestMs.length).toBe(4);
    });
  }
});

import { describe, expect, it } from 'vitest';
import { ReplayEngine } from '../../src/sim/engine.js';
import { FunctionPrefetcher, outcomeString, traceOf } from '../helpers.js';
import { lru } from '../../policies/lru.js';

describe('backend concurrency', () => {
  it('queues fetches beyond the limit in order', () => {
    // One slot, fetch time 2: a at t=0 lands at 2; b at t=1 queues, starts at
    // 2 and lands at 4, so it waits 3; c at t=2 queues behind b, lands at 6.
    const trace = traceOf(['a', 'b', 'c']);
    const result = new ReplayEngine(trace, lru.create({ params: {}, label: 'lru', settings: { seed: 1 } }), {
      capacity: { unit: 'objects', objects: 10 },
      scoredStart: 0,
      fetchLatency: { kind: 'fixed', value: 2 },
      backendConcurrency: 1,
    }).run();
    expect(Array.from(result.waitLatencies)).toEqual([2, 3, 4]);
    expect(result.counters.totalLatency).toBe(9);
  });

  it('makes a request for a queued key wait for that same fetch', () => {
    const trace = traceOf([1, 2, 2]);
    const result = new ReplayEngine(trace, new FunctionPrefetcher(trace, () => -1), {
      capacity: { unit: 'objects', objects: 10 },
      scoredStart: 0,
      fetchLatency: { kind: 'fixed', value: 5 },
      backendConcurrency: 1,
    }).run();
    // 1 lands at 5; 2 (t=1) queues and lands at 10; 2 again (t=2) waits 8.
    expect(outcomeString(result.outcomes)).toBe('MMD');
    expect(Array.from(result.waitLatencies)).toEqual([5, 9, 8]);
    expect(result.counters.fetches).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import type { Capacity } from '../../src/sim/cache.js';
import { ReplayEngine } from '../../src/sim/engine.js';
import { simulate } from '../../src/simulate.js';
import { FunctionPrefetcher, outcomeString, traceOf } from '../helpers.js';
import { lru } from '../../policies/lru.js';

const ALL_POLICIES = ['lru', 'next-key', 'oracle', 'belady'];

/** Parses `key,size key,size …` into a trace. */
function sized(text: string) {
  const rows = text.split(' ').map((pair) => pair.split(','));
  return traceOf(rows.map(([key]) => key), rows.map(([, size]) => Number(size)));
}

async function runAll(text: string, capacity: Capacity) {
  return simulate({ trace: sized(text), policies: ALL_POLICIES, capacities: [capacity], trainFraction: 0 });
}

describe('byte capacity edge cases', () => {
  it('fits one 10-byte object in 11 bytes: lru MHMMMHHM, no eviction rule above 4 hits', async () => {
    const result = await runAll('1,10 1,10 2,10 1,10 2,10 2,10 2,10 1,10', { unit: 'bytes', bytes: 11 });
    const byId = (id: string) => result.runs.find((run) => run.policyId === id)!;
    expect(outcomeString(byId('lru').outcomes)).toBe('MHMMMHHM');
    expect(byId('belady').counters.hits).toBeLessThanOrEqual(4);
    for (const run of result.runs) {
      // A prefetcher can hit more often only through objects it fetched
      // itself, each one a backend fetch that the accounting shows.
      expect(run.counters.hits).toBeLessThanOrEqual(4 + run.counters.usefulPrefetches);
      expect(run.counters.maxOccupancy).toBeLessThanOrEqual(11);
    }
  });

  it('hits a resident key with a new size and keeps the new size', async () => {
    const result = await runAll('100,15 100,14 100,16 101,14 102,17 101,14', { unit: 'bytes', bytes: 1e9 });
    const lruRun = result.runs.find((run) => run.policyId === 'lru')!;
    expect(outcomeString(lruRun.outcomes)).toBe('MHHMMH');
    expect(lruRun.counters.hitBytes).toBe(44);
    expect(lruRun.counters.requestedBytes).toBe(90);
    expect(lruRun.counters.finalOccupancy).toBe(16 + 14 + 17);
  });

  it('admits nothing larger than the cache, for every policy', async () => {
    const result = await runAll('a,10 b,10000000', { unit: 'bytes', bytes: 9 });
    for (const run of result.runs) {
      expect(outcomeString(run.outcomes)).toBe('MM');
      expect(run.counters.maxOccupancy).toBe(0);
      expect(run.counters.finalOccupancy).toBe(0);
    }
    const lruRun = result.runs.find((run) => run.policyId === 'lru')!;
    expect(lruRun.counters.notAdmitted).toBe(2);
  });

  it('tracks occupancy as the sum of resident sizes: 100, 10, 105, 105', async () => {
    const occupancies: number[] = [];
    const text = 'a,100 a,10 b,95 a,10';
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

  it('gives object miss ratio 0.6667 and byte miss ratio 0.99933 at 1,001 bytes', async () => {
    const result = await simulate({ trace: sized('a,1 b,1000 a,1 a,1 c,1000 b,1000'), policies: ['lru'], capacities: [{ unit: 'bytes', bytes: 1001 }], trainFraction: 0 });
    const { counters, outcomes } = result.runs[0];
    expect(outcomeString(outcomes)).toBe('MMHHMM');
    expect(counters.misses / counters.requests).toBeCloseTo(0.6667, 4);
    expect(1 - counters.hitBytes / counters.requestedBytes).toBeCloseTo(0.99933, 5);
  });
});

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

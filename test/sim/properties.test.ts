import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Policy, PrefetchSink, RequestEvent } from '../../src/policies/policy.js';
import { POLICIES } from '../../src/policies/registry.js';
import type { Capacity } from '../../src/sim/cache.js';
import { simulate } from '../../src/simulate.js';
import type { Trace } from '../../src/trace/trace.js';
import { ReplayEngine } from '../../src/sim/engine.js';
import { traceOfRows } from '../helpers.js';

/**
 * A random small trace, possibly empty: keys 0..7, sizes 1..20, and times
 * that mostly rise but may step back (a negative gap), as in real traces.
 */
const arbitraryTrace = fc
  .array(fc.record({ key: fc.integer({ min: 0, max: 7 }), size: fc.integer({ min: 1, max: 20 }), gap: fc.integer({ min: -2, max: 3 }) }), { maxLength: 60 })
  .map(traceOfRows);

const arbitraryCapacity: fc.Arbitrary<Capacity> = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((objects) => ({ unit: 'objects' as const, objects })),
  fc.integer({ min: 5, max: 60 }).map((bytes) => ({ unit: 'bytes' as const, bytes })),
);

const arbitrarySetting = fc.record({
  capacity: arbitraryCapacity,
  latency: fc.constantFrom(0, 0.5, 2, 5),
  concurrency: fc.constantFrom(undefined, 1, 2),
  trainFraction: fc.constantFrom(0, 0.25),
});

/**
 * Every built-in policy but lstm, whose training takes about a second per
 * run; the lstm runs the conformance suite and its own tests instead.
 */
const POLICY_IDS = POLICIES.map((entry) => entry.id).filter((id) => id !== 'lstm');

describe('accounting identities', () => {
  it('hold for every built-in policy on random traces', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryTrace, arbitrarySetting, async (trace, setting) => {
        const result = await simulate({
          trace,
          policies: POLICY_IDS,
          capacities: [setting.capacity],
          trainFraction: setting.trainFraction,
          fetchLatency: { kind: 'fixed', value: setting.latency },
          backendConcurrency: setting.concurrency,
        });
        for (const run of result.runs) {
          const c = run.counters;
          const limit = setting.capacity.unit === 'objects' ? setting.capacity.objects : setting.capacity.bytes;
          expect(c.hits + c.misses + c.delayedHits).toBe(c.requests);
          expect(c.issuedPrefetches).toBe(c.usefulPrefetches + c.wastedPrefetches + c.unusedAtEnd + c.inFlightAtEnd);
          expect(c.latePrefetches).toBeLessThanOrEqual(c.usefulPrefetches);
          expect(c.maxOccupancy).toBeLessThanOrEqual(limit);
          expect(c.finalOccupancy).toBeGreaterThanOrEqual(0);
          expect(c.totalLatency).toBeGreaterThanOrEqual(0);
          expect(run.waitLatencies.every((wait) => wait >= 0)).toBe(true);
          expect(c.hitBytes).toBeLessThanOrEqual(c.requestedBytes);
        }
      }),
      { numRuns: 150, seed: 20261204 },
    );
  });

  it('hold for a prefetcher that pushes random keys', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryTrace, arbitrarySetting, fc.integer(), async (trace, setting, seed) => {
        const policy = new RandomPrefetcher(trace.keys.length, seed);
        const result = new ReplayEngine(trace, policy, {
          capacity: setting.capacity,
          scoredStart: Math.floor(trace.length * setting.trainFraction),
          fetchLatency: { kind: 'fixed', value: setting.latency },
          backendConcurrency: setting.concurrency,
        }).run();
        const c = result.counters;
        expect(c.hits + c.misses + c.delayedHits).toBe(c.requests);
        expect(c.issuedPrefetches).toBe(c.usefulPrefetches + c.wastedPrefetches + c.unusedAtEnd + c.inFlightAtEnd);
        expect(c.issuedPrefetches + c.redundantPrefetches).toBe(policy.pushedWhileScored(result.outcomes.length, trace.length));
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});

describe('lru at zero latency', () => {
  it('agrees with a plain reference LRU', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryTrace, arbitraryCapacity, async (trace, capacity) => {
        const result = await simulate({ trace, policies: ['lru'], capacities: [capacity], trainFraction: 0 });
        expect(Array.from(result.runs[0].outcomes)).toEqual(referenceLru(trace, capacity));
      }),
      { numRuns: 200, seed: 99 },
    );
  });
});

/**
 * Outcome codes (0 hit, 1 miss) of a plain LRU over an array kept in
 * recency order: the newest size wins on a hit, and an object larger than
 * the whole cache is never kept.
 */
function referenceLru(trace: Trace, capacity: Capacity): number[] {
  const limit = capacity.unit === 'objects' ? capacity.objects : capacity.bytes;
  const weight = (size: number) => (capacity.unit === 'objects' ? 1 : size);
  let resident: { key: number; size: number }[] = [];
  const outcomes: number[] = [];
  for (let i = 0; i < trace.length; i++) {
    const key = trace.keyIds[i];
    const size = trace.sizes[i];
    const found = resident.findIndex((entry) => entry.key === key);
    outcomes.push(found === -1 ? 1 : 0);
    if (found !== -1) resident.splice(found, 1);
    if (weight(size) > limit) continue;
    resident.push({ key, size });
    const used = () => resident.reduce((sum, entry) => sum + weight(entry.size), 0);
    // Evict from the least recent end, never the entry just inserted.
    while (used() > limit) resident = resident.slice(1);
  }
  return outcomes;
}

/** Pushes 0 to 2 random key ids after every request, from a seeded LCG. */
class RandomPrefetcher implements Policy {
  readonly label = 'random-prefetcher';
  readonly #keySpace: number;
  #state: number;
  #pushedPerRequest: number[] = [];

  constructor(keySpace: number, seed: number) {
    this.#keySpace = keySpace;
    this.#state = seed >>> 0;
  }

  onRequest(_request: RequestEvent, prefetch: PrefetchSink): void {
    const count = this.#nextInt(3);
    for (let i = 0; i < count; i++) prefetch.push(this.#nextInt(this.#keySpace));
    this.#pushedPerRequest.push(count);
  }

  /** Pushes made after scored requests, which the engine acts on. */
  pushedWhileScored(scored: number, length: number): number {
    return this.#pushedPerRequest.slice(length - scored).reduce((sum, n) => sum + n, 0);
  }

  #nextInt(bound: number): number {
    this.#state = (Math.imul(this.#state, 1664525) + 1013904223) >>> 0;
    return this.#state % bound;
  }
}

describe('zero-latency fast path', () => {
  it('gives the same results as the event-queue path', async () => {
    // A backend limit larger than any trace here keeps every fetch on the
    // event queue, as the engine runs with latency; without a limit, zero
    // latency lands fetches at once.
    await fc.assert(
      fc.asyncProperty(arbitraryTrace, arbitraryCapacity, async (trace, capacity) => {
        const run = (backendConcurrency: number | undefined) =>
          simulate({
            trace,
            policies: POLICY_IDS,
            capacities: [capacity],
            trainFraction: 0.25,
            backendConcurrency,
          });
        const fast = await run(undefined);
        const queued = await run(1_000_000);
        for (const [i, run] of fast.runs.entries()) {
          expect(Array.from(run.outcomes)).toEqual(Array.from(queued.runs[i].outcomes));
          expect(run.counters).toEqual(queued.runs[i].counters);
        }
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Policy, PrefetchSink, RequestEvent } from '../../src/policies/policy.js';
import { POLICIES } from '../../src/policies/registry.js';
import { LruStore, type Capacity, type Store } from '../../src/sim/cache.js';
import { DenseLruStore } from '../../src/sim/dense-lru-store.js';
import { ReplayEngine, type LruStoreKind } from '../../src/sim/engine.js';
import type { LatencySpec } from '../../src/sim/latency.js';
import { simulate } from '../../src/simulate.js';
import { traceOfRows } from '../helpers.js';

const KEY_SPACE = 8;

/** Both stores over one capacity, each logging its evictions. */
function storePair(capacity: Capacity) {
  const denseEvictions: [number, number][] = [];
  const referenceEvictions: [number, number][] = [];
  return {
    dense: new DenseLruStore(capacity, KEY_SPACE, (k, s) => denseEvictions.push([k, s])),
    reference: new LruStore(capacity, (k, s) => referenceEvictions.push([k, s])),
    denseEvictions,
    referenceEvictions,
  };
}

function stateOf(store: Store) {
  return {
    keys: Array.from(store.residentKeys()),
    count: store.residentCount,
    occupancy: store.occupancy,
  };
}

describe('DenseLruStore', () => {
  it('evicts least recently used keys first', () => {
    const evicted: number[] = [];
    const store = new DenseLruStore({ unit: 'objects', objects: 2 }, 4, (k) => evicted.push(k));
    store.set(0, 1);
    store.set(1, 1);
    expect(store.get(0)).toBe(true);
    store.set(2, 1);
    expect(evicted).toEqual([1]);
    expect(Array.from(store.residentKeys())).toEqual([2, 0]);
  });

  it('evicts others until a grown object fits', () => {
    const evicted: [number, number][] = [];
    const store = new DenseLruStore({ unit: 'bytes', bytes: 10 }, 4, (k, s) => evicted.push([k, s]));
    store.set(0, 3);
    store.set(1, 3);
    store.set(2, 3);
    expect(store.set(2, 7)).toBe(true);
    expect(evicted).toEqual([[0, 3]]);
    expect(store.occupancy).toBe(10);
    expect(store.sizeOf(2)).toBe(7);
  });

  it('drops a resident object that outgrows the cache', () => {
    const evicted: number[] = [];
    const store = new DenseLruStore({ unit: 'bytes', bytes: 10 }, 4, (k) => evicted.push(k));
    store.set(0, 4);
    store.set(1, 4);
    expect(store.set(1, 11)).toBe(false);
    expect(store.has(1)).toBe(false);
    expect(evicted).toEqual([]);
    expect(store.occupancy).toBe(4);
    expect(store.evictions).toBe(0);
  });

  it('charges a zero-byte object 1 byte', () => {
    const store = new DenseLruStore({ unit: 'bytes', bytes: 2 }, 4);
    store.set(0, 0);
    store.set(1, 0);
    store.set(2, 0);
    expect(store.residentCount).toBe(2);
    expect(store.occupancy).toBe(2);
    expect(store.evictions).toBe(1);
  });

  it('returns -1 from sizeOf for a missing key', () => {
    const store = new DenseLruStore({ unit: 'objects', objects: 2 }, 4);
    expect(store.sizeOf(3)).toBe(-1);
    store.set(3, 0);
    expect(store.sizeOf(3)).toBe(0);
  });

  it('records its peak occupancy', () => {
    const store = new DenseLruStore({ unit: 'bytes', bytes: 10 }, 4);
    store.set(0, 9);
    store.set(0, 2);
    expect(store.occupancy).toBe(2);
    expect(store.peakOccupancy).toBe(9);
  });
});

const arbitraryCapacity: fc.Arbitrary<Capacity> = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((objects) => ({ unit: 'objects' as const, objects })),
  fc.integer({ min: 1, max: 40 }).map((bytes) => ({ unit: 'bytes' as const, bytes })),
);

/** Sizes 0 to 30: zero sizes, and sizes above the smaller byte capacities. */
const arbitrarySize = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 }));

const arbitraryOperation = fc.oneof(
  fc.record({ kind: fc.constant('get' as const), keyId: fc.nat(KEY_SPACE - 1) }),
  fc.record({ kind: fc.constant('has' as const), keyId: fc.nat(KEY_SPACE - 1) }),
  fc.record({ kind: fc.constant('set' as const), keyId: fc.nat(KEY_SPACE - 1), size: arbitrarySize }),
);

describe('DenseLruStore against LruStore', () => {
  it('agrees after every operation', () => {
    fc.assert(
      fc.property(arbitraryCapacity, fc.array(arbitraryOperation, { maxLength: 80 }), (capacity, operations) => {
        const pair = storePair(capacity);
        for (const operation of operations) {
          if (operation.kind === 'set') {
            expect(pair.dense.set(operation.keyId, operation.size)).toBe(
              pair.reference.set(operation.keyId, operation.size),
            );
          } else {
            expect(pair.dense[operation.kind](operation.keyId)).toBe(pair.reference[operation.kind](operation.keyId));
          }
          expect(stateOf(pair.dense)).toEqual(stateOf(pair.reference));
        }
        expect(pair.denseEvictions).toEqual(pair.referenceEvictions);
        expect(pair.dense.evictions).toBe(pair.referenceEvictions.length);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

/**
 * A trace over keys 0..7 whose sizes change often, with zero sizes and
 * sizes above the smaller byte capacities, and times that may step back.
 */
const arbitraryTrace = fc
  .array(fc.record({ key: fc.nat(KEY_SPACE - 1), size: arbitrarySize, gap: fc.integer({ min: -1, max: 3 }) }), { maxLength: 60 })
  .map(traceOfRows);

const arbitraryTiming = fc.record({
  latency: fc.constantFrom<LatencySpec>(
    { kind: 'fixed', value: 0 },
    { kind: 'fixed', value: 2 },
    { kind: 'lognormal', median: 1, p99: 6 },
  ),
  concurrency: fc.constantFrom(undefined, 1, 3),
  predictionLatency: fc.constantFrom(undefined, 0, 1.5),
  trainFraction: fc.constantFrom(0, 0.3),
});

/** Every built-in policy but lstm, whose training takes about a second. */
const POLICY_IDS = POLICIES.map((entry) => entry.id).filter((id) => id !== 'lstm');

describe('simulate with the dense and the lru-cache store', () => {
  it('gives the same outcomes and counters', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryTrace, arbitraryCapacity, arbitraryTiming, async (trace, capacity, timing) => {
        const run = (lruStore: LruStoreKind) =>
          simulate({
            trace,
            policies: POLICY_IDS,
            capacities: [capacity],
            trainFraction: timing.trainFraction,
            fetchLatency: timing.latency,
            backendConcurrency: timing.concurrency,
            predictionLatency: timing.predictionLatency,
            lruStore,
          });
        const dense = await run('dense');
        const reference = await run('lru-cache');
        for (const [i, denseRun] of dense.runs.entries()) {
          const referenceRun = reference.runs[i];
          expect(Array.from(denseRun.outcomes)).toEqual(Array.from(referenceRun.outcomes));
          expect(denseRun.counters).toEqual(referenceRun.counters);
          expect(Array.from(denseRun.issuedPrefetchesPerRequest)).toEqual(
            Array.from(referenceRun.issuedPrefetchesPerRequest),
          );
          expect(Array.from(denseRun.waitLatencies)).toEqual(Array.from(referenceRun.waitLatencies));
        }
      }),
      { numRuns: 120, seed: 31 },
    );
  });
});

/**
 * Records each eviction the engine reports and, when `seed` is given,
 * pushes 0 to 2 random keys after each request from a seeded LCG.
 */
class EvictionRecorder implements Policy {
  readonly label = 'eviction-recorder';
  readonly evicted: number[] = [];
  readonly onRequest?: (request: RequestEvent, prefetch: PrefetchSink) => void;
  #state: number;

  constructor(keySpace: number, seed?: number) {
    this.#state = (seed ?? 0) >>> 0;
    if (seed !== undefined) {
      this.onRequest = (_request, prefetch) => {
        const count = this.#nextInt(3);
        for (let i = 0; i < count; i++) prefetch.push(this.#nextInt(keySpace));
      };
    }
  }

  onEvict(keyId: number): void {
    this.evicted.push(keyId);
  }

  #nextInt(bound: number): number {
    this.#state = (Math.imul(this.#state, 1664525) + 1013904223) >>> 0;
    return this.#state % bound;
  }
}

describe('ReplayEngine with the dense and the lru-cache store', () => {
  it('reports the same evictions in order', () => {
    fc.assert(
      fc.property(
        arbitraryTrace,
        arbitraryCapacity,
        arbitraryTiming,
        fc.option(fc.integer(), { nil: undefined }),
        (trace, capacity, timing, seed) => {
          const replay = (lruStore: LruStoreKind) => {
            const policy = new EvictionRecorder(trace.keys.length, seed);
            const result = new ReplayEngine(trace, policy, {
              capacity,
              scoredStart: Math.floor(trace.length * timing.trainFraction),
              fetchLatency: timing.latency,
              backendConcurrency: timing.concurrency,
              lruStore,
            }).run();
            return { result, evicted: policy.evicted };
          };
          const dense = replay('dense');
          const reference = replay('lru-cache');
          expect(dense.evicted).toEqual(reference.evicted);
          expect(Array.from(dense.result.outcomes)).toEqual(Array.from(reference.result.outcomes));
          expect(dense.result.counters).toEqual(reference.result.counters);
        },
      ),
      { numRuns: 200, seed: 17 },
    );
  });
});

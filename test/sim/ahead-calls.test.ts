import { describe, expect, it } from 'vitest';
import { PolicyContractError } from '../../src/errors.js';
import { IsolatedPolicy } from '../../src/policies/isolate.js';
import type { Policy, PrefetchSink, RequestEvent } from '../../src/policies/policy.js';
import { ReplayEngine, type LruStoreKind } from '../../src/sim/engine.js';
import type { LatencySpec } from '../../src/sim/latency.js';
import { traceOfRows, type TraceRow } from '../helpers.js';

/**
 * Sets `ignoresOutcomes`, logs every event it receives, and pushes 0 to 2 keys
 * drawn from a seeded generator mixed with the request's fields, so that
 * its pushes depend on the requests alone.
 */
class OutcomeBlindRecorder implements Policy {
  readonly label = 'outcome-blind-recorder';
  readonly ignoresOutcomes = true;
  readonly events: string[] = [];
  readonly #keySpace: number;
  #state = 7;

  constructor(keySpace: number) {
    this.#keySpace = keySpace;
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    const { index, keyId, time, sizeBytes, isScored } = request;
    this.events.push(`${index} ${keyId} ${time} ${sizeBytes} ${isScored}`);
    this.#state = (Math.imul(this.#state ^ keyId, 1664525) + 1013904223) >>> 0;
    const count = this.#state % 3;
    for (let p = 0; p < count; p++) prefetch.push((this.#state >>> (8 * p + 4)) % this.#keySpace);
  }
}

/**
 * 10,000 requests over 300 keys, more than two of the runs that the dense
 * loop calls ahead, with sizes that change and times that sometimes step
 * back.
 */
function longTrace() {
  let state = 11;
  const next = (bound: number) => {
    state = (Math.imul(state, 22695477) + 1) >>> 0;
    return (state >>> 8) % bound;
  };
  const rows: TraceRow[] = Array.from({ length: 10_000 }, () => ({
    key: next(4) === 0 ? next(300) : next(20),
    size: 1 + next(5),
    gap: next(4) - 1,
  }));
  return traceOfRows(rows);
}

describe('a policy that ignores outcomes', () => {
  const trace = longTrace();
  const timings: LatencySpec[] = [
    { kind: 'fixed', value: 0 },
    { kind: 'lognormal', median: 2, p99: 12 },
  ];

  for (const latency of timings) {
    it(`gets the same events and results called ahead as called per request (${latency.kind})`, () => {
      const replay = (lruStore: LruStoreKind) => {
        const policy = new OutcomeBlindRecorder(trace.keys.length);
        const result = new ReplayEngine(trace, policy, {
          capacity: { unit: 'bytes', bytes: 60 },
          scoredStart: 2_500,
          fetchLatency: latency,
          predictionLatency: 0.5,
          lruStore,
        }).run();
        return { result, events: policy.events };
      };
      // The dense store takes the loop that calls ahead; lru-cache the
      // general loop, which calls after each request.
      const ahead = replay('dense');
      const perRequest = replay('lru-cache');
      expect(ahead.events).toEqual(perRequest.events);
      expect(ahead.result.counters).toEqual(perRequest.result.counters);
      expect(Array.from(ahead.result.outcomes)).toEqual(Array.from(perRequest.result.outcomes));
      expect(Array.from(ahead.result.issuedPrefetchesPerRequest)).toEqual(
        Array.from(perRequest.result.issuedPrefetchesPerRequest),
      );
      expect(ahead.result.onRequestMs.length).toBe(perRequest.result.onRequestMs.length);
      expect(ahead.result.counters.issuedPrefetches).toBeGreaterThan(0);
    });
  }

  it('fails when it reads the outcome', () => {
    const trace = traceOfRows([{ key: 1, size: 1, gap: 1 }]);
    const policy = new IsolatedPolicy(
      { label: 'peeks', ignoresOutcomes: true, onRequest: (request) => void request.outcome },
      trace,
      0,
    );
    const run = () => new ReplayEngine(trace, policy, { capacity: { unit: 'objects', objects: 1 }, scoredStart: 0 }).run();
    expect(run).toThrow(PolicyContractError);
    expect(run).toThrow(/sets ignoresOutcomes but read request.outcome/);
  });

  it('may not define onEvict', () => {
    const trace = traceOfRows([{ key: 1, size: 1, gap: 1 }]);
    const policy: Policy = { label: 'evict-aware', ignoresOutcomes: true, onRequest: () => {}, onEvict: () => {} };
    expect(() => new IsolatedPolicy(policy, trace, 0)).toThrow(/sets ignoresOutcomes and defines onEvict/);
  });
});

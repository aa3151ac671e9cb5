import { describe, expect, it } from 'vitest';
import { IsolatedPolicy } from '../../src/policies/isolate.js';
import type { Policy, PrefetchSink, PrepareContext, RequestEvent } from '../../src/policies/policy.js';
import { trainingView } from '../../src/policies/policy.js';
import { ReplayEngine } from '../../src/sim/engine.js';
import { simulate } from '../../src/simulate.js';
import { traceOf } from '../helpers.js';

/**
 * Pushes the id after the largest id seen so far. Engine ids are dense in
 * order of first request, so on raw ids this names the next new key.
 */
class NextNewIdPolicy implements Policy {
  readonly label = 'next-new-id';
  #largest = -1;
  #keySpace = 0;

  async prepare(context: PrepareContext): Promise<void> {
    this.#keySpace = context.training.keySpace;
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    this.#largest = Math.max(this.#largest, request.keyId);
    if (this.#largest + 1 < this.#keySpace) prefetch.push(this.#largest + 1);
  }
}

/** Keys requested once each, in descending text order: k99, k98, …, k00. */
const descending = traceOf(Array.from({ length: 100 }, (_, i) => `k${String(99 - i).padStart(2, '0')}`));

/** Returns the context that the boundary hands a policy for `descending`. */
function prepareContext(trainEnd = 20): PrepareContext {
  let captured: PrepareContext | undefined;
  const spy = new IsolatedPolicy(
    { label: 'spy', prepare: async (context) => void (captured = context), onRequest: () => {} },
    descending,
    trainEnd,
  );
  // The spy's prepare sets `captured` before its first await.
  void spy.runPrepare({ seed: 1, log: () => {} });
  if (captured === undefined) throw new Error('prepare was not called');
  return captured;
}

describe('IsolatedPolicy', () => {
  it('defeats the next-new-id oracle', async () => {
    const raw = new NextNewIdPolicy();
    await raw.prepare({ ...prepareContext(), training: trainingView(descending, 20) });
    const options = { capacity: { unit: 'objects', objects: 10 } as const, scoredStart: 20 };
    // On engine ids the oracle prefetches every new key in time; only the
    // first scored request misses, because warm-up pushes are ignored.
    expect(new ReplayEngine(descending, raw, options).run().counters.hits).toBe(79);

    const result = await simulate({
      trace: descending,
      policies: [{ id: 'next-new-id', summary: '', params: [], create: () => new NextNewIdPolicy() }],
      capacities: [{ unit: 'objects', objects: 10 }],
      trainFraction: 0.2,
    });
    expect(result.runs[0].counters.hits).toBe(0);
  });

  it('numbers later keys by key text', () => {
    const { dictionary, training } = prepareContext();
    expect(training.keys).toEqual(descending.keys.slice(0, 20));
    expect(dictionary.size).toBe(100);
    expect(dictionary.textOf(19)).toBe('k80');
    // k00 to k79 come after the training part, in text order.
    expect(dictionary.textOf(20)).toBe('k00');
    expect(dictionary.textOf(99)).toBe('k79');
    expect(dictionary.idOf('k05')).toBe(25);
    expect(dictionary.idOf('k99')).toBe(0);
    expect(dictionary.idOf('absent')).toBeUndefined();
    expect(() => dictionary.textOf(100)).toThrow(RangeError);
  });

  it('copies the training part', () => {
    const { training } = prepareContext();
    expect(training.length).toBe(20);
    expect(training.keyIds.buffer.byteLength).toBe(20 * Uint32Array.BYTES_PER_ELEMENT);
    training.keyIds[0] = 7;
    expect(descending.keyIds[0]).toBe(0);
    expect(training.keySpace).toBe(100);
  });

  it('translates ids in requests, evictions and pushes', async () => {
    const seen: number[] = [];
    const evicted: number[] = [];
    const pushTarget = 25; // k05 in the policy's ids
    const isolated = new IsolatedPolicy(
      {
        label: 'probe',
        onRequest(request, prefetch) {
          seen.push(request.keyId);
          if (request.index === 30) prefetch.push(pushTarget, 0.5);
        },
        onEvict: (keyId) => evicted.push(keyId),
      },
      descending,
      20,
    );
    const pushed: [number, number | undefined][] = [];
    const sink = { push: (keyId: number, confidence?: number) => pushed.push([keyId, confidence]) };
    const request = { index: 30, keyId: descending.keyIds[30], time: 30, sizeBytes: 1, outcome: 1 as const, isScored: true };
    isolated.onRequest(request, sink);
    isolated.onEvict(descending.keyIds[30]);
    // Request 30 is k69, the 70th key in text order: policy id 20 + 69.
    expect(seen).toEqual([89]);
    expect(evicted).toEqual([89]);
    expect(pushed).toEqual([[descending.keys.indexOf('k05'), 0.5]]);
  });

  it('rejects an unknown key id', () => {
    const isolated = new IsolatedPolicy(
      { label: 'wild', onRequest: (_request, prefetch) => prefetch.push(100) },
      descending,
      20,
    );
    const request = { index: 3, keyId: 3, time: 3, sizeBytes: 1, outcome: 1 as const, isScored: true };
    expect(() => isolated.onRequest(request, { push: () => {} })).toThrow(
      expect.objectContaining({
        code: 'POLICY_CONTRACT',
        message: 'policy wild, after request 3: pushed key id 100, which is not a key id of the trace (0 to 99); look ids up with context.dictionary.idOf(keyText)',
      }),
    );
  });

  it('rejects a confidence outside [0, 1]', () => {
    const isolated = new IsolatedPolicy(
      { label: 'sure', onRequest: (_request, prefetch) => prefetch.push(1, 1.5) },
      descending,
      20,
    );
    const request = { index: 0, keyId: 0, time: 0, sizeBytes: 1, outcome: 1 as const, isScored: true };
    expect(() => isolated.onRequest(request, { push: () => {} })).toThrow('pushed confidence 1.5, which is outside [0, 1]');
  });

  it('translates batch windows', async () => {
    let received: number[] = [];
    const isolated = new IsolatedPolicy(
      {
        label: 'batch',
        batch: { historyWindow: 2, predictBatch: async (windows) => void (received = Array.from(windows)) },
        onRequest: () => {},
      },
      descending,
      20,
    );
    // Engine ids 0 (k99, a training key) and 30 (k69, policy id 89).
    await isolated.batch?.predictBatch(Int32Array.from([-1, 0, 0, 30]), 2);
    expect(received).toEqual([-1, 0, 0, 89]);
  });

  it('reuses one event and one sink', () => {
    const events: RequestEvent[] = [];
    const sinks: PrefetchSink[] = [];
    const isolated = new IsolatedPolicy(
      { label: 'probe', onRequest: (request, prefetch) => void (events.push(request), sinks.push(prefetch)) },
      descending,
      20,
    );
    for (let index = 0; index < 3; index++) {
      const request = { index, keyId: index, time: index, sizeBytes: 1, outcome: 1 as const, isScored: true };
      isolated.onRequest(request, { push: () => {} });
    }
    expect(new Set(events).size).toBe(1);
    expect(new Set(sinks).size).toBe(1);
  });

  it('exposes no id translation on the sink', () => {
    let sink: PrefetchSink | undefined;
    const isolated = new IsolatedPolicy(
      { label: 'probe', onRequest: (_request, prefetch) => void (sink = prefetch) },
      descending,
      20,
    );
    const request = { index: 0, keyId: 0, time: 0, sizeBytes: 1, outcome: 1 as const, isScored: true };
    isolated.onRequest(request, { push: () => {} });
    expect(Object.keys(sink!)).toEqual([]);
    const members = Object.getOwnPropertyNames(Object.getPrototypeOf(sink));
    expect(members.sort()).toEqual(['constructor', 'push', 'target']);
    // The setter writes only; reading it returns nothing.
    expect((sink as unknown as { target: unknown }).target).toBeUndefined();
  });

  it('translates every request of a long replay', async () => {
    // Longer than one translation chunk, with keys revisited out of order.
    const keys = Array.from({ length: 10_000 }, (_, i) => `k${(i * 7919) % 3001}`);
    const trace = traceOf(keys);
    const texts: string[] = [];
    let dictionary: PrepareContext['dictionary'] | undefined;
    const probe: Policy = {
      label: 'probe',
      prepare: async (context) => void (dictionary = context.dictionary),
      onRequest: (request) => void texts.push(dictionary!.textOf(request.keyId)),
    };
    await simulate({
      trace,
      policies: [{ id: 'probe', summary: '', params: [], create: () => probe }],
      capacities: [{ unit: 'objects', objects: 10 }],
      trainFraction: 0.1,
    });
    expect(texts).toEqual(keys);
  });
});

/**
 * Oracle prefetcher, a bound: after each request it prefetches the key of
 * the next request in the trace, which no real predictor can know. Under
 * the same cache and timing model it shows the most that next-key
 * prefetching can give.
 */
import type { PolicyEntry } from '../src/policies/registry-types.js';
import type { Policy, PrefetchSink, RequestEvent } from '../src/policies/policy.js';
import type { Trace } from '../src/trace/trace.js';

class OraclePolicy implements Policy {
  readonly label = 'oracle';
  /** It reads the trace, not the cache. */
  readonly ignoresOutcomes = true;
  readonly #trace: Trace;

  constructor(trace: Trace) {
    this.#trace = trace;
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    const next = request.index + 1;
    if (next < this.#trace.length) prefetch.push(this.#trace.keyIds[next], 1);
  }
}

export const oracle: PolicyEntry = {
  id: 'oracle',
  summary: 'bound: prefetches the key of the next request, known from the trace',
  params: [],
  isBound: true,
  create: ({ boundTrace }) => {
    if (boundTrace === undefined) {
      throw new Error('oracle: created without the trace; only bounds are given it');
    }
    return new OraclePolicy(boundTrace);
  },
};

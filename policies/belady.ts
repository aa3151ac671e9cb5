/**
 * Belady's OPT eviction without prefetching, a bound: when room is needed
 * the cache evicts the key whose next request is farthest away, known from
 * a pre-pass over the trace. With unit sizes no eviction rule misses less.
 */
import type { PolicyEntry } from '../src/policies/registry-types.js';
import type { Policy } from '../src/policies/policy.js';

class BeladyPolicy implements Policy {
  readonly label = 'belady';
}

export const belady: PolicyEntry = {
  id: 'belady',
  summary: "bound: Belady's OPT eviction (farthest next request), no prefetching",
  params: [],
  eviction: 'belady',
  isBound: true,
  create: () => new BeladyPolicy(),
};

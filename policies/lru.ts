/**
 * Plain LRU: the baseline. The engine's cache already evicts the least
 * recently used key, so this policy only declines to prefetch.
 */
import type { PolicyEntry } from '../src/policies/registry-types.js';
import type { Policy } from '../src/policies/policy.js';

class LruPolicy implements Policy {
  readonly label = 'lru';
}

export const lru: PolicyEntry = {
  id: 'lru',
  summary: 'least recently used eviction, no prefetching (the baseline)',
  params: [],
  create: () => new LruPolicy(),
};

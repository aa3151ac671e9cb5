import { Outcome } from '../policies/policy.js';
import type { Trace } from '../trace/trace.js';
import type { DenseLruStore } from './dense-lru-store.js';
import { addLoopTotals, runningSum, type ReplayCounters } from './metrics.js';

/**
 * Replays a trace for a policy that never prefetches, at zero latency,
 * over a dense store. Adds the replay's figures to `counters` and marks
 * the misses among scored requests in `outcomes`.
 *
 * Warm-up and scored requests run in separate loops, so neither tests per
 * request whether it is scored. The store counts evictions and peak
 * occupancy itself, and a resident key's stored size is the size of its
 * latest request, so one `sizeOf` call distinguishes hit, miss and resize.
 */
export function replayDenseWithoutPrefetching(
  trace: Trace,
  store: DenseLruStore,
  firstScored: number,
  counters: ReplayCounters,
  outcomes: Uint8Array,
): void {
  const { keyIds, sizes, length } = trace;
  const scoredStart = Math.min(firstScored, length);
  for (let i = 0; i < scoredStart; i++) {
    const sizeBytes = sizes[i];
    if (store.sizeOf(keyIds[i]) !== sizeBytes) store.set(keyIds[i], sizeBytes);
  }

  const evictionsBefore = store.evictions;
  let misses = 0;
  let resized = 0;
  let notAdmitted = 0;
  const requestedBytes = runningSum();
  const hitBytes = runningSum();
  const fetchedBytes = runningSum();
  for (let i = scoredStart; i < length; i++) {
    const keyId = keyIds[i];
    const sizeBytes = sizes[i];
    requestedBytes[0] += sizeBytes;
    const storedSize = store.sizeOf(keyId);
    if (storedSize === sizeBytes) {
      hitBytes[0] += sizeBytes;
      continue;
    }
    if (storedSize < 0) {
      outcomes[i - scoredStart] = Outcome.Miss;
      misses++;
      fetchedBytes[0] += sizeBytes;
    } else {
      hitBytes[0] += sizeBytes;
      resized++;
    }
    if (!store.set(keyId, sizeBytes)) notAdmitted++;
  }

  const scored = length - scoredStart;
  addLoopTotals(counters, {
    requests: scored,
    requestedBytes: requestedBytes[0],
    hits: scored - misses,
    hitBytes: hitBytes[0],
    misses,
    fetchedBytes: fetchedBytes[0],
  });
  counters.resizedObjects += resized;
  counters.notAdmitted += notAdmitted;
  counters.evictions += store.evictions - evictionsBefore;
  counters.maxOccupancy = Math.max(counters.maxOccupancy, store.peakOccupancy);
  counters.finalOccupancy = store.occupancy;
}

/**
 * Counters of one replay, over the scored requests only. Each prefetch that
 * was issued ends in exactly one of: useful, wasted, resident unused at the
 * end, or still in flight at the end. Late prefetches are the useful ones
 * whose first request arrived while they were still in flight.
 */
export interface ReplayCounters {
  /** Scored requests. */
  requests: number;
  /** Requests served from the cache. */
  hits: number;
  /** Requests that started a backend fetch. */
  misses: number;
  /** Requests that waited for a fetch already in flight. */
  delayedHits: number;
  /** Bytes requested, and bytes served by hits. */
  requestedBytes: number;
  hitBytes: number;
  /** Backend fetches of either kind, and their bytes. */
  fetches: number;
  fetchedBytes: number;
  /** Prefetches sent to the backend. */
  issuedPrefetches: number;
  /** Prefetched objects requested before eviction (a key counts once). */
  usefulPrefetches: number;
  /** Useful prefetches first requested while still in flight. */
  latePrefetches: number;
  /** Prefetched objects evicted before any request for them. */
  wastedPrefetches: number;
  wastedPrefetchBytes: number;
  /** Prefetched objects resident and never requested when the trace ended. */
  unusedAtEnd: number;
  /** Prefetches still in flight when the trace ended. */
  inFlightAtEnd: number;
  /** Prefetch requests skipped because the key was resident or in flight. */
  redundantPrefetches: number;
  /** Evictions to make room. */
  evictions: number;
  /**
   * Evictions of objects that were not unused prefetches, caused by a
   * prefetch entering the cache: the pollution a prefetcher causes.
   */
  pollutingEvictions: number;
  /** Fetched objects larger than the whole cache, so not admitted. */
  notAdmitted: number;
  /** Hits on a resident key whose request carried a new size. */
  resizedObjects: number;
  /** Largest occupancy seen (bytes in byte mode, objects otherwise). */
  maxOccupancy: number;
  /** Occupancy when the trace ended. */
  finalOccupancy: number;
  /** Predictions made (first key pushed after a request). */
  predictions: number;
  /** Predictions equal to the key of the next request. */
  correctPredictions: number;
  /** Sum of the latency seen by scored requests, in trace time units. */
  totalLatency: number;
}

export function emptyCounters(): ReplayCounters {
  return {
    requests: 0,
    hits: 0,
    misses: 0,
    delayedHits: 0,
    requestedBytes: 0,
    hitBytes: 0,
    fetches: 0,
    fetchedBytes: 0,
    issuedPrefetches: 0,
    usefulPrefetches: 0,
    latePrefetches: 0,
    wastedPrefetches: 0,
    wastedPrefetchBytes: 0,
    unusedAtEnd: 0,
    inFlightAtEnd: 0,
    redundantPrefetches: 0,
    evictions: 0,
    pollutingEvictions: 0,
    notAdmitted: 0,
    resizedObjects: 0,
    maxOccupancy: 0,
    finalOccupancy: 0,
    predictions: 0,
    correctPredictions: 0,
    totalLatency: 0,
  };
}

/** Ratio that is `NaN`-free: `undefined` when the denominator is 0. */
export function ratio(numerator: number, denominator: number): number | undefined {
  return denominator === 0 ? undefined : numerator / denominator;
}

/**
 * Returns a running sum for a replay loop, kept in element 0. V8 optimises
 * such a loop while it runs (on-stack replacement), and that code boxed
 * sums of doubles held in locals: one heap number per request, about 300
 * young-generation collections per 10 million requests (Node 20). A
 * typed-array element is stored unboxed. One array per sum keeps the index
 * a literal: slots of one array named by imported constants made the
 * zero-latency lru loop about 8% slower.
 */
export function runningSum(start = 0): Float64Array {
  const sum = new Float64Array(1);
  sum[0] = start;
  return sum;
}

/** Request totals that a replay loop keeps in locals until it ends. */
export interface LoopTotals {
  /** Scored requests. */
  requests: number;
  requestedBytes: number;
  hits: number;
  hitBytes: number;
  /** Demand misses, each one fetch from the backend. */
  misses: number;
  fetchedBytes: number;
}

/** Adds a replay loop's totals to `counters`, counting each miss as a fetch. */
export function addLoopTotals(counters: ReplayCounters, totals: LoopTotals): void {
  counters.requests += totals.requests;
  counters.requestedBytes += totals.requestedBytes;
  counters.hits += totals.hits;
  counters.hitBytes += totals.hitBytes;
  counters.misses += totals.misses;
  counters.fetches += totals.misses;
  counters.fetchedBytes += totals.fetchedBytes;
}

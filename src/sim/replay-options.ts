import type { Capacity } from './cache.js';
import type { LatencySource, LatencySpec } from './latency.js';
import type { ReplayCounters } from './metrics.js';

/** Eviction rule of the cache: LRU, or Belady's OPT as a bound. */
export type Eviction = 'lru' | 'belady';

/**
 * Implementation of the LRU cache: `dense` is `DenseLruStore` over typed
 * arrays, `lru-cache` is `LruStore`, the simple reference that tests
 * compare `dense` with. Both give the same results.
 */
export type LruStoreKind = 'dense' | 'lru-cache';

/** Settings of one replay. */
export interface ReplayOptions {
  capacity: Capacity;
  /** Eviction rule. Default `lru`. */
  eviction?: Eviction;
  /** LRU implementation, when `eviction` is `lru`. Default `dense`. */
  lruStore?: LruStoreKind;
  /** First scored request; earlier ones warm the cache and are not counted. */
  scoredStart: number;
  /** Fetch latency model, in trace time units. Default: fixed 0. */
  fetchLatency?: LatencySpec;
  /** Seed of a random latency model. */
  latencySeed?: number;
  /**
   * Time from a request to the start of the prefetches it triggers, in
   * trace time units; `measured` uses the policy's measured wall time per
   * request, converted with `msToTraceUnit`.
   */
  predictionLatency?: number | 'measured';
  /** Converts wall-clock milliseconds to trace time units (for `measured`). */
  msToTraceUnit?: number;
  /** Maximum fetches in flight at once; the rest wait in order. Default: unbounded. */
  backendConcurrency?: number;
  /**
   * Time one in this many `onRequest` calls, for overhead percentiles.
   * Default: one in 8, or fewer so that at most 125,000 calls are timed.
   */
  timingSampleEvery?: number;
  /**
   * Pushes of the policy made on another thread (see `PolicyThread`), in
   * place of calls to its `onRequest`. Only for a replay where
   * `callsPolicyAhead` is true.
   */
  aheadPushes?: AheadPushes;
}

/**
 * The pushes of a policy that ignores outcomes, made ahead of the replay
 * by someone other than the engine.
 */
export interface AheadPushes {
  /**
   * Returns the pushes for a run of requests from `first`, up to `end` at
   * most. `covered` is how many requests they cover. `starts` contains the
   * offset of each request's first key in `keys`, then one offset past the
   * last. `keys` are engine ids. The arrays are valid until the next call.
   */
  take(first: number, end: number): { covered: number; starts: Int32Array; keys: Int32Array };
  /** Wall times of the sampled calls, in ms, once every run was taken. */
  samples(): Float64Array;
  /**
   * Fetch latencies drawn on the thread that makes the pushes. They equal
   * the draws the engine would make from `fetchLatency` and `latencySeed`.
   */
  readonly latency?: LatencySource;
}

/** Everything measured in one replay of one policy. */
export interface ReplayResult {
  counters: ReplayCounters;
  /** Outcome code of each scored request, in trace order. */
  outcomes: Uint8Array;
  /**
   * Prefetches issued after each scored request, in trace order, so that
   * backend fetches per metrics window are misses plus these.
   */
  issuedPrefetchesPerRequest: Uint32Array;
  /** Latency seen by each scored request that was not a hit (trace units). */
  waitLatencies: Float64Array;
  /** Sampled wall time of `onRequest` calls, in milliseconds. */
  onRequestMs: Float64Array;
  /** Wall time of the whole replay loop, in milliseconds. */
  replayMs: number;
}

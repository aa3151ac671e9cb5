import { performance } from 'node:perf_hooks';
import { distinctKeys, type Trace } from '../trace/trace.js';
import {
  eventWithoutOutcome,
  Outcome,
  type OutcomeCode,
  type Policy,
  type PrefetchSink,
  type RequestEvent,
} from '../policies/policy.js';
import { BeladyStore } from './belady-store.js';
import { LruStore, type Store } from './cache.js';
import { DenseLruStore } from './dense-lru-store.js';
import { replayDenseWithoutPrefetching } from './dense-replay.js';
import { FetchQueue } from './event-queue.js';
import { InFlightFetches } from './in-flight.js';
import { FILTER_MASK, FILTER_SIZE, NOT_IN_FLIGHT, PREFETCHED_UNUSED, SIZE_ESTIMATED } from './key-records.js';
import { latencySource, type LatencySource } from './latency.js';
import { addLoopTotals, emptyCounters, runningSum } from './metrics.js';
import { PendingFetches } from './pending-fetches.js';
import type { AheadPushes, ReplayOptions, ReplayResult } from './replay-options.js';
import { WaitRecorder } from './wait-recorder.js';

export type { AheadPushes, Eviction, LruStoreKind, ReplayOptions, ReplayResult } from './replay-options.js';

/**
 * `#replayDenseUnbounded` reads the slot entries and last sizes of the
 * keys of requests this far ahead, in groups of TOUCH_STEP (a power of
 * two). On a 10M-request Zipf trace with a million keys this made the
 * timed next-key replay about 8% faster in alternating runs.
 */
const TOUCH_DISTANCE = 32;
const TOUCH_STEP = 16;
const DEFAULT_TIMING_SAMPLE_EVERY = 8;
/**
 * Requests for which `#replayDenseUnbounded` calls a policy that ignores
 * outcomes before serving them (see `#callAhead`).
 */
export const AHEAD_REQUESTS = 4096;
/**
 * Timed `onRequest` calls a replay collects at most by default. A long
 * trace samples more sparsely: at one call in 8, the two clock reads per
 * sample took about 2% of a 10M-request next-key replay. 125,000 samples
 * still leave 1,250 calls above the 99th percentile.
 */
const MAX_TIMING_SAMPLES = 125_000;

/**
 * Returns whether a replay with these options calls the policy ahead of
 * the requests (see `#callAhead`), so that it may take `aheadPushes`. The
 * policy must ignore outcomes. The replay must take the dense loop, which
 * needs the dense LRU store, an unbounded backend and a fixed prediction
 * delay.
 */
export function callsPolicyAhead(policy: Policy, options: ReplayOptions): boolean {
  return (
    typeof policy.onRequest === 'function' &&
    policy.ignoresOutcomes === true &&
    (options.eviction ?? 'lru') === 'lru' &&
    (options.lruStore ?? 'dense') === 'dense' &&
    options.predictionLatency !== 'measured' &&
    (options.backendConcurrency ?? Infinity) === Infinity
  );
}

/** Returns how many timed calls a replay of `scoredCount` scored requests keeps. */
export function timingSampleCount(scoredCount: number, options: ReplayOptions): number {
  return Math.ceil(scoredCount / timingSampleEvery(scoredCount, options));
}

/** Returns n, where one scored `onRequest` call in n is timed. */
export function timingSampleEvery(scoredCount: number, options: ReplayOptions): number {
  if (options.predictionLatency === 'measured') return 1;
  return options.timingSampleEvery ?? Math.max(DEFAULT_TIMING_SAMPLE_EVERY, Math.ceil(scoredCount / MAX_TIMING_SAMPLES));
}


/**
 * Replays a trace through a cache and a policy as a discrete-event
 * simulation. Fetch completions wait in a time-ordered queue; request
 * arrivals come from the trace in file order, and before each arrival every
 * completion due at or before its time is applied. A clock that would step
 * backwards (out-of-order timestamps) is held at its latest value, so no
 * inter-arrival time is negative.
 */
export class ReplayEngine implements PrefetchSink {
  readonly #trace: Trace;
  readonly #policy: Policy;
  readonly #options: ReplayOptions;
  readonly #store: Store;
  readonly #latency: LatencySource;
  readonly #completions = new FetchQueue();
  readonly #pending: PendingFetches;
  readonly #counters = emptyCounters();
  /**
   * Last size seen per key, the size of a prefetched object. A key not yet
   * requested has NaN there until a prefetch sets it to the mean size seen
   * so far.
   */
  readonly #sizes: Float64Array;
  /** PREFETCHED_UNUSED and SIZE_ESTIMATED bits per key. */
  readonly #flags: Uint8Array;
  /**
   * Keys with PREFETCHED_UNUSED set. While it is 0 an eviction skips the
   * victim's flags, a cache miss on a key unused for a long time.
   */
  #prefetchedUnusedCount = 0;
  readonly #inFlight = new InFlightFetches();
  /** Counting filter of keys with SIZE_ESTIMATED set. */
  readonly #estimatedFilter = new Uint32Array(FILTER_SIZE);
  #seenBytes = 0;
  #seenRequests = 0;
  readonly #waits: WaitRecorder;
  /**
   * Keys pushed during the current `onRequest` call, handled after it. In
   * the ahead mode of `#replayDenseUnbounded` it contains the keys pushed
   * for a run of requests, those of request j from `#aheadStarts[j - first]` on.
   */
  #pushed = new Int32Array(16);
  #pushedCount = 0;
  readonly #aheadStarts = new Int32Array(AHEAD_REQUESTS + 1);
  /** The clock as `#callAhead` has advanced it. */
  #aheadClock = -Infinity;
  /** Timed `onRequest` calls, their count, and the countdown to the next. */
  #samples = new Float64Array(0);
  #sampleCount = 0;
  #sampleEvery = 1;
  #untilSample = 1;
  /** Sum returned by `#touchRecords`, kept only so that its reads stay. */
  #touchedSum = 0;
  #clock = -Infinity;
  #requestIndex = 0;
  #isScored = false;
  #isInsertingPrefetch = false;
  #prediction = -1;
  #predictionDelay = 0;
  readonly #isMeasuringEveryCall: boolean;
  /**
   * True when every fetch completes at the moment it starts (zero fetch and
   * prediction latency, no backend limit). Fetches then skip the event
   * queue and land at once, in the same order the queue would apply them.
   */
  readonly #isInstant: boolean;
  readonly #hasRequestHook: boolean;
  /**
   * True when the policy sets `ignoresOutcomes`, so that
   * `#replayDenseUnbounded` may call it ahead of serving requests.
   */
  readonly #isCalledAhead: boolean;
  /**
   * True when `run` may take `#replayDenseUnbounded`: the store is dense,
   * the backend unbounded and the prediction delay fixed.
   */
  readonly #isDenseUnbounded: boolean;
  /**
   * The store when it is dense. A resident key's size there always equals
   * its last size seen, so a hit learns its previous size from the store
   * and the request only writes the key's last size.
   */
  readonly #denseStore: DenseLruStore | undefined;
  /**
   * True when the policy never prefetches and fetches land at once: `run`
   * then takes a loop that has no fetch in flight, so the per-key arrays
   * of in-flight state are left empty.
   */
  readonly #isWithoutPrefetching: boolean;
  readonly #event: RequestEvent;

  constructor(trace: Trace, policy: Policy, options: ReplayOptions) {
    this.#trace = trace;
    this.#policy = policy;
    this.#options = options;
    this.#latency =
      options.aheadPushes?.latency ??
      latencySource(options.fetchLatency ?? { kind: 'fixed', value: 0 }, options.latencySeed ?? 1);
    this.#pending = new PendingFetches(options.backendConcurrency ?? Infinity);
    this.#isMeasuringEveryCall = options.predictionLatency === 'measured';
    if (typeof options.predictionLatency === 'number') {
      this.#predictionDelay = options.predictionLatency;
    }
    this.#isInstant =
      this.#latency.isZero &&
      this.#predictionDelay === 0 &&
      !this.#isMeasuringEveryCall &&
      (options.backendConcurrency ?? Infinity) === Infinity;
    this.#hasRequestHook = typeof policy.onRequest === 'function';
    this.#isCalledAhead = this.#hasRequestHook && policy.ignoresOutcomes === true;
    if (options.aheadPushes !== undefined && !callsPolicyAhead(policy, options)) {
      throw new Error(`replay of ${policy.label}: aheadPushes given to a replay that does not call its policy ahead`);
    }
    this.#event = this.#isCalledAhead
      ? eventWithoutOutcome(policy.label)
      : { index: 0, keyId: 0, time: 0, sizeBytes: 0, outcome: Outcome.Miss, isScored: false };
    this.#isWithoutPrefetching = this.#isInstant && !this.#hasRequestHook;
    this.#store = this.#createStore();
    this.#denseStore = this.#store instanceof DenseLruStore ? this.#store : undefined;
    this.#isDenseUnbounded =
      this.#denseStore !== undefined &&
      !this.#isMeasuringEveryCall &&
      (options.backendConcurrency ?? Infinity) === Infinity;
    const keySpace = distinctKeys(trace);
    // Sizes filled with NaN take resident memory at once (8 MB at a
    // million keys), so the no-prefetch loop over a dense store, which
    // never reads them, gets none.
    const stateKeySpace = this.#store instanceof DenseLruStore && this.#isWithoutPrefetching ? 0 : keySpace;
    this.#sizes = new Float64Array(stateKeySpace).fill(NaN);
    this.#flags = new Uint8Array(stateKeySpace);
    const scoredCount = Math.max(0, trace.length - options.scoredStart);
    this.#waits = this.#isWithoutPrefetching ? new WaitRecorder(0, 0) : new WaitRecorder(keySpace, scoredCount);
  }

  /**
   * The cache of the replay. A dense store in the no-prefetch loop counts
   * its own evictions, so its callback only forwards them to the policy.
   */
  #createStore(): Store {
    const { capacity, eviction, lruStore } = this.#options;
    const onEvict = (keyId: number, sizeBytes: number) => this.#onEvict(keyId, sizeBytes);
    if (eviction === 'belady') return new BeladyStore(this.#trace, capacity, onEvict);
    if (lruStore === 'lru-cache') return new LruStore(capacity, onEvict);
    const keySpace = distinctKeys(this.#trace);
    if (!this.#isWithoutPrefetching) return new DenseLruStore(capacity, keySpace, onEvict);
    const policy = this.#policy;
    const forward = policy.onEvict === undefined ? undefined : (keyId: number) => policy.onEvict!(keyId);
    return new DenseLruStore(capacity, keySpace, forward);
  }

  /** Runs the replay once; an engine is not reusable. */
  run(): ReplayResult {
    const trace = this.#trace;
    const { scoredStart } = this.#options;
    const scoredCount = Math.max(0, trace.length - scoredStart);
    const outcomes = new Uint8Array(scoredCount);
    // All zeros without prefetching. It is never written then, so it takes
    // almost no resident memory.
    const issuedPerRequest = new Uint32Array(scoredCount);
    if (this.#isWithoutPrefetching) {
      const started = performance.now();
      this.#replayWithoutPrefetching(outcomes);
      return {
        counters: this.#counters,
        outcomes,
        issuedPrefetchesPerRequest: issuedPerRequest,
        waitLatencies: new Float64Array(0),
        onRequestMs: new Float64Array(0),
        replayMs: performance.now() - started,
      };
    }
    this.#sampleEvery = timingSampleEvery(scoredCount, this.#options);
    // With aheadPushes, the thread that calls the policy times it.
    this.#samples = new Float64Array(
      this.#options.aheadPushes === undefined ? timingSampleCount(scoredCount, this.#options) : 0,
    );
    const started = performance.now();
    if (this.#isDenseUnbounded && this.#denseStore !== undefined) {
      this.#replayDenseUnbounded(this.#denseStore, outcomes, issuedPerRequest);
    } else {
      this.#replayGeneral(outcomes, issuedPerRequest);
    }
    this.#completeUntil(this.#clock);
    this.#countLeftovers();
    this.#resolveQueuedWaits();
    this.#counters.totalLatency = this.#waits.total;
    return {
      counters: this.#counters,
      outcomes,
      issuedPrefetchesPerRequest: issuedPerRequest,
      waitLatencies: this.#waits.values(),
      onRequestMs: this.#options.aheadPushes?.samples() ?? this.#samples.slice(0, this.#sampleCount),
      replayMs: performance.now() - started,
    };
  }

  /**
   * The loop for every store, latency model and backend; the simple path
   * that the specialised loops are compared with. It calls the policy
   * after each request, whether or not the policy ignores outcomes.
   */
  #replayGeneral(outcomes: Uint8Array, issuedPerRequest: Uint32Array): void {
    const trace = this.#trace;
    const { scoredStart } = this.#options;
    const samples = this.#samples;
    const sampleEvery = this.#sampleEvery;
    const batchMs = this.#policy.report?.().predictionMsPerRequest ?? 0;
    for (let i = 0; i < trace.length; i++) {
      this.#requestIndex = i;
      this.#isScored = i >= scoredStart;
      const outcome = this.#serve(i);
      // A fetch that completes at once lands before the policy is called,
      // so the policy sees the cache as the request left it.
      if (this.#completions.peekTime() <= this.#clock) this.#completeUntil(this.#clock);
      let issued = 0;
      if (this.#hasRequestHook) {
        const isSampled = this.#isScored && (i - scoredStart) % sampleEvery === 0;
        const before = isSampled ? performance.now() : 0;
        this.#notifyPolicy(i, outcome);
        if (isSampled) {
          const elapsedMs = performance.now() - before;
          samples[this.#sampleCount++] = elapsedMs;
          if (this.#isMeasuringEveryCall) {
            this.#predictionDelay = (elapsedMs + batchMs) * (this.#options.msToTraceUnit ?? 0);
          }
        }
        issued = this.#issuePushed(0, this.#pushedCount);
      }
      if (this.#isScored) {
        outcomes[i - scoredStart] = outcome;
        issuedPerRequest[i - scoredStart] = issued;
      }
    }
  }

  /**
   * The general loop specialised to a dense store, an unbounded backend
   * and a prediction delay fixed in advance, the usual case. It makes the
   * same calls in the same order as the general loop, which a property
   * test checks, except that a policy that ignores outcomes is called
   * ahead (see `#callAhead`). It only saves work. Trace columns, clock and
   * counts live in locals, byte totals in `runningSum` arrays. A demand
   * miss lands at once (zero latency) or goes to the queue directly. A hit
   * or miss calls a helper only in rare cases: prefetched keys, resizes
   * and delayed hits.
   */
  #replayDenseUnbounded(store: DenseLruStore, outcomes: Uint8Array, issuedPerRequest: Uint32Array): void {
    const { keyIds, sizes, times, length } = this.#trace;
    const scoredStart = Math.min(this.#options.scoredStart, length);
    const lastSizes = this.#sizes;
    const inFlight = this.#inFlight;
    const estimatedFilter = this.#estimatedFilter;
    const completions = this.#completions;
    const latency = this.#latency;
    const waits = this.#waits;
    const hasRequestHook = this.#hasRequestHook;
    const isCalledAhead = this.#isCalledAhead;
    const aheadStarts = this.#aheadStarts;
    const isInstant = this.#isInstant;
    let clock = this.#clock;
    const seenBytes = runningSum(this.#seenBytes);
    const requestedBytes = runningSum();
    const hitBytes = runningSum();
    const fetchedBytes = runningSum();
    let hits = 0;
    let misses = 0;
    let touched = 0;
    for (let phase = 0; phase < 2; phase++) {
      const isScored = phase === 1;
      this.#isScored = isScored;
      const end = isScored ? length : scoredStart;
      let aheadFirst = 0;
      let aheadEnd = isScored ? scoredStart : 0;
      for (let i = isScored ? scoredStart : 0; i < end; i++) {
        if ((i & (TOUCH_STEP - 1)) === 0) {
          const from = i + TOUCH_DISTANCE;
          touched += this.#touchRecords(store, keyIds, from, Math.min(end, from + TOUCH_STEP));
        }
        const keyId = keyIds[i];
        const sizeBytes = sizes[i];
        if (times[i] > clock) {
          clock = times[i];
          this.#clock = clock;
        }
        if (completions.peekTime() <= clock) this.#completeUntil(clock);
        if (this.#prediction !== -1) this.#checkPrediction(keyId);
        const wasEstimated = estimatedFilter[keyId & FILTER_MASK] !== 0 && this.#clearEstimated(keyId);
        const previousSize = store.sizeOf(keyId);
        lastSizes[keyId] = sizeBytes;
        seenBytes[0] += sizeBytes;
        if (isScored) requestedBytes[0] += sizeBytes;
        let outcome: OutcomeCode = Outcome.Hit;
        const until = previousSize >= 0 ? NOT_IN_FLIGHT : inFlight.untilOf(keyId);
        if (previousSize >= 0) {
          if (this.#prefetchedUnusedCount > 0 || sizeBytes !== previousSize) {
            this.#onHit(keyId, sizeBytes, previousSize, wasEstimated);
          } else if (isScored) {
            hits++;
            hitBytes[0] += sizeBytes;
          }
        } else if (until !== NOT_IN_FLIGHT) {
          outcome = Outcome.DelayedHit;
          this.#onDelayedHit(keyId, until);
        } else {
          outcome = Outcome.Miss;
          if (isScored) {
            misses++;
            fetchedBytes[0] += sizeBytes;
          }
          if (isInstant) {
            this.#landDemand(keyId, sizeBytes);
          } else {
            this.#pending.tryAcquire();
            const completion = clock + latency.next(i);
            inFlight.start(keyId, completion, false);
            completions.push(completion, keyId);
            if (isScored) waits.record(completion - clock);
          }
        }
        // A fetch that completes at once lands before the policy is called.
        if (completions.peekTime() <= clock) this.#completeUntil(clock);
        let issued = 0;
        if (hasRequestHook) {
          this.#requestIndex = i;
          let firstPush = 0;
          let endPush = 0;
          if (isCalledAhead) {
            if (i === aheadEnd) {
              aheadFirst = i;
              aheadEnd = this.#callAhead(i, Math.min(end, i + AHEAD_REQUESTS));
            }
            firstPush = aheadStarts[i - aheadFirst];
            endPush = aheadStarts[i - aheadFirst + 1];
          } else {
            this.#callPolicy(i, outcome);
            endPush = this.#pushedCount;
          }
          if (endPush > firstPush) {
            // A prefetch of a key never requested estimates its size from these.
            this.#seenBytes = seenBytes[0];
            this.#seenRequests = i + 1;
            issued = this.#issuePushed(firstPush, endPush);
          }
        }
        if (isScored) {
          outcomes[i - scoredStart] = outcome;
          issuedPerRequest[i - scoredStart] = issued;
        }
      }
    }
    this.#touchedSum = touched;
    this.#seenBytes = seenBytes[0];
    this.#seenRequests = length;
    addLoopTotals(this.#counters, {
      requests: length - scoredStart,
      requestedBytes: requestedBytes[0],
      hits,
      hitBytes: hitBytes[0],
      misses,
      fetchedBytes: fetchedBytes[0],
    });
  }

  /**
   * Calls the policy after request `i`, timing the call when it is due.
   * The first scored call is timed, then one in every `#sampleEvery`,
   * counted down rather than found by a remainder, which costs a division.
   */
  #callPolicy(i: number, outcome: OutcomeCode): void {
    if (this.#isScored && --this.#untilSample === 0) {
      const before = performance.now();
      this.#notifyPolicy(i, outcome);
      this.#samples[this.#sampleCount++] = performance.now() - before;
      this.#untilSample = this.#sampleEvery;
    } else {
      this.#notifyPolicy(i, outcome);
    }
  }

  /**
   * Calls a policy that ignores outcomes for requests [first, end) before
   * any of them is served, in order and one request each, with the clock
   * each will see. The keys pushed for request j are kept, and the loop
   * issues them after serving j, as if the policy had been called then.
   * A policy that does not read the cache gives the same pushes either
   * way, and a test compares them. On a 10M-request Zipf trace with a
   * million keys, next-key with the timing model replayed about 7% faster
   * called ahead than called between requests, in alternating runs.
   * Returns the end of the requests covered, which with `aheadPushes`
   * (another thread's calls) may come before `end`.
   */
  #callAhead(first: number, end: number): number {
    const aheadPushes = this.#options.aheadPushes;
    if (aheadPushes !== undefined) return this.#takeAhead(aheadPushes, first, end);
    const { keyIds, sizes, times } = this.#trace;
    const event = this.#event;
    const policy = this.#policy;
    const starts = this.#aheadStarts;
    const isScored = this.#isScored;
    let clock = this.#aheadClock;
    event.isScored = isScored;
    this.#pushedCount = 0;
    for (let j = first; j < end; j++) {
      if (times[j] > clock) clock = times[j];
      starts[j - first] = this.#pushedCount;
      event.index = j;
      event.keyId = keyIds[j];
      event.time = clock;
      event.sizeBytes = sizes[j];
      if (isScored && --this.#untilSample === 0) {
        const before = performance.now();
        policy.onRequest!(event, this);
        this.#samples[this.#sampleCount++] = performance.now() - before;
        this.#untilSample = this.#sampleEvery;
      } else {
        policy.onRequest!(event, this);
      }
    }
    starts[end - first] = this.#pushedCount;
    this.#aheadClock = clock;
    return end;
  }

  /**
   * Takes the pushes for a run from `first` that another thread made, as
   * `#callAhead` would have; returns the end of the requests they cover.
   */
  #takeAhead(aheadPushes: AheadPushes, first: number, end: number): number {
    const { covered, starts, keys } = aheadPushes.take(first, end);
    this.#aheadStarts.set(starts.subarray(0, covered + 1));
    const count = starts[covered];
    if (count > this.#pushed.length) this.#pushed = new Int32Array(count);
    this.#pushed.set(keys.subarray(0, count));
    this.#pushedCount = count;
    return first + covered;
  }

  /**
   * Reads the slot entries and last sizes of the keys of requests
   * [from, to), so that their cache misses overlap here rather than stall
   * one request each later.
   * Returns a sum of what it read, which the caller keeps so that the
   * compiler cannot drop the reads. The sum takes no branch on a value
   * read: a branch mispredicted on a load that misses waits for that load,
   * and the loads after it start only then. Summing made the timed lru
   * replay about 8% faster than branching on residency did.
   */
  #touchRecords(store: DenseLruStore, keyIds: Uint32Array, from: number, to: number): number {
    const sizes = this.#sizes;
    let sum = 0;
    for (let i = from; i < to; i++) {
      const keyId = keyIds[i];
      sum = (sum + store.preload(keyId) + (sizes[keyId] | 0)) | 0;
    }
    return sum;
  }

  /**
   * The replay loop of a policy that never prefetches, at zero latency: no
   * fetch is ever in flight and nothing is predicted, so each request is a
   * hit or a miss that lands at once. Gives the same counters and outcomes
   * as the general loop (a property test compares them) with the hot
   * counts kept in locals and byte totals in `runningSum` arrays.
   */
  #replayWithoutPrefetching(outcomes: Uint8Array): void {
    const store = this.#store;
    if (store instanceof DenseLruStore) {
      replayDenseWithoutPrefetching(this.#trace, store, this.#options.scoredStart, this.#counters, outcomes);
    } else {
      this.#replayAnyStore(store, outcomes);
    }
  }

  /** The no-prefetch loop over any store, through the `Store` interface. */
  #replayAnyStore(store: Store, outcomes: Uint8Array): void {
    const trace = this.#trace;
    const { keyIds, sizes, times } = trace;
    const scoredStart = this.#options.scoredStart;
    const lastSizes = this.#sizes;
    const counters = this.#counters;
    let clock = this.#clock;
    const seenBytes = runningSum();
    const requestedBytes = runningSum();
    const hitBytes = runningSum();
    const fetchedBytes = runningSum();
    let hits = 0;
    let misses = 0;
    for (let i = 0; i < trace.length; i++) {
      const keyId = keyIds[i];
      const sizeBytes = sizes[i];
      const isScored = i >= scoredStart;
      this.#isScored = isScored;
      if (times[i] > clock) clock = times[i];
      const previousSize = lastSizes[keyId];
      lastSizes[keyId] = sizeBytes;
      seenBytes[0] += sizeBytes;
      if (isScored) requestedBytes[0] += sizeBytes;
      if (store.get(keyId, i)) {
        if (isScored) {
          hits++;
          hitBytes[0] += sizeBytes;
        }
        if (sizeBytes !== previousSize) this.#resize(keyId, sizeBytes);
        continue;
      }
      if (isScored) {
        misses++;
        fetchedBytes[0] += sizeBytes;
        outcomes[i - scoredStart] = Outcome.Miss;
      }
      if (!store.set(keyId, sizeBytes) && isScored) counters.notAdmitted++;
      this.#noteOccupancy();
    }
    this.#clock = clock;
    this.#seenBytes = seenBytes[0];
    this.#seenRequests = trace.length;
    addLoopTotals(counters, {
      requests: Math.max(0, trace.length - scoredStart),
      requestedBytes: requestedBytes[0],
      hits,
      hitBytes: hitBytes[0],
      misses,
      fetchedBytes: fetchedBytes[0],
    });
    this.#countLeftovers();
  }

  /** Serves request `i` from the cache or the backend; returns its outcome. */
  #serve(i: number): OutcomeCode {
    const trace = this.#trace;
    const keyId = trace.keyIds[i];
    const sizeBytes = trace.sizes[i];
    if (trace.times[i] > this.#clock) this.#clock = trace.times[i];
    if (this.#completions.peekTime() <= this.#clock) this.#completeUntil(this.#clock);
    if (this.#prediction !== -1) this.#checkPrediction(keyId);
    const wasEstimated = this.#estimatedFilter[keyId & FILTER_MASK] !== 0 && this.#clearEstimated(keyId);
    const denseStore = this.#denseStore;
    let isHit: boolean;
    let previousSize: number;
    if (denseStore !== undefined) {
      previousSize = denseStore.sizeOf(keyId);
      isHit = previousSize >= 0;
    } else {
      previousSize = this.#sizes[keyId];
      isHit = this.#store.get(keyId, i);
    }
    this.#sizes[keyId] = sizeBytes;
    this.#seenBytes += sizeBytes;
    this.#seenRequests++;
    const counters = this.#counters;
    const isScored = this.#isScored;
    if (isScored) {
      counters.requests++;
      counters.requestedBytes += sizeBytes;
    }
    if (isHit) {
      this.#onHit(keyId, sizeBytes, previousSize, wasEstimated);
      return Outcome.Hit;
    }
    const until = this.#inFlight.untilOf(keyId);
    if (until !== NOT_IN_FLIGHT) {
      this.#onDelayedHit(keyId, until);
      return Outcome.DelayedHit;
    }
    if (isScored) counters.misses++;
    if (this.#isInstant) {
      this.#countDemandFetch(sizeBytes);
      this.#landDemand(keyId, sizeBytes);
      return Outcome.Miss;
    }
    this.#countDemandFetch(sizeBytes);
    const completion = this.#startFetch(keyId, this.#clock, false);
    this.#recordWait(keyId, completion);
    return Outcome.Miss;
  }

  /** Clears a key's size-estimated flag; returns whether it was set. */
  #clearEstimated(keyId: number): boolean {
    if ((this.#flags[keyId] & SIZE_ESTIMATED) === 0) return false;
    this.#flags[keyId] &= ~SIZE_ESTIMATED;
    this.#estimatedFilter[keyId & FILTER_MASK]--;
    return true;
  }

  /**
   * Clears a key's PREFETCHED_UNUSED bit; returns whether it was set. Reads
   * the key's flags only while some prefetched key is unused.
   */
  #clearPrefetchedUnused(keyId: number): boolean {
    if (this.#prefetchedUnusedCount === 0 || (this.#flags[keyId] & PREFETCHED_UNUSED) === 0) return false;
    this.#flags[keyId] &= ~PREFETCHED_UNUSED;
    this.#prefetchedUnusedCount--;
    return true;
  }

  #onHit(keyId: number, sizeBytes: number, previousSize: number, wasEstimated: boolean): void {
    const counters = this.#counters;
    if (this.#clearPrefetchedUnused(keyId)) {
      if (this.#isScored) counters.usefulPrefetches++;
    }
    if (this.#isScored) {
      counters.hits++;
      counters.hitBytes += sizeBytes;
    }
    if (sizeBytes !== previousSize) {
      if (wasEstimated) {
        // Only the estimate made for a prefetch changes, not the object.
        if (!this.#store.set(keyId, sizeBytes) && this.#isScored) counters.notAdmitted++;
        this.#noteOccupancy();
      } else {
        this.#resize(keyId, sizeBytes);
      }
    }
  }

  /**
   * The newest size wins: a resident object that changed size is resized,
   * which may evict others or, if it no longer fits, drop the object.
   */
  #resize(keyId: number, sizeBytes: number): void {
    if (this.#isScored) this.#counters.resizedObjects++;
    if (!this.#store.set(keyId, sizeBytes) && this.#isScored) this.#counters.notAdmitted++;
    this.#noteOccupancy();
  }

  #onDelayedHit(keyId: number, until: number): void {
    const counters = this.#counters;
    if (this.#inFlight.claim(keyId)) {
      if (this.#isScored) {
        counters.usefulPrefetches++;
        counters.latePrefetches++;
      }
    }
    if (this.#isScored) counters.delayedHits++;
    this.#recordWait(keyId, until);
  }

  /** Records a scored request's wait for the fetch of `keyId`. */
  #recordWait(keyId: number, completion: number): void {
    if (!this.#isScored || this.#isInstant) return;
    // A fetch still queued for a backend slot has no completion time yet.
    if (completion === Infinity) this.#waits.recordQueued(keyId, this.#clock);
    else this.#waits.record(completion - this.#clock);
  }

  #notifyPolicy(i: number, outcome: OutcomeCode): void {
    const event = this.#event;
    event.index = i;
    event.keyId = this.#trace.keyIds[i];
    event.time = this.#clock;
    event.sizeBytes = this.#trace.sizes[i];
    if (!this.#isCalledAhead) event.outcome = outcome;
    event.isScored = this.#isScored;
    this.#prediction = -1;
    this.#pushedCount = 0;
    this.#policy.onRequest!(event, this);
  }

  /**
   * Accepts a prefetch from the policy; see `PrefetchSink`. Keys are held
   * until the policy returns, so that a measured prediction time can delay
   * them.
   */
  push(keyId: number): void {
    if (!this.#isScored) return;
    if (!Number.isInteger(keyId) || keyId < 0 || keyId >= this.#trace.keys.length) {
      throw new RangeError(
        `policy ${this.#policy.label} asked to prefetch key id ${keyId}, which is not a key id of the trace (0..${this.#trace.keys.length - 1})`,
      );
    }
    if (this.#pushedCount === this.#pushed.length) {
      const grown = new Int32Array(this.#pushed.length * 2);
      grown.set(this.#pushed);
      this.#pushed = grown;
    }
    this.#pushed[this.#pushedCount++] = keyId;
  }

  /**
   * Starts the prefetches that the policy pushed for the current request,
   * `#pushed[first]` up to `#pushed[end]` (excluded); returns how many.
   */
  #issuePushed(first: number, end: number): number {
    const counters = this.#counters;
    let issued = 0;
    for (let p = first; p < end; p++) {
      const keyId = this.#pushed[p];
      if (p === first) {
        this.#prediction = keyId;
        counters.predictions++;
      }
      if (this.#store.has(keyId) || this.#inFlight.untilOf(keyId) !== NOT_IN_FLIGHT) {
        counters.redundantPrefetches++;
        this.#pushed[p] = -1;
        continue;
      }
      counters.issuedPrefetches++;
      issued++;
      if (this.#isInstant) {
        // Marked in flight until the loop below lands it, as the queue would.
        this.#inFlight.start(keyId, this.#clock, true);
        this.#countFetch(keyId);
      } else {
        this.#countFetch(keyId);
        this.#startFetch(keyId, this.#clock + this.#predictionDelay, true);
      }
    }
    if (this.#isInstant) {
      for (let p = first; p < end; p++) {
        const keyId = this.#pushed[p];
        if (keyId !== -1) this.#land(keyId, this.#inFlight.finish(keyId));
      }
    }
    return issued;
  }

  /**
   * Counts a demand fetch, whose size is that of its request, without
   * reading the key's size back.
   */
  #countDemandFetch(sizeBytes: number): void {
    if (this.#isScored) {
      this.#counters.fetches++;
      this.#counters.fetchedBytes += sizeBytes;
    }
  }

  /** Counts a prefetch; a key never requested gets an estimated size. */
  #countFetch(keyId: number): void {
    if (Number.isNaN(this.#sizes[keyId])) {
      this.#sizes[keyId] = Math.round(this.#seenBytes / Math.max(1, this.#seenRequests)) || 1;
      this.#flags[keyId] |= SIZE_ESTIMATED;
      this.#estimatedFilter[keyId & FILTER_MASK]++;
    }
    if (this.#isScored) {
      this.#counters.fetches++;
      this.#counters.fetchedBytes += this.#sizes[keyId];
    }
  }

  /**
   * Starts a fetch, or queues it when the backend is saturated. Returns the
   * completion time, or Infinity while it waits for a backend slot.
   */
  #startFetch(keyId: number, start: number, isPrefetch: boolean): number {
    const latency = this.#latency.next(this.#requestIndex);
    if (!this.#pending.tryAcquire()) {
      this.#inFlight.start(keyId, Infinity, isPrefetch);
      this.#pending.enqueue(keyId, latency);
      return Infinity;
    }
    const completion = start + latency;
    this.#inFlight.start(keyId, completion, isPrefetch);
    this.#completions.push(completion, keyId);
    return completion;
  }

  /** Applies every fetch completion due at or before `time`. */
  #completeUntil(time: number): void {
    const queue = this.#completions;
    // peekTime is Infinity on an empty queue, which ends the loop.
    for (let completion = queue.peekTime(); completion <= time; completion = queue.peekTime()) {
      const keyId = queue.peekKeyId();
      queue.pop();
      this.#land(keyId, this.#inFlight.finish(keyId));
      this.#pending.release();
      // Checked here as well as in #startQueued, so that an unbounded
      // backend does not pass it the fractional time, which would be boxed.
      if (this.#pending.hasQueued()) this.#startQueued(completion);
    }
  }

  /**
   * Runs the backend past the end of the trace, without touching the cache
   * or the counters, so that requests still waiting on queued fetches get
   * their wait.
   */
  #resolveQueuedWaits(): void {
    const queue = this.#completions;
    while (queue.size > 0) {
      const completion = queue.peekTime();
      queue.pop();
      this.#pending.release();
      this.#startQueued(completion);
    }
  }

  /** Moves the oldest queued fetch, if any, onto the freed backend slot. */
  #startQueued(now: number): void {
    if (!this.#pending.hasQueued() || !this.#pending.tryAcquire()) return;
    const keyId = this.#pending.peekKeyId();
    const completion = now + this.#pending.peekLatency();
    this.#pending.dequeue();
    this.#inFlight.setUntil(keyId, completion);
    this.#completions.push(completion, keyId);
    this.#waits.resolve(keyId, completion);
  }

  /**
   * A completed fetch, already removed from the fetches in flight, enters
   * the cache. A prefetch that a request claimed while in flight enters as
   * an ordinary demand-fetched object.
   */
  #land(keyId: number, isUnclaimedPrefetch: boolean): void {
    this.#isInsertingPrefetch = isUnclaimedPrefetch;
    const isAdmitted = this.#store.set(keyId, this.#sizes[keyId]);
    this.#isInsertingPrefetch = false;
    this.#noteOccupancy();
    if (isAdmitted) {
      if (!isUnclaimedPrefetch) {
        this.#clearPrefetchedUnused(keyId);
      } else if ((this.#flags[keyId] & PREFETCHED_UNUSED) === 0) {
        this.#flags[keyId] |= PREFETCHED_UNUSED;
        this.#prefetchedUnusedCount++;
      }
      return;
    }
    if (!this.#isScored) return;
    this.#counters.notAdmitted++;
    // An unclaimed prefetch that cannot be admitted is wasted at once.
    if (isUnclaimedPrefetch) {
      this.#counters.wastedPrefetches++;
      this.#counters.wastedPrefetchBytes += this.#sizes[keyId];
    }
  }

  /**
   * Lands a demand miss at zero latency as `#land` would. Such a miss was
   * never in flight and has the size of its request, so it reads the key's
   * flags only while some prefetch is unused.
   */
  #landDemand(keyId: number, sizeBytes: number): void {
    const isAdmitted = this.#store.set(keyId, sizeBytes);
    this.#noteOccupancy();
    if (isAdmitted) {
      this.#clearPrefetchedUnused(keyId);
      return;
    }
    if (this.#isScored) this.#counters.notAdmitted++;
  }

  #noteOccupancy(): void {
    const occupancy = this.#store.occupancy;
    if (occupancy > this.#counters.maxOccupancy) this.#counters.maxOccupancy = occupancy;
  }

  #checkPrediction(keyId: number): void {
    if (this.#isScored && this.#prediction === keyId) {
      this.#counters.correctPredictions++;
    }
    this.#prediction = -1;
  }

  #onEvict(keyId: number, sizeBytes: number): void {
    const counters = this.#counters;
    const isScored = this.#isScored;
    if (isScored) counters.evictions++;
    if (this.#clearPrefetchedUnused(keyId)) {
      if (isScored) {
        counters.wastedPrefetches++;
        counters.wastedPrefetchBytes += sizeBytes;
      }
    } else if (this.#isInsertingPrefetch && isScored) {
      counters.pollutingEvictions++;
    }
    this.#policy.onEvict?.(keyId);
  }

  #countLeftovers(): void {
    if (this.#prefetchedUnusedCount > 0) {
      for (const keyId of this.#store.residentKeys()) {
        if ((this.#flags[keyId] & PREFETCHED_UNUSED) !== 0) this.#counters.unusedAtEnd++;
      }
    }
    this.#counters.inFlightAtEnd += this.#inFlight.unclaimedPrefetches();
    this.#counters.finalOccupancy = this.#store.occupancy;
  }
}

import { performance } from 'node:perf_hooks';
import type { Trace } from '../trace/trace.js';
import {
  Outcome,
  type OutcomeCode,
  type Policy,
  type PrefetchSink,
  type RequestEvent,
} from '../policies/policy.js';
import { LruStore, type Capacity } from './cache.js';
import { FetchQueue } from './event-queue.js';
import { emptyCounters, type ReplayCounters } from './metrics.js';

/** Settings of one replay. */
export interface ReplayOptions {
  capacity: Capacity;
  /** First scored request; earlier ones warm the cache and are not counted. */
  scoredStart: number;
  /** Time from a fetch's start to its completion, in trace time units. */
  fetchLatency: number;
  /** Time from a request to the start of the prefetches it triggers. */
  predictionLatency: number;
  /** Time one in this many `onRequest` calls, for overhead percentiles. */
  timingSampleEvery?: number;
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
  /** Sampled wall time of `onRequest` calls, in milliseconds. */
  onRequestMs: Float64Array;
  /** Wall time of the whole replay loop, in milliseconds. */
  replayMs: number;
}

const NOT_IN_FLIGHT = -1;
const DEFAULT_TIMING_SAMPLE_EVERY = 8;

/**
 * Replays a trace through an LRU cache and a policy as a discrete-event
 * simulation. Fetch completions wait in a time-ordered queue; request arrivals
 * come from the trace in file order, and before each arrival every completion
 * due at or before its time is applied. A clock that would step backwards
 * (out-of-order timestamps) is held at its latest value.
 */
export class ReplayEngine implements PrefetchSink {
  readonly #trace: Trace;
  readonly #policy: Policy;
  readonly #options: ReplayOptions;
  readonly #store: LruStore;
  readonly #queue = new FetchQueue();
  readonly #counters = emptyCounters();
  /** Completion time of the fetch in flight per key, or NOT_IN_FLIGHT. */
  #inFlightUntil: Float64Array;
  /** 1 while a key's in-flight fetch is a prefetch not yet requested. */
  #inFlightPrefetch: Uint8Array;
  /** 1 while a resident key was prefetched and not yet requested. */
  #prefetchedUnused: Uint8Array;
  /** Last size seen per key; prefetches use it as the object size. */
  #lastSizeBytes: Float64Array;
  #clock = -Infinity;
  #isScored = false;
  #prediction = -1;
  #issuedPerRequest = new Uint32Array(0);
  readonly #event: RequestEvent = {
    index: 0,
    keyId: 0,
    time: 0,
    sizeBytes: 0,
    outcome: Outcome.Miss,
    isScored: false,
  };

  constructor(trace: Trace, policy: Policy, options: ReplayOptions) {
    this.#trace = trace;
    this.#policy = policy;
    this.#options = options;
    const keySpace = trace.keys.length;
    this.#inFlightUntil = new Float64Array(keySpace).fill(NOT_IN_FLIGHT);
    this.#inFlightPrefetch = new Uint8Array(keySpace);
    this.#prefetchedUnused = new Uint8Array(keySpace);
    this.#lastSizeBytes = new Float64Array(keySpace).fill(1);
    this.#store = new LruStore(options.capacity, (keyId, sizeBytes) =>
      this.#onEvict(keyId, sizeBytes),
    );
  }

  /** Runs the replay once; an engine is not reusable. */
  run(): ReplayResult {
    const trace = this.#trace;
    const { scoredStart } = this.#options;
    const sampleEvery =
      this.#options.timingSampleEvery ?? DEFAULT_TIMING_SAMPLE_EVERY;
    const scoredCount = Math.max(0, trace.length - scoredStart);
    const outcomes = new Uint8Array(scoredCount);
    this.#issuedPerRequest = new Uint32Array(scoredCount);
    const samples = new Float64Array(Math.ceil(scoredCount / sampleEvery));
    let sampleCount = 0;
    const started = performance.now();
    for (let i = 0; i < trace.length; i++) {
      this.#isScored = i >= scoredStart;
      const outcome = this.#serve(i);
      if (this.#isScored) outcomes[i - scoredStart] = outcome;
      // A fetch that completes at once (zero latency) lands before the
      // policy is asked, so the policy sees the cache as the request left it.
      this.#completeUntil(this.#clock);
      const isSampled = this.#isScored && (i - scoredStart) % sampleEvery === 0;
      const before = isSampled ? performance.now() : 0;
      this.#notifyPolicy(i, outcome);
      if (isSampled) samples[sampleCount++] = performance.now() - before;
    }
    this.#completeUntil(this.#clock);
    this.#countLeftovers();
    return {
      counters: this.#counters,
      outcomes,
      issuedPrefetchesPerRequest: this.#issuedPerRequest,
      onRequestMs: samples.slice(0, sampleCount),
      replayMs: performance.now() - started,
    };
  }

  /** Serves request `i` from the cache or the backend; returns its outcome. */
  #serve(i: number): OutcomeCode {
    const trace = this.#trace;
    const keyId = trace.keyIds[i];
    const sizeBytes = trace.sizes[i];
    if (trace.times[i] > this.#clock) this.#clock = trace.times[i];
    this.#completeUntil(this.#clock);
    this.#checkPrediction(keyId);
    this.#lastSizeBytes[keyId] = sizeBytes;
    const counters = this.#counters;
    const isScored = this.#isScored;
    if (isScored) {
      counters.requests++;
      counters.requestedBytes += sizeBytes;
    }
    if (this.#store.get(keyId)) {
      if (this.#prefetchedUnused[keyId] === 1) {
        this.#prefetchedUnused[keyId] = 0;
        if (isScored) counters.usefulPrefetches++;
      }
      if (isScored) {
        counters.hits++;
        counters.hitBytes += sizeBytes;
      }
      return Outcome.Hit;
    }
    const until = this.#inFlightUntil[keyId];
    if (until !== NOT_IN_FLIGHT) {
      if (this.#inFlightPrefetch[keyId] === 1) {
        this.#inFlightPrefetch[keyId] = 0;
        if (isScored) {
          counters.usefulPrefetches++;
          counters.latePrefetches++;
        }
      }
      if (isScored) {
        counters.delayedHits++;
        counters.totalLatency += until - this.#clock;
      }
      return Outcome.DelayedHit;
    }
    if (isScored) {
      counters.misses++;
      counters.totalLatency += this.#options.fetchLatency;
    }
    this.#startFetch(keyId, this.#clock, false);
    return Outcome.Miss;
  }

  #notifyPolicy(i: number, outcome: OutcomeCode): void {
    const event = this.#event;
    event.index = i;
    event.keyId = this.#trace.keyIds[i];
    event.time = this.#clock;
    event.sizeBytes = this.#trace.sizes[i];
    event.outcome = outcome;
    event.isScored = this.#isScored;
    this.#prediction = -1;
    this.#policy.onRequest(event, this);
  }

  /** Accepts a prefetch from the policy; see `PrefetchSink`. */
  push(keyId: number): void {
    if (!this.#isScored) return;
    if (!Number.isInteger(keyId) || keyId < 0 || keyId >= this.#trace.keys.length) {
      throw new RangeError(
        `policy ${this.#policy.label} asked to prefetch key id ${keyId}, which is not a key id of the trace (0..${this.#trace.keys.length - 1})`,
      );
    }
    const counters = this.#counters;
    if (this.#prediction === -1) {
      this.#prediction = keyId;
      counters.predictions++;
    }
    if (this.#store.has(keyId) || this.#inFlightUntil[keyId] !== NOT_IN_FLIGHT) {
      counters.redundantPrefetches++;
      return;
    }
    counters.issuedPrefetches++;
    this.#issuedPerRequest[this.#event.index - this.#options.scoredStart]++;
    const start = this.#clock + this.#options.predictionLatency;
    this.#startFetch(keyId, start, true);
  }

  #startFetch(keyId: number, start: number, isPrefetch: boolean): void {
    const completion = start + this.#options.fetchLatency;
    this.#inFlightUntil[keyId] = completion;
    this.#inFlightPrefetch[keyId] = isPrefetch ? 1 : 0;
    this.#queue.push(completion, keyId, isPrefetch);
    if (this.#isScored) {
      this.#counters.fetches++;
      this.#counters.fetchedBytes += this.#lastSizeBytes[keyId];
    }
  }

  /** Applies every fetch completion due at or before `time`. */
  #completeUntil(time: number): void {
    const queue = this.#queue;
    while (queue.size > 0 && queue.peekTime() <= time) {
      const keyId = queue.peekKeyId();
      queue.pop();
      this.#inFlightUntil[keyId] = NOT_IN_FLIGHT;
      // A prefetch that a request already claimed while in flight enters the
      // cache as an ordinary demand-fetched object.
      this.#prefetchedUnused[keyId] = this.#inFlightPrefetch[keyId];
      this.#inFlightPrefetch[keyId] = 0;
      this.#store.set(keyId, this.#lastSizeBytes[keyId]);
    }
  }

  #checkPrediction(keyId: number): void {
    if (this.#prediction !== -1 && this.#isScored) {
      if (this.#prediction === keyId) this.#counters.correctPredictions++;
    }
    this.#prediction = -1;
  }

  #onEvict(keyId: number, sizeBytes: number): void {
    if (this.#isScored) this.#counters.evictions++;
    if (this.#prefetchedUnused[keyId] === 1) {
      this.#prefetchedUnused[keyId] = 0;
      if (this.#isScored) {
        this.#counters.wastedPrefetches++;
        this.#counters.wastedPrefetchBytes += sizeBytes;
      }
    }
    this.#policy.onEvict?.(keyId);
  }

  #countLeftovers(): void {
    for (const keyId of this.#store.residentKeys()) {
      if (this.#prefetchedUnused[keyId] === 1) this.#counters.unusedAtEnd++;
    }
    for (let keyId = 0; keyId < this.#inFlightPrefetch.length; keyId++) {
      if (this.#inFlightPrefetch[keyId] === 1) this.#counters.inFlightAtEnd++;
    }
  }
}

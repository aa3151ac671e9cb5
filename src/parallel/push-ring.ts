import { MAX_PUSHES_PER_REQUEST } from '../policies/policy.js';
import { errorOf } from './failure.js';
import type { WorkerFailure } from './messages.js';

/**
 * Shared memory between a policy thread, which calls a policy for runs of
 * requests ahead of the replay, and the replay thread, which takes each
 * run's pushes in order. Runs go through a ring of slots: the policy
 * thread fills a free slot and marks it full, and the replay thread takes
 * it and marks it free again. Both sides block with `Atomics.wait`,
 * because the replay loop is synchronous and cannot await.
 *
 * With log-normal fetch latencies, the policy thread also makes the
 * replay's latency draws, in blocks that go round a second ring the same
 * way. It has time to spare, while the draws took about a tenth of the
 * replay thread's time (next-key on the 10M-request cloudPhysicsIO trace).
 * The policy thread waits for either ring on one word, which the replay
 * thread bumps whenever it frees a slot or a block.
 */

/** Slots in the ring: runs the policy thread may be ahead by. */
export const RING_SLOTS = 4;
/**
 * Keys a slot holds: pushes of one run, at most. As many as one request
 * may push, so that a request always fits a slot of its own.
 */
export const SLOT_KEYS = MAX_PUSHES_PER_REQUEST;

const FREE = 0;
const FULL = 1;

/** Blocks of latency draws in their ring, and draws per block. */
export const DRAW_BLOCKS = 4;
export const BLOCK_DRAWS = 8192;

/** Header words: the state of each slot, then these. */
const FAILED = RING_SLOTS;
const SAMPLE_COUNT = RING_SLOTS + 1;
/** Bumped by the replay thread whenever it frees a slot or a block. */
const WAKE = RING_SLOTS + 2;
/** Set once the replay needs no more draws. */
const STOP = RING_SLOTS + 3;
/** The request the policy thread called last, noted every few requests. */
const PROGRESS = RING_SLOTS + 4;
/** First of the draw blocks' states. */
const DRAW_STATES = RING_SLOTS + 5;
const HEADER_WORDS = DRAW_STATES + DRAW_BLOCKS;
/** Per slot: first request of the run, and requests it covers. */
const RUN_WORDS = 2;
const MESSAGE_BYTES = 16384;
/** How often a waiting replay thread checks the policy thread's progress. */
const PROGRESS_CHECK_MS = 1000;

/** A stream of latency draws, which the policy thread copies into blocks. */
export interface DrawSource {
  /** Writes the next `out.length` draws of the stream into `out`. */
  fill(out: Float64Array): void;
}

/** The buffers of a ring, as sent to the policy thread. */
export interface RingBuffers {
  readonly header: SharedArrayBuffer;
  readonly runs: SharedArrayBuffer;
  readonly starts: SharedArrayBuffer;
  readonly keys: SharedArrayBuffer;
  readonly samples: SharedArrayBuffer;
  readonly failure: SharedArrayBuffer;
  /** Latency draws, or an empty buffer when the policy thread makes none. */
  readonly draws: SharedArrayBuffer;
}

/**
 * Allocates a ring for runs of up to `runLength` requests and up to
 * `maxSamples` timed calls, with blocks for latency draws if `withDraws`.
 */
export function ringBuffers(runLength: number, maxSamples: number, withDraws: boolean): RingBuffers {
  return {
    draws: new SharedArrayBuffer(withDraws ? DRAW_BLOCKS * BLOCK_DRAWS * Float64Array.BYTES_PER_ELEMENT : 0),
    header: new SharedArrayBuffer(HEADER_WORDS * Int32Array.BYTES_PER_ELEMENT),
    runs: new SharedArrayBuffer(RING_SLOTS * RUN_WORDS * Int32Array.BYTES_PER_ELEMENT),
    starts: new SharedArrayBuffer(RING_SLOTS * (runLength + 1) * Int32Array.BYTES_PER_ELEMENT),
    keys: new SharedArrayBuffer(RING_SLOTS * SLOT_KEYS * Int32Array.BYTES_PER_ELEMENT),
    samples: new SharedArrayBuffer(Math.max(1, maxSamples) * Float64Array.BYTES_PER_ELEMENT),
    failure: new SharedArrayBuffer(MESSAGE_BYTES),
  };
}

/** Typed views of a ring's buffers, the same on both threads. */
export class PushRing {
  readonly #header: Int32Array;
  readonly #runs: Int32Array;
  readonly #starts: Int32Array;
  readonly #keys: Int32Array;
  readonly samples: Float64Array;
  readonly #failure: Uint8Array;
  readonly #draws: Float64Array;
  readonly #stride: number;
  /** Policy thread: the draw block to fill next. */
  #blockToFill = 0;

  constructor(buffers: RingBuffers) {
    this.#header = new Int32Array(buffers.header);
    this.#runs = new Int32Array(buffers.runs);
    this.#starts = new Int32Array(buffers.starts);
    this.#keys = new Int32Array(buffers.keys);
    this.samples = new Float64Array(buffers.samples);
    this.#failure = new Uint8Array(buffers.failure);
    this.#draws = new Float64Array(buffers.draws);
    this.#stride = this.#starts.length / RING_SLOTS;
  }

  /** Offsets of each request's first push in the slot's keys. */
  startsOf(slot: number): Int32Array {
    return this.#starts.subarray(slot * this.#stride, (slot + 1) * this.#stride);
  }

  keysOf(slot: number): Int32Array {
    return this.#keys.subarray(slot * SLOT_KEYS, (slot + 1) * SLOT_KEYS);
  }

  firstOf(slot: number): number {
    return this.#runs[slot * RUN_WORDS];
  }

  coveredOf(slot: number): number {
    return this.#runs[slot * RUN_WORDS + 1];
  }

  get sampleCount(): number {
    return Atomics.load(this.#header, SAMPLE_COUNT);
  }

  /**
   * Policy thread: blocks until the slot is free, filling draw blocks from
   * `draws` meanwhile. The replay thread bumps the wake word when it frees
   * a draw block, so a replay waiting for draws wakes this thread, which
   * fills the block before it waits again.
   */
  waitFree(slot: number, draws: DrawSource | undefined): void {
    for (;;) {
      // Read before the checks: a release after them changes it, so the
      // wait returns at once instead of missing that release.
      const seen = Atomics.load(this.#header, WAKE);
      if (draws !== undefined) this.fillDraws(draws);
      if (Atomics.load(this.#header, slot) === FREE) return;
      Atomics.wait(this.#header, WAKE, seen);
    }
  }

  /** Policy thread: fills the free draw blocks, in ring order. */
  fillDraws(draws: DrawSource): void {
    while (Atomics.load(this.#header, DRAW_STATES + this.#blockToFill) === FREE) {
      const block = this.#blockToFill;
      draws.fill(this.#blockOf(block));
      Atomics.store(this.#header, DRAW_STATES + block, FULL);
      Atomics.notify(this.#header, DRAW_STATES + block);
      this.#blockToFill = (block + 1) % DRAW_BLOCKS;
    }
  }

  /**
   * Policy thread, after its last run: keeps filling draw blocks until the
   * replay thread calls `stop`.
   */
  serveDraws(draws: DrawSource): void {
    for (;;) {
      const seen = Atomics.load(this.#header, WAKE);
      if (Atomics.load(this.#header, STOP) !== 0) return;
      this.fillDraws(draws);
      Atomics.wait(this.#header, WAKE, seen);
    }
  }

  /** Policy thread: hands a filled slot to the replay thread. */
  publish(slot: number, first: number, covered: number, sampleCount: number): void {
    this.#runs[slot * RUN_WORDS] = first;
    this.#runs[slot * RUN_WORDS + 1] = covered;
    Atomics.store(this.#header, SAMPLE_COUNT, sampleCount);
    Atomics.store(this.#header, slot, FULL);
    Atomics.notify(this.#header, slot);
  }

  /** Policy thread: notes the request it calls now, so a slow policy is not taken for a stalled one. */
  noteProgress(request: number): void {
    Atomics.store(this.#header, PROGRESS, request);
  }

  /**
   * Replay thread: blocks until the slot is full, or throws the policy
   * thread's error. `onStall` runs once the policy thread has made no
   * progress for `stallMs`, so that a thread that stopped without a word
   * does not block the replay for ever.
   */
  waitFull(slot: number, stallMs: number, onStall: () => never): void {
    this.#waitWhileFree(slot, stallMs, onStall);
  }

  /** Replay thread: returns a slot it has read to the policy thread. */
  release(slot: number): void {
    Atomics.store(this.#header, slot, FREE);
    this.#wake();
  }

  /**
   * Replay thread: blocks until the draw block is full, then returns its
   * draws; throws as `waitFull` does.
   */
  takeDraws(block: number, stallMs: number, onStall: () => never): Float64Array {
    this.#waitWhileFree(DRAW_STATES + block, stallMs, onStall);
    return this.#blockOf(block);
  }

  #waitWhileFree(state: number, stallMs: number, onStall: () => never): void {
    let progress = Atomics.load(this.#header, PROGRESS);
    let progressAt = performance.now();
    while (Atomics.load(this.#header, state) !== FULL) {
      if (Atomics.load(this.#header, FAILED) !== 0) throw this.#failureError();
      if (Atomics.wait(this.#header, state, FREE, PROGRESS_CHECK_MS) !== 'timed-out') continue;
      const now = Atomics.load(this.#header, PROGRESS);
      if (now !== progress) {
        progress = now;
        progressAt = performance.now();
      } else if (performance.now() - progressAt >= stallMs) {
        onStall();
      }
    }
  }

  /** Replay thread: returns a draw block it has used up. */
  releaseDraws(block: number): void {
    Atomics.store(this.#header, DRAW_STATES + block, FREE);
    this.#wake();
  }

  /** Replay thread: stops the policy thread's draws for good. */
  stop(): void {
    Atomics.store(this.#header, STOP, 1);
    this.#wake();
  }

  #wake(): void {
    Atomics.add(this.#header, WAKE, 1);
    Atomics.notify(this.#header, WAKE);
  }

  #blockOf(block: number): Float64Array {
    return this.#draws.subarray(block * BLOCK_DRAWS, (block + 1) * BLOCK_DRAWS);
  }

  /** Policy thread: records its error and wakes the replay thread. */
  fail(failure: WorkerFailure): void {
    const text = encodeToFit(failure, MESSAGE_BYTES);
    this.#failure.set(text);
    Atomics.store(this.#header, FAILED, text.length);
    for (let slot = 0; slot < RING_SLOTS; slot++) Atomics.notify(this.#header, slot);
    for (let block = 0; block < DRAW_BLOCKS; block++) Atomics.notify(this.#header, DRAW_STATES + block);
  }

  /** Returns the policy thread's error as plain data, or undefined. */
  failure(): WorkerFailure | undefined {
    const length = Atomics.load(this.#header, FAILED);
    if (length === 0) return undefined;
    const text = new TextDecoder().decode(this.#failure.slice(0, length));
    try {
      return JSON.parse(text) as WorkerFailure;
    } catch {
      return { name: 'Error', message: text };
    }
  }

  #failureError(): Error {
    return errorOf(this.failure()!);
  }
}

/**
 * Encodes the failure as JSON of at most `bytes` bytes: without its stack
 * if need be, then with its message cut short, so that the JSON stays
 * whole and the message keeps its start.
 */
function encodeToFit(failure: WorkerFailure, bytes: number): Uint8Array {
  const encoder = new TextEncoder();
  let text = encoder.encode(JSON.stringify(failure));
  if (text.length <= bytes) return text;
  const { stack: _stack, ...withoutStack } = failure;
  let message = failure.message;
  for (;;) {
    text = encoder.encode(JSON.stringify({ ...withoutStack, message }));
    if (text.length <= bytes) return text;
    // Cut by code points, so no character is split.
    const points = Array.from(message);
    if (points.length <= 1) return encoder.encode(JSON.stringify({ name: 'Error', message: 'the policy thread failed, with an error too long to pass on' }));
    message = `${points.slice(0, Math.floor(points.length * 0.9) - 1).join('')}…`;
  }
}

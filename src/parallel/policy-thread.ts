import { Worker } from 'node:worker_threads';
import { WorkerStoppedError } from '../errors.js';
import { keyIdArrays } from '../policies/isolate.js';
import type { ParamValues } from '../policies/params.js';
import type { PolicyReport } from '../policies/policy.js';
import type { RunSettings } from '../policies/registry-types.js';
import type { AheadPushes } from '../sim/engine.js';
import type { LatencySource } from '../sim/latency.js';
import type { Trace } from '../trace/trace.js';
import { builtWorkerPath, compiledWorkerScript } from '../worker-script.js';
import { errorOf } from './failure.js';
import type { SharedTrace, WorkerFailure } from './messages.js';
import { DRAW_BLOCKS, PushRing, RING_SLOTS, ringBuffers, type RingBuffers } from './push-ring.js';
import { sharedTrace } from './shared-trace.js';

/**
 * Maximum wait for pushes or draws while the policy thread makes no
 * progress, once the policy is prepared. The thread notes its progress
 * every few calls, so a wait this long means it stopped, or one policy
 * call took about that long.
 */
const STALL_MS = 60_000;

/** Setup message of a policy thread: how to build, prepare and call its policy. */
export interface PolicySetup {
  trace: SharedTrace;
  /** The key id translation of the replay thread (see `keyIdArrays`). */
  toPolicy: Uint32Array;
  toEngine: Uint32Array;
  trainEnd: number;
  /** Registry id or module path of the policy. */
  policy: string;
  params: ParamValues;
  label: string;
  settings: RunSettings;
  /** One scored call in this many is timed, as the engine would. */
  sampleEvery: number;
  /** Log-normal latencies whose draws the thread makes for the replay. */
  draws?: { median: number; p99: number; seed: number };
  ring: RingBuffers;
}

/** Message from a policy thread to the replay thread. */
export type PolicyThreadMessage =
  | { type: 'ready' }
  | { type: 'done'; report: PolicyReport }
  | { type: 'failed'; failure: WorkerFailure };

/** The policy of one replay and how to run it, for `PolicyThread.start`. */
export type PolicyThreadOptions = Omit<PolicySetup, 'trace' | 'toPolicy' | 'toEngine' | 'ring'> & {
  trace: Trace;
  /** Timed calls, at most. */
  maxSamples: number;
  /** Requests in a run, at most: the replay's ahead runs. */
  runLength: number;
};

/**
 * A policy that ignores outcomes, called on a worker thread for runs of
 * requests ahead of the replay, which takes the pushes of each run
 * (`AheadPushes`). The replay and the policy then use a core each: on a
 * 10M-request Zipf trace with a million keys, the policy's calls took
 * about as long as the replay's own work. The thread builds and prepares
 * its own instance of the policy, so a policy must give the same pushes
 * for the same requests, as `simulate check-policy` demands.
 */
export class PolicyThread implements AheadPushes {
  readonly #thread: Worker;
  readonly #ring: PushRing;
  readonly #ready: Promise<void>;
  readonly #report: Promise<PolicyReport>;
  /** Slot to take next, and the slot held since the last take, or -1. */
  #next = 0;
  #held = -1;

  /** The draws made by the thread, when it makes them. */
  readonly latency: LatencySource | undefined;

  private constructor(thread: Worker, ring: PushRing, latency: LatencySource | undefined) {
    this.#thread = thread;
    this.#ring = ring;
    this.latency = latency;
    const stopped = new Promise<never>((_resolve, reject) => {
      thread.on('error', (thrown) => reject(new WorkerStoppedError('policy thread', { thrown })));
      thread.on('exit', (exitCode) => reject(new WorkerStoppedError('policy thread', { exitCode })));
    });
    const message = (type: PolicyThreadMessage['type']) =>
      new Promise<PolicyThreadMessage>((resolve, reject) => {
        thread.on('message', (received: PolicyThreadMessage) => {
          if (received.type === 'failed') reject(errorOf(received.failure));
          else if (received.type === type) resolve(received);
        });
      });
    this.#ready = Promise.race([message('ready'), stopped]).then(() => {});
    this.#report = Promise.race([message('done'), stopped]).then((done) =>
      done.type === 'done' ? done.report : {},
    );
    // Whichever of these no caller awaits must not reject unhandled.
    this.#ready.catch(() => {});
    this.#report.catch(() => {});
  }

  /** Starts the thread, which builds and prepares its policy at once. */
  static start(options: PolicyThreadOptions): PolicyThread {
    const script = compiledWorkerScript(import.meta.url, 'parallel', 'policy-worker.js');
    if (script === undefined) {
      const path = builtWorkerPath(import.meta.url, 'parallel', 'policy-worker.js');
      throw new Error(`policy worker not found at ${path}; run npm run build first`);
    }
    const buffers = ringBuffers(options.runLength, options.maxSamples, options.draws !== undefined);
    const { toPolicy, toEngine } = keyIdArrays(options.trace, options.trainEnd);
    const { trace, maxSamples: _maxSamples, runLength: _runLength, ...policy } = options;
    const setup: PolicySetup = { ...policy, trace: sharedTrace(trace), toPolicy, toEngine, ring: buffers };
    const thread = new Worker(script);
    thread.postMessage(setup);
    const ring = new PushRing(buffers);
    return new PolicyThread(thread, ring, options.draws === undefined ? undefined : new DrawsFromThread(ring));
  }

  /** Resolves once the policy is prepared; rejects with its error. */
  ready(): Promise<void> {
    return this.#ready;
  }

  take(first: number, end: number): { covered: number; starts: Int32Array; keys: Int32Array } {
    this.#releaseHeld();
    const slot = this.#next;
    this.#ring.waitFull(slot, STALL_MS, () => {
      throw new Error(`policy thread made no progress for ${STALL_MS / 1000} s while the replay waited for requests from ${first}`);
    });
    if (this.#ring.firstOf(slot) !== first) {
      throw new Error(`policy thread sent requests from ${this.#ring.firstOf(slot)}, but the replay is at ${first}`);
    }
    const covered = this.#ring.coveredOf(slot);
    if (covered > end - first) {
      throw new Error(`policy thread sent ${covered} requests from ${first}, past the replay's run end ${end}`);
    }
    this.#held = slot;
    this.#next = (slot + 1) % RING_SLOTS;
    return { covered, starts: this.#ring.startsOf(slot), keys: this.#ring.keysOf(slot) };
  }

  samples(): Float64Array {
    this.#releaseHeld();
    return this.#ring.samples.slice(0, this.#ring.sampleCount);
  }

  /** Returns the report of the thread's policy, once it has made every run. */
  report(): Promise<PolicyReport> {
    return this.#report;
  }

  async terminate(): Promise<void> {
    this.#ring.stop();
    await this.#thread.terminate();
  }

  #releaseHeld(): void {
    if (this.#held === -1) return;
    this.#ring.release(this.#held);
    this.#held = -1;
  }
}

/**
 * The latency draws that a policy thread makes, taken block by block: the
 * same stream, in the same order, as the engine's own `LognormalLatency`
 * with the same parameters and seed would give.
 */
class DrawsFromThread implements LatencySource {
  readonly isZero = false;
  readonly #ring: PushRing;
  #draws: Float64Array<ArrayBufferLike> = new Float64Array(0);
  #next = 0;
  /** Block in use, or -1 before the first draw. */
  #block = -1;

  constructor(ring: PushRing) {
    this.#ring = ring;
  }

  next(): number {
    if (this.#next === this.#draws.length) this.#takeBlock();
    return this.#draws[this.#next++];
  }

  #takeBlock(): void {
    if (this.#block !== -1) this.#ring.releaseDraws(this.#block);
    this.#block = (this.#block + 1) % DRAW_BLOCKS;
    this.#draws = this.#ring.takeDraws(this.#block, STALL_MS, () => {
      throw new Error(`policy thread made no progress for ${STALL_MS / 1000} s while the replay waited for latency draws`);
    });
    this.#next = 0;
  }
}

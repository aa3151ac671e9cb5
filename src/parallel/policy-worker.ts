/**
 * Policy thread entry: builds and prepares one policy that ignores
 * outcomes, calls it for every request of the trace in runs, as the
 * replay engine's `#callAhead` would, and hands each run's pushes to the
 * replay thread through a `PushRing`. Then it posts the policy's report.
 * With log-normal fetch latencies, it also makes the replay's draws until
 * the replay thread stops it.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { NeverSettledError } from '../errors.js';
import { IsolatedPolicy, adoptKeyIds } from '../policies/isolate.js';
import { resolvePolicies } from '../policies/loader.js';
import type { PrefetchSink, RequestEvent } from '../policies/policy.js';
import { AHEAD_REQUESTS } from '../sim/engine.js';
import { LognormalLatency } from '../sim/latency.js';
import { withKeyTable } from '../trace/key-table.js';
import type { Trace } from '../trace/trace.js';
import { failureOf } from './failure.js';
import type { PolicySetup, PolicyThreadMessage } from './policy-thread.js';
import { PushRing, RING_SLOTS, SLOT_KEYS } from './push-ring.js';

const port = parentPort!;
/** The thread notes its progress once every 64 requests: a request index with these bits clear. */
const PROGRESS_EVERY_MASK = 63;

/** Setup of the policy being built and prepared, until it is ready or fails. */
let preparing: PolicySetup | undefined;

/** Marks the preparation over: from now on the port keeps this thread alive. */
function endPreparing(): void {
  preparing = undefined;
  port.ref();
}

// While the policy is built and prepared, the port does not keep this
// thread alive. An event loop that empties then means that the policy
// awaits a promise that can never settle, and the replay thread, waiting
// for 'ready', would wait forever.
process.on('beforeExit', () => {
  if (preparing === undefined) return;
  const run = `--policy ${preparing.policy}`;
  endPreparing();
  post({ type: 'failed', failure: failureOf(new NeverSettledError(run)) });
});

// `on` rather than `once`: the listener keeps the thread alive after its
// report, so that the thread never exits before the replay thread has
// read every message, and ends only when that thread terminates it.
let hasStarted = false;
port.on('message', async (setup: PolicySetup) => {
  if (hasStarted) return;
  hasStarted = true;
  preparing = setup;
  port.unref();
  const ring = new PushRing(setup.ring);
  // A policy that calls process.exit ends this thread, and the replay
  // thread, blocked in Atomics.wait, would not see the exit event. The
  // replay thread ends this thread only after it has read every run, so a
  // failure recorded then is never read.
  process.on('exit', (code) => {
    if (ring.failure() !== undefined) return;
    ring.fail({ name: 'Error', message: `policy thread exited with code ${code} while the replay needed it; does the policy call process.exit?` });
  });
  try {
    const trace = withKeyTable(setup.trace.fields, setup.trace.keyTable);
    adoptKeyIds(trace, setup.trainEnd, setup.toPolicy, setup.toEngine);
    const [entry] = await resolvePolicies([setup.policy]);
    const inner = entry.create({ params: setup.params, label: setup.label, settings: setup.settings });
    const policy = new IsolatedPolicy(inner, trace, setup.trainEnd);
    await policy.runPrepare({ seed: setup.settings.seed, log: () => {} });
    endPreparing();
    const { draws: spec } = setup;
    const draws = spec === undefined ? undefined : new LognormalLatency(spec.median, spec.p99, spec.seed);
    post({ type: 'ready' });
    callInRuns(policy, trace, setup, ring, draws);
    post({ type: 'done', report: policy.report() });
    if (draws !== undefined) ring.serveDraws(draws);
  } catch (error) {
    endPreparing();
    const failure = failureOf(error);
    ring.fail(failure);
    post({ type: 'failed', failure });
  }
});

function post(message: PolicyThreadMessage): void {
  port.postMessage(message);
}

/**
 * Records the keys pushed for the request being handled; pushes during
 * warm-up are dropped, as the engine drops them.
 */
class RecordingSink implements PrefetchSink {
  keys = new Int32Array(64);
  count = 0;
  isScored = false;

  push(keyId: number): void {
    if (!this.isScored) return;
    if (this.count === this.keys.length) {
      const grown = new Int32Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.keys[this.count++] = keyId;
  }
}

/**
 * Calls the policy for requests in the engine's runs: warm-up, then scored
 * requests, AHEAD_REQUESTS at a time. A run ends early when its pushes
 * would overflow the slot; the replay thread follows the runs as given.
 */
function callInRuns(
  policy: IsolatedPolicy,
  trace: Trace,
  setup: PolicySetup,
  ring: PushRing,
  draws: LognormalLatency | undefined,
): void {
  const { keyIds, sizes, times, length } = trace;
  const scoredStart = Math.min(setup.trainEnd, length);
  const event: RequestEvent = { index: 0, keyId: 0, time: 0, sizeBytes: 0, outcome: 0, isScored: false };
  const sink = new RecordingSink();
  const samples = ring.samples;
  let sampleCount = 0;
  let untilSample = 1;
  let clock = -Infinity;
  let slot = 0;
  for (const [phaseStart, phaseEnd] of [[0, scoredStart], [scoredStart, length]]) {
    const isScored = phaseStart === scoredStart;
    event.isScored = isScored;
    sink.isScored = isScored;
    let first = phaseStart;
    while (first < phaseEnd) {
      ring.waitFree(slot, draws);
      const starts = ring.startsOf(slot);
      const keys = ring.keysOf(slot);
      const end = Math.min(phaseEnd, first + AHEAD_REQUESTS);
      let pushed = 0;
      let j = first;
      for (; j < end; j++) {
        if ((j & PROGRESS_EVERY_MASK) === 0) ring.noteProgress(j);
        if (times[j] > clock) clock = times[j];
        event.index = j;
        event.keyId = keyIds[j];
        event.time = clock;
        event.sizeBytes = sizes[j];
        sink.count = 0;
        if (isScored && --untilSample === 0) {
          const before = performance.now();
          policy.onRequest!(event, sink);
          samples[sampleCount++] = performance.now() - before;
          untilSample = setup.sampleEvery;
        } else {
          policy.onRequest!(event, sink);
        }
        if (pushed + sink.count > SLOT_KEYS) break;
        starts[j - first] = pushed;
        // A loop, not set(subarray()), which made a view per request.
        for (let p = 0; p < sink.count; p++) keys[pushed + p] = sink.keys[p];
        pushed += sink.count;
      }
      starts[j - first] = pushed;
      ring.publish(slot, first, j - first, sampleCount);
      slot = (slot + 1) % RING_SLOTS;
      if (j < end) {
        // Request j was called, but its pushes did not fit: they open the next run.
        j = carryOver(ring, slot, j, sink, sampleCount, draws);
        slot = (slot + 1) % RING_SLOTS;
      }
      first = j;
    }
  }
}

/**
 * Publishes a run of one request whose pushes were made already; returns
 * the next request. They fit, because the boundary rejects more than
 * SLOT_KEYS pushes after one request.
 */
function carryOver(
  ring: PushRing,
  slot: number,
  index: number,
  sink: RecordingSink,
  sampleCount: number,
  draws: LognormalLatency | undefined,
): number {
  ring.waitFree(slot, draws);
  const starts = ring.startsOf(slot);
  starts[0] = 0;
  starts[1] = sink.count;
  ring.keysOf(slot).set(sink.keys.subarray(0, sink.count));
  ring.publish(slot, index, 1, sampleCount);
  return index + 1;
}

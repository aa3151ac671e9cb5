/**
 * Worker thread entry: replays the (policy, capacity) jobs it is sent
 * against the trace it received first, one at a time, and posts each run
 * back. The trace's columns live in shared memory, so no worker copies
 * them.
 */
import { parentPort } from 'node:worker_threads';
import { summariseRun } from '../eval/run-summary.js';
import { metricsWindowBounds } from '../eval/window-bounds.js';
import { simulate, type PolicyRun } from '../simulate.js';
import { withKeyTable } from '../trace/key-table.js';
import type { Trace } from '../trace/trace.js';
import { failureOf } from './failure.js';
import type { JobMessage, TraceMessage, WorkerMessage } from './messages.js';

const port = parentPort!;
let trace: Trace | undefined;

// Runs are copied to the main thread, never transferred. A transfer
// detaches the ArrayBuffer, and the first detached buffer in a thread
// invalidates V8's ArrayBufferDetaching protector there. Optimised code
// then checks every typed-array access for it, and the replays that
// followed ran 10 to 25% slower (Node 20, 2-core AMD EPYC).
function post(message: WorkerMessage): void {
  port.postMessage(message);
}

/**
 * Returns the run with empty per-request arrays, for a run sent with its
 * summary: the summary carries all that the evaluation reads from them,
 * and copying them (50 MB for ten million requests) would cost both
 * threads time.
 */
function withoutRequestArrays(run: PolicyRun): PolicyRun {
  return {
    ...run,
    outcomes: new Uint8Array(0),
    issuedPrefetchesPerRequest: new Uint32Array(0),
    waitLatencies: new Float64Array(0),
    onRequestMs: new Float64Array(0),
  };
}

port.on('message', async (message: TraceMessage | JobMessage) => {
  if (message.type === 'trace') {
    trace = withKeyTable(message.trace.fields, message.trace.keyTable);
    return;
  }
  const { index, options, metricsWindows } = message;
  try {
    if (trace === undefined) throw new Error('replay worker got a job before the trace');
    const result = await simulate({
      ...options,
      trace,
      log: (line) => post({ type: 'log', line }),
    });
    const run = result.runs[0];
    if (metricsWindows === undefined) {
      post({ type: 'done', index, run });
      return;
    }
    const bounds = metricsWindowBounds(result.trace.scoredRequests, metricsWindows);
    const summary = summariseRun(run, bounds);
    post({ type: 'done', index, run: withoutRequestArrays(run), summary });
  } catch (error) {
    post({ type: 'failed', index, failure: failureOf(error) });
  }
});

/**
 * Worker thread entry: replays the (policy, capacity) jobs it is sent
 * against the trace it received first, one at a time, and posts each run
 * back. The trace's columns live in shared memory, so no worker copies
 * them.
 */
import { parentPort } from 'node:worker_threads';
import { SimulatorError } from '../errors.js';
import { summariseRun } from '../eval/run-summary.js';
import { metricsWindowBounds } from '../eval/window-bounds.js';
import { simulate } from '../simulate.js';
import { withKeyTable } from '../trace/key-table.js';
import type { Trace } from '../trace/trace.js';
import type {
  JobMessage,
  TraceMessage,
  WorkerFailure,
  WorkerMessage,
} from './messages.js';

const port = parentPort!;
let trace: Trace | undefined;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
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
    const summary =
      metricsWindows === undefined
        ? undefined
        : summariseRun(run, metricsWindowBounds(result.trace.scoredRequests, metricsWindows));
    // Transferred, not copied: a copy of a ten-million-request run would
    // cost the main thread time it needs for the report.
    post({ type: 'done', index, run, summary }, [
      run.outcomes.buffer as ArrayBuffer,
      run.issuedPrefetchesPerRequest.buffer as ArrayBuffer,
      run.waitLatencies.buffer as ArrayBuffer,
      run.onRequestMs.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    post({ type: 'failed', index, failure: failureOf(error) });
  }
});

function failureOf(error: unknown): WorkerFailure {
  if (error instanceof SimulatorError) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      exitCode: error.exitCode,
    };
  }
  const plain = error instanceof Error ? error : new Error(String(error));
  return { name: plain.name, message: plain.message, stack: plain.stack };
}

/**
 * Worker thread entry: receives the trace and the jobs of a sweep, then
 * claims (policy, capacity) jobs one at a time until none is left, replays
 * each, and posts each run back. The trace's columns live in shared
 * memory, so no worker copies them. Once its jobs are done, the worker
 * draws the charts that the main thread sends it.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { NeverSettledError } from '../errors.js';
import { loadChartModules, renderSvg } from '../report/charts.js';
import { formatCapacity } from '../sim/cache.js';
import { withKeyTable } from '../trace/key-table.js';
import type { Trace } from '../trace/trace.js';
import { failureOf } from './failure.js';
import { JobClaims } from './job-claims.js';
import type { JobOptions, JobsMessage, MainMessage, RenderMessage, WorkerMessage } from './messages.js';
import { replayJob } from './replay-job.js';

const port = parentPort!;

// Runs are copied to the main thread, never transferred. A transfer
// detaches the ArrayBuffer, and the first detached buffer in a thread
// invalidates V8's ArrayBufferDetaching protector there. Optimised code
// then checks every typed-array access for it, and the replays that
// followed ran 10 to 25% slower (Node 20, 2-core AMD EPYC).
function post(message: WorkerMessage): void {
  port.postMessage(message);
}

/** The job that this thread is replaying, if any. */
let pendingJob: { index: number; options: JobOptions } | undefined;

// While jobs run, the port does not keep this thread alive, because jobs
// need no message. An event loop that empties with a job pending means the
// job awaits a promise that can never settle, such as a module policy's
// prepare() that never resolves. Without this message the main thread
// would wait for the job forever.
process.on('beforeExit', () => {
  if (pendingJob === undefined) return;
  const { index, options } = pendingJob;
  pendingJob = undefined;
  const run = `--policy ${String(options.policies[0])} at ${formatCapacity(options.capacities[0])}`;
  post({ type: 'failed', index, failure: failureOf(new NeverSettledError(run)) });
  // The port keeps this thread alive until the main thread stops it.
  port.ref();
});

async function replayJobs(message: JobsMessage): Promise<void> {
  const trace = withKeyTable(message.trace.fields, message.trace.keyTable);
  const claims = new JobClaims(message.indices.length, message.claims);
  port.unref();
  const hasFailed = await replayEachClaimed(trace, claims, message);
  // The port keeps this thread alive again, for the render messages to
  // come or, after a failure, until the main thread stops it.
  port.ref();
  if (hasFailed) return;
  claims.noteIdle(threadId);
  post({ type: 'drained' });
  // While other threads finish their last jobs, this core is free to load
  // the chart modules. A failure to load them is reported when rendering.
  if (message.preloadCharts === true) void loadChartModules().catch(() => {});
}

/** Replays jobs until none is left to claim or one fails; returns whether one failed. */
async function replayEachClaimed(trace: Trace, claims: JobClaims, message: JobsMessage): Promise<boolean> {
  const log = (line: string) => post({ type: 'log', line });
  for (let job = claims.next(); job !== undefined; job = claims.next()) {
    const index = message.indices[job];
    pendingJob = { index, options: message.options[job] };
    try {
      const { run, summary } = await replayJob(trace, message.options[job], message.metricsWindows, log);
      post({ type: 'done', index, run, summary });
    } catch (error) {
      post({ type: 'failed', index, failure: failureOf(error) });
      return true;
    } finally {
      pendingJob = undefined;
    }
  }
  return false;
}

async function render({ id, spec }: RenderMessage): Promise<void> {
  try {
    post({ type: 'rendered', id, svg: await renderSvg(spec) });
  } catch (error) {
    post({ type: 'render-failed', id, failure: failureOf(error) });
  }
}

// `on` rather than `once`: the listener keeps the thread alive after its
// last message, so it never exits before the main thread has read them
// all, and ends only when that thread terminates it.
port.on('message', (message: MainMessage) => {
  if (message.type === 'render') void render(message);
  else void replayJobs(message);
});

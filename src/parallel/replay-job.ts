import { summariseRun, type RunSummary } from '../eval/run-summary.js';
import { metricsWindowBounds } from '../eval/window-bounds.js';
import { simulate, type PolicyRun } from '../simulate.js';
import type { Trace } from '../trace/trace.js';
import type { JobOptions } from './messages.js';

/**
 * Replays one (policy, capacity) job of a sweep, on the thread that
 * claimed it. With `metricsWindows`, the run comes back summarised over
 * those windows (see `RunSummary`) and with empty per-request arrays. The
 * summary carries all that the evaluation reads from them, and copying
 * them to another thread would cost 50 MB for ten million requests.
 */
export async function replayJob(
  trace: Trace,
  options: JobOptions,
  metricsWindows: number | undefined,
  log: ((line: string) => void) | undefined,
): Promise<{ run: PolicyRun; summary?: RunSummary }> {
  const result = await simulate({ ...options, trace, log });
  const run = result.runs[0];
  if (metricsWindows === undefined) return { run };
  const bounds = metricsWindowBounds(result.trace.scoredRequests, metricsWindows);
  return { run: withoutRequestArrays(run), summary: summariseRun(run, bounds) };
}

function withoutRequestArrays(run: PolicyRun): PolicyRun {
  return {
    ...run,
    outcomes: new Uint8Array(0),
    issuedPrefetchesPerRequest: new Uint32Array(0),
    waitLatencies: new Float64Array(0),
    onRequestMs: new Float64Array(0),
  };
}

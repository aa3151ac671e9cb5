/**
 * The conformance checks behind `simulate check-policy`: replays of small
 * traces through `simulate`, the same path a real run takes, that test a
 * policy against its contract.
 */
import type { ReplayCounters } from '../sim/metrics.js';
import { simulate, type PolicyRun } from '../simulate.js';
import type { Trace } from '../trace/trace.js';
import {
  divergentTraces,
  traceOfKeys,
  type DivergentTraces,
} from './conformance-traces.js';
import { RecordingPolicy } from './recording-policy.js';
import type { PolicyEntry } from './registry-types.js';

/** Result of one check; `detail` describes what the check saw. */
export interface CheckResult {
  readonly name: string;
  /** True when nothing was found wrong, skipped checks included. */
  readonly isPassed: boolean;
  /** True when the check had nothing to examine; `detail` says why. */
  readonly isSkipped?: boolean;
  readonly detail: string;
}

export interface CheckOptions {
  /** `policy.key=value` parameters, as for `simulate`. */
  readonly params?: readonly string[];
  /** Seed of every replay. Default 42, as `simulate`'s. */
  readonly seed?: number;
}

/** Small enough that the check traces evict often. */
export const CHECK_CAPACITY_OBJECTS = 32;
const CHECK_TRAIN_FRACTION = 0.25;
const DEFAULT_CHECK_SEED = 42;

type Replay =
  | { readonly run: PolicyRun; readonly recording: RecordingPolicy; readonly trace: Trace }
  | { readonly error: string };

/**
 * Runs every check on a policy. The future-access check replays two traces
 * that share their first requests and differ afterwards: a policy that
 * reads only the past must push the same prefetches after each shared
 * request, whatever channel a cheating policy might have used.
 */
export async function checkPolicy(
  entry: PolicyEntry,
  options: CheckOptions = {},
): Promise<CheckResult[]> {
  const results = [
    await checkRuns(entry, [], 'runs on an empty trace', options),
    await checkRuns(entry, [7], 'runs on a one-request trace', options),
  ];
  const traces = divergentTraces();
  const first = await replay(entry, traces.original, options);
  const divergent = await replay(entry, traces.divergent, options);
  const again = await replay(entry, traces.original, options);
  results.push(
    entry.isBound === true
      ? skipped('reads no later request', 'a bound reads the whole trace by design')
      : checkNoFutureAccess(first, divergent, traces),
    checkDeterminism(first, again),
    checkCounters([first, divergent, again]),
    checkCapacity([first, divergent, again]),
  );
  return results;
}

async function replay(
  entry: PolicyEntry,
  trace: Trace,
  options: CheckOptions,
): Promise<Replay> {
  let recording: RecordingPolicy | undefined;
  const recorded: PolicyEntry = {
    ...entry,
    create: (createOptions) => {
      recording = new RecordingPolicy(entry.create(createOptions));
      return recording;
    },
  };
  try {
    const result = await simulate({
      trace,
      policies: [recorded],
      params: options.params,
      capacities: [{ unit: 'objects', objects: CHECK_CAPACITY_OBJECTS }],
      trainFraction: CHECK_TRAIN_FRACTION,
      settings: { seed: options.seed ?? DEFAULT_CHECK_SEED },
    });
    if (recording === undefined) throw new Error('simulate created no policy');
    return { run: result.runs[0], recording, trace };
  } catch (error) {
    return { error: (error as Error)?.message ?? String(error) };
  }
}

async function checkRuns(
  entry: PolicyEntry,
  keys: number[],
  name: string,
  options: CheckOptions,
): Promise<CheckResult> {
  const result = await replay(entry, traceOfKeys(keys, name), options);
  if ('error' in result) return failed(name, `the replay threw: ${result.error}`);
  return passed(name, `${keys.length} request(s) replayed`);
}

function checkNoFutureAccess(
  first: Replay,
  divergent: Replay,
  traces: DivergentTraces,
): CheckResult {
  const name = 'reads no later request';
  if ('error' in first) return crashed(name, first);
  if ('error' in divergent) return crashed(name, divergent);
  const { sharedLength } = traces;
  const a = first.recording.decisions;
  const b = divergent.recording.decisions;
  for (let i = 0; i < sharedLength; i++) {
    if (a[i] === b[i]) continue;
    return failed(
      name,
      `after request ${i} (key ${keyAt(first.trace, i)}) it pushed ${listed(a[i])} on check trace A but ${listed(b[i])} on check trace B; the two traces are identical up to request ${sharedLength - 1}, so this decision depended on a request it had not seen yet (it read a later batch window, kept state from an earlier replay, or used randomness not drawn from the seed)`,
    );
  }
  const pushes = a.slice(0, sharedLength).filter((d) => d !== '').length;
  if (pushes === 0) {
    return skipped(name, `it pushed no prefetch after any of the ${sharedLength} shared requests, so there was no decision to compare`);
  }
  return passed(
    name,
    `same prefetches after each of the ${sharedLength} shared requests of two traces (${pushes} requests with prefetches)`,
  );
}

function checkDeterminism(first: Replay, again: Replay): CheckResult {
  const name = 'deterministic for a seed';
  if ('error' in first) return crashed(name, first);
  if ('error' in again) return crashed(name, again);
  const a = first.recording.decisions;
  const b = again.recording.decisions;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    return failed(
      name,
      `two replays of check trace A with one seed differ after request ${i} (key ${keyAt(first.trace, i)}): ${listed(a[i])}, then ${listed(b[i])}`,
    );
  }
  for (const [field, value] of Object.entries(first.run.counters)) {
    const other = again.run.counters[field as keyof ReplayCounters];
    if (value !== other) {
      return failed(name, `two replays of check trace A with one seed count ${field} ${value}, then ${other}`);
    }
  }
  return passed(name, `two replays of ${a.length} requests gave the same prefetches and counters`);
}

function checkCounters(replays: Replay[]): CheckResult {
  const name = 'counters add up';
  for (const replayed of replays) {
    if ('error' in replayed) return crashed(name, replayed);
    const problems = counterProblems(replayed.run.counters);
    if (problems.length > 0) {
      return failed(name, `${replayed.trace.source}: ${problems.join('; ')}`);
    }
  }
  return passed(
    name,
    `hits + misses + delayed hits = requests, and issued = useful + wasted + unused + in flight at the end, in ${replays.length} replays`,
  );
}

/** Broken identities among a replay's counters, as messages. */
export function counterProblems(c: ReplayCounters): string[] {
  const problems: string[] = [];
  const served = c.hits + c.misses + c.delayedHits;
  if (served !== c.requests) {
    problems.push(
      `hits ${c.hits} + misses ${c.misses} + delayed hits ${c.delayedHits} = ${served}, not the ${c.requests} requests`,
    );
  }
  const ended = c.usefulPrefetches + c.wastedPrefetches + c.unusedAtEnd + c.inFlightAtEnd;
  if (ended !== c.issuedPrefetches) {
    problems.push(
      `useful ${c.usefulPrefetches} + wasted ${c.wastedPrefetches} + unused ${c.unusedAtEnd} + in flight ${c.inFlightAtEnd} = ${ended}, not the ${c.issuedPrefetches} issued prefetches`,
    );
  }
  if (c.latePrefetches > c.usefulPrefetches) {
    problems.push(`late prefetches ${c.latePrefetches} exceed useful ones ${c.usefulPrefetches}`);
  }
  return problems;
}

function checkCapacity(replays: Replay[]): CheckResult {
  const name = 'capacity never exceeded';
  let peak = 0;
  for (const replayed of replays) {
    if ('error' in replayed) return crashed(name, replayed);
    const { recording } = replayed;
    peak = Math.max(peak, recording.peakResident, recording.resident.size);
    if (peak > CHECK_CAPACITY_OBJECTS) {
      return failed(
        name,
        `${replayed.trace.source}: ${peak} keys were resident in a cache of ${CHECK_CAPACITY_OBJECTS} objects`,
      );
    }
  }
  return passed(name, `at most ${peak} of ${CHECK_CAPACITY_OBJECTS} objects resident`);
}

function keyAt(trace: Trace, index: number): string {
  return JSON.stringify(trace.keys[trace.keyIds[index]]);
}

function listed(decision: string | undefined): string {
  if (decision === undefined) return '(no call)';
  return decision === '' ? '[]' : `[${decision.split(' ').join(', ')}]`;
}

function passed(name: string, detail: string): CheckResult {
  return { name, isPassed: true, detail };
}

function skipped(name: string, detail: string): CheckResult {
  return { name, isPassed: true, isSkipped: true, detail };
}

function failed(name: string, detail: string): CheckResult {
  return { name, isPassed: false, detail };
}

function crashed(name: string, replayed: { error: string }): CheckResult {
  return failed(name, `the replay threw: ${replayed.error}`);
}

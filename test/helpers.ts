import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Op, TraceBuilder, type Trace } from '../src/trace/trace.js';
import type { Policy, PrefetchSink, RequestEvent } from '../src/policies/policy.js';

/** Builds an in-memory trace; request i has time i and the given size. */
export function traceOf(keys: readonly (string | number)[], sizes?: readonly number[]): Trace {
  const builder = new TraceBuilder();
  keys.forEach((key, i) => builder.add(i, String(key), sizes?.[i] ?? 1, Op.Read));
  return builder.build('test', 'index');
}

/** A fresh temporary directory for one test file. */
/** One generated request: key number, size in bytes, time step from the previous request. */
export interface TraceRow {
  key: number;
  size: number;
  gap: number;
}

/**
 * Builds a trace from generated rows. Times add up the gaps from 0, so a
 * negative gap makes a time step back, as in real traces.
 */
export function traceOfRows(rows: readonly TraceRow[]): Trace {
  const builder = new TraceBuilder();
  let time = 0;
  for (const row of rows) {
    time += row.gap;
    builder.add(time, String(row.key), row.size, Op.Read);
  }
  return builder.build('property', 'index');
}

export function temporaryDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'cache-sim-test-'));
}

/** Outcome letters of a replay: H hit, M miss, D delayed hit. */
export function outcomeString(outcomes: Uint8Array): string {
  return Array.from(outcomes, (code) => 'HMD'[code]).join('');
}

/**
 * Test policy that prefetches key id `f(keyId)` after each request, where
 * the trace's key text is a number and the prefetched key must exist.
 */
export class FunctionPrefetcher implements Policy {
  readonly label = 'function-prefetcher';
  readonly #trace: Trace;
  readonly #next: (key: number) => number;

  constructor(trace: Trace, next: (key: number) => number) {
    this.#trace = trace;
    this.#next = next;
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    const key = Number(this.#trace.keys[request.keyId]);
    const target = this.#trace.keys.indexOf(String(this.#next(key)));
    if (target !== -1) prefetch.push(target);
  }
}

/** Path of a real trace shared beside the repository, or undefined. */
export const REAL_TRACES = join(import.meta.dirname, '..', '..', 'shared', 'traces', 'real');

/**
 * Path of a real trace and a test-title suffix that says why the test is
 * skipped when the shared traces folder is not beside the repository.
 */
export function realTrace(name: string): { path: string; isMissing: boolean; why: string } {
  const path = join(REAL_TRACES, name);
  const isMissing = !existsSync(path);
  const why = isMissing ? ` (skipped: ${path} not found; real traces are read from ../shared/traces/real)` : '';
  return { path, isMissing, why };
}

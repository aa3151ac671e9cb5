import { formatCapacity } from '../sim/cache.js';
import { summariseLatency } from '../sim/latency-summary.js';
import { ratio } from '../sim/metrics.js';
import type { PolicyRun, SimulationResult } from '../simulate.js';
import { BASELINE_POLICY } from './rows.js';

const NOT_APPLICABLE = 'n/a';

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? NOT_APPLICABLE : value.toFixed(digits);
}

/** One accounting metric: its name and how to compute it for a run. */
type Metric = [string, (run: PolicyRun, baseline: PolicyRun | undefined) => string];

const METRICS: readonly Metric[] = [
  ['requests', (r) => String(r.counters.requests)],
  ['hits', (r) => String(r.counters.hits)],
  ['delayed hits', (r) => String(r.counters.delayedHits)],
  ['misses', (r) => String(r.counters.misses)],
  ['byte hit ratio', (r) => fixed(ratio(r.counters.hitBytes, r.counters.requestedBytes), 4)],
  ['prefetches issued', (r) => String(r.counters.issuedPrefetches)],
  ['useful prefetches', (r) => String(r.counters.usefulPrefetches)],
  ['late prefetches', (r) => String(r.counters.latePrefetches)],
  ['wasted prefetches (evicted unused)', (r) => String(r.counters.wastedPrefetches)],
  ['wasted prefetch bytes', (r) => String(r.counters.wastedPrefetchBytes)],
  ['prefetched, unused at end', (r) => String(r.counters.unusedAtEnd)],
  ['prefetches in flight at end', (r) => String(r.counters.inFlightAtEnd)],
  ['prefetches skipped (resident or in flight)', (r) => String(r.counters.redundantPrefetches)],
  ['prefetch accuracy', (r) => fixed(ratio(r.counters.usefulPrefetches, r.counters.issuedPrefetches), 4)],
  ['coverage vs lru', (r, b) => fixed(b && ratio(b.counters.misses - r.counters.misses, b.counters.misses), 4)],
  ['timeliness', (r) => fixed(ratio(r.counters.usefulPrefetches - r.counters.latePrefetches, r.counters.usefulPrefetches), 4)],
  ['backend fetches', (r) => String(r.counters.fetches)],
  ['backend bytes', (r) => String(r.counters.fetchedBytes)],
  ['backend load vs lru', (r, b) => fixed(b && ratio(r.counters.fetches, b.counters.fetches), 4)],
  ['evictions', (r) => String(r.counters.evictions)],
  ['evictions caused by prefetches (pollution)', (r) => String(r.counters.pollutingEvictions)],
  ['objects larger than the cache (not admitted)', (r) => String(r.counters.notAdmitted)],
  ['hits on a key with a new size', (r) => String(r.counters.resizedObjects)],
  ['latency mean', (r) => fixed(summariseLatency(r.waitLatencies, r.counters.requests)?.mean, 3)],
  ['latency p50', (r) => fixed(summariseLatency(r.waitLatencies, r.counters.requests)?.p50, 3)],
  ['latency p95', (r) => fixed(summariseLatency(r.waitLatencies, r.counters.requests)?.p95, 3)],
  ['latency p99', (r) => fixed(summariseLatency(r.waitLatencies, r.counters.requests)?.p99, 3)],
];

/**
 * Renders the full accounting of each capacity as a markdown table with
 * metrics as rows and policies as columns; bounds are marked.
 */
export function renderAccounting(result: SimulationResult): string[] {
  const lines = ['## Accounting', ''];
  const capacities = [...new Set(result.runs.map((run) => formatCapacity(run.capacity)))];
  for (const capacity of capacities) {
    const runs = result.runs.filter((run) => formatCapacity(run.capacity) === capacity);
    const baseline = runs.find((run) => run.policyId === BASELINE_POLICY);
    const names = runs.map((run) => (run.isBound ? `${run.label} (bound)` : run.label));
    lines.push(`### ${capacity}`, '');
    lines.push(`| metric | ${names.join(' | ')} |`);
    lines.push(`|---|${runs.map(() => '---:').join('|')}|`);
    for (const [name, value] of METRICS) {
      lines.push(`| ${name} | ${runs.map((run) => value(run, baseline)).join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push(
    `Latency is the time each scored request waited, in ${result.trace.timeUnit}: 0 for a hit, the fetch time for a miss, the remaining time for a delayed hit.`,
    'Coverage = (lru misses − misses) / lru misses; timeliness = useful prefetches that landed before their first request / useful prefetches; backend load = fetches / lru fetches.',
    '',
  );
  return lines;
}

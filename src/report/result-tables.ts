import type { RunEvaluation } from '../eval/evaluate.js';
import { compact, duration, fixed, grouped, NOT_APPLICABLE, signed } from './format.js';
import { millisecondsToTraceUnit } from '../sim/latency.js';
import type { ReportComparison, ReportData } from './report-data.js';
import type { Cells } from './tables.js';
import { guardrailFlag, intervalText, limitText, observedText } from './verdict-text.js';

/** Column title of a run: bounds and the baseline are marked. */
function columnTitle(run: RunEvaluation): string {
  if (run.isBaseline) return `${run.label} (baseline)`;
  return run.isBound ? `${run.label} (bound)` : run.label;
}

/** Capacity labels in ascending order of amount, objects before bytes. */
export function capacitiesOf(data: ReportData): string[] {
  const order = (run: RunEvaluation) => [run.capacity.unit === 'objects' ? 0 : 1, run.capacity.amount];
  const runs = [...data.runs].sort((a, b) => {
    const [ua, aa] = order(a);
    const [ub, ab] = order(b);
    return ua - ub || aa - ab;
  });
  return [...new Set(runs.map((run) => run.capacity.label))];
}

function interval(value: number | null, lower: number | null, upper: number | null, format: (v: number | null) => string): string {
  if (value === null) return NOT_APPLICABLE;
  if (lower === null || upper === null) return format(value);
  return `${format(value)} (${format(lower)} to ${format(upper)})`;
}

function gainCell(run: RunEvaluation, comparison?: ReportComparison): string {
  // The baseline's gain over itself is defined only where its hit ratio is.
  if (run.isBaseline) return run.metrics.hitRatio === null ? NOT_APPLICABLE : '0.00';
  if (comparison === undefined) return NOT_APPLICABLE;
  const { estimate, lower, upper } = comparison.hitRatioGainPoints;
  return interval(estimate, lower, upper, (v) => signed(v, 2));
}

function loadCell(run: RunEvaluation, comparison?: ReportComparison): string {
  // 1.00, or n/a when the baseline made no fetch (0 / 0).
  if (run.isBaseline) return fixed(run.metrics.backendLoad, 2);
  if (comparison === undefined) return fixed(run.metrics.backendLoad, 2);
  const { estimate, lower, upper } = comparison.backendLoad;
  return interval(estimate, lower, upper, (v) => fixed(v, 2));
}

/**
 * Rows of the side-by-side table: a metric name and its cell per run. A
 * latency row gives a number in trace time units, formatted by the table.
 */
const METRIC_ROWS: readonly [string, (run: RunEvaluation, comparison?: ReportComparison) => string | number | null][] = [
  ['hit ratio', (r) => fixed(r.metrics.hitRatio, 4)],
  ['miss ratio', (r) => fixed(r.metrics.missRatio, 4)],
  ['gain vs baseline, pt (95% interval)', gainCell],
  ['byte hit ratio', (r) => fixed(r.metrics.byteHitRatio, 4)],
  ['byte miss ratio', (r) => fixed(r.metrics.byteHitRatio === null ? null : 1 - r.metrics.byteHitRatio, 4)],
  ['hits', (r) => grouped(r.counters.hits)],
  ['delayed hits', (r) => grouped(r.counters.delayedHits)],
  ['misses', (r) => grouped(r.counters.misses)],
  ['backend fetches', (r) => grouped(r.counters.fetches)],
  ['backend load vs baseline (95% interval)', loadCell],
  ['prefetches issued', (r) => grouped(r.counters.issuedPrefetches)],
  ['prefetch accuracy', (r) => fixed(r.metrics.prefetchAccuracy, 4)],
  ['prefetch coverage', (r) => fixed(r.metrics.prefetchCoverage, 4)],
  ['timeliness', (r) => fixed(r.metrics.timeliness, 4)],
  ['late prefetches', (r) => grouped(r.counters.latePrefetches)],
  ['wasted prefetches (evicted unused)', (r) => grouped(r.counters.wastedPrefetches)],
  ['waste (wasted / issued)', (r) => fixed(r.metrics.wasteShare, 4)],
  ['prediction accuracy', (r) => fixed(r.metrics.predictionAccuracy, 4)],
  ['prefetched, unused at end', (r) => grouped(r.counters.unusedAtEnd ?? 0)],
  ['prefetches in flight at end', (r) => grouped(r.counters.inFlightAtEnd ?? 0)],
  ['prefetches skipped (resident or in flight)', (r) => grouped(r.counters.redundantPrefetches ?? 0)],
  ['wasted prefetch bytes', (r) => grouped(r.counters.wastedPrefetchBytes ?? 0)],
  ['backend bytes', (r) => grouped(r.counters.fetchedBytes ?? 0)],
  ['request latency mean', (r) => r.latency?.mean ?? null],
  ['request latency p50', (r) => r.latency?.p50 ?? null],
  ['request latency p95', (r) => r.latency?.p95 ?? null],
  ['request latency p99', (r) => r.latency?.p99 ?? null],
  ['evictions', (r) => grouped(r.counters.evictions ?? 0)],
  ['evictions caused by prefetches (pollution)', (r) => grouped(r.counters.pollutingEvictions ?? 0)],
  ['objects larger than the cache (not admitted)', (r) => grouped(r.counters.notAdmitted ?? 0)],
  ['hits on a key with a new size', (r) => grouped(r.counters.resizedObjects ?? 0)],
  ['maximum occupancy (objects or bytes)', (r) => grouped(r.counters.maxOccupancy ?? 0)],
];

/** Side-by-side table at one capacity: metrics as rows, policies as columns. */
export function metricsTable(data: ReportData, capacity: string): Cells {
  const runs = data.runs.filter((run) => run.capacity.label === capacity);
  const comparisonOf = (run: RunEvaluation) =>
    data.comparisons.find((c) => c.candidate === run.label && c.capacity.label === capacity);
  return [
    ['metric', ...runs.map(columnTitle)],
    ...METRIC_ROWS.map(([name, cell]) => [
      name,
      ...runs.map((run) => {
        const value = cell(run, comparisonOf(run));
        return typeof value === 'string' ? value : traceTime(value, data.trace.timeUnit);
      }),
    ]),
  ];
}

/** Lists each guardrail of each candidate: limit, observed value, interval, result. */
export function guardrailTable(data: ReportData): Cells {
  const rows = data.comparisons.flatMap((c) =>
    c.guardrails.map((check) => [
      c.candidate,
      c.capacity.label,
      guardrailFlag(check.name),
      check.limit === null ? 'off' : `${limitText(check)}${check.isDefault ? ' (default)' : ''}`,
      observedText(check),
      intervalText(check) ?? '',
      check.status,
    ]),
  );
  return [['candidate', 'capacity', 'guardrail', 'limit', 'observed', '95% interval', 'result'], ...rows];
}

/** Per-window deltas: the spread of each paired metric across windows. */
export function windowTable(data: ReportData): Cells {
  const rows = data.comparisons.flatMap((c) => {
    const gain = c.hitRatioGainPoints;
    const load = c.backendLoad;
    return [
      windowRow(c, 'gain, pt', gain.windowValues, (v) => v > 0, (v) => signed(v, 2), gain),
      windowRow(c, 'backend load', load.windowValues, (v) => v < 1, (v) => fixed(v, 2), load),
    ];
  });
  return [
    ['candidate', 'capacity', 'metric', 'all windows (95% interval)', 'window min', 'window median', 'window max', 'windows better'],
    ...rows,
  ];
}

function windowRow(
  c: ReportComparison,
  metric: string,
  values: (number | null)[],
  isBetter: (v: number) => boolean,
  format: (v: number | null) => string,
  estimate: ReportComparison['backendLoad'],
): string[] {
  const defined = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const median = defined.length === 0 ? null : defined[Math.floor((defined.length - 1) / 2)];
  return [
    c.candidate,
    c.capacity.label,
    metric,
    interval(estimate.estimate, estimate.lower, estimate.upper, format),
    format(defined[0] ?? null),
    format(median),
    format(defined[defined.length - 1] ?? null),
    `${defined.filter(isBetter).length} of ${values.length}`,
  ];
}

/** Prediction overhead, one row per run. */
export function overheadTable(data: ReportData): Cells {
  const rows = data.runs.map((run) => {
    const o = run.overhead;
    return [
      columnTitle(run),
      run.capacity.label,
      duration(o.percentiles?.p50Ms ?? null),
      duration(o.percentiles?.p95Ms ?? null),
      duration(o.percentiles?.p99Ms ?? null),
      o.percentiles === null ? '0' : `${grouped(o.percentiles.samples)} (${o.percentileSource})`,
      o.predictionsPerSecond === null ? NOT_APPLICABLE : grouped(Math.round(o.predictionsPerSecond)),
      duration(o.meanMsPerRequest),
      duration(o.trainingMs),
      o.modelParameters === null ? NOT_APPLICABLE : grouped(o.modelParameters),
      o.modelBytes === null ? NOT_APPLICABLE : grouped(o.modelBytes),
      o.backend ?? NOT_APPLICABLE,
    ];
  });
  return [
    ['policy', 'capacity', 'p50', 'p95', 'p99', 'timed predictions', 'predictions/s', 'mean per request', 'training', 'model parameters', 'model bytes', 'backend'],
    ...rows,
  ];
}

/** Miss ratio of each policy (rows) at each swept capacity (columns). */
export function sweepTable(data: ReportData): Cells | null {
  const { sweep } = data;
  if (sweep.unit === null || sweep.curves.length === 0) return null;
  const capacities = [...new Set(sweep.curves.flatMap((c) => c.points.map((p) => p.capacity)))].sort((a, b) => a - b);
  return [
    ['policy', ...capacities.map((c) => `${grouped(c)} ${sweep.unit}`)],
    ...sweep.curves.map((curve) => [
      curve.isBound ? `${curve.label} (bound)` : curve.label,
      ...capacities.map((c) => fixed(curve.points.find((p) => p.capacity === c)?.missRatio ?? null, 4)),
    ]),
  ];
}

/** "next-key at 1,000 objects misses like lru at about 1,303 objects." */
export function equivalentSentences(data: ReportData): string[] {
  const unit = data.sweep.unit ?? '';
  return data.sweep.equivalents.map((e) => {
    const at = `**${e.label}** at ${grouped(e.capacity)} ${unit} (miss ratio ${fixed(e.missRatio, 4)})`;
    const size = `${grouped(Math.round(e.equivalent.capacity))} ${unit}`;
    switch (e.equivalent.relation) {
      case 'interpolated':
        return `- ${at} misses like ${e.baseline} at about ${size}.`;
      case 'below':
        return `- ${at} misses more than ${e.baseline} at ${size}, the smallest size swept.`;
      case 'above':
        return `- ${at} misses less than ${e.baseline} at ${size}, the largest size swept.`;
    }
  });
}

/** Formats the guardrail limits on one line, each marked when it is the default. */
export function limitsLine(data: ReportData): string {
  const g = data.settings.guardrails;
  const isDefault = (name: keyof typeof g) => (data.settings.defaultGuardrails.includes(name) ? ' (default)' : '');
  const limit = (value: number | null, text: (v: number) => string) => (value === null ? 'off' : text(value));
  return [
    `--min-gain ${limit(g.minGainPoints, (v) => `${compact(v)}pt`)}${isDefault('minGainPoints')}`,
    `--max-backend-load ${limit(g.maxBackendLoad, compact)}${isDefault('maxBackendLoad')}`,
    `--max-prediction-p99 ${limit(g.maxPredictionP99Ms, (v) => `${compact(v)}ms`)}${isDefault('maxPredictionP99Ms')}`,
    `--max-waste ${limit(g.maxWaste, compact)}${isDefault('maxWaste')}`,
  ].join(', ');
}

/**
 * Formats a time in trace units: as a duration when the trace's clock has a
 * real unit, else as a number of trace units.
 */
function traceTime(value: number | null, timeUnit: string): string {
  if (value === null) return NOT_APPLICABLE;
  const unitsPerMs = millisecondsToTraceUnit(1, timeUnit);
  if (unitsPerMs === undefined) return `${fixed(value, 2)} ${timeUnit}`;
  return value === 0 ? '0' : duration(value / unitsPerMs);
}

import type { RunEvaluation } from '../eval/evaluate.js';
import { duration, fixed, grouped, signed } from './format.js';
import type { ReportData } from './report-data.js';
import {
  capacitiesOf,
  equivalentSentences,
  guardrailTable,
  limitsLine,
  metricsTable,
  overheadTable,
  sweepTable,
  windowTable,
} from './result-tables.js';
import { markdownTable, textTable, type Cells } from './tables.js';

/** File names of the charts beside the report; null for one not drawn. */
export interface ChartFiles {
  hitRatioOverTime: string | null;
  missRatioCurves: string | null;
  prefetchOutcomes: string | null;
}

/** Scored requests below which the verdicts carry a warning. */
const SMALL_SAMPLE_REQUESTS = 1000;

const isNumberColumn = (column: number) => column > 0;

/** Verdict column of the stdout table: the decision, or the run's role. */
function verdictOf(data: ReportData, run: RunEvaluation): string {
  const comparison = data.comparisons.find(
    (c) => c.candidate === run.label && c.capacity.label === run.capacity.label,
  );
  if (comparison !== undefined) return comparison.verdict.decision;
  if (run.isBaseline) return 'baseline';
  return run.isBound ? 'bound' : '';
}

/** Renders the one-line-per-run summary for stdout. */
export function renderTextTable(data: ReportData): string {
  const cells: Cells = [
    ['policy', 'capacity', 'hit ratio', 'miss ratio', 'gain (pt)', 'backend load', 'prefetches', 'accuracy', 'evicted unused', 'p99', 'verdict'],
    ...data.runs.map((run) => {
      const comparison = data.comparisons.find((c) => c.candidate === run.label && c.capacity.label === run.capacity.label);
      return [
        run.label,
        run.capacity.label,
        fixed(run.metrics.hitRatio, 4),
        fixed(run.metrics.missRatio, 4),
        run.isBaseline && run.metrics.hitRatio !== null ? '0.00' : signed(comparison?.hitRatioGainPoints.estimate ?? null, 2),
        fixed(run.metrics.backendLoad, 2),
        String(run.counters.issuedPrefetches),
        fixed(run.metrics.prefetchAccuracy, 4),
        String(run.counters.wastedPrefetches),
        duration(run.overhead.percentiles?.p99Ms ?? null),
        verdictOf(data, run),
      ];
    }),
  ];
  return textTable(cells, (c) => c >= 2 && c <= 9);
}

/** Renders the whole markdown report from report data alone. */
export function renderMarkdown(data: ReportData, charts: ChartFiles): string {
  const sections = [
    [`# Cache simulation report: \`${data.trace.source}\``],
    verdicts(data),
    reproducibility(data),
    ...capacitiesOf(data).map((capacity) => [
      `## Results at ${capacity}`,
      markdownTable(metricsTable(data, capacity), isNumberColumn),
    ]),
    guardrails(data),
    windows(data, charts),
    sweep(data, charts),
    prefetchOutcomes(charts),
    overhead(data),
    trace(data),
    definitions(data),
  ];
  const text = sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n\n'))
    .join('\n\n');
  return `${text}\n`;
}

function verdicts(data: ReportData): string[] {
  const s = data.settings;
  const heading = '## Verdicts';
  if (data.comparisons.length === 0) {
    const ran = data.runs.some((run) => run.isBaseline);
    return [
      heading,
      ran
        ? `No verdict: no candidate ran beside the baseline \`${s.baseline}\`.`
        : `No verdict: the baseline \`${s.baseline}\` did not run; add it to --policy to compare.`,
    ];
  }
  const rows = data.comparisons.map((c) => [c.candidate, c.capacity.label, `**${c.verdict.decision}**`, c.reason]);
  return [
    heading,
    `Each candidate against \`${s.baseline}\` at the same capacity, on the same ${grouped(data.trace.scoredRequests)} scored requests, cut into ${s.windows} windows. Intervals are ${Math.round(s.confidenceLevel * 100)}% percentile intervals of a circular block bootstrap over windows (${grouped(s.bootstrapReplicates)} resamples, blocks of ${s.blockLength} windows, seed ${s.bootstrapSeed}).`,
    ...(data.trace.scoredRequests < SMALL_SAMPLE_REQUESTS
      ? [
          `**Few requests were scored (${grouped(data.trace.scoredRequests)}), so each window holds ${data.trace.scoredRequests < s.windows * 2 ? 'one or two requests' : 'few requests'} and the intervals are rough: treat these verdicts as a smoke test, not evidence for a rollout.**`,
        ]
      : []),
    markdownTable([['candidate', 'capacity', 'verdict', 'reason'], ...rows], () => false),
    `Guardrails: ${limitsLine(data)}. A verdict is "do not roll out" when a guardrail fails, "inconclusive" when an interval contains its limit, and "roll out" otherwise.`,
  ];
}

function reproducibility(data: ReportData): string[] {
  const r = data.reproducibility;
  return [
    '## Reproducibility',
    '```\n' + r.command + '\n```',
    markdownTable(
      [
        ['fact', 'value'],
        ['tool version', r.toolVersion],
        ['trace sha256', r.traceSha256 === null ? 'n/a (trace not read from a file)' : `\`${r.traceSha256}\``],
        ['seeds', `replay and training ${r.seed}, bootstrap ${r.bootstrapSeed}`],
        ['TensorFlow.js backend', r.backend],
        ['Node.js', r.nodeVersion],
        ['CPU', `${r.cpuModel}, ${r.cpuCores} cores`],
      ],
      () => false,
    ),
  ];
}

function guardrails(data: ReportData): string[] {
  if (data.comparisons.length === 0) return [];
  return [
    '## Guardrails',
    'Gain and backend load are checked on their intervals; prediction p99 and waste on the measured value.',
    markdownTable(guardrailTable(data), (c) => c === 4),
  ];
}

function windows(data: ReportData, charts: ChartFiles): string[] {
  const lines = ['## Per-window comparison'];
  if (charts.hitRatioOverTime !== null) {
    lines.push(`![Hit ratio per window for each policy](${charts.hitRatioOverTime})`);
  }
  if (data.comparisons.length > 0) {
    lines.push(
      'Each window\'s value compares the candidate with the baseline on that window\'s requests. "Windows better" counts windows with a positive gain or a backend load below 1.',
      markdownTable(windowTable(data), (c) => c >= 3 && c <= 6),
    );
  }
  return lines;
}

function sweep(data: ReportData, charts: ChartFiles): string[] {
  const lines = ['## Cache-size sweep'];
  const table = sweepTable(data);
  if (table === null) return [...lines, `No sweep: ${data.sweep.note}.`];
  if (charts.missRatioCurves !== null) lines.push(`![Miss ratio against cache size](${charts.missRatioCurves})`);
  lines.push(markdownTable(table, isNumberColumn));
  const sentences = equivalentSentences(data);
  if (sentences.length > 0) {
    lines.push(
      `Equivalent cache size: the ${data.settings.baseline} capacity with the same miss ratio, interpolated on the ${data.settings.baseline} curve linearly in log(capacity).`,
      sentences.join('\n'),
    );
  }
  if (data.sweep.note !== null) lines.push(`${data.sweep.note}.`);
  return lines;
}

function prefetchOutcomes(charts: ChartFiles): string[] {
  return [
    '## Prefetch outcomes',
    charts.prefetchOutcomes === null
      ? 'No policy issued a prefetch.'
      : `![Issued prefetches by outcome](${charts.prefetchOutcomes})`,
  ];
}

function overhead(data: ReportData): string[] {
  return [
    '## Prediction overhead',
    'Wall-clock times of this run on the machine above. Percentiles come from timed single predictions where the policy reports them, otherwise from the sampled time of its per-request hook. Mean per request adds the policy\'s batched prediction time, amortised.',
    markdownTable(overheadTable(data), (c) => c >= 2 && c <= 10),
    ...policyNotes(data),
  ];
}

function policyNotes(data: ReportData): string[] {
  const lines: string[] = [];
  for (const run of data.runs) {
    const notes = Object.entries(run.notes);
    if (notes.length === 0) continue;
    lines.push(`### ${run.label} at ${run.capacity.label}`, notes.map(([name, value]) => `- ${name}: ${value}`).join('\n'));
  }
  return lines;
}

function trace(data: ReportData): string[] {
  const t = data.trace;
  return [
    '## Trace',
    [
      `- source: \`${t.source}\``,
      `- requests: ${grouped(t.requests)}`,
      `- distinct keys: ${grouped(t.distinctKeys)}`,
      t.trainEnd === 0
        ? '- training and warm-up requests: none (every request is scored)'
        : `- training and warm-up requests: the first ${grouped(t.trainEnd)} of the trace (not scored)`,
      `- scored requests: ${grouped(t.scoredRequests)}`,
      `- time unit: ${t.timeUnit}`,
      `- timestamps earlier than the previous row: ${t.backwardTimestamps} (replayed in file order)`,
      `- blank lines skipped (empty or only delimiters): ${t.skippedBlankLines}; invalid rows skipped: ${t.skippedInvalidRows}`,
      `- fetch latency: ${data.fetchLatency}; prediction latency: ${data.predictionLatency}; backend concurrency: ${data.backendConcurrency ?? 'unbounded'}`,
    ].join('\n'),
  ];
}

function definitions(data: ReportData): string[] {
  const baseline = data.settings.baseline;
  return [
    '## Definitions',
    [
      'Over scored requests only:',
      '',
      '- hit ratio = hits / requests; a delayed hit (waiting for a fetch in flight) is not a hit.',
      `- gain = hit ratio − the \`${baseline}\` hit ratio at the same capacity, in percentage points.`,
      `- backend load = backend fetches (demand misses plus issued prefetches) / the \`${baseline}\` fetches.`,
      '- prefetch accuracy = prefetched objects requested before their eviction / prefetches issued. Prefetches of keys already resident or in flight are not issued.',
      `- prefetch coverage = (\`${baseline}\` misses − misses) / \`${baseline}\` misses, for a policy that issued prefetches.`,
      '- timeliness = useful prefetches that arrived before their first request / useful prefetches; the rest are late.',
      '- waste = prefetched objects evicted before any request / prefetches issued.',
      '- prediction accuracy = predictions equal to the next request\'s key / predictions made.',
      '- evictions caused by prefetches (pollution) = objects not prefetched-and-unused that a prefetch pushed out; in a full cache every landed prefetch evicts one object, so this counts the cache space prefetching took, not wrong guesses.',
      '- request latency = time a scored request waited: 0 for a hit, the fetch time for a miss, the remaining fetch time for a delayed hit.',
      '- (bound) marks a policy that shows what is possible, not a candidate.',
    ].join('\n'),
  ];
}

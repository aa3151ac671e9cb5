import type { SimulationResult } from '../simulate.js';
import { renderAccounting } from './accounting.js';
import { resultRows, BASELINE_POLICY, type ResultRow } from './rows.js';

/** Context of a report that the result itself does not hold. */
export interface ReportContext {
  /** The command line that produced the result, as typed. */
  command: string;
}

const NOT_APPLICABLE = 'n/a';

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? NOT_APPLICABLE : value.toFixed(digits);
}

function signed(value: number | undefined, digits: number): string {
  if (value === undefined) return NOT_APPLICABLE;
  const text = value.toFixed(digits);
  return value > 0 && Number(text) !== 0 ? `+${text}` : text;
}

const COLUMNS: readonly [string, (row: ResultRow) => string][] = [
  ['policy', (r) => r.label],
  ['capacity', (r) => r.capacity],
  ['hit ratio', (r) => fixed(r.hitRatio, 4)],
  ['miss ratio', (r) => fixed(r.missRatio, 4)],
  [`gain vs ${BASELINE_POLICY} (pt)`, (r) => signed(r.gainPoints, 2)],
  ['prefetches issued', (r) => String(r.issuedPrefetches)],
  ['prefetch accuracy', (r) => fixed(r.prefetchAccuracy, 4)],
  ['evicted unused', (r) => String(r.wastedPrefetches)],
  ['prediction accuracy', (r) => fixed(r.predictionAccuracy, 4)],
  ['prediction µs/request', (r) => fixed(r.predictionMicros, 2)],
  ['training s', (r) => (r.trainingMs === undefined ? NOT_APPLICABLE : (r.trainingMs / 1000).toFixed(1))],
];

/** Renders the result table as aligned plain text, for stdout. */
export function renderTextTable(result: SimulationResult): string {
  const cells = [
    COLUMNS.map(([title]) => title),
    ...resultRows(result).map((row) => COLUMNS.map(([, cell]) => cell(row))),
  ];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((line) => line[c].length)));
  return cells
    .map((line) => line.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
    .join('\n');
}

/** Renders the result table as a GitHub markdown table. */
export function renderMarkdownTable(result: SimulationResult): string {
  const header = `| ${COLUMNS.map(([title]) => title).join(' | ')} |`;
  const rule = `|${COLUMNS.map((_, c) => (c < 2 ? '---' : '---:')).join('|')}|`;
  const rows = resultRows(result).map(
    (row) => `| ${COLUMNS.map(([, cell]) => cell(row)).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}

/** Renders the whole markdown report. */
export function renderReport(result: SimulationResult, context: ReportContext): string {
  const t = result.trace;
  const lines = [
    '# Cache simulation report',
    '',
    '```',
    context.command,
    '```',
    '',
    '## Trace',
    '',
    `- source: \`${t.source}\``,
    `- requests: ${t.requests}`,
    `- distinct keys: ${t.distinctKeys}`,
    `- training and warm-up requests: ${t.trainEnd} (the first ${t.trainEnd} of the trace; not scored)`,
    `- scored requests: ${t.scoredRequests}`,
    `- time unit: ${t.timeUnit}`,
    `- timestamps earlier than the previous row: ${t.backwardTimestamps} (replayed in file order)`,
    `- blank lines skipped: ${t.skippedBlankLines}; invalid rows skipped: ${t.skippedInvalidRows}`,
    `- fetch latency: ${describeLatency(result)}; prediction latency: ${result.predictionLatency === 'measured' ? 'measured per policy' : `${result.predictionLatency} ${t.timeUnit}`}; backend concurrency: ${result.backendConcurrency ?? 'unbounded'}; seed: ${result.seed}`,
    '',
    '## Results',
    '',
    renderMarkdownTable(result),
    '',
    ...definitions(),
    ...renderAccounting(result),
    ...policyNotes(result),
  ];
  return `${lines.join('\n')}\n`;
}

function definitions(): string[] {
  return [
    'Definitions, over scored requests only:',
    '',
    '- hit ratio = hits / requests; gain = hit ratio − the `lru` hit ratio at the same capacity, in percentage points.',
    '- prefetch accuracy = prefetched objects requested before their eviction / prefetches issued. Prefetches of keys already resident or in flight are not issued.',
    '- evicted unused = prefetched objects evicted before any request for them.',
    '- prediction accuracy = predictions equal to the next request\'s key / predictions made, counting predictions that were not issued because the key was resident.',
    '- prediction µs/request = measured wall time of the policy per scored request: its batched model inference, amortised, plus its per-request hook.',
    '',
  ];
}

function policyNotes(result: SimulationResult): string[] {
  const lines: string[] = [];
  for (const run of result.runs) {
    const notes = run.policyReport.notes;
    if (notes === undefined || Object.keys(notes).length === 0) continue;
    lines.push(`### ${run.label}`, '');
    for (const [name, value] of Object.entries(notes)) lines.push(`- ${name}: ${value}`);
    lines.push('');
  }
  return lines.length === 0 ? [] : ['## Policy details', '', ...lines];
}

function describeLatency(result: SimulationResult): string {
  const spec = result.fetchLatency;
  const unit = result.trace.timeUnit;
  if (spec.kind === 'fixed') return `${spec.value} ${unit}`;
  if (spec.kind === 'lognormal') return `log-normal, median ${spec.median} ${unit}, p99 ${spec.p99} ${unit}`;
  return 'per request, from a trace column';
}

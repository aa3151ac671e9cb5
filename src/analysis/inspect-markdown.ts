import type { TraceInspection } from './inspect.js';

/** Context of an inspection report that the inspection does not hold. */
export interface InspectReportContext {
  /** The command line that produced it, as typed. */
  command: string;
}

function ratio(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : (part / whole).toFixed(4);
}

/** Four decimals, or n/a for a value that is not defined. */
function fixed4(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(4);
}

/** Renders the inspection as a markdown report with fixed decimals. */
export function renderInspection(result: TraceInspection, context: InspectReportContext): string {
  const lines = [
    '# Trace inspection',
    '',
    '```',
    context.command,
    '```',
    '',
    ...overview(result),
    ...popularitySection(result),
    ...reuseSection(result),
    ...successorSection(result),
  ];
  return `${lines.join('\n')}\n`;
}

function overview(r: TraceInspection): string[] {
  return [
    '## Overview',
    '',
    `- source: \`${r.source}\``,
    `- requests: ${r.requests}`,
    `- distinct keys: ${r.distinctKeys}`,
    `- one-hit keys (requested once): ${r.oneHitKeys} (${ratio(r.oneHitKeys, r.distinctKeys)} of keys)`,
    ...timeLines(r),
    `- operations: ${r.reads} reads, ${r.writes} writes, ${r.otherOps} other`,
    `- bytes requested: ${r.requestedBytes}; bytes of all distinct keys at their latest size: ${r.distinctBytes}`,
    `- requests of size 0: ${r.zeroSizeRequests}; requests that change their key's size: ${r.resizedRequests}`,
    `- skipped while reading: ${r.skippedBlankLines} blank lines, ${r.skippedInvalidRows} invalid rows (--skip-invalid), ${r.ignoredRows} rows that are not requests (comments, instruction fetches)`,
    '',
  ];
}

function timeLines(r: TraceInspection): string[] {
  if (r.firstTime === undefined || r.lastTime === undefined) {
    return ['- time: none in the file; time is the request index'];
  }
  const span = r.lastTime - r.firstTime;
  const perUnit = r.timeUnit === 'trace units' ? 'trace unit' : r.timeUnit;
  const rate = span > 0 ? `${(r.requests / span).toFixed(4)} requests per ${perUnit}` : 'n/a (all requests at one time)';
  return [
    `- time: ${r.firstTime} to ${r.lastTime} ${r.timeUnit}${r.timeOrigin === undefined ? '' : ` after the first request's ${r.timeOrigin}`}; span ${span} ${r.timeUnit}`,
    `- request rate: ${rate}`,
    `- timestamps earlier than the previous request: ${r.backwardTimestamps}`,
  ];
}

function popularitySection(r: TraceInspection): string[] {
  return [
    '## Key popularity',
    '',
    `- fitted Zipf exponent: ${fixed4(r.zipfExponent)} (R² ${fixed4(r.zipfRSquared)}; least squares of log requests on log rank over all keys)`,
    `- requests to the most requested 1% of keys: ${fixed4(r.topPercentShare)}; to the top 10%: ${fixed4(r.topTenPercentShare)}`,
    '',
    '| rank | key | requests | share |',
    '|---:|---|---:|---:|',
    ...r.topKeys.map((top, i) => `| ${i + 1} | \`${top.key.replaceAll('|', '\\|')}\` | ${top.requests} | ${ratio(top.requests, r.requests)} |`),
    '',
  ];
}

function reuseSection(r: TraceInspection): string[] {
  let cumulative = 0;
  const rows = r.reuseHistogram.map((bucket) => {
    cumulative += bucket.requests;
    const range = bucket.low === bucket.high ? `${bucket.low}` : `${bucket.low}–${bucket.high}`;
    return `| ${range} | ${bucket.requests} | ${ratio(bucket.requests, r.requests)} | ${ratio(cumulative, r.requests)} |`;
  });
  return [
    '## Reuse distance',
    '',
    'The reuse distance of a request is the number of distinct other keys requested since the previous request for its key. An LRU cache of C objects hits exactly the requests with distance below C.',
    '',
    `- first requests for a key (no distance): ${r.firstRequests} (${ratio(r.firstRequests, r.requests)})`,
    '',
    '| distance | requests | share | cumulative share |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    '| LRU capacity (objects) | hit ratio |',
    '|---:|---:|',
    ...r.lruHitRatios.map((point) => `| ${point.capacity} | ${point.hitRatio.toFixed(4)} |`),
    '',
  ];
}

function successorSection(r: TraceInspection): string[] {
  const s = r.successors;
  const total = s.requestsWithPredecessor;
  return [
    '## Next-key predictability',
    '',
    `Over the ${total} requests that have a previous request:`,
    '',
    `- same key as the previous request: ${ratio(s.repeats, total)}`,
    `- key is the previous key's most frequent successor so far (learnt online, ties keep the earlier leader): ${ratio(s.onlineMatches, total)}`,
    `- ceiling for any predictor that sees only the previous key (each key's most frequent successor over the whole trace, computed exactly): ${ratio(s.ceilingMatches, total)}`,
    '',
    'The ceiling knows the whole trace in advance, so a key that is followed only once counts as predicted; no online predictor reaches it on a trace with many rare keys.',
    '',
  ];
}

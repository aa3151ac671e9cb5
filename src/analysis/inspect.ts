import type { Trace } from '../trace/trace.js';
import { Op } from '../trace/trace.js';
import { popularity, topShare } from './popularity.js';
import { lruHitRatio, powerOfTwoHistogram, reuseDistances, type DistanceBucket } from './reuse-distance.js';
import { successorStats, type SuccessorStats } from './successors.js';

/** Everything `simulate inspect` reports about a trace. */
export interface TraceInspection {
  source: string;
  requests: number;
  distinctKeys: number;
  oneHitKeys: number;
  timeUnit: string;
  timeOrigin?: string;
  /** Earliest and latest request time; absent when time is the request index. */
  firstTime?: number;
  lastTime?: number;
  backwardTimestamps: number;
  skippedBlankLines: number;
  skippedInvalidRows: number;
  /** Rows the format defines as no request, such as instruction fetches. */
  ignoredRows: number;
  reads: number;
  writes: number;
  otherOps: number;
  requestedBytes: number;
  /** Sum over keys of the size of each key's latest request. */
  distinctBytes: number;
  zeroSizeRequests: number;
  resizedRequests: number;
  /** The most requested keys, most first. */
  topKeys: { key: string; requests: number }[];
  /** Share of requests to the most requested 1% and 10% of keys. */
  topPercentShare: number | null;
  topTenPercentShare: number | null;
  zipfExponent: number | null;
  zipfRSquared: number | null;
  firstRequests: number;
  reuseHistogram: DistanceBucket[];
  /** Exact LRU hit ratio at capacities (objects), from the reuse distances. */
  lruHitRatios: { capacity: number; hitRatio: number }[];
  successors: SuccessorStats;
}

const TOP_KEYS = 10;

/** Computes every figure of the inspection in a few passes over the trace. */
export function inspectTrace(trace: Trace): TraceInspection {
  const keyCount = trace.keys.length;
  const keyPopularity = popularity(trace.keyIds, keyCount);
  const distances = reuseDistances(trace.keyIds, keyCount);
  return {
    source: trace.source,
    requests: trace.length,
    distinctKeys: keyCount,
    oneHitKeys: keyPopularity.oneHitKeys,
    timeUnit: trace.timeUnit,
    ...(trace.timeOrigin === undefined ? {} : { timeOrigin: trace.timeOrigin }),
    ...timeRange(trace),
    backwardTimestamps: trace.stats.backwardTimestamps,
    skippedBlankLines: trace.stats.skippedBlankLines,
    skippedInvalidRows: trace.stats.skippedInvalidRows,
    ignoredRows: trace.stats.ignoredRows,
    ...opCounts(trace),
    ...byteCounts(trace),
    zeroSizeRequests: trace.stats.zeroSizeRequests,
    resizedRequests: trace.stats.resizedRequests,
    topKeys: Array.from(keyPopularity.ranked.slice(0, TOP_KEYS), (id) => ({
      key: trace.keys[id],
      requests: keyPopularity.counts[id],
    })),
    topPercentShare: topShare(keyPopularity, 0.01, trace.length),
    topTenPercentShare: topShare(keyPopularity, 0.1, trace.length),
    zipfExponent: keyPopularity.zipfExponent,
    zipfRSquared: keyPopularity.zipfRSquared,
    firstRequests: distances.firstRequests,
    reuseHistogram: powerOfTwoHistogram(distances),
    lruHitRatios: capacitiesUpTo(keyCount).map((capacity) => ({
      capacity,
      hitRatio: lruHitRatio(distances, trace.length, capacity),
    })),
    successors: successorStats(trace.keyIds, keyCount),
  };
}

function timeRange(trace: Trace): { firstTime?: number; lastTime?: number } {
  if (trace.timeUnit === 'index' || trace.length === 0) return {};
  let first = Infinity;
  let last = -Infinity;
  for (const time of trace.times) {
    if (time < first) first = time;
    if (time > last) last = time;
  }
  return { firstTime: first, lastTime: last };
}

function opCounts(trace: Trace): { reads: number; writes: number; otherOps: number } {
  const counts = [0, 0, 0];
  for (const op of trace.ops) counts[op]++;
  return { reads: counts[Op.Read], writes: counts[Op.Write], otherOps: counts[Op.Other] };
}

function byteCounts(trace: Trace): { requestedBytes: number; distinctBytes: number } {
  const latestSize = new Float64Array(trace.keys.length);
  let requestedBytes = 0;
  for (let i = 0; i < trace.length; i++) {
    requestedBytes += trace.sizes[i];
    latestSize[trace.keyIds[i]] = trace.sizes[i];
  }
  let distinctBytes = 0;
  for (const size of latestSize) distinctBytes += size;
  return { requestedBytes, distinctBytes };
}

/** 1, 10, 100, … below the distinct key count, then the count itself. */
function capacitiesUpTo(keyCount: number): number[] {
  const capacities: number[] = [];
  for (let capacity = 1; capacity < keyCount; capacity *= 10) capacities.push(capacity);
  if (keyCount > 0) capacities.push(keyCount);
  return capacities;
}

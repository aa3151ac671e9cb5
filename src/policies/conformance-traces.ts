/**
 * Small fixed traces for `simulate check-policy`. Their keys are block
 * numbers mixing the patterns that built-in policies act on: sequential
 * runs at several strides, short loops that repeat, and random keys.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { Op, TraceBuilder, type Trace } from '../trace/trace.js';

/** Requests in each check trace. */
export const CHECK_TRACE_LENGTH = 1200;
/** Requests that the two traces of the future-access check share. */
const SHARED_LENGTH = 800;
/** Fixed, so that every run of the check replays the same traces. */
const CHECK_TRACE_SEED = 20_240_601;
/** Key deltas of the sequential runs: single blocks, 4 KiB, 64 KiB. */
const RUN_STRIDES = [1, 8, 128];

/**
 * Two traces with the same requests up to `sharedLength`, after which the
 * second replays the first's remaining requests in reverse. Both therefore
 * request the same keys, the same number of times each, so a policy that
 * reads only the past decides alike on the shared part.
 */
export interface DivergentTraces {
  readonly original: Trace;
  readonly divergent: Trace;
  /** Index of the first request that differs between the two. */
  readonly sharedLength: number;
}

/** Builds the two traces of the future-access check. */
export function divergentTraces(): DivergentTraces {
  const keys = checkKeys();
  const divergentKeys = [
    ...keys.slice(0, SHARED_LENGTH),
    ...keys.slice(SHARED_LENGTH).reverse(),
  ];
  const sharedLength = keys.findIndex((key, i) => key !== divergentKeys[i]);
  if (sharedLength === -1) {
    throw new Error('the check traces do not diverge; change CHECK_TRACE_SEED');
  }
  return {
    original: traceOfKeys(keys, 'check trace A'),
    divergent: traceOfKeys(divergentKeys, 'check trace B'),
    sharedLength,
  };
}

/** Builds an in-memory trace whose request i has time i and size 1. */
export function traceOfKeys(keys: readonly number[], source: string): Trace {
  const builder = new TraceBuilder();
  keys.forEach((key, i) => builder.add(i, String(key), 1, Op.Read));
  return builder.build(source, 'index');
}

function checkKeys(): number[] {
  const rng = xoroshiro128plus(CHECK_TRACE_SEED);
  const keys: number[] = [];
  while (keys.length < CHECK_TRACE_LENGTH) {
    const pattern = uniformInt(rng, 0, 2);
    if (pattern === 0) keys.push(...sequentialRun(rng));
    else if (pattern === 1) keys.push(...loop(rng));
    else for (let i = 0; i < 8; i++) keys.push(uniformInt(rng, 0, 100_000));
  }
  return keys.slice(0, CHECK_TRACE_LENGTH);
}

function sequentialRun(rng: RandomGenerator): number[] {
  const start = uniformInt(rng, 0, 10_000) * 8;
  const stride = RUN_STRIDES[uniformInt(rng, 0, RUN_STRIDES.length - 1)];
  const length = uniformInt(rng, 4, 24);
  return Array.from({ length }, (_, j) => start + j * stride);
}

/** Returns a cycle of 3 to 5 keys from a small set, played 2 to 4 times. */
function loop(rng: RandomGenerator): number[] {
  const cycle = Array.from({ length: uniformInt(rng, 3, 5) }, () =>
    uniformInt(rng, 0, 60),
  );
  const times = uniformInt(rng, 2, 4);
  return Array.from({ length: times }, () => cycle).flat();
}

import { describe, expect, it } from 'vitest';
import { evaluate, type EvaluationOptions } from '../../src/eval/evaluate.js';
import { summariseRun } from '../../src/eval/run-summary.js';
import { metricsWindowBounds } from '../../src/eval/window-bounds.js';
import { simulate, type SimulationResult } from '../../src/simulate.js';
import { generateKeys } from '../../src/trace/generate.js';
import { traceOf } from '../helpers.js';

// The mixed pattern interleaves sequential, periodic, zipfian and random
// streams in bursts: next-key predicts the sequential and periodic parts,
// so it truly beats lru there, by a margin that varies between windows.
const trace = traceOf(Array.from(generateKeys('mixed', 20_000, 3)));
const objects = (count: number) => ({ unit: 'objects' as const, objects: count });

const options: EvaluationOptions = {
  baseline: 'lru',
  windows: 20,
  bootstrapReplicates: 2000,
  seed: 42,
  // Wall-clock timing has no place in a unit test's verdict.
  guardrails: { maxPredictionP99Ms: null },
};

async function run(policies: string[], params: string[] = [], capacities = [objects(50)]): Promise<SimulationResult> {
  return simulate({ trace, policies, params, capacities, trainFraction: 0.2 });
}

describe('evaluate', () => {
  it('rolls out a candidate that is truly better', async () => {
    const [comparison] = evaluate(await run(['lru', 'next-key']), options).comparisons;
    expect(comparison.candidate).toBe('next-key');
    expect(comparison.hitRatioGainPoints.lower).toBeGreaterThan(1);
    expect(comparison.verdict).toEqual({ decision: 'roll out', failed: [], uncertain: [] });
  });

  it('does not roll out past a tight backend-load limit', async () => {
    const tight = { ...options, guardrails: { ...options.guardrails, maxBackendLoad: 0.9 } };
    const [comparison] = evaluate(await run(['lru', 'next-key']), tight).comparisons;
    expect(comparison.backendLoad.lower).toBeGreaterThan(0.9);
    expect(comparison.verdict.decision).toBe('do not roll out');
    expect(comparison.verdict.failed).toEqual(['max-backend-load']);
  });

  it('gives identical policies an interval containing zero', async () => {
    // A next-key that never reaches its count threshold never prefetches,
    // so it replays exactly as lru does.
    const result = await run(['lru', 'next-key'], ['next-key.min-count=1000000']);
    const [comparison] = evaluate(result, options).comparisons;
    const gain = comparison.hitRatioGainPoints;
    expect(gain.lower).toBeLessThanOrEqual(0);
    expect(gain.upper).toBeGreaterThanOrEqual(0);
    expect(comparison.verdict.decision).toBe('do not roll out');
    expect(comparison.verdict.failed).toEqual(['min-gain']);

    const atZero = { ...options, guardrails: { ...options.guardrails, minGainPoints: 0 } };
    expect(evaluate(result, atZero).comparisons[0].verdict.decision).toBe('inconclusive');
  });

  it('sums windows back to the replay counters', async () => {
    const result = await run(['lru', 'next-key']);
    const evaluation = evaluate(result, options);
    const candidate = evaluation.runs[1];
    const gain = evaluation.comparisons[0].hitRatioGainPoints;
    const scored = result.trace.scoredRequests;
    // Each window contains scored / windows requests here, so the overall gain
    // is the mean of the per-window gains.
    const meanWindowGain = gain.windowValues.reduce((s, v) => s! + v!, 0)! / options.windows;
    expect(scored % options.windows).toBe(0);
    expect(gain.estimate).toBeCloseTo(meanWindowGain, 9);
    expect(gain.estimate).toBeCloseTo(100 * (candidate.metrics.hitRatio! - evaluation.runs[0].metrics.hitRatio!), 9);
    expect(evaluation.comparisons[0].backendLoad.estimate).toBeCloseTo(candidate.metrics.backendLoad!, 12);
    expect(candidate.counters.fetches).toBe(candidate.counters.misses + candidate.counters.issuedPrefetches);
  });

  it('uses one window per request on a short trace', async () => {
    const short = await simulate({ trace: traceOf(['a', 'b', 'a']), policies: ['lru'], capacities: [objects(1)], trainFraction: 0 });
    const { settings } = evaluate(short, { ...options, windows: 4 });
    expect(settings.windows).toBe(3);
    expect(settings.windowEnds).toEqual([1, 2, 3]);
  });

  it('gives an empty trace one empty window and no verdict to roll out', async () => {
    const empty = await simulate({ trace: traceOf([]), policies: ['lru', 'next-key'], capacities: [objects(1)], trainFraction: 0 });
    const evaluation = evaluate(empty, options);
    expect(evaluation.settings.windows).toBe(1);
    expect(evaluation.runs[0].metrics.hitRatio).toBeNull();
    expect(evaluation.comparisons[0].hitRatioGainPoints.estimate).toBeNull();
    expect(evaluation.comparisons[0].verdict.decision).toBe('inconclusive');
  });

  it('fails the p99 guardrail on slow predictions', async () => {
    const result = await run(['lru', 'next-key']);
    result.runs[1].onRequestMs = Float64Array.from({ length: 100 }, (_, i) => (i < 95 ? 0.01 : 5));
    const timed = { ...options, guardrails: { maxPredictionP99Ms: 1 } };
    const [comparison] = evaluate(result, timed).comparisons;
    const p99 = comparison.guardrails.find((check) => check.name === 'max-prediction-p99')!;
    expect(p99.observed).toBeCloseTo(5, 12);
    expect(p99.status).toBe('fail');
    expect(comparison.verdict.failed).toEqual(['max-prediction-p99']);
  });

  it('marks a bound and gives it no verdict', async () => {
    const result = await run(['lru', 'next-key', 'oracle']);
    const evaluation = evaluate(result, options);
    expect(evaluation.runs[2].isBound).toBe(true);
    expect(evaluation.comparisons.map((c) => c.candidate)).toEqual(['next-key']);
  });

  it('places candidates on the baseline curve of a sweep', async () => {
    const result = await run(['lru', 'next-key'], [], [objects(25), objects(50), objects(100), objects(400)]);
    const { sweep } = evaluate(result, options);
    expect(sweep.unit).toBe('objects');
    expect(sweep.curves.map((c) => c.label)).toEqual(['lru', 'next-key']);
    const lruCurve = sweep.curves[0].points.map((p) => p.missRatio);
    expect(lruCurve).toEqual([...lruCurve].sort((a, b) => b - a));
    expect(sweep.equivalents).toHaveLength(4);
    // next-key at 25 objects misses less than lru at 25, so its equivalent
    // lru size is larger.
    expect(sweep.equivalents[0].equivalent.capacity).toBeGreaterThan(25);
  });

  it('uses a summary over the same windows', async () => {
    const result = await run(['lru']);
    const bounds = Int32Array.from([0, ...evaluate(result, options).settings.windowEnds]);
    const summary = summariseRun(result.runs[0], bounds);
    summary.counts.hits.fill(0);
    expect(evaluate(result, options, [summary]).runs[0].windowHitRatios.every((ratio) => ratio === 0)).toBe(true);
  });

  it('ignores a summary over other windows', async () => {
    const result = await run(['lru']);
    const other = summariseRun(result.runs[0], metricsWindowBounds(result.trace.scoredRequests, 7));
    other.counts.hits.fill(0);
    expect(evaluate(result, options, [other])).toEqual(evaluate(result, options));
  });

  it('notes that one capacity is no sweep', async () => {
    const { sweep } = evaluate(await run(['lru', 'next-key']), options);
    expect(sweep.unit).toBeNull();
    expect(sweep.note).toContain('two or more cache sizes');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/eval/evaluate.js';
import { POLICIES } from '../../src/policies/registry.js';
import { chartSpecs } from '../../src/report/charts.js';
import { renderMarkdown, renderTextTable } from '../../src/report/markdown.js';
import { buildReportData } from '../../src/report/report-data.js';
import { reportJson } from '../../src/report/write-report.js';
import type { Capacity } from '../../src/sim/cache.js';
import { simulate } from '../../src/simulate.js';
import { traceOfRows } from '../helpers.js';

/** Every built-in policy but lstm, whose training takes about a second. */
const POLICY_IDS = POLICIES.map((entry) => entry.id).filter((id) => id !== 'lstm');

/**
 * A random small trace, often empty or all warm-up: keys 0..5, sizes
 * 0..20 (0 makes byte ratios 0 / 0), times that may step back.
 */
const arbitraryTrace = fc
  .array(fc.record({ key: fc.integer({ min: 0, max: 5 }), size: fc.integer({ min: 0, max: 20 }), gap: fc.integer({ min: -2, max: 3 }) }), { maxLength: 30 })
  .map(traceOfRows);

const arbitraryCapacities: fc.Arbitrary<Capacity[]> = fc.uniqueArray(
  fc.oneof(
    fc.integer({ min: 1, max: 6 }).map((objects) => ({ unit: 'objects' as const, objects })),
    fc.integer({ min: 1, max: 60 }).map((bytes) => ({ unit: 'bytes' as const, bytes })),
  ),
  { minLength: 1, maxLength: 3, selector: (capacity) => JSON.stringify(capacity) },
);

const MACHINE = { toolVersion: '0.1.0', nodeVersion: 'v20.0.0', cpuModel: 'Test CPU', cpuCores: 2 };
const NO_CHARTS = { hitRatioOverTime: null, missRatioCurves: null, prefetchOutcomes: null };

/** Paths in `value` to numbers that are NaN or infinite. */
function nonFiniteNumbers(value: unknown): string[] {
  const found: string[] = [];
  JSON.stringify(value, (key, item: unknown) => {
    if (typeof item === 'number' && !Number.isFinite(item)) found.push(`${key}: ${item}`);
    return item;
  });
  return found;
}

describe('report rendering', () => {
  it('never shows NaN, Infinity or undefined on small traces', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryTrace,
        arbitraryCapacities,
        fc.constantFrom(0, 0.25, 0.5),
        fc.constantFrom(0, 0.5, 3),
        fc.integer({ min: 2, max: 8 }),
        async (trace, capacities, trainFraction, latency, windows) => {
          const result = await simulate({
            trace,
            policies: POLICY_IDS,
            capacities,
            trainFraction,
            fetchLatency: { kind: 'fixed', value: latency },
          });
          const evaluation = evaluate(result, { baseline: 'lru', windows, bootstrapReplicates: 100, seed: 1 });
          const data = buildReportData(result, evaluation, { command: 'simulate', traceSha256: null, machine: MACHINE });
          expect(nonFiniteNumbers(data)).toEqual([]);
          expect(nonFiniteNumbers(chartSpecs(data))).toEqual([]);
          for (const text of [renderMarkdown(data, NO_CHARTS), renderTextTable(data), reportJson(data)]) {
            expect(text).not.toMatch(/NaN|Infinity|undefined/);
          }
        },
      ),
      { numRuns: 150, seed: 20_240_601 },
    );
  });
});

/**
 * Writes the V8 code cache of the chart script bundle (see
 * src/report/chart-script.ts). V8 serialises only the functions compiled
 * so far, so the script first draws the charts of a small report, as
 * `simulate` would, and the cache then contains what drawing them compiled.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { evaluate } from '../src/eval/evaluate.js';
import { chartSpecs, renderSvgWith } from '../src/report/charts.js';
import {
  CHART_CODE_CACHE,
  CHART_SCRIPT,
  besideThisModule,
  compileChartScript,
  runChartScript,
  sealCodeCache,
} from '../src/report/chart-script.js';
import { buildReportData } from '../src/report/report-data.js';
import { simulate } from '../src/simulate.js';
import { generateKeys } from '../src/trace/generate.js';
import { Op, TraceBuilder } from '../src/trace/trace.js';

/** Draws sample charts with the built script bundle and writes its code cache; returns the cache's size in bytes. */
export async function writeChartCodeCache(): Promise<number> {
  const path = besideThisModule(CHART_SCRIPT);
  const source = readFileSync(path);
  const script = compileChartScript(source.toString('utf8'), path);
  const modules = runChartScript(script, path);
  const specs = chartSpecs(await sampleReportData());
  for (const spec of Object.values(specs)) {
    if (spec !== null) await renderSvgWith(modules, spec);
  }
  const cache = script.createCachedData();
  writeFileSync(besideThisModule(CHART_CODE_CACHE), sealCodeCache(source, cache));
  return cache.length;
}

/** Report data of lru and next-key at three cache sizes on a generated trace, so that all three charts are drawn. */
async function sampleReportData() {
  const builder = new TraceBuilder();
  generateKeys('mixed', 5_000, 1).forEach((key, i) => builder.add(i, String(key), 1, Op.Read));
  const result = await simulate({
    trace: builder.build('sample', 'index'),
    policies: ['lru', 'next-key'],
    capacities: [50, 200, 800].map((objects) => ({ unit: 'objects' as const, objects })),
    trainFraction: 0.2,
  });
  const evaluation = evaluate(result, {
    baseline: 'lru',
    windows: 50,
    bootstrapReplicates: 100,
    seed: 1,
    guardrails: { maxPredictionP99Ms: null },
  });
  return buildReportData(result, evaluation, {
    command: 'simulate --trace sample.csv --policy lru,next-key',
    traceSha256: null,
    machine: { toolVersion: '0.0.0', nodeVersion: process.version, cpuModel: 'build', cpuCores: 1 },
  });
}

/**
 * Builds the chart script bundle and its V8 code cache (see
 * src/report/chart-script.ts). V8 serialises only the functions compiled
 * so far, so the script first draws the charts of a small report, as
 * `simulate` would, and the cache then contains what drawing them compiled.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { evaluate } from '../src/eval/evaluate.js';
import { chartSpecs, renderSvgWith } from '../src/report/charts.js';
import {
  CHART_CODE_CACHE,
  CHART_GLOBAL,
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

/** Bundles the compiled chart modules with vega and vega-lite into the chart script. */
export async function bundleChartScript(): Promise<void> {
  await build({
    entryPoints: [besideThisModule('chart-modules.js')],
    outfile: besideThisModule(CHART_SCRIPT),
    bundle: true,
    platform: 'node',
    // A classic script, because only `vm.Script` takes a code cache in
    // Node 20. Such a script has no top-level await, which vega-canvas's
    // Node build uses to import the optional `canvas` package. Its browser
    // build loads no package and, like the Node build without `canvas`,
    // leaves vega to estimate text widths.
    format: 'iife',
    globalName: CHART_GLOBAL,
    alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
    logLevel: 'warning',
  });
}

/** Draws sample charts with the built script bundle and writes its code cache. */
export async function writeChartCodeCache(): Promise<void> {
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

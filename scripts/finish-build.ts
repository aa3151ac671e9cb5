/**
 * Runs after `tsc` in `npm run build`: bundles the chart modules into one
 * classic script beside their compiled form, bundles the CLI (see
 * bundle-cli.ts), writes the chart script's V8 code cache (see
 * chart-code-cache.ts), and makes the CLI executable. Run from the
 * repository root.
 */
import { chmodSync, rmSync } from 'node:fs';
import { bundleCli } from './bundle-cli.js';
import { bundleChartScript, writeChartCodeCache } from './chart-code-cache.js';
import { CHART_CODE_CACHE, CHART_SCRIPT, besideThisModule } from '../src/report/chart-script.js';

try {
  await bundleChartScript();
} catch (error) {
  // Without the script, the charts import vega and vega-lite as ES
  // modules, which takes about 0.1 s longer per report. esbuild fails this
  // way when its binary for this platform was not installed (npm install
  // --omit=optional).
  rmSync(besideThisModule(CHART_SCRIPT), { force: true });
  process.stderr.write(`build: chart modules left unbundled, because esbuild failed: ${(error as Error).message}\n`);
}
try {
  await bundleCli();
} catch (error) {
  process.stderr.write(`build: CLI left unbundled, because esbuild failed: ${(error as Error).message}\n`);
}
try {
  await writeChartCodeCache();
} catch (error) {
  // The script then compiles from source in every report.
  rmSync(besideThisModule(CHART_CODE_CACHE), { force: true });
  process.stderr.write(`build: no code cache for the chart script: ${(error as Error).message}\n`);
}
chmodSync('dist/src/cli/main.js', 0o755);

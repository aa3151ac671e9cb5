/**
 * Runs after `tsc` in `npm run build`: bundles the chart modules (see
 * src/report/chart-script.ts) into one classic script beside their
 * compiled form, writes its V8 code cache, bundles the CLI (see
 * bundle-cli.ts), and makes the CLI executable. Run from the repository
 * root.
 */
import { chmodSync, rmSync } from 'node:fs';
import { bundleCli } from './bundle-cli.js';
import { writeChartCodeCache } from './chart-code-cache.js';
import { CHART_CODE_CACHE, CHART_GLOBAL, CHART_SCRIPT } from '../src/report/chart-script.js';

const chartDirectory = 'dist/src/report';
try {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [`${chartDirectory}/chart-modules.js`],
    outfile: `${chartDirectory}/${CHART_SCRIPT}`,
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
} catch (error) {
  // Without the script, the charts import vega and vega-lite as ES
  // modules, which takes about 0.1 s longer per report. esbuild fails this
  // way when its binary for this platform was not installed (npm install
  // --omit=optional).
  rmSync(`${chartDirectory}/${CHART_SCRIPT}`, { force: true });
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
  rmSync(`${chartDirectory}/${CHART_CODE_CACHE}`, { force: true });
  process.stderr.write(`build: no code cache for the chart script: ${(error as Error).message}\n`);
}
chmodSync('dist/src/cli/main.js', 0o755);

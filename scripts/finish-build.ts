/**
 * Runs after `tsc` in `npm run build`: bundles the chart modules (see
 * src/report/chart-modules.ts) into one file in place of their compiled
 * form, and makes the CLI executable. Run from the repository root.
 */
import { chmodSync, rmSync } from 'node:fs';

const chartModules = 'dist/src/report/chart-modules.js';
try {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [chartModules],
    outfile: chartModules,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  // The source map tsc wrote describes the file the bundle replaced.
  rmSync(`${chartModules}.map`, { force: true });
} catch (error) {
  // The compiled module still works, only each report loads its charts
  // about 70 ms slower. esbuild fails this way when its binary for this
  // platform was not installed (npm install --omit=optional).
  process.stderr.write(`build: chart modules left unbundled, because esbuild failed: ${(error as Error).message}\n`);
}
chmodSync('dist/src/cli/main.js', 0o755);

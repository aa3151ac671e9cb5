/**
 * Runs after `tsc` in `npm run build`: bundles the chart modules (see
 * src/report/chart-modules.ts) into one file in place of their compiled
 * form, and makes the CLI executable. Run from the repository root.
 */
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const chartModules = 'dist/src/report/chart-modules.js';
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
chmodSync('dist/src/cli/main.js', 0o755);

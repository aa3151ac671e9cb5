/**
 * Replaces the CLI's compiled entry, dist/src/cli/main.js, with a bundle of
 * it and the modules it imports. Node loads about 190 ES modules for a
 * replay, 107 of them ours, and finding, reading and linking each one took
 * longer than running their code. `simulate --help` took 0.20 to 0.23 s
 * bundled against 0.26 to 0.29 s, and a 2-thread 10-size sweep of
 * cloudPhysics about 0.1 s less (2-core AMD EPYC, Node 20). Modules that
 * the CLI imports only for some commands become chunks beside it, loaded
 * when needed. Worker threads still load the unbundled modules of
 * dist/src/.
 *
 * The bundle has its own copy of src/errors.ts, so `SimulatorError`
 * recognises its errors by a mark shared by every copy.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const directory = 'dist/src/cli';
const entry = join(directory, 'main.js');
/** Prefix of the chunk files, so that a build can remove those of the last one. */
const CHUNK_PREFIX = 'bundle-';

/**
 * Packages left to Node. TensorFlow.js and onnxruntime load native or
 * WebAssembly files from their own folders, and tsx loads TypeScript
 * policy modules. onnx-proto is built for CommonJS. vega and vega-lite
 * come from the chart script (see src/report/chart-script.ts), or from
 * the packages where the build wrote none.
 */
const EXTERNAL = ['@tensorflow/*', 'onnxruntime-node', 'onnx-proto', 'tsx', 'tsx/*', 'esbuild', 'vega', 'vega-lite'];

/** Name that the bundle's banner gives `createRequire`, so that a bundled entry can be distinguished from tsc's output. */
const BUNDLE_MARK = 'createRequireForBundle';

/**
 * Bundles the CLI entry that tsc wrote. An entry that is a bundle already
 * (this script ran again without tsc) is left as it is, because bundling
 * it again would delete the chunks it imports.
 */
export async function bundleCli(): Promise<void> {
  if (readFileSync(entry, 'utf8').includes(BUNDLE_MARK)) return;
  for (const name of readdirSync(directory)) {
    if (name.startsWith(CHUNK_PREFIX)) rmSync(join(directory, name));
  }
  await build({
    entryPoints: [entry],
    // In the entry's folder, because modules find the worker scripts and
    // the chart script from their own path (see src/worker-script.ts).
    outdir: directory,
    chunkNames: `${CHUNK_PREFIX}[name]-[hash]`,
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    external: EXTERNAL,
    // Packages built for CommonJS call `require`, which an ES module lacks.
    banner: { js: `import { createRequire as ${BUNDLE_MARK} } from 'node:module';\nconst require = ${BUNDLE_MARK}(import.meta.url);` },
    logLevel: 'warning',
  });
  // The source map tsc wrote describes the file the bundle replaced.
  rmSync(`${entry}.map`, { force: true });
}

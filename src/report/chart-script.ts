/**
 * The chart modules as one classic script with a V8 code cache, both
 * written by `npm run build` beside this module in dist/. Node 20 keeps no
 * compiled code for ES modules between processes, but `vm.Script` takes
 * the code V8 serialised at build time after drawing sample charts. That
 * code contains the bytecode of every function those charts ran, so a report
 * skips most of the parsing and compiling of vega's 2.5 MB. Measured on
 * the hit ratio chart of a 10-size cloudPhysics sweep (Node 20, 2-core AMD
 * EPYC, 3 fresh processes each): loading and drawing took 150 to 175 ms
 * with the cache against 230 to 260 ms without it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { builtFileNear } from '../worker-script.js';

export type ChartModules = typeof import('./chart-modules.js');

/** File name of the bundle in script form (an IIFE), beside this module. */
export const CHART_SCRIPT = 'chart-modules.script.js';
/** File name of the V8 code cache of `CHART_SCRIPT`. */
export const CHART_CODE_CACHE = 'chart-modules.code-cache';
/** Global name that the IIFE assigns the modules' exports to. */
export const CHART_GLOBAL = '__chartModules';

/** Path of a build output beside this module, for the build to write. */
export function besideThisModule(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

/**
 * Compiles the script bundle inside a function, so that its top-level
 * `var` stays local and it gets the `require` that the bundle calls for
 * Node's built-in modules. V8 ignores `cachedData` that another V8
 * version or other V8 flags produced (`script.cachedDataRejected`), and
 * then compiles the source as usual.
 */
export function compileChartScript(source: string, path: string, cachedData?: Buffer): Script {
  const wrapped = `(function (require) {\n${source}\nreturn ${CHART_GLOBAL};\n})`;
  return new Script(wrapped, { filename: path, ...(cachedData === undefined ? {} : { cachedData }) });
}

/** Runs a compiled chart script and returns the modules' exports. */
export function runChartScript(script: Script, path: string): ChartModules {
  const factory = script.runInThisContext() as (require: NodeJS.Require) => ChartModules;
  return factory(createRequire(path));
}

/**
 * Loads the chart modules from the script bundle and its code cache, or
 * returns undefined when the build wrote no script: under the tests, which
 * run the TypeScript sources, or when esbuild could not run at build time.
 */
export function loadChartScript(): ChartModules | undefined {
  // The CLI's bundle runs this from dist/src/cli/, beside dist/src/report/.
  const url = builtFileNear(import.meta.url, 'report', CHART_SCRIPT);
  if (url === undefined) return undefined;
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  const cachedData = readIfPresent(join(dirname(path), CHART_CODE_CACHE));
  return runChartScript(compileChartScript(source, path, cachedData), path);
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

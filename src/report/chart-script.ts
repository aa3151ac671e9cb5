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
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { SimulatorError } from '../errors.js';
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

/** Bytes of the SHA-256 digest at the head of the code cache file. */
const DIGEST_BYTES = 32;

/**
 * Returns the bytes of the code cache file: a SHA-256 digest of the script
 * and the cache, then the cache. V8 checks only a cache's header (its V8
 * version and flags, the source's length), not its body. A cache damaged
 * in the middle crashed Node (a fatal V8 error or SIGSEGV), and the cache
 * of an edited script of the same length ran the old code.
 */
export function sealCodeCache(source: Buffer, cache: Buffer): Buffer {
  return Buffer.concat([digestOf(source, cache), cache]);
}

/**
 * Reads the code cache file at `path` for the script `source`. Returns
 * undefined when the file is missing or unreadable, or when its digest
 * does not match: a damaged file, or one written for another script.
 * The script then compiles from source.
 */
export function readCodeCache(source: Buffer, path: string): Buffer | undefined {
  let sealed: Buffer;
  try {
    sealed = readFileSync(path);
  } catch {
    return undefined;
  }
  if (sealed.length <= DIGEST_BYTES) return undefined;
  const cache = sealed.subarray(DIGEST_BYTES);
  return digestOf(source, cache).equals(sealed.subarray(0, DIGEST_BYTES)) ? cache : undefined;
}

function digestOf(source: Buffer, cache: Buffer): Buffer {
  return createHash('sha256').update(source).update(cache).digest();
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
  try {
    const source = readFileSync(path);
    const cachedData = readCodeCache(source, join(dirname(path), CHART_CODE_CACHE));
    return runChartScript(compileChartScript(source.toString('utf8'), path, cachedData), path);
  } catch (error) {
    throw new SimulatorError(
      'CHART_SCRIPT',
      `${path}: the chart script of the build could not be loaded (${(error as Error).message}); run npm run build to write it again`,
    );
  }
}

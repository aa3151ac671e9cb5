import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the built file `name` of the source folder `folder` (such as
 * `report`): beside the calling module, or in `folder` next to the calling
 * module's folder. The second place serves the CLI bundle, which the build
 * writes to dist/src/cli/. Returns undefined when neither exists.
 *
 * @param moduleUrl `import.meta.url` of the calling module
 */
export function builtFileNear(moduleUrl: string, folder: string, name: string): URL | undefined {
  for (const relative of [`./${name}`, `../${folder}/${name}`]) {
    const url = new URL(relative, moduleUrl);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/**
 * Finds the compiled entry of a worker thread, or undefined when it is
 * missing: the file that `builtFileNear` finds, or the build in dist/ when
 * the caller runs as TypeScript source (under vitest), because Node 20
 * cannot start a worker from TypeScript.
 *
 * @param moduleUrl `import.meta.url` of the calling module
 * @param folder the calling module's folder under src/, such as `parallel`
 * @param name the worker's compiled file name, such as `replay-worker.js`
 */
export function compiledWorkerScript(moduleUrl: string, folder: string, name: string): URL | undefined {
  const near = builtFileNear(moduleUrl, folder, name);
  if (near !== undefined) return near;
  const built = new URL(`../../dist/src/${folder}/${name}`, moduleUrl);
  if (existsSync(fileURLToPath(built))) return built;
  return undefined;
}

/**
 * Path of a worker's build, for the error raised when it is missing: in
 * `folder` next to the caller's folder when the caller runs from dist/src/,
 * as the CLI bundle does, and in dist/ when it runs from the sources.
 */
export function builtWorkerPath(moduleUrl: string, folder: string, name: string): string {
  const isBuilt = fileURLToPath(moduleUrl).includes(`${sep}dist${sep}src${sep}`);
  const relative = isBuilt ? `../${folder}/${name}` : `../../dist/src/${folder}/${name}`;
  return fileURLToPath(new URL(relative, moduleUrl));
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Finds the compiled entry of a worker thread, or undefined when it is
 * missing. The entry is `name` beside the calling module, or the build in
 * dist/ when the caller runs as TypeScript source (under vitest), because
 * Node 20 cannot start a worker from TypeScript.
 *
 * @param moduleUrl `import.meta.url` of the calling module
 * @param folder the calling module's folder under src/, such as `parallel`
 * @param name the worker's compiled file name, such as `replay-worker.js`
 */
export function compiledWorkerScript(moduleUrl: string, folder: string, name: string): URL | undefined {
  const beside = new URL(`./${name}`, moduleUrl);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL(`../../dist/src/${folder}/${name}`, moduleUrl);
  if (existsSync(fileURLToPath(built))) return built;
  return undefined;
}

/** Path of a worker's build in dist/, for the error raised when it is missing. */
export function builtWorkerPath(moduleUrl: string, folder: string, name: string): string {
  return fileURLToPath(new URL(`../../dist/src/${folder}/${name}`, moduleUrl));
}

/**
 * Choice of the TensorFlow.js backend that trains and runs the model.
 *
 * Without a forced choice the first that loads wins:
 * 1. `tensorflow` from `@tensorflow/tfjs-node-gpu`, then from
 *    `@tensorflow/tfjs-node`: native TensorFlow. Neither is a dependency of
 *    this project; either is used when the user installs it.
 * 2. `wasm` from `@tensorflow/tfjs-backend-wasm`: XNNPACK kernels with SIMD,
 *    on one thread in Node, with the replacements of `wasm-kernels.ts`.
 * 3. `cpu`: plain JavaScript kernels, the slowest (see `kernels.ts`).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BadOptionError } from '../errors.js';
import { BACKEND_NAMES, type BackendName } from './backend-names.js';
import { installSegmentSumKernel } from './kernels.js';
import { installWasmKernels } from './wasm-kernels.js';

/** Native packages tried for `tensorflow`, fastest first. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

let hasWasmPaths = false;

/**
 * Activates `requested`, or the fastest backend that loads, and installs the
 * kernels the model needs on it. Returns the active backend's name.
 * @throws BadOptionError when a requested backend cannot be loaded.
 */
export async function selectBackend(
  requested?: BackendName,
): Promise<BackendName> {
  const candidates = requested === undefined ? BACKEND_NAMES : [requested];
  for (const name of candidates) {
    if (await activate(name)) {
      if (name !== 'tensorflow') installSegmentSumKernel(name);
      if (name === 'wasm') installWasmKernels(name);
      return name;
    }
  }
  throw new BadOptionError(
    `--backend: the TensorFlow.js backend "${requested ?? 'cpu'}" could not be started; ${remedy(requested)}`,
  );
}

async function activate(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow') return activateNative();
  if (name === 'wasm') setWasmPathsOnce();
  return setBackendQuietly(name);
}

/** Imports the first native package that is installed and activates it. */
async function activateNative(): Promise<boolean> {
  for (const specifier of NATIVE_PACKAGES) {
    try {
      // A variable specifier keeps TypeScript from resolving an optional
      // package at compile time.
      await import(specifier);
    } catch {
      continue;
    }
    if (await setBackendQuietly('tensorflow')) return true;
  }
  return false;
}

/**
 * Points the WebAssembly backend at the `.wasm` files in its own package,
 * wherever this module was bundled or copied to. Must run before the backend
 * is first initialised, so it runs once.
 */
function setWasmPathsOnce(): void {
  if (hasWasmPaths) return;
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve(
    '@tensorflow/tfjs-backend-wasm/package.json',
  );
  setWasmPaths(path.join(path.dirname(packageJson), 'dist') + path.sep);
  hasWasmPaths = true;
}

/** `tf.setBackend`, returning false instead of throwing when it fails. */
async function setBackendQuietly(name: string): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

function remedy(name: BackendName | undefined): string {
  if (name === 'tensorflow') {
    return 'install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu) at the version of @tensorflow/tfjs, or choose wasm or cpu';
  }
  return 'choose another backend or leave --backend unset';
}

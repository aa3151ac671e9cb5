import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { checkBackendName } from '../../src/model/backend-names.js';
import { selectBackend } from '../../src/model/backend.js';
import { unsortedSegmentSumOnHost } from '../../src/model/kernels.js';

/** Checks whether a native TensorFlow package is installed. */
function hasNativePackage(): boolean {
  const require = createRequire(import.meta.url);
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require.resolve(name);
      return true;
    } catch {
      // Not installed; try the next one.
    }
  }
  return false;
}

describe('selectBackend', () => {
  it.skipIf(hasNativePackage())('falls back to wasm without a native package', async () => {
    expect(await selectBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('activates a forced cpu backend', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it.each(['wasm', 'cpu'] as const)('installs the segment sum kernel on %s', async (name) => {
    await selectBackend(name);
    expect(tf.getKernel('UnsortedSegmentSum', name).kernelFunc).toBe(unsortedSegmentSumOnHost);
  });

  it.skipIf(hasNativePackage())('rejects a forced native backend that is not installed', async () => {
    const selection = selectBackend('tensorflow');
    await expect(selection).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(selection).rejects.toThrow(/install @tensorflow\/tfjs-node/);
  });
});

describe('checkBackendName', () => {
  it('accepts the known names', () => {
    expect(checkBackendName('wasm')).toBe('wasm');
    expect(checkBackendName('tensorflow')).toBe('tensorflow');
  });

  it('rejects an unknown name and lists the known ones', () => {
    expect(() => checkBackendName('webgpu')).toThrow(
      '--backend: "webgpu" is not a TensorFlow.js backend that lstm can use; use one of tensorflow, wasm, cpu',
    );
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import {
  installSegmentSumKernel,
  unsortedSegmentSumOnHost,
} from '../../src/model/kernels.js';

/** Runs `UnsortedSegmentSum` on `backend` and returns the values and shape. */
async function segmentSum(
  backend: string,
  x: number[],
  xShape: number[],
  ids: number[],
  idShape: number[],
  numSegments: number,
  dtype: 'float32' | 'int32' = 'float32',
): Promise<{ values: number[]; shape: number[] }> {
  await tf.setBackend(backend);
  const result = tf.tidy(() => {
    const inputs = {
      x: tf.tensor(x, xShape, dtype),
      segmentIds: tf.tensor(ids, idShape, 'int32'),
    };
    return tf.engine().runKernel('UnsortedSegmentSum', inputs, { numSegments }) as tf.Tensor;
  });
  const values = Array.from(result.dataSync());
  const shape = result.shape;
  result.dispose();
  return { values, shape };
}

// Ids 5 and -1 are outside [0, 4) and must be dropped, as in TensorFlow.
const X = [1.5, -2, 3, 0.25, 4, -1, 7, 8, 9, 10, 11, 12, 0.5, 0.5, 0.5, 2, 2, 2];
const IDS = [2, 0, 2, 5, -1, 3];
let reference: { values: number[]; shape: number[] };
let referenceInt: { values: number[]; shape: number[] };

describe('unsortedSegmentSumOnHost', () => {
  beforeAll(async () => {
    // The CPU backend's own kernel, computed before anything replaces it.
    await tf.setBackend('cpu');
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu').kernelFunc).not.toBe(unsortedSegmentSumOnHost);
    reference = await segmentSum('cpu', X, [6, 3], IDS, [6], 4);
    referenceInt = await segmentSum('cpu', [1, 2, 3, 4, 5, 6], [6], IDS, [6], 3, 'int32');
    await selectBackend('wasm');
    installSegmentSumKernel('cpu');
  });

  it('is missing from wasm until installed', async () => {
    // selectBackend installed it; removing it shows that tfjs lacks one.
    tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
    installSegmentSumKernel('wasm');
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm').kernelFunc).toBe(unsortedSegmentSumOnHost);
  });

  it.each(['wasm', 'cpu'])('matches the cpu kernel on %s', async (backend) => {
    const result = await segmentSum(backend, X, [6, 3], IDS, [6], 4);
    expect(result.shape).toEqual(reference.shape);
    expect(result.values).toEqual(reference.values);
  });

  it.each(['wasm', 'cpu'])('matches the cpu kernel on int32 on %s', async (backend) => {
    const result = await segmentSum(backend, [1, 2, 3, 4, 5, 6], [6], IDS, [6], 3, 'int32');
    expect(result.shape).toEqual(referenceInt.shape);
    expect(result.values).toEqual(referenceInt.values);
  });

  it('rejects rank-2 segment ids', async () => {
    await expect(segmentSum('wasm', X, [2, 3, 3], IDS, [2, 3], 4)).rejects.toThrow(/pass 1-D ids/);
  });

  it('matches the cpu embedding gradient', async () => {
    const table = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const indices = [3, 1, 3, 0];
    const gradientOn = async (backend: string) => {
      await tf.setBackend(backend);
      const gradient = tf.tidy(() => {
        const weights = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
        const lookup = (embeddings: tf.Tensor) =>
          tf.gather(embeddings, tf.tensor1d(indices, 'int32')).mul(weights).sum();
        return tf.grad(lookup)(tf.tensor2d(table, [4, 2]));
      });
      const values = Array.from(gradient.dataSync());
      gradient.dispose();
      return values;
    };
    const onCpu = await gradientOn('cpu');
    const onWasm = await gradientOn('wasm');
    // Row 3 is looked up twice: its gradient is the sum of two weight rows.
    expect(onCpu).toEqual([7, 8, 3, 4, 0, 0, 6, 8]);
    expect(onWasm).toEqual(onCpu);
  });

  it('installs only once', () => {
    installSegmentSumKernel('wasm');
    installSegmentSumKernel('wasm');
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm').kernelFunc).toBe(unsortedSegmentSumOnHost);
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import {
  installWasmKernels,
  splitVOnHost,
} from '../../src/model/wasm-kernels.js';

/** Deterministic values in [-2, 2) for a tensor of `size` elements. */
function values(size: number, offset = 0): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => ((i * 7919 + offset * 104_729) % 400) / 100 - 2);
}

/** Runs `compute` on `backend` and returns its results as arrays. */
async function on(
  backend: string,
  compute: () => tf.Tensor | tf.Tensor[],
): Promise<{ values: number[]; shape: number[] }[]> {
  await tf.setBackend(backend);
  const result = tf.tidy(compute);
  const tensors = Array.isArray(result) ? result : [result];
  const arrays = tensors.map((tensor) => ({
    values: Array.from(tensor.dataSync()),
    shape: tensor.shape,
  }));
  tf.dispose(tensors);
  return arrays;
}

/** Checks that `compute` gives the same shapes and close values on both. */
async function expectSameOnWasmAndCpu(
  compute: () => tf.Tensor | tf.Tensor[],
  digits = 4,
): Promise<void> {
  const expected = await on('cpu', compute);
  const actual = await on('wasm', compute);
  expect(actual.length).toBe(expected.length);
  actual.forEach((tensor, i) => {
    expect(tensor.shape).toEqual(expected[i].shape);
    tensor.values.forEach((value, j) => {
      expect(value).toBeCloseTo(expected[i].values[j], digits);
    });
  });
}

describe('installWasmKernels', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('replaces the four kernels once', () => {
    const kernels = ['BatchMatMul', '_FusedMatMul', 'Tanh', 'SplitV', 'Identity', 'GatherV2'];
    const before = kernels.map((name) => tf.getKernel(name, 'wasm').kernelFunc);
    installWasmKernels('wasm');
    const after = kernels.map((name) => tf.getKernel(name, 'wasm').kernelFunc);
    expect(after).toEqual(before);
    expect(tf.getKernel('SplitV', 'wasm').kernelFunc).toBe(splitVOnHost);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matches cpu matMul with transposeA %s, transposeB %s', async (transposeA, transposeB) => {
    await expectSameOnWasmAndCpu(() => {
      const a = tf.tensor2d(values(15), transposeA ? [5, 3] : [3, 5]);
      const b = tf.tensor2d(values(20, 1), transposeB ? [4, 5] : [5, 4]);
      return tf.matMul(a, b, transposeA, transposeB);
    });
  });

  it('matches cpu on a broadcast batch matMul', async () => {
    await expectSameOnWasmAndCpu(() => {
      const a = tf.tensor3d(values(2 * 5 * 3), [2, 5, 3]);
      const b = tf.tensor3d(values(4 * 5, 2), [1, 4, 5]);
      return tf.matMul(a, b, true, true);
    });
  });

  it('matches cpu on a fused matMul with bias and relu', async () => {
    await expectSameOnWasmAndCpu(() => {
      const a = tf.tensor2d(values(15), [5, 3]);
      const b = tf.tensor2d(values(20, 3), [4, 5]);
      const bias = tf.tensor1d(values(4, 4));
      return tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'relu' });
    });
  });

  it('matches cpu weight gradients of a dense layer', async () => {
    await expectSameOnWasmAndCpu(() => {
      const x = tf.tensor2d(values(12), [4, 3]);
      const w = tf.tensor2d(values(6, 5), [3, 2]);
      const loss = (weights: tf.Tensor) => tf.matMul(x, weights).square().sum();
      return tf.grad(loss)(w);
    });
  });

  it('matches cpu tanh, saturated inputs included', async () => {
    await expectSameOnWasmAndCpu(() => {
      const x = tf.tensor1d([...values(40), -30, -9, 0, 1e-4, 9, 30]);
      return tf.tanh(x);
    }, 5);
  });

  it('matches the cpu tanh gradient', async () => {
    await expectSameOnWasmAndCpu(() => tf.grad((x: tf.Tensor) => tf.tanh(x).sum())(tf.tensor1d(values(10))), 5);
  });

  it.each([
    [[2, 12], 4, 1],
    [[2, 12], [3, 5, -1], 1],
    [[6, 2, 3], [1, 5], 0],
    [[2, 3, 4], 2, 2],
    [[2, 3, 4], [1, 2], -2],
  ])('matches cpu split of shape %j into %j on axis %i', async (shape, splits, axis) => {
    const size = shape.reduce((a, b) => a * b, 1);
    await expectSameOnWasmAndCpu(() => tf.split(tf.tensor(values(size), shape), splits, axis), 6);
  });

  it('splits int32 tensors exactly', async () => {
    const split = () => tf.split(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [1, 2], 1);
    const [first, second] = await on('wasm', split);
    expect(first.values).toEqual([1, 4]);
    expect(second.values).toEqual([2, 3, 5, 6]);
  });

  it('matches cpu split of a [64, 256] gate tensor, rows copied as blocks', async () => {
    await expectSameOnWasmAndCpu(() => tf.split(tf.tensor2d(values(64 * 256), [64, 256]), [64, 64, 127, 1], 1), 6);
  });

  it.each([
    [[5, 3], [4, 0, 4, 2], 0],
    [[5, 2, 2], [[1, 3], [0, 4]], 0],
    [[3, 4], [3, 1], 1],
  ])('matches cpu gather of shape %j at %j on axis %i', async (shape, indices, axis) => {
    const size = shape.reduce((a, b) => a * b, 1);
    await expectSameOnWasmAndCpu(() => tf.gather(tf.tensor(values(size), shape), tf.tensor(indices, undefined, 'int32'), axis), 6);
  });

  it('gathers int32 rows with the original kernel', async () => {
    const [gathered] = await on('wasm', () => tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [1, 0]));
    expect(gathered.values).toEqual([3, 4, 1, 2]);
  });

  it('throws on a row outside the tensor and leaves no tensor behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d(values(6), [3, 2]);
    const ids = tf.tensor1d([0, 3], 'int32');
    const beforeIds = tf.engine().backend.numDataIds();
    expect(() => tf.gather(x, ids)).toThrow('GatherV2: the index value 3 is not in [0, 2]');
    expect(tf.engine().backend.numDataIds()).toBe(beforeIds);
    tf.dispose([x, ids]);
  });

  it('shares identity data by reference', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1, 2, 3]);
    const dataIds = tf.engine().backend.numDataIds();
    const copy = tf.clone(x);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    copy.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(dataIds - 1);
  });

  it('matches the cpu gradients of a small LSTM', async () => {
    await expectSameOnWasmAndCpu(() => {
      const lstm = tf.layers.lstm({
        units: 3,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 }),
        recurrentInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 2 }),
      });
      const x = tf.tensor3d(values(2 * 4 * 2), [2, 4, 2]);
      const output = lstm.apply(x) as tf.Tensor;
      const { grads } = tf.variableGrads(() => (lstm.apply(x) as tf.Tensor).square().sum() as tf.Scalar);
      const gradients = lstm.trainableWeights.map((weight) => grads[(weight.read() as tf.Variable).name]);
      tf.dispose(lstm.getWeights());
      return [output, ...gradients];
    }, 4);
  });

  it('leaves no tensor behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const beforeIds = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      const a = tf.tensor2d(values(6), [3, 2]);
      tf.matMul(a, a, true, false);
      tf.tanh(a);
      tf.split(a, 2, 1);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(beforeIds);
  });
});

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import {
  CELL_GRADIENT_KERNEL,
  CELL_KERNEL,
  HIDDEN_KERNEL,
  runCellKernel,
} from '../../src/model/lstm-cell-kernels.js';

const BATCH = 3;
const UNITS = 5;

/** Deterministic values in (0, 1) or (-2, 2) for a [BATCH, width] tensor. */
function matrix(width: number, offset: number, isGate = false): tf.Tensor2D {
  const values = Float32Array.from({ length: BATCH * width }, (_, i) => {
    const unit = ((i * 7919 + offset * 104_729) % 997) / 997;
    return isGate ? 0.01 + 0.98 * unit : 4 * unit - 2;
  });
  return tf.tensor2d(values, [BATCH, width]);
}

/** Computes the same step with float32 tfjs ops, rounding in the kernels' order. */
function withOps(gates: tf.Tensor2D, previousCell: tf.Tensor2D, dh: tf.Tensor2D, dhOutside: tf.Tensor2D, dcNext: tf.Tensor2D) {
  const [i, f, s, o] = tf.split(gates, 4, 1);
  const candidate = tf.sub(tf.mul(s, 2), 1);
  const cell = tf.add(tf.mul(f, previousCell), tf.mul(i, candidate));
  const cellTanh = tf.sub(tf.mul(tf.sigmoid(tf.mul(cell, 2)), 2), 1);
  const hidden = tf.mul(o, cellTanh);
  const slope = (a: tf.Tensor, scale: number) => tf.mul(tf.mul(a, tf.sub(1, a)), scale);
  const dhSum = tf.add(dh, dhOutside);
  const dc = tf.add(dcNext, tf.mul(tf.mul(dhSum, o), tf.sub(1, tf.square(cellTanh))));
  const dz = tf.concat([
    tf.mul(dc, tf.mul(candidate, slope(i, 1))),
    tf.mul(dc, tf.mul(previousCell, slope(f, 1))),
    tf.mul(dc, tf.mul(i, slope(s, 4))),
    tf.mul(dhSum, tf.mul(cellTanh, slope(o, 1))),
  ], 1);
  return [cell, hidden, cellTanh, dz, tf.mul(dc, f)];
}

function withKernels(gates: tf.Tensor2D, previousCell: tf.Tensor2D, dh: tf.Tensor2D, dhOutside: tf.Tensor2D, dcNext: tf.Tensor2D) {
  const [cell, doubled] = runCellKernel(CELL_KERNEL, { gates, previousCell });
  const [hidden, cellTanh] = runCellKernel(HIDDEN_KERNEL, { gates, squashedCell: tf.sigmoid(doubled) });
  const [dz, dcPrevious] = runCellKernel(CELL_GRADIENT_KERNEL, {
    gates,
    cellTanh,
    previousCell,
    hiddenGradient: dh,
    outsideGradient: dhOutside,
    cellGradient: dcNext,
  });
  return [cell, hidden, cellTanh, dz, dcPrevious];
}

function run(compute: typeof withOps): number[][] {
  return tf.tidy(() => {
    const inputs = [matrix(4 * UNITS, 1, true), matrix(UNITS, 2), matrix(UNITS, 3), matrix(UNITS, 4), matrix(UNITS, 5)] as const;
    return compute(...inputs).map((tensor) => Array.from(tensor.dataSync()));
  });
}

describe('LSTM cell kernels', () => {
  it.each(['cpu', 'wasm'])('equal float32 tfjs ops bit for bit on %s', async (backend) => {
    await selectBackend(backend as 'cpu' | 'wasm');
    const expected = run(withOps);
    const actual = run(withKernels);
    ['cell', 'hidden', 'tanh', 'gate gradient', 'cell gradient'].forEach((name, k) => {
      expect(actual[k], name).toEqual(expected[k]);
    });
  });

  it('treat missing inputs of the first and last step as zero', async () => {
    await selectBackend('cpu');
    const [dz, dcPrevious] = tf.tidy(() => {
      const gates = matrix(4 * UNITS, 1, true);
      const [, cellTanh] = runCellKernel(HIDDEN_KERNEL, { gates, squashedCell: matrix(UNITS, 6, true) });
      const zeros = tf.zeros([BATCH, UNITS]);
      const [withZeros] = runCellKernel(CELL_GRADIENT_KERNEL, { gates, cellTanh, previousCell: zeros, hiddenGradient: zeros, outsideGradient: matrix(UNITS, 7), cellGradient: zeros });
      const [withoutInputs, dc] = runCellKernel(CELL_GRADIENT_KERNEL, { gates, cellTanh, outsideGradient: matrix(UNITS, 7) });
      return [tf.sub(withZeros, withoutInputs).abs().max(), dc];
    });
    expect(dz.dataSync()[0]).toBe(0);
    expect(dcPrevious.shape).toEqual([BATCH, UNITS]);
    tf.dispose([dz, dcPrevious]);
  });
});

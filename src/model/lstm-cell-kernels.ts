/**
 * Element-wise parts of an LSTM step as two host kernels, for
 * `lstm-gradients.ts`. With tfjs ops, the cell update took 13 kernel calls
 * per step forward and 9 backward, and each call has a fixed cost of
 * several microseconds on the WebAssembly backend. These kernels do the
 * same work in one pass each. An epoch of the default model took 3 to 8%
 * less CPU time with them (best of 3 or 4 runs alternated with the op
 * version, on a loaded 2-core VM). The activations stay on the backend (one sigmoid for
 * the gates, one for tanh(c) = 2·σ(2c) − 1), because its vectorised
 * sigmoid is much faster per element than `Math.exp`.
 *
 * Gate layout, as tfjs-layers stores it: columns [i, f, s, o] of width
 * `units`, where i, f, o are sigmoids of their pre-activations and
 * s = σ(2·z_c), so that the cell input is g = 2s − 1 = tanh(z_c).
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type TensorInfo = tf.TensorInfo;

/** Computes c = f ⊙ c' + i ⊙ g and 2c from the gates and c'. */
export const CELL_KERNEL = 'NextKeyLstmCell';
/** Computes h = o ⊙ tanh(c) and tanh(c) from the gates and σ(2c). */
export const HIDDEN_KERNEL = 'NextKeyLstmHidden';
/** Computes the gate pre-activation gradient and the gradient of c'. */
export const CELL_GRADIENT_KERNEL = 'NextKeyLstmCellGradient';

/** Backend access of the kernels: heap views on wasm, copies elsewhere. */
interface HostBackend {
  readSync(dataId: tf.DataId): Float32Array;
  write(values: Float32Array, shape: number[], dtype: tf.DataType): tf.DataId;
  makeOutput?(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap?(info: TensorInfo): Float32Array;
}

/**
 * Runs `compute` with writable arrays for outputs of `shapes` and readable
 * arrays for `inputs` (undefined stays undefined), and returns the outputs.
 * On the WebAssembly backend both are views of its heap, taken after every
 * output is allocated, since allocating may grow the heap and detach views.
 */
function withArrays(
  backend: HostBackend,
  inputs: (TensorInfo | undefined)[],
  shapes: number[][],
  compute: (inputs: (Float32Array | undefined)[], outputs: Float32Array[]) => void,
): TensorInfo[] {
  if (backend.makeOutput !== undefined && backend.typedArrayFromHeap !== undefined) {
    const outputs = shapes.map((shape) => backend.makeOutput!(shape, 'float32'));
    compute(
      inputs.map((input) => input && backend.typedArrayFromHeap!(input)),
      outputs.map((output) => backend.typedArrayFromHeap!(output)),
    );
    return outputs;
  }
  const arrays = shapes.map((shape) => new Float32Array(shape[0] * shape[1]));
  compute(inputs.map((input) => input && backend.readSync(input.dataId)), arrays);
  return arrays.map((values, i) => ({
    dataId: backend.write(values, shapes[i], 'float32'),
    shape: shapes[i],
    dtype: 'float32' as const,
  }));
}

/**
 * Inputs `gates` [batch, 4·units] and, except at the first step,
 * `previousCell` [batch, units]. Outputs c and 2c, [batch, units] each.
 */
function cellKernel({ inputs, backend }: KernelArgs): TensorInfo[] {
  const gates = inputs.gates as TensorInfo;
  const [batch, width] = gates.shape;
  const units = width / 4;
  const shape = [batch, units];
  return withArrays(
    backend as unknown as HostBackend,
    [gates, inputs.previousCell as TensorInfo | undefined],
    [shape, shape],
    ([a, previous], [cell, doubled]) => {
      for (let b = 0; b < batch; b++) {
        const row = b * width;
        for (let j = 0; j < units; j++) {
          const k = b * units + j;
          const candidate = fround(2 * a![row + 2 * units + j] - 1);
          let c = fround(a![row + j] * candidate);
          if (previous !== undefined) c = fround(fround(a![row + units + j] * previous[k]) + c);
          cell[k] = c;
          doubled[k] = 2 * c;
        }
      }
    },
  );
}

/**
 * Inputs `gates` [batch, 4·units] and `squashedCell` = σ(2c) [batch,
 * units]. Outputs h and tanh(c), [batch, units] each.
 */
function hiddenKernel({ inputs, backend }: KernelArgs): TensorInfo[] {
  const gates = inputs.gates as TensorInfo;
  const [batch, width] = gates.shape;
  const units = width / 4;
  const shape = [batch, units];
  return withArrays(
    backend as unknown as HostBackend,
    [gates, inputs.squashedCell as TensorInfo],
    [shape, shape],
    ([a, squashed], [hidden, cellTanh]) => {
      for (let b = 0; b < batch; b++) {
        const row = b * width + 3 * units;
        for (let j = 0; j < units; j++) {
          const k = b * units + j;
          const tanh = fround(2 * squashed![k] - 1);
          cellTanh[k] = tanh;
          hidden[k] = a![row + j] * tanh;
        }
      }
    },
  );
}

/**
 * Inputs `gates`, `cellTanh`, and where they exist `previousCell`, the
 * hidden-state gradients `hiddenGradient` and `outsideGradient` (from the
 * next step and from the layer's output), and the cell-state gradient
 * `cellGradient` from the next step. Outputs the gradient of the gate
 * pre-activations z [batch, 4·units] and of the previous cell state.
 *
 * With dh the sum of the hidden-state gradients and
 * dc = dc_next + dh ⊙ o ⊙ (1 − tanh²(c)):
 * dz_i = dc ⊙ g ⊙ i(1 − i), dz_f = dc ⊙ c' ⊙ f(1 − f),
 * dz_c = dc ⊙ i ⊙ 4s(1 − s), which is 1 − g², dz_o = dh ⊙ tanh(c) ⊙ o(1 − o)
 * and dc' = dc ⊙ f.
 */
function cellGradientKernel({ inputs, backend }: KernelArgs): TensorInfo[] {
  const gates = inputs.gates as TensorInfo;
  const [batch, width] = gates.shape;
  const units = width / 4;
  const optional = (name: string) => inputs[name] as TensorInfo | undefined;
  return withArrays(
    backend as unknown as HostBackend,
    [
      gates,
      inputs.cellTanh as TensorInfo,
      optional('previousCell'),
      optional('hiddenGradient'),
      optional('outsideGradient'),
      optional('cellGradient'),
    ],
    [[batch, width], [batch, units]],
    ([a, cellTanh, previous, dhNext, dhOutside, dcNext], [dz, dcPrevious]) => {
      for (let b = 0; b < batch; b++) {
        const row = b * width;
        for (let j = 0; j < units; j++) {
          const k = b * units + j;
          const i = a![row + j];
          const f = a![row + units + j];
          const s = a![row + 2 * units + j];
          const o = a![row + 3 * units + j];
          const g = fround(2 * s - 1);
          const tanh = cellTanh![k];
          let dh = dhNext === undefined ? 0 : dhNext[k];
          if (dhOutside !== undefined) dh = dhNext === undefined ? dhOutside[k] : fround(dh + dhOutside[k]);
          const throughTanh = fround(fround(dh * o) * fround(1 - fround(tanh * tanh)));
          const dc = dcNext === undefined ? throughTanh : fround(dcNext[k] + throughTanh);
          dz[row + j] = dc * fround(g * slope(i, 1));
          dz[row + units + j] = previous === undefined ? 0 : dc * fround(previous[k] * slope(f, 1));
          dz[row + 2 * units + j] = dc * fround(i * slope(s, 4));
          dz[row + 3 * units + j] = dh * fround(tanh * slope(o, 1));
          dcPrevious[k] = dc * f;
        }
      }
    },
  );
}

/**
 * Rounds to float32. Every kernel rounds after each operation, in the
 * order that float32 tensor ops would, so that its results equal, bit for
 * bit, those of the element-wise tfjs ops it replaces. Training is
 * sensitive to rounding: with one rounding at the end instead, early
 * stopping ended the 1,000-sample sequential run of `simulate validate` at
 * epoch 11 with 86% accuracy rather than at epoch 33 with 100%.
 */
const fround = Math.fround;

/** σ'(x)·scale from σ(x) = `a`, rounded as float32 ops would. */
function slope(a: number, scale: number): number {
  return fround(fround(a * fround(1 - a)) * scale);
}

const registered = new Set<string>();

/** Registers the three kernels for `backendName` unless already done. */
export function installLstmCellKernels(backendName: string): void {
  if (registered.has(backendName)) return;
  const kernels: [string, tf.KernelFunc][] = [
    [CELL_KERNEL, cellKernel as tf.KernelFunc],
    [HIDDEN_KERNEL, hiddenKernel as tf.KernelFunc],
    [CELL_GRADIENT_KERNEL, cellGradientKernel as tf.KernelFunc],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (tf.getKernel(kernelName, backendName) === undefined) {
      tf.registerKernel({ kernelName, backendName, kernelFunc });
    }
  }
  registered.add(backendName);
}

/** Runs a kernel of this module on the active backend. */
export function runCellKernel(
  name: string,
  inputs: Record<string, tf.Tensor | undefined>,
): tf.Tensor2D[] {
  installLstmCellKernels(tf.getBackend());
  const present: tf.NamedTensorMap = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (value !== undefined) present[key] = value;
  }
  return tf.engine().runKernel(name, present, {}) as unknown as tf.Tensor2D[];
}

/**
 * Kernel replacements that make LSTM training on the WebAssembly backend of
 * tfjs 4.22 about three times faster. Each one composes kernels that the
 * backend runs well, or works on the host, and gives the same result as the
 * kernel it replaces (tests compare each with the CPU backend).
 *
 * Measured by profiling every kernel call of one training epoch of the
 * default model (4,000 samples, batch 64, 2-core AMD EPYC VM):
 * - `BatchMatMul` with a transposed operand, which every weight gradient
 *   needs, took 5.3 s of a 7.6 s epoch. The backend hands only the
 *   untransposed case to XNNPACK and runs the transposed ones on a slow
 *   generic loop. Transposing first and then multiplying took the epoch to
 *   3.6 s.
 * - `Tanh` costs about 30 ns per element; 2·sigmoid(2x) − 1 runs on the
 *   backend's vectorised sigmoid.
 * - `SplitV`, which cuts the four LSTM gates apart at every step, slices with
 *   one `TypedArray.set` per row; one copy loop per output is faster.
 * - `Identity`, which the engine runs to keep every tensor a gradient needs
 *   (about 570 times per training step of the default model), copies the
 *   data. The backend's own `Reshape` already shares data by reference
 *   count, as the CPU backend's `Identity` does, and no kernel writes into
 *   its inputs, so sharing is safe and saves the copies (about 6% of an
 *   epoch).
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type TensorInfo = tf.TensorInfo;

/** Backend methods the replacements use; every tfjs backend has them. */
interface HostBackend {
  readSync(dataId: tf.DataId): Float32Array | Int32Array | Uint8Array;
  write(
    values: Float32Array | Int32Array | Uint8Array | null,
    shape: number[],
    dtype: tf.DataType,
  ): tf.DataId;
  disposeData(dataId: tf.DataId): boolean;
}

/**
 * Kernels wrapped by `installWasmKernels`, so that a second call does not
 * wrap a wrapper.
 */
const installed = new WeakSet<tf.KernelFunc>();

/**
 * Replaces `BatchMatMul`, `_FusedMatMul`, `Tanh`, `SplitV` and `Identity` on
 * `backendName` with the faster versions of this module. Kernels are global
 * to the process, so every later use of these ops on that backend gets
 * them; calling it again does nothing.
 */
export function installWasmKernels(backendName: string): void {
  replaceKernel('BatchMatMul', backendName, untransposedMatMul);
  replaceKernel('_FusedMatMul', backendName, untransposedMatMul);
  replaceKernel('Tanh', backendName, tanhBySigmoid);
  replaceKernel('SplitV', backendName, () => splitVOnHost);
  replaceKernel('Identity', backendName, identityByReference);
}

/**
 * Registers `wrap(original)` in place of the kernel `name` of
 * `backendName`, unless a replacement is already there.
 */
function replaceKernel(
  name: string,
  backendName: string,
  wrap: (original: tf.KernelFunc, backendName: string) => tf.KernelFunc,
): void {
  const existing = tf.getKernel(name, backendName);
  if (existing === undefined || installed.has(existing.kernelFunc)) return;
  const kernelFunc = wrap(existing.kernelFunc, backendName);
  installed.add(kernelFunc);
  tf.unregisterKernel(name, backendName);
  tf.registerKernel({ ...existing, kernelFunc });
}

/**
 * Wraps a matrix-multiply kernel so that a transposed operand is transposed
 * by the `Transpose` kernel first and then multiplied untransposed.
 */
export function untransposedMatMul(
  original: tf.KernelFunc,
  backendName: string,
): tf.KernelFunc {
  const transpose = kernelOf('Transpose', backendName);
  return (args: KernelArgs) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);

    const host = args.backend as unknown as HostBackend;
    const temporaries: TensorInfo[] = [];
    const swapLastAxes = (x: TensorInfo): TensorInfo => {
      const perm = x.shape.map((_, axis) => axis);
      const rank = perm.length;
      [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
      const swapped = transpose({
        inputs: { x },
        backend: args.backend,
        attrs: { perm },
      }) as TensorInfo;
      temporaries.push(swapped);
      return swapped;
    };
    const inputs = { ...args.inputs };
    if (attrs.transposeA) inputs.a = swapLastAxes(inputs.a as TensorInfo);
    if (attrs.transposeB) inputs.b = swapLastAxes(inputs.b as TensorInfo);
    try {
      return original({
        inputs,
        backend: args.backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const temporary of temporaries) host.disposeData(temporary.dataId);
    }
  };
}

/**
 * Builds a `Tanh` kernel that computes 2·sigmoid(2x) − 1 with the kernels
 * of `backendName`; the original kernel is not called.
 */
export function tanhBySigmoid(
  _original: tf.KernelFunc,
  backendName: string,
): tf.KernelFunc {
  const multiply = kernelOf('Multiply', backendName);
  const sigmoid = kernelOf('Sigmoid', backendName);
  const subtract = kernelOf('Sub', backendName);
  return (args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    const backend = args.backend;
    const host = backend as unknown as HostBackend;
    const two = scalar(host, 2);
    const one = scalar(host, 1);
    const run = (kernel: tf.KernelFunc, a: TensorInfo, b?: TensorInfo) =>
      kernel({
        inputs: b === undefined ? { x: a } : { a, b },
        backend,
        attrs: {},
      }) as TensorInfo;
    const doubled = run(multiply, x, two);
    const squashed = run(sigmoid, doubled);
    const stretched = run(multiply, squashed, two);
    const result = run(subtract, stretched, one);
    for (const temporary of [two, one, doubled, squashed, stretched]) {
      host.disposeData(temporary.dataId);
    }
    return result;
  };
}

/**
 * Splits `x` along `axis` into pieces of `numOrSizeSplits` (a count of
 * equal pieces, or the size of each, where one size may be -1 for the
 * rest), copying on the host.
 */
export function splitVOnHost({
  inputs,
  backend,
  attrs,
}: KernelArgs): TensorInfo[] {
  const host = backend as unknown as HostBackend;
  const x = inputs.x as TensorInfo;
  const { numOrSizeSplits, axis } = attrs as {
    numOrSizeSplits: number | number[];
    axis: number | number[];
  };
  const splitAxis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.Tensor,
    numOrSizeSplits,
    splitAxis,
  );
  const outer = x.shape.slice(0, splitAxis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(splitAxis + 1).reduce((a, b) => a * b, 1);
  const rowLength = x.shape[splitAxis] * inner;
  const values = host.readSync(x.dataId);

  let offset = 0;
  return sizes.map((size) => {
    const pieceRow = size * inner;
    const piece = new (values.constructor as Float32ArrayConstructor)(
      outer * pieceRow,
    );
    for (let row = 0; row < outer; row++) {
      const from = row * rowLength + offset;
      const to = row * pieceRow;
      for (let j = 0; j < pieceRow; j++) piece[to + j] = values[from + j];
    }
    offset += pieceRow;
    const shape = x.shape.slice();
    shape[splitAxis] = size;
    return { dataId: host.write(piece, shape, x.dtype), shape, dtype: x.dtype };
  });
}

/**
 * Wraps the `Identity` kernel so that numeric tensors share the input's
 * data by reference count instead of copying it; strings keep the
 * original kernel.
 */
export function identityByReference(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return original(args);
    (args.backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function kernelOf(name: string, backendName: string): tf.KernelFunc {
  const kernel = tf.getKernel(name, backendName);
  if (kernel === undefined) {
    throw new Error(
      `the ${backendName} backend has no ${name} kernel, which the replacement kernels need`,
    );
  }
  return kernel.kernelFunc;
}

function scalar(host: HostBackend, value: number): TensorInfo {
  const dataId = host.write(new Float32Array([value]), [], 'float32');
  return { dataId, shape: [], dtype: 'float32' };
}

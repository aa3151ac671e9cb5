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
 * - `GatherV2`, the embedding lookup, took 1.6 to 3.2 ms to gather 640 rows
 *   of 32 values. Copying the rows between views of the heap took 57 to
 *   138 µs in the same run.
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
 * Replaces `BatchMatMul`, `_FusedMatMul`, `Tanh`, `SplitV`, `Identity` and
 * `GatherV2` on `backendName` with the faster versions of this module. Kernels are global
 * to the process, so every later use of these ops on that backend gets
 * them; calling it again does nothing.
 */
export function installWasmKernels(backendName: string): void {
  replaceKernel('BatchMatMul', backendName, untransposedMatMul);
  replaceKernel('_FusedMatMul', backendName, untransposedMatMul);
  replaceKernel('Tanh', backendName, tanhBySigmoid);
  replaceKernel('SplitV', backendName, () => splitVOnHost);
  replaceKernel('Identity', backendName, identityByReference);
  replaceKernel('GatherV2', backendName, gatherRowsOnHost);
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

/** Methods of the WebAssembly backend that expose its heap. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Splits `x` along `axis` into pieces of `numOrSizeSplits` (a count of
 * equal pieces, or the size of each, where one size may be -1 for the
 * rest), copying on the host. On the WebAssembly backend it reads and
 * writes the backend's heap in place: `readSync` there copies the whole
 * input first, which cost more than the split itself.
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
  const shapes = sizes.map((size) => {
    const shape = x.shape.slice();
    shape[splitAxis] = size;
    return shape;
  });

  const heap = 'typedArrayFromHeap' in backend
    ? backend as unknown as HeapBackend
    : undefined;
  // Outputs first: allocating may grow the heap, which detaches views.
  const outputs = heap === undefined
    ? undefined
    : shapes.map((shape) => heap.makeOutput(shape, x.dtype));
  const values = heap === undefined
    ? host.readSync(x.dataId)
    : heap.typedArrayFromHeap(x);

  let offset = 0;
  return sizes.map((size, index) => {
    const pieceRow = size * inner;
    const piece = outputs === undefined
      ? new (values.constructor as Float32ArrayConstructor)(outer * pieceRow)
      : heap!.typedArrayFromHeap(outputs[index]);
    copyRows(values, offset, rowLength, piece, pieceRow, outer);
    offset += pieceRow;
    if (outputs !== undefined) return outputs[index];
    const shape = shapes[index];
    return { dataId: host.write(piece, shape, x.dtype), shape, dtype: x.dtype };
  });
}

/**
 * Copies `rows` rows of `length` values, the first at `from` and then every
 * `stride` values of `source`, into consecutive rows of `target`. Rows of
 * at least `BLOCK_COPY_LENGTH` values go as one block copy each, shorter
 * ones through a loop.
 */
function copyRows(
  source: ArrayLike<number> & { subarray(start: number, end: number): ArrayLike<number> },
  from: number,
  stride: number,
  target: { set(values: ArrayLike<number>, offset: number): void; [i: number]: number },
  length: number,
  rows: number,
): void {
  if (length >= BLOCK_COPY_LENGTH) {
    for (let row = 0; row < rows; row++) {
      const start = row * stride + from;
      target.set(source.subarray(start, start + length), row * length);
    }
    return;
  }
  for (let row = 0; row < rows; row++) {
    const start = row * stride + from;
    const to = row * length;
    for (let j = 0; j < length; j++) target[to + j] = source[start + j];
  }
}

/**
 * Row length from which rows are block-copied. Splitting [64, 256] into
 * four along axis 1 took 46 µs with block copies and 135 µs with a loop,
 * best of 7 runs on a loaded 2-core VM. Shorter rows, such as a column
 * of one value, go through the loop.
 */
const BLOCK_COPY_LENGTH = 8;

/**
 * Wraps the `GatherV2` kernel so that gathering whole rows of a float32
 * tensor (axis 0, no batch dimensions) on the WebAssembly backend copies
 * each row as one block between views of the heap. Other cases and
 * backends keep the original kernel. An index outside the rows throws, as
 * in the original.
 */
export function gatherRowsOnHost(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    const indices = args.inputs.indices as TensorInfo;
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const isRows = tf.util.parseAxisParam(axis, x.shape)[0] === 0 && !batchDims;
    if (!isRows || x.dtype !== 'float32' || !('typedArrayFromHeap' in args.backend)) {
      return original(args);
    }
    const heap = args.backend as unknown as HeapBackend;
    const rowLength = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const shape = [...indices.shape, ...x.shape.slice(1)];
    const out = heap.makeOutput(shape, x.dtype);
    const rows = x.shape[0];
    const ids = heap.typedArrayFromHeap(indices);
    const values = heap.typedArrayFromHeap(x);
    const target = heap.typedArrayFromHeap(out);
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i];
      if (!(row >= 0 && row < rows)) {
        (args.backend as unknown as HostBackend).disposeData(out.dataId);
        throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
      }
      target.set(values.subarray(row * rowLength, (row + 1) * rowLength), i * rowLength);
    }
    return out;
  };
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

/**
 * Kernel replacements that make the embedding layer trainable, and training
 * fast enough, on the backends that ship with tfjs 4.22 for Node.
 *
 * The gradient of an embedding lookup (GatherV2) is an `UnsortedSegmentSum`
 * of the output gradient over the looked-up rows.
 * - The WebAssembly backend has no such kernel, so training an embedding
 *   throws "kernel not registered".
 * - The CPU backend's kernel runs one equal-multiply-sum pass over the whole
 *   gradient per output row: O(rows × indices × width). With 1,001 rows and
 *   a batch of 64 windows of 10 keys it took 3.2 s of a 3.6 s training step
 *   of the default model (tf.profile, tfjs 4.22, 2-core AMD EPYC VM).
 * The replacement here reads both inputs and adds each gradient row into its
 * segment in one pass: O(indices × width).
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type BackendValues = Float32Array | Int32Array | Uint8Array;

/** The backend methods the replacement kernels use, on every backend. */
interface HostBackend {
  readSync(dataId: tf.DataId): BackendValues | Uint8Array[];
  write(values: BackendValues, shape: number[], dtype: tf.DataType): tf.DataId;
}

const UNSORTED_SEGMENT_SUM = 'UnsortedSegmentSum';

/**
 * Computes `out[segmentIds[i]] += x[i]` along the first axis of `x`, on the
 * host. Segment ids outside [0, numSegments) are dropped, as in TensorFlow.
 * Output shape: `[numSegments, ...x.shape.slice(1)]`.
 * @throws Error when `segmentIds` is not 1-D, the only rank that
 * `tf.unsortedSegmentSum` documents and the gather gradient passes.
 */
export function unsortedSegmentSumOnHost({
  inputs,
  backend,
  attrs,
}: KernelArgs): tf.TensorInfo {
  const host = backend as unknown as HostBackend;
  const x = inputs.x as tf.TensorInfo;
  const segmentIds = inputs.segmentIds as tf.TensorInfo;
  const segments = attrs?.numSegments as number;
  if (segmentIds.shape.length !== 1) {
    throw new Error(
      `UnsortedSegmentSum: segment ids of shape [${segmentIds.shape}] are not supported; pass 1-D ids`,
    );
  }
  const values = host.readSync(x.dataId) as Float32Array | Int32Array;
  const ids = host.readSync(segmentIds.dataId) as Int32Array;
  const width = x.shape.slice(1).reduce((size, axis) => size * axis, 1);
  const out = x.dtype === 'int32'
    ? new Int32Array(segments * width)
    : new Float32Array(segments * width);

  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i];
    if (segment < 0 || segment >= segments) continue;
    const from = i * width;
    const to = segment * width;
    for (let j = 0; j < width; j++) out[to + j] += values[from + j];
  }

  const shape = [segments, ...x.shape.slice(1)];
  return { dataId: host.write(out, shape, x.dtype), shape, dtype: x.dtype };
}

/**
 * Registers `unsortedSegmentSumOnHost` as the `UnsortedSegmentSum` kernel of
 * `backendName`, replacing any kernel already registered for it. Kernels are
 * global to the process, so this affects every later use of the op on that
 * backend; calling it again does nothing.
 */
export function installSegmentSumKernel(backendName: string): void {
  const existing = tf.getKernel(UNSORTED_SEGMENT_SUM, backendName);
  if (existing?.kernelFunc === unsortedSegmentSumOnHost) return;
  if (existing !== undefined) {
    tf.unregisterKernel(UNSORTED_SEGMENT_SUM, backendName);
  }
  tf.registerKernel({
    kernelName: UNSORTED_SEGMENT_SUM,
    backendName,
    kernelFunc: unsortedSegmentSumOnHost,
  });
}

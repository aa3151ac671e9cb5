/**
 * One ONNX Runtime session of the next-key graph (see `onnx-export.ts`),
 * shared by the main thread and the batch workers.
 */
import type * as Ort from 'onnxruntime-node';
import { ONNX_INPUT, ONNX_PROBABILITY, ONNX_TOKEN } from './onnx-export.js';
import type { TopPredictions } from './predict.js';

/**
 * Loads `onnxruntime-node`, or returns the reason it could not be loaded:
 * its native binary is missing on platforms the package does not ship for.
 */
export async function loadOnnxRuntime(): Promise<typeof Ort | string> {
  try {
    const module = await import('onnxruntime-node');
    return (module.default ?? module) as typeof Ort;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/**
 * A session on one thread. ONNX Runtime's own thread pool is left out:
 * with spinning threads it was 3 times slower than one thread on a 2-core
 * machine, and parallel batches run in worker threads instead.
 */
export async function createSession(
  ort: typeof Ort,
  model: Uint8Array,
): Promise<Ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}

/** Runs `count` token windows through `session` in one call. */
export async function runSession(
  ort: typeof Ort,
  session: Ort.InferenceSession,
  tokens: Int32Array,
  count: number,
  window: number,
): Promise<TopPredictions> {
  const input = new ort.Tensor('int32', tokens, [count, window]);
  const outputs = await session.run({ [ONNX_INPUT]: input });
  const top = outputs[ONNX_TOKEN].data as BigInt64Array;
  const probabilities = Float32Array.from(
    outputs[ONNX_PROBABILITY].data as Float32Array,
  );
  const predicted = new Int32Array(count);
  for (let i = 0; i < count; i++) predicted[i] = Number(top[i]);
  for (const output of Object.values(outputs)) output.dispose();
  return { tokens: predicted, probabilities };
}

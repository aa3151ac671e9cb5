/**
 * Worker thread entry: runs batches of token windows through its own
 * ONNX Runtime session of the model it received at start, because
 * `InferenceSession.run` blocks the thread that calls it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSession, loadOnnxRuntime, runSession } from './onnx-session.js';

/** A batch to predict; `tokens` holds `count * window` tokens. */
export interface BatchRequest {
  readonly id: number;
  readonly tokens: Int32Array;
  readonly count: number;
  readonly window: number;
}

/** The worker's answer to one `BatchRequest`, or to its start. */
export type BatchReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; tokens: Int32Array; probabilities: Float32Array }
  | { type: 'failed'; id: number; message: string };

const port = parentPort!;
const ort = await loadOnnxRuntime();
if (typeof ort === 'string') throw new Error(ort);
const session = await createSession(ort, (workerData as { model: Uint8Array }).model);
port.postMessage({ type: 'ready' } satisfies BatchReply);

port.on('message', async ({ id, tokens, count, window }: BatchRequest) => {
  try {
    const top = await runSession(ort, session, tokens, count, window);
    const reply: BatchReply = { type: 'done', id, ...top };
    port.postMessage(reply, [
      top.tokens.buffer as ArrayBuffer,
      top.probabilities.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    const reply: BatchReply = { type: 'failed', id, message: (error as Error).message };
    port.postMessage(reply);
  }
});

/**
 * Worker thread entry of data-parallel training (see `shard-gradients.ts`).
 * It keeps a copy of the network and an optimizer, applies the gradient sum
 * of the previous step that it is sent, and computes its shard's gradients.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend.js';
import type { BackendName } from './backend-names.js';
import { applyGradients, shardGradients, type Gradients } from './shard-gradients.js';

/** Start data of a worker. */
export interface ShardStart {
  /** The network's topology, from `LayersModel.toJSON`. */
  readonly topology: string;
  /** Every weight, in `getWeights` order. */
  readonly weights: Float32Array[];
  readonly learningRate: number;
  readonly backend: string;
}

/** One shard of one step. */
export interface ShardRequest {
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  /** Samples in the whole batch, which divides the summed loss. */
  readonly batchSize: number;
  /** Gradient sum of the previous step, to apply first. */
  readonly apply: Gradients | undefined;
}

export type ShardReply =
  | { type: 'ready' }
  | { type: 'gradients'; loss: number; gradients: Gradients }
  | { type: 'failed'; message: string };

const port = parentPort!;
const start = workerData as ShardStart;

try {
  await selectBackend(start.backend as BackendName);
  const network = await tf.models.modelFromJSON({ modelTopology: JSON.parse(start.topology) });
  const weights = network.getWeights().map((weight, i) => tf.tensor(start.weights[i], weight.shape));
  network.setWeights(weights);
  tf.dispose(weights);
  const optimizer = tf.train.adam(start.learningRate);
  port.on('message', (request: ShardRequest) => {
    try {
      if (request.apply !== undefined) applyGradients(network, optimizer, request.apply);
      const { loss, gradients } = shardGradients(network, request.inputs, request.targets, request.batchSize);
      const reply: ShardReply = { type: 'gradients', loss, gradients };
      port.postMessage(reply, gradients.map((gradient) => gradient.buffer as ArrayBuffer));
    } catch (error) {
      port.postMessage({ type: 'failed', message: (error as Error).message } satisfies ShardReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies ShardReply);
} catch (error) {
  port.postMessage({ type: 'failed', message: (error as Error).message } satisfies ShardReply);
}

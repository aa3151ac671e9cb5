/**
 * Data-parallel training over worker threads. The WebAssembly backend of
 * tfjs 4.22 runs on one thread under Node, so each batch is cut into
 * `shards` contiguous parts whose gradients are computed at once, one in
 * this thread and the others in worker threads that hold a copy of the
 * network. This thread adds the shard gradients in shard order and applies
 * the sum with its optimizer; each worker applies the same sum with its own
 * optimizer, so every copy keeps identical weights.
 *
 * The loss of shard s is its summed cross-entropy divided by the batch
 * size, so the shard gradients add up to the gradient of the batch's mean
 * loss. Float sums depend on the cut, so one seed gives one model for a
 * given number of shards, whatever the number of cores: with fewer cores
 * than shards this thread computes the extra shards itself.
 *
 * NOTE: on the 2-vCPU VM this was built on, two shards gave no speedup
 * (23.3 s against 24.1 s for bench/lstm.ts's 10 epochs): while both
 * threads trained, each one's steps took about twice as long as alone,
 * although two plain JavaScript loops ran in parallel at full speed. The
 * default is therefore one shard; machines with more cores may differ.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { lossAndGradients, networkWeights } from './lstm-gradients.js';
import type { ShardReply, ShardRequest, ShardStart } from './shard-worker.js';
import { builtWorkerPath, compiledWorkerScript } from '../worker-script.js';

/** Gradients of each trainable weight, in `trainableWeights` order. */
export type Gradients = Float32Array[];

/**
 * Computes one shard's loss and gradients on `network`: the summed
 * cross-entropy of its samples divided by `batchSize`. Uses the
 * hand-derived gradients of `lstm-gradients.ts` when they apply to
 * `network`, else automatic differentiation.
 */
export function shardGradients(
  network: tf.LayersModel,
  inputs: Int32Array,
  targets: Int32Array,
  batchSize: number,
): { loss: number; gradients: Gradients } {
  const variables = network.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const weights = networkWeights(network);
  if (typeof weights !== 'string') {
    // The derived loss is the shard's mean; the shard's part of the
    // batch's mean is that times shard size / batch size.
    const share = targets.length / batchSize;
    const result = lossAndGradients(weights, inputs, targets);
    const gradients = variables.map((variable) =>
      (result.gradients[variable.name].dataSync() as Float32Array).map((value) => value * share));
    const loss = result.loss.dataSync()[0] * share;
    tf.dispose([result.loss, ...Object.values(result.gradients)]);
    return { loss, gradients };
  }
  const window = inputs.length / targets.length;
  const classes = network.outputs[0].shape[1] as number;
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor2d(inputs, [targets.length, window], 'int32');
    const y = tf.oneHot(tf.tensor1d(targets, 'int32'), classes);
    return tf.variableGrads(() => {
      const logits = network.apply(x, { training: true }) as tf.Tensor;
      const sum = tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM);
      return sum.div(batchSize) as tf.Scalar;
    }, variables);
  });
  const gradients = variables.map((variable) => grads[variable.name].dataSync() as Float32Array);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, gradients };
}

/** Applies `gradients` (in `trainableWeights` order) with `optimizer`. */
export function applyGradients(
  network: tf.LayersModel,
  optimizer: tf.Optimizer,
  gradients: Gradients,
): void {
  tf.tidy(() => {
    const named: tf.NamedTensorMap = {};
    network.trainableWeights.forEach((weight, i) => {
      const variable = weight.read() as tf.Variable;
      named[variable.name] = tf.tensor(gradients[i], variable.shape);
    });
    optimizer.applyGradients(named);
  });
}

/** Worker threads that compute the gradients of shards 1 and up. */
export class ShardWorkers {
  readonly shards: number;
  readonly #workers: Worker[];
  readonly #network: tf.LayersModel;
  readonly #optimizer: tf.Optimizer;
  /** Sum applied by this thread and not yet sent to the workers. */
  #pending: Gradients | undefined;

  private constructor(
    shards: number,
    workers: Worker[],
    network: tf.LayersModel,
    optimizer: tf.Optimizer,
  ) {
    this.shards = shards;
    this.#workers = workers;
    this.#network = network;
    this.#optimizer = optimizer;
  }

  /**
   * Starts up to `shards - 1` workers (fewer on fewer cores), each with a
   * copy of `network`'s current weights and an optimizer like
   * `optimizer`, made by `learningRate`.
   * @throws Error when the compiled worker is missing.
   */
  static async start(
    network: tf.LayersModel,
    optimizer: tf.Optimizer,
    shards: number,
    learningRate: number,
    backend: string,
  ): Promise<ShardWorkers> {
    const count = Math.min(shards, availableParallelism()) - 1;
    const start: ShardStart = {
      topology: JSON.stringify(network.toJSON(null, false)),
      weights: network.getWeights().map((weight) => weight.dataSync() as Float32Array),
      learningRate,
      backend,
    };
    const script = compiledWorkerScript(import.meta.url, 'model', 'shard-worker.js');
    if (script === undefined) {
      const path = builtWorkerPath(import.meta.url, 'model', 'shard-worker.js');
      throw new Error(`training worker not found at ${path}; run npm run build first`);
    }
    const workers = await Promise.all(
      Array.from({ length: count }, () => startWorker(script, start)),
    );
    return new ShardWorkers(shards, workers, network, optimizer);
  }

  /**
   * Runs one training step on a batch and returns its mean loss. Shard s
   * is samples [s·size/shards, (s+1)·size/shards) of the batch.
   */
  async step(inputs: Int32Array, targets: Int32Array): Promise<number> {
    const size = targets.length;
    const window = inputs.length / size;
    const bounds = Array.from({ length: this.shards + 1 }, (_, s) => Math.round((s * size) / this.shards));
    const shard = (s: number) => ({
      inputs: inputs.slice(bounds[s] * window, bounds[s + 1] * window),
      targets: targets.slice(bounds[s], bounds[s + 1]),
    });

    // Workers take shards 1 to workers.length; this thread the rest.
    const remote = this.#workers.map((worker, i) =>
      this.#request(worker, { ...shard(i + 1), batchSize: size, apply: this.#pending }),
    );
    this.#pending = undefined;
    const local = [0, ...range(this.#workers.length + 1, this.shards)].map((s) => {
      const { inputs: x, targets: y } = shard(s);
      return { s, ...shardGradients(this.#network, x, y, size) };
    });
    const replies = await Promise.all(remote);

    const results = [...local, ...replies.map((reply, i) => ({ s: i + 1, ...reply }))]
      .sort((a, b) => a.s - b.s);
    const sum = results[0].gradients.map((gradient) => Float32Array.from(gradient));
    for (const result of results.slice(1)) {
      result.gradients.forEach((gradient, i) => {
        const total = sum[i];
        for (let j = 0; j < total.length; j++) total[j] += gradient[j];
      });
    }
    applyGradients(this.#network, this.#optimizer, sum);
    this.#pending = sum;
    return results.reduce((loss, result) => loss + result.loss, 0);
  }

  /** Stops the workers. */
  async dispose(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #request(worker: Worker, request: ShardRequest): Promise<{ loss: number; gradients: Gradients }> {
    return new Promise((resolve, reject) => {
      worker.once('message', (reply: ShardReply) => {
        if (reply.type === 'failed') reject(new Error(`training worker failed: ${reply.message}`));
        else if (reply.type === 'gradients') resolve(reply);
      });
      const transfer = [request.inputs.buffer, request.targets.buffer] as ArrayBuffer[];
      worker.postMessage(request, transfer);
    });
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function startWorker(script: URL, start: ShardStart): Promise<Worker> {
  const worker = new Worker(script, { workerData: start });
  return new Promise((resolve, reject) => {
    worker.once('message', (reply: ShardReply) => {
      if (reply.type === 'ready') resolve(worker);
      else reject(new Error(`training worker failed to start: ${reply.type === 'failed' ? reply.message : reply.type}`));
    });
    worker.once('error', reject);
  });
}

import * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../errors.js';
import { ScalarAdam } from './adam.js';
import { lossAndGradients, networkWeights, type NetworkWeights } from './lstm-gradients.js';
import { DEFAULT_LEARNING_RATE } from './options.js';
import { SeededRandom } from './random.js';
import { sliceSamples, type Samples } from './samples.js';
import { ShardWorkers } from './shard-gradients.js';

/** Training settings; see `ModelOptions` for each one's meaning. */
export interface TrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly validationSplit: number;
  readonly patience: number;
  readonly minDelta: number;
  /**
   * Parts each batch is cut into, whose gradients worker threads compute
   * at once (see `shard-gradients.ts`); 1 trains in this thread only.
   */
  readonly shards: number;
  /** Backend the training workers select, when `shards` > 1. */
  readonly backend?: string;
  /** Windows per forward pass when computing validation loss. */
  readonly evaluationBatchSize: number;
  readonly seed: number;
}

/** Facts of one training run, for logs and reports. */
export interface TrainingResult {
  readonly trainSamples: number;
  readonly validationSamples: number;
  readonly epochsRun: number;
  /** 1-based epoch whose weights the network ends with. */
  readonly bestEpoch: number;
  /** Mean training loss of each epoch run. */
  readonly trainingLoss: readonly number[];
  /** Validation loss of each epoch run; empty without validation. */
  readonly validationLoss: readonly number[];
  /** Share of validation samples whose target is the top class, per epoch. */
  readonly validationAccuracy: readonly number[];
}

/**
 * Trains `network` (token windows in, logits out) with Adam on softmax
 * cross-entropy. The last `validationSplit` of the samples, which are the
 * most recent requests, is held out for validation. The rest is shuffled at
 * each epoch by a generator seeded from `settings.seed`. When validation
 * accuracy has not risen, and validation loss has not fallen by `minDelta`
 * below its lowest, for `patience` epochs, training stops. The weights of
 * the most accurate epoch (the lower loss among equals) are then restored.
 *
 * @throws TrainingError when a batch or validation loss is NaN or infinite.
 */
export async function trainNetwork(
  network: tf.LayersModel,
  samples: Samples,
  settings: TrainingSettings,
  log: (message: string) => void = () => {},
): Promise<TrainingResult> {
  const validationCount = Math.floor(samples.count * settings.validationSplit);
  const trainCount = samples.count - validationCount;
  const train = sliceSamples(samples, 0, trainCount);
  const validation = sliceSamples(samples, trainCount, samples.count);
  const classes = outputClasses(network);
  const optimizer = tf.train.adam(settings.learningRate);
  // The hand-derived gradients of `lstm-gradients.ts`, with an Adam of the
  // same update, when the network is the one they compute and one thread
  // trains. Otherwise tfjs's automatic differentiation, which the shard
  // workers also use.
  const weights = networkWeights(network);
  const derived = typeof weights === 'string' || settings.shards > 1
    ? undefined
    : { weights, adam: new ScalarAdam(settings.learningRate) };
  const random = new SeededRandom(settings.seed);
  const order = Int32Array.from({ length: trainCount }, (_, i) => i);
  const best = new BestEpoch();
  const workers = settings.shards > 1
    ? await ShardWorkers.start(network, optimizer, settings.shards, settings.learningRate, settings.backend ?? tf.getBackend())
    : undefined;
  const history = {
    trainingLoss: [] as number[],
    validationLoss: [] as number[],
    validationAccuracy: [] as number[],
  };

  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      random.shuffle(order);
      const loss = await fitEpoch(train, order, settings, epoch, (inputs, targets) => {
        if (workers !== undefined) return workers.step(inputs, targets);
        if (derived === undefined) return minimise(network, optimizer, inputs, targets, classes);
        return minimiseDerived(derived.weights, derived.adam, inputs, targets);
      });
      history.trainingLoss.push(loss);
      let message =
        `lstm: epoch ${epoch}/${settings.epochs}: loss ${loss.toFixed(4)}`;
      if (validation.count === 0) {
        best.epoch = epoch;
        log(message);
        await yieldToEventLoop();
        continue;
      }

      const batchSize = settings.evaluationBatchSize;
      const scores = evaluate(network, validation, classes, batchSize);
      checkFinite(scores.loss, `validation after epoch ${epoch}`, settings);
      history.validationLoss.push(scores.loss);
      history.validationAccuracy.push(scores.accuracy);
      message += `, validation loss ${scores.loss.toFixed(4)}, validation accuracy ${scores.accuracy.toFixed(4)}`;
      log(message);

      best.record(epoch, scores, network, settings.minDelta);
      if (epoch - best.improvedEpoch >= settings.patience) {
        const epochs = settings.patience === 1 ? 'epoch' : 'epochs';
        log(`lstm: validation accuracy has not risen and validation loss has not fallen by ${settings.minDelta} for ${settings.patience} ${epochs}; stopping and restoring epoch ${best.epoch}`);
        break;
      }
      await yieldToEventLoop();
    }
    best.restore(network, history.trainingLoss.length);
  } finally {
    best.dispose();
    optimizer.dispose();
    derived?.adam.dispose();
    await workers?.dispose();
  }

  return {
    trainSamples: trainCount,
    validationSamples: validation.count,
    epochsRun: history.trainingLoss.length,
    bestEpoch: best.epoch,
    ...history,
  };
}

/**
 * The best epoch so far and its weights. An epoch is better when its
 * validation accuracy is higher, or equal with a lower loss, because top-1
 * accuracy is what the prefetcher acts on. On mixed workloads accuracy
 * keeps rising for epochs after the loss starts to rise: the loss grows
 * with confident mistakes on random keys while deterministic streams are
 * still being learnt.
 */
class BestEpoch {
  /** 1-based; 0 before the first epoch. */
  epoch = 0;
  /**
   * Last epoch that raised the best accuracy or lowered the lowest loss by
   * at least `minDelta`.
   */
  improvedEpoch = 0;
  #accuracy = -Infinity;
  #loss = Infinity;
  #lowestLoss = Infinity;
  #weights: tf.Tensor[] | undefined;

  /** Keeps a copy of the weights when the epoch is the best so far. */
  record(
    epoch: number,
    scores: { loss: number; accuracy: number },
    network: tf.LayersModel,
    minDelta: number,
  ): void {
    const { loss, accuracy } = scores;
    const isMoreAccurate = accuracy > this.#accuracy;
    if (isMoreAccurate || loss <= this.#lowestLoss - minDelta) {
      this.improvedEpoch = epoch;
    }
    this.#lowestLoss = Math.min(this.#lowestLoss, loss);
    if (!isMoreAccurate && !(accuracy === this.#accuracy && loss < this.#loss)) {
      return;
    }
    this.epoch = epoch;
    this.#accuracy = accuracy;
    this.#loss = loss;
    this.dispose();
    this.#weights = network.getWeights().map((weight) => weight.clone());
  }

  /** Puts the kept weights back unless the last epoch run was the best. */
  restore(network: tf.LayersModel, lastEpoch: number): void {
    if (this.#weights === undefined || this.epoch === lastEpoch) return;
    // The variables take a reference to the kept tensors' data, so that
    // disposing the kept tensors afterwards leaves the weights intact.
    network.setWeights(this.#weights);
  }

  dispose(): void {
    if (this.#weights !== undefined) tf.dispose(this.#weights);
    this.#weights = undefined;
  }
}

/**
 * Runs one pass over `train` in the given order, one `step` per batch;
 * returns the mean loss.
 */
async function fitEpoch(
  train: Samples,
  order: Int32Array,
  settings: TrainingSettings,
  epoch: number,
  step: (inputs: Int32Array, targets: Int32Array) => number | Promise<number>,
): Promise<number> {
  const { window } = train;
  let lossSum = 0;
  for (let start = 0; start < train.count; start += settings.batchSize) {
    const size = Math.min(settings.batchSize, train.count - start);
    // Fresh arrays per batch: a tensor may keep a reference to its source.
    const inputs = new Int32Array(size * window);
    const targets = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const sample = order[start + i];
      const from = sample * window;
      inputs.set(train.inputs.subarray(from, from + window), i * window);
      targets[i] = train.targets[sample];
    }

    const loss = await step(inputs, targets);

    const batch = start / settings.batchSize + 1;
    checkFinite(loss, `epoch ${epoch}, batch ${batch}`, settings);
    lossSum += loss * size;
  }
  return lossSum / train.count;
}

/** Runs one optimizer step on a batch in this thread; returns its loss. */
function minimise(
  network: tf.LayersModel,
  optimizer: tf.Optimizer,
  inputs: Int32Array,
  targets: Int32Array,
  classes: number,
): number {
  const size = targets.length;
  const lossTensor = tf.tidy(() => {
    const x = tf.tensor2d(inputs, [size, inputs.length / size], 'int32');
    const y = tf.oneHot(tf.tensor1d(targets, 'int32'), classes);
    return optimizer.minimize(() => {
      const logits = network.apply(x, { training: true }) as tf.Tensor;
      return tf.losses.softmaxCrossEntropy(y, logits);
    }, true) as tf.Scalar;
  });
  const loss = lossTensor.dataSync()[0];
  lossTensor.dispose();
  return loss;
}

/**
 * Runs one optimizer step on a batch with the gradients of
 * `lstm-gradients.ts`; returns its loss.
 */
function minimiseDerived(
  weights: NetworkWeights,
  optimizer: ScalarAdam,
  inputs: Int32Array,
  targets: Int32Array,
): number {
  const { loss, gradients } = lossAndGradients(weights, inputs, targets);
  optimizer.applyGradients(gradients);
  tf.dispose(gradients);
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** Mean cross-entropy and top-1 accuracy of `network` on `samples`. */
function evaluate(
  network: tf.LayersModel,
  samples: Samples,
  classes: number,
  batchSize: number,
): { loss: number; accuracy: number } {
  const { window } = samples;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < samples.count; start += batchSize) {
    const end = Math.min(samples.count, start + batchSize);
    const batch = sliceSamples(samples, start, end);
    const sums = tf.tidy(() => {
      const inputs = batch.inputs.slice();
      const x = tf.tensor2d(inputs, [batch.count, window], 'int32');
      const labels = tf.tensor1d(batch.targets.slice(), 'int32');
      const logits = network.predict(x, { batchSize }) as tf.Tensor2D;
      const loss = tf.losses.softmaxCrossEntropy(
        tf.oneHot(labels, classes),
        logits,
        undefined,
        undefined,
        tf.Reduction.SUM,
      );
      const hits = tf.equal(tf.argMax(logits, 1), labels).sum();
      return tf.stack([loss, hits.toFloat()]);
    });
    const [batchLoss, batchHits] = sums.dataSync();
    sums.dispose();
    lossSum += batchLoss;
    correct += batchHits;
  }
  return { loss: lossSum / samples.count, accuracy: correct / samples.count };
}

function checkFinite(
  loss: number,
  where: string,
  settings: TrainingSettings,
): void {
  if (Number.isFinite(loss)) return;
  throw new TrainingError(
    `lstm: training diverged: the loss became ${loss} at ${where} with lstm.learning-rate=${settings.learningRate}; lower lstm.learning-rate (default ${DEFAULT_LEARNING_RATE}) and run again`,
  );
}

/** Number of classes of the network's output: the size of its last axis. */
export function outputClasses(network: tf.LayersModel): number {
  const shape = network.outputs[0].shape;
  return shape[shape.length - 1] as number;
}

/** Lets timers and stream writes run between epochs. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

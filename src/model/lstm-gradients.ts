/**
 * Loss and weight gradients of the next-key network (embedding, two LSTM
 * layers, dense, softmax cross-entropy), computed by a hand-derived
 * backward pass instead of tfjs's automatic differentiation.
 *
 * Profiling one epoch of the default model on the WebAssembly backend
 * (4,000 samples, batch 64) counted about 2,150 kernel calls per training
 * step, 123 of them matrix products. About a third of the epoch went
 * outside kernels, to tape recording, `Identity` copies and per-op
 * bookkeeping. This pass records no tape, and a step with Adam makes
 * about 360 kernel calls, 45 of them matrix products and 60 of them the
 * cell kernels of `lstm-cell-kernels.ts`:
 * - each LSTM step multiplies [x_t, h_{t-1}, 1] by one stacked matrix
 *   [W; U; b], instead of two products and two adds;
 * - one sigmoid activates all four gates, because the cell-input columns
 *   are scaled by 2 first and tanh(z) = 2·σ(2z) − 1;
 * - the rest of the cell update is two host kernels forward and one
 *   backward, instead of about 20 element-wise ops;
 * - the backward step multiplies by [W; U; b]ᵀ once, which gives the input
 *   gradient and the recurrent gradient together. That transposed matrix
 *   is made once per batch, so the backend packs it once;
 * - the weight gradients of all time steps are one product of the stacked
 *   step inputs with the stacked gate gradients;
 * - the loss and its gradient share one softmax (see `denseLoss`).
 *
 * The weights stay the network's own variables, so saving, loading and the
 * ONNX export are unchanged. Tests compare loss and gradients with tfjs's
 * automatic differentiation of the same network on the CPU backend.
 */
import * as tf from '@tensorflow/tfjs';
import {
  CELL_GRADIENT_KERNEL,
  CELL_KERNEL,
  HIDDEN_KERNEL,
  runCellKernel,
} from './lstm-cell-kernels.js';

/** The trainable variables of the next-key network, by role. */
export interface NetworkWeights {
  readonly embeddings: tf.Variable;
  readonly lstm: readonly LstmWeights[];
  readonly denseKernel: tf.Variable;
  readonly denseBias: tf.Variable;
}

/** One LSTM layer's weights, in tfjs-layers' gate order i, f, c, o. */
export interface LstmWeights {
  /** [inputs, 4·units] */
  readonly kernel: tf.Variable;
  /** [units, 4·units] */
  readonly recurrentKernel: tf.Variable;
  /** [4·units] */
  readonly bias: tf.Variable;
}

/**
 * Layer settings this pass computes; any other makes it decline. An unset
 * `maskZero` is read as false, as tfjs-layers does.
 */
const EXPECTED_CONFIG: Record<string, Record<string, unknown>> = {
  Embedding: { maskZero: false },
  LSTM: {
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    useBias: true,
    dropout: 0,
    recurrentDropout: 0,
    goBackwards: false,
    stateful: false,
  },
  Dense: { activation: 'linear', useBias: true },
};

/**
 * Returns the weights of `network` when it is the network this module computes:
 * Embedding, LSTM returning sequences, LSTM returning its last output,
 * Dense, with the settings of `buildNetwork`. Otherwise returns a sentence
 * saying what differs, and the caller uses automatic differentiation.
 */
export function networkWeights(
  network: tf.LayersModel,
): NetworkWeights | string {
  const layers = network.layers;
  const kinds = layers.map((layer) => layer.getClassName()).join(',');
  if (kinds !== 'Embedding,LSTM,LSTM,Dense') {
    return `layers ${kinds} are not Embedding,LSTM,LSTM,Dense`;
  }
  for (const layer of layers) {
    const config = layer.getConfig() as Record<string, unknown>;
    const expected = EXPECTED_CONFIG[layer.getClassName()];
    for (const [name, value] of Object.entries(expected)) {
      const actual = name === 'maskZero' ? config[name] ?? false : config[name];
      if (actual !== value) {
        return `${layer.name} has ${name}=${String(actual)}, not ${String(value)}`;
      }
    }
  }
  const sequences = layers.slice(1, 3).map((layer) =>
    (layer.getConfig() as { returnSequences: boolean }).returnSequences);
  if (!sequences[0] || sequences[1]) {
    return 'the first LSTM layer must return sequences and the second only its last output';
  }
  const variables = layers.map((layer) =>
    layer.trainableWeights.map((weight) => weight.read() as tf.Variable));
  const [embeddings] = variables[0];
  const [denseKernel, denseBias] = variables[3];
  const lstm = [variables[1], variables[2]].map(
    ([kernel, recurrentKernel, bias]) => ({ kernel, recurrentKernel, bias }),
  );
  if (lstm.some((layer) => layer.bias === undefined)) {
    return 'an LSTM layer has fewer than three weights';
  }
  return { embeddings, lstm, denseKernel, denseBias };
}

/**
 * Scalar tensors made once per batch. The WebAssembly backend took about
 * 20 µs more per binary op when given a number, which becomes a new
 * scalar tensor at every call, than when given an existing scalar tensor.
 */
interface Constants {
  /** 1 / batch size, the factor of the mean loss's gradient. */
  readonly perSample: tf.Scalar;
  /** A column of ones, [batch, 1], that multiplies each bias row. */
  readonly ones: tf.Tensor2D;
}

/** Tensors of one layer's forward pass that its backward pass reads. */
interface LayerTape {
  /** [x_t, h_{t-1}, 1] of each step, [batch, inputs + units + 1]. */
  readonly stepInputs: tf.Tensor2D[];
  /** Activated gates [i, f, σ(2·z_c), o] of each step, [batch, 4·units]. */
  readonly gates: tf.Tensor2D[];
  /** Cell state of each step, [batch, units]. */
  readonly cells: tf.Tensor2D[];
  /** tanh of each step's cell state, [batch, units]. */
  readonly cellTanh: tf.Tensor2D[];
  /** Hidden state of each step, [batch, units]. */
  readonly hidden: tf.Tensor2D[];
}

/** The batch's loss and the gradient of every trainable weight. */
export interface LossAndGradients {
  /** Mean cross-entropy of the batch. */
  readonly loss: tf.Scalar;
  /** Gradients keyed by variable name, as `Optimizer.applyGradients` takes. */
  readonly gradients: tf.NamedTensorMap;
}

/**
 * Computes the mean softmax cross-entropy of `targets` given `inputs`
 * (token windows, batch-major, `window` tokens each) and its gradient with
 * respect to every weight. The returned tensors are the caller's to
 * dispose; intermediate ones are freed.
 */
export function lossAndGradients(
  weights: NetworkWeights,
  inputs: Int32Array,
  targets: Int32Array,
): LossAndGradients {
  const batch = targets.length;
  const window = inputs.length / batch;
  // Time-major token ids: the rows of step t are rows t·batch onwards, so
  // that a step's slice of a stacked tensor is contiguous.
  const timeMajor = new Int32Array(inputs.length);
  for (let sample = 0; sample < batch; sample++) {
    for (let t = 0; t < window; t++) {
      timeMajor[t * batch + sample] = inputs[sample * window + t];
    }
  }

  return tf.tidy(() => {
    const constants: Constants = {
      perSample: tf.scalar(1 / batch),
      ones: tf.ones([batch, 1]),
    };
    const ids = tf.tensor1d(timeMajor, 'int32');
    const embedded = tf.gather(weights.embeddings, ids);
    const steps = tf.split(embedded, window, 0) as tf.Tensor2D[];
    const [first, second] = weights.lstm;
    const lower = lstmForward(first, steps, constants);
    const upper = lstmForward(second, lower.hidden, constants);
    const last = upper.hidden[window - 1];

    const { loss, logitGradient, input } = denseLoss(weights, last, targets, constants);
    const [denseKernelGradient, denseBiasGradient] = splitBias(
      tf.matMul(input, logitGradient, true, false),
      weights.denseBias,
    );
    const lastGradient = tf.matMul(logitGradient, weights.denseKernel, false, true) as tf.Tensor2D;

    const outputGradients: (tf.Tensor2D | undefined)[] = new Array(window);
    outputGradients[window - 1] = lastGradient;
    const upperGradients = lstmBackward(second, upper, outputGradients);
    const lowerGradients = lstmBackward(first, lower, upperGradients.inputs);

    const embeddingGradient = tf.unsortedSegmentSum(
      tf.concat(lowerGradients.inputs as tf.Tensor2D[], 0),
      ids,
      weights.embeddings.shape[0],
    );
    const gradients: tf.NamedTensorMap = {
      [weights.embeddings.name]: embeddingGradient,
      [weights.denseKernel.name]: denseKernelGradient,
      [weights.denseBias.name]: denseBiasGradient,
    };
    for (const [layer, grads] of [[first, lowerGradients], [second, upperGradients]] as const) {
      gradients[layer.kernel.name] = grads.kernel;
      gradients[layer.recurrentKernel.name] = grads.recurrentKernel;
      gradients[layer.bias.name] = grads.bias;
    }
    return { loss, gradients };
  });
}

/**
 * Scale of each gate column before the shared sigmoid: 2 for the cell
 * input, whose activation is tanh(z) = 2·σ(2z) − 1, and 1 for the rest.
 */
function gateScale(units: number): tf.Tensor1D {
  const scale = new Float32Array(4 * units).fill(1);
  scale.fill(2, 2 * units, 3 * units);
  return tf.tensor1d(scale);
}

/**
 * Stacks the kernel, recurrent kernel and bias of `layer` as rows of one
 * [inputs + units + 1, 4·units] matrix. [x, h, 1] times it is then the
 * gates' pre-activation, bias included. One product of the stacked step
 * inputs with the gate gradients then gives all three gradients.
 */
function stackedWeights(layer: LstmWeights): tf.Tensor2D {
  const bias = tf.reshape(layer.bias, [1, -1]);
  return tf.concat([layer.kernel, layer.recurrentKernel, bias], 0) as tf.Tensor2D;
}

/** Cuts a stacked gradient back into kernel, recurrent kernel and bias. */
function splitStacked(
  gradient: tf.Tensor2D,
  layer: LstmWeights,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [inputs, units] = [layer.kernel.shape[0], layer.recurrentKernel.shape[0]];
  const [kernel, recurrent, bias] = tf.split(gradient, [inputs, units, 1], 0);
  return [kernel, recurrent, tf.reshape(bias, layer.bias.shape)];
}

/** Cuts a [rows + 1, columns] gradient into its kernel and bias parts. */
function splitBias(gradient: tf.Tensor2D, bias: tf.Variable): [tf.Tensor, tf.Tensor] {
  const [kernel, biasRow] = tf.split(gradient, [gradient.shape[0] - 1, 1], 0);
  return [kernel, tf.reshape(biasRow, bias.shape)];
}

/**
 * Runs one LSTM layer over `inputs` (one tensor per step) from zero state.
 * The gates' pre-activations of a step are [x_t, h_{t-1}, 1] times the
 * stacked weights, whose cell-input columns are scaled by 2 so that one
 * sigmoid activates all four gates (see `lstm-cell-kernels.ts`).
 */
function lstmForward(
  layer: LstmWeights,
  inputs: tf.Tensor2D[],
  constants: Constants,
): LayerTape {
  const units = layer.recurrentKernel.shape[0];
  const batch = inputs[0].shape[0];
  // The cell-input columns scaled by 2 once per batch rather than the
  // pre-activations at every step.
  const scaled = tf.mul(stackedWeights(layer), gateScale(units));
  const tape: LayerTape = { stepInputs: [], gates: [], cells: [], cellTanh: [], hidden: [] };
  let hidden = tf.zeros([batch, units]) as tf.Tensor2D;
  let cell: tf.Tensor2D | undefined;
  for (const input of inputs) {
    const stepInput = tf.concat([input, hidden, constants.ones], 1);
    const gates = tf.sigmoid(tf.matMul(stepInput, scaled)) as tf.Tensor2D;
    const [newCell, doubledCell] = runCellKernel(CELL_KERNEL, { gates, previousCell: cell });
    const [newHidden, cellTanh] = runCellKernel(HIDDEN_KERNEL, {
      gates,
      squashedCell: tf.sigmoid(doubledCell),
    });
    cell = newCell;
    hidden = newHidden;
    tape.stepInputs.push(stepInput);
    tape.gates.push(gates);
    tape.cells.push(cell);
    tape.cellTanh.push(cellTanh);
    tape.hidden.push(hidden);
  }
  return tape;
}

/**
 * Back-propagates through one LSTM layer. `outputGradients[t]` is the
 * loss gradient of the layer's output at step t (undefined for zero).
 * Returns the gradients of its weights and of its input at each step.
 */
function lstmBackward(
  layer: LstmWeights,
  tape: LayerTape,
  outputGradients: readonly (tf.Tensor2D | undefined)[],
): { kernel: tf.Tensor; recurrentKernel: tf.Tensor; bias: tf.Tensor; inputs: tf.Tensor2D[] } {
  const units = layer.recurrentKernel.shape[0];
  const inputSize = layer.kernel.shape[0];
  const steps = tape.hidden.length;
  // One transposed kernel for all steps: the backend packs a product's
  // right operand once per tensor.
  const stackedTranspose = tf.transpose(stackedWeights(layer));

  const gateGradients: tf.Tensor2D[] = new Array(steps);
  const inputGradients: tf.Tensor2D[] = new Array(steps);
  let hiddenGradient: tf.Tensor2D | undefined;
  let cellGradient: tf.Tensor2D | undefined;
  for (let t = steps - 1; t >= 0; t--) {
    if (hiddenGradient === undefined && outputGradients[t] === undefined) {
      throw new Error('lstmBackward: the last step of a layer needs an output gradient');
    }
    const [dz, previousCellGradient] = runCellKernel(CELL_GRADIENT_KERNEL, {
      gates: tape.gates[t],
      cellTanh: tape.cellTanh[t],
      previousCell: t > 0 ? tape.cells[t - 1] : undefined,
      hiddenGradient,
      outsideGradient: outputGradients[t],
      cellGradient,
    });
    gateGradients[t] = dz;

    // The bias column's gradient is dropped.
    const dStepInput = tf.matMul(dz, stackedTranspose);
    const [dx, dhPrevious] = tf.split(dStepInput, [inputSize, units, 1], 1) as tf.Tensor2D[];
    inputGradients[t] = dx;
    hiddenGradient = dhPrevious;
    cellGradient = previousCellGradient;
  }

  // Weight gradients of all steps at once: Σ_t [x_t, h_{t-1}, 1]ᵀ · dz_t.
  const stackedGradient = tf.matMul(
    tf.concat(tape.stepInputs, 0),
    tf.concat(gateGradients, 0),
    true,
    false,
  ) as tf.Tensor2D;
  const [kernel, recurrentKernel, bias] = splitStacked(stackedGradient, layer);
  return { kernel, recurrentKernel, bias, inputs: inputGradients };
}

/**
 * Dense layer, mean softmax cross-entropy and its gradient with respect to
 * the logits. One softmax serves both: with m the row's largest logit,
 * log Σ exp(l) = m − log(max softmax), which never underflows, so the
 * loss of a row is m − l_target − log(max softmax), and the gradient is
 * (softmax − one-hot) / batch.
 */
function denseLoss(
  weights: NetworkWeights,
  hidden: tf.Tensor2D,
  targets: Int32Array,
  { perSample, ones }: Constants,
): { loss: tf.Scalar; logitGradient: tf.Tensor2D; input: tf.Tensor2D } {
  const classes = weights.denseBias.shape[0];
  // [h, 1] times [kernel; bias]: the bias gradient then comes out of the
  // kernel gradient's product instead of a column sum.
  const input = tf.concat([hidden, ones], 1);
  const stacked = tf.concat([weights.denseKernel, tf.reshape(weights.denseBias, [1, -1])], 0);
  const logits = tf.matMul(input, stacked);
  const probabilities = tf.softmax(logits);
  const oneHot = tf.oneHot(tf.tensor1d(targets, 'int32'), classes);
  const targetLogit = tf.sum(tf.mul(logits, oneHot), 1);
  const rowLoss = tf.sub(
    tf.sub(tf.max(logits, 1), targetLogit),
    tf.log(tf.max(probabilities, 1)),
  );
  const loss = tf.mean(rowLoss) as tf.Scalar;
  const logitGradient = tf.mul(tf.sub(probabilities, oneHot), perSample) as tf.Tensor2D;
  return { loss, logitGradient, input };
}

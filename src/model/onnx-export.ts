/**
 * Conversion of the trained next-key network from TensorFlow.js weights to
 * an ONNX model, so that ONNX Runtime can run the predictions.
 *
 * The graph, for input `tokens` (int32, [batch, window]):
 *   Gather(embeddings) → Transpose to [window, batch, embedding]
 *   → LSTM → Squeeze the direction axis → LSTM → last hidden state
 *   → Gemm(dense kernel, bias) → Softmax → TopK(1)
 * with outputs `probability` (float32, [batch, 1]) and `token` (int64,
 * [batch, 1]).
 *
 * Both frameworks compute i, f, o = sigmoid(·), c' = tanh(·),
 * c = f·c + i·c', h = o·tanh(c), but they store the four gate blocks in
 * different orders: tfjs-layers 4.22 concatenates the columns of its
 * `[input, 4·units]` kernel as i, f, c, o, whereas the ONNX LSTM operator
 * (opset 14, "W" input) stacks the rows of its `[1, 4·units, input]` weight
 * as i, o, f, c. ONNX also splits the bias into an input bias and a
 * recurrent bias, which are added; the tfjs bias goes into the first half.
 */
import onnxProto from 'onnx-proto';
import type * as tf from '@tensorflow/tfjs';
import { RECURRENT_ACTIVATION } from './network.js';

const { onnx } = onnxProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type NodeProto = onnxProto.onnx.INodeProto;

/** Opset of the default ONNX domain that the graph uses. */
const OPSET = 17;
/** ONNX IR version 8 is the one that opset 17 was released with. */
const IR_VERSION = 8;

/** Names of the graph's inputs and outputs. */
export const ONNX_INPUT = 'tokens';
export const ONNX_PROBABILITY = 'probability';
export const ONNX_TOKEN = 'token';

/** tfjs gate block of each ONNX gate block: ONNX i, o, f, c ← tfjs 0, 3, 1, 2. */
const TFJS_BLOCK_OF_ONNX_GATE = [0, 3, 1, 2];

/** A weight matrix in row-major order. */
interface Matrix {
  readonly values: Float32Array;
  readonly rows: number;
  readonly columns: number;
}

/**
 * Builds the ONNX model of `network`, a network that `buildNetwork` made
 * (embedding, two LSTM layers, dense), and returns its serialised bytes.
 * @throws Error when the network has another layout.
 */
export function exportOnnx(network: tf.LayersModel): Uint8Array {
  const layers = network.layers;
  const kinds = layers.map((layer) => layer.getClassName()).join(',');
  if (kinds !== 'Embedding,LSTM,LSTM,Dense') {
    throw new Error(
      `exportOnnx: layers ${kinds} are not the next-key network's Embedding,LSTM,LSTM,Dense`,
    );
  }
  const activation = (layers[1].getConfig() as { recurrentActivation?: string })
    .recurrentActivation;
  if (activation !== RECURRENT_ACTIVATION) {
    throw new Error(
      `exportOnnx: the LSTM gate activation is ${activation}, but the ONNX graph uses ${RECURRENT_ACTIVATION}`,
    );
  }
  const [embeddings] = layers[0].getWeights();
  const [denseKernel, denseBias] = layers[3].getWeights();
  const window = network.inputs[0].shape[1] as number;

  const initializers: TensorProto[] = [
    floatTensor('embeddings', embeddings.shape, embeddings.dataSync() as Float32Array),
    ...lstmInitializers('lstm1', layers[1]),
    ...lstmInitializers('lstm2', layers[2]),
    floatTensor('dense_kernel', denseKernel.shape, denseKernel.dataSync() as Float32Array),
    floatTensor('dense_bias', denseBias.shape, denseBias.dataSync() as Float32Array),
    int64Tensor('direction_axis', [1], [1]),
    int64Tensor('first_axis', [1], [0]),
    int64Tensor('top_k', [1], [1]),
  ];
  const units = layers[1].getWeights()[1].shape[0];
  const nodes: NodeProto[] = [
    node('Gather', ['embeddings', ONNX_INPUT], ['embedded'], [intAttribute('axis', 0)]),
    node('Transpose', ['embedded'], ['time_major'], [intsAttribute('perm', [1, 0, 2])]),
    node('LSTM', ['time_major', 'lstm1_W', 'lstm1_R', 'lstm1_B'], ['lstm1_Y'], [intAttribute('hidden_size', units)]),
    node('Squeeze', ['lstm1_Y', 'direction_axis'], ['lstm1_sequence']),
    node('LSTM', ['lstm1_sequence', 'lstm2_W', 'lstm2_R', 'lstm2_B'], ['', 'lstm2_Y_h'], [intAttribute('hidden_size', units)]),
    node('Squeeze', ['lstm2_Y_h', 'first_axis'], ['last_hidden']),
    node('Gemm', ['last_hidden', 'dense_kernel', 'dense_bias'], ['logits']),
    node('Softmax', ['logits'], ['probabilities'], [intAttribute('axis', -1)]),
    node('TopK', ['probabilities', 'top_k'], [ONNX_PROBABILITY, ONNX_TOKEN]),
  ];

  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'cache-prefetch-sim',
    graph: {
      name: 'next_key',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(ONNX_INPUT, onnx.TensorProto.DataType.INT32, ['batch', window])],
      output: [
        valueInfo(ONNX_PROBABILITY, onnx.TensorProto.DataType.FLOAT, ['batch', 1]),
        valueInfo(ONNX_TOKEN, onnx.TensorProto.DataType.INT64, ['batch', 1]),
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The W, R and B inputs of the ONNX LSTM for one tfjs LSTM layer. */
function lstmInitializers(prefix: string, layer: tf.layers.Layer): TensorProto[] {
  const [kernel, recurrentKernel, bias] = layer.getWeights();
  const units = recurrentKernel.shape[0];
  const input = matrixOf(kernel);
  const recurrent = matrixOf(recurrentKernel);
  const biasValues = bias.dataSync() as Float32Array;

  const onnxBias = new Float32Array(8 * units);
  TFJS_BLOCK_OF_ONNX_GATE.forEach((block, gate) => {
    onnxBias.set(biasValues.subarray(block * units, (block + 1) * units), gate * units);
  });
  return [
    floatTensor(`${prefix}_W`, [1, 4 * units, input.rows], gateRows(input, units)),
    floatTensor(`${prefix}_R`, [1, 4 * units, units], gateRows(recurrent, units)),
    floatTensor(`${prefix}_B`, [1, 8 * units], onnxBias),
  ];
}

/**
 * Transposes a tfjs `[inputs, 4·units]` kernel into ONNX's `[4·units,
 * inputs]` with the gate blocks in ONNX order.
 */
function gateRows(kernel: Matrix, units: number): Float32Array {
  const out = new Float32Array(kernel.rows * kernel.columns);
  TFJS_BLOCK_OF_ONNX_GATE.forEach((block, gate) => {
    for (let unit = 0; unit < units; unit++) {
      const column = block * units + unit;
      const row = gate * units + unit;
      for (let i = 0; i < kernel.rows; i++) {
        out[row * kernel.rows + i] = kernel.values[i * kernel.columns + column];
      }
    }
  });
  return out;
}

function matrixOf(tensor: tf.Tensor): Matrix {
  const [rows, columns] = tensor.shape;
  return { values: tensor.dataSync() as Float32Array, rows, columns };
}

function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: littleEndian(bytes) };
}

function int64Tensor(name: string, dims: number[], values: number[]): TensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: values };
}

/**
 * ONNX stores raw tensor data little-endian; typed arrays use the host's
 * byte order, which is little-endian on every platform Node supports but
 * is checked rather than assumed.
 */
function littleEndian(bytes: Uint8Array): Uint8Array {
  const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (isLittleEndian) return bytes.slice();
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) {
    for (let j = 0; j < 4; j++) swapped[i + j] = bytes[i + 3 - j];
  }
  return swapped;
}

function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: onnxProto.onnx.IAttributeProto[] = [],
): NodeProto {
  return { opType, input, output, attribute, name: output.find((name) => name !== '') };
}

function intAttribute(name: string, value: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function intsAttribute(name: string, values: number[]): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function valueInfo(
  name: string,
  elemType: number,
  dims: (number | string)[],
): onnxProto.onnx.IValueInfoProto {
  const dim = dims.map((value) =>
    typeof value === 'number' ? { dimValue: value } : { dimParam: value },
  );
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/**
 * Saving and loading a trained `NextKeyModel` as a directory:
 * - `model.json`: the network in the TensorFlow.js layers format (topology
 *   and a weights manifest naming `weights.bin`), which `tf.loadLayersModel`
 *   reads from a `file://` URL when `@tensorflow/tfjs-node` is installed;
 * - `weights.bin`: the weights, float32, in manifest order;
 * - `next-key-model.json`: the model options, the vocabulary as key text
 *   and the facts of its training.
 * The vocabulary is stored as key text because key ids are dense ids of one
 * trace. Loading maps the text onto the key ids of the trace at hand.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BadOptionError } from '../errors.js';
import { NextKeyModel } from './next-key-model.js';
import type { ModelOptions } from './options.js';
import type { TrainingResult } from './train.js';
import { Vocabulary } from './vocabulary.js';

const NETWORK_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';
const METADATA_FILE = 'next-key-model.json';
const FORMAT_VERSION = 1;

/** Contents of `next-key-model.json`. */
interface Metadata {
  formatVersion: number;
  options: ModelOptions;
  /** Key text of each in-vocabulary token, most frequent first. */
  vocabularyKeys: string[];
  training: TrainingResult;
  oovShare: number;
}

/**
 * Writes `model` to `directory`, creating it if needed and replacing files
 * of an earlier save. `keys` is the key text of each key id of the trace the
 * model was trained on.
 */
export async function saveModel(
  model: NextKeyModel,
  directory: string,
  keys: readonly string[],
): Promise<void> {
  await mkdir(directory, { recursive: true });
  await model.network.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const network = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [
        { paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs },
      ],
    };
    await writeFile(path.join(directory, WEIGHTS_FILE), new Uint8Array(weights));
    await writeFile(path.join(directory, NETWORK_FILE), JSON.stringify(network));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));

  const metadata: Metadata = {
    formatVersion: FORMAT_VERSION,
    options: model.options,
    vocabularyKeys: Array.from(model.vocabulary.keyIdOfToken, (id) => keys[id]),
    training: model.training,
    oovShare: model.oovShare,
  };
  const text = JSON.stringify(metadata, null, 2) + '\n';
  await writeFile(path.join(directory, METADATA_FILE), text);
}

/**
 * Reads a model that `saveModel` wrote to `directory`. `keys` is the key
 * text of each key id of the trace to replay, or a function that returns
 * them given the saved vocabulary's key text. Vocabulary keys that this
 * trace does not contain keep their token, and predictions of them come
 * back as key id -1, like OOV. `overrides` replace saved options that only
 * affect prediction.
 * @throws BadOptionError when a file is missing or of another format.
 */
export async function loadModel(
  directory: string,
  keys: readonly string[] | ((vocabularyKeys: readonly string[]) => readonly string[]),
  overrides: Partial<Pick<ModelOptions, 'predictBatchSize'>> = {},
): Promise<NextKeyModel> {
  const metadata = await readJson(directory, METADATA_FILE) as Metadata;
  if (metadata.formatVersion !== FORMAT_VERSION) {
    throw new BadOptionError(
      `--model: ${path.join(directory, METADATA_FILE)} has format version ${metadata.formatVersion}, but this simulator reads version ${FORMAT_VERSION}; save the model again with this version`,
    );
  }
  const network = await readJson(directory, NETWORK_FILE) as {
    modelTopology: tf.io.ModelArtifacts['modelTopology'];
    weightsManifest: tf.io.WeightsManifestConfig;
  };
  const weights = await readModelFile(directory, WEIGHTS_FILE);

  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  );
  const layers = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: network.modelTopology,
    weightSpecs: network.weightsManifest.flatMap((group) => group.weights),
    weightData,
  }));

  const keyTexts = typeof keys === 'function'
    ? keys(metadata.vocabularyKeys)
    : keys;
  const idOfKey = new Map(keyTexts.map((key, id) => [key, id]));
  const keyIdOfToken = Int32Array.from(
    metadata.vocabularyKeys,
    (key) => idOfKey.get(key) ?? -1,
  );
  const vocabulary = new Vocabulary(keyIdOfToken, keyTexts.length);
  return new NextKeyModel(
    // Models saved before delta targets existed predict keys.
    { ...metadata.options, target: metadata.options.target ?? 'key', ...overrides },
    vocabulary,
    layers,
    metadata.training,
    metadata.oovShare,
  );
}

async function readJson(directory: string, file: string): Promise<unknown> {
  const text = (await readModelFile(directory, file)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadOptionError(
      `--model: ${path.join(directory, file)} is not valid JSON (${(error as Error).message}); save the model again`,
    );
  }
}

async function readModelFile(directory: string, file: string): Promise<Buffer> {
  const location = path.join(directory, file);
  try {
    return await readFile(location);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'was not found'
      : `could not be read (${(error as Error).message})`;
    throw new BadOptionError(
      `--model: ${location} ${reason}; save a model to ${directory} first or leave --model unset`,
    );
  }
}

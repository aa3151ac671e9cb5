import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LstmPolicy, lstm, SINGLE_PREDICTION_SAMPLES } from '../../policies/lstm.js';
import { resolveParams } from '../../src/policies/params.js';
import type {
  PrepareContext,
  PrefetchSink,
  RequestEvent,
} from '../../src/policies/policy.js';
import { Outcome } from '../../src/policies/policy.js';
import { patternKeyIds, windowsEndingAt } from '../model/fixtures.js';

const KEY_SPACE = 40;
const TRAIN_END = 160;
const TRACE = patternKeyIds(240);

/** Parameters of a model small enough to train in about a second. */
const TINY = {
  window: '3',
  embedding: '4',
  units: '8',
  vocab: '10',
  epochs: '10',
  'batch-size': '16',
  'learning-rate': '0.05',
  'validation-split': '0',
  inference: 'tfjs',
};

function createPolicy(
  overrides: Record<string, string> = {},
  clock?: () => number,
  modelDir?: string,
): LstmPolicy {
  const raw = new Map(Object.entries({ ...TINY, ...overrides }));
  const params = resolveParams('lstm', lstm.params, raw);
  const settings = { seed: 1, backend: 'wasm', modelDir };
  return new LstmPolicy('lstm', params, settings, clock);
}

function context(log: string[] = []): PrepareContext {
  const keys = Array.from({ length: KEY_SPACE }, (_, i) => `k${i}`);
  return {
    training: {
      length: TRAIN_END,
      keyIds: TRACE.subarray(0, TRAIN_END),
      keys,
      keySpace: KEY_SPACE,
    },
    dictionary: dictionaryOf(keys),
    seed: 1,
    log: (line) => log.push(line),
  };
}

function dictionaryOf(keys: readonly string[]): PrepareContext['dictionary'] {
  return {
    size: keys.length,
    textOf: (keyId) => keys[keyId],
    idOf: (text) => (keys.includes(text) ? keys.indexOf(text) : undefined),
  };
}

/** Predicts every scored request in chunks of `chunk`, as the engine does. */
async function predictScored(policy: LstmPolicy, chunk: number): Promise<void> {
  const window = policy.batch.historyWindow;
  for (let first = TRAIN_END; first < TRACE.length; first += chunk) {
    const count = Math.min(chunk, TRACE.length - first);
    await policy.batch.predictBatch(windowsEndingAt(TRACE, first, count, window), count);
  }
}

/** Replays the trace through `onRequest`; returns the pushes per request. */
function replay(policy: LstmPolicy): Array<Array<[number, number | undefined]>> {
  const pushes: Array<Array<[number, number | undefined]>> = [];
  let current: Array<[number, number | undefined]> = [];
  const sink: PrefetchSink = { push: (keyId, confidence) => current.push([keyId, confidence]) };
  for (let index = 0; index < TRACE.length; index++) {
    current = [];
    const request: RequestEvent = {
      index,
      keyId: TRACE[index],
      time: index,
      sizeBytes: 1,
      outcome: Outcome.Miss,
      isScored: index >= TRAIN_END,
    };
    policy.onRequest(request, sink);
    pushes.push(current);
  }
  return pushes;
}

describe('lstm', () => {
  it('exposes its defaults as parameters', () => {
    const defaults = Object.fromEntries(lstm.params.map((p) => [p.name, p.default]));
    expect(lstm.id).toBe('lstm');
    expect(defaults).toMatchObject({
      window: 10,
      embedding: 32,
      units: 64,
      vocab: 1000,
      confidence: 0.6,
      'batch-size': 64,
    });
  });

  it('prefetches the learnt next key', async () => {
    const policy = createPolicy();
    await policy.prepare(context());
    await predictScored(policy, 30);
    const pushes = replay(policy);

    for (let index = 0; index < TRAIN_END; index++) {
      expect(pushes[index]).toEqual([]);
    }
    for (let index = TRAIN_END; index < TRACE.length - 1; index++) {
      expect(pushes[index]).toHaveLength(1);
      const [keyId, confidence] = pushes[index][0];
      expect(keyId).toBe(TRACE[index + 1]);
      expect(confidence).toBeGreaterThanOrEqual(0.6);
    }
    policy.dispose();
  });

  it('pushes nothing below confidence', async () => {
    // After one epoch at a tiny learning rate each of the four classes (three
    // keys and OOV) keeps a probability near 0.25.
    const policy = createPolicy({ epochs: '1', 'learning-rate': '0.0001', confidence: '0.9' });
    await policy.prepare(context());
    await predictScored(policy, 80);
    const pushes = replay(policy);
    expect(pushes.flat()).toEqual([]);
    policy.dispose();
  });

  it('never prefetches OOV', async () => {
    // Only key 10 has a token; 20 and 30 are predicted as OOV.
    const policy = createPolicy({ vocab: '1', confidence: '0' });
    await policy.prepare(context());
    await predictScored(policy, 80);
    const pushed = replay(policy).flat().map(([keyId]) => keyId);
    expect(pushed.length).toBe(40);
    expect(new Set(pushed)).toEqual(new Set([10]));
    policy.dispose();
  });

  it('reports backend, model and costs', async () => {
    const policy = createPolicy();
    await policy.prepare(context());
    await predictScored(policy, 30);
    const report = policy.report();
    expect(report.notes).toMatchObject({
      backend: 'wasm',
      vocabularyKeys: 3,
      oovShareOfTraining: 0,
      trainSamples: TRAIN_END - 3,
      validationSamples: 0,
      epochsRun: 10,
    });
    // Embedding 4×4, two LSTMs 4×8×(4+8+1) and 4×8×(8+8+1), dense 8×4+4.
    expect(report.notes?.parameters).toBe(16 + 416 + 544 + 36);
    expect(report.modelParameters).toBe(16 + 416 + 544 + 36);
    expect(report.modelBytes).toBe(4 * (16 + 416 + 544 + 36));
    expect(report.backend).toBe('wasm');
    expect(report.singlePredictionMs).toHaveLength(TRACE.length - TRAIN_END);
    expect(report.trainingMs).toBeGreaterThan(0);
    expect(report.predictionMsPerRequest).toBeGreaterThan(0);
    expect(report.batchedPredictionsPerSecond).toBeGreaterThan(0);
    policy.dispose();
  });

  it('measures costs with injected clock', async () => {
    // Each clock read advances 1 ms: every timed span is 1 ms long.
    let now = 0;
    const policy = createPolicy({ epochs: '1' }, () => now++);
    await policy.prepare(context());
    await predictScored(policy, 30);
    const report = policy.report();
    expect(report.trainingMs).toBe(1);
    // Three chunks of 30, 30 and 20 windows, 1 ms each.
    expect(report.predictionMsPerRequest).toBeCloseTo(3 / 80);
    expect(report.batchedPredictionsPerSecond).toBeCloseTo(80 / 0.003);
    expect(Array.from(report.singlePredictionMs ?? [])).toEqual(new Array(80).fill(1));
    policy.dispose();
  });

  it('caps timed single predictions', async () => {
    const policy = createPolicy({ epochs: '1' });
    await policy.prepare(context());
    const count = 700;
    const windows = windowsEndingAt(patternKeyIds(2 * count), 0, count, 3);
    await policy.batch.predictBatch(windows, count);
    await policy.batch.predictBatch(windows, count);
    expect(policy.report().singlePredictionMs).toHaveLength(SINGLE_PREDICTION_SAMPLES);
    policy.dispose();
  });

  it('frees every tensor on dispose', async () => {
    const before = tf.memory().numTensors;
    const policy = createPolicy({ epochs: '2' });
    await policy.prepare(context());
    await predictScored(policy, 80);
    policy.report();
    policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws without a batch prediction', async () => {
    const policy = createPolicy({ epochs: '1' });
    await policy.prepare(context());
    await policy.batch.predictBatch(windowsEndingAt(TRACE, TRAIN_END, 5, 3), 5);
    const request: RequestEvent = {
      index: TRAIN_END + 5,
      keyId: TRACE[TRAIN_END + 5],
      time: 0,
      sizeBytes: 1,
      outcome: Outcome.Hit,
      isScored: true,
    };
    expect(() => policy.onRequest(request, { push: () => {} })).toThrow(
      'lstm: no prediction for request 165: predictBatch covered requests 160 to 164',
    );
    policy.dispose();
  });

  it('logs backend and epochs', async () => {
    const log: string[] = [];
    const policy = createPolicy({ epochs: '2' });
    await policy.prepare(context(log));
    expect(log).toEqual([
      'lstm: training on the wasm backend',
      expect.stringMatching(/^lstm: epoch 1\/2: loss /),
      expect.stringMatching(/^lstm: epoch 2\/2: loss /),
    ]);
    policy.dispose();
  });

  it('loads a saved model instead of training', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'lstm-policy-'));
    const trained = createPolicy();
    await trained.prepare(context());
    await trained.save(directory);
    await predictScored(trained, 80);

    const log: string[] = [];
    const loaded = createPolicy({}, undefined, directory);
    await loaded.prepare(context(log));
    await predictScored(loaded, 80);
    expect(replay(loaded)).toEqual(replay(trained));
    expect(log).toEqual([`lstm: loading the model in ${directory} on the wasm backend`]);

    const report = loaded.report();
    expect(report.trainingMs).toBeUndefined();
    expect(report.notes?.modelDir).toBe(directory);
    expect(report.notes?.epochsRun).toBe(10);
    trained.dispose();
    loaded.dispose();
    await rm(directory, { recursive: true });
  });

  it('rejects a saved model of another window', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'lstm-policy-'));
    const trained = createPolicy({ epochs: '1' });
    await trained.prepare(context());
    await trained.save(directory);
    trained.dispose();

    const loaded = createPolicy({ window: '4' }, undefined, directory);
    const preparing = loaded.prepare(context());
    await expect(preparing).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
    await expect(preparing).rejects.toThrow(
      `--param lstm.window, lstm.target: the model in ${directory} reads windows of 3 keys and predicts keys, not 4 and keys; pass --param lstm.window=3 --param lstm.target=key or leave --model unset`,
    );
    await rm(directory, { recursive: true });
  });

  it('rejects an unknown backend', () => {
    const params = resolveParams('lstm', lstm.params);
    const create = () => lstm.create({ params, label: 'lstm', settings: { seed: 1, backend: 'webgl' } });
    expect(create).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });

  it('predicts the same keys on onnx as on tfjs', async () => {
    const onTfjs = createPolicy();
    const onOnnx = createPolicy({ inference: 'onnx' });
    await onTfjs.prepare(context());
    await onOnnx.prepare(context());
    await predictScored(onTfjs, 30);
    await predictScored(onOnnx, 30);
    expect(replay(onOnnx).map((pushes) => pushes.map(([keyId]) => keyId)))
      .toEqual(replay(onTfjs).map((pushes) => pushes.map(([keyId]) => keyId)));
    expect(onOnnx.report().notes?.inference).toMatch(/^onnxruntime-node \d+\.\d+\.\d+, batches on \d+ worker threads$/);
    expect(onTfjs.report().notes?.inference).toBe('tfjs on wasm');
    onTfjs.dispose();
    onOnnx.dispose();
  });

  it('shares one training with its forks', async () => {
    const log: string[] = [];
    const policy = createPolicy();
    await policy.prepare(context(log));
    await predictScored(policy, 30);
    const fork = policy.fork();
    await predictScored(fork, 30);
    const expected = replay(policy);
    // The fork keeps the shared model after its origin is disposed.
    policy.dispose();
    expect(replay(fork)).toEqual(expected);
    expect(log.filter((line) => line.startsWith('lstm: training'))).toHaveLength(1);
    expect(fork.report().notes?.epochsRun).toBe(10);
    fork.dispose();
  });

  it('predicts unseen keys from deltas', async () => {
    // Keys 0, 1, 2, … : the scored part requests only keys that training
    // never saw, which a key model cannot predict and a delta model can.
    const length = 240;
    const keys = Array.from({ length }, (_, i) => String(i));
    const trace = Uint32Array.from({ length }, (_, i) => i);
    const sequential: PrepareContext = {
      ...context(),
      training: { length: TRAIN_END, keyIds: trace.subarray(0, TRAIN_END), keys: keys.slice(0, TRAIN_END), keySpace: length },
      dictionary: dictionaryOf(keys),
    };
    const policy = createPolicy({ target: 'delta' });
    expect(policy.batch.historyWindow).toBe(4);
    await policy.prepare(sequential);
    const windows = windowsEndingAt(trace, TRAIN_END, length - TRAIN_END, 4);
    await policy.batch.predictBatch(windows, length - TRAIN_END);
    const pushed: number[] = [];
    for (let index = TRAIN_END; index < length; index++) {
      const request = { index, keyId: index, time: index, sizeBytes: 1, outcome: Outcome.Miss, isScored: true };
      policy.onRequest(request, { push: (keyId) => pushed.push(keyId) });
    }
    // The last key has no successor in the trace, so nothing is pushed.
    expect(pushed).toEqual(Array.from({ length: length - TRAIN_END - 1 }, (_, i) => TRAIN_END + 1 + i));
    expect(policy.report().notes).toMatchObject({ target: 'delta', vocabularyKeys: 1, deltaKeysNotInTrace: 1 });
    policy.dispose();
  });

  it('round-trips a delta model', async () => {
    const length = 240;
    const keys = Array.from({ length }, (_, i) => String(3 * i));
    const trace = Uint32Array.from({ length }, (_, i) => i);
    const sequential: PrepareContext = {
      ...context(),
      training: { length: TRAIN_END, keyIds: trace.subarray(0, TRAIN_END), keys: keys.slice(0, TRAIN_END), keySpace: length },
      dictionary: dictionaryOf(keys),
    };
    const windows = windowsEndingAt(trace, TRAIN_END, length - TRAIN_END, 4);
    const directory = await mkdtemp(path.join(tmpdir(), 'lstm-delta-'));
    const trained = createPolicy({ target: 'delta', epochs: '3' });
    await trained.prepare(sequential);
    await trained.save(directory);
    await trained.batch.predictBatch(windows, length - TRAIN_END);

    const loaded = createPolicy({ target: 'delta' }, undefined, directory);
    await loaded.prepare(sequential);
    await loaded.batch.predictBatch(windows, length - TRAIN_END);
    expect(loaded.predictions()).toEqual(trained.predictions());
    expect(Array.from(loaded.predictions().keyIds.slice(0, 3))).toEqual([TRAIN_END + 1, TRAIN_END + 2, TRAIN_END + 3]);
    trained.dispose();
    loaded.dispose();
    await rm(directory, { recursive: true });
  });

  it('retrains on past requests only', async () => {
    const log: string[] = [];
    const policy = createPolicy({ 'retrain-every': '30', epochs: '1' });
    await policy.prepare(context(log));
    await predictScored(policy, 50);
    expect(policy.report().notes?.retrains).toBe(2);
    expect(log.filter((line) => line.startsWith('lstm: retraining'))).toEqual([
      'lstm: retraining on the requests before request 190',
      'lstm: retraining on the requests before request 220',
    ]);
    policy.dispose();
  });
});

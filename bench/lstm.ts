/**
 * Benchmark section of the LSTM model: training speed, batched and single
 * prediction on each engine, and peak memory, beside the figures of the
 * earlier validation report and the targets for a 2-core machine.
 *
 * Workload: the earlier report's 4,000 samples, 1,000 from each of the
 * sequential, periodic, zipfian and random patterns (seed 1), one after
 * another, with the default model (window 10, embedding 32, two LSTM
 * layers of 64, vocabulary 1,000) trained for exactly 10 epochs: no
 * validation split, so no early stopping.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { predictionPercentiles, type PredictionPercentiles } from '../src/eval/prediction-percentiles.js';
import { selectBackend } from '../src/model/backend.js';
import { NextKeyModel } from '../src/model/next-key-model.js';
import { OnnxEngine } from '../src/model/onnx-engine.js';
import { defaultModelOptions, type ModelOptions } from '../src/model/options.js';
import { predictTop } from '../src/model/predict.js';
import { generateKeys } from '../src/trace/generate.js';
import { peakMemoryMiB as peakMemory } from './peak-memory.js';

/** Figures of the earlier report, measured on CPU. */
const EARLIER = {
  trainingSeconds: 125,
  predictionsPerSecond: 2070,
  singleMeanMs: 0.483,
  singleP95Ms: 0.713,
  singleP99Ms: 0.914,
};

/** Targets on a 2-core machine. */
const TARGETS = {
  trainingSeconds: 12.5,
  predictionsPerSecond: 50_000,
  singleP99Ms: 0.25,
};

const SAMPLES_PER_PATTERN = 1000;
const EPOCHS = 10;
const SINGLE_PREDICTIONS = 3000;
/** Batched measurements per engine, of which the median is reported. */
const BATCHED_ROUNDS = 3;
/** Shards of the data-parallel training measurement (`lstm.train-shards`). */
const SHARDS = 2;
/** Windows predicted in the batched measurement. */
const BATCHED_WINDOWS = 32_768;

interface EngineFigures {
  engine: string;
  batchedPerSecond: number;
  single: PredictionPercentiles;
  singleMeanMs: number;
}

/** Runs the measurements and returns the section for the benchmark page. */
export async function lstmSection(): Promise<{ title: string; markdown: string; json: unknown }> {
  const backend = await selectBackend();
  const options = { ...defaultModelOptions(1), epochs: EPOCHS, validationSplit: 0 };
  const keyIds = reportKeyIds(options.window);

  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const model = await NextKeyModel.train(keyIds, keyIds.length, options);
  const trainingSeconds = (performance.now() - started) / 1000;
  const trainingCpuSeconds = cpuSeconds(process.cpuUsage(cpuStarted));
  const trainingSamples = model.training.trainSamples;
  const shardedSeconds = await timeShardedTraining(keyIds, options);

  const windows = windowsOf(keyIds, options.window, BATCHED_WINDOWS);
  const tokens = model.tokenize(windows, BATCHED_WINDOWS);
  const engines: EngineFigures[] = [await measureTfjs(model, tokens, backend)];
  const onnx = await OnnxEngine.create(model.network);
  if (typeof onnx !== 'string') {
    engines.push(await measureOnnx(onnx, tokens, options.window, options.predictBatchSize));
    await onnx.dispose();
  }
  model.dispose();
  const peakMemoryMiB = peakMemory();

  const json = {
    machine: { cpu: cpus()[0]?.model.trim(), cores: cpus().length, loadAverage1m: loadavg()[0] },
    backend,
    training: {
      samples: trainingSamples,
      epochs: EPOCHS,
      seconds: trainingSeconds,
      samplesPerSecond: (trainingSamples * EPOCHS) / trainingSeconds,
      cpuSeconds: trainingCpuSeconds,
      samplesPerCpuSecond: (trainingSamples * EPOCHS) / trainingCpuSeconds,
    },
    trainingTwoShards: { shards: SHARDS, seconds: shardedSeconds, samplesPerSecond: (trainingSamples * EPOCHS) / shardedSeconds },
    engines,
    peakMemoryMiB,
    onnxUnavailable: typeof onnx === 'string' ? onnx : undefined,
    earlier: EARLIER,
    targets: TARGETS,
  };
  return { title: 'LSTM model', markdown: render(json), json };
}

/** User plus system time of a `process.cpuUsage` difference, in seconds. */
function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

/** Seconds to train the same model with batches cut into `SHARDS` parts. */
async function timeShardedTraining(keyIds: Uint32Array, options: ModelOptions): Promise<number> {
  const started = performance.now();
  const model = await NextKeyModel.train(keyIds, keyIds.length, { ...options, trainShards: SHARDS });
  const seconds = (performance.now() - started) / 1000;
  model.dispose();
  return seconds;
}

/** Key ids of the four patterns, 1,000 samples each, one after another. */
function reportKeyIds(window: number): Uint32Array {
  const patterns = ['sequential', 'periodic', 'zipfian', 'random'] as const;
  const ids = new Map<string, number>();
  const keyIds: number[] = [];
  patterns.forEach((pattern, p) => {
    // Each pattern gets its own key texts, as separate workloads would.
    const keys = generateKeys(pattern, SAMPLES_PER_PATTERN + (p === 0 ? window : 0), 1);
    for (const key of keys) {
      const text = `${pattern}:${key}`;
      if (!ids.has(text)) ids.set(text, ids.size);
      keyIds.push(ids.get(text)!);
    }
  });
  return Uint32Array.from(keyIds);
}

/** `count` history windows over the key ids, repeated as needed. */
function windowsOf(keyIds: Uint32Array, window: number, count: number): Int32Array {
  const windows = new Int32Array(count * window);
  const span = keyIds.length - window;
  for (let i = 0; i < count; i++) {
    const start = i % span;
    for (let j = 0; j < window; j++) windows[i * window + j] = keyIds[start + j];
  }
  return windows;
}

async function measureTfjs(model: NextKeyModel, tokens: Int32Array, backend: string): Promise<EngineFigures> {
  const { window, predictBatchSize } = model.options;
  const count = 4096;
  predictTop(model.network, tokens, predictBatchSize, window, predictBatchSize);
  const batchedPerSecond = await medianRate(count, () => {
    predictTop(model.network, tokens, count, window, predictBatchSize);
  });
  const times = await timeSingles((i) => {
    predictTop(model.network, tokens.subarray(i * window, (i + 1) * window), 1, window, 1);
  });
  return { engine: `tfjs on ${backend}`, batchedPerSecond, ...times };
}

async function measureOnnx(engine: OnnxEngine, tokens: Int32Array, window: number, batchSize: number): Promise<EngineFigures> {
  await engine.predictMany(tokens, batchSize * engine.workers, batchSize);
  const batchedPerSecond = await medianRate(BATCHED_WINDOWS, () => engine.predictMany(tokens, BATCHED_WINDOWS, batchSize));
  const times = await timeSingles((i) => engine.predictOne(tokens.slice(i * window, (i + 1) * window)));
  return {
    engine: `onnxruntime-node ${engine.version}, batches on ${engine.workers} worker threads`,
    batchedPerSecond,
    ...times,
  };
}

/** Median over `BATCHED_ROUNDS` runs of `predict` of windows per second. */
async function medianRate(windows: number, predict: () => unknown): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < BATCHED_ROUNDS; round++) {
    const started = performance.now();
    await predict();
    rates.push(windows / ((performance.now() - started) / 1000));
  }
  return rates.sort((a, b) => a - b)[Math.floor(BATCHED_ROUNDS / 2)];
}

/** Times `SINGLE_PREDICTIONS` calls after one untimed call. */
async function timeSingles(predict: (i: number) => unknown): Promise<{ single: PredictionPercentiles; singleMeanMs: number }> {
  await predict(0);
  const times = new Float64Array(SINGLE_PREDICTIONS);
  for (let i = 0; i < SINGLE_PREDICTIONS; i++) {
    const started = performance.now();
    await predict(i % 1000);
    times[i] = performance.now() - started;
  }
  const single = predictionPercentiles(times)!;
  const singleMeanMs = times.reduce((sum, time) => sum + time, 0) / times.length;
  return { single, singleMeanMs };
}

function render(json: {
  machine: { cpu?: string; cores: number; loadAverage1m: number };
  backend: string;
  training: { samples: number; seconds: number; samplesPerSecond: number; cpuSeconds: number; samplesPerCpuSecond: number };
  trainingTwoShards: { shards: number; seconds: number; samplesPerSecond: number };
  engines: EngineFigures[];
  peakMemoryMiB: number;
  onnxUnavailable?: string;
}): string {
  const { training, trainingTwoShards: sharded } = json;
  const earlierRate = (SAMPLES_PER_PATTERN * 4 * EPOCHS) / EARLIER.trainingSeconds;
  const verdict = (isMet: boolean) => (isMet ? 'met' : '**not met**');
  const lines = [
    `Machine: ${json.machine.cpu}, ${json.machine.cores} cores, load average ${json.machine.loadAverage1m.toFixed(2)} over the last minute at the end of the run (other jobs share this machine, so figures vary between runs).`,
    '',
    '| measurement | ours | earlier report | target | target met |',
    '| --- | ---: | ---: | ---: | --- |',
    `| training, 10 epochs of ${training.samples.toLocaleString('en-US')} samples (${json.backend}) | ${training.seconds.toFixed(1)} s (${Math.round(training.samplesPerSecond).toLocaleString('en-US')} samples/s); CPU time ${training.cpuSeconds.toFixed(1)} s (${Math.round(training.samplesPerCpuSecond).toLocaleString('en-US')} samples/s) | ${EARLIER.trainingSeconds} s (${Math.round(earlierRate)} samples/s) | ${TARGETS.trainingSeconds} s | ${verdict(training.seconds <= TARGETS.trainingSeconds)} |`,
    `| the same with lstm.train-shards=${sharded.shards} (data-parallel worker threads) | ${sharded.seconds.toFixed(1)} s (${Math.round(sharded.samplesPerSecond).toLocaleString('en-US')} samples/s) | | ${TARGETS.trainingSeconds} s | ${verdict(sharded.seconds <= TARGETS.trainingSeconds)} |`,
  ];
  for (const engine of json.engines) {
    lines.push(
      `| batched predictions/s, ${engine.engine} | ${Math.round(engine.batchedPerSecond).toLocaleString('en-US')} | ${EARLIER.predictionsPerSecond.toLocaleString('en-US')} | ${TARGETS.predictionsPerSecond.toLocaleString('en-US')} | ${verdict(engine.batchedPerSecond >= TARGETS.predictionsPerSecond)} |`,
      `| single prediction p50 / p95 / p99, ${engine.engine} | ${ms(engine.single.p50Ms)} / ${ms(engine.single.p95Ms)} / ${ms(engine.single.p99Ms)} ms (mean ${ms(engine.singleMeanMs)}) | mean ${EARLIER.singleMeanMs} / p95 ${EARLIER.singleP95Ms} / p99 ${EARLIER.singleP99Ms} ms | p99 ${TARGETS.singleP99Ms} ms | ${verdict(engine.single.p99Ms <= TARGETS.singleP99Ms)} |`,
    );
  }
  lines.push(`| peak memory (max RSS of the process) | ${json.peakMemoryMiB.toFixed(0)} MiB | not reported | | |`);
  if (json.onnxUnavailable !== undefined) lines.push('', `ONNX Runtime was not measured: ${json.onnxUnavailable}.`);
  lines.push('', 'Single predictions: one window of tokens per call, 3,000 calls over 1,000 windows after one untimed call. Batched: the median of 3 runs of 32,768 windows in batches of 512 (tfjs: 4,096 windows). Training: one run. The target judges its wall-clock time. Its CPU time is the user and system time of the whole process while it trained, which time spent waiting for a core busy with other work does not inflate.');
  return lines.join('\n');
}

function ms(value: number): string {
  return value.toFixed(3);
}

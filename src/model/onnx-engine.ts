/**
 * Next-key inference on ONNX Runtime: the trained tfjs network converted
 * to ONNX (`onnx-export.ts`), one session in this thread for single
 * predictions and one per worker thread for batches.
 *
 * Measured with the default model (1,001 classes) on a 2-core VM shared
 * with other jobs (bench/lstm.ts): one session ran batches of 512 windows
 * at about 36,000 windows/s, and tfjs on WebAssembly at 2,000 to 7,400.
 * One window took 0.05 to 0.08 ms (p50) against about 2 ms for tfjs.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type * as Ort from 'onnxruntime-node';
import type * as tf from '@tensorflow/tfjs';
import { exportOnnx } from './onnx-export.js';
import { createSession, loadOnnxRuntime, runSession } from './onnx-session.js';
import type { BatchReply, BatchRequest } from './onnx-worker.js';
import type { TopPredictions } from './predict.js';
import { compiledWorkerScript } from '../worker-script.js';

/** Most worker threads for batches; more gave no gain on 2 cores. */
const MAX_WORKERS = 4;

interface Pending {
  resolve(top: TopPredictions): void;
  reject(error: Error): void;
}

export class OnnxEngine {
  /** Worker threads that run batches. */
  readonly workers: number;
  /** `onnxruntime-node` version, for reports. */
  readonly version: string;
  readonly #ort: typeof Ort;
  readonly #session: Ort.InferenceSession;
  readonly #pool: Worker[];
  readonly #pending = new Map<number, Pending>();
  readonly #window: number;
  #nextId = 0;

  private constructor(
    ort: typeof Ort,
    session: Ort.InferenceSession,
    pool: Worker[],
    window: number,
  ) {
    this.#ort = ort;
    this.#session = session;
    this.#pool = pool;
    this.#window = window;
    this.workers = pool.length;
    this.version = ort.env.versions.node ?? ort.env.versions.common;
    for (const worker of pool) {
      worker.on('message', (reply: BatchReply) => this.#settle(reply));
      worker.on('error', (error) => this.#failAll(error));
    }
  }

  /**
   * Converts `network` and starts the sessions and `workers` worker threads
   * (default: the cores available, at most 4). Returns the reason when it
   * cannot start (ONNX Runtime or the compiled worker missing, a session or
   * worker failing), so that the caller can fall back to tfjs.
   */
  static async create(
    network: tf.LayersModel,
    workers = Math.min(MAX_WORKERS, availableParallelism()),
  ): Promise<OnnxEngine | string> {
    const ort = await loadOnnxRuntime();
    if (typeof ort === 'string') return `onnxruntime-node did not load: ${ort}`;
    const script = compiledWorkerScript(import.meta.url, 'model', 'onnx-worker.js');
    if (script === undefined) {
      return 'the compiled ONNX worker was not found; run npm run build';
    }
    const model = exportOnnx(network);
    const pool: Worker[] = [];
    try {
      const session = await createSession(ort, model);
      for (let i = 0; i < workers; i++) pool.push(await startWorker(script, model));
      const window = network.inputs[0].shape[1] as number;
      return new OnnxEngine(ort, session, pool, window);
    } catch (error) {
      await Promise.all(pool.map((worker) => worker.terminate()));
      return `ONNX Runtime could not run the model: ${(error as Error).message}`;
    }
  }

  /** Predicts one window of tokens in this thread. */
  predictOne(tokens: Int32Array): Promise<TopPredictions> {
    return runSession(this.#ort, this.#session, tokens, 1, this.#window);
  }

  /**
   * Predicts `count` windows in batches of `batchSize`, spread over the
   * worker threads, so this thread stays free while they run.
   */
  async predictMany(
    tokens: Int32Array,
    count: number,
    batchSize: number,
  ): Promise<TopPredictions> {
    const window = this.#window;
    const batches: Promise<TopPredictions>[] = [];
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      const slice = tokens.slice(start * window, (start + size) * window);
      const worker = this.#pool[batches.length % this.#pool.length];
      batches.push(this.#send(worker, slice, size));
    }
    const results = await Promise.all(batches);

    const top = {
      tokens: new Int32Array(count),
      probabilities: new Float32Array(count),
    };
    results.forEach((result, i) => {
      top.tokens.set(result.tokens, i * batchSize);
      top.probabilities.set(result.probabilities, i * batchSize);
    });
    return top;
  }

  /** Stops the workers and frees the session. */
  async dispose(): Promise<void> {
    await Promise.all(this.#pool.map((worker) => worker.terminate()));
    await this.#session.release();
  }

  #send(worker: Worker, tokens: Int32Array, count: number): Promise<TopPredictions> {
    const id = this.#nextId++;
    const request: BatchRequest = { id, tokens, count, window: this.#window };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage(request, [tokens.buffer as ArrayBuffer]);
    });
  }

  #settle(reply: BatchReply): void {
    if (reply.type === 'ready') return;
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (reply.type === 'failed') {
      pending?.reject(new Error(`ONNX Runtime batch failed: ${reply.message}`));
    } else {
      pending?.resolve(reply);
    }
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** Starts one worker and waits until its session is ready. */
function startWorker(script: URL, model: Uint8Array): Promise<Worker> {
  const worker = new Worker(script, { workerData: { model } });
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}

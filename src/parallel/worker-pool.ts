import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { WorkerStoppedError } from '../errors.js';
import { builtWorkerPath, compiledWorkerScript } from '../worker-script.js';
import { errorOf } from './failure.js';
import type { RenderMessage, WorkerMessage } from './messages.js';

/** How a chart sent to a worker settles once the worker replies. */
interface PendingRender {
  resolve: (svg: string) => void;
  reject: (error: Error) => void;
}

/** A replay worker thread and how it ended. */
export interface ReplayWorker {
  thread: Worker;
  /**
   * Promise that rejects with the worker's error, or when the worker
   * exits, and never resolves.
   */
  stopped: Promise<never>;
}

/**
 * Replay worker threads started ahead of their jobs. A new worker takes
 * about 0.1 s to load the simulator's modules (Node 20 on 2 cores). So a
 * caller can start the workers before it reads the trace. It then passes
 * them to `simulateInWorkers`, which sends the trace and the jobs.
 */
export class ReplayWorkerPool {
  readonly workers: ReplayWorker[];
  /** Charts sent to the first worker and not rendered yet, by request id. */
  #renders: Map<number, PendingRender> | undefined;
  #nextRenderId = 0;

  constructor(size: number) {
    const script = compiledWorkerScript(import.meta.url, 'parallel', 'replay-worker.js');
    if (script === undefined) {
      const path = builtWorkerPath(import.meta.url, 'parallel', 'replay-worker.js');
      throw new Error(`replay worker not found at ${path}; run npm run build first`);
    }
    this.workers = Array.from({ length: size }, () => startWorker(script));
  }

  /**
   * Returns a function that renders a chart to SVG text on the first
   * worker, as `renderSvg` would here, for a caller whose workers have no
   * job left. It rejects with the worker's error, or when the worker has
   * stopped.
   */
  chartRenderer(): (spec: TopLevelSpec) => Promise<string> {
    const { thread, stopped } = this.workers[0];
    if (this.#renders === undefined) {
      const renders = new Map<number, PendingRender>();
      thread.on('message', (message: WorkerMessage) => {
        if (message.type !== 'rendered' && message.type !== 'render-failed') return;
        const request = renders.get(message.id);
        renders.delete(message.id);
        if (message.type === 'rendered') request?.resolve(message.svg);
        else request?.reject(errorOf(message.failure));
      });
      this.#renders = renders;
    }
    const renders = this.#renders;
    const unrefWhenIdle = () => {
      if (renders.size === 0) thread.unref();
    };
    return (spec) => {
      const id = this.#nextRenderId++;
      const rendered = new Promise<string>((resolve, reject) => renders.set(id, { resolve, reject }));
      const message: RenderMessage = { type: 'render', id, spec };
      // Referenced while it draws, because a worker with no job left is not.
      thread.ref();
      void rendered.then(unrefWhenIdle, unrefWhenIdle);
      thread.postMessage(message);
      return Promise.race([rendered, stopped]);
    };
  }

  /** Stops every worker. Stopping a worker that has stopped does nothing. */
  async terminate(): Promise<void> {
    await Promise.all(this.workers.map(({ thread }) => thread.terminate()));
  }
}

function startWorker(script: URL): ReplayWorker {
  const thread = new Worker(script);
  // Referenced only while it has jobs or draws a chart (see
  // simulate-in-workers.ts), so that an idle worker never keeps this
  // thread alive while a promise of this thread can never settle.
  thread.unref();
  const stopped = new Promise<never>((_resolve, reject) => {
    thread.on('error', (thrown) => reject(new WorkerStoppedError('replay worker', { thrown })));
    thread.on('exit', (exitCode) => reject(new WorkerStoppedError('replay worker', { exitCode })));
  });
  // A worker stopped on purpose rejects this promise, which no caller awaits then.
  stopped.catch(() => {});
  return { thread, stopped };
}

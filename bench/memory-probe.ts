/**
 * Loads one trace in a fresh process and prints its peak memory as JSON,
 * so that the figure does not include the benchmark's own allocations.
 *
 *     node dist/bench/memory-probe.js TRACE [CACHE_DIR]
 *
 * Without CACHE_DIR the CSV text is parsed; with it the trace comes from
 * the binary trace cache (which must hold it already).
 */
import { loadTrace } from '../src/trace/load.js';
import { peakMemoryMiB } from './peak-memory.js';

const [path, cacheDirectory] = process.argv.slice(2);
const started = performance.now();
const loaded = await loadTrace(path, cacheDirectory === undefined ? {} : { cacheDirectory });
const elapsedMs = performance.now() - started;
const peakMiB = peakMemoryMiB();
process.stdout.write(`${JSON.stringify({ requests: loaded.trace.length, cacheStatus: loaded.cacheStatus, elapsedMs, peakMiB })}\n`);

/**
 * Trace ingest figures: CSV parsing rate, cached reload rate, and the peak
 * memory of a 10-million-request trace, each loaded through the same
 * `loadTrace` entry point that the CLI uses.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadTrace, type LoadTraceOptions } from '../src/trace/load.js';
import { parseSizeDistribution } from '../src/trace/arrivals.js';
import { writeGeneratedTrace } from '../src/trace/write-generated.js';
import { median } from './process-time.js';
import type { BenchSection } from './section.js';

/** Runs per figure after the warm-up runs; the median is reported. */
const RUNS = 7;
/** Runs that let the JIT compile the read path before timing starts. */
const WARM_UP_RUNS = 2;
const SYNTHETIC_REQUESTS = 2_000_000;
const MEMORY_REQUESTS = 10_000_000;
/** libCacheSim's LRU replay rate of cloudPhysicsIO.csv from CSV, one thread, on this machine kind. */
const REFERENCE_CSV_RATE = 1.13e6;
const TARGET_CSV_RATE = 1.5e6;
const TARGET_RELOAD_RATE = 50e6;
const TARGET_PEAK_MIB = 300;
const REAL_CSV = join(import.meta.dirname, '..', '..', '..', 'shared', 'traces', 'real', 'cloudPhysicsIO.csv');

interface Rate {
  requests: number;
  /** Median wall-clock time of one load. */
  medianMs: number;
  requestsPerSecond: number;
  /** Median CPU time (user + system) of this process per load. */
  medianCpuMs: number;
  /** Requests per second of the process's CPU time, which other processes do not inflate. */
  requestsPerCpuSecond: number;
}

/** Loads the trace RUNS times after the warm-up; returns the median rate. */
async function measureRate(path: string, options: LoadTraceOptions): Promise<Rate> {
  for (let run = 0; run < WARM_UP_RUNS; run++) await loadTrace(path, options);
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  let requests = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    requests = (await loadTrace(path, options)).trace.length;
    const cpu = process.cpuUsage(cpuBefore);
    wallMs.push(performance.now() - started);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  const medianMs = median(wallMs);
  const medianCpuMs = median(cpuMs);
  return {
    requests,
    medianMs,
    requestsPerSecond: requests / (medianMs / 1000),
    medianCpuMs,
    requestsPerCpuSecond: requests / (medianCpuMs / 1000),
  };
}

async function probeMemory(path: string, cacheDirectory?: string): Promise<{ peakMiB: number; elapsedMs: number }> {
  const probe = join(import.meta.dirname, 'memory-probe.js');
  const args = cacheDirectory === undefined ? [probe, path] : [probe, path, cacheDirectory];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as { peakMiB: number; elapsedMs: number };
}

function millions(rate: number): string {
  return `${(rate / 1e6).toFixed(2)} M requests/s`;
}

function verdict(isMet: boolean): string {
  return isMet ? 'met' : '**not met**';
}

/** Measures the ingest figures and returns that section of the benchmark page. */
export async function ingestSection(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'cache-sim-bench-'));
  try {
    const synthetic = join(dir, 'zipf-2m.csv');
    // Poisson times and varying sizes, so that the cache must store every column.
    await writeGeneratedTrace(synthetic, 'zipfian', SYNTHETIC_REQUESTS, 1, {
      arrivals: { kind: 'poisson', ratePerUnit: 1000 },
      sizes: parseSizeDistribution('lognormal:8:1'),
    });
    const loadBefore = loadavg()[0];
    const csv = await measureRate(synthetic, {});
    const cacheDirectory = join(dir, 'cache');
    const reload = await measureRate(synthetic, { cacheDirectory });
    const real = existsSync(REAL_CSV) ? await measureRate(REAL_CSV, {}) : undefined;

    const big = join(dir, 'zipf-10m.csv');
    await writeGeneratedTrace(big, 'zipfian', MEMORY_REQUESTS, 2, { sizes: parseSizeDistribution('lognormal:8:1') });
    const bigBytes = statSync(big).size;
    const parsedMemory = await probeMemory(big);
    await loadTrace(big, { cacheDirectory });
    const cachedMemory = await probeMemory(big, cacheDirectory);

    const json = {
      runsPerFigure: RUNS,
      warmUpRuns: WARM_UP_RUNS,
      loadAverageBefore: loadBefore,
      csvIngest: { trace: `zipfian, ${SYNTHETIC_REQUESTS} requests, Poisson times, lognormal sizes`, ...csv },
      cachedReload: { trace: `the same, from the trace cache`, ...reload },
      realCsvIngest: real === undefined ? null : { trace: 'cloudPhysicsIO.csv', ...real },
      referenceCsvRequestsPerSecond: REFERENCE_CSV_RATE,
      memory10M: { csvBytes: bigBytes, parsedPeakMiB: parsedMemory.peakMiB, parsedMs: parsedMemory.elapsedMs, cachedPeakMiB: cachedMemory.peakMiB, cachedMs: cachedMemory.elapsedMs },
      targets: { csvRequestsPerSecond: TARGET_CSV_RATE, reloadRequestsPerSecond: TARGET_RELOAD_RATE, peakMiB: TARGET_PEAK_MIB },
    };
    const markdown = [
      '## Trace ingest',
      '',
      `Median of ${RUNS} loads after ${WARM_UP_RUNS} warm-up loads, each through \`loadTrace\` as the CLI calls it. The synthetic trace is \`simulate generate --pattern zipfian --arrival poisson --rate 1000 --size lognormal:8:1\` (1,000 keys), so every column is stored in the cache. The reference is libCacheSim's replay of cloudPhysicsIO.csv (LRU, one thread), 1.13 M requests/s on this machine kind; its figure includes the replay, ours only the read. The 1-minute load average was ${loadBefore.toFixed(2)} on ${cpus().length} cores when the section started; other work on the machine slows every figure.`,
      '',
      'The target column judges the wall-clock rate. The CPU-time rate divides by the CPU time of all threads of the benchmark process (garbage-collector helpers included), which time spent waiting for a core busy with other work does not inflate.',
      '',
      '| figure | trace | requests | median wall time | rate (wall clock) | rate (CPU time) | target |',
      '|---|---|---:|---:|---:|---:|---|',
      `| CSV ingest | zipfian, time,key,size | ${csv.requests} | ${csv.medianMs.toFixed(0)} ms | ${millions(csv.requestsPerSecond)} | ${millions(csv.requestsPerCpuSecond)} | ≥ 1.5 M/s: ${verdict(csv.requestsPerSecond >= TARGET_CSV_RATE)} |`,
      ...(real === undefined ? [] : [`| CSV ingest | cloudPhysicsIO.csv | ${real.requests} | ${real.medianMs.toFixed(0)} ms | ${millions(real.requestsPerSecond)} | ${millions(real.requestsPerCpuSecond)} | reference 1.13 M/s |`]),
      `| cached reload | zipfian, from the trace cache | ${reload.requests} | ${reload.medianMs.toFixed(1)} ms | ${millions(reload.requestsPerSecond)} | ${millions(reload.requestsPerCpuSecond)} | ≥ 50 M/s: ${verdict(reload.requestsPerSecond >= TARGET_RELOAD_RATE)} |`,
      '',
      `Peak memory (maximum resident set of a fresh Node process that only loads the trace) for ${MEMORY_REQUESTS} requests (${(bigBytes / 2 ** 20).toFixed(0)} MiB of CSV), target under ${TARGET_PEAK_MIB} MiB:`,
      '',
      '| load | time | peak memory | target |',
      '|---|---:|---:|---|',
      `| parse the CSV | ${(parsedMemory.elapsedMs / 1000).toFixed(1)} s | ${parsedMemory.peakMiB.toFixed(0)} MiB | ${verdict(parsedMemory.peakMiB < TARGET_PEAK_MIB)} |`,
      `| from the trace cache | ${(cachedMemory.elapsedMs / 1000).toFixed(2)} s | ${cachedMemory.peakMiB.toFixed(0)} MiB | ${verdict(cachedMemory.peakMiB < TARGET_PEAK_MIB)} |`,
      '',
    ].join('\n');
    return { markdown, json };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

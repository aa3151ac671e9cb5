/**
 * Replay speed: the replay loop alone (tinybench, trace in memory), the
 * whole `simulate` process from CSV and from the trace cache (wall time and
 * peak memory from /usr/bin/time), and a ten-size sweep with one and two
 * workers. With CACHESIM_BIN naming libCacheSim's `cachesim`, that binary
 * runs on the same files in the same run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import type { LruStoreKind } from '../src/sim/engine.js';
import type { LatencySpec } from '../src/sim/latency.js';
import { simulate } from '../src/simulate.js';
import { loadTrace } from '../src/trace/load.js';
import { TraceBuilder, type Trace } from '../src/trace/trace.js';
import { writeTraceCsv } from '../src/trace/write-csv.js';
import { writeGeneratedTrace } from '../src/trace/write-generated.js';
import { cachesimBinary, cachesimFigures, cachesimLines, type CachesimFigures, type OurFigures } from './cachesim.js';
import { median, PROCESS_RUNS, run, timeProcess, type ProcessFigure } from './process-time.js';
import { replayProfile } from './profile.js';
import type { BenchSection } from './section.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const REAL_CSV = join(ROOT, '..', 'shared', 'traces', 'real', 'cloudPhysicsIO.csv');
const REQUESTS = 10_000_000;
const ZIPF_KEYS = 1_000_000;
const CAPACITY_OBJECTS = 10_000;
const SWEEP_SIZES = [100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
/**
 * Pairs of sweep runs, one with 1 worker and one with 2 in each pair, so
 * that a change in the machine's load between runs affects both sides.
 */
const SWEEP_PAIRS = 5;
/** The full timing model of the loop figures, in trace time units. */
const TIMED: LatencySpec = { kind: 'lognormal', median: 2, p99: 20 };

/** libCacheSim's figures on this machine kind (one thread, LRU). */
const REFERENCE = { binaryRate: 4.26e6, csvRate: 1.13e6, binaryPeakMiB: 371, csvPeakMiB: 142 };
const TARGETS = {
  lruLoopRate: 10e6,
  timedNextKeyRate: 4e6,
  csvRate: 1.7e6,
  cachedRate: 8e6,
  peakMiB: 300,
  sweepRatio: 0.6,
};

function millions(rate: number): string {
  return `${(rate / 1e6).toFixed(2)} M/s`;
}

function verdict(isMet: boolean): string {
  return isMet ? 'met' : '**not met**';
}

/** Builds the CloudPhysics trace repeated, times shifted, to `length` requests. */
async function repeatedRealTrace(length: number): Promise<Trace | undefined> {
  if (!existsSync(REAL_CSV)) return undefined;
  const { trace } = await loadTrace(REAL_CSV);
  const builder = new TraceBuilder();
  const span = trace.times[trace.length - 1] - trace.times[0] + 1;
  for (let copy = 0; builder.length < length; copy++) {
    for (let i = 0; i < trace.length && builder.length < length; i++) {
      builder.add(trace.times[i] + copy * span, trace.keys[trace.keyIds[i]], trace.sizes[i], trace.ops[i] as 0);
    }
  }
  return builder.build(`cloudPhysicsIO.csv repeated to ${length} requests`, trace.timeUnit);
}

interface LoopFigure {
  trace: string;
  policy: string;
  /** LRU implementation the replay ran on. */
  store: LruStoreKind;
  timing: string;
  /** Thread of the policy's calls: the replay thread, a second one, or none. */
  policyCalls: string;
  requestsPerSecond: number;
  medianMs: number;
  hitRatio: number;
}

/** Times `simulate` on an in-memory trace for each policy and timing model. */
async function loopFigures(name: string, trace: Trace): Promise<LoopFigure[]> {
  const bench = new Bench({ iterations: 2, time: 0, warmupIterations: 1, warmupTime: 0 });
  const hitRatios = new Map<string, number>();
  const timings = [
    { timing: 'zero latency', latency: undefined as LatencySpec | undefined },
    { timing: 'log-normal fetch, median 2, p99 20', latency: TIMED as LatencySpec | undefined },
  ];
  // next-key runs both ways: on the replay thread, and on a second thread
  // as the CLI runs one policy at one cache size on two cores or more.
  const cases = [
    ...timings.map((t) => ({ policy: 'lru', store: 'dense' as LruStoreKind, ...t, policyThread: false })),
    ...timings.flatMap((t) => [false, true].map((policyThread) => ({ policy: 'next-key', store: 'dense' as LruStoreKind, ...t, policyThread }))),
    ...timings.map((t) => ({ policy: 'oracle', store: 'dense' as LruStoreKind, ...t, policyThread: false })),
    // The reference store, so that the page shows what the dense one gains.
    { policy: 'lru', store: 'lru-cache' as LruStoreKind, ...timings[0], policyThread: false },
  ];
  for (const c of cases) {
    const name = `${c.policy} / ${c.store} / ${c.timing} / ${c.policyThread}`;
    bench.add(name, async () => {
      const result = await simulate({
        trace,
        policies: [c.policy],
        capacities: [{ unit: 'objects', objects: CAPACITY_OBJECTS }],
        trainFraction: 0,
        fetchLatency: c.latency,
        lruStore: c.store,
        policyThread: c.policyThread,
      });
      const { counters } = result.runs[0];
      hitRatios.set(name, counters.hits / counters.requests);
    });
  }
  await bench.run();
  return bench.tasks.map((task, i) => {
    const result = task.result as { latency: { p50?: number } } | undefined;
    const medianMs = result?.latency.p50 ?? NaN;
    return {
      trace: name,
      policy: cases[i].policy,
      store: cases[i].store,
      timing: cases[i].timing,
      policyCalls: policyCallsOf(cases[i]),
      medianMs,
      requestsPerSecond: trace.length / (medianMs / 1000),
      hitRatio: hitRatios.get(task.name) ?? NaN,
    };
  });
}

/** Names the thread of a case's policy calls, for the loop table. */
function policyCallsOf(loopCase: { policy: string; policyThread: boolean }): string {
  if (loopCase.policy === 'lru') return 'none';
  return loopCase.policyThread ? 'second thread' : 'replay thread';
}

interface SweepFigures {
  oneWorker: ProcessFigure;
  twoWorkers: ProcessFigure;
  /** Wall time with 2 workers over wall time with 1, per pair. */
  pairRatios: number[];
  /** Median of `pairRatios`. */
  ratio: number;
}

/** Times the sweep with 1 and 2 workers in alternating pairs of runs. */
async function sweepFigures(oneWorkerArgs: string[], twoWorkersArgs: string[]): Promise<SweepFigures> {
  const ones: ProcessFigure[] = [];
  const twos: ProcessFigure[] = [];
  for (let pair = 0; pair < SWEEP_PAIRS; pair++) {
    ones.push(await timeProcess(oneWorkerArgs, 'sweep, 1 worker', { runs: 1 }));
    twos.push(await timeProcess(twoWorkersArgs, 'sweep, 2 workers', { runs: 1 }));
  }
  const pairRatios = ones.map((one, i) => twos[i].medianWallMs / one.medianWallMs);
  const combined = (figures: ProcessFigure[], command: string): ProcessFigure => ({
    command,
    medianWallMs: median(figures.map((f) => f.medianWallMs)),
    medianPeakMiB: median(figures.map((f) => f.medianPeakMiB)),
  });
  return {
    oneWorker: combined(ones, 'sweep, 1 worker'),
    twoWorkers: combined(twos, 'sweep, 2 workers'),
    pairRatios,
    ratio: median(pairRatios),
  };
}

/** Arguments of a `node dist/src/cli/main.js` run, the node binary first. */
function simulateArgs(trace: string, cacheDir: string, extra: string[]): string[] {
  return [process.execPath, CLI, '--trace', trace, '--cache-dir', cacheDir, '--train-fraction', '0', '--out', join(cacheDir, 'report.md'), ...extra];
}

/** Whole-process figures of one trace file: lru from CSV, from the cache, and the sweep. */
interface ProcessFigures {
  trace: string;
  fromCsv: ProcessFigure;
  fromCache: ProcessFigure;
  sweep: SweepFigures;
}

async function processFigures(name: string, csv: string, cacheDir: string): Promise<ProcessFigures> {
  const lruArgs = ['--policy', 'lru', '--cache-size', String(CAPACITY_OBJECTS)];
  const fromCsv = await timeProcess(simulateArgs(csv, cacheDir, [...lruArgs, '--no-cache']), 'simulate --policy lru, CSV parsed');
  await runOnce(simulateArgs(csv, cacheDir, lruArgs));
  const fromCache = await timeProcess(simulateArgs(csv, cacheDir, lruArgs), 'simulate --policy lru, from the trace cache');
  const sweepArgs = ['--policy', 'lru', '--cache-size', SWEEP_SIZES.join(',')];
  const sweep = await sweepFigures(
    simulateArgs(csv, cacheDir, [...sweepArgs, '--workers', '1']),
    simulateArgs(csv, cacheDir, [...sweepArgs, '--workers', '2']),
  );
  return { trace: name, fromCsv, fromCache, sweep };
}

/** Runs a command once, untimed: it fills the trace cache. */
async function runOnce(args: string[]): Promise<void> {
  await run(args[0], args.slice(1), { maxBuffer: 1 << 24 });
}

/** Measures the replay figures and returns that section of the benchmark page. */
export async function replaySection(): Promise<BenchSection> {
  // A CACHESIM_BIN that names no file fails here, before the replays.
  const cachesim = cachesimBinary();
  const dir = mkdtempSync(join(tmpdir(), 'cache-sim-replay-'));
  try {
    const loadBefore = loadavg()[0];
    const zipfCsv = join(dir, 'zipf-10m.csv');
    await writeGeneratedTrace(zipfCsv, 'zipfian', REQUESTS, 3, { keys: ZIPF_KEYS });
    const { trace: zipf } = await loadTrace(zipfCsv);
    const real = await repeatedRealTrace(REQUESTS);
    const loops = [
      ...(await loopFigures(`zipfian, ${ZIPF_KEYS} keys`, zipf)),
      ...(real === undefined ? [] : await loopFigures('cloudPhysicsIO.csv repeated', real)),
    ];

    const cacheDir = join(dir, 'cache');
    const csvs = [{ trace: `zipfian, ${ZIPF_KEYS} keys`, csv: zipfCsv }];
    if (real !== undefined) {
      const realCsv = join(dir, 'cloudphysics-repeated.csv');
      await writeTraceCsv(real, realCsv);
      csvs.push({ trace: 'cloudPhysicsIO.csv repeated', csv: realCsv });
    }
    const processes: ProcessFigures[] = [];
    for (const { trace, csv } of csvs) processes.push(await processFigures(trace, csv, cacheDir));
    const cachesimRuns: CachesimFigures[] = [];
    for (const { trace, csv } of cachesim === undefined ? [] : csvs) {
      cachesimRuns.push(await cachesimFigures(cachesim!, trace, csv, dir, CLI, CAPACITY_OBJECTS));
    }
    const profile = await replayProfile(zipfCsv, cacheDir);

    const json = {
      loadAverageBefore: loadBefore,
      requests: REQUESTS,
      capacityObjects: CAPACITY_OBJECTS,
      loops,
      processes,
      cachesim: cachesim === undefined ? null : cachesimRuns,
      cachesimBinary: cachesim ?? null,
      reference: REFERENCE,
      targets: TARGETS,
      profile,
    };
    return { markdown: replayMarkdown(json), json };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type ReplayJson = {
  loadAverageBefore: number;
  loops: LoopFigure[];
  processes: ProcessFigures[];
  /** Null when CACHESIM_BIN was not set. */
  cachesim: CachesimFigures[] | null;
  cachesimBinary: string | null;
  profile: { policy: string; top: { name: string; selfShare: number }[] }[];
};

/**
 * Findings of profiling and the changes they led to, from development
 * runs rather than this benchmark's.
 */
const FINDINGS = [
  '### What profiling found',
  '',
  'From development runs (`simulate()` on the same Zipf trace in memory, old and new builds run alternately), not from this run:',
  '',
  '- **LRU store.** `lru-cache` pays a hash lookup and an options object per call. `DenseLruStore` indexes typed arrays by the dense key id: lru at zero latency went from 5.0 to 25 M requests/s.',
  '- **General loop.** With the timing model, the general loop spent about 160 ns per request more than the loop without prefetching. A loop for the dense store with the clock, trace columns and counters in locals took lru with the timing model from about 2.6 s to 2.1 s, and next-key at zero latency from about 6.3 s to 4.9 s.',
  '- **Latency draws.** A log-normal draw took about 115 ns: Box-Muller with two 53-bit uniforms, a logarithm, a square root, a cosine and an exponential, using one normal of each pair. The polar method with 24-bit uniforms took lru with the timing model from about 2.45 s to 1.95 s.',
  '- **Cache misses.** Reading the records of keys 32 requests ahead lets their cache misses overlap: about 8% on next-key with the timing model.',
  '- **Sweep workers.** Transferring a run\'s arrays out of a worker detaches buffers in that thread, and from then on V8 runs typed-array code there on slower paths (`node --trace-protector-invalidation` reports the ArrayBufferDetaching protector). Each replay after a worker\'s first took about 470 ms instead of 340 ms. Workers now summarise their runs (window counts, latency and prediction-cost summaries) and send the summaries, copied, so the main thread does not evaluate 10 runs after the last one returns.',
  '- **Read-ahead.** The loop that reads records ahead branched on whether each key was resident. A mispredicted branch on a load that missed the cache held back the loads after it, so the misses did not overlap. Summing what it read instead of branching took lru with the timing model about 8% faster.',
  '- **Per-key state.** Each key had a 32-byte record (last size, completion time of a fetch in flight, three flags), written by every request: 32 MB at a million keys. Only the last size is needed for every key. Fetches in flight, a few at a time, moved to a small hash table and the flags to bits read only when a count calls for them: lru with the timing model took 12 to 15% less time.',
  '- **Wait list.** The list of waits grew by doubling, copying up to 50 MB per 10M requests. It is now allocated once, sized by the scored requests; untouched pages take no memory.',
  '- **Policy calls.** The policy hook cost about 50 ns per request even for a policy that does nothing, and next-key\'s calls took about as long as the replay\'s own work. A policy that sets `ignoresOutcomes` (its prefetches depend on the requests alone) is now called for runs of 4,096 requests ahead of the replay: about 7% faster on one thread. The event object of such a policy had a getter, which put its fields in a dictionary and made every write slow; it is a class now. Packing next-key\'s two state bits per key into 256 KB instead of 1 MB gave about 5% more.',
  '- **Second thread.** With the calls made ahead, a worker thread can make them while the replay runs, handing over the prefetches of each run through a ring of four slots in shared memory (`PushRing`, `Atomics.wait`). next-key with the timing model went from about 3.5 s to 2.3 s per 10M requests in development runs; the results are identical (tested).',
  '- **Not helped.** Putting the LRU slot inside the engine\'s record, numbering next-key\'s rows in first-seen order, page-aligned records, reading both cache lines of a successor record ahead, validating slots on lookup instead of clearing them on eviction, a bottom-up or a 4-ary completion heap, and loading the chart modules as soon as the sweep\'s last job is handed out made no measurable difference or were slower, and were reverted.',
  '- **Completion heap.** On cloudPhysicsIO.csv repeated, whose clock is in seconds, a log-normal latency of median 2 and p99 20 keeps 60 to 90 fetches in flight on average, and a push and pop cost about 75 ns, mostly mispredicted comparisons. There the replay thread, not the policy thread, limits next-key with the timing model: over three runs it waited 37 ms in all for the policy\'s pushes.',
  '- **Calendar queue (reverted).** A ring of 128 buckets, each a quarter of the median latency wide with room for 8 completions, and the heap for the rest, kept the exact order and was 30% faster than the heap alone in a standalone test with 16 requests per clock tick. In the replay it was no faster: the real trace has one-second timestamps and bursts of up to 2,513 requests in one second, so 84% of completions found their bucket full and went to the heap. With 32 buckets per median latency, about 40% still did.',
  '- **Latency draws on the policy thread.** With the policy on a second thread, the log-normal draws took about a tenth of the replay thread\'s profile (0.26 s of about 2.4 s for 10M requests of cloudPhysics). The policy thread mostly waits, so it now fills blocks of 8,192 draws from the same seeded stream in shared memory, and the replay reads them in order. next-key with the timing model on cloudPhysics took 2.14 to 2.49 s instead of 2.43 to 2.67 s in alternating runs, with identical results (tested).',
  '- **Chart modules.** vega and vega-lite are some 200 ES modules, and loading them took about 140 ms of a 0.86 s single lru run from the trace cache (cloudPhysics repeated). A bundle of both in one file with esbuild loaded in about 65 ms: the run took 0.78 to 0.80 s.',
  '- **Chart code cache.** Most of the time of loading the bundle and drawing the first chart went to parsing and compiling vega, which Node 20 does again in every process for ES modules. The build now bundles the chart modules as a classic script and, after drawing the charts of a small simulated report with it, writes V8\'s code cache beside it; reports load it through `vm.Script`. Loading and drawing the hit ratio chart of a 10-size sweep took 150 to 175 ms against 230 to 260 ms, with byte-identical SVGs.',
  '- **CLI bundle.** Before its first replay, a sweep spent about 0.15 s in Node loading some 190 ES modules one by one, on one thread or two alike. The build now replaces the CLI entry with an esbuild bundle, with lazily imported commands as chunks; worker threads still load the separate modules. `simulate --help` took 0.20 to 0.23 s against 0.26 to 0.29 s. With the code cache, alternating cloudPhysics sweeps took a median of 1.91 s against 2.09 s on 2 threads and 3.28 s against 3.48 s on one.',
  '- **Claim order.** The threads of a sweep claim jobs in turn, so a long last job on one thread leaves the other idle. On the Zipf trace the largest capacities replay slowest (618 to 734 ms at 100,000 objects against 465 to 538 ms at 100 to 500), and they came last. Jobs are now claimed largest capacity first, with capacities that have room for every key last, as they replay fastest (151 ms against 264 to 305 ms on cloudPhysics). In 9 profiled 2-thread Zipf sweeps each, the gap between the threads\' last replays had a median of 71 ms against 93 ms.',
  '- **Freed hidden classes.** V8 frees the hidden class of a class\'s objects once a full collection finds none alive, and discards the optimised code that relied on it. No `DenseLruStore` exists between two runs of a sweep; a collection there deoptimised the lru loop, which in a build with a few timing calls added then failed to optimise again: 4 of 6 one-thread sweeps took 12 s instead of 3.5 s. The class now keeps one tiny store for its lifetime, and a test checks that full collections between runs leave the loop\'s code in place. Other classes of the replay (the engine, its fetch tables and heaps, next-key\'s table) can lose their code the same way, as seen with V8\'s map retention turned off, so far without such slow runs.',
  '- **Sweep.** With `--workers 2`, a sweep started two workers, which loaded the simulator\'s modules (about 0.1 s each, more while sharing two cores) as the main thread, which had them loaded, waited for the runs. The main thread now replays jobs too, claiming each from a counter in shared memory, and one worker fewer starts: the 2-thread sweep took about 0.1 s less on both traces in alternating runs. About 0.3 s still passes before the replays (module loading, reading the trace) and about 0.2 s after them (chart rendering 0.17 s, the report files). A cut in serial time shortens the 1-thread run too, so each 0.1 s of it lowers the cloudPhysics ratio by only about 0.01.',
  '- **Sweep contention.** Each replay in a 2-worker sweep takes 10 to 15% longer than alone, and two separate processes slow each other the same way. A pointer-chasing loop over 1 MB slowed by up to 8% beside a copy of itself, while a loop of integer arithmetic did not slow at all, so the two cores share part of the memory path. That costs the 2-worker run about 0.4 s of CPU time on cloudPhysics. Starting the workers before the CLI loads its own modules did not help (ratios 0.62 to 0.70 against 0.62 to 0.66 in four alternating pairs): three threads then share two cores while the main thread still loads.',
  '- **Boxed sums.** A replay loop runs once per replay, so V8 optimises it while it runs (on-stack replacement). That code kept the double sums of requested, hit and fetched bytes boxed: a heap number per request, about 300 young-generation collections per 10M-request cloudPhysics replay, and 60 to 80 ms more for each of a thread\'s first two sweep jobs (later jobs ran code optimised on entry). Each sum now lives in a one-element `Float64Array`. Slots of one shared array named by imported constants made the zero-latency lru loop about 8% slower, because V8 reloaded the bindings in the loop. The completion loop also stopped passing a fractional time to a call that was not inlined when no fetch was queued. A test counts the collections of a cold 2M-request replay: 7 before, none after.',
  '- **Charts on the first idle thread.** After the replays of a 2-thread sweep, the main thread alone loaded the chart modules (50 to 75 ms) and drew the charts, the hit ratio chart of ten facets taking about 190 ms, while the other core idled. Each thread now records in the job claims\' shared words when it runs out of jobs. The first one to do so loads the chart modules while the other finishes, and draws the hit ratio chart, while the other thread draws the rest. In 8 alternating pairs, the cloudPhysics 2-thread sweep took a median of 2.05 s against 2.18 s without this change and the boxed-sum fix, with the same SVG bytes and peak memory. About 0.2 s after the last replay, mostly that chart, is still serial.',
  '- **Sweep contention, measured again.** After the boxed-sum fix, five capacities replayed in one process took 1.40 to 1.52 s alone and 1.39 to 1.65 s beside the same replays on a worker thread, within this machine\'s run-to-run noise. Starting the worker before the CLI loads its modules still did not help: both threads start replaying together, because the main thread is still reading the trace when the worker is ready.',
  '- **Drafting the hit ratio chart (not kept).** In a trial, the first thread to run out of jobs laid out and ran that chart with placeholder rows. With the sweep\'s rows swapped in, it then drew the chart in 30 to 45 ms, against about 120 ms for a fresh one, with the same SVG bytes. But the draft took 140 to 190 ms, and the other thread usually finished sooner, so the wait moved rather than shrank: in 12 alternating 2-thread cloudPhysics sweeps each, the median was 1.99 s with drafts and 1.96 s without.',
  '',
];

/** Our whole-process figures and LRU miss ratio (zero latency) on one trace. */
function ourFigures(json: ReplayJson, trace: string): OurFigures | undefined {
  const process = json.processes.find((p) => p.trace === trace);
  const lru = json.loops.find((l) => l.trace === trace && l.policy === 'lru' && l.store === 'dense' && l.timing === 'zero latency');
  if (process === undefined || lru === undefined) return undefined;
  return { fromCsv: process.fromCsv, fromCache: process.fromCache, missRatio: 1 - lru.hitRatio };
}

function processRate(figure: ProcessFigure): number {
  return REQUESTS / (figure.medianWallMs / 1000);
}

/** Returns one table row per target and trace, each with its verdict. */
function targetRows(json: ReplayJson): string[] {
  const rows: string[] = [];
  const traces = [...new Set(json.loops.map((l) => l.trace))];
  for (const trace of traces) {
    const loop = (policy: string, timing: 'zero' | 'timed', policyCalls: string) =>
      json.loops.find((l) => l.trace === trace && l.policy === policy && l.store === 'dense' &&
        (l.timing === 'zero latency') === (timing === 'zero') && l.policyCalls === policyCalls);
    const lru = loop('lru', 'zero', 'none');
    const nextKey = loop('next-key', 'timed', 'second thread');
    const nextKeyAlone = loop('next-key', 'timed', 'replay thread');
    rows.push(`| replay loop, lru, zero latency ≥ 10 M/s | ${trace} | ${lru === undefined ? 'n/a' : millions(lru.requestsPerSecond)} | ${verdict((lru?.requestsPerSecond ?? 0) >= TARGETS.lruLoopRate)} |`);
    rows.push(`| replay loop, next-key, timing model ≥ 4 M/s | ${trace} | ${nextKey === undefined ? 'n/a' : millions(nextKey.requestsPerSecond)} (replay thread alone: ${nextKeyAlone === undefined ? 'n/a' : millions(nextKeyAlone.requestsPerSecond)}) | ${verdict((nextKey?.requestsPerSecond ?? 0) >= TARGETS.timedNextKeyRate)} |`);
  }
  for (const { trace, fromCsv, fromCache, sweep } of json.processes) {
    const peak = Math.max(fromCsv.medianPeakMiB, fromCache.medianPeakMiB);
    rows.push(`| whole process from CSV ≥ 1.7 M/s | ${trace} | ${millions(processRate(fromCsv))} | ${verdict(processRate(fromCsv) >= TARGETS.csvRate)} |`);
    rows.push(`| whole process from the trace cache ≥ 8 M/s | ${trace} | ${millions(processRate(fromCache))} | ${verdict(processRate(fromCache) >= TARGETS.cachedRate)} |`);
    rows.push(`| peak memory, 10M requests, < 300 MiB | ${trace} | ${fromCsv.medianPeakMiB.toFixed(0)} MiB (CSV), ${fromCache.medianPeakMiB.toFixed(0)} MiB (cache) | ${verdict(peak < TARGETS.peakMiB)} |`);
    rows.push(`| sweep with 2 workers ≤ 0.6 × 1 worker | ${trace} | ${sweep.ratio.toFixed(3)} | ${verdict(sweep.ratio <= TARGETS.sweepRatio)} |`);
  }
  return rows;
}

function replayMarkdown(json: ReplayJson): string {
  const lines = [
    '## Replay',
    '',
    `Capacity ${CAPACITY_OBJECTS} objects, every request scored. The Zipf trace is \`simulate generate --pattern zipfian --keys ${ZIPF_KEYS} --length ${REQUESTS} --seed 3\`. cloudPhysicsIO.csv repeated is the real trace copied end to end, each copy's times shifted past the last, to ${REQUESTS} requests, and written as CSV (\`time,key,size,op\`) for the whole-process runs. The 1-minute load average was ${json.loadAverageBefore.toFixed(2)} when the section started.`,
    '',
    '### Replay loop, trace in memory',
    '',
    'tinybench, median of 2 runs after 1 warm-up run, each a whole `simulate()` call on a trace already in memory (policy set-up included, reading excluded). The cache is the typed-array LRU store (`dense`, the default); the `lru-cache` row replays through the `lru-cache` package, the reference implementation, for comparison. Policy calls on the `replay thread` run between the replay\'s steps, on one core. On a `second thread`, the policy runs on a worker thread ahead of the replay, which takes its prefetches from shared memory: two cores, as the CLI runs one policy at one cache size when two or more are available (`--workers 1` keeps one). Bounds such as oracle always run on the replay thread.',
    '',
    '| trace | policy | LRU store | timing | policy calls | median time | requests/s | hit ratio |',
    '|---|---|---|---|---|---:|---:|---:|',
    ...json.loops.map((l) => `| ${l.trace} | ${l.policy} | ${l.store} | ${l.timing} | ${l.policyCalls} | ${l.medianMs.toFixed(0)} ms | ${millions(l.requestsPerSecond)} | ${l.hitRatio.toFixed(4)} |`),
    '',
    '### Whole process',
    '',
    `Median of ${PROCESS_RUNS} runs of \`node dist/src/cli/main.js --trace FILE --policy lru --cache-size ${CAPACITY_OBJECTS} --train-fraction 0\`, wall time and maximum resident set from \`/usr/bin/time\`; the report is written as usual.`,
    '',
    '| trace | command | wall time | requests/s | peak memory |',
    '|---|---|---:|---:|---:|',
    ...json.processes.flatMap((p) => [p.fromCsv, p.fromCache].map(
      (f) => `| ${p.trace} | ${f.command} | ${(f.medianWallMs / 1000).toFixed(2)} s | ${millions(processRate(f))} | ${f.medianPeakMiB.toFixed(0)} MiB |`,
    )),
    '',
    ...(json.cachesim === null
      ? [`libCacheSim's cachesim was not measured in this run (set CACHESIM_BIN to its binary). Its figures on this machine kind, one thread, LRU: ${millions(REFERENCE.binaryRate)} from its binary format and ${millions(REFERENCE.csvRate)} from CSV, peak memory ${REFERENCE.binaryPeakMiB} MiB and ${REFERENCE.csvPeakMiB} MiB.`]
      : cachesimLines(json.cachesimBinary!, CAPACITY_OBJECTS, json.cachesim, (trace) => ourFigures(json, trace))),
    '',
    `### Sweep of ${SWEEP_SIZES.length} cache sizes`,
    '',
    `\`--policy lru --cache-size ${SWEEP_SIZES.join(',')}\` from the trace cache, ${SWEEP_PAIRS} pairs of runs, each pair one run with \`--workers 1\` (everything on the main thread) and then one with \`--workers 2\` (the main thread and one worker thread). The median ratio of 2 to 1 is judged.`,
    '',
    '| trace | --workers 1 | --workers 2 | ratio per pair | median ratio |',
    '|---|---:|---:|---|---:|',
    ...json.processes.map(({ trace, sweep }) => `| ${trace} | ${(sweep.oneWorker.medianWallMs / 1000).toFixed(2)} s, peak ${sweep.oneWorker.medianPeakMiB.toFixed(0)} MiB | ${(sweep.twoWorkers.medianWallMs / 1000).toFixed(2)} s, peak ${sweep.twoWorkers.medianPeakMiB.toFixed(0)} MiB | ${sweep.pairRatios.map((r) => r.toFixed(3)).join(', ')} | ${sweep.ratio.toFixed(3)} |`),
    '',
    '### Targets',
    '',
    'Each target on each trace measured. next-key is judged with its policy on a second thread, as the CLI runs one policy at one cache size on this machine; the figure on the replay thread alone is beside it.',
    '',
    '| target | trace | measured | verdict |',
    '|---|---|---:|---|',
    ...targetRows(json),
    '',
    '### Where the time goes',
    '',
    '`node --cpu-prof` on one whole-process replay of the 10M-request Zipf trace from the trace cache; self time of the functions with the largest share.',
    '',
    ...json.profile.flatMap((p) => [
      `${p.policy}:`,
      '',
      '| function | self time share |',
      '|---|---:|',
      ...p.top.map((t) => `| \`${t.name}\` | ${(t.selfShare * 100).toFixed(1)}% |`),
      '',
    ]),
    ...FINDINGS,
  ];
  return lines.join('\n');
}

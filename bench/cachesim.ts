/**
 * Runs libCacheSim's `cachesim` beside our CLI on the same files, when the
 * CACHESIM_BIN environment variable names the binary. It replays LRU at
 * one cache size on one thread, from the CSV and from libCacheSim's
 * oracleGeneral binary format, which `simulate convert` writes. Its miss
 * ratio is read from its output, so the page shows whether both agree.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PROCESS_RUNS, run, timeProcess, type ProcessFigure } from './process-time.js';

/** cachesim's reading options for our CSV files, whose first columns are time and key. */
const CSV_FORMAT = 'time-col=1, obj-id-col=2, delimiter=,, has-header=true';

export interface CachesimFigures {
  trace: string;
  fromCsv: ProcessFigure;
  fromBinary: ProcessFigure;
  /** Miss ratio that cachesim printed, the same for both inputs. */
  missRatio: number;
}

/** Returns the binary CACHESIM_BIN names, or undefined when it is not set. */
export function cachesimBinary(): string | undefined {
  const binary = process.env.CACHESIM_BIN;
  if (binary === undefined || binary === '') return undefined;
  if (!existsSync(binary)) {
    throw new Error(`CACHESIM_BIN=${binary}: file not found. Point it at libCacheSim's cachesim binary, or unset it`);
  }
  return binary;
}

/**
 * Times cachesim on `csv` (columns time, key) and on its oracleGeneral
 * form, written into `dir` with the CLI at `cli`.
 */
export async function cachesimFigures(
  binary: string,
  trace: string,
  csv: string,
  dir: string,
  cli: string,
  capacity: number,
): Promise<CachesimFigures> {
  const binaryTrace = join(dir, `${basename(csv, '.csv')}.oracleGeneral`);
  await run(process.execPath, [cli, 'convert', '--trace', csv, '--no-cache', '--out', binaryTrace, '--to', 'oracle-general'], {
    maxBuffer: 1 << 24,
  });
  const missRatios: number[] = [];
  const readMissRatio = (output: string) => {
    const match = /miss ratio ([0-9.]+)/.exec(output);
    if (match === null) throw new Error(`cachesim printed no miss ratio for ${trace}: ${output.slice(-500)}`);
    missRatios.push(Number(match[1]));
  };
  const common = ['lru', String(capacity), '--ignore-obj-size', '1'];
  // cachesim writes a results file into its working directory.
  const options = { onOutput: readMissRatio, cwd: dir };
  const fromCsv = await timeProcess([binary, csv, 'csv', ...common, '-t', CSV_FORMAT], 'cachesim lru, CSV', options);
  const fromBinary = await timeProcess([binary, binaryTrace, 'oracleGeneral', ...common], 'cachesim lru, oracleGeneral binary', options);
  if (new Set(missRatios).size !== 1) {
    throw new Error(`cachesim printed different miss ratios for ${trace}: ${missRatios.join(', ')}`);
  }
  return { trace, fromCsv, fromBinary, missRatio: missRatios[0] };
}

/** Our whole-process figures and LRU miss ratio on one trace, to set beside cachesim's. */
export interface OurFigures {
  fromCsv: ProcessFigure;
  fromCache: ProcessFigure;
  missRatio: number;
}

/** Returns the markdown table that sets cachesim's figures beside ours. */
export function cachesimLines(
  binary: string,
  capacity: number,
  figures: CachesimFigures[],
  ours: (trace: string) => OurFigures | undefined,
): string[] {
  const seconds = (figure: ProcessFigure) => `${(figure.medianWallMs / 1000).toFixed(2)} s`;
  const peaks = (theirs: ProcessFigure, our: ProcessFigure) => `${theirs.medianPeakMiB.toFixed(0)} / ${our.medianPeakMiB.toFixed(0)} MiB`;
  const rows = figures.flatMap((cachesim) => {
    const our = ours(cachesim.trace);
    if (our === undefined) return [];
    const missRatios = `${cachesim.missRatio.toFixed(4)} / ${our.missRatio.toFixed(4)}`;
    return [
      `| ${cachesim.trace} | CSV, both | ${seconds(cachesim.fromCsv)} | ${seconds(our.fromCsv)} | ${(cachesim.fromCsv.medianWallMs / our.fromCsv.medianWallMs).toFixed(2)} | ${peaks(cachesim.fromCsv, our.fromCsv)} | ${missRatios} |`,
      `| ${cachesim.trace} | its oracleGeneral binary; our trace cache | ${seconds(cachesim.fromBinary)} | ${seconds(our.fromCache)} | ${(cachesim.fromBinary.medianWallMs / our.fromCache.medianWallMs).toFixed(2)} | ${peaks(cachesim.fromBinary, our.fromCache)} | ${missRatios} |`,
    ];
  });
  return [
    `libCacheSim's cachesim (\`${binary}\`, from CACHESIM_BIN) ran in this run on the same files: \`cachesim FILE.csv csv lru ${capacity} --ignore-obj-size 1 -t "${CSV_FORMAT}"\`, and \`cachesim FILE.oracleGeneral oracleGeneral lru ${capacity} --ignore-obj-size 1\` on the binary form that \`simulate convert --to oracle-general\` wrote. That is LRU at the same capacity with every object of size 1, on one thread. Times are medians of ${PROCESS_RUNS} whole-process runs, as for ours, so a time ratio above 1 means ours took less time. The miss ratios are the one cachesim printed and ours at zero latency (1 − hit ratio over every request).`,
    '',
    '| trace | input | cachesim | ours | time, cachesim / ours | peak memory, cachesim / ours | miss ratio, cachesim / ours |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

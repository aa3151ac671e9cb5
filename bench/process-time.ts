/**
 * Whole-process timing for the benchmark: wall time and peak resident
 * memory of a command, from /usr/bin/time.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Whole-process runs per command; the median is reported. */
export const PROCESS_RUNS = 3;

export const run = promisify(execFile);

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export interface ProcessFigure {
  command: string;
  medianWallMs: number;
  medianPeakMiB: number;
}

/** Options of `timeProcess`. */
export interface TimeProcessOptions {
  /** Runs, of which the median is reported. */
  runs?: number;
  /** Gets what the command wrote, stdout and stderr together, on each run. */
  onOutput?: (output: string) => void;
  /** Working directory of the command, for one that writes files there. */
  cwd?: string;
}

/**
 * Runs a command several times under /usr/bin/time and returns the medians
 * of wall time and peak RSS (with two runs, the larger of each).
 */
export async function timeProcess(
  args: string[],
  label: string,
  { runs = PROCESS_RUNS, onOutput, cwd }: TimeProcessOptions = {},
): Promise<ProcessFigure> {
  const walls: number[] = [];
  const peaks: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'bench-time %e %M', ...args], { maxBuffer: 1 << 24, cwd });
    const match = /bench-time ([0-9.]+) ([0-9]+)/.exec(stderr);
    if (match === null) throw new Error(`/usr/bin/time printed no figures for ${label}: ${stderr.slice(-500)}`);
    walls.push(Number(match[1]) * 1000);
    peaks.push(Number(match[2]) / 1024);
    onOutput?.(`${stdout}${stderr}`);
  }
  return { command: label, medianWallMs: median(walls), medianPeakMiB: median(peaks) };
}

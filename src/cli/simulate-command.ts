import { basename, join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { BadOptionError } from '../errors.js';
import { renderReport, renderTextTable } from '../report/markdown.js';
import { simulate } from '../simulate.js';
import { parseCapacity, resolveCapacity } from './capacity.js';
import type { CliIo } from './main.js';
import { cacheLine, loadTraceForCli, type TraceArgs } from './trace-options.js';

/** Parsed options of the main command, as yargs returns them. */
export interface SimulateArgs extends TraceArgs {
  policy: string;
  cacheSize: string;
  trainFraction: number;
  confidence?: number;
  param: string[];
  fetchLatency: number;
  seed: number;
  backend?: string;
  out?: string;
  progress?: boolean;
}

/** Policies whose prefetch threshold `--confidence` sets. */
const CONFIDENCE_POLICIES = ['next-key', 'lstm'];

/**
 * Reads the trace, replays it through every policy and capacity, prints the
 * table on stdout and writes the markdown report.
 */
export async function runSimulate(args: SimulateArgs, io: CliIo, command: string): Promise<void> {
  const policies = splitList(args.policy, '--policy');
  const capacitySpecs = splitList(args.cacheSize, '--cache-size').map(parseCapacity);
  checkLatency(args.fetchLatency);
  const isVerbose = args.progress ?? (io.stderr.isTTY === true && !process.env.CI);
  const log = isVerbose ? (line: string) => io.stderr.write(`${line}\n`) : undefined;

  const loaded = await loadTraceForCli(args, io);
  const trace = loaded.trace;
  const result = await simulate({
    trace,
    policies,
    params: [...confidenceParams(args.confidence, policies, args.param), ...args.param],
    capacities: capacitySpecs.map((spec) => resolveCapacity(spec, trace.keys.length)),
    trainFraction: args.trainFraction,
    fetchLatency: args.fetchLatency,
    settings: { seed: args.seed, backend: args.backend },
    log,
  });

  const reportPath = args.out ?? defaultReportPath(args.trace, policies);
  await writeFileAtomic(reportPath, renderReport(result, { command }));
  io.stdout.write(`${renderTextTable(result)}\n\nreport: ${reportPath}\n${cacheLine(loaded)}`);
}

function splitList(text: string, flag: string): string[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new BadOptionError(`${flag}: "${text}" has an empty item; separate values with single commas`);
  }
  return items;
}

function checkLatency(latency: number): void {
  if (!(latency >= 0) || !Number.isFinite(latency)) {
    throw new BadOptionError(`--fetch-latency: ${latency} is not a time >= 0 in the trace's time unit`);
  }
}

/** `--confidence` sets the threshold of each predicting policy in the run. */
function confidenceParams(confidence: number | undefined, policies: string[], params: string[]): string[] {
  if (confidence === undefined) return [];
  if (!(confidence >= 0 && confidence <= 1)) {
    throw new BadOptionError(`--confidence: ${confidence} is outside [0, 1]`);
  }
  return policies
    .filter((id) => CONFIDENCE_POLICIES.includes(id))
    .filter((id) => !params.some((p) => p.startsWith(`${id}.confidence=`)))
    .map((id) => `${id}.confidence=${confidence}`);
}

function defaultReportPath(tracePath: string, policies: string[]): string {
  const traceName = basename(tracePath).replace(/\.(csv|gz|txt|trace)$/g, '').replace(/\.csv$/, '');
  return join('reports', `${traceName}-${policies.join('-')}.md`);
}

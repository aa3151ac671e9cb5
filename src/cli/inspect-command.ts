import { basename, join } from 'node:path';
import type { Argv } from 'yargs';
import { renderInspection } from '../analysis/inspect-markdown.js';
import { inspectTrace } from '../analysis/inspect.js';
import { writeFileAtomic } from '../atomic-write.js';
import type { CliIo } from './main.js';
import { cacheLine, loadTraceForCli, traceOptions, type TraceArgs } from './trace-options.js';

export interface InspectArgs extends TraceArgs {
  out?: string;
}

/** Adds the options of `simulate inspect`. */
export function inspectOptions(cli: Argv) {
  return traceOptions(cli)
    .option('out', { type: 'string', describe: 'report path (default: reports/<trace>-inspect.md)' });
}

/** Analyses a trace, writes the markdown report and prints it on stdout. */
export async function runInspect(args: InspectArgs, io: CliIo, command: string): Promise<void> {
  const loaded = await loadTraceForCli(args, io);
  const markdown = renderInspection(inspectTrace(loaded.trace), { command });
  const traceName = basename(args.trace).replace(/\.(gz|zst|zstd)$/, '').replace(/\.[^.]+$/, '');
  const reportPath = args.out ?? join('reports', `${traceName}-inspect.md`);
  await writeFileAtomic(reportPath, markdown);
  io.stdout.write(`${markdown}\nreport: ${reportPath}\n${cacheLine(loaded)}`);
}

import { basename, join } from 'node:path';
import { renderInspection } from '../analysis/inspect-markdown.js';
import { inspectTrace } from '../analysis/inspect.js';
import { writeFileAtomic } from '../atomic-write.js';
import type { CliIo } from './main.js';
import { cacheLine, loadTraceForCli, type TraceArgs } from './trace-options.js';

export interface InspectArgs extends TraceArgs {
  out?: string;
}

/** Analyses a trace, writes the markdown report and prints it on stdout. */
export async function runInspect(args: InspectArgs, io: CliIo, command: string): Promise<void> {
  const loaded = await loadTraceForCli(args, io);
  const markdown = renderInspection(inspectTrace(loaded.trace), { command });
  const reportPath = args.out ?? join('reports', `${basename(args.trace).replace(/\.(gz|zst|zstd)$/, '')}-inspect.md`);
  await writeFileAtomic(reportPath, markdown);
  io.stdout.write(`${markdown}\nreport: ${reportPath}\n${cacheLine(loaded)}`);
}

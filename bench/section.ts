/**
 * Runs one benchmark section, named by the first argument, and writes its
 * output to stdout as JSON. `run.ts` starts one process per section, so no
 * section's figures (peak memory above all) carry the heap or the loaded
 * traces of the sections before it.
 */
import { ingestSection } from './ingest.js';
import { lstmSection } from './lstm.js';
import { replaySection } from './replay.js';

/** Output of one section of the benchmark page. */
export interface BenchSection {
  /** Markdown, starting with a `##` heading. */
  markdown: string;
  /** The section's figures, stored under its name in BENCHMARKS.json. */
  json: unknown;
}

export const SECTIONS: Record<string, () => Promise<BenchSection & { title?: string }>> = {
  ingest: ingestSection,
  replay: replaySection,
  lstm: lstmSection,
};

const name = process.argv[2];
if (name !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  const run = SECTIONS[name];
  if (run === undefined) {
    process.stderr.write(`bench: unknown section "${name}"; choose one of ${Object.keys(SECTIONS).join(', ')}\n`);
    process.exit(2);
  }
  const output = await run();
  process.stdout.write(JSON.stringify(output));
}

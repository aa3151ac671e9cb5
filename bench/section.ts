/**
 * Runs one benchmark section, named by the first argument, and writes its
 * output to stdout as JSON. `run.ts` starts one process per section, so no
 * section's figures (peak memory above all) carry the heap or the loaded
 * traces of the sections before it.
 */
/** Output of one section of the benchmark page. */
export interface BenchSection {
  /** Markdown, starting with a `##` heading. */
  markdown: string;
  /** The section's figures, stored under its name in BENCHMARKS.json. */
  json: unknown;
}

/**
 * Sections by name, in page order. Each is imported only by the process
 * that runs it, so `run.ts` does not load TensorFlow.js to list them.
 */
export const SECTIONS: Record<string, () => Promise<BenchSection & { title?: string }>> = {
  ingest: async () => (await import('./ingest.js')).ingestSection(),
  replay: async () => (await import('./replay.js')).replaySection(),
  lstm: async () => (await import('./lstm.js')).lstmSection(),
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

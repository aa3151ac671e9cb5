/**
 * `npm run bench`: runs each benchmark section in turn and writes
 * BENCHMARKS.md and BENCHMARKS.json at the repository root. A section is
 * a function that measures something and returns its markdown and its
 * figures; add new sections to `SECTIONS`.
 */
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/atomic-write.js';
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

const SECTIONS: { name: string; run: () => Promise<BenchSection> }[] = [
  { name: 'ingest', run: ingestSection },
  { name: 'replay', run: replaySection },
  { name: 'lstm', run: lstmSection },
];

const ROOT = join(import.meta.dirname, '..', '..');

function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

const results: Record<string, unknown> = {};
const parts: string[] = [];
for (const section of SECTIONS) {
  process.stderr.write(`bench: ${section.name}\n`);
  const output = await section.run();
  results[section.name] = output.json;
  // A section that returns its title separately gets it as the heading.
  const title = (output as { title?: string }).title;
  const hasHeading = output.markdown.trimStart().startsWith('## ');
  parts.push(title === undefined || hasHeading ? output.markdown : `## ${title}\n\n${output.markdown}`);
}
const host = machine();
const page = [
  '# Benchmarks',
  '',
  'Made with `npm run build && npm run bench`, which rewrites this page and BENCHMARKS.json.',
  '',
  `Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB memory, Node ${host.node}.`,
  '',
  ...parts,
].join('\n');
await writeFileAtomic(join(ROOT, 'BENCHMARKS.md'), page);
await writeFileAtomic(join(ROOT, 'BENCHMARKS.json'), `${JSON.stringify({ machine: host, ...results }, null, 2)}\n`);
process.stdout.write(`${join(ROOT, 'BENCHMARKS.md')}\n`);

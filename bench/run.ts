/**
 * `npm run bench`: runs each benchmark section in turn, each in a fresh
 * Node process (see `section.ts`), and writes BENCHMARKS.md and
 * BENCHMARKS.json at the repository root. A section is a function that
 * measures something and returns its markdown and its figures; add new
 * sections to `SECTIONS` in `section.ts`.
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/atomic-write.js';
import { cachesimBinary } from './cachesim.js';
import { SECTIONS, type BenchSection } from './section.js';

const ROOT = join(import.meta.dirname, '..', '..');

function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Runs one section in a child process; its stderr shows through. */
function runSection(name: string): Promise<BenchSection & { title?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'section.js'), name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      else reject(new Error(`bench: section ${name} failed with exit code ${code}`));
    });
  });
}

// The replay section checks CACHESIM_BIN too, but only after the ingest
// section; a wrong path fails here, before any section runs.
try {
  cachesimBinary();
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(2);
}

const results: Record<string, unknown> = {};
const parts: string[] = [];
for (const name of Object.keys(SECTIONS)) {
  process.stderr.write(`bench: ${name}\n`);
  const output = await runSection(name);
  results[name] = output.json;
  // A section that returns its title separately gets it as the heading.
  const title = output.title;
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

/**
 * A run that waits on a promise that can never settle must end with a
 * message and exit code 1, not Node's silent exit code 13, nor wait
 * forever on a worker thread. Only a child process shows the exit, so
 * this runs the built CLI.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../helpers.js';

const binary = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

/** Policy code that holds this thread's prepare() until the worker's has begun, so that the worker claims a job. */
const WAIT_FOR_WORKER = 'while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 10));';

/**
 * Cases: `prepare` is the body of the policy's `prepare()`, which can read
 * `isMainThread` and `marker` (a file path), `topLevel` runs when the
 * module loads, and `runName` is how the message names the run. A single
 * capacity with 2 workers puts a policy that ignores outcomes on a policy
 * thread.
 */
const CASES = [
  { name: 'one thread', workers: '1', sizes: '5', prepare: 'await new Promise(() => {});', runName: 'the run' },
  {
    name: 'this thread of a sweep',
    workers: '2',
    sizes: '5,6,7,8',
    prepare: 'if (isMainThread) await new Promise(() => {});',
    runName: 'the run',
  },
  {
    name: 'a worker of a sweep',
    workers: '2',
    sizes: '5,6,7,8',
    prepare: `if (!isMainThread) { writeFileSync(marker, ''); await new Promise(() => {}); } ${WAIT_FOR_WORKER}`,
    runName: /--policy \S+hangs\.mjs at [5-8] objects/,
  },
  {
    name: 'the policy thread',
    workers: '2',
    sizes: '5',
    prepare: 'if (!isMainThread) await new Promise(() => {});',
    policyFields: 'ignoresOutcomes: true,',
    runName: /--policy \S+hangs\.mjs stopped/,
  },
  { name: 'module load in a sweep', workers: '2', sizes: '5,6,7,8', topLevel: 'await new Promise(() => {});', runName: 'the run' },
];

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [binary, ...args], { timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error.code as number | null), stderr });
    });
  });
}

/** Writes a trace of 40 requests and a module policy; returns the arguments that replay them. */
function setUp(policyModule: (marker: string) => string, workers: string, sizes: string): string[] {
  const dir = temporaryDirectory();
  const trace = join(dir, 'trace.csv');
  writeFileSync(trace, `time,key\n${Array.from({ length: 40 }, (_, i) => `${i},k${i % 7}`).join('\n')}\n`);
  const policy = join(dir, 'hangs.mjs');
  writeFileSync(policy, policyModule(join(dir, 'worker-began')));
  return ['--trace', trace, '--policy', policy, '--cache-size', sizes, '--workers', workers, '--no-cache', '--out', join(dir, 'report.md')];
}

describe('CLI with a promise that never settles', () => {
  for (const { name, workers, sizes, prepare = '', policyFields = '', topLevel = '', runName } of CASES) {
    it(`names the unsettled run (${name})`, async () => {
      const module = (marker: string) => `import { existsSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
const marker = ${JSON.stringify(marker)};
${topLevel}
export default { id: 'hangs', create: () => ({ label: 'hangs', ${policyFields} async prepare() { ${prepare} }, onRequest() {} }) };
`;
      const { code, stderr } = await runCli(setUp(module, workers, sizes));
      expect(stderr).toContain('stopped before it finished, because a promise it waited for can never settle');
      expect(stderr).toMatch(runName);
      expect(code).toBe(1);
    }, 40_000);
  }
});

describe('CLI with a worker that stops', () => {
  it('names the stopped worker in one line', async () => {
    const module = (marker: string) => `import { existsSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
const marker = ${JSON.stringify(marker)};
export default { id: 'exits', create: () => ({ label: 'exits', async prepare() { if (!isMainThread) { writeFileSync(marker, ''); process.exit(0); } ${WAIT_FOR_WORKER} }, onRequest() {} }) };
`;
    const { code, stderr } = await runCli(setUp(module, '2', '5,6,7,8'));
    expect(stderr).toContain('simulate: replay worker stopped with exit code 0 while a run needed it');
    expect(stderr).not.toContain('unexpected failure');
    expect(code).toBe(1);
  }, 40_000);
});

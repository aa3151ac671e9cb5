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

/**
 * Cases, each with the body of the policy's `prepare()`, which can read
 * `isMainThread` and `marker` (a file path). In a sweep the worker claims a
 * job only while this thread is busy, so the worker case holds this thread
 * until the worker has begun its job.
 */
const CASES = [
  { name: 'one thread', workers: '1', sizes: '5', prepare: 'await new Promise(() => {});', names: 'the run' },
  {
    name: 'this thread of a sweep',
    workers: '2',
    sizes: '5,6,7,8',
    prepare: 'if (isMainThread) await new Promise(() => {});',
    names: 'the run',
  },
  {
    name: 'a worker of a sweep',
    workers: '2',
    sizes: '5,6,7,8',
    prepare: `if (!isMainThread) { writeFileSync(marker, ''); await new Promise(() => {}); }
      while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 10));`,
    names: /--policy \S+hangs\.mjs at [5-8] objects/,
  },
];

describe('CLI with a promise that never settles', () => {
  for (const { name, workers, sizes, prepare, names } of CASES) {
    it(`names the unsettled run (${name})`, async () => {
      const dir = temporaryDirectory();
      const trace = join(dir, 'trace.csv');
      writeFileSync(trace, `time,key\n${Array.from({ length: 40 }, (_, i) => `${i},k${i % 7}`).join('\n')}\n`);
      const policy = join(dir, 'hangs.mjs');
      writeFileSync(
        policy,
        `import { existsSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
const marker = ${JSON.stringify(join(dir, 'worker-began'))};
export default { id: 'hangs', create: () => ({ label: 'hangs', async prepare() { ${prepare} }, onRequest() {} }) };
`,
      );
      const args = [binary, '--trace', trace, '--policy', policy, '--cache-size', sizes, '--workers', workers, '--no-cache', '--out', join(dir, 'report.md')];
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile('node', args, { timeout: 30_000 }, (error, _stdout, stderr) => {
          resolve({ code: error === null ? 0 : (error.code as number | null), stderr });
        });
      });
      expect(stderr).toContain('stopped before it finished, because a promise it waited for can never settle');
      expect(stderr).toMatch(names);
      expect(code).toBe(1);
    }, 40_000);
  }
});

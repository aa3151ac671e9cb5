import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const directory = mkdtempSync(join(tmpdir(), 'replay-worker-'));

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('replay worker', () => {
  // V8 prints this line when the first ArrayBuffer in a thread is detached
  // (transferred). From then on typed-array reads in that thread check for
  // detached buffers, and replays ran 10 to 25% slower.
  it('detaches no ArrayBuffer', async () => {
    const { stdout, stderr } = await promisify(execFile)('node', [
      '--trace-protector-invalidation',
      CLI,
      '--trace', join(ROOT, 'traces', 'zipfian.csv'),
      '--policy', 'lru,next-key',
      '--cache-size', '10,100',
      '--workers', '2',
      '--no-cache',
      '--out', join(directory, 'report.md'),
    ]);
    expect(stdout).toContain('report:');
    expect(`${stdout}${stderr}`).not.toContain('ArrayBufferDetaching');
  });
});

/**
 * A run that waits on a promise that can never settle must end with a
 * message and exit code 1, not Node's silent exit code 13. Only a child
 * process shows the exit, so this runs the built CLI.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../helpers.js';

const binary = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

describe('CLI with a promise that never settles', () => {
  it('exits 1 with a message', async () => {
    const dir = temporaryDirectory();
    const trace = join(dir, 'trace.csv');
    writeFileSync(trace, `time,key\n${Array.from({ length: 40 }, (_, i) => `${i},k${i % 7}`).join('\n')}\n`);
    const policy = join(dir, 'hangs.mjs');
    writeFileSync(policy, `export default { id: 'hangs', create: () => ({ label: 'hangs', prepare: () => new Promise(() => {}), onRequest() {} }) };\n`);
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('node', [binary, '--trace', trace, '--policy', policy, '--cache-size', '5', '--workers', '1', '--no-cache', '--out', join(dir, 'report.md')], (error, _stdout, stderr) => {
        resolve({ code: error === null ? 0 : (error.code as number | null), stderr });
      });
    });
    expect(stderr).toContain('a promise it waited for can never settle');
    expect(code).toBe(1);
  });
});

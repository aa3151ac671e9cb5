import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../helpers.js';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** Extracts the example policy of policies/README.md, as a user would copy it. */
function guideExample(): string {
  const guide = readFileSync(join(root, 'policies', 'README.md'), 'utf8');
  const match = /<!-- example: my-policy\.ts -->\n```ts\n([\s\S]*?)```/.exec(guide);
  if (match === null) throw new Error('policies/README.md has no example block');
  return match[1];
}

describe('policies/README.md example', () => {
  it('runs beside lru outside the repository', async () => {
    const dir = temporaryDirectory();
    const policyPath = join(dir, 'my-policy.ts');
    writeFileSync(policyPath, guideExample());
    const out = join(dir, 'report.md');
    const binary = join(root, 'dist', 'src', 'cli', 'main.js');
    const { stdout } = await run('node', [
      binary,
      '--trace', join(root, 'traces', 'periodic.csv'),
      '--policy', `lru,${policyPath}`,
      '--param', 'my-policy.min-repeats=2',
      '--cache-size', '2',
      '--out', out,
    ], { cwd: dir });
    expect(stdout).toMatch(/^my-policy\(min-repeats=2\) +2 objects +0\.\d{4}/m);
    const report = readFileSync(out, 'utf8');
    expect(report).toContain('| metric | lru (baseline) | my-policy(min-repeats=2) |');
    expect(report).toMatch(/^\| hit ratio \| 0\.0000 \| 0\.99\d\d \|$/m);
  });

  it('type-checks against the published types', async () => {
    // The package is linked into the folder only for this check; the run
    // above needs no package at all.
    const dir = temporaryDirectory();
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'cache-prefetch-sim'), 'dir');
    writeFileSync(join(dir, 'my-policy.ts'), guideExample());
    const compilerOptions = {
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      types: [],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['my-policy.ts'] }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run('node', [tsc, '-p', dir]).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout, failed: true }),
    );
    expect(result.stdout).toBe('');
    expect('failed' in result).toBe(false);
  });
});

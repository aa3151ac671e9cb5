import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const { bin } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

describe('simulate bin', () => {
  // `npx simulate` runs the bin file itself, which tsc writes without the
  // execute bit; the build script sets it.
  it('is executable after the build', () => {
    expect(() => accessSync(join(ROOT, bin.simulate), constants.X_OK)).not.toThrow();
  });

  it('runs by its own path', async () => {
    const { stdout } = await promisify(execFile)(join(ROOT, bin.simulate), ['--help']);
    expect(stdout).toContain('--trace');
  });
});

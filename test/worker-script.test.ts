import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtFileNear, builtWorkerPath } from '../src/worker-script.js';
import { temporaryDirectory } from './helpers.js';

/** Builds a dist/src tree with a bundled CLI module and one worker script. */
function builtTree(): { root: string; cliModule: string } {
  const root = temporaryDirectory();
  mkdirSync(join(root, 'dist', 'src', 'cli'), { recursive: true });
  mkdirSync(join(root, 'dist', 'src', 'parallel'), { recursive: true });
  writeFileSync(join(root, 'dist', 'src', 'parallel', 'replay-worker.js'), '');
  return { root, cliModule: pathToFileURL(join(root, 'dist', 'src', 'cli', 'main.js')).href };
}

describe('builtFileNear', () => {
  it('finds a file in the named sibling folder', () => {
    const { root, cliModule } = builtTree();
    const found = builtFileNear(cliModule, 'parallel', 'replay-worker.js');
    expect(found).toBeDefined();
    expect(fileURLToPath(found!)).toBe(join(root, 'dist', 'src', 'parallel', 'replay-worker.js'));
  });

  it('finds a file beside the caller', () => {
    const { root } = builtTree();
    const caller = pathToFileURL(join(root, 'dist', 'src', 'parallel', 'worker-pool.js')).href;
    const found = builtFileNear(caller, 'parallel', 'replay-worker.js');
    expect(found).toBeDefined();
    expect(fileURLToPath(found!)).toBe(join(root, 'dist', 'src', 'parallel', 'replay-worker.js'));
  });

  it('returns undefined for a missing file', () => {
    const { cliModule } = builtTree();
    expect(builtFileNear(cliModule, 'parallel', 'policy-worker.js')).toBeUndefined();
  });
});

describe('builtWorkerPath', () => {
  it('names the sibling folder for a built caller', () => {
    const { root, cliModule } = builtTree();
    expect(builtWorkerPath(cliModule, 'parallel', 'x.js')).toBe(join(root, 'dist', 'src', 'parallel', 'x.js'));
  });

  it('names dist for a source caller', () => {
    const root = temporaryDirectory();
    const caller = pathToFileURL(join(root, 'src', 'parallel', 'worker-pool.ts')).href;
    expect(builtWorkerPath(caller, 'parallel', 'x.js')).toBe(join(root, 'dist', 'src', 'parallel', 'x.js'));
  });
});

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BadParameterError, RunFailedError, SimulatorError } from '../src/errors.js';

// The build's copy of the module, as a module policy that imports the
// package gets it beside the CLI's own copy.
const BUILT_ERRORS = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'src', 'errors.js')).href;

describe('RunFailedError', () => {
  it('names the run and the throwing line', () => {
    const error = new RunFailedError('mine at 20 objects', new Error('no prediction'));
    expect(error.message).toMatch(/^mine at 20 objects failed: no prediction \(at .*errors\.test\.ts:\d+:\d+\)$/);
    expect(error.exitCode).toBe(1);
  });

  it.each([
    ['text', 'it threw "text", which is not an Error'],
    [undefined, 'it threw undefined, which is not an Error'],
    [{ a: 1 }, 'it threw {"a":1}, which is not an Error'],
  ])('describes a thrown %j without a line', (thrown, description) => {
    expect(new RunFailedError('mine at 20 objects', thrown).message).toBe(`mine at 20 objects failed: ${description}`);
  });

  it('cuts a long message and names an empty one', () => {
    const long = new RunFailedError('run', new Error('x'.repeat(2000))).message;
    expect(long).toContain('… (2000 characters)');
    expect(long.length).toBeLessThan(700);
    expect(new RunFailedError('run', new TypeError('')).message).toMatch(/^run failed: TypeError with no message/);
  });
});

describe('SimulatorError', () => {
  it('recognises errors of another module copy', async () => {
    const built = (await import(BUILT_ERRORS)) as typeof import('../src/errors.js');
    expect(built.SimulatorError).not.toBe(SimulatorError);
    const error = new built.BadParameterError('mine.window: must be even, got 3');
    expect(error instanceof SimulatorError).toBe(true);
    expect(error.exitCode).toBe(2);
  });

  it('keeps the usual test for subclasses', async () => {
    const built = (await import(BUILT_ERRORS)) as typeof import('../src/errors.js');
    expect(new built.BadParameterError('x') instanceof BadParameterError).toBe(false);
    expect(new BadParameterError('x') instanceof BadParameterError).toBe(true);
    expect(new Error('x') instanceof SimulatorError).toBe(false);
    expect(null instanceof SimulatorError).toBe(false);
  });
});

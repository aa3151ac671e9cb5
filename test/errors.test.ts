import { describe, expect, it } from 'vitest';
import { RunFailedError } from '../src/errors.js';

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

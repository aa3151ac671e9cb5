import { Writable } from 'node:stream';
import { createCli } from '../../src/cli/main.js';

/** A writable stream that keeps what it is given as text. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs the CLI in-process with captured streams. */
export async function runCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await createCli(argv, { stdout, stderr }).run();
  return { code, stdout: stdout.text, stderr: stderr.text };
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createCli } from '../../src/cli/main.js';
import { temporaryDirectory } from '../helpers.js';

const dir = temporaryDirectory();
const TRACE = join(import.meta.dirname, '..', '..', 'traces', 'periodic.csv');
const TINY = ['lstm.window=3', 'lstm.embedding=2', 'lstm.units=4', 'lstm.epochs=2', 'lstm.inference=tfjs'];

class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function runCli(argv: string[], isTerminal = false) {
  const stdout = new Capture();
  const stderr = new Capture();
  stderr.isTTY = isTerminal;
  const code = await createCli(argv, { stdout, stderr }).run();
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('train command', () => {
  it('saves a model that --model loads', async () => {
    const model = join(dir, 'model');
    const trained = await runCli(['train', '--trace', TRACE, '--out', model, '--param', ...TINY]);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain(`trained on requests 1 to 200 of ${TRACE}: 2 epochs`);
    expect(trained.stdout).toContain(`model: ${model}`);
    for (const file of ['model.json', 'weights.bin', 'next-key-model.json']) {
      expect(existsSync(join(model, file))).toBe(true);
    }

    const out = join(dir, 'loaded.md');
    const params = TINY.filter((param) => !param.startsWith('lstm.epochs'));
    const loaded = await runCli(['--trace', TRACE, '--policy', 'lstm', '--model', model, '--param', ...params, '--out', out, '--progress']);
    expect(loaded.code).toBe(0);
    expect(loaded.stderr).toContain(`lstm: loading the model in ${model}`);
    expect(loaded.stderr).not.toContain('lstm: training');
    expect(readFileSync(out, 'utf8')).toContain(`- modelDir: ${model}`);
  });

  it('prints epochs as plain lines with --progress off a terminal', async () => {
    const result = await runCli(['train', '--trace', TRACE, '--out', join(dir, 'plain'), '--progress', '--param', ...TINY]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^lstm: epoch 1\/2: loss \d/m);
  });

  it('draws a progress bar on a terminal', async () => {
    // CI runs set CI, which turns the bar off even on a terminal.
    vi.stubEnv('CI', '');
    const result = await runCli(['train', '--trace', TRACE, '--out', join(dir, 'bar'), '--param', ...TINY], true);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/lstm training \|.*\| epoch 2\/2 \| loss \d/);
    expect(result.stderr).not.toMatch(/^lstm: epoch/m);
    vi.unstubAllEnvs();
  });

  it('rejects parameters of another policy', async () => {
    const result = await runCli(['train', '--trace', TRACE, '--out', join(dir, 'x'), '--param', 'next-key.min-count=2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--param: train trains the lstm policy only, but "next-key" was given');
  });

  it('fails on a training part too short', async () => {
    const out = join(dir, 'short');
    const result = await runCli(['train', '--trace', TRACE, '--out', out, '--train-fraction', '0.002', '--param', ...TINY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--train-fraction: the training part of');
    expect(result.stderr).toContain('has 2 requests, too few for one sample with lstm.window=3');
    expect(existsSync(out)).toBe(false);
  });
});

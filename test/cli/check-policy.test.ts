import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const root = join(import.meta.dirname, '..', '..');
const peeking = join(root, 'test', 'fixtures', 'peeking-policy.ts');

describe('check-policy command', () => {
  it('passes stride, one line per check', async () => {
    const result = await runCli('check-policy', 'stride', '--param', 'stride.degree=4');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('check-policy stride (stride)');
    expect(lines).toHaveLength(7);
    for (const line of lines.slice(1)) expect(line).toMatch(/^pass  /);
  });

  it('fails the peeking fixture', async () => {
    const result = await runCli('check-policy', peeking);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL  reads no later request: after request 799 /m);
    expect(result.stderr).toBe(
      `simulate: check-policy ${peeking}: 1 of 6 checks failed (reads no later request); see the FAIL lines above\n`,
    );
  });

  it('rejects an unknown policy with exit 2', async () => {
    const result = await runCli('check-policy', 'lfu');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"lfu" is not a known policy');
  });

  it('rejects a parameter of another policy', async () => {
    const result = await runCli('check-policy', 'stride', '--param', 'next-key.min-count=3');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--param: "next-key" is not the policy under check (stride)');
  });

  it('rejects an invalid parameter value', async () => {
    const result = await runCli('check-policy', 'stride', '--param', 'stride.degree=0');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--param stride.degree: "0" is not accepted; give an integer from 1 to 64');
  });

  it('exits 1 from the binary when failing', async () => {
    const binary = join(root, 'dist', 'src', 'cli', 'main.js');
    const error = await promisify(execFile)('node', [binary, 'check-policy', peeking]).then(
      () => undefined,
      (failure: { code: number; stdout: string }) => failure,
    );
    expect(error?.code).toBe(1);
    expect(error?.stdout).toContain('FAIL  reads no later request: after request 799');
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../helpers.js';
import { runCli } from './run-cli.js';

const dir = temporaryDirectory();

describe('simulate convert', () => {
  it('round-trips CSV through oracleGeneral', async () => {
    const csv = join(dir, 'in.csv');
    writeFileSync(csv, 'time,key,size\n10,18446744073709551615,512\n11,7,4096\n11,18446744073709551615,512\n');
    const binary = join(dir, 'out.oracleGeneral.bin');
    const toBinary = await runCli('convert', '--trace', csv, '--out', binary, '--no-cache');
    expect(toBinary.code).toBe(0);
    expect(toBinary.stdout).toContain(`wrote 3 requests to ${binary} (oracle-general, object ids: key)`);
    expect(readFileSync(binary).length).toBe(3 * 24);
    const back = join(dir, 'back.csv');
    const toCsv = await runCli('convert', '--trace', binary, '--out', back, '--no-cache');
    expect(toCsv.code).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe(
      'time,key,size,op\n10,18446744073709551615,512,read\n11,7,4096,read\n11,18446744073709551615,512,read\n',
    );
  });

  it('warns when keys must become dense ids', async () => {
    const csv = join(dir, 'text.csv');
    writeFileSync(csv, 'key\nalpha\nbeta\n');
    const result = await runCli('convert', '--trace', csv, '--out', join(dir, 'text.bin'), '--no-cache');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('are not unsigned 64-bit decimals (e.g. "alpha"), so every key was written as its dense id 0..1');
  });

  it('rejects a time too large for u32 with exit 1 and no file', async () => {
    const csv = join(dir, 'late.csv');
    writeFileSync(csv, 'time,key\n5000000000,1\n');
    const out = join(dir, 'late.bin');
    const result = await runCli('convert', '--trace', csv, '--out', out, '--no-cache');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('request 1 has time 5000000000 trace units, which scaled by 1 is outside the 0..4294967295');
    expect(() => readFileSync(out)).toThrow();
  });

  it('quotes keys that hold commas when writing CSV', async () => {
    const csv = join(dir, 'quoted.csv');
    writeFileSync(csv, 'key\n"a,b"\nc\n');
    const out = join(dir, 'quoted-out.csv');
    expect((await runCli('convert', '--trace', csv, '--out', out, '--no-cache')).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('time,key,size,op\n0,"a,b",1,read\n1,c,1,read\n');
  });
});

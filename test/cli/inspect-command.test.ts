import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../helpers.js';
import { runCli } from './run-cli.js';

const dir = temporaryDirectory();

describe('simulate inspect', () => {
  it('writes the markdown report and prints it', async () => {
    const csv = join(dir, 'cycle.csv');
    writeFileSync(csv, 'time,key\n0,a\n1,b\n2,a\n3,b\n');
    const out = join(dir, 'cycle-inspect.md');
    const result = await runCli('inspect', '--trace', csv, '--out', out, '--no-cache');
    expect(result.code).toBe(0);
    const report = readFileSync(out, 'utf8');
    expect(result.stdout).toContain(report);
    expect(report).toContain('- requests: 4');
    expect(report).toContain('- request rate: 1.3333 requests per trace unit');
    expect(report).toContain('ceiling for any predictor that sees only the previous key (each key\'s most frequent successor over the whole trace, computed exactly): 1.0000');
  });
});

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../helpers.js';
import { runCli } from './run-cli.js';

const dir = temporaryDirectory();
const cacheDir = join(dir, 'cache');

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Replays a trace with lru; every request is scored. */
async function replay(trace: string, ...flags: string[]) {
  const out = join(dir, `${Math.random().toString(36).slice(2)}.md`);
  const result = await runCli('--trace', trace, '--cache-dir', cacheDir, '--train-fraction', '0', '--out', out, ...flags);
  const report = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  return { ...result, report };
}

describe('bad trace input', () => {
  const failures: [string, string, string[], string][] = [
    ['missing field', 'time,key,size\n1,a,10\n2,b\n', [], ':3: size field (column 3) is missing in "2,b"; fix the row or pass --skip-invalid'],
    ['non-numeric time', 'time,key\n1,a\nnoon,b\n', [], ':3: time "noon" is not a number; fix the row or pass --skip-invalid'],
    ['non-numeric size', 'key,size\na,12k\n', [], ':2: size "12k" is not a whole number of bytes >= 0; fix the row or pass --skip-invalid'],
    ['negative size', 'key,size\na,4\nb,-4\n', [], ':3: size "-4" is not a whole number of bytes >= 0'],
    ['unknown column', 'time,key\n1,a\n', ['--key-column', 'lbn'], ':1: column "lbn" is not in the header; the columns are "time", "key"; pass --key-column with one of them or a 1-based index'],
    ['count below one', 'op_time,key,key_size,op,op_count,size\n1,k,3,GET,0,5\n', [], ':2: "op_count" "0" is not a whole number of requests >= 1'],
    ['no header, no key column', '1,2,3\n4,5,6\n', ['--no-header'], ':1: the file has no header and 3 fields per row ("1,2,3"); pass --key-column'],
    ['name without a header', '1,2\n', ['--no-header', '--key-column', 'key'], ':1: --key-column "key" is not a 1-based column index, and the file has no header'],
    ['data taken as header', '5,a\n6,b\n', [], ':1: column "key" is not in the header; the columns are "5", "a"; pass --key-column with one of them or a 1-based index; the first line looks like data, so if the file has no header pass --no-header and 1-based indexes'],
    ['bad lackey line', ' L 0060,4\n X 12\n', ['--format', 'csapp'], ':2: " X 12" is not a lackey memory access'],
  ];
  for (const [name, content, flags, message] of failures) {
    it(`${name} stops with path:line and exit 1`, async () => {
      const trace = file(`${name.replaceAll(' ', '-')}.csv`, content);
      const result = await replay(trace, ...flags);
      expect(result.stderr).toContain(`${trace}${message}`);
      expect(result.code).toBe(1);
      expect(result.report).toBeUndefined();
    });
  }

  it('skip-invalid skips, counts and reports bad rows', async () => {
    const trace = file('skip.csv', 'time,key,size\n1,a,10\nnoon,b,1\n3,c,-1\n,,\n4,d,5\n');
    const result = await replay(trace, '--skip-invalid');
    expect(result.code).toBe(0);
    // The line of commas is blank, not invalid: it is skipped without the flag.
    expect(result.stderr).toContain(`${trace}: skipped 2 invalid rows (--skip-invalid)`);
    expect(result.report).toContain('- requests: 2');
    expect(result.report).toContain('blank lines skipped (empty or only delimiters): 1; invalid rows skipped: 2');
  });

  it('all rows invalid still fails with skip-invalid', async () => {
    const trace = file('all-bad.csv', 'time,key\nx,a\ny,b\n');
    const result = await replay(trace, '--skip-invalid');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${trace}: no request could be read (2 invalid rows skipped`);
  });

  it('backward timestamps are kept, counted and reported', async () => {
    const trace = file('backward.csv', 'time,key\n5,a\n3,b\n4,c\n1,d\n');
    const result = await replay(trace);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${trace}: 2 requests have a time earlier than the previous request; they are replayed in file order`);
    expect(result.report).toContain('timestamps earlier than the previous row: 2');
  });

  it('sort-by-time sorts backward timestamps', async () => {
    const trace = file('backward-sorted.csv', 'time,key\n5,a\n3,b\n4,c\n1,d\n');
    const result = await replay(trace, '--sort-by-time');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('2 requests had a time earlier than the previous request; --sort-by-time put them in time order');
    expect(result.report).toContain('timestamps earlier than the previous row: 0');
  });

  it('zero-size objects are read, counted and warned about', async () => {
    const trace = file('zero.csv', 'key,size\na,0\nb,10\na,0\n');
    const result = await replay(trace, '--cache-size', '100B');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${trace}: 2 requests have size 0 bytes`);
    expect(result.report).toContain('- requests: 3');
  });

  it('a key with a new size uses the newest size', async () => {
    // At 50 bytes the 100-byte object never fits; its 10-byte version does.
    const trace = file('resized.csv', 'key,size\na,100\na,10\na,10\n');
    const result = await replay(trace, '--cache-size', '50B');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${trace}: 1 requests give their key another size than its previous request; the newest size is used`);
    expect(result.report).toContain('## Results at 50 bytes');
    expect(result.report).toMatch(/^\| hit ratio \| 0\.3333 \|$/m);
  });

  it('a binary file needs a named format', async () => {
    const trace = file('keys.bin', new Uint8Array([0, 0, 0, 1, 0, 0, 0, 2]));
    const result = await replay(trace);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${trace}: the file is binary and its layout cannot be told from its bytes; pass --format cache2k`);
  });

  it('a truncated binary file is rejected', async () => {
    const trace = file('short.bin', new Uint8Array([0, 0, 0, 1, 0, 0]));
    const result = await replay(trace, '--format', 'int32-be');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${trace}: 6 bytes is not a whole number of 4-byte int32-be key records (2 bytes left over)`);
  });

  it('rejects a column option for a binary format with exit 2', async () => {
    const trace = file('corda.bin', new Uint8Array(16));
    const result = await replay(trace, '--format', 'corda', '--key-column', '2');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--key-column: applies to delimited text formats, not to --format corda');
  });

  it('rejects a line size that is not a whole number', async () => {
    const trace = file('lines.trace', ' L 10,4\n');
    const result = await replay(trace, '--format', 'csapp', '--line-size', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--line-size: 0 is not a whole number of bytes >= 1');
  });

  it('rejects a missing trace file', async () => {
    const result = await replay(join(dir, 'absent.csv'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('absent.csv: trace file not found or not readable');
  });
});

describe('trace flags', () => {
  it('prints the cache entry it stored, then reused', async () => {
    const trace = file('cached.csv', 'key\na\nb\n');
    const first = await replay(trace);
    const second = await replay(trace);
    expect(first.stdout).toMatch(new RegExp(`trace cache: ${cacheDir}/traces/[0-9a-f]{64}\\.trace \\(stored\\)\n$`));
    expect(second.stdout).toMatch(/\(hit\)\n$/);
  });

  it('reads the text and writes no entry with --no-cache', async () => {
    const trace = file('uncached.csv', 'key\nnever-cached\n');
    const entries = () => (existsSync(join(cacheDir, 'traces')) ? readdirSync(join(cacheDir, 'traces')).length : 0);
    const before = entries();
    const result = await replay(trace, '--no-cache');
    expect(result.stdout).toMatch(/trace cache: off\n$/);
    expect(entries()).toBe(before);
  });

  it('reads a headerless semicolon file by index', async () => {
    const trace = file('semi.txt', '1;a;10\n2;b;20\n3;a;10\n');
    const result = await replay(trace, '--no-header', '--key-column', '2', '--time-column', '1', '--size-column', '3');
    expect(result.code).toBe(0);
    expect(result.report).toContain('- distinct keys: 2');
  });

  it('joins a comma list of key columns', async () => {
    const trace = file('volumes.csv', 'vol,offset\n1,8\n2,8\n1,8\n');
    const result = await replay(trace, '--key-column', 'vol,offset');
    expect(result.report).toContain('- distinct keys: 2');
  });
});

describe('generate flags', () => {
  it('rejects a pattern parameter for another pattern with exit 2', async () => {
    const result = await runCli('generate', '--pattern', 'zipfian', '--length', '10', '--weights', 'random=1', '--out', join(dir, 'w.csv'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--weights: applies to --pattern mixed, not zipfian');
  });

  it('rejects an unknown stream in the weights', async () => {
    const result = await runCli('generate', '--pattern', 'mixed', '--length', '10', '--weights', 'loop=1', '--out', join(dir, 'w.csv'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--weights: "loop=1" is not STREAM=WEIGHT');
  });

  it('writes a Poisson trace with sizes that reads back', async () => {
    const out = join(dir, 'poisson.csv');
    const made = await runCli('generate', '--pattern', 'phases', '--length', '300', '--phase-length', '100', '--arrival', 'poisson', '--rate', '5', '--size', 'fixed:512', '--out', out);
    expect(made.code).toBe(0);
    const result = await replay(out, '--cache-size', '4KiB');
    expect(result.code).toBe(0);
    expect(result.report).toContain('- requests: 300');
  });
});

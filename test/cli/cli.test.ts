import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { temporaryDirectory } from '../helpers.js';

const dir = temporaryDirectory();

describe('simulate command', () => {
  it('prints the table and writes the report', async () => {
    const trace = join(dir, 'periodic.csv');
    expect((await runCli('generate', '--pattern', 'periodic', '--length', '400', '--out', trace)).code).toBe(0);
    const out = join(dir, 'report.md');
    const result = await runCli('--trace', trace, '--policy', 'lru,next-key', '--cache-size', '2', '--out', out);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^policy +capacity +hit ratio/);
    expect(result.stdout).toContain(`report: ${out}`);
    const report = readFileSync(out, 'utf8');
    expect(report).toContain('- requests: 400');
    expect(report).toContain('- scored requests: 320');
    // Only the first scored request misses: warm-up issues no prefetches.
    expect(report).toMatch(/## Results at 2 objects\n\n\| metric \| lru \(baseline\) \| next-key \|\n.*\n\| hit ratio \| [0-9.]+ \| 0\.9969 \|/);
  });

  it('reports the trace file SHA-256 with and without cache', async () => {
    const trace = join(dir, 'hashed.csv');
    writeFileSync(trace, 'time,key\n1,a\n2,b\n3,a\n');
    const expected = createHash('sha256').update(readFileSync(trace)).digest('hex');
    const cacheDir = join(dir, 'hash-cache');
    const hashOf = async (...flags: string[]) => {
      const out = join(dir, 'hashed.md');
      const result = await runCli('--trace', trace, '--train-fraction', '0', '--out', out, ...flags);
      expect(result.code).toBe(0);
      return JSON.parse(readFileSync(join(dir, 'hashed.json'), 'utf8')).reproducibility.traceSha256;
    };
    // Stored, then a hit (the hash comes from the cache's index), then uncached.
    expect(await hashOf('--cache-dir', cacheDir)).toBe(expected);
    expect(await hashOf('--cache-dir', cacheDir)).toBe(expected);
    expect(await hashOf('--no-cache')).toBe(expected);
  });

  it('stops on a malformed row with file, line and value, exit 1, no report', async () => {
    const trace = join(dir, 'bad.csv');
    writeFileSync(trace, 'time,key\n1,a\n2,b\n3,\n');
    const out = join(dir, 'bad-report.md');
    const result = await runCli('--trace', trace, '--out', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${trace}:4: key field (column 2) is missing in "3,"`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects an --out that is a directory before replaying', async () => {
    const result = await runCli('--trace', join(dir, 'periodic.csv'), '--out', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`simulate: --out ${dir}: is a directory; give the report's file path, such as ${join(dir, 'report.md')}\n`);
  });

  it('rejects an --out below a file or ending in a separator', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const belowFile = await runCli('--trace', join(dir, 'periodic.csv'), '--out', join(file, 'r.md'));
    expect(belowFile.code).toBe(2);
    expect(belowFile.stderr).toContain('a folder on this path is a file');
    const trailing = await runCli('--trace', join(dir, 'periodic.csv'), '--out', `${join(dir, 'new-folder')}/`);
    expect(trailing.code).toBe(2);
    expect(trailing.stderr).toContain('is not a file path');
  });

  for (const workers of ['1', '2']) {
    it(`names the run and the line when a policy throws (--workers ${workers})`, async () => {
      const policy = join(dir, `throws-${workers}.mjs`);
      writeFileSync(
        policy,
        `export default {
  id: 'throws',
  create: () => ({
    label: 'throws',
    onRequest(event) {
      if (event.index === 50) throw new Error('no prediction for this key');
    },
  }),
};
`,
      );
      const result = await runCli('--trace', join(dir, 'periodic.csv'), '--policy', `lru,${policy}`, '--cache-size', '2,4', '--workers', workers, '--out', join(dir, `throws-${workers}.md`));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^simulate: throws at [24] objects failed: no prediction for this key \(at .*throws-[12]\.mjs:6:\d+\)\)?\n$/);
    });
  }

  // The policy imports the build's copy of the error classes, as a policy
  // that imports the package does, beside the copy the CLI runs.
  const builtErrors = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'src', 'errors.js')).href;
  for (const workers of ['1', '2']) {
    it(`reports a policy's own error from create (--workers ${workers})`, async () => {
      const policy = join(dir, `bad-window-${workers}.mjs`);
      writeFileSync(
        policy,
        `import { BadParameterError } from ${JSON.stringify(builtErrors)};
export default {
  id: 'bad-window',
  create: () => {
    throw new BadParameterError('bad-window.window: must be even, got 3');
  },
};
`,
      );
      const result = await runCli('--trace', join(dir, 'periodic.csv'), '--policy', `lru,${policy}`, '--cache-size', '2,4', '--workers', workers, '--out', join(dir, `bad-window-${workers}.md`));
      expect(result.stderr).toBe('simulate: bad-window.window: must be even, got 3\n');
      expect(result.code).toBe(2);
    });
  }

  it('names the run when create throws', async () => {
    const policy = join(dir, 'create-throws.mjs');
    writeFileSync(policy, `export default { id: 'create-throws', create: () => { throw new Error('no model'); } };\n`);
    const result = await runCli('--trace', join(dir, 'periodic.csv'), '--policy', policy, '--cache-size', '2', '--out', join(dir, 'create-throws.md'));
    expect(result.stderr).toMatch(/^simulate: create-throws at 2 objects failed: no model \(at .*create-throws\.mjs:1:\d+\)\)?\n$/);
    expect(result.code).toBe(1);
  });

  it('rejects an unknown policy with exit 2 and the known ids', async () => {
    const result = await runCli('--trace', join(dir, 'periodic.csv'), '--policy', 'lfu');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"lfu" is not a known policy; use one of lru, next-key');
  });

  it('rejects an unknown parameter key with the valid ones', async () => {
    const result = await runCli('--trace', join(dir, 'periodic.csv'), '--policy', 'next-key', '--param', 'next-key.depth=2');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--param next-key.depth: unknown parameter; next-key accepts: min-count, confidence');
  });

  it('rejects an invalid cache size', async () => {
    const result = await runCli('--trace', join(dir, 'periodic.csv'), '--cache-size', '-5');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--cache-size: "-5" is not a capacity');
  });
});

describe('option checking', () => {
  it('rejects an unknown option before running anything', async () => {
    const out = join(dir, 'never-written.md');
    const result = await runCli('--trace', join(dir, 'periodic.csv'), '--cache-szie', '10', '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown arguments: cache-szie');
    expect(existsSync(out)).toBe(false);
  });

  it('reports a missing required option once, with exit 2', async () => {
    const result = await runCli('report');
    expect(result.code).toBe(2);
    expect(result.stderr.match(/^simulate: /gm)).toHaveLength(1);
    expect(result.stderr).not.toContain('undefined');
  });

  it('rejects an empty trace path as a usage error', async () => {
    const result = await runCli('--trace', '');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--trace: the path is empty');
  });

  it('rejects a policy listed twice', async () => {
    const result = await runCli('--trace', join(dir, 'periodic.csv'), '--policy', 'lru,lru');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--policy: "lru" is given twice');
  });

  it('takes the clock unit of a plain CSV from --time-unit', async () => {
    const out = join(dir, 'with-unit.md');
    const result = await runCli('--trace', join(dir, 'periodic.csv'), '--time-unit', 'ms', '--fetch-latency', '2ms', '--cache-size', '2', '--out', out);
    expect(result.code).toBe(0);
    const report = readFileSync(out, 'utf8');
    expect(report).toContain('- time unit: ms');
    expect(report).toContain('- fetch latency: 2 ms');
  });
});

describe('fetch latency from a trace column', () => {
  it('delays each miss by its own row\'s response time', async () => {
    // a misses at t=0 and takes 5; a at t=1 waits 4; b misses at t=2 and
    // takes 1; b at t=10 hits.
    const trace = join(dir, 'response.csv');
    writeFileSync(trace, 'time,key,rt\n0,a,5\n1,a,9\n2,b,1\n10,b,7\n');
    const out = join(dir, 'response.md');
    const result = await runCli('--trace', trace, '--no-cache', '--train-fraction', '0', '--fetch-latency', 'column:rt', '--windows', '2', '--out', out);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'response.json'), 'utf8'));
    const lru = json.runs[0];
    expect(lru.counters.delayedHits).toBe(1);
    expect(lru.counters.totalLatency).toBe(5 + 4 + 1);
    expect(json.fetchLatency).toBe('per request, from a trace column');
  });

  it('rejects a column that is not a time', async () => {
    const trace = join(dir, 'bad-response.csv');
    writeFileSync(trace, 'time,key,rt\n0,a,5\n1,b,soon\n');
    const result = await runCli('--trace', trace, '--no-cache', '--fetch-latency', 'column:rt', '--out', join(dir, 'bad-response.md'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('request 2: rt value "soon" is not a time >= 0');
  });
});

describe('simulate binary', () => {
  it('runs as a process from the built output', async () => {
    const binary = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
    const out = join(dir, 'generated.csv');
    const { stdout } = await promisify(execFile)('node', [binary, 'generate', '--pattern', 'sequential', '--length', '5', '--out', out]);
    expect(stdout.trim()).toBe(out);
    expect(readFileSync(out, 'utf8')).toBe('time,key\n0,0\n1,1\n2,2\n3,3\n4,4\n');
  });
});

import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { temporaryDirectory } from '../helpers.js';

const dir = temporaryDirectory();

const trace = join(dir, 'mixed.csv');
const out = join(dir, 'run.md');
await runCli('generate', '--pattern', 'mixed', '--length', '6000', '--out', trace);
const simulated = await runCli(
  '--trace', trace, '--policy', 'lru,next-key', '--cache-size', '20,80',
  '--windows', '12', '--bootstrap', '500', '--max-prediction-p99', 'off', '--workers', '1', '--out', out,
);

describe('simulate with evaluation flags', () => {
  it('writes the report, its JSON file and its charts', () => {
    expect(simulated.stderr).toBe('');
    expect(simulated.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'mixed.csv', 'run-hit-ratio.svg', 'run-miss-ratio.svg', 'run-prefetch-outcomes.svg', 'run.json', 'run.md',
    ]);
    const json = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(json.settings).toMatchObject({ windows: 12, bootstrapReplicates: 500 });
    expect(json.settings.guardrails.maxPredictionP99Ms).toBeNull();
    expect(json.reproducibility.traceSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stops a tight backend-load limit with a named guardrail', async () => {
    const tight = join(dir, 'tight', 'run.md');
    const result = await runCli(
      '--trace', trace, '--policy', 'lru,next-key', '--cache-size', '20',
      '--windows', '12', '--bootstrap', '500', '--max-prediction-p99', 'off', '--max-backend-load', '0.5', '--out', tight,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/next-key +20 objects .* do not roll out/);
    expect(readFileSync(tight, 'utf8')).toMatch(/\*\*do not roll out\*\* \| backend load [0-9.]+× \(95% interval [0-9.]+× to [0-9.]+×\) exceeds the 0\.5× limit by/);
  });

  it.each([
    [['--baseline', 'fifo'], '--baseline: "fifo" is not among --policy lru,next-key'],
    [['--windows', '1'], '--windows: 1 is not a whole number of at least 2'],
    [['--bootstrap', '10'], '--bootstrap: 10 is not a whole number of at least 100'],
    [['--min-gain', 'lots'], '--min-gain: "lots" is not a gain in hit-ratio points'],
    [['--max-backend-load', '0'], '--max-backend-load: "0" is not a ratio above 0'],
    [['--max-prediction-p99', '3 fortnights'], '--max-prediction-p99: "3 fortnights" is not a time'],
    [['--max-waste', '1.5'], '--max-waste: "1.5" is not a share in [0, 1]'],
    [['--workers', '0'], '--workers: "0" is not a whole number of at least 1'],
    [['--workers', 'many'], '--workers: "many" is not a whole number of at least 1; give the number of threads'],
    [['--workers', '2e0'], '--workers: "2e0" is not a whole number of at least 1'],
    [['--workers', '1', '--workers', '2'], '--workers: given 2 times (1, 2); give it once'],
    [['--workers'], 'Not enough arguments following: workers'],
    [['--windows', '0'], '--windows'],
  ])('rejects %j with exit 2', async (flags, message) => {
    const result = await runCli('--trace', trace, '--policy', 'lru,next-key', '--out', join(dir, 'bad', 'x.md'), ...flags);
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(2);
  });
});

describe('simulate report', () => {
  it('renders the same markdown again from the JSON file', async () => {
    const original = readFileSync(out, 'utf8');
    const chart = readFileSync(join(dir, 'run-miss-ratio.svg'), 'utf8');
    rmSync(out);
    rmSync(join(dir, 'run-miss-ratio.svg'));
    const result = await runCli('report', join(dir, 'run.json'));
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`report: ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe(original);
    expect(readFileSync(join(dir, 'run-miss-ratio.svg'), 'utf8')).toBe(chart);
  });

  it('names the file and line of invalid JSON', async () => {
    const bad = join(dir, 'broken.json');
    writeFileSync(bad, '{\n  "schemaVersion": 1,\n  oops\n}\n');
    const result = await runCli('report', bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}:3: not valid JSON`);
  });

  it('lists where a file departs from the schema', async () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ schemaVersion: 1, runs: [] }));
    const result = await runCli('report', other);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${other}: not a report JSON file of this version: /: must have required property 'reproducibility'`);
    expect(readdirSync(dir)).not.toContain('other.md');
  });

  it('rejects an --out that is a directory', async () => {
    const result = await runCli('report', join(dir, 'run.json'), '--out', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--out ${dir}: is a directory`);
  });

  it('rejects an --out that is the results file', async () => {
    const results = join(dir, 'run.json');
    const before = readFileSync(results, 'utf8');
    const result = await runCli('report', results, '--out', results);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is the results file itself');
    expect(readFileSync(results, 'utf8')).toBe(before);
  });

  it('reports a missing file', async () => {
    const result = await runCli('report', join(dir, 'absent.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('absent.json: cannot be read (ENOENT)');
  });
});

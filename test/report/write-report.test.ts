import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportPaths, writeReport } from '../../src/report/write-report.js';
import { temporaryDirectory } from '../helpers.js';
import { reportDataOf } from './fixture.js';

describe('writeReport', () => {
  it('writes the markdown, the JSON file and three charts', async () => {
    const dir = temporaryDirectory();
    const written = await writeReport(await reportDataOf([20, 80]), join(dir, 'r.md'), true);
    expect(written.map((path) => path.slice(dir.length + 1))).toEqual([
      'r-hit-ratio.svg',
      'r-miss-ratio.svg',
      'r-prefetch-outcomes.svg',
      'r.json',
      'r.md',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).schemaVersion).toBe(1);
  });

  it('draws the hit ratio chart with the given renderer', async () => {
    const dir = temporaryDirectory();
    const paths = reportPaths(join(dir, 'r.md'));
    const requested: string[] = [];
    await writeReport(await reportDataOf([20, 80]), paths.markdown, false, async (spec) => {
      requested.push(String(spec.title));
      return '<svg>elsewhere</svg>';
    });
    expect(requested).toHaveLength(1);
    expect(requested[0]).toContain('Hit ratio per window');
    expect(readFileSync(paths.charts.hitRatioOverTime, 'utf8')).toBe('<svg>elsewhere</svg>');
    expect(readFileSync(paths.charts.missRatioCurves, 'utf8')).toContain('<svg');
    expect(readFileSync(paths.charts.missRatioCurves, 'utf8')).not.toContain('elsewhere');
  });

  it('leaves no file behind when a write fails', async () => {
    const dir = temporaryDirectory();
    // A directory where the markdown should go makes the last rename fail.
    mkdirSync(join(dir, 'r.md'));
    await expect(writeReport(await reportDataOf([20, 80]), join(dir, 'r.md'), true)).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['r.md']);
  });

  it('removes a stale chart that is not drawn again', async () => {
    const dir = temporaryDirectory();
    const paths = reportPaths(join(dir, 'r.md'));
    writeFileSync(paths.charts.missRatioCurves, '<svg/>');
    await writeReport(await reportDataOf([20]), paths.markdown, true);
    expect(existsSync(paths.charts.missRatioCurves)).toBe(false);
    expect(readFileSync(paths.markdown, 'utf8')).toContain('No sweep');
  });
});

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
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

  for (const largest of [true, false]) {
    it(`draws ${largest ? 'the hit ratio chart' : 'the other charts'} elsewhere`, async () => {
      const dir = temporaryDirectory();
      const paths = reportPaths(join(dir, 'r.md'));
      const requested: string[] = [];
      const render = async (spec: TopLevelSpec) => {
        requested.push(String(spec.title));
        return '<svg>elsewhere</svg>';
      };
      await writeReport(await reportDataOf([20, 80]), paths.markdown, false, { render, largest });
      expect(requested).toHaveLength(largest ? 1 : 2);
      expect(requested.some((title) => title.includes('Hit ratio per window'))).toBe(largest);
      const hitRatio = readFileSync(paths.charts.hitRatioOverTime, 'utf8');
      const missRatio = readFileSync(paths.charts.missRatioCurves, 'utf8');
      expect(hitRatio === '<svg>elsewhere</svg>').toBe(largest);
      expect(missRatio === '<svg>elsewhere</svg>').toBe(!largest);
      expect(largest ? missRatio : hitRatio).toContain('<svg');
    });
  }

  it('reports elsewhere charts drawn before writing', async () => {
    const dir = temporaryDirectory();
    const paths = reportPaths(join(dir, 'r.md'));
    const events: string[] = [];
    const render = async () => {
      events.push('rendered');
      return '<svg>elsewhere</svg>';
    };
    const onDrawn = () => events.push(existsSync(paths.markdown) ? 'drawn after writing' : 'drawn');
    await writeReport(await reportDataOf([20, 80]), paths.markdown, false, { render, largest: false, onDrawn });
    expect(events).toEqual(['rendered', 'rendered', 'drawn']);
    expect(existsSync(paths.markdown)).toBe(true);
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

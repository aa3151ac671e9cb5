import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import * as fromPackages from '../../src/report/chart-modules.js';
import { temporaryDirectory } from '../helpers.js';

// The build writes the chart script and its code cache into dist/, so this
// file needs a build first (as the CLI binary test does).
const REPORT_DIST = join(import.meta.dirname, '..', '..', 'dist', 'src', 'report');
const SCRIPT_MODULE = pathToFileURL(join(REPORT_DIST, 'chart-script.js')).href;

type ChartScriptModule = typeof import('../../src/report/chart-script.js');

const SPEC: TopLevelSpec = {
  data: { values: [1, 2, 3, 4].map((x) => ({ x, y: x * x, series: x % 2 === 0 ? 'even' : 'odd' })) },
  mark: { type: 'line', point: true },
  encoding: {
    x: { field: 'x', type: 'quantitative', scale: { type: 'log' } },
    y: { field: 'y', type: 'quantitative' },
    color: { field: 'series', type: 'nominal' },
  },
};

async function svgOf(modules: typeof fromPackages): Promise<string> {
  const view = new modules.View(modules.parse(modules.compile(SPEC).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

describe('built chart script', () => {
  it('imports no package at run time', async () => {
    const { CHART_SCRIPT } = (await import(SCRIPT_MODULE)) as ChartScriptModule;
    const text = readFileSync(join(REPORT_DIST, CHART_SCRIPT), 'utf8');
    expect(text).not.toMatch(/require\(["']vega/);
    expect(text).not.toMatch(/\bimport\(/);
  });

  it('draws the SVG that the packages draw', async () => {
    const { loadChartScript } = (await import(SCRIPT_MODULE)) as ChartScriptModule;
    const bundled = loadChartScript();
    expect(bundled).toBeDefined();
    expect(await svgOf(bundled!)).toBe(await svgOf(fromPackages));
  });

  it('has a code cache that a fresh node accepts', () => {
    // Outside vitest's workers, as the CLI loads it: V8 rejects a cache
    // made under other V8 flags.
    const check = [
      `const m = await import(${JSON.stringify(SCRIPT_MODULE)});`,
      `const { readFileSync } = await import('node:fs');`,
      'const path = m.besideThisModule(m.CHART_SCRIPT);',
      'const source = readFileSync(path);',
      'const cache = m.readCodeCache(source, m.besideThisModule(m.CHART_CODE_CACHE));',
      `const script = m.compileChartScript(source.toString('utf8'), path, cache);`,
      'process.stdout.write(JSON.stringify({ rejected: script.cachedDataRejected, bytes: cache.length }));',
    ].join('\n');
    const output = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', check], { encoding: 'utf8' }));
    expect(output.bytes).toBeGreaterThan(100_000);
    expect(output.rejected).toBe(false);
  });

  it('rejects a damaged code cache', async () => {
    // V8 would run such a cache and crash, so its digest must not match.
    const { CHART_CODE_CACHE, CHART_SCRIPT, readCodeCache } = (await import(SCRIPT_MODULE)) as ChartScriptModule;
    const source = readFileSync(join(REPORT_DIST, CHART_SCRIPT));
    const damaged = Buffer.from(readFileSync(join(REPORT_DIST, CHART_CODE_CACHE)));
    damaged[damaged.length >> 1] ^= 0xff;
    const path = join(temporaryDirectory(), 'damaged.code-cache');
    writeFileSync(path, damaged);
    expect(readCodeCache(source, path)).toBeUndefined();
  });

  it('rejects the code cache of another script', async () => {
    const { CHART_CODE_CACHE, CHART_SCRIPT, readCodeCache } = (await import(SCRIPT_MODULE)) as ChartScriptModule;
    const edited = Buffer.from(readFileSync(join(REPORT_DIST, CHART_SCRIPT)));
    edited[edited.length >> 1] = edited[edited.length >> 1] === 0x20 ? 0x0a : 0x20;
    expect(readCodeCache(edited, join(REPORT_DIST, CHART_CODE_CACHE))).toBeUndefined();
  });
});

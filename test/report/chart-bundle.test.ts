import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import * as fromPackages from '../../src/report/chart-modules.js';

// The build bundles the chart modules into dist/, so this file needs a
// build first (as the CLI binary test does).
const BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'src', 'report', 'chart-modules.js');

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

describe('built chart modules', () => {
  it('import no package at run time', () => {
    const text = readFileSync(BUNDLE, 'utf8');
    expect(text).not.toMatch(/\bfrom\s*["']vega/);
    expect(text).not.toMatch(/\bimport\(\s*["']vega/);
  });

  it('draw the SVG that the packages draw', async () => {
    const bundled = (await import(pathToFileURL(BUNDLE).href)) as typeof fromPackages;
    const svg = await svgOf(bundled);
    expect(svg).toContain('<svg');
    expect(svg).toBe(await svgOf(fromPackages));
  });
});

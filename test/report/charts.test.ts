import { describe, expect, it } from 'vitest';
import { chartSpecs, renderSvg } from '../../src/report/charts.js';
import { reportDataOf } from './fixture.js';

describe('chartSpecs', () => {
  it('draws every chart for a sweep with prefetching', async () => {
    const specs = chartSpecs(await reportDataOf([20, 80]));
    expect(specs.missRatioCurves).not.toBeNull();
    expect(specs.prefetchOutcomes).not.toBeNull();
  });

  it('skips the miss-ratio curves without a sweep', async () => {
    expect(chartSpecs(await reportDataOf([20])).missRatioCurves).toBeNull();
  });

  it('skips prefetch outcomes when nothing was prefetched', async () => {
    expect(chartSpecs(await reportDataOf([20], {}, ['lru'])).prefetchOutcomes).toBeNull();
  });

  it('stacks prefetch outcomes that add up to the issued prefetches', async () => {
    const data = await reportDataOf([20]);
    const spec = chartSpecs(data).prefetchOutcomes as { data: { values: { policy: string; prefetches: number }[] } };
    const total = spec.data.values.filter((v) => v.policy === 'next-key').reduce((sum, v) => sum + v.prefetches, 0);
    expect(total).toBe(data.runs[1].counters.issuedPrefetches);
  });
});

describe('renderSvg', () => {
  it('renders each chart to SVG without a browser', async () => {
    const specs = chartSpecs(await reportDataOf([20, 80]));
    for (const spec of [specs.hitRatioOverTime, specs.missRatioCurves!, specs.prefetchOutcomes!]) {
      const svg = await renderSvg(spec);
      expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg).toContain('next-key');
      expect(svg).toContain('</svg>');
    }
  });

  it('renders a thousand capacities in ascending order', async () => {
    // A facet order given as a list of labels overflowed vega's expression
    // parser at about this many capacities.
    const data = await reportDataOf([20], {}, ['lru']);
    const [run] = data.runs;
    data.runs = Array.from({ length: 1000 }, (_, i) => ({
      ...run,
      capacity: { ...run.capacity, label: `${1000 - i} objects`, amount: 1000 - i },
    }));
    const svg = await renderSvg(chartSpecs(data).hitRatioOverTime);
    const at = (label: string) => svg.indexOf(`>${label}<`);
    expect(at('1 objects')).toBeGreaterThan(-1);
    expect(at('2 objects')).toBeGreaterThan(at('1 objects'));
    expect(at('1000 objects')).toBeGreaterThan(at('999 objects'));
  }, 60_000);

  it('renders the same SVG twice', async () => {
    const spec = chartSpecs(await reportDataOf([20, 80])).missRatioCurves!;
    expect(await renderSvg(spec)).toBe(await renderSvg(spec));
  });
});

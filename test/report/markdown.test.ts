import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderTextTable } from '../../src/report/markdown.js';
import { reportDataOf } from './fixture.js';

const charts = {
  hitRatioOverTime: 'r-hit-ratio.svg',
  missRatioCurves: 'r-miss-ratio.svg',
  prefetchOutcomes: 'r-prefetch-outcomes.svg',
};

const headings = (markdown: string) => markdown.split('\n').filter((line) => line.startsWith('## '));

describe('renderMarkdown', () => {
  it('puts the verdicts first', async () => {
    const markdown = renderMarkdown(await reportDataOf([20, 80]), charts);
    expect(headings(markdown)).toEqual([
      '## Verdicts',
      '## Reproducibility',
      '## Results at 20 objects',
      '## Results at 80 objects',
      '## Guardrails',
      '## Per-window comparison',
      '## Cache-size sweep',
      '## Prefetch outcomes',
      '## Prediction overhead',
      '## Trace',
      '## Definitions',
    ]);
  });

  it('gives each candidate a verdict with its reason', async () => {
    const markdown = renderMarkdown(await reportDataOf([20]), charts);
    expect(markdown).toMatch(/\| next-key \| 20 objects \| \*\*roll out\*\* \| hit-ratio gain \+[0-9.]+ pt \(95% interval \+[0-9.]+ pt to \+[0-9.]+ pt\); every guardrail met \|/);
  });

  it('names a failed guardrail and by how much', async () => {
    const data = await reportDataOf([20], { guardrails: { maxBackendLoad: 0.5 } });
    const load = data.comparisons[0].backendLoad.estimate!;
    const markdown = renderMarkdown(data, charts);
    expect(markdown).toContain(`**do not roll out** | backend load ${load.toFixed(2)}× (95% interval`);
    expect(markdown).toContain(`exceeds the 0.5× limit by ${(load - 0.5).toFixed(2)}×`);
    expect(markdown).toContain('--max-backend-load 0.5,');
    expect(markdown).toContain('--min-gain 1pt (default)');
  });

  it('shows policies as columns with the baseline marked', async () => {
    const markdown = renderMarkdown(await reportDataOf([20]), charts);
    expect(markdown).toContain('| metric | lru (baseline) | next-key |');
    expect(markdown).toMatch(/\| gain vs baseline, pt \(95% interval\) \| 0\.00 \| \+[0-9.]+ \(\+[0-9.]+ to \+[0-9.]+\) \|/);
  });

  it('marks a bound policy', async () => {
    const data = await reportDataOf([20]);
    data.runs.push({ ...data.runs[1], policyId: 'oracle', label: 'oracle', isBound: true });
    const markdown = renderMarkdown(data, charts);
    expect(markdown).toContain('| metric | lru (baseline) | next-key | oracle (bound) |');
  });

  it('writes the reproducibility header', async () => {
    const markdown = renderMarkdown(await reportDataOf([20]), charts);
    expect(markdown).toContain('```\nsimulate --trace mixed.csv --policy lru,next-key\n```');
    expect(markdown).toContain(`| trace sha256 | \`${'a'.repeat(64)}\` |`);
    expect(markdown).toContain('| seeds | replay and training 42, bootstrap 3 |');
    expect(markdown).toContain('| TensorFlow.js backend | none |');
    expect(markdown).toContain('| Node.js | v20.0.0 |');
    expect(markdown).toContain('| CPU | Test CPU, 2 cores |');
  });

  it('links the charts beside it', async () => {
    const markdown = renderMarkdown(await reportDataOf([20, 80]), charts);
    expect(markdown).toContain('![Hit ratio per window for each policy](r-hit-ratio.svg)');
    expect(markdown).toContain('![Miss ratio against cache size](r-miss-ratio.svg)');
    expect(markdown).toContain('![Issued prefetches by outcome](r-prefetch-outcomes.svg)');
  });

  it('states equivalent cache sizes from a sweep', async () => {
    const markdown = renderMarkdown(await reportDataOf([20, 80, 1000]), charts);
    expect(markdown).toMatch(/- \*\*next-key\*\* at 20 objects \(miss ratio [0-9.]+\) misses like lru at about [0-9,]+ objects\./);
  });

  it('says when a candidate beats the largest swept size', async () => {
    const markdown = renderMarkdown(await reportDataOf([20, 80]), charts);
    expect(markdown).toMatch(/- \*\*next-key\*\* at 80 objects \(miss ratio [0-9.]+\) misses less than lru at 80 objects, the largest size swept\./);
  });

  it('says why there is no sweep', async () => {
    const markdown = renderMarkdown(await reportDataOf([20]), { ...charts, missRatioCurves: null });
    expect(markdown).toContain('No sweep: a sweep needs two or more cache sizes of one unit.');
  });

  it('says why there is no verdict', async () => {
    const markdown = renderMarkdown(await reportDataOf([20], {}, ['lru']), charts);
    expect(markdown).toContain('No verdict: no candidate ran beside the baseline `lru`.');
  });
});

describe('renderTextTable', () => {
  it('lists one run per line with its verdict', async () => {
    const lines = renderTextTable(await reportDataOf([20])).split('\n');
    expect(lines[0]).toMatch(/^policy +capacity +hit ratio/);
    expect(lines[1]).toMatch(/^lru +20 objects .* baseline$/);
    expect(lines[2]).toMatch(/^next-key +20 objects .* roll out$/);
  });
});

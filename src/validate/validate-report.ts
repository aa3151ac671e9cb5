/**
 * Markdown report of `simulate validate`: accuracy beside the best possible
 * and beside next-key, prediction costs, training curves and the
 * acceptance checks, each beside the figures of the earlier report that
 * this experiment reproduces.
 */
import type { PatternResult, ValidateResult } from './validate.js';
import { PREFETCH_CONFIDENCE } from './validate.js';

/**
 * Figures of the earlier validation report (1,000 samples per pattern,
 * vocabulary 1,000, window 10, embedding 32, two LSTM layers of 64, 10
 * epochs on CPU), shown beside ours.
 */
export const EARLIER_REPORT = {
  accuracy: { sequential: 0.917, periodic: 0.861, zipfian: 0.653, random: 0.169 } as Record<string, number>,
  overallAccuracy: 0.696,
  trainingSeconds: 125,
  meanMs: 0.483,
  p95Ms: 0.713,
  p99Ms: 0.914,
  predictionsPerSecond: 2070,
  prefetchRate: 0.42,
};

/** One acceptance check and whether it passed. */
export interface AcceptanceCheck {
  readonly check: string;
  readonly measured: string;
  readonly isPassed: boolean;
}

/** Renders the whole report. */
export function renderValidateReport(result: ValidateResult, command: string, machine: string): string {
  const lines = [
    '# LSTM validation',
    '',
    `Command: \`${command}\``,
    '',
    `Policy: \`${result.label}\`, seed ${result.seed}. Machine: ${machine}.`,
    '',
    ...accuracySection(result.results),
    ...costSection(result.results),
    ...acceptanceSection(result.results),
    ...curveSection(result.results),
  ];
  return `${lines.join('\n')}\n`;
}

/** Acceptance checks of every size. */
export function acceptanceChecks(results: readonly PatternResult[]): AcceptanceCheck[] {
  return results.map((result) => {
    const name = `${result.pattern}, ${result.size.name}`;
    const accuracy = result.lstmAccuracy;
    const best = result.best.accuracy;
    const measured = `${percent(accuracy)} (best possible ${percent(best)})`;
    switch (result.pattern) {
      case 'sequential':
      case 'periodic':
        return { check: `${name}: at least 99%`, measured, isPassed: accuracy >= 0.99 };
      case 'zipfian':
        return { check: `${name}: within 2 points of the best possible`, measured, isPassed: accuracy >= best - 0.02 };
      default: {
        // Noise: two standard errors of a measurement at chance.
        const noise = 2 * result.best.standardError;
        return {
          check: `${name}: within 1 point of chance, at most ${percent(noise)} (two standard errors) above it`,
          measured,
          isPassed: Math.abs(accuracy - best) <= 0.01 && accuracy <= best + noise,
        };
      }
    }
  });
}

function accuracySection(results: readonly PatternResult[]): string[] {
  const rows = results.map((r) => [
    r.size.name,
    r.pattern,
    `${r.size.trainRequests.toLocaleString('en-US')} / ${r.size.testRequests.toLocaleString('en-US')}`,
    percent(r.lstmAccuracy),
    percent(r.best.accuracy),
    r.best.sampleAccuracy === undefined ? 'n/a' : percent(r.best.sampleAccuracy),
    points(r.lstmAccuracy - r.best.accuracy),
    percent(r.nextKeyAccuracy),
    percent(r.prefetchRate),
    r.training === undefined ? 'n/a' : `${r.training.epochsRun} (${r.training.bestEpoch})`,
    `${(r.trainingMs / 1000).toFixed(1)} s`,
    percent(EARLIER_REPORT.accuracy[r.pattern]),
  ]);
  for (const size of sizesOf(results)) {
    const group = results.filter((r) => r.size.name === size);
    rows.push([
      size, '**overall (mean)**', '', percent(mean(group.map((r) => r.lstmAccuracy))),
      percent(mean(group.map((r) => r.best.accuracy))), '', '',
      percent(mean(group.map((r) => r.nextKeyAccuracy))),
      percent(mean(group.map((r) => r.prefetchRate))), '',
      `${(group.reduce((sum, r) => sum + r.trainingMs, 0) / 1000).toFixed(1)} s`,
      `${percent(EARLIER_REPORT.overallAccuracy)}; training ${EARLIER_REPORT.trainingSeconds} s; prefetch rate ${percent(EARLIER_REPORT.prefetchRate)}`,
    ]);
  }
  const methods = new Map(results.map((r) => [r.pattern, r.best.how]));
  return [
    '## Accuracy on requests the model was not trained on',
    '',
    'Accuracy: share of test requests whose top-1 prediction, at any confidence, is the next request\'s key. The model trains on the training part only; its most recent samples decide early stopping.',
    '',
    table(
      ['size', 'pattern', 'train / test requests', 'lstm', 'best possible', 'best on this sample', 'lstm − best (pt)', 'next-key', `prefetch rate at ${PREFETCH_CONFIDENCE}`, 'epochs (best)', 'training', 'earlier report'],
      rows,
    ),
    '',
    'Best possible accuracy, per pattern:',
    '',
    ...[...methods].map(([pattern, how]) => `- ${pattern}: ${how}.`),
    '- best on this sample: always predicting the training part\'s most frequent key, scored on the test part.',
    '- next-key: the `next-key` policy with `min-count=1` and `confidence=0`, learning online from the first request.',
    '- The earlier report scored its model on the samples it had trained on: 16.9% on uniform random keys over 1,000 keys is memorisation, because chance is 0.1%.',
    '',
  ];
}

function costSection(results: readonly PatternResult[]): string[] {
  const rows = results.map((r) => [
    r.size.name,
    r.pattern,
    r.inference,
    ms(r.single?.p50Ms),
    ms(r.single?.p95Ms),
    ms(r.single?.p99Ms),
    r.batchedPerSecond === undefined ? 'n/a' : Math.round(r.batchedPerSecond).toLocaleString('en-US'),
  ]);
  rows.push([
    'earlier report', '', 'CPU', `${EARLIER_REPORT.meanMs} (mean)`, `${EARLIER_REPORT.p95Ms}`,
    `${EARLIER_REPORT.p99Ms}`, EARLIER_REPORT.predictionsPerSecond.toLocaleString('en-US'),
  ]);
  return [
    '## Prediction cost',
    '',
    'Single prediction: one window encoded, predicted and decoded, timed on up to 1,000 test windows after one untimed call. Batched: all test windows in batches, wall time.',
    '',
    table(['size', 'pattern', 'engine', 'single p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'batched predictions/s'], rows),
    '',
  ];
}

function acceptanceSection(results: readonly PatternResult[]): string[] {
  const checks = acceptanceChecks(results);
  return [
    '## Acceptance',
    '',
    table(['check', 'measured', 'result'], checks.map((c) => [c.check, c.measured, c.isPassed ? 'pass' : '**fail**'])),
    '',
  ];
}

function curveSection(results: readonly PatternResult[]): string[] {
  const lines = ['## Training curves', ''];
  for (const r of results) {
    if (r.training === undefined) continue;
    const t = r.training;
    lines.push(`### ${r.pattern}, ${r.size.name}`, '');
    lines.push(`${t.trainSamples.toLocaleString('en-US')} training and ${t.validationSamples.toLocaleString('en-US')} validation samples; weights of epoch ${t.bestEpoch} kept.`, '');
    lines.push(table(
      ['epoch', 'training loss', 'validation loss', 'validation accuracy'],
      t.trainingLoss.map((loss, i) => [
        String(i + 1),
        loss.toFixed(4),
        t.validationLoss[i]?.toFixed(4) ?? 'n/a',
        t.validationAccuracy[i] === undefined ? 'n/a' : percent(t.validationAccuracy[i]),
      ]),
    ), '');
  }
  return lines;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function sizesOf(results: readonly PatternResult[]): string[] {
  return [...new Set(results.map((r) => r.size.name))];
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function percent(value: number): string {
  return `${(100 * value).toFixed(2)}%`;
}

function points(value: number): string {
  const text = (100 * value).toFixed(2);
  return value > 0 ? `+${text}` : text;
}

function ms(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(3);
}

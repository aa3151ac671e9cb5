import { beforeAll, describe, expect, it } from 'vitest';
import { parseSizes } from '../../src/cli/validate-command.js';
import { acceptanceChecks, renderValidateReport } from '../../src/validate/validate-report.js';
import { validate, type PatternResult, type ValidateResult } from '../../src/validate/validate.js';

const TINY = [
  'lstm.window=3',
  'lstm.embedding=4',
  'lstm.units=8',
  'lstm.epochs=3',
  'lstm.learning-rate=0.05',
  'lstm.inference=tfjs',
];
const SIZE = { name: 'tiny', trainRequests: 120, testRequests: 80 };

let result: ValidateResult;

describe('validate', () => {
  beforeAll(async () => {
    result = await validate({ sizes: [SIZE], params: TINY, seed: 1, backend: 'wasm', log: () => {} });
  });

  it('runs the four patterns', () => {
    expect(result.results.map((r) => r.pattern)).toEqual(['sequential', 'periodic', 'zipfian', 'random']);
    expect(result.label).toBe('lstm(window=3,embedding=4,units=8,epochs=3,learning-rate=0.05,inference=tfjs)');
  });

  it('computes the best possible accuracy', () => {
    const [sequential, periodic, zipfian, random] = result.results.map((r) => r.best.accuracy);
    expect(sequential).toBe(1);
    expect(periodic).toBe(1);
    // 1 / sum over r = 1..1000 of r^-s, s = 1.0239 (the generator's exponent).
    expect(zipfian).toBeCloseTo(0.1439, 3);
    expect(random).toBe(0.001);
  });

  it('measures next-key on the test part', () => {
    // next-key learns the periodic cycle during warm-up and never misses.
    expect(result.results[1].nextKeyAccuracy).toBe(1);
    expect(result.results[3].nextKeyAccuracy).toBeLessThan(0.05);
  });

  it('keeps accuracies and rates in [0, 1]', () => {
    for (const r of result.results) {
      expect(r.lstmAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.lstmAccuracy).toBeLessThanOrEqual(1);
      expect(r.prefetchRate).toBeGreaterThanOrEqual(0);
      expect(r.prefetchRate).toBeLessThanOrEqual(1);
      expect(r.training?.epochsRun).toBeGreaterThan(0);
      expect(r.single?.samples).toBe(SIZE.testRequests);
    }
  });

  it('renders every section', () => {
    const text = renderValidateReport(result, 'simulate validate', 'test machine');
    for (const heading of ['# LSTM validation', '## Accuracy on requests', '## Prediction cost', '## Acceptance', '## Training curves', '### zipfian, tiny']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('| tiny | **overall (mean)** |');
  });
});

describe('acceptanceChecks', () => {
  function resultOf(pattern: PatternResult['pattern'], accuracy: number, best: number): PatternResult {
    return {
      pattern,
      size: SIZE,
      lstmAccuracy: accuracy,
      nextKeyAccuracy: 0,
      best: { accuracy: best, how: '', standardError: 0.0011 },
      prefetchRate: 0,
      training: undefined,
      trainingMs: 0,
      single: null,
      batchedPerSecond: undefined,
      inference: '',
      backend: '',
    };
  }

  it.each([
    ['sequential', 0.99, 1, true],
    ['periodic', 0.989, 1, false],
    ['zipfian', 0.125, 0.144, true],
    ['zipfian', 0.12, 0.144, false],
    ['random', 0.003, 0.001, true],
    ['random', 0.004, 0.001, false],
    ['random', 0, 0.001, true],
  ] as const)('judges %s at %f against %f', (pattern, accuracy, best, isPassed) => {
    const [check] = acceptanceChecks([resultOf(pattern, accuracy, best)]);
    expect(check.isPassed).toBe(isPassed);
  });
});

describe('parseSizes', () => {
  it('reads the report size and trace lengths', () => {
    expect(parseSizes('report,100000', 10)).toEqual([
      { name: '1,000 samples', trainRequests: 1011, testRequests: 1000 },
      { name: '100,000 requests', trainRequests: 20_000, testRequests: 80_000 },
    ]);
  });

  it('rejects a size that is neither', () => {
    expect(() => parseSizes('report,big', 10)).toThrow('--sizes: "big" is neither "report" nor a whole number of requests >= 100');
  });
});

/**
 * The highest next-key accuracy that a predictor can expect on each
 * generated pattern, computed from the generator itself.
 */
import {
  UNIVERSE_KEYS,
  ZIPF_TOP_FIFTH_SHARE,
  zipfExponentForShare,
  type Pattern,
} from '../trace/generate.js';
import type { Trace } from '../trace/trace.js';

export interface BestPossible {
  /** Expected accuracy of the best predictor. */
  readonly accuracy: number;
  /** Method behind `accuracy`, for the report. */
  readonly how: string;
  /**
   * Accuracy on the test part of always predicting the training part's
   * most frequent key: what the best i.i.d. predictor learnt from this
   * sample achieves. Undefined for deterministic patterns.
   */
  readonly sampleAccuracy?: number;
  /**
   * Standard error of an accuracy of `accuracy` measured on the test
   * part's predictions, sqrt(p (1 - p) / n): the noise of the measurement.
   */
  readonly standardError: number;
}

/** Best expected accuracy on `pattern`, with how it was computed. */
export function bestPossibleAccuracy(pattern: Pattern, trace: Trace, trainEnd: number): BestPossible {
  const predictions = trace.length - trainEnd - 1;
  const withError = (accuracy: number) => Math.sqrt((accuracy * (1 - accuracy)) / predictions);
  switch (pattern) {
    case 'sequential':
    case 'periodic':
      return {
        accuracy: 1,
        how: 'deterministic: every key has one successor, which the current key names',
        standardError: 0,
      };
    case 'zipfian': {
      const exponent = zipfExponentForShare(UNIVERSE_KEYS, 0.2, ZIPF_TOP_FIFTH_SHARE);
      let harmonic = 0;
      for (let rank = 1; rank <= UNIVERSE_KEYS; rank++) harmonic += rank ** -exponent;
      const accuracy = 1 / harmonic;
      return {
        accuracy,
        how: `i.i.d.: probability of the most popular key, 1 / H(${UNIVERSE_KEYS}, s = ${exponent.toFixed(4)})`,
        sampleAccuracy: modeAccuracy(trace, trainEnd),
        standardError: withError(accuracy),
      };
    }
    case 'random': {
      const accuracy = 1 / UNIVERSE_KEYS;
      return {
        accuracy,
        how: `i.i.d. uniform: chance, 1 / ${UNIVERSE_KEYS}`,
        sampleAccuracy: modeAccuracy(trace, trainEnd),
        standardError: withError(accuracy),
      };
    }
    case 'mixed':
    case 'phases':
    case 'scan-zipf':
      throw new Error(`bestPossibleAccuracy: the ${pattern} pattern has no computed bound`);
  }
}

/** Share of test requests (after the first) for the training part's mode. */
function modeAccuracy(trace: Trace, trainEnd: number): number {
  const counts = new Uint32Array(trace.keys.length);
  let mode = 0;
  for (let i = 0; i < trainEnd; i++) {
    const keyId = trace.keyIds[i];
    if (++counts[keyId] > counts[mode]) mode = keyId;
  }
  let hits = 0;
  for (let i = trainEnd + 1; i < trace.length; i++) {
    if (trace.keyIds[i] === mode) hits++;
  }
  return hits / (trace.length - trainEnd - 1);
}

/**
 * Training samples: each input is a window of consecutive tokens and its
 * target is the token of the request right after the window.
 */
export interface Samples {
  /** `count * window` tokens, one window after another, oldest first. */
  readonly inputs: Int32Array;
  /** Token that followed each window. */
  readonly targets: Int32Array;
  readonly count: number;
  readonly window: number;
}

/**
 * Builds one sample for every full window of `tokens` that has a next token,
 * keeping only the `maxSamples` most recent. A sequence of n tokens gives
 * n - window samples; windows that would reach before the first token are
 * left out rather than padded.
 */
export function buildSamples(
  tokens: Int32Array,
  window: number,
  maxSamples: number,
): Samples {
  const available = Math.max(0, tokens.length - window);
  const count = Math.min(available, maxSamples);
  const first = available - count;
  const inputs = new Int32Array(count * window);
  const targets = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const start = first + i;
    inputs.set(tokens.subarray(start, start + window), i * window);
    targets[i] = tokens[start + window];
  }
  return { inputs, targets, count, window };
}

/** Samples `[start, end)` of `samples`, sharing its memory. */
export function sliceSamples(
  samples: Samples,
  start: number,
  end: number,
): Samples {
  const { window } = samples;
  return {
    inputs: samples.inputs.subarray(start * window, end * window),
    targets: samples.targets.subarray(start, end),
    count: end - start,
    window,
  };
}

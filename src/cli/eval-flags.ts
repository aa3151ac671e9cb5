import { BadOptionError } from '../errors.js';
import type { EvaluationOptions } from '../eval/evaluate.js';
import type { GuardrailLimits } from '../eval/guardrails.js';

/** The evaluation flags of the main command, as yargs returns them. */
export interface EvalArgs {
  baseline: string;
  windows: number;
  bootstrap: number;
  minGain?: string;
  maxBackendLoad?: string;
  maxPredictionP99?: string;
  maxWaste?: string;
  seed: number;
}

/** Minimum bootstrap resamples, so that the 2.5% and 97.5% quantiles rest on a few. */
const MIN_BOOTSTRAP = 100;
const OFF = 'off';

/**
 * Checks the evaluation flags against the policies of the run and turns
 * them into evaluation options. Guardrails not given are left out, so the
 * evaluation fills and marks their defaults.
 */
export function evaluationOptions(args: EvalArgs, policies: readonly string[]): EvaluationOptions {
  checkBaseline(args.baseline, policies);
  if (!Number.isInteger(args.windows) || args.windows < 2) {
    throw new BadOptionError(`--windows: ${args.windows} is not a whole number of at least 2; the scored requests are cut into this many windows`);
  }
  if (!Number.isInteger(args.bootstrap) || args.bootstrap < MIN_BOOTSTRAP) {
    throw new BadOptionError(`--bootstrap: ${args.bootstrap} is not a whole number of at least ${MIN_BOOTSTRAP}; give the number of bootstrap resamples, e.g. 2000`);
  }
  const guardrails: Partial<GuardrailLimits> = {};
  if (args.minGain !== undefined) guardrails.minGainPoints = parseGain(args.minGain);
  if (args.maxBackendLoad !== undefined) guardrails.maxBackendLoad = parseLoad(args.maxBackendLoad);
  if (args.maxPredictionP99 !== undefined) guardrails.maxPredictionP99Ms = parseMilliseconds(args.maxPredictionP99);
  if (args.maxWaste !== undefined) guardrails.maxWaste = parseWaste(args.maxWaste);
  return {
    baseline: args.baseline,
    windows: args.windows,
    bootstrapReplicates: args.bootstrap,
    seed: args.seed,
    guardrails,
  };
}

/**
 * With several policies the baseline must be one of them; a single policy
 * runs without comparison.
 */
function checkBaseline(baseline: string, policies: readonly string[]): void {
  if (policies.length > 1 && !policies.includes(baseline)) {
    throw new BadOptionError(
      `--baseline: "${baseline}" is not among --policy ${policies.join(',')}; add it to --policy or pass --baseline with one of them`,
    );
  }
}

/** `1pt`, `0.5`, `-2pt` or `off`: hit-ratio points. */
export function parseGain(text: string): number | null {
  if (text.trim() === OFF) return null;
  const match = /^(-?\d+(?:\.\d+)?)\s*(?:pt)?$/.exec(text.trim());
  if (match === null) {
    throw new BadOptionError(`--min-gain: "${text}" is not a gain in hit-ratio points; give e.g. 1pt, 0.5pt or off`);
  }
  return Number(match[1]);
}

/** `1.3` or `off`: fetches relative to the baseline, above 0. */
export function parseLoad(text: string): number | null {
  if (text.trim() === OFF) return null;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new BadOptionError(`--max-backend-load: "${text}" is not a ratio above 0; give e.g. 1.3 for 30% more fetches than the baseline, or off`);
  }
  return value;
}

const TIME_UNITS_MS: Record<string, number> = { s: 1000, ms: 1, us: 0.001, 'µs': 0.001 };

/** `1ms`, `500us`, `0.002s`, `1` (ms) or `off`: a time in milliseconds. */
export function parseMilliseconds(text: string): number | null {
  if (text.trim() === OFF) return null;
  const match = /^(\d+(?:\.\d+)?)\s*(s|ms|us|µs)?$/.exec(text.trim());
  if (match === null) {
    throw new BadOptionError(`--max-prediction-p99: "${text}" is not a time; give e.g. 1ms, 500us or off`);
  }
  return Number(match[1]) * TIME_UNITS_MS[match[2] ?? 'ms'];
}

/** `0.5` or `off`: a share of issued prefetches in [0, 1]. */
export function parseWaste(text: string): number | null {
  if (text.trim() === OFF) return null;
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) {
    throw new BadOptionError(`--max-waste: "${text}" is not a share in [0, 1]; give e.g. 0.5 for half the issued prefetches evicted unused, or off`);
  }
  return value;
}

import type { Comparison } from '../eval/evaluate.js';
import type { GuardrailCheck, GuardrailName } from '../eval/guardrails.js';
import { compact, duration, fixed, signed } from './format.js';

/** Subject and number formats of each guardrail in sentences. */
const WORDING: Record<
  GuardrailName,
  { subject: string; value: (v: number) => string; limit: (v: number) => string }
> = {
  'min-gain': {
    subject: 'hit-ratio gain',
    value: (v) => `${signed(v, 2)} pt`,
    limit: (v) => `${compact(v)} pt minimum`,
  },
  'max-backend-load': {
    subject: 'backend load',
    value: (v) => `${fixed(v, 2)}×`,
    limit: (v) => `${compact(v)}× limit`,
  },
  'max-prediction-p99': {
    subject: 'prediction p99',
    value: (v) => duration(v),
    limit: (v) => `${duration(v)} limit`,
  },
  'max-waste': {
    subject: 'waste (evicted unused / issued prefetches)',
    value: (v) => fixed(v, 2),
    limit: (v) => `${compact(v)} limit`,
  },
};

/** Short name of a guardrail for tables: its flag. */
export function guardrailFlag(name: GuardrailName): string {
  return `--${name}`;
}

/** `+1.91 to +4.79 pt`: an interval in the guardrail's own units. */
export function intervalText(check: GuardrailCheck): string | null {
  if (check.lower === null || check.upper === null) return null;
  const { value } = WORDING[check.name];
  return `${value(check.lower)} to ${value(check.upper)}`;
}

/** Formats the observed value in the guardrail's units; n/a when not measured. */
export function observedText(check: GuardrailCheck): string {
  return check.observed === null ? 'n/a' : WORDING[check.name].value(check.observed);
}

/** Formats the limit as a phrase: `1 pt minimum`, `1.3× limit`, `off`. */
export function limitText(check: GuardrailCheck): string {
  return check.limit === null ? 'off' : WORDING[check.name].limit(check.limit);
}

/**
 * Writes one sentence that explains a verdict. It names the failed
 * guardrails and by how much, or the intervals that contain their limits,
 * or the gain of a candidate that met every guardrail.
 */
export function verdictReason(comparison: Comparison, level: number): string {
  const percent = `${Math.round(level * 100)}%`;
  const checks = comparison.guardrails;
  const { decision } = comparison.verdict;
  if (decision === 'do not roll out') {
    return checks
      .filter((c) => c.status === 'fail')
      .map((c) => failureText(c, percent))
      .join('; ');
  }
  if (decision === 'inconclusive') {
    return checks
      .filter((c) => comparison.verdict.uncertain.includes(c.name))
      .map((c) =>
        c.status === 'not measured'
          ? `the ${WORDING[c.name].subject} could not be measured: no request was scored`
          : `the ${percent} interval of the ${WORDING[c.name].subject} (${intervalText(c)}) contains the ${limitText(c)}`,
      )
      .join('; ');
  }
  const gain = checks.find((c) => c.name === 'min-gain')!;
  const interval = intervalText(gain);
  const where = interval === null ? '' : ` (${percent} interval ${interval})`;
  return `hit-ratio gain ${observedText(gain)}${where}; every guardrail met`;
}

function failureText(check: GuardrailCheck, percent: string): string {
  const wording = WORDING[check.name];
  const observed = check.observed!;
  const limit = check.limit!;
  const relation = check.name === 'min-gain' ? 'is below the' : 'exceeds the';
  const amount = wording.value(Math.abs(observed - limit)).replace(/^\+/, '');
  const interval = intervalText(check);
  const where = interval === null ? '' : ` (${percent} interval ${interval})`;
  return `${wording.subject} ${wording.value(observed)}${where} ${relation} ${wording.limit(limit)} by ${amount}`;
}

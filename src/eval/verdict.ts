import type { GuardrailCheck, GuardrailName } from './guardrails.js';

/** Decision on a candidate policy. */
export type Decision = 'roll out' | 'do not roll out' | 'inconclusive';

/** The decision and the guardrails that drove it. */
export interface Verdict {
  decision: Decision;
  /** Guardrails that failed: any one of them stops a rollout. */
  failed: GuardrailName[];
  /** Guardrails whose interval contains the limit. */
  uncertain: GuardrailName[];
}

/**
 * Decides on a candidate from its guardrail checks: "do not roll out" when
 * any guardrail failed, otherwise "inconclusive" when any interval
 * contains its limit, otherwise "roll out". Guardrails that are off or had
 * nothing to measure do not count.
 *
 * @example
 * decide([{ name: 'min-gain', status: 'pass' },
 *   { name: 'max-backend-load', status: 'fail' }]).decision; // => 'do not roll out'
 */
export function decide(
  checks: readonly Pick<GuardrailCheck, 'name' | 'status'>[],
): Verdict {
  const failed = checks.filter((c) => c.status === 'fail').map((c) => c.name);
  const uncertain = checks
    .filter((c) => c.status === 'uncertain')
    .map((c) => c.name);
  const decision: Decision =
    failed.length > 0
      ? 'do not roll out'
      : uncertain.length > 0
        ? 'inconclusive'
        : 'roll out';
  return { decision, failed, uncertain };
}

import type { GuardrailCheck, GuardrailName } from './guardrails.js';

/** Decision on a candidate policy. */
export type Decision = 'roll out' | 'do not roll out' | 'inconclusive';

/** The decision and the guardrails that drove it. */
export interface Verdict {
  decision: Decision;
  /** Guardrails that failed: any one of them stops a rollout. */
  failed: GuardrailName[];
  /**
   * Guardrails whose interval contains the limit, and the gain guardrail
   * when there was nothing to measure it on.
   */
  uncertain: GuardrailName[];
}

/**
 * Decides on a candidate from its guardrail checks: "do not roll out" when
 * any guardrail failed, otherwise "inconclusive" when any interval
 * contains its limit or the gain could not be measured (no scored request),
 * otherwise "roll out". Other guardrails that are off or had nothing to
 * measure (no prefetch, no prediction) do not count.
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
    .filter(
      (c) =>
        c.status === 'uncertain' ||
        (c.status === 'not measured' && c.name === 'min-gain'),
    )
    .map((c) => c.name);
  const decision: Decision =
    failed.length > 0
      ? 'do not roll out'
      : uncertain.length > 0
        ? 'inconclusive'
        : 'roll out';
  return { decision, failed, uncertain };
}

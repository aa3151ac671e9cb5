import { BadOptionError, PolicyCheckError } from '../errors.js';
import { checkPolicy } from '../policies/conformance.js';
import { resolvePolicies } from '../policies/loader.js';
import { groupParams, resolveParams } from '../policies/params.js';
import type { CliIo } from './main.js';

/** Parsed options of `simulate check-policy`. */
export interface CheckPolicyArgs {
  policy: string;
  param: string[];
  seed: number;
}

/**
 * Runs the conformance checks on one policy and prints one line per check
 * on stdout. Any failed check makes the command exit with code 1.
 */
export async function runCheckPolicy(args: CheckPolicyArgs, io: CliIo): Promise<void> {
  const [entry] = await resolvePolicies([args.policy]);
  checkOwnParams(args.param, entry.id, entry.params);
  const results = await checkPolicy(entry, { params: args.param, seed: args.seed });
  const lines = results.map(
    (result) => `${result.isSkipped ? 'skip' : result.isPassed ? 'pass' : 'FAIL'}  ${result.name}: ${result.detail}`,
  );
  io.stdout.write(`check-policy ${entry.id} (${args.policy})\n${lines.join('\n')}\n`);
  const failures = results.filter((result) => !result.isPassed);
  if (failures.length > 0) {
    throw new PolicyCheckError(
      `check-policy ${args.policy}: ${failures.length} of ${results.length} checks failed (${failures.map((f) => f.name).join(', ')}); see the FAIL lines above`,
    );
  }
}

/** Rejects parameters of other policies and invalid values up front. */
function checkOwnParams(
  params: string[],
  policyId: string,
  specs: Parameters<typeof resolveParams>[1],
): void {
  const byPolicy = groupParams(params);
  for (const owner of byPolicy.keys()) {
    if (owner !== policyId) {
      throw new BadOptionError(
        `--param: "${owner}" is not the policy under check (${policyId}); write --param ${policyId}.key=value`,
      );
    }
  }
  resolveParams(policyId, specs, byPolicy.get(policyId));
}

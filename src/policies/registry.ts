import { belady } from '../../policies/belady.js';
import { lru } from '../../policies/lru.js';
import { lstm } from '../../policies/lstm.js';
import { nextKey } from '../../policies/next-key.js';
import { oracle } from '../../policies/oracle.js';
import { stride } from '../../policies/stride.js';
import { UnknownPolicyError } from '../errors.js';
import type { PolicyEntry } from './registry-types.js';

/**
 * Built-in policies, in the order help and docs list them. A new built-in
 * is its file in policies/, one line here and one test; CLI help, the
 * conformance suite and docs/policies.md (`npm run docs:policies`) read
 * this list.
 */
export const POLICIES: readonly PolicyEntry[] = [
  lru,
  nextKey,
  lstm,
  stride,
  oracle,
  belady,
];

/** Finds a built-in policy by id; the error lists the known ids. */
export function findPolicy(id: string): PolicyEntry {
  const entry = POLICIES.find((p) => p.id === id);
  if (entry === undefined) {
    throw new UnknownPolicyError(
      `--policy: "${id}" is not a known policy; use one of ${POLICIES.map((p) => p.id).join(', ')}, or a path to a policy module (./my-policy.ts)`,
    );
  }
  return entry;
}

/**
 * Writes docs/policies.md from the policy registry. Run from the
 * repository root: `npm run docs:policies`.
 */
import { writeFileAtomic } from '../src/atomic-write.js';
import { POLICY_DOCS_PATH, renderPolicyDocs } from '../src/policies/policy-docs.js';
import { POLICIES } from '../src/policies/registry.js';

await writeFileAtomic(POLICY_DOCS_PATH, renderPolicyDocs(POLICIES));
process.stdout.write(`${POLICY_DOCS_PATH}\n`);

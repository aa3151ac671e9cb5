/**
 * Writes docs/policies.md and the README's policy table from the policy
 * registry. Run from the repository root: `npm run docs:policies`.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../src/atomic-write.js';
import { POLICY_DOCS_PATH, renderPolicyDocs, withPolicyTable } from '../src/policies/policy-docs.js';
import { POLICIES } from '../src/policies/registry.js';

await writeFileAtomic(POLICY_DOCS_PATH, renderPolicyDocs(POLICIES));
const readme = await readFile('README.md', 'utf8');
await writeFileAtomic('README.md', withPolicyTable(readme, POLICIES));
process.stdout.write(`${POLICY_DOCS_PATH}\nREADME.md\n`);

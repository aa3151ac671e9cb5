import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY_DOCS_PATH, renderPolicyDocs, withPolicyTable } from '../../src/policies/policy-docs.js';
import { POLICIES } from '../../src/policies/registry.js';

const root = join(import.meta.dirname, '..', '..');

describe('policy docs', () => {
  it('matches the registry', () => {
    const page = readFileSync(join(root, POLICY_DOCS_PATH), 'utf8');
    expect(page, 'regenerate it with npm run docs:policies').toBe(renderPolicyDocs(POLICIES));
  });

  it('keeps the README table in step with the registry', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme, 'regenerate it with npm run docs:policies').toBe(withPolicyTable(readme, POLICIES));
  });

  it('lists every policy and parameter', () => {
    const page = renderPolicyDocs(POLICIES);
    for (const entry of POLICIES) {
      expect(page).toContain(`| \`${entry.id}\` | ${entry.summary} |`);
      for (const spec of entry.params) expect(page).toContain(`| \`${entry.id}.${spec.name}\` |`);
    }
  });

  it('escapes a pipe in a summary', () => {
    const page = renderPolicyDocs([{ id: 'p', summary: 'a | b', params: [], create: () => ({ label: 'p', onRequest() {} }) }]);
    expect(page).toContain('| `p` | a \\| b | none |');
  });
});

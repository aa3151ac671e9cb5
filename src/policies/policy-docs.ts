import type { ParamSpec } from './params.js';
import type { PolicyEntry } from './registry-types.js';

/** Path of the page that `npm run docs:policies` writes, from the repository root. */
export const POLICY_DOCS_PATH = 'docs/policies.md';

/**
 * Renders the page of built-in policies from registry entries: a summary
 * table, then each policy's parameters. Generated, so that the page cannot
 * drift from the registry; a test compares the two.
 */
export function renderPolicyDocs(entries: readonly PolicyEntry[]): string {
  const lines = [
    '# Built-in policies',
    '',
    '<!-- Generated from src/policies/registry.ts by `npm run docs:policies`; edit the registry, not this file. -->',
    '',
    'Pass ids to `--policy` (`--policy lru,stride`) and parameters as `--param id.name=value`.',
    'A path to your own module works beside them: see [policies/README.md](../policies/README.md).',
    '',
    '| id | what it does | parameters |',
    '|---|---|---|',
    ...entries.map(
      (entry) =>
        `| \`${entry.id}\` | ${escapeCell(entry.summary)} | ${entry.params.map((spec) => `\`${spec.name}\``).join(', ') || 'none'} |`,
    ),
    '',
  ];
  for (const entry of entries) {
    if (entry.params.length === 0) continue;
    lines.push(
      `## ${entry.id}`,
      '',
      '| parameter | type | default | accepted | meaning |',
      '|---|---|---|---|---|',
      ...entry.params.map(
        (spec) =>
          `| \`${entry.id}.${spec.name}\` | ${spec.type} | ${spec.default} | ${escapeCell(accepted(spec))} | ${escapeCell(spec.description)} |`,
      ),
      '',
    );
  }
  return lines.join('\n');
}

/** Accepted values of a parameter: its range or choices, and its unit. */
function accepted(spec: ParamSpec): string {
  const parts: string[] = [];
  if (spec.choices !== undefined) parts.push(spec.choices.join(', '));
  if (spec.min !== undefined && spec.max !== undefined) {
    parts.push(`${spec.min} to ${spec.max}`);
  } else if (spec.min !== undefined) {
    parts.push(`≥ ${spec.min}`);
  } else if (spec.max !== undefined) {
    parts.push(`≤ ${spec.max}`);
  }
  if (spec.unit !== undefined) parts.push(spec.unit);
  return parts.join('; ') || 'any';
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

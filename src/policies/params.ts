import { BadParameterError } from '../errors.js';

/** One tunable parameter of a policy, as listed in help and docs. */
export interface ParamSpec {
  readonly name: string;
  readonly type: 'number' | 'integer' | 'string';
  readonly default: number | string;
  /** Unit or accepted values, shown in help. */
  readonly unit?: string;
  readonly description: string;
  /** Accepted range for numbers, inclusive. */
  readonly min?: number;
  readonly max?: number;
  /** Accepted values for strings. */
  readonly choices?: readonly string[];
}

export type ParamValues = Record<string, number | string>;

/**
 * Splits `--param policy.key=value` arguments by policy id. The result maps
 * each policy id to its raw `key → value` text.
 */
export function groupParams(args: readonly string[]): Map<string, Map<string, string>> {
  const byPolicy = new Map<string, Map<string, string>>();
  for (const arg of args) {
    const match = /^([^.=]+)\.([^=]+)=(.*)$/.exec(arg);
    if (match === null) {
      throw new BadParameterError(
        `--param: "${arg}" is not of the form policy.key=value (for example lstm.epochs=5)`,
      );
    }
    const [, policyId, key, value] = match;
    let params = byPolicy.get(policyId);
    if (params === undefined) {
      params = new Map();
      byPolicy.set(policyId, params);
    }
    params.set(key, value);
  }
  return byPolicy;
}

/**
 * Checks raw parameter text against a policy's specs and fills defaults.
 * An unknown key or an invalid value names `policy.key` and what is accepted.
 */
export function resolveParams(
  policyId: string,
  specs: readonly ParamSpec[],
  raw: ReadonlyMap<string, string> = new Map(),
): ParamValues {
  const values: ParamValues = {};
  for (const spec of specs) values[spec.name] = spec.default;
  for (const [key, text] of raw) {
    const spec = specs.find((s) => s.name === key);
    if (spec === undefined) {
      const known = specs.map((s) => s.name).join(', ') || 'none';
      throw new BadParameterError(
        `--param ${policyId}.${key}: unknown parameter; ${policyId} accepts: ${known}`,
      );
    }
    values[key] = parseValue(policyId, spec, text);
  }
  return values;
}

function parseValue(policyId: string, spec: ParamSpec, text: string): number | string {
  const where = `--param ${policyId}.${spec.name}`;
  if (spec.type === 'string') {
    if (spec.choices !== undefined && !spec.choices.includes(text)) {
      throw new BadParameterError(
        `${where}: "${text}" is not accepted; use one of ${spec.choices.join(', ')}`,
      );
    }
    return text;
  }
  const value = Number(text);
  const isValid =
    text.trim() !== '' &&
    Number.isFinite(value) &&
    (spec.type === 'number' || Number.isInteger(value));
  const inRange =
    (spec.min === undefined || value >= spec.min) &&
    (spec.max === undefined || value <= spec.max);
  if (!isValid || !inRange) {
    const kind = spec.type === 'integer' ? 'an integer' : 'a number';
    throw new BadParameterError(
      `${where}: "${text}" is not accepted; give ${kind}${rangeText(spec)}`,
    );
  }
  return value;
}

function rangeText(spec: ParamSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) {
    return ` from ${spec.min} to ${spec.max}`;
  }
  if (spec.min !== undefined) return ` of at least ${spec.min}`;
  if (spec.max !== undefined) return ` of at most ${spec.max}`;
  return '';
}

/** Label of a policy: its id plus every parameter that differs from default. */
export function policyLabel(
  policyId: string,
  specs: readonly ParamSpec[],
  values: ParamValues,
): string {
  const changed = specs
    .filter((spec) => values[spec.name] !== spec.default)
    .map((spec) => `${spec.name}=${values[spec.name]}`);
  return changed.length === 0 ? policyId : `${policyId}(${changed.join(',')})`;
}

/**
 * Loads policies named on the command line: built-in ids from the registry,
 * and paths to user modules that default-export a `PolicyModule`.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PolicyLoadError } from '../errors.js';
import type { ParamSpec } from './params.js';
import type { Policy } from './policy.js';
import { findPolicy, POLICIES } from './registry.js';
import type { CreateOptions, PolicyEntry } from './registry-types.js';

/** Extensions `--policy` loads with the TypeScript loader. */
const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'];
/** Extensions `--policy` imports as they are. */
const JAVASCRIPT_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** Lowercase kebab case, as the registry's ids. */
const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Tells whether a `--policy` item names a module file rather than a
 * registry id: it starts with `.` or `/`, or ends in a module extension.
 */
export function isPolicyPath(item: string): boolean {
  const extension = extname(item);
  return (
    item.startsWith('.') ||
    item.startsWith('/') ||
    TYPESCRIPT_EXTENSIONS.includes(extension) ||
    JAVASCRIPT_EXTENSIONS.includes(extension)
  );
}

/**
 * Resolves each `--policy` item to an entry: a registry id, a module path
 * (relative to the working directory) or an entry object passed through.
 * Two different entries with one id are rejected, because `--param id.key`
 * could not tell them apart.
 */
export async function resolvePolicies(
  items: readonly (string | PolicyEntry)[],
): Promise<PolicyEntry[]> {
  const entries: PolicyEntry[] = [];
  for (const item of items) {
    if (typeof item !== 'string') entries.push(item);
    else if (isPolicyPath(item)) entries.push(await loadPolicyModule(item));
    else entries.push(findPolicy(item));
  }
  for (const entry of entries) {
    if (entries.some((other) => other.id === entry.id && other !== entry)) {
      throw new PolicyLoadError(
        `--policy: two policies have the id "${entry.id}"; give one of them another id (export id: '...' from its module)`,
      );
    }
  }
  return entries;
}

/**
 * Imports a policy module and checks its default export. `.ts`, `.mts` and
 * `.cts` files go through tsx, because Node 20 cannot strip types itself;
 * `.js`, `.mjs` and `.cjs` files are imported directly.
 */
export async function loadPolicyModule(path: string): Promise<PolicyEntry> {
  const where = `--policy ${path}`;
  const absolute = resolve(path);
  const extension = extname(absolute);
  const isTypeScript = TYPESCRIPT_EXTENSIONS.includes(extension);
  if (!isTypeScript && !JAVASCRIPT_EXTENSIONS.includes(extension)) {
    throw new PolicyLoadError(
      `${where}: "${extension || 'no extension'}" is not a policy module extension; give a .ts, .mts, .cts, .js, .mjs or .cjs file, or a built-in id (${builtInIds()})`,
    );
  }
  if (!existsSync(absolute) || !statSync(absolute).isFile()) {
    throw new PolicyLoadError(
      `${where}: file not found (looked for ${absolute}); check the path, which is relative to the working directory`,
    );
  }
  const namespace = await importModule(absolute, isTypeScript, where);
  return checkModule(unwrapDefault(namespace), absolute, where);
}

async function importModule(
  absolute: string,
  isTypeScript: boolean,
  where: string,
): Promise<Record<string, unknown>> {
  const url = pathToFileURL(absolute).href;
  try {
    if (!isTypeScript) return await import(url);
    // Loaded on demand: most runs name built-in policies only.
    const { tsImport } = await import('tsx/esm/api');
    return await tsImport(url, import.meta.url);
  } catch (error) {
    throw new PolicyLoadError(
      `${where}: the module failed to load: ${(error as Error)?.message ?? String(error)}`,
    );
  }
}

/**
 * Returns the default export. A `.ts` or `.js` file outside an ES module
 * package is compiled as CommonJS, whose `export default` arrives as
 * `{ __esModule: true, default: … }` on the namespace's default.
 */
function unwrapDefault(namespace: Record<string, unknown>): unknown {
  const exported = namespace.default;
  if (
    typeof exported === 'object' &&
    exported !== null &&
    (exported as { __esModule?: unknown }).__esModule === true &&
    'default' in exported
  ) {
    return (exported as { default: unknown }).default;
  }
  return exported;
}

function checkModule(exported: unknown, absolute: string, where: string): PolicyEntry {
  const module = exported as Partial<PolicyEntry> | undefined;
  if (typeof module !== 'object' || module === null || typeof module.create !== 'function') {
    throw new PolicyLoadError(
      `${where}: the default export is ${describe(exported)}, not a policy; export default { create(options) { return policy; } } as policies/README.md shows`,
    );
  }
  const id = module.id ?? basename(absolute, extname(absolute));
  checkId(id, module.id === undefined, where);
  const params = module.params ?? [];
  checkParamSpecs(params, where);
  const create = module.create.bind(module);
  return {
    id,
    summary: module.summary ?? `policy module ${absolute}`,
    params,
    create: (options: CreateOptions) => checkPolicy(create(options), where),
  };
}

function checkId(id: unknown, isFromFileName: boolean, where: string): void {
  const source = isFromFileName ? 'the file name gives the id' : 'its id is';
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new PolicyLoadError(
      `${where}: ${source} ${JSON.stringify(id)}, which is not lowercase kebab case; export id: 'my-policy' or rename the file`,
    );
  }
  if (POLICIES.some((entry) => entry.id === id)) {
    throw new PolicyLoadError(
      `${where}: ${source} "${id}", which is a built-in policy; export another id or rename the file`,
    );
  }
}

/** Checks a module's parameter specs, so a bad spec fails at load time. */
function checkParamSpecs(params: unknown, where: string): void {
  if (!Array.isArray(params)) {
    throw new PolicyLoadError(`${where}: params is ${describe(params)}; export an array of parameter specs or leave it out`);
  }
  const names = new Set<string>();
  for (const spec of params as ParamSpec[]) {
    const problem = paramSpecProblem(spec);
    const name = typeof spec?.name === 'string' ? spec.name : '?';
    if (problem === undefined && names.has(name)) {
      throw new PolicyLoadError(`${where}: parameter "${name}" is declared twice`);
    }
    if (problem !== undefined) {
      throw new PolicyLoadError(`${where}: parameter "${name}": ${problem}`);
    }
    names.add(name);
  }
}

function paramSpecProblem(spec: ParamSpec): string | undefined {
  if (typeof spec !== 'object' || spec === null) return `the spec is ${describe(spec)}, not an object`;
  if (typeof spec.name !== 'string' || !/^[^.=\s]+$/.test(spec.name)) {
    return 'name must be a non-empty string without ".", "=" or spaces';
  }
  if (typeof spec.description !== 'string') return 'description must be a string';
  if (spec.type === 'string') {
    if (typeof spec.default !== 'string') return 'a string parameter needs a string default';
    if (spec.choices !== undefined && !spec.choices.includes(spec.default)) {
      return `default "${spec.default}" is not among choices ${spec.choices.join(', ')}`;
    }
    return undefined;
  }
  if (spec.type !== 'number' && spec.type !== 'integer') {
    return `type ${JSON.stringify(spec.type)} is not one of number, integer, string`;
  }
  const value = spec.default;
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'a numeric parameter needs a finite number as default';
  if (spec.type === 'integer' && !Number.isInteger(value)) return `default ${value} is not an integer`;
  if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    return `default ${value} is outside its own range [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`;
  }
  return undefined;
}

/** Checks what `create` returned, so a broken policy fails before replay. */
function checkPolicy(policy: Policy, where: string): Policy {
  if (typeof policy !== 'object' || policy === null || typeof policy.onRequest !== 'function') {
    throw new PolicyLoadError(
      `${where}: create() returned ${describe(policy)}, not a policy; return an object with label and onRequest(request, prefetch)`,
    );
  }
  if (typeof policy.label !== 'string' || policy.label === '') {
    throw new PolicyLoadError(
      `${where}: create() returned a policy whose label is ${describe(policy.label)}; set label: options.label`,
    );
  }
  return policy;
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`.trim();
}

function builtInIds(): string {
  return POLICIES.map((entry) => entry.id).join(', ');
}

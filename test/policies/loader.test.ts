import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPolicyPath, loadPolicyModule, resolvePolicies } from '../../src/policies/loader.js';
import { simulate } from '../../src/simulate.js';
import { temporaryDirectory, traceOf } from '../helpers.js';

const dir = temporaryDirectory();

/** Writes a module into the temporary folder and returns its path. */
function moduleFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const PREFETCH_NEXT_ID = `
export default {
  params: [{ name: 'step', type: 'integer', default: 1, min: 1, max: 3, description: 'id step' }],
  create({ params, label }) {
    let keySpace = 0;
    return {
      label,
      async prepare(context) { keySpace = context.dictionary.size; },
      onRequest(request, prefetch) {
        const next = request.keyId + params.step;
        if (next < keySpace) prefetch.push(next);
      },
    };
  },
};
`;

async function loadError(path: string): Promise<{ code: string; message: string }> {
  try {
    await loadPolicyModule(path);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error(`${path} loaded`);
}

describe('isPolicyPath', () => {
  it('tells paths from registry ids', () => {
    expect(isPolicyPath('./mine.ts')).toBe(true);
    expect(isPolicyPath('/abs/mine.js')).toBe(true);
    expect(isPolicyPath('sub/mine.mjs')).toBe(true);
    expect(isPolicyPath('lru')).toBe(false);
    expect(isPolicyPath('next-key')).toBe(false);
  });
});

describe('loadPolicyModule', () => {
  it('loads a TypeScript module', async () => {
    const path = moduleFile(
      'typed-policy.ts',
      `import type { PolicyModule } from 'cache-prefetch-sim';\nconst policy: PolicyModule = { create: ({ label }) => ({ label, onRequest(): void {} }) };\nexport default policy;\n`,
    );
    const entry = await loadPolicyModule(path);
    expect(entry.id).toBe('typed-policy');
    expect(entry.params).toEqual([]);
    expect(entry.create({ params: {}, label: 'typed-policy', settings: { seed: 1 } }).label).toBe('typed-policy');
  });

  it('loads a JavaScript module with its id', async () => {
    const path = moduleFile('whatever.mjs', `export default { id: 'own-id', create: ({ label }) => ({ label, onRequest() {} }) };\n`);
    expect((await loadPolicyModule(path)).id).toBe('own-id');
  });

  it('rejects a missing file', async () => {
    const error = await loadError(join(dir, 'absent.ts'));
    expect(error.code).toBe('POLICY_LOAD');
    expect(error.message).toContain(`file not found (looked for ${join(dir, 'absent.ts')})`);
  });

  it('rejects an unknown extension', async () => {
    const error = await loadError(moduleFile('policy.py', ''));
    expect(error.message).toContain('".py" is not a policy module extension');
  });

  it('rejects a non-policy default export', async () => {
    const error = await loadError(moduleFile('number.mjs', 'export default 42;\n'));
    expect(error.message).toContain('the default export is number 42, not a policy');
  });

  it('rejects a module without a default export', async () => {
    const error = await loadError(moduleFile('named.mjs', 'export const create = () => ({});\n'));
    expect(error.message).toContain('the default export is undefined, not a policy');
  });

  it('reports a module that throws while loading', async () => {
    const error = await loadError(moduleFile('throws.ts', "throw new Error('no model file');\n"));
    expect(error.code).toBe('POLICY_LOAD');
    expect(error.message).toContain('the module failed to load: no model file');
  });

  it('rejects the id of a built-in policy', async () => {
    const error = await loadError(moduleFile('lru.mjs', 'export default { create: () => ({}) };\n'));
    expect(error.message).toContain('the file name gives the id "lru", which is a built-in policy');
  });

  it('rejects an id that is not kebab case', async () => {
    const error = await loadError(moduleFile('My_Policy.mjs', 'export default { create: () => ({}) };\n'));
    expect(error.message).toContain('the file name gives the id "My_Policy", which is not lowercase kebab case');
  });

  it('rejects a default outside its range', async () => {
    const path = moduleFile(
      'bad-spec.mjs',
      "export default { params: [{ name: 'depth', type: 'integer', default: 0, min: 1, description: '' }], create: () => ({}) };\n",
    );
    expect((await loadError(path)).message).toContain('parameter "depth": default 0 is outside its own range [1, ∞]');
  });

  it('rejects a created policy without onRequest', async () => {
    const entry = await loadPolicyModule(moduleFile('hollow.mjs', "export default { create: () => ({ label: 'hollow' }) };\n"));
    expect(() => entry.create({ params: {}, label: 'hollow', settings: { seed: 1 } })).toThrow(
      'create() returned an object, not a policy; return an object with label and onRequest(request, prefetch)',
    );
  });
});

describe('resolvePolicies', () => {
  it('rejects two modules with one id', async () => {
    const a = moduleFile('twin.mjs', "export default { create: () => ({ label: 'twin', onRequest() {} }) };\n");
    await expect(resolvePolicies(['lru', a, a])).rejects.toThrow('two policies have the id "twin"');
  });

  it('runs a module with checked parameters', async () => {
    const path = moduleFile('next-id.mjs', PREFETCH_NEXT_ID);
    const trace = traceOf(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const result = await simulate({
      trace,
      policies: ['lru', path],
      params: ['next-id.step=2'],
      capacities: [{ unit: 'objects', objects: 4 }],
      trainFraction: 0,
    });
    expect(result.runs.map((run) => run.label)).toEqual(['lru', 'next-id(step=2)']);
    await expect(
      simulate({ trace, policies: [path], params: ['next-id.step=9'], capacities: [{ unit: 'objects', objects: 4 }], trainFraction: 0 }),
    ).rejects.toThrow('--param next-id.step: "9" is not accepted; give an integer from 1 to 3');
    await expect(
      simulate({ trace, policies: [path], params: ['next-id.depth=1'], capacities: [{ unit: 'objects', objects: 4 }], trainFraction: 0 }),
    ).rejects.toThrow('--param next-id.depth: unknown parameter; next-id accepts: step');
  });
});

import { describe, expect, it } from 'vitest';
import { simulateInWorkers } from '../src/parallel/simulate-in-workers.js';
import type { Policy, PrepareContext } from '../src/policies/policy.js';
import type { PolicyEntry } from '../src/policies/registry-types.js';
import { simulate } from '../src/simulate.js';
import { generateKeys } from '../src/trace/generate.js';
import { traceOf } from './helpers.js';

const trace = traceOf(Array.from(generateKeys('periodic', 200, 1)));
const capacities = [1, 2, 3].map((objects) => ({ unit: 'objects' as const, objects }));

/** A policy entry that counts prepares, forks and disposals. */
function countingEntry(canFork: boolean) {
  const counts = { prepared: 0, forked: 0, disposed: 0 };
  const policyOf = (): Policy => {
    const policy: Policy = {
      label: 'counting',
      async prepare(_context: PrepareContext) {
        counts.prepared++;
      },
      dispose() {
        counts.disposed++;
      },
    };
    if (canFork) {
      policy.fork = () => {
        counts.forked++;
        return policyOf();
      };
    }
    return policy;
  };
  const entry: PolicyEntry = { id: 'counting', summary: 'counts', params: [], create: policyOf };
  return { entry, counts };
}

describe('simulate', () => {
  it('prepares a forking policy once', async () => {
    const { entry, counts } = countingEntry(true);
    const result = await simulate({ trace, policies: [entry], capacities, trainFraction: 0.2 });
    expect(result.runs).toHaveLength(3);
    expect(counts.prepared).toBe(1);
    // One fork kept for later capacities, then one per capacity.
    expect(counts.forked).toBe(3);
    expect(counts.disposed).toBe(4);
  });

  it('disposes the kept fork on failure', async () => {
    const { entry, counts } = countingEntry(true);
    const failing: PolicyEntry = {
      ...entry,
      create: (options) => {
        const policy = entry.create(options);
        policy.onRequest = () => {
          throw new Error('replay failed');
        };
        return policy;
      },
    };
    await expect(simulate({ trace, policies: [failing], capacities, trainFraction: 0.2 })).rejects.toThrow('replay failed');
    expect(counts.disposed).toBe(counts.forked + 1);
  });

  it('prepares other policies per capacity', async () => {
    const { entry, counts } = countingEntry(false);
    await simulate({ trace, policies: [entry], capacities, trainFraction: 0.2 });
    expect(counts.prepared).toBe(3);
    expect(counts.disposed).toBe(3);
  });
});

describe('simulateInWorkers', () => {
  it('trains lstm once over capacities', async () => {
    const log: string[] = [];
    const params = ['lstm.window=3', 'lstm.embedding=2', 'lstm.units=4', 'lstm.epochs=1', 'lstm.inference=tfjs'];
    const result = await simulateInWorkers({
      trace,
      policies: ['lru', 'lstm'],
      params,
      capacities: capacities.slice(0, 2),
      trainFraction: 0.2,
      log: (line) => log.push(line),
    }, 2);
    expect(result.runs.map((run) => `${run.policyId}@${run.capacity.unit === 'objects' ? run.capacity.objects : 0}`))
      .toEqual(['lru@1', 'lru@2', 'lstm@1', 'lstm@2']);
    expect(log.filter((line) => line.startsWith('lstm: training'))).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { generateKeys } from '../../src/trace/generate.js';
import { outcomeString, traceOf } from '../helpers.js';

const sequential = traceOf(Array.from(generateKeys('sequential', 500, 1)));
const capacity = [{ unit: 'objects' as const, objects: 10 }];

describe('oracle', () => {
  it('removes every miss but the first on a sequential trace at zero latency', async () => {
    const result = await simulate({ trace: sequential, policies: ['lru', 'oracle'], capacities: capacity, trainFraction: 0 });
    const [lruRun, oracleRun] = result.runs;
    expect(lruRun.counters.misses).toBe(500);
    expect(oracleRun.counters.misses).toBe(1);
    expect(oracleRun.counters.hits).toBe(499);
    expect(oracleRun.isBound).toBe(true);
  });

  it('arrives late when the fetch takes longer than the gap between requests', async () => {
    // Requests are 1 time unit apart and a fetch takes 1.5: each prefetch
    // issued at request i lands half a unit after request i + 1 arrives.
    const result = await simulate({
      trace: sequential,
      policies: ['oracle'],
      capacities: capacity,
      trainFraction: 0,
      fetchLatency: { kind: 'fixed', value: 1.5 },
    });
    const { counters } = result.runs[0];
    expect(counters.latePrefetches).toBe(499);
    expect(counters.delayedHits).toBe(499);
    expect(counters.hits).toBe(0);
    expect(counters.totalLatency).toBeCloseTo(1.5 + 499 * 0.5);
  });
});

describe('belady', () => {
  it('evicts the key needed farthest in the future', async () => {
    // Capacity 2: at c, a is needed next and b later, so b is evicted.
    const trace = traceOf(['a', 'b', 'c', 'a', 'b']);
    const result = await simulate({
      trace,
      policies: ['lru', 'belady'],
      capacities: [{ unit: 'objects', objects: 2 }],
      trainFraction: 0,
    });
    expect(outcomeString(result.runs[0].outcomes)).toBe('MMMMM');
    expect(outcomeString(result.runs[1].outcomes)).toBe('MMMHM');
  });
});

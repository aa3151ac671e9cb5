import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { lru } from '../../policies/lru.js';
import { ReplayEngine } from '../../src/sim/engine.js';
import { Op, TraceBuilder, type Trace } from '../../src/trace/trace.js';

// This test has a file of its own, because it needs the replay loop cold.
// V8 then optimises the loop while it runs (on-stack replacement), and that
// code had boxed the byte sums held in locals, one heap number per request.

const REQUESTS = 2_000_000;
const SIZES = [512, 4096, 65_536, 1_048_576];

/**
 * Requests over 50,000 keys of sizes up to 1 MiB, so that the sizes column
 * is 32-bit and byte sums pass 2^31 early, as in a real block trace. With
 * one size of 4 KiB the loop did not box, and the test could not fail.
 */
function trace(): Trace {
  const builder = new TraceBuilder();
  let key = 1;
  for (let i = 0; i < REQUESTS; i++) {
    key = (key * 48_271) % 2_147_483_647;
    builder.add(i, String(key % 50_000), SIZES[key & 3], Op.Read);
  }
  return builder.build('allocation', 'index');
}

/** Runs `work` and returns how many minor (young generation) collections it caused. */
async function minorCollections(work: () => void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry.detail as { kind?: number } | undefined)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  work();
  // Entries reach the observer on a later turn of the event loop.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return count;
}

describe('replay loop allocation', () => {
  it('allocates nothing per zero-latency lru request', async () => {
    const requests = trace();
    const engine = new ReplayEngine(requests, lru.create({ params: {}, label: 'lru', settings: { seed: 1 } }), {
      capacity: { unit: 'objects', objects: 1000 },
      scoredStart: REQUESTS / 5,
    });
    let requestedBytes = 0;
    const collections = await minorCollections(() => {
      requestedBytes = engine.run().counters.requestedBytes;
    });
    expect(requestedBytes).toBeGreaterThan(2 ** 31);
    // With a heap number per request, this test saw 7 collections (Node 20);
    // without, none.
    expect(collections).toBeLessThanOrEqual(3);
  });
});

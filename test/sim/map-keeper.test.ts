import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// V8's flags and its deoptimisation trace are per process, so the replays
// run in a child process on the build in dist/ (as the CLI binary test does).
const DIST = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'src')).href;

const REPLAYS = `
const { simulate } = await import('${DIST}/index.js');
const { TraceBuilder, Op } = await import('${DIST}/trace/trace.js');
const builder = new TraceBuilder();
for (let i = 0; i < 200000; i++) builder.add(i, String((i * 7919) % 5000), 1, Op.Read);
const trace = builder.build('map-keeper', 'index');
for (let run = 0; run < 3; run++) {
  await simulate({ trace, policies: ['lru'], capacities: [{ unit: 'objects', objects: 1000 }], trainFraction: 0 });
  globalThis.gc();
  globalThis.gc();
}
`;

/** The replay loop and the store methods it runs, as V8's trace names them. */
const LRU_LOOP = new Set([
  'replayDenseWithoutPrefetching',
  'sizeOf',
  'set',
  '#chargeOf',
  '#evictLeastRecent',
  '#linkFirst',
  '#unlink',
  '#remove',
  '#takeSlot',
]);

/**
 * Names of the functions of the lru loop whose optimised code V8 discarded
 * because an object it relied on was freed. Node's own functions do that
 * too, at random, so they are left out.
 */
function loopFunctionsLosingWeakObjects(trace: string): string[] {
  const pattern = /SharedFunctionInfo ([^>]+)>\) \(opt id \d+\) for deoptimization, reason: weak objects/g;
  return [...trace.matchAll(pattern)].map((match) => match[1]).filter((name) => LRU_LOOP.has(name));
}

describe('DenseLruStore map keeper', () => {
  it('keeps the lru loop optimised across collections', () => {
    // With no retained maps, a full collection between runs frees every map
    // that no live object uses.
    const trace = execFileSync(
      process.execPath,
      ['--expose-gc', '--retain-maps-for-n-gc=0', '--trace-deopt', '--input-type=module', '-e', REPLAYS],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    expect(trace).toContain('deoptimizing');
    expect(loopFunctionsLosingWeakObjects(trace)).toEqual([]);
  });
});

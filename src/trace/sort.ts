import type { Trace } from './trace.js';

/**
 * Returns the trace with its requests in time order; requests with equal
 * times keep their file order. Key ids are renumbered so that they are
 * still in order of first appearance. Costs O(n log n) time and a copy of
 * every column.
 */
export function sortByTime(trace: Trace): Trace {
  const n = trace.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const times = trace.times;
  order.sort((a, b) => times[a] - times[b] || a - b);

  const keyIds = new Uint32Array(n);
  const renumbered = new Int32Array(trace.keys.length).fill(-1);
  const keys: string[] = [];
  const sortedTimes = new Float64Array(n);
  const sizes = new Float64Array(n);
  const ops = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const from = order[i];
    const oldId = trace.keyIds[from];
    if (renumbered[oldId] === -1) {
      renumbered[oldId] = keys.length;
      keys.push(trace.keys[oldId]);
    }
    keyIds[i] = renumbered[oldId];
    sortedTimes[i] = times[from];
    sizes[i] = trace.sizes[from];
    ops[i] = trace.ops[from];
  }
  return {
    ...trace,
    times: sortedTimes,
    keyIds,
    sizes,
    ops,
    keys,
    stats: { ...trace.stats, backwardTimestamps: 0 },
  };
}

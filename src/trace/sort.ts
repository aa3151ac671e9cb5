import { sharedColumn, type ColumnType } from './columns.js';
import type { SizeColumn, TimeColumn, Trace } from './trace.js';

/**
 * Returns the trace with its requests in time order; requests with equal
 * times keep their file order. Key ids are renumbered so that they are
 * still in order of first appearance, and the count of requests that
 * change their key's size is taken again in the new order. Costs
 * O(n log n) time and a copy of every column, unless the trace is in
 * order already.
 */
export function sortByTime(trace: Trace): Trace {
  if (trace.stats.backwardTimestamps === 0) return trace;
  const n = trace.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const times = trace.times;
  order.sort((a, b) => times[a] - times[b] || a - b);

  const keyIds = sharedColumn(Uint32Array, n);
  const renumbered = new Int32Array(trace.keys.length).fill(-1);
  const keys: string[] = [];
  // The sorted columns keep the element types of the trace's columns.
  const sortedTimes = sharedColumn(times.constructor as ColumnType<TimeColumn>, n);
  const sizes = sharedColumn(trace.sizes.constructor as ColumnType<SizeColumn>, n);
  const ops = sharedColumn(Uint8Array, n);
  const latestSize = new Float64Array(trace.keys.length);
  let resizedRequests = 0;
  for (let i = 0; i < n; i++) {
    const from = order[i];
    const oldId = trace.keyIds[from];
    const size = trace.sizes[from];
    if (renumbered[oldId] === -1) {
      renumbered[oldId] = keys.length;
      keys.push(trace.keys[oldId]);
    } else if (latestSize[oldId] !== size) {
      resizedRequests++;
    }
    latestSize[oldId] = size;
    keyIds[i] = renumbered[oldId];
    sortedTimes[i] = times[from];
    sizes[i] = size;
    ops[i] = trace.ops[from];
  }
  return {
    ...trace,
    times: sortedTimes,
    keyIds,
    sizes,
    ops,
    keys,
    stats: { ...trace.stats, backwardTimestamps: 0, resizedRequests },
  };
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrace } from '../../src/trace/load.js';
import { temporaryDirectory } from '../helpers.js';

const dir = temporaryDirectory();

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('sortByTime', () => {
  it('counts size changes in the new order', async () => {
    const path = file('h.csv', 'time,key,size\n2,a,5\n1,a,7\n3,a,7\n');
    const loaded = await loadTrace(path, { sortByTime: true });
    expect(Array.from(loaded.trace.sizes)).toEqual([7, 5, 7]);
    expect(loaded.trace.stats.resizedRequests).toBe(2);
  });

  it('returns a trace in order unchanged', async () => {
    const path = file('i.csv', 'time,key\n1,a\n1,b\n2,a\n');
    const unsorted = await loadTrace(path);
    const sorted = await loadTrace(path, { sortByTime: true });
    expect(Array.from(sorted.trace.keyIds)).toEqual(Array.from(unsorted.trace.keyIds));
    expect(sorted.sortedBackwardTimestamps).toBe(0);
  });
});

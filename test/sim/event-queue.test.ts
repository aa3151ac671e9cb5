import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FetchQueue } from '../../src/sim/event-queue.js';

describe('FetchQueue', () => {
  it('pops in time order, ties in push order', () => {
    const queue = new FetchQueue();
    queue.push(5, 1);
    queue.push(2, 2);
    queue.push(5, 3);
    queue.push(2, 4);
    const popped: [number, number][] = [];
    while (queue.size > 0) {
      popped.push([queue.peekTime(), queue.peekKeyId()]);
      queue.pop();
    }
    expect(popped).toEqual([[2, 2], [2, 4], [5, 1], [5, 3]]);
    expect(queue.peekTime()).toBe(Infinity);
  });

  it('matches a stable sort under interleaved pushes and pops', () => {
    // Many equal times test the tie rule; more than 64 entries test growth.
    const step = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant('pop' as const));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 500 }), (steps) => {
        const queue = new FetchQueue();
        const reference: { time: number; keyId: number }[] = [];
        let nextKeyId = 0;
        for (const s of steps) {
          if (s === 'pop') {
            if (reference.length === 0) continue;
            // Earliest time, then earliest push among equal times.
            let earliest = 0;
            for (let i = 1; i < reference.length; i++) {
              if (reference[i].time < reference[earliest].time) earliest = i;
            }
            const [expected] = reference.splice(earliest, 1);
            expect(queue.peekTime()).toBe(expected.time);
            expect(queue.peekKeyId()).toBe(expected.keyId);
            queue.pop();
          } else {
            reference.push({ time: s, keyId: nextKeyId });
            queue.push(s, nextKeyId);
            nextKeyId++;
          }
          expect(queue.size).toBe(reference.length);
        }
      }),
      { numRuns: 200, seed: 21 },
    );
  });
});

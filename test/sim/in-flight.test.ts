import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InFlightFetches } from '../../src/sim/in-flight.js';
import { NOT_IN_FLIGHT } from '../../src/sim/key-records.js';

interface Entry {
  until: number;
  isPrefetch: boolean;
}

/**
 * 60 ids spread over a million, so that some share a home slot and probe
 * runs form, plus ids that differ by the filter's size, which share a
 * filter bucket. More than 32 at once make the table grow.
 */
const KEYS = [
  ...Array.from({ length: 60 }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 12) % 1_000_000),
  7,
  7 + 4096,
  7 + 2 * 4096,
];
const arbitraryKey = fc.constantFrom(...KEYS);

const arbitraryOperation = fc.oneof(
  fc.record({ kind: fc.constant('start' as const), keyId: arbitraryKey, until: fc.nat(100), isPrefetch: fc.boolean() }),
  fc.record({ kind: fc.constant('finish' as const), keyId: arbitraryKey }),
  fc.record({ kind: fc.constant('claim' as const), keyId: arbitraryKey }),
  fc.record({ kind: fc.constant('setUntil' as const), keyId: arbitraryKey, until: fc.nat(100) }),
);

/** Completion time of each of KEYS, looked up in `fetches`. */
function lookupsOf(fetches: InFlightFetches): number[] {
  return KEYS.map((keyId) => fetches.untilOf(keyId));
}

describe('InFlightFetches', () => {
  it('matches a Map after every operation', () => {
    fc.assert(
      fc.property(fc.array(arbitraryOperation, { minLength: 150, maxLength: 300 }), (operations) => {
        const fetches = new InFlightFetches();
        const model = new Map<number, Entry>();
        for (const operation of operations) {
          const entry = model.get(operation.keyId);
          switch (operation.kind) {
            case 'start':
              if (entry !== undefined) continue;
              fetches.start(operation.keyId, operation.until, operation.isPrefetch);
              model.set(operation.keyId, { until: operation.until, isPrefetch: operation.isPrefetch });
              break;
            case 'finish':
              expect(fetches.finish(operation.keyId)).toBe(entry?.isPrefetch ?? false);
              model.delete(operation.keyId);
              break;
            case 'claim':
              expect(fetches.claim(operation.keyId)).toBe(entry?.isPrefetch ?? false);
              if (entry !== undefined) entry.isPrefetch = false;
              break;
            case 'setUntil':
              if (entry === undefined) continue;
              fetches.setUntil(operation.keyId, operation.until);
              entry.until = operation.until;
              break;
          }
          expect(fetches.size).toBe(model.size);
          expect(lookupsOf(fetches)).toEqual(KEYS.map((keyId) => model.get(keyId)?.until ?? NOT_IN_FLIGHT));
        }
        const unclaimed = [...model.values()].filter((entry) => entry.isPrefetch).length;
        expect(fetches.unclaimedPrefetches()).toBe(unclaimed);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('keeps Infinity for a queued fetch', () => {
    const fetches = new InFlightFetches();
    fetches.start(5, Infinity, false);
    expect(fetches.untilOf(5)).toBe(Infinity);
    fetches.setUntil(5, 12);
    expect(fetches.untilOf(5)).toBe(12);
  });
});

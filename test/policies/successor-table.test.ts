import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SuccessorTable } from '../../src/policies/successor-table.js';

/** Exact successor counts, with the best as the first to reach the top count. */
class ExactSuccessors {
  readonly counts = new Map<number, Map<number, number>>();
  readonly best = new Map<number, { successor: number; count: number }>();
  readonly totals = new Map<number, number>();

  add(previous: number, next: number): void {
    let row = this.counts.get(previous);
    if (row === undefined) this.counts.set(previous, (row = new Map()));
    const count = (row.get(next) ?? 0) + 1;
    row.set(next, count);
    this.totals.set(previous, (this.totals.get(previous) ?? 0) + 1);
    if (count > (this.best.get(previous)?.count ?? 0)) this.best.set(previous, { successor: next, count });
  }

  count(previous: number, next: number): number {
    return this.counts.get(previous)?.get(next) ?? 0;
  }
}

/** Pairs (previous, next) with next drawn from `successors` values. */
function pairs(keys: number, successors: number, maxLength: number) {
  return fc.array(fc.tuple(fc.nat(keys - 1), fc.nat(successors - 1)), { maxLength });
}

describe('SuccessorTable', () => {
  it('counts successors and keeps the first best on a tie', () => {
    const table = new SuccessorTable(3, 2);
    table.add(0, 1);
    table.add(0, 2);
    table.add(0, 2);
    table.add(0, 1);
    expect(table.count(0, 1)).toBe(2);
    expect(table.count(0, 2)).toBe(2);
    expect(table.bestSuccessor(0)).toBe(2);
    expect(table.bestCount(0)).toBe(2);
    expect(table.total(0)).toBe(4);
    expect(table.bestSuccessor(1)).toBe(-1);
    expect(table.bestCount(1)).toBe(0);
  });

  it('decrements every slot for a successor that finds none free', () => {
    const table = new SuccessorTable(1, 2);
    table.add(0, 1);
    table.add(0, 1);
    table.add(0, 2);
    table.add(0, 3);
    // 3 found both slots taken: 1 drops to 1, 2 drops to 0 and frees its slot.
    expect(table.count(0, 1)).toBe(1);
    expect(table.count(0, 2)).toBe(0);
    expect(table.count(0, 3)).toBe(0);
    expect(table.total(0)).toBe(4);
    table.add(0, 3);
    expect(table.count(0, 3)).toBe(1);
    expect(table.bestSuccessor(0)).toBe(1);
  });

  it('forgets the best when every slot empties', () => {
    const table = new SuccessorTable(1, 1);
    table.add(0, 1);
    table.add(0, 2);
    expect(table.bestSuccessor(0)).toBe(-1);
    expect(table.bestCount(0)).toBe(0);
    table.add(0, 2);
    expect(table.bestSuccessor(0)).toBe(2);
  });

  it('is exact while no key has more successors than slots', () => {
    fc.assert(
      fc.property(pairs(6, 4, 400), (added) => {
        const table = new SuccessorTable(6, 4);
        const exact = new ExactSuccessors();
        for (const [previous, next] of added) {
          table.add(previous, next);
          exact.add(previous, next);
          expect(table.bestSuccessor(previous)).toBe(exact.best.get(previous)!.successor);
          expect(table.bestCount(previous)).toBe(exact.best.get(previous)!.count);
        }
        for (let previous = 0; previous < 6; previous++) {
          expect(table.total(previous)).toBe(exact.totals.get(previous) ?? 0);
          for (let next = 0; next < 4; next++) {
            expect(table.count(previous, next)).toBe(exact.count(previous, next));
          }
        }
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('keeps the Misra–Gries bounds when keys overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), pairs(3, 12, 600), (slots, added) => {
        const table = new SuccessorTable(3, slots);
        const exact = new ExactSuccessors();
        for (const [previous, next] of added) {
          table.add(previous, next);
          exact.add(previous, next);
        }
        for (let previous = 0; previous < 3; previous++) {
          const total = exact.totals.get(previous) ?? 0;
          expect(table.total(previous)).toBe(total);
          for (let next = 0; next < 12; next++) {
            const truth = exact.count(previous, next);
            const stored = table.count(previous, next);
            // Never above the truth, and short of it by at most total / (slots + 1).
            expect(stored).toBeLessThanOrEqual(truth);
            expect(truth - stored).toBeLessThanOrEqual(total / (slots + 1));
          }
          let highest = 0;
          for (let next = 0; next < 12; next++) highest = Math.max(highest, table.count(previous, next));
          expect(table.bestCount(previous)).toBe(highest);
        }
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});

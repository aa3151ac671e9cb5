import { describe, expect, it } from 'vitest';
import { claimOrder, type SweepJob } from '../../src/parallel/claim-order.js';

function jobsOf(policyIds: string[], objects: number[]): SweepJob[] {
  return policyIds.flatMap((policyId) => objects.map((count) => ({ policyId, capacity: { unit: 'objects' as const, objects: count } })));
}

describe('claimOrder', () => {
  it('puts larger capacities first', () => {
    const jobs = jobsOf(['lru'], [100, 500, 200]);
    expect(claimOrder([0, 1, 2], jobs, 1000)).toEqual([1, 2, 0]);
  });

  it('puts capacities holding every key last', () => {
    const jobs = jobsOf(['lru'], [100, 5000, 500, 1000]);
    expect(claimOrder([0, 1, 2, 3], jobs, 1000)).toEqual([2, 0, 1, 3]);
  });

  it('keeps the policy order', () => {
    const jobs = jobsOf(['next-key', 'lru'], [100, 500]);
    expect(claimOrder([0, 1, 2, 3], jobs, 1000)).toEqual([1, 0, 3, 2]);
  });

  it('keeps byte capacities in order', () => {
    const jobs: SweepJob[] = [64, 16, 32].map((bytes) => ({ policyId: 'lru', capacity: { unit: 'bytes', bytes } }));
    expect(claimOrder([0, 1, 2], jobs, 10)).toEqual([0, 1, 2]);
  });

  it('orders only the given jobs', () => {
    const jobs = jobsOf(['lstm', 'lru'], [100, 500]);
    expect(claimOrder([2, 3], jobs, 1000)).toEqual([3, 2]);
  });
});

import { describe, expect, it } from 'vitest';
import { JobClaims } from '../../src/parallel/job-claims.js';

describe('JobClaims', () => {
  it('hands out each job once', () => {
    const claims = new JobClaims(3);
    const other = new JobClaims(3, claims.buffer);
    expect([claims.next(), other.next(), claims.next(), other.next()]).toEqual([0, 1, 2, undefined]);
  });

  it('keeps the first idle thread', () => {
    const claims = new JobClaims(1);
    expect(claims.firstIdle()).toBeUndefined();
    claims.noteIdle(0);
    new JobClaims(1, claims.buffer).noteIdle(7);
    expect(claims.firstIdle()).toBe(0);
  });
});

/**
 * Hit-ratio gain of a candidate over a baseline, in percentage points, over
 * the given metrics windows: 100 × (candidate hits − baseline hits) /
 * requests. Both replays saw the same requests, so the windows hold the
 * same request counts. Summing before dividing weights each window by its
 * requests, so over all windows this equals the difference of the two
 * overall hit ratios.
 *
 * Time: O(windows).
 *
 * @param windows window indices to sum over; a window may repeat
 * @returns the gain in points, or `NaN` when the windows hold no request
 * @example
 * const baseline = { requests: [10, 10], hits: [2, 4] };
 * const candidate = { requests: [10, 10], hits: [5, 4] };
 * hitRatioGain(candidate, baseline, [0, 1]); // => 15
 */
export function hitRatioGain(
  candidate: { hits: ArrayLike<number> },
  baseline: { requests: ArrayLike<number>; hits: ArrayLike<number> },
  windows: ArrayLike<number>,
): number {
  let hitDifference = 0;
  let requests = 0;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i];
    hitDifference += candidate.hits[w] - baseline.hits[w];
    requests += baseline.requests[w];
  }
  return requests === 0 ? NaN : (100 * hitDifference) / requests;
}

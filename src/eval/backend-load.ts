/**
 * Backend load of a candidate relative to a baseline over the given metrics
 * windows: candidate fetches / baseline fetches, where fetches are demand
 * misses plus issued prefetches. 1.3 means 30% more traffic to the backend
 * than the baseline sent for the same requests.
 *
 * Time: O(windows).
 *
 * @param windows window indices to sum over; a window may repeat
 * @returns the ratio; `Infinity` or `NaN` when the baseline made no fetch
 * in these windows
 * @example
 * backendLoad({ fetches: [6, 7] }, { fetches: [5, 5] }, [0, 1]); // => 1.3
 */
export function backendLoad(
  candidate: { fetches: ArrayLike<number> },
  baseline: { fetches: ArrayLike<number> },
  windows: ArrayLike<number>,
): number {
  let candidateFetches = 0;
  let baselineFetches = 0;
  for (let i = 0; i < windows.length; i++) {
    candidateFetches += candidate.fetches[windows[i]];
    baselineFetches += baseline.fetches[windows[i]];
  }
  return candidateFetches / baselineFetches;
}

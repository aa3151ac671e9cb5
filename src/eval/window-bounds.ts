/**
 * Metrics windows: the scored requests cut into consecutive spans of near
 * equal length, so that each metric can be computed per window and two
 * policies compared window by window.
 */

/**
 * Splits `requestCount` scored requests into `windowCount` consecutive
 * windows. Window `w` covers requests `[bounds[w], bounds[w + 1])`; lengths
 * differ by at most one request.
 *
 * Time: O(windowCount).
 *
 * @param requestCount scored requests, at least `windowCount`
 * @param windowCount number of windows, at least 1
 * @returns `windowCount + 1` ascending offsets from 0 to `requestCount`
 * @throws {RangeError} when `windowCount` is not a whole number in
 * `[1, requestCount]`
 * @example
 * windowBounds(10, 3); // => Int32Array [0, 3, 6, 10]
 */
export function windowBounds(
  requestCount: number,
  windowCount: number,
): Int32Array {
  if (
    !Number.isInteger(windowCount) ||
    windowCount < 1 ||
    windowCount > requestCount
  ) {
    throw new RangeError(
      `windowBounds: ${windowCount} windows cannot split ${requestCount} requests; use a whole number from 1 to ${requestCount}`,
    );
  }
  const bounds = new Int32Array(windowCount + 1);
  for (let w = 0; w <= windowCount; w++) {
    bounds[w] = Math.floor((w * requestCount) / windowCount);
  }
  return bounds;
}

/**
 * Cuts the scored requests into the metrics windows of an evaluation:
 * `requestedWindows` windows, or one per request when there are fewer
 * requests than that. With nothing scored there is a single empty window,
 * whose ratios are all not applicable.
 *
 * @param scoredRequests scored requests, at least 0
 * @param requestedWindows windows asked for, at least 1
 * @example
 * metricsWindowBounds(3, 50); // => Int32Array [0, 1, 2, 3]
 * metricsWindowBounds(0, 50); // => Int32Array [0, 0]
 */
export function metricsWindowBounds(
  scoredRequests: number,
  requestedWindows: number,
): Int32Array {
  if (scoredRequests === 0) return Int32Array.of(0, 0);
  const windows = Math.max(1, Math.min(requestedWindows, scoredRequests));
  return windowBounds(scoredRequests, windows);
}

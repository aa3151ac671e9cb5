/**
 * Exact LRU stack distances (Mattson et al., "Evaluation techniques for
 * storage hierarchies", IBM Systems Journal, 1970): the reuse distance of
 * a request is the number of distinct other keys requested since the
 * previous request for its key. An LRU cache of C objects hits exactly the
 * requests whose distance is below C, so one pass gives the hit ratio of
 * every capacity.
 *
 * Each key keeps one mark in a Fenwick tree at the position of its latest
 * request, so the distance is the number of marks after that position:
 * O(n log n) time and O(n + keys) memory.
 */
export interface ReuseDistances {
  /** Requests for a key never requested before (cold misses). */
  firstRequests: number;
  /** `counts[d]` = requests with reuse distance d, for d < distinct keys. */
  counts: Float64Array;
}

export function reuseDistances(keyIds: Uint32Array, keyCount: number): ReuseDistances {
  const n = keyIds.length;
  const tree = new Int32Array(n + 1);
  const latest = new Float64Array(keyCount).fill(-1);
  const counts = new Float64Array(Math.max(1, keyCount));
  let firstRequests = 0;
  let marks = 0;
  for (let i = 0; i < n; i++) {
    const keyId = keyIds[i];
    const previous = latest[keyId];
    if (previous === -1) {
      firstRequests++;
    } else {
      // Marks at positions <= previous belong to keys not seen since.
      counts[marks - prefixSum(tree, previous + 1)]++;
      addAt(tree, previous + 1, -1);
      marks--;
    }
    addAt(tree, i + 1, 1);
    marks++;
    latest[keyId] = i;
  }
  return { firstRequests, counts };
}

/** Sum of the Fenwick tree's entries 1..position. */
function prefixSum(tree: Int32Array, position: number): number {
  let sum = 0;
  for (let p = position; p > 0; p -= p & -p) sum += tree[p];
  return sum;
}

function addAt(tree: Int32Array, position: number, delta: number): void {
  for (let p = position; p < tree.length; p += p & -p) tree[p] += delta;
}

/** Share of requests an LRU cache of `capacity` objects would hit. */
export function lruHitRatio(distances: ReuseDistances, requests: number, capacity: number): number {
  let hits = 0;
  const limit = Math.min(capacity, distances.counts.length);
  for (let d = 0; d < limit; d++) hits += distances.counts[d];
  return requests === 0 ? 0 : hits / requests;
}

/** Requests whose reuse distance lies in [low, high]. */
export interface DistanceBucket {
  low: number;
  high: number;
  requests: number;
}

/**
 * Histogram over powers of two: distance 0, then 1, 2-3, 4-7, and so on up
 * to the largest possible distance (distinct keys - 1).
 */
export function powerOfTwoHistogram(distances: ReuseDistances): DistanceBucket[] {
  const counts = distances.counts;
  const buckets: DistanceBucket[] = [{ low: 0, high: 0, requests: counts[0] }];
  for (let low = 1; low < counts.length; low *= 2) {
    const high = Math.min(low * 2 - 1, counts.length - 1);
    let requests = 0;
    for (let d = low; d <= high; d++) requests += counts[d];
    buckets.push({ low, high, requests });
  }
  return buckets;
}

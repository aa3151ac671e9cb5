/**
 * How well the previous key predicts the next one.
 *
 * For request i >= 1 with predecessor key p = key[i-1]:
 *
 * - online share: key[i] equals the successor that has followed p most
 *   often among requests before i (ties keep the earlier leader), which is
 *   what a first-order next-key predictor learning as it goes achieves;
 * - ceiling: the accuracy of the best predictor that sees only p, with the
 *   whole trace known in advance. It predicts, for each p, the successor
 *   that follows p most often in the whole trace, so its accuracy is
 *   sum over p of max over s of count(p, s), divided by n - 1. No
 *   predictor that sees only the previous key can do better.
 */
export interface SuccessorStats {
  /** Requests that have a predecessor: n - 1. */
  requestsWithPredecessor: number;
  /** Requests whose key equals their predecessor's key. */
  repeats: number;
  /** Requests matching their predecessor's most frequent successor so far. */
  onlineMatches: number;
  /** Requests the best fixed previous-key predictor gets right. */
  ceilingMatches: number;
}

export function successorStats(keyIds: Uint32Array, keyCount: number): SuccessorStats {
  const n = keyIds.length;
  let repeats = 0;
  for (let i = 1; i < n; i++) if (keyIds[i] === keyIds[i - 1]) repeats++;
  return {
    requestsWithPredecessor: Math.max(0, n - 1),
    repeats,
    onlineMatches: onlineMatches(keyIds, keyCount),
    ceilingMatches: ceilingMatches(keyIds, keyCount),
  };
}

/** Replays the trace with a successor table learnt online. */
function onlineMatches(keyIds: Uint32Array, keyCount: number): number {
  // Pair codes previous * keyCount + next are exact below 2^53, that is
  // for fewer than 94 million keys; beyond that a string code is used.
  const isNumeric = keyCount * keyCount < Number.MAX_SAFE_INTEGER;
  const pairCounts = new Map<number | string, number>();
  const best = new Int32Array(keyCount).fill(-1);
  const bestCount = new Uint32Array(keyCount);
  let matches = 0;
  for (let i = 1; i < keyIds.length; i++) {
    const previous = keyIds[i - 1];
    const next = keyIds[i];
    if (best[previous] === next) matches++;
    const code = isNumeric ? previous * keyCount + next : `${previous}:${next}`;
    const count = (pairCounts.get(code) ?? 0) + 1;
    pairCounts.set(code, count);
    if (count > bestCount[previous]) {
      bestCount[previous] = count;
      best[previous] = next;
    }
  }
  return matches;
}

/**
 * Counts every (previous, next) pair exactly by sorting the pair positions
 * with two stable counting sorts (by next, then by previous), then takes
 * the longest run of one successor within each predecessor's group.
 */
function ceilingMatches(keyIds: Uint32Array, keyCount: number): number {
  const pairs = keyIds.length - 1;
  if (pairs <= 0) return 0;
  const byNext = countingSort(keyCount, (i) => keyIds[i + 1], identityOrder(pairs));
  const byPair = countingSort(keyCount, (i) => keyIds[i], byNext);
  let matches = 0;
  let groupBest = 0;
  let run = 0;
  for (let j = 0; j < pairs; j++) {
    const i = byPair[j];
    const isSameGroup = j > 0 && keyIds[byPair[j - 1]] === keyIds[i];
    const isSamePair = isSameGroup && keyIds[byPair[j - 1] + 1] === keyIds[i + 1];
    if (!isSameGroup) {
      matches += groupBest;
      groupBest = 0;
    }
    run = isSamePair ? run + 1 : 1;
    if (run > groupBest) groupBest = run;
  }
  return matches + groupBest;
}

function identityOrder(length: number): Uint32Array {
  const order = new Uint32Array(length);
  for (let i = 0; i < length; i++) order[i] = i;
  return order;
}

/** Stable counting sort of `order` by `keyOf`, whose values are below keyCount. */
function countingSort(
  keyCount: number,
  keyOf: (index: number) => number,
  order: Uint32Array,
): Uint32Array {
  const starts = new Float64Array(keyCount + 1);
  for (const index of order) starts[keyOf(index) + 1]++;
  for (let k = 1; k <= keyCount; k++) starts[k] += starts[k - 1];
  const sorted = new Uint32Array(order.length);
  for (const index of order) sorted[starts[keyOf(index)]++] = index;
  return sorted;
}

import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics';

/** Distribution of requests over keys. */
export interface Popularity {
  /** Requests per key id. */
  counts: Float64Array;
  /** Keys requested exactly once. */
  oneHitKeys: number;
  /** Key ids by request count, most requested first (ties by id). */
  ranked: Uint32Array;
  /**
   * Zipf exponent s of count ∝ 1 / rank^s, fitted by least squares on
   * log(count) against log(rank) over all keys. Null with fewer than two
   * keys, because no slope is defined.
   */
  zipfExponent: number | null;
  /**
   * R² of that fit; null where it is 0 / 0: fewer than two keys, or every
   * key requested equally often.
   */
  zipfRSquared: number | null;
}

export function popularity(keyIds: Uint32Array, keyCount: number): Popularity {
  const counts = new Float64Array(keyCount);
  for (const keyId of keyIds) counts[keyId]++;
  let oneHitKeys = 0;
  for (const count of counts) if (count === 1) oneHitKeys++;
  const ranked = new Uint32Array(keyCount);
  for (let id = 0; id < keyCount; id++) ranked[id] = id;
  ranked.sort((a, b) => counts[b] - counts[a] || a - b);
  if (keyCount < 2) return { counts, oneHitKeys, ranked, zipfExponent: null, zipfRSquared: null };
  const points = Array.from(ranked, (id, rank) => [Math.log(rank + 1), Math.log(counts[id])]);
  const fit = linearRegression(points);
  const fitRSquared = keyCount < 3 ? 1 : rSquared(points, linearRegressionLine(fit));
  return {
    counts,
    oneHitKeys,
    ranked,
    zipfExponent: -fit.m,
    zipfRSquared: Number.isFinite(fitRSquared) ? fitRSquared : null,
  };
}

/**
 * Share of requests that go to the most requested `fraction` of keys; null
 * for a trace without requests.
 */
export function topShare(result: Popularity, fraction: number, requests: number): number | null {
  if (requests === 0) return null;
  const top = Math.max(1, Math.round(result.ranked.length * fraction));
  let sum = 0;
  for (let rank = 0; rank < top; rank++) sum += result.counts[result.ranked[rank]];
  return sum / requests;
}

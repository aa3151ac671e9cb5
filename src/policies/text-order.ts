/**
 * Sorts `ids`, indices into `texts`, into the UTF-16 code-unit order of
 * their texts, which is the order of `<` on strings (a prefix comes first).
 * The texts must be distinct, as key texts are.
 *
 * The sort is a most-significant-first radix sort. Each step reads the
 * next three code units of every text in a range once into a typed array
 * and sorts the range on them by counting, least significant unit first.
 * It then recurses into the runs that share all three. Hand-written because `Array.prototype.sort`,
 * with or without a comparator, compares whole strings: each comparison
 * follows two string pointers at random, and for the million keys of a Zipf
 * trace that took several seconds. npm's string sorts sort the strings
 * themselves and lose the index.
 */
export function sortIdsByText(ids: Uint32Array, texts: readonly string[]): void {
  const n = ids.length;
  const scratch: Scratch = {
    units: [new Int32Array(n), new Int32Array(n), new Int32Array(n)],
    movedIds: new Uint32Array(n),
    movedUnits: new Int32Array(n),
    bucketStarts: new Int32Array(UNIT_VALUES + 1),
  };
  sortRange(ids, texts, 0, n, 0, scratch);
}

/** Working arrays shared by every step of one sort. */
interface Scratch {
  /** Code units `depth` to `depth + 2` of the text at each position. */
  readonly units: readonly [Int32Array, Int32Array, Int32Array];
  readonly movedIds: Uint32Array;
  readonly movedUnits: Int32Array;
  readonly bucketStarts: Int32Array;
}

/** Ranges this short are sorted by whole-string comparison. */
const INSERTION_SORT_MAX = 16;

/** Code unit of a text past its end: below every real code unit. */
const END = -1;

/** Values a unit takes: 65,536 code units and END. */
const UNIT_VALUES = 65_537;

function sortRange(
  ids: Uint32Array,
  texts: readonly string[],
  lo: number,
  hi: number,
  depth: number,
  scratch: Scratch,
): void {
  if (hi - lo <= INSERTION_SORT_MAX) {
    insertionSort(ids, texts, lo, hi);
    return;
  }
  const [first, second, third] = scratch.units;
  for (let i = lo; i < hi; i++) {
    const text = texts[ids[i]];
    first[i] = unitAt(text, depth);
    second[i] = unitAt(text, depth + 1);
    third[i] = unitAt(text, depth + 2);
  }
  countingSort(ids, lo, hi, 2, scratch);
  countingSort(ids, lo, hi, 1, scratch);
  countingSort(ids, lo, hi, 0, scratch);

  // Texts that share the three units are sorted on the next three. A run
  // whose last unit is END contains texts that ended, which are equal and
  // so are one text.
  let start = lo;
  for (let i = lo + 1; i <= hi; i++) {
    const isSameRun =
      i < hi &&
      first[i] === first[start] &&
      second[i] === second[start] &&
      third[i] === third[start];
    if (isSameRun) continue;
    if (i - start > 1 && third[start] !== END) {
      sortRange(ids, texts, start, i, depth + 3, scratch);
    }
    start = i;
  }
}

function unitAt(text: string, depth: number): number {
  return depth < text.length ? text.charCodeAt(depth) : END;
}

/**
 * Stable counting sort of [lo, hi) on unit `which` of the three, moving
 * the ids and all three units. Buckets span only the units present, so a
 * range of ASCII digits costs 11 buckets, not 65,537; a unit equal across
 * the range is skipped.
 */
function countingSort(
  ids: Uint32Array,
  lo: number,
  hi: number,
  which: number,
  scratch: Scratch,
): void {
  const { units, movedIds, movedUnits, bucketStarts } = scratch;
  const keys = units[which];
  let min = UNIT_VALUES;
  let max = END - 1;
  for (let i = lo; i < hi; i++) {
    if (keys[i] < min) min = keys[i];
    if (keys[i] > max) max = keys[i];
  }
  if (min === max) return;

  const span = max - min + 1;
  bucketStarts.fill(0, 0, span + 1);
  for (let i = lo; i < hi; i++) bucketStarts[keys[i] - min + 1]++;
  for (let b = 1; b <= span; b++) bucketStarts[b] += bucketStarts[b - 1];
  // Destinations are computed once from the sort key, then every column
  // moves along them; bucketStarts ends as the destination of each bucket.
  const destinations = movedIds;
  for (let i = lo; i < hi; i++) {
    destinations[i] = lo + bucketStarts[keys[i] - min]++;
  }
  for (const column of units) permute(column, destinations, lo, hi, movedUnits);
  permuteIds(ids, destinations, lo, hi, scratch);
}

/** Moves `column[i]` to `column[destinations[i]]` for i in [lo, hi). */
function permute(
  column: Int32Array,
  destinations: Uint32Array,
  lo: number,
  hi: number,
  moved: Int32Array,
): void {
  for (let i = lo; i < hi; i++) moved[destinations[i]] = column[i];
  column.set(moved.subarray(lo, hi), lo);
}

function permuteIds(
  ids: Uint32Array,
  destinations: Uint32Array,
  lo: number,
  hi: number,
  scratch: Scratch,
): void {
  // movedUnits is free again and as long as ids; ids fit in its int32s
  // because a trace has fewer than 2^31 keys.
  const moved = scratch.movedUnits;
  for (let i = lo; i < hi; i++) moved[destinations[i]] = ids[i];
  for (let i = lo; i < hi; i++) ids[i] = moved[i];
}

function insertionSort(
  ids: Uint32Array,
  texts: readonly string[],
  lo: number,
  hi: number,
): void {
  for (let i = lo + 1; i < hi; i++) {
    const id = ids[i];
    const text = texts[id];
    let j = i;
    while (j > lo && text < texts[ids[j - 1]]) {
      ids[j] = ids[j - 1];
      j--;
    }
    ids[j] = id;
  }
}

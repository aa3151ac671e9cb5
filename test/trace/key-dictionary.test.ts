/**
 * The key dictionary must give the same ids as a `Map<string, number>`
 * that numbers keys in order of first appearance. That is true whichever of
 * its tables (direct, decimal hash, text, non-ASCII) a key lands in, and
 * however the tables grow and move keys between them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyDictionary } from '../../src/trace/key-dictionary.js';
import { keyTexts } from '../../src/trace/key-table.js';

/** Ids of `keys` from a `Map`, numbered in order of first appearance. */
function referenceIds(keys: readonly string[]): number[] {
  const ids = new Map<string, number>();
  return keys.map((key) => {
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    return id;
  });
}

function isAscii(text: string): boolean {
  return [...text].every((char) => char.charCodeAt(0) <= 0x7f);
}

/**
 * Looks each key up as a reader does: ASCII keys as a byte range inside a
 * line whose neighbouring bytes are digits, the others as text.
 */
function dictionaryIds(dictionary: KeyDictionary, keys: readonly string[]): number[] {
  return keys.map((key) => {
    if (!isAscii(key)) return dictionary.idOfText(key);
    const line = Buffer.from(`9${key}7`, 'latin1');
    return dictionary.idOfAsciiBytes(line, 1, line.length - 1);
  });
}

/** First index where two id lists differ, or -1, so a failure names the key. */
function firstDifference(actual: readonly number[], expected: readonly number[]): number {
  for (let i = 0; i < expected.length; i++) if (actual[i] !== expected[i]) return i;
  return actual.length === expected.length ? -1 : expected.length;
}

// Unbiased, so that values spread over the range where the direct table grows.
const denseDecimalKey = fc.noBias(fc.nat({ max: 40_000 })).map(String);
const wideDecimalKey = fc.integer({ min: 0, max: 999_999_999_999_999 }).map(String);
/** Too many digits for the decimal tables: these go to the text table. */
const longDecimalKey = fc.bigInt({ min: 10n ** 15n, max: 10n ** 20n }).map(String);
const nonCanonicalDecimalKey = fc.oneof(
  fc.nat({ max: 1000 }).map((n) => `0${n}`),
  fc.nat({ max: 1000 }).map((n) => `-${n}`),
  fc.nat({ max: 1000 }).map((n) => `+${n}`),
  fc.nat({ max: 1000 }).map((n) => `${n}.0`),
  fc.constantFrom('00', '-0', '1e3', ' 7', '7 ', ''),
);
const anyDecimalKey = fc.oneof(
  denseDecimalKey,
  wideDecimalKey,
  longDecimalKey,
  nonCanonicalDecimalKey,
);
const textKey = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 400 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
  fc.constantFrom('é7', '７', '٣', 'ключ', '🔑'),
);
/**
 * Keys with repeats: a pool of keys, then requests drawn from it. Pools
 * reach past 4,096 decimal keys, where the direct table first grows over
 * keys held in the hash table, and past 2,048 keys, where a hash table
 * first grows.
 */
const keySequence = fc
  .array(
    fc.oneof(
      { arbitrary: denseDecimalKey, weight: 5 },
      { arbitrary: wideDecimalKey, weight: 2 },
      { arbitrary: longDecimalKey, weight: 1 },
      { arbitrary: nonCanonicalDecimalKey, weight: 2 },
      { arbitrary: textKey, weight: 2 },
    ),
    { minLength: 6_000, maxLength: 10_000, size: 'max' },
  )
  .chain((pool) =>
    fc
      .array(fc.nat({ max: pool.length - 1 }), { minLength: 1, maxLength: 20_000, size: 'max' })
      .map((picks) => picks.map((pick) => pool[pick])),
  );

describe('KeyDictionary', () => {
  it('matches a Map on mixed keys', () => {
    fc.assert(
      fc.property(keySequence, (keys) => {
        const dictionary = new KeyDictionary();
        const expected = referenceIds(keys);
        const actual = dictionaryIds(dictionary, keys);
        const at = firstDifference(actual, expected);
        expect(at === -1 ? 'same ids' : `key ${JSON.stringify(keys[at])} at ${at}`).toBe('same ids');
        expect(dictionary.size).toBe(new Set(keys).size);
      }),
      { seed: 7, numRuns: 25, endOnFailure: true },
    );
  });

  it('returns the texts of its ids', () => {
    fc.assert(
      fc.property(keySequence, (keys) => {
        const dictionary = new KeyDictionary();
        dictionaryIds(dictionary, keys);
        const distinct = [...new Set(keys)];
        expect(distinct.map((_, id) => dictionary.textOf(id))).toEqual(distinct);
        const table = dictionary.table();
        expect(Array.isArray(table) ? table : keyTexts(table)).toEqual(distinct);
      }),
      { seed: 11, numRuns: 15, endOnFailure: true },
    );
  });

  it('looks up text and bytes alike', () => {
    fc.assert(
      fc.property(fc.array(anyDecimalKey, { maxLength: 500 }), (keys) => {
        const dictionary = new KeyDictionary();
        const byBytes = dictionaryIds(dictionary, keys);
        expect(keys.map((key) => dictionary.idOfText(key))).toEqual(byBytes);
      }),
      { seed: 13, numRuns: 40 },
    );
  });

  it('keeps 007 and 7 apart', () => {
    const dictionary = new KeyDictionary();
    const keys = ['7', '007', '07', '0', '00', '-0', '7'];
    expect(keys.map((key) => dictionary.idOfText(key))).toEqual([0, 1, 2, 3, 4, 5, 0]);
  });

  it('moves hashed keys into a grown direct table', () => {
    // Large values first go to the decimal hash table; once there are
    // enough keys, the direct table grows over them and takes them over.
    const keys: string[] = [];
    for (let i = 0; i < 60_000; i++) keys.push(String(((i * 7919) % 60_000) * 17));
    for (let i = 0; i < 60_000; i++) keys.push(String(i * 17));
    const dictionary = new KeyDictionary();
    const actual = dictionaryIds(dictionary, keys);
    expect(firstDifference(actual, referenceIds(keys))).toBe(-1);
    const table = dictionary.table();
    expect(Array.isArray(table) ? 'texts' : table.kind).toBe('decimal');
    expect(Array.isArray(table) ? [] : keyTexts(table)).toEqual([...new Set(keys)]);
  });

  it('keeps wide decimal values exact', () => {
    const keys = ['999999999999999', '4294967296', '4294967295', '1', '999999999999999'];
    const dictionary = new KeyDictionary();
    expect(keys.map((key) => dictionary.idOfText(key))).toEqual([0, 1, 2, 3, 0]);
    const table = dictionary.table();
    expect(Array.isArray(table) ? 'texts' : table.kind).toBe('decimal');
    if (Array.isArray(table) || table.kind !== 'decimal') return;
    expect(table.values).toBeInstanceOf(Float64Array);
    expect(keyTexts(table)).toEqual(['999999999999999', '4294967296', '4294967295', '1']);
  });

  it('narrows all-decimal keys below 2^32 to Uint32', () => {
    const dictionary = new KeyDictionary();
    for (const key of ['5', '4294967295', '123456789']) dictionary.idOfText(key);
    const table = dictionary.table();
    expect(Array.isArray(table) ? 'texts' : table.kind).toBe('decimal');
    if (Array.isArray(table) || table.kind !== 'decimal') return;
    expect(table.values).toEqual(new Uint32Array([5, 4294967295, 123456789]));
  });
});

import { Buffer } from 'node:buffer';
import { sharedColumn, type ColumnType } from './columns.js';
import { narrowKeyTable, type KeyTable } from './key-table.js';

/** Most digits of a key kept in the decimal table; 10^15 - 1 is below 2^53, so exact. */
const MAX_DECIMAL_DIGITS = 15;
const ZERO = 0x30;
/** Slot count of a new table; a power of two, so that a mask wraps probes. */
const INITIAL_SLOTS = 1 << 12;
/**
 * Most value slots of the direct table per decimal key. With 8, the direct
 * table (4 bytes a slot) takes at most 32 bytes per key, no more than the
 * decimal hash table (16 bytes a slot, at most half full) needs for them.
 */
const DIRECT_SLOTS_PER_KEY = 8;
/** Size the direct table may take whatever the key count: 64 KiB. */
const DIRECT_MIN_SLOTS = 1 << 14;
/** Cap on the direct table's slots (1 GiB), well within a typed array's limit. */
const DIRECT_MAX_SLOTS = 1 << 28;
/** 2^32 / golden ratio, the multiplier of Fibonacci hashing. */
const GOLDEN = 0x9e3779b9 | 0;

/**
 * Maps key text to dense ids in order of first appearance.
 *
 * A `Map<string, number>` costs about 400 ns per lookup here (Node 20,
 * 100,000 distinct keys, each lookup with a freshly sliced string), which
 * alone held CSV ingest near one million rows/s. ASCII keys therefore live
 * in open-addressing tables over their bytes: a reader that has the row
 * as bytes looks the key up without making a string, and no string is made
 * for them at all (`table` hands the bytes to the trace). Keys with other
 * characters go through a `Map`. Every table compares exact text, so `007`
 * and `7` stay two keys.
 *
 * With a million keys the tables do not fit in the CPU cache, and each
 * memory access of a lookup is a likely cache miss. So a slot stores, next
 * to the id, either the key's value (canonical decimal keys: one miss per
 * lookup) or its hash (other keys: the key bytes are read only when the
 * hash matches). Decimal keys whose values are dense, such as 0..n-1, skip
 * hashing: a direct table indexed by value stores their ids, 4 bytes a
 * value, which a million keys keep small enough to stay mostly in cache.
 *
 * The tables contain disjoint sets of keys because the text alone picks
 * the table. A canonical decimal key (digits only, no sign, no leading
 * zero unless the key is `0`, at most 15 digits) goes to the decimal
 * tables. Any other ASCII key goes to the text table, and a key with a
 * non-ASCII character to the `Map`. Two texts with the same value, such as `7` and
 * `007`, thus never meet in a decimal table. Between the two decimal
 * tables the value decides: below the direct table's length the key is in
 * the direct table, else in the decimal hash table (growing the direct
 * table moves keys across to keep this so).
 */
export class KeyDictionary {
  #count = 0;
  /** Non-ASCII keys, whose text is their identity. */
  readonly #wide = new Map<string, number>();
  /** Text of each non-ASCII key id. */
  readonly #wideTexts = new Map<number, string>();
  /** True once a non-ASCII key is not well-formed UTF-16, which UTF-8 cannot carry. */
  #hasIllFormedKey = false;
  /**
   * UTF-8 bytes of every key, back to back in id order: key id i spans
   * `[#ends[i - 1], #ends[i])`, starting at 0 for id 0. Lookups of decimal
   * keys never read it.
   */
  #arena = new Uint8Array(1 << 16);
  #arenaFill = 0;
  #ends = new Uint32Array(1024);
  /** Direct table: id + 1 of the decimal key whose value is the index, or 0. */
  #direct = new Int32Array(0);
  /**
   * Decimal table: 16-byte slots, each the key's value (a float64 at
   * `#decimalValues[2 * slot]`) and its id + 1 (an int32 at
   * `#decimalIds[4 * slot + 2]`, over the same buffer), so that a probe
   * reads one cache line. An id + 1 of 0 marks an empty slot.
   */
  #decimalValues = new Float64Array(2 * INITIAL_SLOTS);
  #decimalIds = new Int32Array(this.#decimalValues.buffer);
  /** 32 - log2(slot count): a Fibonacci hash keeps its top bits. */
  #decimalShift = 32 - Math.log2(INITIAL_SLOTS);
  /** Decimal keys in the direct and the hash table together. */
  #decimalCount = 0;
  #hashedDecimalCount = 0;
  /**
   * Text table: 16-byte slots, slot s holding the key's hash at `4 * s`,
   * its id + 1 at `4 * s + 1` and its arena start and end after them, so
   * that a lookup reads the slot's cache line and then the key bytes.
   */
  #textSlots = new Int32Array(4 * INITIAL_SLOTS);
  #textCount = 0;
  readonly #scratch = Buffer.alloc(256);
  readonly #decoder = new TextDecoder('latin1');

  get size(): number {
    return this.#count;
  }

  /** Returns the text of key id `id`. */
  textOf(id: number): string {
    const wide = this.#wideTexts.get(id);
    if (wide !== undefined) return wide;
    return this.#decoder.decode(this.#arena.subarray(this.#startOf(id), this.#ends[id]));
  }

  /**
   * Returns the key texts as a table (see `KeyTable`) in shared memory, or
   * the texts themselves when a key is not well-formed UTF-16.
   */
  table(): KeyTable | string[] {
    if (this.#hasIllFormedKey) {
      return Array.from({ length: this.#count }, (_, id) => this.textOf(id));
    }
    if (this.#count > 0 && this.#decimalCount === this.#count) return this.#decimalTable();
    const ends = sharedColumn(Uint32Array, this.#count);
    ends.set(this.#ends.subarray(0, this.#count));
    const bytes = sharedColumn(Uint8Array, this.#arenaFill);
    bytes.set(this.#arena.subarray(0, this.#arenaFill));
    return narrowKeyTable({ kind: 'text', bytes, ends });
  }

  /** Returns the id of `data[start, end)`, which must be ASCII bytes. */
  idOfAsciiBytes(data: Uint8Array, start: number, end: number): number {
    const length = end - start;
    // An empty range reads the byte after it here, but its loop then never
    // ends at `end`, so it goes to the text table.
    const first = data[start] - ZERO;
    if (length <= MAX_DECIMAL_DIGITS && first >= 0 && first <= 9 && (first > 0 || length === 1)) {
      let value = first;
      let p = start + 1;
      for (; p < end; p++) {
        const digit = data[p] - ZERO;
        if (digit < 0 || digit > 9) break;
        value = value * 10 + digit;
      }
      if (p === end) return this.#idOfDecimal(value, data, start, end);
    }
    return this.#idOfTextBytes(data, start, end);
  }

  /** Returns the id of a key given as text. */
  idOfText(text: string): number {
    if (!isAscii(text)) return this.#idOfWide(text);
    const bytes = text.length <= this.#scratch.length ? this.#scratch : Buffer.alloc(text.length);
    const length = bytes.write(text, 'latin1');
    return this.idOfAsciiBytes(bytes, 0, length);
  }

  #idOfDecimal(value: number, data: Uint8Array, start: number, end: number): number {
    const direct = this.#direct;
    if (value < direct.length) {
      const entry = direct[value];
      if (entry !== 0) return entry - 1;
      const id = this.#addBytes(data, start, end);
      direct[value] = id + 1;
      this.#decimalCount++;
      return id;
    }
    const values = this.#decimalValues;
    const ids = this.#decimalIds;
    const mask = (values.length >>> 1) - 1;
    for (let slot = decimalHash(value) >>> this.#decimalShift; ; slot = (slot + 1) & mask) {
      const entry = ids[4 * slot + 2];
      if (entry === 0) {
        if (this.#canGrowDirectTo(value)) {
          this.#growDirect(value);
          return this.#idOfDecimal(value, data, start, end);
        }
        const id = this.#addBytes(data, start, end);
        values[2 * slot] = value;
        ids[4 * slot + 2] = id + 1;
        this.#decimalCount++;
        // Keep the table at most half full so that probe runs stay short.
        if (++this.#hashedDecimalCount * 2 > mask + 1) this.#growDecimal();
        return id;
      }
      if (values[2 * slot] === value) return entry - 1;
    }
  }

  #idOfTextBytes(data: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(data, start, end);
    const slots = this.#textSlots;
    const mask = (slots.length >>> 2) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = 4 * slot;
      const entry = slots[at + 1];
      if (entry === 0) {
        const id = this.#addBytes(data, start, end);
        slots[at] = hash;
        slots[at + 1] = id + 1;
        slots[at + 2] = this.#startOf(id);
        slots[at + 3] = this.#ends[id];
        if (++this.#textCount * 2 > mask + 1) this.#growText();
        return id;
      }
      if (slots[at] === hash && this.#sameBytes(slots[at + 2], slots[at + 3], data, start, end)) {
        return entry - 1;
      }
    }
  }

  #idOfWide(text: string): number {
    let id = this.#wide.get(text);
    if (id === undefined) {
      const bytes = Buffer.from(text, 'utf8');
      id = this.#addBytes(bytes, 0, bytes.length);
      this.#wide.set(text, id);
      this.#wideTexts.set(id, text);
      if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) this.#hasIllFormedKey = true;
    }
    return id;
  }

  /** Appends a new key's bytes to the arena and returns its new id. */
  #addBytes(data: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (this.#arenaFill + length > this.#arena.length) this.#growArena(length);
    // A byte loop avoids making a view object per key.
    const arena = this.#arena;
    const fill = this.#arenaFill;
    for (let i = 0; i < length; i++) arena[fill + i] = data[start + i];
    const id = this.#count++;
    if (id === this.#ends.length) this.#growEnds();
    this.#arenaFill += length;
    this.#ends[id] = this.#arenaFill;
    return id;
  }

  #startOf(id: number): number {
    return id === 0 ? 0 : this.#ends[id - 1];
  }

  /** Tells whether the arena's bytes `[from, to)` equal `data[start, end)`. */
  #sameBytes(from: number, to: number, data: Uint8Array, start: number, end: number): boolean {
    if (to - from !== end - start) return false;
    const arena = this.#arena;
    for (let i = 0; i < end - start; i++) {
      if (arena[from + i] !== data[start + i]) return false;
    }
    return true;
  }

  /** Builds the decimal key table straight from the decimal slots. */
  #decimalTable(): KeyTable {
    const values = this.#decimalValues;
    const ids = this.#decimalIds;
    const direct = this.#direct;
    // The direct table covers values below 2^28, so only the hash table may hold wider ones.
    let isUint32 = true;
    for (let slot = 0; slot < values.length >>> 1; slot++) {
      if (ids[4 * slot + 2] !== 0 && values[2 * slot] > 0xffffffff) isUint32 = false;
    }
    const Type: ColumnType<Uint32Array | Float64Array> = isUint32 ? Uint32Array : Float64Array;
    const column = sharedColumn(Type, this.#count);
    for (let value = 0; value < direct.length; value++) {
      if (direct[value] !== 0) column[direct[value] - 1] = value;
    }
    for (let slot = 0; slot < values.length >>> 1; slot++) {
      const entry = ids[4 * slot + 2];
      if (entry !== 0) column[entry - 1] = values[2 * slot];
    }
    return { kind: 'decimal', values: column };
  }

  /** Tells whether the direct table may grow to cover `value`. */
  #canGrowDirectTo(value: number): boolean {
    if (value >= DIRECT_MAX_SLOTS) return false;
    const slots = directSlotsFor(value);
    return slots <= Math.max(DIRECT_MIN_SLOTS, (this.#decimalCount + 1) * DIRECT_SLOTS_PER_KEY);
  }

  /**
   * Grows the direct table to cover `value` and moves the hash table's
   * keys that it now covers into it, rebuilding the hash table for the rest.
   */
  #growDirect(value: number): void {
    const direct = new Int32Array(directSlotsFor(value));
    direct.set(this.#direct);
    const oldValues = this.#decimalValues;
    const oldIds = this.#decimalIds;
    let remaining = 0;
    for (let old = 0; old < oldValues.length >>> 1; old++) {
      const entry = oldIds[4 * old + 2];
      if (entry === 0) continue;
      if (oldValues[2 * old] < direct.length) direct[oldValues[2 * old]] = entry;
      else remaining++;
    }
    this.#direct = direct;
    this.#hashedDecimalCount = remaining;
    let slots = INITIAL_SLOTS;
    while (remaining * 2 > slots) slots *= 2;
    this.#rebuildDecimal(slots, oldValues, oldIds, direct.length);
  }

  #growDecimal(): void {
    const slots = (this.#decimalValues.length >>> 1) * 2;
    this.#rebuildDecimal(slots, this.#decimalValues, this.#decimalIds, this.#direct.length);
  }

  /** Rehashes the old slots' keys of value `minValue` and up into `slots` new slots. */
  #rebuildDecimal(slots: number, oldValues: Float64Array, oldIds: Int32Array, minValue: number): void {
    const values = new Float64Array(2 * slots);
    const ids = new Int32Array(values.buffer);
    const shift = 32 - Math.log2(slots);
    const mask = slots - 1;
    for (let old = 0; old < oldValues.length >>> 1; old++) {
      const entry = oldIds[4 * old + 2];
      const value = oldValues[2 * old];
      if (entry === 0 || value < minValue) continue;
      let slot = decimalHash(value) >>> shift;
      while (ids[4 * slot + 2] !== 0) slot = (slot + 1) & mask;
      values[2 * slot] = value;
      ids[4 * slot + 2] = entry;
    }
    this.#decimalValues = values;
    this.#decimalIds = ids;
    this.#decimalShift = shift;
  }

  #growText(): void {
    const old = this.#textSlots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >>> 2) - 1;
    for (let i = 0; i < old.length; i += 4) {
      if (old[i + 1] === 0) continue;
      let slot = old[i] & mask;
      while (slots[4 * slot + 1] !== 0) slot = (slot + 1) & mask;
      for (let field = 0; field < 4; field++) slots[4 * slot + field] = old[i + field];
    }
    this.#textSlots = slots;
  }

  #growArena(needed: number): void {
    const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaFill + needed));
    arena.set(this.#arena.subarray(0, this.#arenaFill));
    this.#arena = arena;
  }

  #growEnds(): void {
    const ends = new Uint32Array(this.#ends.length * 2);
    ends.set(this.#ends);
    this.#ends = ends;
  }
}

/** Power-of-two slot count of a direct table that covers `value`. */
function directSlotsFor(value: number): number {
  let slots = DIRECT_MIN_SLOTS;
  while (slots <= value) slots *= 2;
  return slots;
}

/**
 * Fibonacci hash of a whole number below 2^53; its top bits pick the
 * slot. The high word is folded in first so that values that differ
 * only above bit 31 still spread.
 */
function decimalHash(value: number): number {
  const low = value >>> 0;
  const high = (value - low) / 0x100000000;
  return Math.imul(low ^ Math.imul(high, 0x85ebca6b), GOLDEN);
}

/** FNV-1a, 32 bits: short keys hash in a few nanoseconds. */
function hashBytes(data: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let p = start; p < end; p++) hash = Math.imul(hash ^ data[p], 0x01000193);
  // Mixing the high bits down spreads keys that differ only at the end.
  return (hash ^ (hash >>> 15)) | 0;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

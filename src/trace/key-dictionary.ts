import { Buffer } from 'node:buffer';
import { sharedColumn } from './columns.js';
import { narrowKeyTable, type KeyTable } from './key-table.js';

/**
 * Maps key text to dense ids in order of first appearance.
 *
 * A `Map<string, number>` costs about 400 ns per lookup here (Node 20,
 * 100,000 distinct keys, each lookup with a freshly sliced string), which
 * alone held CSV ingest near one million rows/s. ASCII keys therefore live
 * in an open-addressing table over their bytes: a reader that has the row
 * as bytes looks the key up without making a string, and no string is made
 * for them at all (`table` hands the bytes to the trace). Keys with other
 * characters go through a `Map`. Both tables compare exact text, so `007`
 * and `7` stay two keys.
 */
export class KeyDictionary {
  #count = 0;
  /** Non-ASCII keys, whose text is their identity. */
  readonly #wide = new Map<string, number>();
  /** Text of each non-ASCII key id. */
  readonly #wideTexts = new Map<number, string>();
  /** True once a non-ASCII key is not well-formed UTF-16, which UTF-8 cannot carry. */
  #hasIllFormedKey = false;
  /** UTF-8 bytes of every key, back to back in id order; key id i ends at `#ends[i]`. */
  #arena = new Uint8Array(1 << 16);
  #arenaFill = 0;
  /** Per key id: arena start (-1 for non-ASCII keys), arena end and hash. */
  #starts = new Int32Array(1024);
  #ends = new Uint32Array(1024);
  #hashes = new Int32Array(1024);
  /** Open-addressing slots holding id + 1; 0 is an empty slot. */
  #slots = new Int32Array(1 << 12);
  #asciiCount = 0;
  readonly #scratch = Buffer.alloc(256);
  readonly #decoder = new TextDecoder('latin1');

  get size(): number {
    return this.#count;
  }

  /** Returns the text of key id `id`. */
  textOf(id: number): string {
    const wide = this.#wideTexts.get(id);
    if (wide !== undefined) return wide;
    const start = id === 0 ? 0 : this.#ends[id - 1];
    return this.#decoder.decode(this.#arena.subarray(start, this.#ends[id]));
  }

  /**
   * Returns the key texts as a table (see `KeyTable`) in shared memory, or
   * the texts themselves when a key is not well-formed UTF-16.
   */
  table(): KeyTable | string[] {
    if (this.#hasIllFormedKey) {
      return Array.from({ length: this.#count }, (_, id) => this.textOf(id));
    }
    const ends = sharedColumn(Uint32Array, this.#count);
    ends.set(this.#ends.subarray(0, this.#count));
    const bytes = sharedColumn(Uint8Array, this.#arenaFill);
    bytes.set(this.#arena.subarray(0, this.#arenaFill));
    return narrowKeyTable({ kind: 'text', bytes, ends });
  }

  /** Returns the id of `data[start, end)`, which must be ASCII bytes. */
  idOfAsciiBytes(data: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(data, start, end);
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot];
      if (entry === 0) return this.#insertAscii(data, start, end, hash, slot);
      const id = entry - 1;
      if (this.#hashes[id] === hash && this.#sameBytes(id, data, start, end)) return id;
    }
  }

  /** Returns the id of a key given as text. */
  idOfText(text: string): number {
    if (!isAscii(text)) return this.#idOfWide(text);
    const bytes = text.length <= this.#scratch.length ? this.#scratch : Buffer.alloc(text.length);
    const length = bytes.write(text, 'latin1');
    return this.idOfAsciiBytes(bytes, 0, length);
  }

  #idOfWide(text: string): number {
    let id = this.#wide.get(text);
    if (id === undefined) {
      const bytes = Buffer.from(text, 'utf8');
      if (this.#arenaFill + bytes.length > this.#arena.length) this.#growArena(bytes.length);
      this.#arena.set(bytes, this.#arenaFill);
      id = this.#newId();
      this.#wide.set(text, id);
      this.#wideTexts.set(id, text);
      if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) this.#hasIllFormedKey = true;
      this.#starts[id] = -1;
      this.#arenaFill += bytes.length;
      this.#ends[id] = this.#arenaFill;
    }
    return id;
  }

  #newId(): number {
    const id = this.#count++;
    if (id === this.#starts.length) this.#growIdColumns();
    return id;
  }

  #insertAscii(data: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const length = end - start;
    if (this.#arenaFill + length > this.#arena.length) this.#growArena(length);
    // A byte loop avoids making a view object per key.
    const arena = this.#arena;
    const fill = this.#arenaFill;
    for (let i = 0; i < length; i++) arena[fill + i] = data[start + i];
    const id = this.#newId();
    this.#starts[id] = this.#arenaFill;
    this.#ends[id] = this.#arenaFill + length;
    this.#hashes[id] = hash;
    this.#arenaFill += length;
    this.#slots[slot] = id + 1;
    // Keep the table at most half full so that probe runs stay short.
    if (++this.#asciiCount * 2 > this.#slots.length) this.#rehash();
    return id;
  }

  #sameBytes(id: number, data: Uint8Array, start: number, end: number): boolean {
    const from = this.#starts[id];
    if (this.#ends[id] - from !== end - start) return false;
    const arena = this.#arena;
    for (let i = 0; i < end - start; i++) {
      if (arena[from + i] !== data[start + i]) return false;
    }
    return true;
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.#count; id++) {
      if (this.#starts[id] === -1) continue;
      let slot = this.#hashes[id] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.#slots = slots;
  }

  #growArena(needed: number): void {
    const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaFill + needed));
    arena.set(this.#arena.subarray(0, this.#arenaFill));
    this.#arena = arena;
  }

  #growIdColumns(): void {
    const grow = <T extends Int32Array | Uint32Array>(column: T, grown: T) => {
      grown.set(column);
      return grown;
    };
    const length = this.#starts.length * 2;
    this.#starts = grow(this.#starts, new Int32Array(length));
    this.#ends = grow(this.#ends, new Uint32Array(length));
    this.#hashes = grow(this.#hashes, new Int32Array(length));
  }
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

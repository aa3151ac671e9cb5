/**
 * Compact storage of a trace's key texts, and the `Trace.keys` array made
 * from it only when something reads it.
 *
 * A million six-digit keys as JavaScript strings take 30 MiB of heap (Node
 * 20), and making them was most of the time of a cached reload. A replay of
 * `lru` reads only how many keys there are. So readers and the trace cache hand out a trace whose `keys` is an
 * accessor that decodes the table on first read, and `distinctKeys` counts
 * the table without decoding it.
 */
import { Buffer } from 'node:buffer';
import { sharedColumn, type ColumnType } from './columns.js';
import type { Trace } from './trace.js';

/**
 * Key texts of the dense key ids, in id order. `decimal`: every key is a
 * canonical decimal integer (no plus sign, no leading zero, not `-0`, at
 * most 15 digits, so exact in a double), kept as its value, and
 * `String(value)` gives the text back. `text`: the UTF-8 bytes of all keys
 * back to back, key id i ending at byte `ends[i]`.
 */
export type KeyTable =
  | { readonly kind: 'decimal'; readonly values: Uint32Array | Float64Array }
  | { readonly kind: 'text'; readonly bytes: Uint8Array; readonly ends: Uint32Array };

/** Most digits of a decimal key; 10^15 - 1 is below 2^53, so exact. */
const MAX_DECIMAL_DIGITS = 15;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Tables of the traces made here, looked up by `distinctKeys` and the cache. */
const tables = new WeakMap<Trace, KeyTable>();

/** Number of keys in a table. */
export function keyCountOf(table: KeyTable): number {
  return table.kind === 'decimal' ? table.values.length : table.ends.length;
}

/**
 * Returns a trace of `fields` whose `keys` decodes `table` on first read.
 * The accessor is enumerable, so a spread copy of the trace (`{...trace}`)
 * gets the decoded array and stays correct, at the cost of decoding.
 */
export function withKeyTable(fields: Omit<Trace, 'keys'>, table: KeyTable): Trace {
  const trace = { ...fields } as Trace;
  Object.defineProperty(trace, 'keys', {
    enumerable: true,
    configurable: true,
    get(this: Trace): readonly string[] {
      const keys = keyTexts(table);
      Object.defineProperty(this, 'keys', { value: keys, enumerable: true });
      return keys;
    },
  });
  tables.set(trace, table);
  return trace;
}

/**
 * Returns the trace with some fields replaced, keeping its key table and
 * an undecoded `keys`, where a spread would decode them.
 */
export function withFields(trace: Trace, fields: Partial<Omit<Trace, 'keys'>>): Trace {
  const table = tables.get(trace);
  if (table === undefined) return { ...trace, ...fields };
  return withKeyTable({ ...fieldsOf(trace), ...fields }, table);
}

/** Copies every field of the trace but `keys`, without reading (and so decoding) `keys`. */
export function fieldsOf(trace: Trace): Omit<Trace, 'keys'> {
  const { keys: _keys, ...rest } = Object.getOwnPropertyDescriptors(trace);
  return Object.defineProperties({}, rest) as Omit<Trace, 'keys'>;
}

/** Returns the key table of a trace made by `withKeyTable`, or undefined. */
export function keyTableOfTrace(trace: Trace): KeyTable | undefined {
  return tables.get(trace);
}

/** Returns the table of `trace`, building a text table from `keys` if it has none. */
export function keyTableFor(trace: Trace): KeyTable {
  return tables.get(trace) ?? textTableOf(trace.keys);
}

/** Number of keys of a trace, without decoding its key table. */
export function keyCountOfTrace(trace: Trace): number {
  const table = tables.get(trace);
  return table === undefined ? trace.keys.length : keyCountOf(table);
}

/** Returns a text table of `keys`, in shared memory. */
export function textTableOf(keys: readonly string[]): KeyTable {
  const ends = sharedColumn(Uint32Array, keys.length);
  let end = 0;
  keys.forEach((key, id) => {
    end += Buffer.byteLength(key, 'utf8');
    ends[id] = end;
  });
  const bytes = sharedColumn(Uint8Array, end);
  const writer = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  let offset = 0;
  for (const key of keys) offset += writer.write(key, offset, 'utf8');
  return narrowKeyTable({ kind: 'text', bytes, ends });
}

/**
 * Returns the table in decimal form when every key is a canonical decimal
 * integer, as given otherwise. Costs one pass over the key bytes.
 */
export function narrowKeyTable(table: KeyTable): KeyTable {
  if (table.kind === 'decimal') return table;
  const { bytes, ends } = table;
  let isUint32 = true;
  let start = 0;
  for (let id = 0; id < ends.length; id++) {
    const value = decimalValue(bytes, start, ends[id]);
    if (value === undefined) return table;
    if (value < 0 || value > 0xffffffff) isUint32 = false;
    start = ends[id];
  }
  const Type: ColumnType<Uint32Array | Float64Array> = isUint32 ? Uint32Array : Float64Array;
  const values = sharedColumn(Type, ends.length);
  start = 0;
  for (let id = 0; id < ends.length; id++) {
    values[id] = decimalValue(bytes, start, ends[id])!;
    start = ends[id];
  }
  return { kind: 'decimal', values };
}

/** Value of `bytes[start, end)` if it is a canonical decimal integer. */
function decimalValue(bytes: Uint8Array, start: number, end: number): number | undefined {
  const isNegative = bytes[start] === MINUS;
  const first = isNegative ? start + 1 : start;
  const digits = end - first;
  if (digits < 1 || digits > MAX_DECIMAL_DIGITS) return undefined;
  if (bytes[first] === ZERO && (digits > 1 || isNegative)) return undefined;
  let value = 0;
  for (let p = first; p < end; p++) {
    const byte = bytes[p];
    if (byte < ZERO || byte > NINE) return undefined;
    value = value * 10 + (byte - ZERO);
  }
  return isNegative ? -value : value;
}

/** Decodes every key of a table into its text. */
export function keyTexts(table: KeyTable): string[] {
  if (table.kind === 'decimal') return Array.from(table.values, String);
  const { bytes, ends } = table;
  const keys = new Array<string>(ends.length);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = 0;
  if (isAscii(bytes)) {
    // One decode and a slice per key: slicing is cheaper than a decode per key.
    const text = buffer.toString('latin1');
    for (let id = 0; id < ends.length; id++) {
      keys[id] = text.slice(start, ends[id]);
      start = ends[id];
    }
    return keys;
  }
  for (let id = 0; id < ends.length; id++) {
    keys[id] = buffer.toString('utf8', start, ends[id]);
    start = ends[id];
  }
  return keys;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

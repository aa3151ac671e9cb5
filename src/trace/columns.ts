/**
 * Storage of the trace's columns: the narrowest typed array that stores
 * every value exactly, allocated in shared memory so that worker threads
 * read the same columns without a copy.
 */
import type { SizeColumn, TimeColumn } from './trace.js';

/** A constructor of one of the typed arrays that a trace column may use. */
export type ColumnType<T> = {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * Element types of the sizes column, narrowest first, each with the
 * largest whole number it stores. A size that fits none is kept as a
 * `Float64Array` element.
 */
export const SIZE_TYPES = [
  { Type: Uint8Array, max: 0xff },
  { Type: Uint16Array, max: 0xffff },
  { Type: Uint32Array, max: 0xffffffff },
] as const;

/**
 * Returns a zeroed column in a `SharedArrayBuffer`. A shared buffer costs
 * the same as a plain one in one thread, and `postMessage` hands it to a
 * worker thread without copying it.
 */
export function sharedColumn<T>(Type: ColumnType<T>, length: number): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

/**
 * True when `value` is a whole number in 0..2^32-1, so that a `Uint32Array`
 * stores it exactly. Negative zero is excluded: it would read back as 0.
 */
export function isWholeUint32(value: number): boolean {
  return value >>> 0 === value && (value !== 0 || 1 / value > 0);
}

/**
 * Returns the index into `SIZE_TYPES` of the narrowest type that stores
 * `value` exactly, or `SIZE_TYPES.length` when only a `Float64Array` does.
 */
export function sizeTypeIndex(value: number): number {
  if (!isWholeUint32(value)) return SIZE_TYPES.length;
  let index = 0;
  while (value > SIZE_TYPES[index].max) index++;
  return index;
}

/** Returns the times in a `Uint32Array` when that is exact, else as given. */
export function narrowTimes(times: TimeColumn): TimeColumn {
  if (times instanceof Uint32Array) return times;
  for (let i = 0; i < times.length; i++) {
    if (!isWholeUint32(times[i])) return times;
  }
  return copyInto(times, Uint32Array);
}

/** Returns the sizes in the narrowest exact column type (see `SIZE_TYPES`). */
export function narrowSizes(sizes: SizeColumn): SizeColumn {
  let widest = 0;
  for (let i = 0; i < sizes.length && widest < SIZE_TYPES.length; i++) {
    const index = sizeTypeIndex(sizes[i]);
    if (index > widest) widest = index;
  }
  if (widest === SIZE_TYPES.length) return sizes;
  const Type = SIZE_TYPES[widest].Type as ColumnType<SizeColumn>;
  return sizes instanceof Type ? sizes : copyInto(sizes, Type);
}

/** Copies a column into a new shared column of another element type. */
export function copyInto<T extends TimeColumn | SizeColumn>(
  column: TimeColumn | SizeColumn,
  Type: ColumnType<T>,
): T {
  const copy = sharedColumn(Type, column.length);
  copy.set(column as never);
  return copy;
}

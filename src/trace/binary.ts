import { TraceParseError } from '../errors.js';
import { assertReadable, compressionOf, openBytes } from './source.js';
import { Op, TraceBuilder, type Trace } from './trace.js';

/** Layouts of traces that are a bare sequence of integer keys. */
export const INTEGER_LAYOUTS = {
  'int32-be': { width: 4, isLittleEndian: false },
  'int32-le': { width: 4, isLittleEndian: true },
  'int64-be': { width: 8, isLittleEndian: false },
  'int64-le': { width: 8, isLittleEndian: true },
} as const;
export type IntegerLayout = keyof typeof INTEGER_LAYOUTS;

/**
 * Calls `onRecord` with a view of each fixed-width record of the file, in
 * order. Records that straddle two stream chunks are joined first.
 * Returns the number of records, 0 for an empty file; rejects a file
 * whose length is not a whole number of records.
 */
export async function forEachRecord(
  path: string,
  width: number,
  recordName: string,
  onRecord: (view: DataView, offset: number, index: number) => void,
): Promise<number> {
  await assertReadable(path);
  let carry: Buffer | undefined;
  let index = 0;
  for await (const chunk of openBytes(path) as AsyncIterable<Buffer>) {
    const data = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const whole = data.length - (data.length % width);
    for (let offset = 0; offset < whole; offset += width) onRecord(view, offset, index++);
    carry = whole < data.length ? Buffer.from(data.subarray(whole)) : undefined;
  }
  if (carry !== undefined) {
    const bytes = index * width + carry.length;
    throw new TraceParseError(
      `${path}: ${bytes} bytes is not a whole number of ${width}-byte ${recordName} records (${carry.length} bytes left over); the file is truncated or has another format, so check --format`,
    );
  }
  return index;
}

/**
 * Reads a trace that is a sequence of signed integer keys (cache2k: 32-bit
 * big-endian; Corda: 64-bit big-endian). There is no time or size: request
 * i has time i and size 1. 64-bit keys are read as BigInt and kept as
 * their decimal text, so keys beyond 2^53 keep their exact identity.
 */
export async function readIntegerTrace(path: string, layout: IntegerLayout): Promise<Trace> {
  const { width, isLittleEndian } = INTEGER_LAYOUTS[layout];
  const hint = compressionOf(path) === 'none' ? (await assertReadable(path)) / width : undefined;
  const builder = new TraceBuilder(hint);
  const dictionary = builder.dictionary;
  const onRecord =
    width === 4
      ? (view: DataView, offset: number, index: number) => {
          const key = String(view.getInt32(offset, isLittleEndian));
          builder.addKeyId(index, dictionary.idOfText(key), 1, Op.Read);
        }
      : (view: DataView, offset: number, index: number) => {
          const key = view.getBigInt64(offset, isLittleEndian).toString();
          builder.addKeyId(index, dictionary.idOfText(key), 1, Op.Read);
        };
  await forEachRecord(path, width, `${layout} key`, onRecord);
  return builder.build(path, 'index');
}

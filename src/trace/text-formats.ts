import { StringDecoder } from 'node:string_decoder';
import { TraceParseError } from '../errors.js';
import { assertReadable, openBytes } from './source.js';
import { Op, TraceBuilder, type Trace } from './trace.js';

/** Options shared by the line-oriented readers below. */
export interface LineReadOptions {
  /** Skip and count lines that cannot be read instead of stopping. */
  skipInvalid?: boolean;
}

/**
 * Calls `onLine` for each line of the decompressed file with its 1-based
 * number. Blank lines and comment lines (whose first character other than a
 * space or tab is `#`) are counted and skipped. A byte-order mark before the
 * first line is dropped. A `TraceParseError` thrown by `onLine` stops the
 * read unless invalid lines are skipped.
 */
async function forEachLine(
  path: string,
  builder: TraceBuilder,
  options: LineReadOptions,
  onLine: (line: string, where: string) => void,
): Promise<void> {
  await assertReadable(path);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNumber = 0;
  const take = (line: string) => {
    lineNumber++;
    if (lineNumber === 1) line = line.replace(/^\uFEFF/, '');
    const trimmed = line.trim();
    if (trimmed === '') {
      builder.stats.skippedBlankLines++;
      return;
    }
    if (trimmed.startsWith('#')) {
      builder.stats.ignoredRows++;
      return;
    }
    try {
      onLine(line, `${path}:${lineNumber}`);
    } catch (error) {
      if (!(options.skipInvalid && error instanceof TraceParseError)) throw error;
      builder.stats.skippedInvalidRows++;
    }
  };
  for await (const chunk of openBytes(path) as AsyncIterable<Buffer>) {
    const lines = (carry + decoder.write(chunk)).split('\n');
    carry = lines.pop()!;
    for (const line of lines) take(line);
  }
  carry += decoder.end();
  if (carry !== '') take(carry);
}

/** Options of the valgrind lackey / CS:APP memory trace reader. */
export interface MemoryTraceOptions extends LineReadOptions {
  /**
   * Bytes per cache line: the key is the address divided by this, rounded
   * down, and each request's size is the line size. Default 1: the key is
   * the byte address and the size is the access size.
   */
  lineSize?: number;
}

/** ` L 04222cac,4`: operation, hex address without 0x, access size. */
const MEMORY_ACCESS = /^\s*([ILSM])\s+([0-9a-fA-F]+),([0-9]+)\s*$/;
/** Hex addresses of up to 13 digits are below 2^52, exact in a double. */
const MAX_EXACT_HEX_DIGITS = 13;

/**
 * Reads a valgrind `--tool=lackey --trace-mem=yes` trace, the format of the
 * CS:APP cache lab. `L` is a load and `S` a store. `M` (modify) is a load
 * then a store of the same address, so it becomes two requests, as the
 * cache lab's reference simulator counts it. `I` (instruction fetch) lines
 * are not data accesses: they are skipped and counted in `ignoredRows`,
 * as are comment lines.
 * Time is the request index.
 */
export async function readMemoryTrace(path: string, options: MemoryTraceOptions = {}): Promise<Trace> {
  const lineSize = options.lineSize ?? 1;
  const builder = new TraceBuilder();
  await forEachLine(path, builder, options, (line, where) => {
    const match = MEMORY_ACCESS.exec(line);
    if (match === null) {
      throw new TraceParseError(
        `${where}: ${JSON.stringify(line)} is not a lackey memory access (" L 04222cac,4": L, S, M or I, a hex address, a size); fix the line or pass --skip-invalid`,
      );
    }
    const [, op, address, accessSize] = match;
    if (op === 'I') {
      builder.stats.ignoredRows++;
      return;
    }
    // NOTE: an access that crosses a line boundary counts for its first line only.
    const key = lineKey(address, lineSize);
    const size = lineSize === 1 ? Number(accessSize) : lineSize;
    if (op === 'M') builder.add(builder.length, key, size, Op.Read);
    builder.add(builder.length, key, size, op === 'L' ? Op.Read : Op.Write);
  });
  return builder.build(path, 'index');
}

/** Decimal text of `address / lineSize`, rounded down, exact at any width. */
function lineKey(hexAddress: string, lineSize: number): string {
  if (hexAddress.length <= MAX_EXACT_HEX_DIGITS) {
    return String(Math.floor(parseInt(hexAddress, 16) / lineSize));
  }
  return (BigInt(`0x${hexAddress}`) / BigInt(lineSize)).toString();
}

/** ARC `.lis` lines: `starting_block number_of_blocks ignored request_number`. */
const ARC_LINE = /^\s*([0-9]+)\s+([0-9]+)(\s+\S+)*\s*$/;
/** Bytes per block in the ARC traces. */
export const ARC_BLOCK_BYTES = 512;

/**
 * Reads an ARC trace (`.lis`). A line names a run of blocks; each block is
 * one request of 512 bytes, with the block number as its key, so a line
 * of n blocks gives n requests. Time is the request index.
 */
export async function readArcTrace(path: string, options: LineReadOptions = {}): Promise<Trace> {
  const builder = new TraceBuilder();
  await forEachLine(path, builder, options, (line, where) => {
    const match = ARC_LINE.exec(line);
    const count = match === null ? NaN : Number(match[2]);
    if (match === null || !(count >= 1)) {
      throw new TraceParseError(
        `${where}: ${JSON.stringify(line)} is not an ARC line ("start_block block_count ignored request_number" with block_count >= 1); fix the line or pass --skip-invalid`,
      );
    }
    const start = match[1];
    if (Number.isSafeInteger(Number(start) + count)) {
      for (let block = 0; block < count; block++) {
        builder.add(builder.length, String(Number(start) + block), ARC_BLOCK_BYTES, Op.Read);
      }
      return;
    }
    for (let block = 0n; block < BigInt(count); block++) {
      builder.add(builder.length, (BigInt(start) + block).toString(), ARC_BLOCK_BYTES, Op.Read);
    }
  });
  return builder.build(path, 'index');
}

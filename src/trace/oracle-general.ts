/**
 * libCacheSim's binary `oracleGeneral` trace format: little-endian records
 * of 24 bytes, one per request:
 *
 *     u32 timestamp   whole time units (libCacheSim documents seconds)
 *     u64 object id
 *     u32 object size in bytes
 *     i64 index of the next request for the same object, or -1 if none
 *
 * Source: `traceReader/customizedReader/oracle/oracleGeneralBin.h` and
 * `FAQ.md` in the libCacheSim repository.
 */
import { streamFileAtomic } from '../atomic-write.js';
import { BadOptionError, TraceParseError } from '../errors.js';
import { forEachRecord } from './binary.js';
import { assertReadable, compressionOf } from './source.js';
import { Op, TraceBuilder, type Trace } from './trace.js';

export const ORACLE_GENERAL_RECORD_BYTES = 24;
const U32_LIMIT = 2 ** 32;
const U32_MAX = U32_LIMIT - 1;
const U64_MAX = (1n << 64n) - 1n;
/** Largest high word for which `high * 2^32 + low` is below 2^53. */
const EXACT_HIGH_WORD_LIMIT = 2 ** 21;
const RECORDS_PER_WRITE = 1 << 16;

/** Reads an oracleGeneral file; each object id becomes its decimal key text. */
export async function readOracleGeneral(path: string): Promise<Trace> {
  const fileBytes = await assertReadable(path);
  const hint = compressionOf(path) === 'none' ? fileBytes / ORACLE_GENERAL_RECORD_BYTES : undefined;
  const builder = new TraceBuilder(hint);
  const dictionary = builder.dictionary;
  await forEachRecord(path, ORACLE_GENERAL_RECORD_BYTES, 'oracleGeneral', (view, offset) => {
    const time = view.getUint32(offset, true);
    const low = view.getUint32(offset + 4, true);
    const high = view.getUint32(offset + 8, true);
    const key =
      high < EXACT_HIGH_WORD_LIMIT
        ? String(high * U32_LIMIT + low)
        : view.getBigUint64(offset + 4, true).toString();
    const size = view.getUint32(offset + 12, true);
    builder.addKeyId(time, dictionary.idOfText(key), size, Op.Read);
  });
  return builder.build(path, 's');
}

/** Options for writing an oracleGeneral file. */
export interface OracleGeneralWriteOptions {
  /**
   * Factor applied to each time before it is rounded down to a whole u32:
   * 1e-6 turns microseconds into seconds. Default 1.
   */
  timeScale?: number;
}

/** Outcome of `writeOracleGeneral`, for the caller to report. */
export interface OracleGeneralWriteResult {
  records: number;
  /**
   * `key` when every key is an unsigned 64-bit decimal and was written as
   * itself; `dense-id` when some key is not, so every key was written as
   * its dense id (0, 1, … in order of first appearance) and the key text
   * is not in the file.
   */
  objectIds: 'key' | 'dense-id';
  /** Requests whose time was not a whole number and was rounded down. */
  roundedTimes: number;
}

/**
 * Writes a trace as oracleGeneral, atomically. Rejects times or sizes that
 * do not fit the format's unsigned 32-bit fields.
 */
export async function writeOracleGeneral(
  trace: Trace,
  path: string,
  options: OracleGeneralWriteOptions = {},
): Promise<OracleGeneralWriteResult> {
  if (compressionOf(path) !== 'none') {
    throw new BadOptionError(
      `--out: "${path}" names a compressed file, which the converter does not write; write the plain file and compress it with gzip or zstd`,
    );
  }
  const timeScale = options.timeScale ?? 1;
  const times = scaledTimes(trace, timeScale);
  checkSizes(trace);
  const objectIds = objectIdsOf(trace);
  const nextIndex = nextRequestIndex(trace);
  await streamFileAtomic(path, async (write) => {
    for (let first = 0; first < trace.length; first += RECORDS_PER_WRITE) {
      const last = Math.min(trace.length, first + RECORDS_PER_WRITE);
      // A fresh buffer per write: the stream may still hold the previous one.
      const buffer = Buffer.alloc((last - first) * ORACLE_GENERAL_RECORD_BYTES);
      for (let i = first; i < last; i++) {
        const offset = (i - first) * ORACLE_GENERAL_RECORD_BYTES;
        const keyId = trace.keyIds[i];
        const next = nextIndex[i];
        buffer.writeUInt32LE(times.values[i], offset);
        buffer.writeUInt32LE(objectIds.low[keyId], offset + 4);
        buffer.writeUInt32LE(objectIds.high[keyId], offset + 8);
        buffer.writeUInt32LE(trace.sizes[i], offset + 12);
        // -1 is all ones in two's complement; indexes are below 2^53.
        buffer.writeUInt32LE(next === -1 ? U32_MAX : next % U32_LIMIT, offset + 16);
        buffer.writeUInt32LE(next === -1 ? U32_MAX : Math.floor(next / U32_LIMIT), offset + 20);
      }
      await write(buffer);
    }
  });
  return { records: trace.length, objectIds: objectIds.mode, roundedTimes: times.rounded };
}

function scaledTimes(trace: Trace, timeScale: number): { values: Float64Array; rounded: number } {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new BadOptionError(`--time-scale: ${timeScale} is not a number > 0`);
  }
  const values = new Float64Array(trace.length);
  let rounded = 0;
  for (let i = 0; i < trace.length; i++) {
    const scaled = trace.times[i] * timeScale;
    const whole = Math.floor(scaled);
    if (whole !== scaled) rounded++;
    if (!(whole >= 0 && whole < U32_LIMIT)) {
      throw new TraceParseError(
        `${trace.source}: request ${i + 1} has time ${trace.times[i]} ${trace.timeUnit}, which scaled by ${timeScale} is outside the 0..${U32_LIMIT - 1} that oracleGeneral stores; pass --time-scale to change the unit (1e-6 turns microseconds into seconds)`,
      );
    }
    values[i] = whole;
  }
  return { values, rounded };
}

function checkSizes(trace: Trace): void {
  for (let i = 0; i < trace.length; i++) {
    const size = trace.sizes[i];
    if (!(Number.isInteger(size) && size >= 0 && size < U32_LIMIT)) {
      throw new TraceParseError(
        `${trace.source}: request ${i + 1} has size ${size} bytes, which does not fit oracleGeneral's unsigned 32-bit size field; the trace cannot be converted losslessly`,
      );
    }
  }
}

/** Canonical unsigned decimal: no sign, no leading zero, at most 20 digits. */
const CANONICAL_U64 = /^(0|[1-9][0-9]{0,19})$/;

/**
 * Object ids for each key id: the key's own value when every key is a
 * canonical unsigned 64-bit decimal (so reading back gives the same text),
 * else dense ids. Keys like `007` or `-5` would not come back as the same
 * text, and two of them could even share a value, so they force dense ids.
 */
function objectIdsOf(trace: Trace): { low: Uint32Array; high: Uint32Array; mode: 'key' | 'dense-id' } {
  const low = new Uint32Array(trace.keys.length);
  const high = new Uint32Array(trace.keys.length);
  for (let id = 0; id < trace.keys.length; id++) {
    const key = trace.keys[id];
    const value = CANONICAL_U64.test(key) ? BigInt(key) : -1n;
    if (value < 0n || value > U64_MAX) {
      for (let dense = 0; dense < low.length; dense++) {
        low[dense] = dense % U32_LIMIT;
        high[dense] = Math.floor(dense / U32_LIMIT);
      }
      return { low, high, mode: 'dense-id' };
    }
    low[id] = Number(value & 0xffffffffn);
    high[id] = Number(value >> 32n);
  }
  return { low, high, mode: 'key' };
}

/** For each request, the index of the next request for its key, or -1. */
export function nextRequestIndex(trace: Trace): Float64Array {
  const next = new Float64Array(trace.length);
  const upcoming = new Float64Array(trace.keys.length).fill(-1);
  for (let i = trace.length - 1; i >= 0; i--) {
    const keyId = trace.keyIds[i];
    next[i] = upcoming[keyId];
    upcoming[keyId] = i;
  }
  return next;
}

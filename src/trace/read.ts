import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { BadOptionError } from '../errors.js';
import { readCsvTrace, type CsvReadOptions } from './csv.js';
import { Op, type OpCode, type Trace } from './trace.js';

/** Trace layouts that `readTrace` knows by name. */
export const TRACE_FORMATS = ['auto', 'csv', 'cloudphysics'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export interface ReadTraceOptions extends CsvReadOptions {
  /** Layout of the file; `auto` recognises known headers. Default: `auto`. */
  format?: TraceFormat;
}

const CLOUDPHYSICS_HEADER = 'version,time,op,size,lbn';

/** SCSI opcodes of the CloudPhysics traces: 0x28 READ(10), 0x2a WRITE(10). */
function parseScsiOp(field: string): OpCode {
  if (field === '28') return Op.Read;
  if (field === '2a') return Op.Write;
  return Op.Other;
}

/**
 * Reads a trace file in the given layout. Column options given by the caller
 * override those of a preset.
 */
export async function readTrace(
  path: string,
  options: ReadTraceOptions = {},
): Promise<Trace> {
  const requested = options.format ?? 'auto';
  if (!TRACE_FORMATS.includes(requested)) {
    throw new BadOptionError(
      `--format: "${requested}" is not a known format; use one of ${TRACE_FORMATS.join(', ')}`,
    );
  }
  const format = requested === 'auto' ? await detectFormat(path) : requested;
  if (format === 'cloudphysics') {
    return readCsvTrace(path, {
      keyColumn: 'lbn',
      timeColumn: 'time',
      sizeColumn: 'size',
      opColumn: 'op',
      timeUnit: 'us',
      parseOp: parseScsiOp,
      ...definedOnly(options),
    });
  }
  return readCsvTrace(path, options);
}

/** Recognises a preset from the first line; anything else is plain CSV. */
async function detectFormat(path: string): Promise<TraceFormat> {
  const firstLine = await readFirstLine(path);
  const header = firstLine.replace(/^\uFEFF/, '').trim();
  if (header === CLOUDPHYSICS_HEADER) return 'cloudphysics';
  return 'csv';
}

async function readFirstLine(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    // The reader reports a missing file with its own message.
    return '';
  }
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let bytes: Buffer = buffer.subarray(0, bytesRead);
    if (path.endsWith('.gz')) bytes = gunzipPrefix(bytes);
    const text = bytes.toString('utf8');
    const end = text.search(/\r?\n/);
    return end === -1 ? text : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

/** Decompresses as much of a gzip prefix as the 4 KiB read holds. */
function gunzipPrefix(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
  } catch {
    return Buffer.alloc(0);
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { TraceParseError } from '../errors.js';
import { Op, TraceBuilder, type OpCode, type Trace } from './trace.js';

/** Options for reading a delimited text trace. */
export interface CsvReadOptions {
  /** Key column: header name or 1-based index. Default: `key`. */
  keyColumn?: string;
  /** Time column: header name or 1-based index. Default: `time` if present. */
  timeColumn?: string;
  /** Size column in bytes: header name or 1-based index. Default: `size`. */
  sizeColumn?: string;
  /** Operation column: header name or 1-based index. Default: `op`. */
  opColumn?: string;
  /** Field delimiter. Default: `,`. */
  delimiter?: string;
  /** Unit of the time column, written into reports. Default: `trace units`. */
  timeUnit?: string;
  /** Skip rows that cannot be read and count them, instead of stopping. */
  skipInvalid?: boolean;
  /** Maps an operation field to an op code; default treats all as reads. */
  parseOp?: (field: string) => OpCode;
}

/** Column positions resolved against the header row. */
interface Columns {
  key: number;
  time: number;
  size: number;
  op: number;
}

const NONE = -1;

/**
 * Reads a CSV trace with a header row, streaming: the whole text is never in
 * memory. Rows that cannot be read raise `TraceParseError` with `path:line:`.
 */
export async function readCsvTrace(
  path: string,
  options: CsvReadOptions = {},
): Promise<Trace> {
  await assertReadable(path);
  const builder = new TraceBuilder();
  const parser = openText(path).pipe(
    parse({
      bom: true,
      delimiter: options.delimiter ?? ',',
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }),
  );
  let columns: Columns | undefined;
  for await (const row of parser as AsyncIterable<CsvRow>) {
    const line = row.info.lines;
    if (columns === undefined) {
      columns = resolveColumns(path, row.record, options);
      continue;
    }
    if (row.record.every((field) => field === '')) {
      builder.stats.skippedBlankLines++;
      continue;
    }
    try {
      addRow(builder, row.record, columns, options, `${path}:${line}`);
    } catch (error) {
      if (!(options.skipInvalid && error instanceof TraceParseError)) {
        throw error;
      }
      builder.stats.skippedInvalidRows++;
    }
  }
  if (columns === undefined) {
    throw new TraceParseError(
      `${path}:1: the file is empty; a CSV trace needs a header row and at least one request`,
    );
  }
  const timeUnit = columns.time === NONE ? 'index' : (options.timeUnit ?? 'trace units');
  return builder.build(path, timeUnit);
}

interface CsvRow {
  record: string[];
  info: { lines: number };
}

function openText(path: string): Readable {
  const file = createReadStream(path);
  return path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
}

async function assertReadable(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new TraceParseError(`${path}: not a regular file; pass a trace file with --trace`);
    }
  } catch (error) {
    if (error instanceof TraceParseError) throw error;
    throw new TraceParseError(
      `${path}: trace file not found or not readable (${(error as Error).message}); check the --trace path`,
    );
  }
}

function resolveColumns(
  path: string,
  header: string[],
  options: CsvReadOptions,
): Columns {
  const find = (spec: string | undefined, fallback: string, required: boolean) =>
    findColumn(path, header, spec, fallback, required);
  return {
    key: find(options.keyColumn, 'key', true),
    time: find(options.timeColumn, 'time', options.timeColumn !== undefined),
    size: find(options.sizeColumn, 'size', options.sizeColumn !== undefined),
    op: find(options.opColumn, 'op', options.opColumn !== undefined),
  };
}

/**
 * Finds a column by header name, else by 1-based index. Returns `NONE` for a
 * missing optional column and throws, listing the header, for a required one.
 */
function findColumn(
  path: string,
  header: string[],
  spec: string | undefined,
  fallback: string,
  required: boolean,
): number {
  const name = spec ?? fallback;
  const byName = header.indexOf(name);
  if (byName !== NONE) return byName;
  if (/^[1-9][0-9]*$/.test(name)) {
    const index = Number(name) - 1;
    if (index < header.length) return index;
  }
  if (!required) return NONE;
  throw new TraceParseError(
    `${path}:1: column "${name}" is not in the header; the columns are ${header
      .map((h) => `"${h}"`)
      .join(', ')}; pass --${fallback}-column with one of them or a 1-based index`,
  );
}

function addRow(
  builder: TraceBuilder,
  record: string[],
  columns: Columns,
  options: CsvReadOptions,
  where: string,
): void {
  const key = record[columns.key];
  if (key === undefined || key === '') {
    throw new TraceParseError(
      `${where}: key field (column ${columns.key + 1}) is missing in ${JSON.stringify(record.join(','))}; fix the row or pass --skip-invalid`,
    );
  }
  const time =
    columns.time === NONE
      ? builder.length
      : parseNumber(record[columns.time], 'time', where);
  const size =
    columns.size === NONE ? 1 : parseSize(record[columns.size], where);
  const op =
    columns.op === NONE || options.parseOp === undefined
      ? Op.Read
      : options.parseOp(record[columns.op] ?? '');
  builder.add(time, key, size, op);
}

function parseNumber(
  field: string | undefined,
  what: string,
  where: string,
): number {
  const value = field === undefined || field === '' ? NaN : Number(field);
  if (!Number.isFinite(value)) {
    throw new TraceParseError(
      `${where}: ${what} ${JSON.stringify(field ?? '')} is not a number; fix the row or pass --skip-invalid`,
    );
  }
  return value;
}

function parseSize(field: string | undefined, where: string): number {
  const size = parseNumber(field, 'size', where);
  if (size < 0 || !Number.isInteger(size)) {
    throw new TraceParseError(
      `${where}: size ${JSON.stringify(field)} is not a whole number of bytes >= 0; fix the row or pass --skip-invalid`,
    );
  }
  return size;
}

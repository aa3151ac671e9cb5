import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { TraceParseError } from '../errors.js';
import { canSplitSimply, readSimpleCsv, type FastRules, type RowSink } from './csv-fast.js';
import { NONE, RowInterpreter, type Columns, type RowRules, type RowSource } from './csv-row.js';
import { assertReadable, compressionOf, openBytes, readPrefix, readSuffix } from './source.js';
import type { KeyDictionary } from './key-dictionary.js';
import { TraceBuilder, type Trace } from './trace.js';

/** A column choice: a header name or a 1-based index, or several. */
export type ColumnSpec = string | readonly string[];

/** Options for reading a delimited text trace. */
export interface CsvReadOptions extends RowRules {
  /**
   * Key column: header name or 1-based index. Several columns form one key
   * together (volume and offset). Default: `key`, or column 1 in a file
   * without a header whose rows have one field.
   */
  keyColumn?: ColumnSpec;
  /** Time column: header name or 1-based index. Default: `time` if present. */
  timeColumn?: string;
  /** Size column(s), summed: header name or 1-based index. Default: `size` if present. */
  sizeColumn?: ColumnSpec;
  /** Operation column: header name or 1-based index. Default: `op` if present. */
  opColumn?: string;
  /** Column holding how many times each row is issued. Default: none. */
  countColumn?: string;
  /** Field delimiter. Default: sniffed from the first line. */
  delimiter?: string;
  /** Whether the first non-blank line names the columns. Default: true. */
  hasHeader?: boolean;
  /** Unit of the time column, written into reports. Default: `trace units`. */
  timeUnit?: string;
  /**
   * Line splitter. `auto` (the default) takes the fast path for files
   * without quotes. The others exist so that tests can compare them.
   */
  splitter?: 'auto' | 'csv-parse' | 'fast';
}

/** Delimiters tried by sniffing, in order of preference on a tie. */
const SNIFFED_DELIMITERS = [',', '\t', ';', '|'];

/**
 * Reads a delimited trace, streaming: the whole text is never in memory.
 * Rows that cannot be read raise `TraceParseError` with `path:line:`.
 */
export async function readCsvTrace(
  path: string,
  options: CsvReadOptions = {},
): Promise<Trace> {
  const fileBytes = await assertReadable(path);
  const prefix = await readPrefix(path);
  const delimiter = options.delimiter ?? sniffDelimiter(prefix);
  const splitter = options.splitter ?? 'auto';
  const useFast =
    splitter === 'fast' ||
    (splitter === 'auto' && canSplitSimply(prefix, delimiter));
  const hint = await estimateRows(path, prefix, fileBytes);
  if (useFast) {
    const trace = await readWith(path, options, delimiter, hint, true);
    // The fast path gives up on the first quote it meets; csv-parse then
    // reads the file from the start.
    if (trace !== undefined || splitter === 'fast') return trace ?? quoteError(path);
  }
  return (await readWith(path, options, delimiter, hint, false))!;
}

function quoteError(path: string): never {
  throw new TraceParseError(`${path}: the fast CSV splitter does not read quoted fields; use the default splitter`);
}

/**
 * Estimates the request count from the bytes per line at the start and at
 * the end of the file, so that the builder can size its columns once.
 * Both ends count because lines often grow along a file (times gain
 * digits); the start alone overestimated a 10-million-row file by 31%.
 * The estimate is padded by a quarter: too high costs only address space
 * (see `TraceBuilder`), too low costs a copy of every column.
 * Compressed files get no estimate, because their size on disk is a poor
 * guide to their line count.
 */
async function estimateRows(path: string, prefix: Buffer, fileBytes: number): Promise<number | undefined> {
  if (compressionOf(path) !== 'none' || prefix.length === 0) return undefined;
  const suffix = fileBytes > prefix.length ? await readSuffix(path) : Buffer.alloc(0);
  const lines = countLines(prefix) + countLines(suffix);
  if (lines === 0) return undefined;
  const bytesPerLine = (prefix.length + suffix.length) / lines;
  return Math.ceil((fileBytes / bytesPerLine) * 1.25) + 16;
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let p = bytes.indexOf(10); p !== -1; p = bytes.indexOf(10, p + 1)) lines++;
  return lines;
}

/** Header state shared by both splitters: the first row and what it set. */
class TableState implements RowSink {
  columns: Columns | undefined;
  #interpreter: RowInterpreter | undefined;
  readonly builder: TraceBuilder;

  constructor(
    readonly path: string,
    readonly options: CsvReadOptions,
    hint: number | undefined,
  ) {
    this.builder = new TraceBuilder(hint);
  }

  start(record: string[], row: RowSource): void {
    const hasHeader = this.options.hasHeader ?? true;
    const columns = hasHeader
      ? resolveColumns(this.path, this.options, record, undefined)
      : resolveColumns(this.path, this.options, undefined, record);
    this.#interpreter = new RowInterpreter(this.path, columns, this.builder, this.options);
    this.columns = columns;
    if (!hasHeader) this.#interpreter.add(row);
  }

  add(row: RowSource): void {
    this.#interpreter!.add(row);
  }

  countBlankLine(): void {
    this.builder.stats.skippedBlankLines++;
  }

  countCommentLine(): void {
    this.builder.stats.ignoredRows++;
  }

  fastRules(): FastRules | undefined {
    const interpreter = this.#interpreter;
    if (interpreter === undefined || !interpreter.acceptsPlainTimes) return undefined;
    return interpreter;
  }

  /**
   * Returns the trace. An empty file, or a header without rows, gives a
   * trace of 0 requests rather than an error: replaying it is well defined
   * and every ratio of the report is then n/a.
   */
  finish(): Trace {
    const timeUnit = this.#interpreter?.hasTime ? (this.options.timeUnit ?? 'trace units') : 'index';
    return this.builder.build(this.path, timeUnit, this.#interpreter?.timeOrigin);
  }
}

async function readWith(
  path: string,
  options: CsvReadOptions,
  delimiter: string,
  hint: number | undefined,
  isFast: boolean,
): Promise<Trace | undefined> {
  const state = new TableState(path, options, hint);
  if (isFast) {
    const isComplete = await readSimpleCsv(openBytes(path), delimiter, state);
    if (!isComplete) return undefined;
  } else {
    await readQuotedCsv(path, delimiter, state);
  }
  return state.finish();
}

/**
 * Reads with csv-parse, which handles quoted fields and embedded newlines.
 * As on the fast path, a line whose first character other than a space or
 * tab is `#` is a comment. `comment_no_infix` keeps a `#` later in a line
 * as data.
 */
async function readQuotedCsv(path: string, delimiter: string, state: TableState): Promise<void> {
  // pipeline passes a decompression error on to the parser, so the loop
  // below rejects with it. It also destroys the byte stream when the loop
  // stops early at a bad row. pipe() does neither, so a corrupt .gz file
  // emitted an 'error' event with no listener and crashed the process.
  // The loop rethrows every error, so the callback has nothing to do.
  const parser = pipeline(
    openBytes(path),
    parse({
      bom: true,
      delimiter,
      relax_column_count: true,
      trim: true,
      info: true,
      ...(delimiter === '#' ? {} : { comment: '#', comment_no_infix: true }),
      // With --skip-invalid a row csv-parse cannot read (a stray quote) is
      // skipped and counted like any other invalid row.
      skip_records_with_error: state.options.skipInvalid === true,
    }),
    () => {},
  );
  parser.on('skip', () => {
    state.builder.stats.skippedInvalidRows++;
  });
  const row = {
    fields: [] as string[],
    fieldCount: 0,
    line: 0,
    text: () => row.fields.join(delimiter),
    keyId(position: number, dictionary: KeyDictionary): number {
      const field = position < row.fieldCount ? row.fields[position] : '';
      return field === '' ? -1 : dictionary.idOfText(field);
    },
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
      if (record.every((field) => field === '')) {
        state.countBlankLine();
        continue;
      }
      row.fields = record;
      row.fieldCount = record.length;
      row.line = info.lines;
      if (state.columns === undefined) state.start(record, row);
      else state.add(row);
    }
    state.builder.stats.ignoredRows += parser.info.comment_lines;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw new TraceParseError(
      `${path}:${(error as { lines?: number }).lines ?? '?'}: ${(error as Error).message}; fix the quoting of that row or pass --skip-invalid`,
    );
  }
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Picks the delimiter that occurs most often on the first line among comma,
 * tab, semicolon and bar, passing over blank lines and `#` comments. A line
 * with none of them is one field per line, or space-separated when it has
 * inner spaces.
 */
export function sniffDelimiter(prefix: Buffer): string {
  const text = prefix.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '' && !/^[ \t]*#/.test(line)) ?? '';
  let best = ',';
  let bestCount = 0;
  for (const candidate of SNIFFED_DELIMITERS) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  if (bestCount === 0 && / /.test(firstLine.trim())) return ' ';
  return best;
}

/** Resolves the column choices against a header, or a first data row. */
function resolveColumns(
  path: string,
  options: CsvReadOptions,
  header: readonly string[] | undefined,
  firstRow: readonly string[] | undefined,
): Columns {
  const finder = new ColumnFinder(path, header, firstRow?.length ?? 0);
  const keySpec = options.keyColumn ?? (header ? 'key' : defaultKeyWithoutHeader(path, firstRow!));
  return {
    key: specList(keySpec).map((spec) => finder.find(spec, 'key', true)),
    time: finder.find(options.timeColumn ?? 'time', 'time', options.timeColumn !== undefined),
    size: specList(options.sizeColumn ?? 'size').map((spec) =>
      finder.find(spec, 'size', options.sizeColumn !== undefined),
    ).filter((position) => position !== NONE),
    op: finder.find(options.opColumn ?? 'op', 'op', options.opColumn !== undefined),
    count: options.countColumn === undefined ? NONE : finder.find(options.countColumn, 'count', true),
    ...(header ? { names: header } : {}),
  };
}

function specList(spec: ColumnSpec): readonly string[] {
  return typeof spec === 'string' ? [spec] : spec;
}

/**
 * Without a header the key column must be named by index, except in a file
 * of one field per line, where there is no choice to make.
 */
function defaultKeyWithoutHeader(path: string, firstRow: readonly string[]): string {
  if (firstRow.length === 1) return '1';
  throw new TraceParseError(
    `${path}:1: the file has no header and ${firstRow.length} fields per row (${JSON.stringify(firstRow.join(','))}); pass --key-column with the 1-based index of the key field`,
  );
}

class ColumnFinder {
  constructor(
    readonly path: string,
    readonly header: readonly string[] | undefined,
    readonly fieldCount: number,
  ) {}

  /**
   * Finds a column by header name, else by 1-based index. Returns `NONE`
   * for a missing optional column and throws, listing the header, for a
   * required one.
   */
  find(spec: string, flag: string, isRequired: boolean): number {
    const header = this.header;
    const byName = header === undefined ? NONE : header.indexOf(spec);
    if (byName !== NONE) return byName;
    if (/^[1-9][0-9]*$/.test(spec)) {
      const index = Number(spec) - 1;
      const width = header?.length ?? this.fieldCount;
      if (index < width || header === undefined) return index;
    }
    if (!isRequired) return NONE;
    throw new TraceParseError(this.#message(spec, flag));
  }

  #message(spec: string, flag: string): string {
    const header = this.header;
    if (header === undefined) {
      return `${this.path}:1: --${flag}-column "${spec}" is not a 1-based column index, and the file has no header to look names up in; give the index of the column`;
    }
    const columns = header.map((h) => `"${h}"`).join(', ');
    const looksLikeData = header.some((name) => name !== '' && Number.isFinite(Number(name)));
    const hint = looksLikeData
      ? '; the first line looks like data, so if the file has no header pass --no-header and 1-based indexes, or a --format preset such as msr, tencent or twitter'
      : '';
    return `${this.path}:1: column "${spec}" is not in the header; the columns are ${columns}; pass --${flag}-column with one of them or a 1-based index${hint}`;
  }
}

import { BadOptionError, TraceParseError } from '../errors.js';
import { INTEGER_LAYOUTS, readIntegerTrace, type IntegerLayout } from './binary.js';
import { readCsvTrace, type CsvReadOptions } from './csv.js';
import { readOracleGeneral } from './oracle-general.js';
import { CSV_PRESETS, type CsvPresetName } from './presets.js';
import { readPrefix, uncompressedName } from './source.js';
import { readArcTrace, readMemoryTrace } from './text-formats.js';
import type { Trace } from './trace.js';

const PRESET_NAMES = Object.keys(CSV_PRESETS) as CsvPresetName[];
const INTEGER_NAMES = Object.keys(INTEGER_LAYOUTS) as IntegerLayout[];

/** Trace layouts that `readTrace` reads, by name. */
export const TRACE_FORMATS = [
  'auto',
  'csv',
  ...PRESET_NAMES,
  'csapp',
  'arc',
  'cache2k',
  'corda',
  ...INTEGER_NAMES,
  'oracle-general',
] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export interface ReadTraceOptions extends CsvReadOptions {
  /** Layout of the file; `auto` recognises it where that is unambiguous. Default: `auto`. */
  format?: TraceFormat;
  /** Bytes per cache line for memory traces (`csapp`). Default 1. */
  lineSize?: number;
}

/** Options that only delimited formats read, with their flags. */
const CSV_ONLY_OPTIONS: readonly [keyof ReadTraceOptions, string][] = [
  ['keyColumn', '--key-column'],
  ['timeColumn', '--time-column'],
  ['sizeColumn', '--size-column'],
  ['opColumn', '--op-column'],
  ['delimiter', '--delimiter'],
  ['hasHeader', '--no-header'],
];

/**
 * Reads a trace file in the given layout. Column options given by the
 * caller override those of a preset. A file without requests (empty, a
 * header alone, only comments) gives a trace of length 0; a file whose
 * every row was skipped as invalid is rejected, because its options are
 * more likely wrong than its rows.
 */
export async function readTrace(path: string, options: ReadTraceOptions = {}): Promise<Trace> {
  const requested = options.format ?? 'auto';
  if (!TRACE_FORMATS.includes(requested)) {
    throw new BadOptionError(
      `--format: "${requested}" is not a known format; use one of ${TRACE_FORMATS.join(', ')}`,
    );
  }
  const format = requested === 'auto' ? await detectFormat(path, options) : requested;
  checkOptionsApply(format, options);
  const trace = await readAs(path, format, options);
  if (trace.length === 0 && trace.stats.skippedInvalidRows > 0) {
    const { skippedInvalidRows, skippedBlankLines, ignoredRows } = trace.stats;
    throw new TraceParseError(
      `${path}: no request could be read (${skippedInvalidRows} invalid rows skipped, ${skippedBlankLines} blank lines, ${ignoredRows} rows that are not requests); check --format and the column options`,
    );
  }
  return trace;
}

async function readAs(path: string, format: Exclude<TraceFormat, 'auto'>, options: ReadTraceOptions): Promise<Trace> {
  switch (format) {
    case 'csv':
      return readCsvTrace(path, options);
    case 'csapp':
      return readMemoryTrace(path, { lineSize: checkLineSize(options.lineSize), skipInvalid: options.skipInvalid });
    case 'arc':
      return readArcTrace(path, { skipInvalid: options.skipInvalid });
    case 'cache2k':
      return readIntegerTrace(path, 'int32-be');
    case 'corda':
      return readIntegerTrace(path, 'int64-be');
    case 'oracle-general':
      return readOracleGeneral(path);
    default:
      if (isIntegerLayout(format)) return readIntegerTrace(path, format);
      return readCsvTrace(path, { ...CSV_PRESETS[format], ...definedOnly(options) });
  }
}

function isIntegerLayout(format: string): format is IntegerLayout {
  return (INTEGER_NAMES as string[]).includes(format);
}

function isDelimited(format: string): boolean {
  return format === 'csv' || (PRESET_NAMES as string[]).includes(format);
}

/** Rejects options that the chosen format would silently ignore. */
function checkOptionsApply(format: Exclude<TraceFormat, 'auto'>, options: ReadTraceOptions): void {
  if (!isDelimited(format)) {
    for (const [name, flag] of CSV_ONLY_OPTIONS) {
      if (options[name] !== undefined) {
        throw new BadOptionError(`${flag}: applies to delimited text formats, not to --format ${format}; drop the option or pick another --format`);
      }
    }
  }
  if (options.lineSize !== undefined && format !== 'csapp') {
    throw new BadOptionError(`--line-size: applies to memory traces (--format csapp), not to --format ${format}; drop the option`);
  }
}

function checkLineSize(lineSize: number | undefined): number | undefined {
  if (lineSize !== undefined && !(Number.isSafeInteger(lineSize) && lineSize >= 1)) {
    throw new BadOptionError(`--line-size: ${lineSize} is not a whole number of bytes >= 1; give the cache line size, e.g. 64`);
  }
  return lineSize;
}

const CLOUDPHYSICS_HEADER = 'version,time,op,size,lbn';
const SYSTOR_HEADER = 'Timestamp,Response,IOType,LUN,Offset,Size';
const META_KVCACHE_FIELDS = ['op_time', 'key', 'key_size', 'op', 'op_count', 'size'];
const LACKEY_LINE = /^\s*[ILSM]\s+[0-9a-fA-F]+,[0-9]+\s*$/;
const MSR_LINE = /^[0-9]+,[^,]+,[0-9]+,(Read|Write),[0-9]+,[0-9]+,[0-9]+$/;
const TWITTER_LINE = /^[0-9]+,[^,]*,[0-9]+,[0-9]+,[0-9]+,[a-z]+,[0-9]+$/;
const INTEGER_LINE = /^\s*-?[0-9]+\s*$/;
/** A line with one of the sniffed delimiters or an inner space has several fields. */
const SEVERAL_FIELDS = /[,\t;|]|\S\s+\S/;
/** Lines after the first that detection looks at. */
const DETECTION_LINES = 20;

/**
 * Recognises a format from the file name and its first lines, where only
 * one format fits. Blank lines and `#` comment lines are passed over.
 * Anything else is plain CSV; binary files other than oracleGeneral must be
 * named, because their bytes do not say their width. Column options
 * (`keyColumn`, `hasHeader`, …) mean the caller reads the file as a table,
 * so they keep a one-column file CSV.
 */
export async function detectFormat(
  path: string,
  options: ReadTraceOptions = {},
): Promise<Exclude<TraceFormat, 'auto'>> {
  const name = uncompressedName(path);
  if (/\.oracleGeneral(\.bin)?$/i.test(name)) return 'oracle-general';
  if (/\.lis$/i.test(name)) return 'arc';
  const prefix = await readPrefix(path);
  if (prefix.includes(0)) {
    throw new TraceParseError(
      `${path}: the file is binary and its layout cannot be told from its bytes; pass --format cache2k or int32-be (32-bit keys), corda or int64-be (64-bit keys), or oracle-general`,
    );
  }
  const lines = prefix
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !/^[ \t]*#/.test(line));
  const format = formatOfFirstLine((lines[0] ?? '').trimEnd());
  const hasColumnOptions = CSV_ONLY_OPTIONS.some(([option]) => options[option] !== undefined);
  if (format === 'csv' && !hasColumnOptions && isKeyPerLine(lines.slice(0, DETECTION_LINES + 1))) {
    return 'lines';
  }
  return format;
}

function formatOfFirstLine(line: string): Exclude<TraceFormat, 'auto'> {
  if (line === CLOUDPHYSICS_HEADER) return 'cloudphysics';
  if (line === SYSTOR_HEADER) return 'systor';
  const fields = line.split(',');
  if (META_KVCACHE_FIELDS.every((field) => fields.includes(field))) return 'meta-kvcache';
  if (LACKEY_LINE.test(line)) return 'csapp';
  if (MSR_LINE.test(line)) return 'msr';
  if (TWITTER_LINE.test(line)) return 'twitter';
  if (INTEGER_LINE.test(line)) return 'lines';
  return 'csv';
}

/**
 * Tells whether a file of one field per line whose first line is not a
 * number is a list of keys (`a`, `b`, `a`) rather than a header over its
 * rows. It is a header when it is the default key column name `key`, when
 * no row follows it, or when the rows below it are all integers (`lbn`
 * over block numbers), because a key list rarely mixes the two.
 */
function isKeyPerLine(lines: readonly string[]): boolean {
  const [first, ...rest] = lines.map((line) => line.trim());
  if (first === undefined || rest.length === 0 || first === 'key') return false;
  if (lines.some((line) => SEVERAL_FIELDS.test(line.trim()))) return false;
  return !rest.every((line) => INTEGER_LINE.test(line));
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

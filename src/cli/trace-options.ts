import type { Argv } from 'yargs';
import { BadOptionError } from '../errors.js';
import { withFields } from '../trace/key-table.js';
import { DEFAULT_CACHE_DIRECTORY, loadTrace, type LoadedTrace, type LoadTraceOptions } from '../trace/load.js';
import { TRACE_FORMATS, type TraceFormat } from '../trace/read.js';
import { TIME_UNITS } from '../sim/latency.js';
import type { CliIo } from './main.js';

/** The trace-reading flags, as yargs returns them. */
export interface TraceArgs {
  trace: string;
  format: TraceFormat;
  keyColumn?: string;
  timeColumn?: string;
  sizeColumn?: string;
  opColumn?: string;
  delimiter?: string;
  header: boolean;
  skipInvalid: boolean;
  sortByTime: boolean;
  lineSize?: number;
  cache: boolean;
  cacheDir?: string;
  timeUnit?: string;
}

/** Environment variable that sets the cache directory when --cache-dir is absent. */
export const CACHE_DIRECTORY_VARIABLE = 'SIMULATE_TRACE_CACHE';

/** Adds the flags that choose how a trace file is read. */
export function traceOptions<T>(cli: Argv<T>) {
  return cli
    .option('trace', { type: 'string', demandOption: true, describe: 'trace file (.gz and .zst are decompressed while reading)', coerce: nonEmptyPath })
    .option('time-unit', { type: 'string', choices: TIME_UNITS as unknown as string[], describe: 'unit of the time column, for a trace whose format does not fix it; lets times with units (5ms) and measured prediction latency apply' })
    .option('format', { type: 'string', default: 'auto', choices: TRACE_FORMATS as unknown as string[], describe: 'trace layout; auto recognises it from the file name or first line where only one layout fits (docs/traces.md describes each)' })
    .option('key-column', { type: 'string', describe: 'key column: header name or 1-based index; a comma list joins several columns into one key (default: key)' })
    .option('time-column', { type: 'string', describe: 'time column: header name or 1-based index (default: time, if present)' })
    .option('size-column', { type: 'string', describe: 'size column in bytes: header name or 1-based index; a comma list adds columns up (default: size, if present)' })
    .option('op-column', { type: 'string', describe: 'operation column: header name or 1-based index; get/read/R are reads, set/write/W writes (default: op, if present)' })
    .option('delimiter', { type: 'string', describe: 'field delimiter (default: sniffed from the first line among , tab ; |)' })
    .option('header', { type: 'boolean', default: true, describe: 'the first line names the columns; --no-header for files without one (columns are then 1-based indexes)' })
    .option('skip-invalid', { type: 'boolean', default: false, describe: 'skip and count rows that cannot be read instead of stopping' })
    .option('sort-by-time', { type: 'boolean', default: false, describe: 'sort requests by time (stable); by default they are replayed in file order' })
    .option('line-size', { type: 'number', describe: 'bytes per cache line for memory traces (--format csapp): key = address / line size' })
    .option('cache', { type: 'boolean', default: true, describe: `keep parsed traces in a binary cache keyed by file content and reading options; --no-cache reads the text every time` })
    .option('cache-dir', { type: 'string', describe: `trace cache directory (default: $${CACHE_DIRECTORY_VARIABLE}, else ${DEFAULT_CACHE_DIRECTORY})` });
}

function nonEmptyPath(path: string): string {
  if (path.trim() === '') {
    throw new BadOptionError('--trace: the path is empty; give the trace file to read');
  }
  return path;
}

/** Turns the flags into loader options; checks values yargs cannot. */
export function loadOptionsOf(args: TraceArgs): LoadTraceOptions {
  if (args.delimiter !== undefined && args.delimiter.length === 0) {
    throw new BadOptionError('--delimiter: the delimiter is empty; give one character, e.g. ";" or "\\t"');
  }
  return {
    format: args.format,
    keyColumn: columnList(args.keyColumn),
    timeColumn: args.timeColumn,
    sizeColumn: columnList(args.sizeColumn),
    opColumn: args.opColumn,
    delimiter: args.delimiter === '\\t' ? '\t' : args.delimiter,
    hasHeader: args.header === false ? false : undefined,
    skipInvalid: args.skipInvalid,
    lineSize: args.lineSize,
    sortByTime: args.sortByTime,
    cacheDirectory: args.cache ? cacheDirectoryOf(args) : undefined,
  };
}

function columnList(spec: string | undefined): string | string[] | undefined {
  if (spec === undefined || !spec.includes(',')) return spec;
  return spec.split(',').map((part) => part.trim());
}

function cacheDirectoryOf(args: TraceArgs): string {
  return args.cacheDir ?? process.env[CACHE_DIRECTORY_VARIABLE] ?? DEFAULT_CACHE_DIRECTORY;
}

/**
 * Loads the trace for a command and prints one warning on stderr for each
 * doubtful thing in it.
 */
export async function loadTraceForCli(args: TraceArgs, io: CliIo): Promise<LoadedTrace> {
  const loaded = await loadTrace(args.trace, loadOptionsOf(args));
  if (args.timeUnit !== undefined) {
    loaded.trace = withFields(loaded.trace, { timeUnit: args.timeUnit });
  }
  for (const warning of traceWarnings(loaded)) io.stderr.write(`simulate: warning: ${warning}\n`);
  return loaded;
}

/** Returns the line a command prints last on stdout to name the cache entry. */
export function cacheLine(loaded: LoadedTrace): string {
  return loaded.cacheEntry === undefined
    ? 'trace cache: off\n'
    : `trace cache: ${loaded.cacheEntry} (${loaded.cacheStatus})\n`;
}

/** Returns one warning line per doubtful property of a loaded trace. */
export function traceWarnings(loaded: LoadedTrace): string[] {
  const { trace } = loaded;
  const stats = trace.stats;
  const path = trace.source;
  const warnings: string[] = [];
  if (loaded.cacheWarning !== undefined) warnings.push(loaded.cacheWarning);
  if (trace.length === 0) {
    warnings.push(`${path}: the trace has no requests (${stats.skippedBlankLines} blank lines, ${stats.ignoredRows} comment or other non-request rows); every ratio is n/a`);
  }
  if (stats.skippedInvalidRows > 0) {
    warnings.push(`${path}: skipped ${stats.skippedInvalidRows} invalid rows (--skip-invalid); the report counts them`);
  }
  if (loaded.sortedBackwardTimestamps > 0) {
    warnings.push(`${path}: ${loaded.sortedBackwardTimestamps} requests had a time earlier than the previous request; --sort-by-time put them in time order`);
  } else if (stats.backwardTimestamps > 0) {
    warnings.push(`${path}: ${stats.backwardTimestamps} requests have a time earlier than the previous request; they are replayed in file order with the clock held at the latest time (pass --sort-by-time to sort them)`);
  }
  if (stats.zeroSizeRequests > 0) {
    warnings.push(`${path}: ${stats.zeroSizeRequests} requests have size 0 bytes`);
  }
  if (stats.resizedRequests > 0) {
    warnings.push(`${path}: ${stats.resizedRequests} requests give their key another size than its previous request; the newest size is used`);
  }
  return warnings;
}

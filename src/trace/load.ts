import { detectFormat, readTrace, type ReadTraceOptions } from './read.js';
import { sortByTime } from './sort.js';
import { assertReadable, compressionOf } from './source.js';
import { withFields } from './key-table.js';
import { loadThroughCache, type CacheStatus } from './trace-cache.js';
import type { Trace } from './trace.js';

/** Default cache directory, relative to the working directory. */
export const DEFAULT_CACHE_DIRECTORY = '.trace-cache';

export interface LoadTraceOptions extends ReadTraceOptions {
  /** Cache directory, or undefined to read without the cache. */
  cacheDirectory?: string;
  /** Sort requests by time (stable) after reading. Default false. */
  sortByTime?: boolean;
}

export interface LoadedTrace {
  trace: Trace;
  /** `off` when no cache was used. */
  cacheStatus: CacheStatus | 'off';
  /** Path of the cache entry, when the cache was used. */
  cacheEntry?: string;
  /**
   * SHA-256 of the file's bytes, when the cache knew or computed it, so a
   * report need not read the file again to name it.
   */
  contentHash?: string;
  /** Reason the cache could not be written, if it could not. */
  cacheWarning?: string;
  /** Requests that `sortByTime` moved into time order (0 when not asked). */
  sortedBackwardTimestamps: number;
}

/**
 * Reads a trace through the binary trace cache when a directory is given,
 * then sorts it by time when asked. The entry is keyed by the file's
 * content and by `cacheKeyOf(options)`.
 */
export async function loadTrace(path: string, options: LoadTraceOptions = {}): Promise<LoadedTrace> {
  const { cacheDirectory, sortByTime: isSorted, ...readOptions } = options;
  let loaded: Omit<LoadedTrace, 'sortedBackwardTimestamps'>;
  if (cacheDirectory === undefined || readOptions.parseOp !== undefined) {
    loaded = { trace: await readTrace(path, readOptions), cacheStatus: 'off' };
  } else {
    await assertReadable(path);
    const format = readOptions.format === undefined || readOptions.format === 'auto'
      ? await detectFormat(path, readOptions)
      : readOptions.format;
    const resolved = { ...readOptions, format };
    const cached = await loadThroughCache(cacheDirectory, path, cacheKeyOf(path, resolved), () => readTrace(path, resolved));
    loaded = {
      trace: withFields(cached.trace, { source: path }),
      cacheStatus: cached.status,
      cacheEntry: cached.entryPath,
      ...(cached.contentHash === undefined ? {} : { contentHash: cached.contentHash }),
      ...(cached.warning === undefined ? {} : { cacheWarning: cached.warning }),
    };
  }
  if (!isSorted) return { ...loaded, sortedBackwardTimestamps: 0 };
  const backward = loaded.trace.stats.backwardTimestamps;
  return { ...loaded, trace: sortByTime(loaded.trace), sortedBackwardTimestamps: backward };
}

/**
 * Names every reading option that changes the parsed trace, in a fixed
 * order, plus the compression that the file name implies.
 */
export function cacheKeyOf(path: string, options: ReadTraceOptions): string {
  return JSON.stringify({
    format: options.format,
    compression: compressionOf(path),
    keyColumn: options.keyColumn,
    timeColumn: options.timeColumn,
    sizeColumn: options.sizeColumn,
    opColumn: options.opColumn,
    countColumn: options.countColumn,
    delimiter: options.delimiter,
    hasHeader: options.hasHeader,
    timeUnit: options.timeUnit,
    sizeScale: options.sizeScale,
    lineSize: options.lineSize,
    skipInvalid: options.skipInvalid ?? false,
  });
}

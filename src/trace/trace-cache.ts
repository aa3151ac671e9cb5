/**
 * A cache of parsed traces in a compact binary form, so that reruns and
 * sweeps over one trace skip the text parser.
 *
 * Layout of the cache directory:
 *
 *     index/<sha256 of the real path>.json   the file's identity and content hash
 *     traces/<sha256 of content hash, options, version>.trace   one parsed trace
 *
 * An entry is keyed by the SHA-256 of the trace file's bytes and by every
 * reading option that changes the result, so a changed file or other
 * options never reuse an entry. Hashing a large file costs about 0.6 s per
 * GiB (measured with SHA-256 on an AMD EPYC with SHA extensions). So the
 * index remembers each path's hash with the file's size, mtime, ctime,
 * inode and device, and hashes again only when one of them changes. Any
 * write to the file changes its ctime, which utimes and copying tools
 * cannot set back, so a changed file is noticed unless the system clock
 * itself is turned back.
 *
 * Entry layout, little-endian: the magic `SIMTRACE`, a u32 layout version,
 * a u32 metadata length, the metadata as JSON, then the parts at 8-byte
 * aligned offsets: times, sizes, key ids (u32), ops (u8, not stored when
 * every request is a read) and the key table
 * (see `KeyTable`: decimal values, or u32 text ends and the UTF-8 text).
 * Times and sizes are stored in the column type of the trace, which the
 * metadata names. Times that are the request index and sizes
 * that are all equal are not stored but filled in on loading. Loading
 * reads the file once into shared memory and makes every stored part a
 * view of that buffer, so worker threads can share the loaded trace.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { streamFileAtomic, writeFileAtomic } from '../atomic-write.js';
import { sharedColumn, SIZE_TYPES, sizeTypeIndex, type ColumnType } from './columns.js';
import { keyCountOf, keyTableFor, withKeyTable, type KeyTable } from './key-table.js';
import { Op, type SizeColumn, type TimeColumn, type Trace, type TraceReadStats } from './trace.js';

/**
 * Version of the readers' output and of the entry layout. Bump it when a
 * reader changes what it produces, so that old entries are not reused.
 */
export const TRACE_CACHE_VERSION = 4;
const MAGIC = 'SIMTRACE';
const HEADER_BYTES = 16;

/** Outcome of one load through the cache. */
export type CacheStatus =
  /** The entry existed and was loaded. */
  | 'hit'
  /** No entry existed; the trace was parsed and stored. */
  | 'stored'
  /** The file changed since it was cached (or the entry was damaged); it was parsed again and the entry replaced. */
  | 'stale'
  /** The trace was parsed but could not be stored (the reason is in `warning`). */
  | 'unwritable';

/** Identity of a file on disk, as the index records it. */
interface FileIdentity {
  path: string;
  size: number;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  dev: string;
  contentHash: string;
}

/** Element type of a stored column, as the metadata names it. */
type ElementName = 'u8' | 'u16' | 'u32' | 'f64';

const ELEMENT_TYPES: Record<ElementName, ColumnType<SizeColumn>> = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  f64: Float64Array,
};

/** Metadata stored at the head of an entry. */
interface EntryMeta {
  contentHash: string;
  optionsKey: string;
  source: string;
  timeUnit: string;
  timeOrigin?: string;
  stats: TraceReadStats;
  length: number;
  /** Element type of the times; `index` when request i has time i, which is then not stored. */
  times: 'index' | 'u32' | 'f64';
  /** Element type of the sizes column. */
  sizes: ElementName;
  /** The one size of every request, when all are equal; that column is then not stored. */
  constantSize: number | null;
  /** True when every op is a read; the ops column is then not stored. */
  isAllRead: boolean;
  /** Form of the key table: decimal values (u32 or f64), or UTF-8 text. */
  keys: 'decimal-u32' | 'decimal-f64' | 'text';
  keyCount: number;
  /** Bytes of UTF-8 key text; 0 for decimal keys. */
  keyTextBytes: number;
}

export interface CachedLoad {
  trace: Trace;
  status: CacheStatus;
  /**
   * SHA-256 (hex) of the trace file's bytes: hashed in this load, or
   * remembered by the index while the file's size, mtime, ctime, inode and
   * device are unchanged. Absent when the cache was not used at all.
   */
  contentHash?: string;
  /** Path of the entry file. */
  entryPath: string;
  /** Reason the entry could not be written, for `unwritable`. */
  warning?: string;
}

/**
 * Returns the trace from the cache, or parses it with `parse` and stores
 * it. `optionsKey` must name every option that changes the parsed trace.
 */
export async function loadThroughCache(
  directory: string,
  path: string,
  optionsKey: string,
  parse: () => Promise<Trace>,
): Promise<CachedLoad> {
  if (endianness() !== 'LE') {
    // NOTE: entries hold native typed arrays, which are little-endian here.
    const trace = await parse();
    return { trace, status: 'unwritable', entryPath: '', warning: 'the trace cache needs a little-endian machine' };
  }
  const identity = await currentIdentity(directory, path);
  const contentHash = identity.current.contentHash;
  const entryPath = entryPathFor(directory, contentHash, optionsKey);
  let wasStale = identity.previousHash !== undefined && identity.previousHash !== identity.current.contentHash;
  if (wasStale) {
    await rm(entryPathFor(directory, identity.previousHash!, optionsKey), { force: true });
  }
  const cached = await readEntry(entryPath, identity.current.contentHash, optionsKey);
  if (cached === 'missing' || cached === 'damaged') {
    wasStale ||= cached === 'damaged';
    const trace = await parse();
    const warning = await storeEntry(directory, entryPath, trace, identity.current, optionsKey);
    if (warning !== undefined) return { trace, status: 'unwritable', entryPath, contentHash, warning };
    return { trace, status: wasStale ? 'stale' : 'stored', entryPath, contentHash };
  }
  return { trace: cached, status: 'hit', entryPath, contentHash };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function entryPathFor(directory: string, contentHash: string, optionsKey: string): string {
  const name = sha256(`${contentHash}\n${optionsKey}\n${TRACE_CACHE_VERSION}`);
  return join(directory, 'traces', `${name}.trace`);
}

/**
 * Returns the file's identity with its content hash, from the index when
 * the file is unchanged, and the hash the index held before if it changed.
 */
async function currentIdentity(
  directory: string,
  path: string,
): Promise<{ current: FileIdentity; previousHash?: string }> {
  const fullPath = await realpath(path);
  const info = await stat(fullPath, { bigint: true });
  const indexPath = join(directory, 'index', `${sha256(fullPath)}.json`);
  const known = await readJson<FileIdentity>(indexPath);
  const partial = {
    path: fullPath,
    size: Number(info.size),
    mtimeNs: String(info.mtimeNs),
    ctimeNs: String(info.ctimeNs),
    ino: String(info.ino),
    dev: String(info.dev),
  };
  if (known !== undefined && sameIdentity(known, partial)) return { current: known };
  const current = { ...partial, contentHash: await hashFile(fullPath) };
  return { current, ...(known === undefined ? {} : { previousHash: known.contentHash }) };
}

function sameIdentity(known: FileIdentity, now: Omit<FileIdentity, 'contentHash'>): boolean {
  return (
    known.path === now.path &&
    known.size === now.size &&
    known.mtimeNs === now.mtimeNs &&
    known.ctimeNs === now.ctimeNs &&
    known.ino === now.ino &&
    known.dev === now.dev &&
    typeof known.contentHash === 'string'
  );
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Rounds up to the next multiple of 8, the alignment of f64 columns. */
function align8(offset: number): number {
  return (offset + 7) & ~7;
}

/** Byte offsets of each part of an entry; elided parts take no bytes. */
function layout(metaBytes: number, meta: EntryMeta) {
  const n = meta.length;
  const timeBytes = meta.times === 'index' ? 0 : n * ELEMENT_TYPES[meta.times].BYTES_PER_ELEMENT;
  const sizeBytes = meta.constantSize === null ? n * ELEMENT_TYPES[meta.sizes].BYTES_PER_ELEMENT : 0;
  const keyBytes = meta.keys === 'decimal-f64' ? 8 : 4;
  const times = align8(HEADER_BYTES + metaBytes);
  const sizes = align8(times + timeBytes);
  const keyIds = align8(sizes + sizeBytes);
  const ops = keyIds + n * 4;
  const keys = align8(ops + (meta.isAllRead ? 0 : n));
  const keyText = keys + meta.keyCount * keyBytes;
  const total = keyText + (meta.keys === 'text' ? meta.keyTextBytes : 0);
  return { times, sizes, keyIds, ops, keys, keyText, total };
}

async function readEntry(entryPath: string, contentHash: string, optionsKey: string): Promise<Trace | 'missing' | 'damaged'> {
  let bytes: Uint8Array;
  try {
    bytes = readShared(entryPath);
  } catch {
    return 'missing';
  }
  try {
    return decodeEntry(bytes, contentHash, optionsKey) ?? 'damaged';
  } catch {
    return 'damaged';
  }
}

/**
 * Reads a whole file into a `SharedArrayBuffer`, with blocking reads:
 * chunked async reads measured slower for files of tens of MiB, and
 * nothing else runs while a command loads its trace.
 */
function readShared(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const bytes = sharedColumn(Uint8Array, fstatSync(fd).size);
    let offset = 0;
    while (offset < bytes.length) {
      const read = readSync(fd, bytes, offset, bytes.length - offset, offset);
      if (read === 0) throw new Error(`${path} ended at byte ${offset} of ${bytes.length}`);
      offset += read;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Decodes an entry; undefined when it is not the entry it should be. */
function decodeEntry(bytes: Uint8Array, contentHash: string, optionsKey: string): Trace | undefined {
  const buffer = bytes.buffer;
  const text = Buffer.from(buffer, bytes.byteOffset, bytes.byteLength);
  if (text.length < HEADER_BYTES || text.toString('latin1', 0, 8) !== MAGIC) return undefined;
  if (text.readUInt32LE(8) !== TRACE_CACHE_VERSION) return undefined;
  const metaBytes = text.readUInt32LE(12);
  const meta = JSON.parse(text.toString('utf8', HEADER_BYTES, HEADER_BYTES + metaBytes)) as EntryMeta;
  if (meta.contentHash !== contentHash || meta.optionsKey !== optionsKey) return undefined;
  const n = meta.length;
  const at = layout(metaBytes, meta);
  if (text.length !== at.total) return undefined;
  const view = <T>(Type: ColumnType<T>, offset: number, length: number) => new Type(buffer, bytes.byteOffset + offset, length);
  const fields: Omit<Trace, 'keys'> = {
    length: n,
    times: meta.times === 'index' ? indexTimes(n) : view<TimeColumn>(ELEMENT_TYPES[meta.times] as ColumnType<TimeColumn>, at.times, n),
    sizes: meta.constantSize === null ? view(ELEMENT_TYPES[meta.sizes], at.sizes, n) : constantSizes(n, meta.constantSize),
    keyIds: view(Uint32Array, at.keyIds, n),
    // A zeroed column that is never written costs no resident memory.
    ops: meta.isAllRead ? sharedColumn(Uint8Array, n) : view(Uint8Array, at.ops, n),
    source: meta.source,
    timeUnit: meta.timeUnit,
    ...(meta.timeOrigin === undefined ? {} : { timeOrigin: meta.timeOrigin }),
    stats: meta.stats,
  };
  const table: KeyTable =
    meta.keys === 'text'
      ? { kind: 'text', ends: view(Uint32Array, at.keys, meta.keyCount), bytes: view(Uint8Array, at.keyText, meta.keyTextBytes) }
      : { kind: 'decimal', values: view<Uint32Array | Float64Array>(meta.keys === 'decimal-u32' ? Uint32Array : Float64Array, at.keys, meta.keyCount) };
  return withKeyTable(fields, table);
}

function indexTimes(length: number): Uint32Array {
  const times = sharedColumn(Uint32Array, length);
  for (let i = 0; i < length; i++) times[i] = i;
  return times;
}

/** Makes a sizes column of `length` copies of `size`, in the narrowest exact type. */
function constantSizes(length: number, size: number): SizeColumn {
  const type = SIZE_TYPES[sizeTypeIndex(size)];
  return sharedColumn<SizeColumn>(type === undefined ? Float64Array : type.Type, length).fill(size);
}

function hasIndexTimes(times: TimeColumn): boolean {
  // Index times are stored in a Uint32Array, so longer traces have others.
  if (times.length > 2 ** 32) return false;
  for (let i = 0; i < times.length; i++) if (times[i] !== i) return false;
  return true;
}

function constantOf(sizes: SizeColumn): number | null {
  for (let i = 1; i < sizes.length; i++) if (sizes[i] !== sizes[0]) return null;
  return sizes.length === 0 ? null : sizes[0];
}

function keyFormOf(table: KeyTable): EntryMeta['keys'] {
  if (table.kind === 'text') return 'text';
  return table.values instanceof Uint32Array ? 'decimal-u32' : 'decimal-f64';
}

function elementName(column: TimeColumn | SizeColumn): ElementName {
  if (column instanceof Uint8Array) return 'u8';
  if (column instanceof Uint16Array) return 'u16';
  if (column instanceof Uint32Array) return 'u32';
  return 'f64';
}

/** Writes the entry and the index; returns a warning instead of failing. */
async function storeEntry(
  directory: string,
  entryPath: string,
  trace: Trace,
  identity: FileIdentity,
  optionsKey: string,
): Promise<string | undefined> {
  try {
    await mkdir(join(directory, 'traces'), { recursive: true });
    const parts = encodeEntry(trace, identity.contentHash, optionsKey);
    await streamFileAtomic(entryPath, async (write) => {
      for (const part of parts) await write(part);
    });
    const indexPath = join(directory, 'index', `${sha256(identity.path)}.json`);
    await writeFileAtomic(indexPath, `${JSON.stringify(identity)}\n`);
    return undefined;
  } catch (error) {
    return `could not write the trace cache in ${directory} (${(error as Error).message}); pass --cache-dir with a writable folder, or --no-cache`;
  }
}

/**
 * Returns the entry as a list of byte parts. The columns are views of the
 * trace's own arrays, so storing a trace does not copy it in memory.
 */
function encodeEntry(trace: Trace, contentHash: string, optionsKey: string): Uint8Array[] {
  const n = trace.length;
  const table = keyTableFor(trace);
  const keyParts = table.kind === 'text' ? [table.ends, table.bytes] : [table.values];
  const meta: EntryMeta = {
    contentHash,
    optionsKey,
    source: trace.source,
    timeUnit: trace.timeUnit,
    ...(trace.timeOrigin === undefined ? {} : { timeOrigin: trace.timeOrigin }),
    stats: trace.stats,
    length: n,
    times: hasIndexTimes(trace.times) ? 'index' : elementName(trace.times) === 'u32' ? 'u32' : 'f64',
    sizes: elementName(trace.sizes),
    constantSize: constantOf(trace.sizes),
    isAllRead: trace.ops.every((op) => op === Op.Read),
    keys: keyFormOf(table),
    keyCount: keyCountOf(table),
    keyTextBytes: table.kind === 'text' ? table.bytes.length : 0,
  };
  const metaJson = Buffer.from(JSON.stringify(meta), 'utf8');
  const at = layout(metaJson.length, meta);
  const head = Buffer.alloc(at.times);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(TRACE_CACHE_VERSION, 8);
  head.writeUInt32LE(metaJson.length, 12);
  metaJson.copy(head, HEADER_BYTES);
  const parts: Uint8Array[] = [head];
  let written = at.times;
  // Each part goes at its offset from the layout, after zero padding.
  const put = (offset: number, column: ArrayBufferView) => {
    if (offset > written) parts.push(new Uint8Array(offset - written));
    parts.push(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    written = offset + column.byteLength;
  };
  if (meta.times !== 'index') put(at.times, trace.times);
  if (meta.constantSize === null) put(at.sizes, trace.sizes);
  put(at.keyIds, trace.keyIds);
  if (!meta.isAllRead) put(at.ops, trace.ops);
  put(at.keys, keyParts[0]);
  if (keyParts.length > 1) put(at.keyText, keyParts[1]);
  return parts;
}

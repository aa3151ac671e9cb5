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
 * a u32 metadata length, the metadata as JSON, then the columns at 8-byte
 * aligned offsets (times f64, sizes f64, key ids u32, ops u8, key ends
 * u32) and the key text as UTF-8. Times that are the request index and
 * sizes that are all equal are not stored but filled in on loading. Loading
 * reads the file once and makes the stored columns views of that buffer.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { streamFileAtomic, writeFileAtomic } from '../atomic-write.js';
import type { Trace, TraceReadStats } from './trace.js';

/**
 * Version of the readers' output and of the entry layout. Bump it when a
 * reader changes what it produces, so that old entries are not reused.
 */
export const TRACE_CACHE_VERSION = 3;
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

/** Metadata stored at the head of an entry. */
interface EntryMeta {
  contentHash: string;
  optionsKey: string;
  source: string;
  timeUnit: string;
  timeOrigin?: string;
  stats: TraceReadStats;
  length: number;
  keyCount: number;
  keyTextBytes: number;
  /** True when request i has time i; the times column is then not stored. */
  hasIndexTimes: boolean;
  /** The one size of every request, when all are equal; that column is then not stored. */
  constantSize: number | null;
}

export interface CachedLoad {
  trace: Trace;
  status: CacheStatus;
  /** Path of the entry file. */
  entryPath: string;
  /** SHA-256 of the trace file's bytes, when it was known or computed. */
  contentHash?: string;
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
  const entryPath = entryPathFor(directory, identity.current.contentHash, optionsKey);
  let wasStale = identity.previousHash !== undefined && identity.previousHash !== identity.current.contentHash;
  if (wasStale) {
    await rm(entryPathFor(directory, identity.previousHash!, optionsKey), { force: true });
  }
  const cached = await readEntry(entryPath, identity.current.contentHash, optionsKey);
  if (cached === 'missing' || cached === 'damaged') {
    wasStale ||= cached === 'damaged';
    const trace = await parse();
    const warning = await storeEntry(directory, entryPath, trace, identity.current, optionsKey);
    const { contentHash } = identity.current;
    if (warning !== undefined) return { trace, status: 'unwritable', entryPath, contentHash, warning };
    return { trace, status: wasStale ? 'stale' : 'stored', entryPath, contentHash };
  }
  return { trace: cached, status: 'hit', entryPath, contentHash: identity.current.contentHash };
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

/** Byte offsets of each part of an entry; elided columns take no bytes. */
function layout(metaBytes: number, meta: EntryMeta) {
  const n = meta.length;
  const times = align8(HEADER_BYTES + metaBytes);
  const sizes = times + (meta.hasIndexTimes ? 0 : n * 8);
  const keyIds = sizes + (meta.constantSize === null ? n * 8 : 0);
  const ops = keyIds + n * 4;
  const keyEnds = align8(ops + n);
  const keyText = keyEnds + meta.keyCount * 4;
  return { times, sizes, keyIds, ops, keyEnds, keyText, total: keyText + meta.keyTextBytes };
}

async function readEntry(entryPath: string, contentHash: string, optionsKey: string): Promise<Trace | 'missing' | 'damaged'> {
  let bytes: Buffer;
  try {
    // One blocking read: chunked async reads measured slower for files of
    // tens of MiB, and nothing else runs while a command loads its trace.
    bytes = readFileSync(entryPath);
  } catch {
    return 'missing';
  }
  try {
    return decodeEntry(bytes, contentHash, optionsKey) ?? 'damaged';
  } catch {
    return 'damaged';
  }
}

/** Decodes an entry; undefined when it is not the entry it should be. */
function decodeEntry(bytes: Buffer, contentHash: string, optionsKey: string): Trace | undefined {
  if (bytes.length < HEADER_BYTES || bytes.toString('latin1', 0, 8) !== MAGIC) return undefined;
  if (bytes.readUInt32LE(8) !== TRACE_CACHE_VERSION) return undefined;
  const metaBytes = bytes.readUInt32LE(12);
  const meta = JSON.parse(bytes.toString('utf8', HEADER_BYTES, HEADER_BYTES + metaBytes)) as EntryMeta;
  if (meta.contentHash !== contentHash || meta.optionsKey !== optionsKey) return undefined;
  const n = meta.length;
  const at = layout(metaBytes, meta);
  if (bytes.length !== at.total) return undefined;
  // Typed-array views need their offset aligned to the element size.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
  const buffer = aligned.buffer;
  const base = aligned.byteOffset;
  const keyEnds = new Uint32Array(buffer, base + at.keyEnds, meta.keyCount);
  const text = aligned.toString('utf8', at.keyText, at.total);
  const keys = new Array<string>(meta.keyCount);
  let start = 0;
  for (let id = 0; id < meta.keyCount; id++) {
    keys[id] = text.slice(start, keyEnds[id]);
    start = keyEnds[id];
  }
  return {
    length: n,
    times: meta.hasIndexTimes ? indexTimes(n) : new Float64Array(buffer, base + at.times, n),
    sizes: meta.constantSize === null ? new Float64Array(buffer, base + at.sizes, n) : new Float64Array(n).fill(meta.constantSize),
    keyIds: new Uint32Array(buffer, base + at.keyIds, n),
    ops: new Uint8Array(buffer, base + at.ops, n),
    keys,
    source: meta.source,
    timeUnit: meta.timeUnit,
    ...(meta.timeOrigin === undefined ? {} : { timeOrigin: meta.timeOrigin }),
    stats: meta.stats,
  };
}

function indexTimes(length: number): Float64Array {
  const times = new Float64Array(length);
  for (let i = 0; i < length; i++) times[i] = i;
  return times;
}

function hasIndexTimes(times: Float64Array): boolean {
  for (let i = 0; i < times.length; i++) if (times[i] !== i) return false;
  return true;
}

function constantOf(sizes: Float64Array): number | null {
  for (let i = 1; i < sizes.length; i++) if (sizes[i] !== sizes[0]) return null;
  return sizes.length === 0 ? null : sizes[0];
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
  const keyEnds = new Uint32Array(trace.keys.length);
  let end = 0;
  trace.keys.forEach((key, id) => {
    end += key.length;
    keyEnds[id] = end;
  });
  const keyText = Buffer.from(trace.keys.join(''), 'utf8');
  const meta: EntryMeta = {
    contentHash,
    optionsKey,
    source: trace.source,
    timeUnit: trace.timeUnit,
    ...(trace.timeOrigin === undefined ? {} : { timeOrigin: trace.timeOrigin }),
    stats: trace.stats,
    length: n,
    keyCount: trace.keys.length,
    keyTextBytes: keyText.length,
    hasIndexTimes: hasIndexTimes(trace.times),
    constantSize: constantOf(trace.sizes),
  };
  const metaJson = Buffer.from(JSON.stringify(meta), 'utf8');
  const at = layout(metaJson.length, meta);
  const head = Buffer.alloc(at.times);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(TRACE_CACHE_VERSION, 8);
  head.writeUInt32LE(metaJson.length, 12);
  metaJson.copy(head, HEADER_BYTES);
  const bytesOf = (column: ArrayBufferView) => new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
  const padding = new Uint8Array(at.keyEnds - (at.ops + n));
  return [
    head,
    ...(meta.hasIndexTimes ? [] : [bytesOf(trace.times)]),
    ...(meta.constantSize === null ? [bytesOf(trace.sizes)] : []),
    bytesOf(trace.keyIds),
    bytesOf(trace.ops),
    padding,
    bytesOf(keyEnds),
    keyText,
  ];
}

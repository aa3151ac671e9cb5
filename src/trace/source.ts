import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { Decompress } from 'fzstd';
import { TraceParseError } from '../errors.js';

/** Compression of a trace file, recognised from its name. */
export type Compression = 'none' | 'gzip' | 'zstd';

/** Bytes read from the file per stream chunk. */
const READ_CHUNK_BYTES = 1 << 20;

export function compressionOf(path: string): Compression {
  if (path.endsWith('.gz')) return 'gzip';
  if (path.endsWith('.zst') || path.endsWith('.zstd')) return 'zstd';
  return 'none';
}

/** Returns the file name without a `.gz` or `.zst` suffix, for format detection. */
export function uncompressedName(path: string): string {
  return path.replace(/\.(gz|zst|zstd)$/, '');
}

/** Rejects a path that is missing or not a regular file. */
export async function assertReadable(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new TraceParseError(
      `${path}: trace file not found or not readable (${(error as Error).message}); check the --trace path`,
    );
  }
  if (!info.isFile()) {
    throw new TraceParseError(`${path}: not a regular file; pass a trace file with --trace`);
  }
  return info.size;
}

/**
 * Opens the file as a stream of decompressed bytes. A file that does not
 * decompress ends the stream with a `TraceParseError` naming the path.
 * Read it with `for await` or `stream.pipeline`, which listen for that
 * error and destroy the stream and close the file when the reader stops
 * early. `pipe()` does neither, so a decompression error that arrives
 * after a row error would be an unhandled 'error' event.
 */
export function openBytes(path: string): Readable {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const compression = compressionOf(path);
  if (compression === 'none') return file;
  const decoder = compression === 'gzip' ? createGunzip() : zstdStream(path);
  // zlib's errors ("unexpected end of file") name no file and carry no
  // code, so they reach the reader as a TraceParseError through `output`.
  const output = new PassThrough();
  file.on('error', (error) => output.destroy(error));
  decoder.on('error', (error) => {
    output.destroy(error instanceof TraceParseError ? error : gzipError(path, error));
  });
  // A reader that stops early destroys `output`; the file must close too.
  output.on('close', () => {
    decoder.destroy();
    file.destroy();
  });
  return file.pipe(decoder).pipe(output);
}

function gzipError(path: string, error: Error): TraceParseError {
  return new TraceParseError(
    `${path}: gzip decompression failed (${error.message}); check that the file is a complete .gz file`,
  );
}

/**
 * Wraps fzstd's push decoder as a Node transform stream, because Node 20's
 * zlib has no zstd support.
 */
function zstdStream(path: string): Transform {
  let decoder: Decompress;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      try {
        decoder.push(chunk);
        done();
      } catch (error) {
        done(zstdError(path, error));
      }
    },
    flush(done: TransformCallback) {
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (error) {
        done(zstdError(path, error));
      }
    },
  });
  decoder = new Decompress((data) => {
    stream.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  return stream;
}

function zstdError(path: string, error: unknown): TraceParseError {
  return new TraceParseError(
    `${path}: zstd decompression failed (${(error as Error).message}); check that the file is a complete .zst file`,
  );
}

/** Bytes read from the start of a file to detect its format. */
const PREFIX_BYTES = 1 << 16;

/**
 * Reads up to 64 KiB from the start of the decompressed content, for
 * format detection. A missing file yields no bytes: the reader reports it.
 */
export async function readPrefix(path: string): Promise<Buffer> {
  const compression = compressionOf(path);
  if (compression === 'zstd') return readStreamPrefix(path);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const buffer = Buffer.alloc(PREFIX_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const bytes = buffer.subarray(0, bytesRead);
    return compression === 'gzip' ? gunzipPrefix(bytes) : bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Reads up to 64 KiB from the end of an uncompressed file, for estimating
 * its line count; a missing file yields no bytes.
 */
export async function readSuffix(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, PREFIX_BYTES);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, size - length);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Decompresses as much of a gzip prefix as the read holds. */
function gunzipPrefix(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
  } catch {
    return Buffer.alloc(0);
  }
}

async function readStreamPrefix(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  const stream = openBytes(path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      total += chunk.length;
      if (total >= PREFIX_BYTES) break;
    }
  } catch {
    // An unreadable file yields what was read; the reader reports the error.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, PREFIX_BYTES);
}

/**
 * A corrupt compressed trace must end the process with one clear message
 * and exit code 1. These tests run the built CLI as a child process,
 * because only there does a late unhandled 'error' event show. The
 * message is printed, and then the process crashes with a stack trace.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../helpers.js';

const dir = temporaryDirectory();
const binary = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

/** Runs the built CLI and resolves to its exit code and standard error. */
function runBinary(...argv: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [binary, ...argv], (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error.code as number | null), stderr });
    });
  });
}

/** Rows `k0,0`, `k1,1`, … with every key quoted when `quoted` is set. */
function rows(count: number, quoted: boolean): string {
  const quote = quoted ? '"' : '';
  return Array.from({ length: count }, (_, i) => `${quote}k${i % 97}${quote},${i}`).join('\n');
}

/** Compresses `text` with gzip and drops the last `bytes` bytes. */
function truncatedGzip(text: string, bytes: number): Buffer {
  const whole = gzipSync(text);
  return whole.subarray(0, whole.length - bytes);
}

/** Compresses `text` with gzip and corrupts the stored CRC-32. */
function withBadChecksum(text: string): Buffer {
  const whole = Buffer.from(gzipSync(text));
  // The gzip trailer is the CRC-32 of the content, followed by its length.
  whole[whole.length - 8] ^= 0xff;
  return whole;
}

const gzipFailure = (reason: string) =>
  `gzip decompression failed (${reason}); check that the file is a complete .gz file`;

describe.concurrent('corrupt .gz trace', () => {
  // A quote in the first 64 KiB sends the file to csv-parse instead of
  // the fast splitter, so both readers are covered.
  const cases: [string, Buffer, string][] = [
    ['empty file', Buffer.alloc(0), gzipFailure('unexpected end of file')],
    ['bad header', Buffer.from('1f8b6b65792c74696d650a', 'hex'), gzipFailure('unknown compression method')],
    ['truncated', truncatedGzip(`key,time\n${rows(2_000, false)}\n`, 10), gzipFailure('unexpected end of file')],
    ['truncated, quoted', truncatedGzip(`key,time\n${rows(2_000, true)}\n`, 10), gzipFailure('unexpected end of file')],
    ['bad checksum, quoted', withBadChecksum(`key,time\n${rows(50, true)}\n`), gzipFailure('incorrect data check')],
    [
      'bad row before the cut, quoted',
      truncatedGzip(`key,time\n"a",1\n"b",soon\n${rows(500, true)}\n`, 10),
      ':3: time "soon" is not a number; fix the row or pass --skip-invalid',
    ],
  ];
  for (const [name, content, message] of cases) {
    it(`${name} exits 1 with one message`, async () => {
      const trace = join(dir, `${name.replace(/[ ,]+/g, '-')}.csv.gz`);
      writeFileSync(trace, content);
      const result = await runBinary('--trace', trace, '--policy', 'lru', '--no-cache', '--out', join(dir, 'unused.md'));
      const separator = message.startsWith(':') ? '' : ': ';
      expect(result.stderr).toBe(`simulate: ${trace}${separator}${message}\n`);
      expect(result.code).toBe(1);
    });
  }
});

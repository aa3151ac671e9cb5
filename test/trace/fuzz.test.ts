/**
 * Every reader on random input must end in a clear error (a
 * `SimulatorError` with a code) or a well-formed trace: never another
 * exception, a crash or a hang. Seeded and bounded, so one run takes a few
 * seconds and fails the same way each time.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatorError } from '../../src/errors.js';
import { readTrace, TRACE_FORMATS, type TraceFormat } from '../../src/trace/read.js';
import type { Trace } from '../../src/trace/trace.js';
import { temporaryDirectory } from '../helpers.js';

const dir = temporaryDirectory();

/** Maximum time one read may take before the test counts it as a hang. */
const READ_TIMEOUT_MS = 5_000;
const RUNS_PER_FORMAT = Number(process.env.FUZZ_RUNS ?? 40);

/**
 * Text made of the characters that trace formats give meaning to, so that
 * many inputs get past the first line: digits, signs, delimiters, quotes,
 * line ends, comments, a byte-order mark and lackey operation letters.
 */
const traceLikeText = fc
  .array(
    fc.constantFrom(
      '0', '1', '7', '9', '-', '+', '.', 'e', 'a', 'k', 'L', 'S', 'M', 'I', 'R', 'W',
      ',', ';', '\t', '|', ' ', '"', '#', '\n', '\r\n', '\uFEFF', 'é',
      'key', 'time', 'size', 'op', 'Read', 'get', '4294967296', '9007199254740993',
    ),
    { maxLength: 120 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'utf8'));

const randomBytes = fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes));

/** Whole 24-byte records with random fields, and a few stray bytes. */
const recordBytes = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 150, maxLength: 150 }))
  .map(([records, stray, bytes]) => Buffer.from(bytes.subarray(0, records * 24 + (stray === 0 ? 0 : stray))));

const input = fc.oneof(traceLikeText, randomBytes, recordBytes);

/**
 * How the bytes are stored: as they are, gzip-compressed, or behind a gzip
 * or zstd magic number as a corrupt compressed file.
 */
const packing = fc.constantFrom('plain', 'gzip', 'corrupt-gzip', 'corrupt-zstd');

/** Rejects a promise that has not settled within `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks the invariants that the engine relies on. */
function expectWellFormed(trace: Trace): void {
  const n = trace.length;
  expect(trace.times.length).toBe(n);
  expect(trace.keyIds.length).toBe(n);
  expect(trace.sizes.length).toBe(n);
  expect(trace.ops.length).toBe(n);
  expect(new Set(trace.keys).size).toBe(trace.keys.length);
  const seen = new Uint8Array(trace.keys.length);
  for (let i = 0; i < n; i++) {
    expect(trace.keyIds[i]).toBeLessThan(trace.keys.length);
    seen[trace.keyIds[i]] = 1;
    expect(Number.isFinite(trace.times[i])).toBe(true);
    expect(Number.isSafeInteger(trace.sizes[i])).toBe(true);
    expect(trace.sizes[i]).toBeGreaterThanOrEqual(0);
    expect(trace.ops[i]).toBeLessThanOrEqual(2);
  }
  // Every key in the dictionary was requested: a rejected row adds none.
  expect(seen.every((flag) => flag === 1)).toBe(true);
}

/**
 * File name for a format. `auto` recognises ARC and oracleGeneral files by
 * their `.lis` and `.oracleGeneral.bin` names.
 */
function fileName(format: TraceFormat, packed: 'plain' | 'gzip' | 'corrupt-gzip' | 'corrupt-zstd'): string {
  let stem = 'fuzz.txt';
  if (format === 'arc') stem = 'fuzz.lis';
  if (format === 'oracle-general') stem = 'fuzz.oracleGeneral.bin';
  const suffix = { plain: '', gzip: '.gz', 'corrupt-gzip': '.gz', 'corrupt-zstd': '.zst' }[packed];
  return `${format}-${stem}${suffix}`;
}

function contentOf(bytes: Buffer, packed: string): Buffer {
  if (packed === 'gzip') return gzipSync(bytes);
  if (packed === 'corrupt-gzip') return Buffer.concat([Buffer.from([0x1f, 0x8b]), bytes]);
  if (packed === 'corrupt-zstd') return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), bytes]);
  return bytes;
}

describe('reader fuzzing', () => {
  for (const [i, format] of TRACE_FORMATS.entries()) {
    it(`${format} ends in a trace or a coded error`, async () => {
      await fc.assert(
        fc.asyncProperty(input, packing, fc.boolean(), async (bytes, packed, skipInvalid) => {
          const path = join(dir, fileName(format, packed));
          writeFileSync(path, contentOf(bytes, packed));
          const isTabular = format !== 'auto' && !/^(int|cache2k|corda|oracle)/.test(format);
          const options = { format, ...(isTabular && skipInvalid ? { skipInvalid } : {}) };
          let outcome: Trace | unknown;
          try {
            outcome = await withTimeout(readTrace(path, options), READ_TIMEOUT_MS);
          } catch (error) {
            outcome = error;
          }
          if (outcome instanceof Error) {
            expect(outcome, outcome.stack).toBeInstanceOf(SimulatorError);
            expect((outcome as SimulatorError).code).toMatch(/^[A-Z_]+$/);
            return;
          }
          expectWellFormed(outcome as Trace);
        }),
        { numRuns: RUNS_PER_FORMAT, seed: Number(process.env.FUZZ_SEED ?? 8_000) + i },
      );
    });
  }
});

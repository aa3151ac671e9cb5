import { streamFileAtomic } from '../atomic-write.js';
import { keyStream, type Pattern } from './generate.js';

/** Rows collected before each write; keeps writes large and memory small. */
const ROWS_PER_CHUNK = 65_536;

/**
 * Writes a generated trace as CSV with the header `time,key`; the time of
 * request i is i (one request per time unit).
 */
export async function writeGeneratedTrace(
  path: string,
  pattern: Pattern,
  length: number,
  seed: number,
): Promise<void> {
  const next = keyStream(pattern, seed);
  await streamFileAtomic(path, async (write) => {
    await write('time,key\n');
    for (let first = 0; first < length; first += ROWS_PER_CHUNK) {
      const last = Math.min(length, first + ROWS_PER_CHUNK);
      let chunk = '';
      for (let i = first; i < last; i++) chunk += `${i},${next()}\n`;
      await write(chunk);
    }
  });
}

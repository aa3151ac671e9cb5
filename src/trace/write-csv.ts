import { streamFileAtomic } from '../atomic-write.js';
import { Op, type Trace } from './trace.js';

/** Rows collected before each write; keeps writes large and memory small. */
const ROWS_PER_CHUNK = 65_536;
const OP_NAMES: Record<number, string> = { [Op.Read]: 'read', [Op.Write]: 'write', [Op.Other]: 'other' };
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * Writes a trace as CSV with the header `time,key,size,op`, atomically.
 * Keys with commas, quotes, line breaks or edge spaces are quoted, so
 * reading the file back gives the same key text.
 */
export async function writeTraceCsv(trace: Trace, path: string): Promise<void> {
  const keyFields = trace.keys.map((key) => (NEEDS_QUOTES.test(key) ? `"${key.replaceAll('"', '""')}"` : key));
  await streamFileAtomic(path, async (write) => {
    await write('time,key,size,op\n');
    for (let first = 0; first < trace.length; first += ROWS_PER_CHUNK) {
      const last = Math.min(trace.length, first + ROWS_PER_CHUNK);
      let chunk = '';
      for (let i = first; i < last; i++) {
        chunk += `${trace.times[i]},${keyFields[trace.keyIds[i]]},${trace.sizes[i]},${OP_NAMES[trace.ops[i]]}\n`;
      }
      await write(chunk);
    }
  });
}

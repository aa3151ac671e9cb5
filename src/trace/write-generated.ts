import { streamFileAtomic } from '../atomic-write.js';
import { arrivalStream, sizeStream, type Arrivals, type SizeDistribution } from './arrivals.js';
import { keyStream, type Pattern, type PatternOptions } from './generate.js';

/** Rows collected before each write; keeps writes large and memory small. */
const ROWS_PER_CHUNK = 65_536;
/**
 * Decimal places of Poisson times in the file: a millionth of a time unit,
 * as traces commonly store microseconds. Rounding keeps the order of times
 * (two may become equal) and keeps each field short enough to parse fast.
 */
export const POISSON_TIME_DECIMALS = 6;

/** Contents of a generated trace besides its keys. */
export interface GenerateOptions extends PatternOptions {
  /** Request times. Default: the request index. Poisson times are written to `POISSON_TIME_DECIMALS` places. */
  arrivals?: Arrivals;
  /** Object sizes; adds a size column. Default: none (every object size 1). */
  sizes?: SizeDistribution;
}

/**
 * Writes a generated trace as CSV with the header `time,key`, or
 * `time,key,size` when sizes are asked for. By default the time of request
 * i is i. One seed always gives the same file.
 */
export async function writeGeneratedTrace(
  path: string,
  pattern: Pattern,
  length: number,
  seed: number,
  options: GenerateOptions = {},
): Promise<void> {
  const nextKey = keyStream(pattern, seed, options);
  const arrivals = options.arrivals ?? { kind: 'index' };
  const nextTime = arrivalStream(arrivals, seed);
  const formatTime = arrivals.kind === 'index' ? String : (time: number) => time.toFixed(POISSON_TIME_DECIMALS);
  const sizeOf = options.sizes === undefined ? undefined : sizeStream(options.sizes, seed);
  await streamFileAtomic(path, async (write) => {
    await write(sizeOf === undefined ? 'time,key\n' : 'time,key,size\n');
    for (let first = 0; first < length; first += ROWS_PER_CHUNK) {
      const last = Math.min(length, first + ROWS_PER_CHUNK);
      let chunk = '';
      for (let i = first; i < last; i++) {
        const time = formatTime(nextTime());
        const key = nextKey();
        chunk += sizeOf === undefined ? `${time},${key}\n` : `${time},${key},${sizeOf(key)}\n`;
      }
      await write(chunk);
    }
  });
}

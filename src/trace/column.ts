import { BadOptionError, TraceParseError } from '../errors.js';
import { readTrace, type ReadTraceOptions } from './read.js';

/**
 * Reads one numeric column of a trace, one value per request, in request
 * order. The file is read a second time with that column as the key, so
 * the same rows are kept and skipped as in the first read; a different row
 * count means the two reads disagree and is an error.
 */
export async function readNumericColumn(
  path: string,
  options: ReadTraceOptions,
  column: string,
  expectedLength: number,
  flag: string,
): Promise<Float64Array> {
  const byColumn = await readTrace(path, { ...options, keyColumn: column });
  if (byColumn.length !== expectedLength) {
    throw new BadOptionError(
      `${flag}: column ${column} gave ${byColumn.length} values for ${expectedLength} requests (rows with an empty ${column} are dropped); use a column that every request row fills`,
    );
  }
  const values = new Float64Array(expectedLength);
  for (let i = 0; i < expectedLength; i++) {
    const text = byColumn.keys[byColumn.keyIds[i]];
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
      throw new TraceParseError(
        `${path}: request ${i + 1}: ${column} value ${JSON.stringify(text)} is not a time >= 0; fix the row or use another ${flag}`,
      );
    }
    values[i] = value;
  }
  return values;
}

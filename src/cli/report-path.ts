import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BadOptionError } from '../errors.js';

/**
 * Rejects a report path that names a directory, before any work, so that
 * a long replay does not end in a failed rename. Any other path is
 * checked when the report is written.
 */
export function checkReportPath(path: string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
    throw new BadOptionError(`--out ${path}: is a directory; give the report's file path, such as ${join(path, 'report.md')}`);
  }
}

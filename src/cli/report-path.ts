import { statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { BadOptionError } from '../errors.js';

/**
 * Rejects a report path that cannot name a file, before any work, so that
 * a long replay does not end in a failed rename: an empty path, one that
 * ends in a separator, a directory, or one below a file. Other failures
 * are reported when the report is written.
 */
export function checkReportPath(path: string): void {
  if (path === '' || path.endsWith('/') || path.endsWith(sep)) {
    throw new BadOptionError(`--out "${path}": is not a file path; give the report's file path, such as ${join(path, 'report.md')}`);
  }
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    throw new BadOptionError(`--out ${path}: a folder on this path is a file; give a path whose folders are directories or do not exist yet`);
  }
  if (isDirectory) {
    throw new BadOptionError(`--out ${path}: is a directory; give the report's file path, such as ${join(path, 'report.md')}`);
  }
}

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BadOptionError, ResultsFileError } from '../errors.js';
import { checkReportData } from '../report/report-schema.js';
import { writeReport } from '../report/write-report.js';
import type { CliIo } from './main.js';
import { checkReportPath } from './report-path.js';

/** Parsed options of `simulate report`. */
export interface ReportArgs {
  results: string;
  out?: string;
}

/**
 * Reads a report's JSON file, checks it against the report schema and
 * renders the markdown and charts from it again.
 */
export async function runReport(args: ReportArgs, io: CliIo): Promise<void> {
  const text = await readResults(args.results);
  const parsed = parseJson(args.results, text);
  const { data, problems } = checkReportData(parsed);
  if (data === null) {
    const firstProblems = problems.slice(0, 5).join('; ');
    const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
    throw new ResultsFileError(
      `${args.results}: not a report JSON file of this version: ${firstProblems}${more}; give the .json file that simulate wrote beside a report`,
    );
  }
  const defaultOut = `${args.results.replace(/\.json$/i, '')}.md`;
  const out = args.out ?? defaultOut;
  checkReportPath(out);
  if (resolve(out) === resolve(args.results)) {
    throw new BadOptionError(`--out ${out}: is the results file itself, which the report would overwrite; give another path, such as ${defaultOut}`);
  }
  await writeReport(data, out, false);
  io.stdout.write(`report: ${out}\n`);
}

async function readResults(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ResultsFileError(
      `${path}: cannot be read (${code ?? String(error)}); give the .json file that simulate wrote beside a report`,
    );
  }
}

/** Parses JSON; a syntax error names the file and the line it is on. */
function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position === null ? '' : `:${text.slice(0, Number(position[1])).split('\n').length}`;
    throw new ResultsFileError(`${path}${line}: not valid JSON (${message}); write the file again with simulate`);
  }
}

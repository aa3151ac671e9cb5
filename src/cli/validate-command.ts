import { writeFileAtomic } from '../atomic-write.js';
import { BadOptionError } from '../errors.js';
import { machineFacts } from '../report/environment.js';
import { acceptanceChecks, renderValidateReport } from '../validate/validate-report.js';
import { validate, type ValidateSize } from '../validate/validate.js';
import type { CliIo } from './main.js';
import { progressLog } from './progress-bar.js';

/** Parsed options of `simulate validate`. */
export interface ValidateArgs {
  sizes: string;
  param: string[];
  seed: number;
  backend?: string;
  out: string;
  progress?: boolean;
}

/** Training samples of the `report` size, as in the earlier report. */
const REPORT_SAMPLES = 1000;
/** Share of a size given in requests that trains the model. */
const TRAIN_SHARE = 0.2;

/**
 * Runs the validation experiment, writes its markdown report and prints the
 * acceptance checks on stdout.
 */
export async function runValidate(args: ValidateArgs, io: CliIo, command: string): Promise<void> {
  const sizes = parseSizes(args.sizes, windowOf(args.param));
  const { log, done } = progressLog(io, args.progress);
  const result = await validate({ sizes, params: args.param, seed: args.seed, backend: args.backend, log })
    .finally(done);
  const facts = machineFacts();
  const machine = `${facts.cpuModel}, ${facts.cpuCores} cores, Node ${facts.nodeVersion}`;
  await writeFileAtomic(args.out, renderValidateReport(result, command, machine));
  for (const check of acceptanceChecks(result.results)) {
    io.stdout.write(`${check.isPassed ? 'pass' : 'FAIL'}  ${check.check}: ${check.measured}\n`);
  }
  io.stdout.write(`\nreport: ${args.out}\n`);
}

/**
 * `report` is the earlier report's size: 1,000 training samples and 1,000
 * test requests. A number is a trace length, of which the first 20% train.
 */
export function parseSizes(text: string, window: number): ValidateSize[] {
  return text.split(',').map((item) => {
    if (item === 'report') {
      return {
        name: '1,000 samples',
        // One sample needs window + 1 requests; delta targets one more.
        trainRequests: REPORT_SAMPLES + window + 1,
        testRequests: REPORT_SAMPLES,
      };
    }
    const length = Number(item);
    if (!Number.isInteger(length) || length < 100) {
      throw new BadOptionError(`--sizes: "${item}" is neither "report" nor a whole number of requests >= 100; give e.g. report,100000`);
    }
    const trainRequests = Math.floor(length * TRAIN_SHARE);
    return {
      name: `${length.toLocaleString('en-US')} requests`,
      trainRequests,
      testRequests: length - trainRequests,
    };
  });
}

function windowOf(params: readonly string[]): number {
  const given = params.find((param) => param.startsWith('lstm.window='));
  return given === undefined ? 10 : Number(given.slice('lstm.window='.length));
}

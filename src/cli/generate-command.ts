import { BadOptionError } from '../errors.js';
import type { Pattern } from '../trace/generate.js';
import { writeGeneratedTrace } from '../trace/write-generated.js';
import type { CliIo } from './main.js';

export interface GenerateArgs {
  pattern: Pattern;
  length: number;
  seed: number;
  out: string;
}

/** Writes a generated trace and prints its path on stdout. */
export async function runGenerate(args: GenerateArgs, io: CliIo): Promise<void> {
  if (!Number.isInteger(args.length) || args.length < 1) {
    throw new BadOptionError(`--length: ${args.length} is not a whole number of requests >= 1`);
  }
  if (!Number.isInteger(args.seed)) {
    throw new BadOptionError(`--seed: ${args.seed} is not an integer`);
  }
  await writeGeneratedTrace(args.out, args.pattern, args.length, args.seed);
  io.stdout.write(`${args.out}\n`);
}

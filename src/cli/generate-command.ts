import type { Argv } from 'yargs';
import { BadOptionError } from '../errors.js';
import { parseSizeDistribution, type Arrivals } from '../trace/arrivals.js';
import {
  DEFAULT_PHASE_LENGTH,
  DEFAULT_SCAN_LENGTH,
  DEFAULT_SCAN_SHARE,
  DEFAULT_WORKING_SET,
  MIXED_STREAMS,
  UNIVERSE_KEYS,
  PATTERNS,
  type MixedStream,
  type Pattern,
  type PatternOptions,
} from '../trace/generate.js';
import { writeGeneratedTrace } from '../trace/write-generated.js';
import type { CliIo } from './main.js';

export interface GenerateArgs {
  pattern: Pattern;
  length: number;
  seed: number;
  out: string;
  weights?: string;
  phaseLength?: number;
  workingSet?: number;
  scanLength?: number;
  scanShare?: number;
  keys?: number;
  arrival: 'index' | 'poisson';
  rate?: number;
  size?: string;
}

/** Pattern parameters and the pattern each belongs to, with its flag. */
const PATTERN_FLAGS: [keyof GenerateArgs, string, Pattern][] = [
  ['weights', '--weights', 'mixed'],
  ['phaseLength', '--phase-length', 'phases'],
  ['workingSet', '--working-set', 'phases'],
  ['scanLength', '--scan-length', 'scan-zipf'],
  ['scanShare', '--scan-share', 'scan-zipf'],
];

/** Patterns whose key universe `--keys` sets. */
const KEYS_PATTERNS: readonly Pattern[] = ['zipfian', 'random'];

/** Adds the options of `simulate generate`. */
export function generateOptions(cli: Argv) {
  return cli
    .option('pattern', { type: 'string', choices: PATTERNS as unknown as string[], demandOption: true, describe: 'workload: mixed interleaves the first four in bursts; phases moves a Zipf working set at each phase; scan-zipf loops over keys on a zipfian background' })
    .option('length', { type: 'number', demandOption: true, describe: 'number of requests' })
    .option('seed', { type: 'number', default: 1, describe: 'seed; the same seed gives the same file' })
    .option('out', { type: 'string', demandOption: true, describe: 'CSV file to write' })
    .option('weights', { type: 'string', describe: 'mixed: stream weights, e.g. sequential=1,zipfian=3 (unnamed streams get 0; default 1 each)' })
    .option('phase-length', { type: 'number', describe: `phases: requests per phase (default ${DEFAULT_PHASE_LENGTH})` })
    .option('working-set', { type: 'number', describe: `phases: keys per phase (default ${DEFAULT_WORKING_SET})` })
    .option('scan-length', { type: 'number', describe: `scan-zipf: keys in the loop (default ${DEFAULT_SCAN_LENGTH})` })
    .option('scan-share', { type: 'number', describe: `scan-zipf: share of requests from the loop, in [0, 1] (default ${DEFAULT_SCAN_SHARE})` })
    .option('keys', { type: 'number', describe: `zipfian, random: number of distinct keys (default ${UNIVERSE_KEYS})` })
    .option('arrival', { type: 'string', choices: ['index', 'poisson'], default: 'index', describe: 'request times: the request index, or a Poisson process at --rate' })
    .option('rate', { type: 'number', describe: 'poisson: requests per time unit (default 1)' })
    .option('size', { type: 'string', describe: 'object sizes in bytes, one per key: fixed:4096, uniform:MIN:MAX, lognormal:MU:SIGMA, pareto:ALPHA:MIN' });
}

/** Writes a generated trace and prints its path on stdout. */
export async function runGenerate(args: GenerateArgs, io: CliIo): Promise<void> {
  if (!Number.isInteger(args.length) || args.length < 1) {
    throw new BadOptionError(`--length: ${args.length} is not a whole number of requests >= 1`);
  }
  if (!Number.isInteger(args.seed)) {
    throw new BadOptionError(`--seed: ${args.seed} is not an integer`);
  }
  await writeGeneratedTrace(args.out, args.pattern, args.length, args.seed, {
    ...patternOptions(args),
    arrivals: arrivalsOf(args),
    ...(args.size === undefined ? {} : { sizes: parseSizeDistribution(args.size) }),
  });
  io.stdout.write(`${args.out}\n`);
}

function patternOptions(args: GenerateArgs): PatternOptions {
  for (const [name, flag, pattern] of PATTERN_FLAGS) {
    if (args[name] !== undefined && args.pattern !== pattern) {
      throw new BadOptionError(`${flag}: applies to --pattern ${pattern}, not ${args.pattern}; drop it or change the pattern`);
    }
  }
  const whole = (value: number | undefined, flag: string) => {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
      throw new BadOptionError(`${flag}: ${value} is not a whole number >= 1`);
    }
    return value;
  };
  if (args.keys !== undefined && !KEYS_PATTERNS.includes(args.pattern)) {
    throw new BadOptionError(`--keys: applies to --pattern ${KEYS_PATTERNS.join(' or ')}, not ${args.pattern}; drop it or change the pattern`);
  }
  if (args.scanShare !== undefined && !(args.scanShare >= 0 && args.scanShare <= 1)) {
    throw new BadOptionError(`--scan-share: ${args.scanShare} is outside [0, 1]; give the share of requests that belong to the loop`);
  }
  return {
    ...(args.weights === undefined ? {} : { weights: parseWeights(args.weights) }),
    phaseLength: whole(args.phaseLength, '--phase-length'),
    workingSet: whole(args.workingSet, '--working-set'),
    scanLength: whole(args.scanLength, '--scan-length'),
    scanShare: args.scanShare,
    keys: whole(args.keys, '--keys'),
  };
}

/** Parses `sequential=1,zipfian=3`; streams not named get weight 0. */
export function parseWeights(text: string): Record<MixedStream, number> {
  const weights = { sequential: 0, periodic: 0, zipfian: 0, random: 0 };
  for (const item of text.split(',')) {
    const [name, value] = item.split('=').map((part) => part.trim());
    const weight = Number(value);
    if (!(MIXED_STREAMS as readonly string[]).includes(name) || value === undefined || !(weight >= 0) || !Number.isFinite(weight)) {
      throw new BadOptionError(`--weights: "${item}" is not STREAM=WEIGHT with STREAM one of ${MIXED_STREAMS.join(', ')} and a weight >= 0; e.g. sequential=1,zipfian=3`);
    }
    weights[name as MixedStream] = weight;
  }
  if (Object.values(weights).every((weight) => weight === 0)) {
    throw new BadOptionError(`--weights: "${text}" gives every stream weight 0; give at least one a positive weight`);
  }
  return weights;
}

function arrivalsOf(args: GenerateArgs): Arrivals {
  if (args.arrival === 'index') {
    if (args.rate !== undefined) throw new BadOptionError('--rate: applies to --arrival poisson; add it or drop --rate');
    return { kind: 'index' };
  }
  const rate = args.rate ?? 1;
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new BadOptionError(`--rate: ${rate} is not a number of requests per time unit > 0`);
  }
  return { kind: 'poisson', ratePerUnit: rate };
}

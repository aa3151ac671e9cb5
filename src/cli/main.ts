#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { NeverSettledError, SimulatorError } from '../errors.js';
import { POLICIES } from '../policies/registry.js';
import { convertOptions, runConvert } from './convert-command.js';
import { generateOptions, runGenerate } from './generate-command.js';
import { inspectOptions, runInspect } from './inspect-command.js';
import type { ReportArgs } from './report-command.js';
import { runSimulate, type SimulateArgs } from './simulate-command.js';
import { traceOptions } from './trace-options.js';
import type { TrainArgs } from './train-command.js';
import type { ValidateArgs } from './validate-command.js';

/** Output streams of the CLI, injected so that tests capture them. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const policyHelp = POLICIES.map((p) => `${p.id}: ${p.summary}`).join('; ');

function simulateOptions(cli: Argv) {
  return traceOptions(cli)
    .option('policy', { type: 'string', default: 'lru', describe: `comma-separated policy ids or module paths (./my-policy.ts); ids: ${policyHelp}` })
    .option('cache-size', { type: 'string', default: '1000', describe: 'capacity: objects (1000), bytes (64MiB) or a fraction of distinct keys (0.1); a comma list runs each' })
    .option('train-fraction', { type: 'number', default: 0.2, describe: 'share of the trace, from its start, that trains the predictors and warms the cache; only the rest is scored' })
    .option('confidence', { type: 'number', describe: 'minimum predicted probability for a prefetch, applied to next-key and lstm (default 0.6)' })
    .option('param', { type: 'string', array: true, default: [] as string[], describe: 'policy parameter, policy.key=value (e.g. lstm.epochs=5)' })
    .option('fetch-latency', { type: 'string', default: '0', describe: 'backend fetch time: a number in the trace\'s time unit, a time with a unit (5ms, 120us), lognormal:median=5ms,p99=50ms, or column:NAME for a response-time column of the trace, in its time unit' })
    .option('prediction-latency', { type: 'string', default: '0', describe: 'delay from a request to the prefetches it triggers: a time as for --fetch-latency, or "measured" for each policy\'s measured time per prediction' })
    .option('backend-concurrency', { type: 'number', describe: 'maximum fetches in flight at once; the rest wait in order (default: unbounded)' })
    .option('seed', { type: 'number', default: 42, describe: 'seed for training and any sampling' })
    .option('backend', { type: 'string', describe: 'TensorFlow.js backend to force (wasm, cpu, tensorflow)' })
    .option('model', { type: 'string', describe: 'directory of a model saved by simulate train, loaded by lstm instead of training' })
    .option('out', { type: 'string', describe: 'report path (default: reports/<trace>-<policies>.md)' })
    .option('progress', { type: 'boolean', describe: 'status lines on stderr (default: on when stderr is a terminal)' })
    .option('baseline', { type: 'string', default: 'lru', describe: 'policy id every other policy is compared with' })
    .option('windows', { type: 'number', default: 50, describe: 'consecutive windows the scored requests are cut into for paired comparison' })
    .option('bootstrap', { type: 'number', default: 2000, describe: 'bootstrap resamples behind each 95% interval' })
    .option('min-gain', { type: 'string', describe: 'minimum hit-ratio gain over the baseline for a rollout, in points (default 1pt; off)' })
    .option('max-backend-load', { type: 'string', describe: 'maximum backend fetches relative to the baseline (default 1.3; off)' })
    .option('max-prediction-p99', { type: 'string', describe: 'maximum 99th-percentile time of one prediction (default 1ms; off)' })
    .option('max-waste', { type: 'string', describe: 'maximum share of issued prefetches evicted unused (default 0.5; off)' })
    .option('workers', { type: 'string', requiresArg: true, describe: 'threads that replay the policy and cache-size runs, the main one included (default and maximum: the cores available)' });
}

/** Builds the yargs program; `run` resolves to the exit code. */
export function createCli(argv: string[], io: CliIo) {
  let exitCode = 0;
  let hasFailed = false;
  const fail = (error: unknown) => {
    hasFailed = true;
    exitCode = reportError(error, io);
  };
  // yargs calls a command's handler before it reports unknown or missing
  // options, so handlers only choose the work; it runs once parsing passed.
  // Commands that a replay never needs are imported when chosen, because
  // the report command with its schema checker (Ajv) takes about 0.1 s to load.
  let chosen: (() => Promise<void>) | undefined;
  const choose = (work: () => Promise<void>) => {
    chosen = work;
  };
  const program = yargs(argv)
    .scriptName('simulate')
    .usage('$0 --trace FILE [--policy lru,next-key,lstm] [--cache-size N]')
    .command('$0', 'replay a trace through cache policies and write a report', simulateOptions, (args) => {
      choose(() => runSimulate(args as unknown as SimulateArgs, io, ['simulate', ...argv].join(' ')));
    })
    .command('generate', 'write a synthetic time,key CSV trace (time,key,size with --size)', generateOptions, (args) => {
      choose(() => runGenerate(args as never, io));
    })
    .command('inspect', 'analyse a trace: counts, popularity, reuse distances, next-key predictability', inspectOptions, (args) => {
      choose(() => runInspect(args as never, io, ['simulate', ...argv].join(' ')));
    })
    .command('convert', 'rewrite a trace as libCacheSim oracleGeneral or as time,key,size,op CSV', convertOptions, (args) => {
      choose(() => runConvert(args as never, io));
    })
    .command('check-policy <policy>', 'replay small traces through one policy and check its contract', (cli) =>
      cli
        .positional('policy', { type: 'string', demandOption: true, describe: 'built-in id or path of a policy module (./my-policy.ts)' })
        .option('param', { type: 'string', array: true, default: [] as string[], describe: 'policy parameter, policy.key=value' })
        .option('seed', { type: 'number', default: 42, describe: 'seed of every replay' }),
      (args) => {
        choose(async () => (await import('./check-policy-command.js')).runCheckPolicy(args as never, io));
      })
    .command('train', 'train the lstm policy\'s model on the training part of a trace and save it for --model', (cli) =>
      traceOptions(cli)
        .option('out', { type: 'string', demandOption: true, describe: 'directory to save the model and its vocabulary in' })
        .option('train-fraction', { type: 'number', default: 0.2, describe: 'share of the trace, from its start, to train on; the same value in simulate keeps its scored part unseen' })
        .option('param', { type: 'string', array: true, default: [] as string[], describe: 'lstm parameter, lstm.key=value' })
        .option('seed', { type: 'number', default: 42, describe: 'seed of initialisation and sample order' })
        .option('backend', { type: 'string', describe: 'TensorFlow.js backend to force (wasm, cpu, tensorflow)' })
        .option('progress', { type: 'boolean', describe: 'progress bar or status lines on stderr (default: a bar when stderr is a terminal)' }),
      (args) => {
        choose(async () => (await import('./train-command.js')).runTrain(args as unknown as TrainArgs, io));
      })
    .command('validate', 'train the lstm on each generated pattern and report its accuracy beside the best possible and next-key', (cli) =>
      cli
        .option('sizes', { type: 'string', default: 'report,100000', describe: 'comma list: "report" (1,000 training samples, 1,000 test requests) or a trace length, of which the first 20% train' })
        .option('param', { type: 'string', array: true, default: [] as string[], describe: 'lstm parameter, lstm.key=value' })
        .option('seed', { type: 'number', default: 1, describe: 'seed of the generated traces and of training' })
        .option('backend', { type: 'string', describe: 'TensorFlow.js backend to force (wasm, cpu, tensorflow)' })
        .option('out', { type: 'string', default: 'reports/validate.md', describe: 'markdown report path' })
        .option('progress', { type: 'boolean', describe: 'status lines on stderr (default: on when stderr is a terminal)' }),
      (args) => {
        choose(async () => (await import('./validate-command.js')).runValidate(args as unknown as ValidateArgs, io, ['simulate', ...argv].join(' ')));
      })
    .command('report <results>', 'render the markdown report and charts again from a report\'s JSON file', (cli) =>
      cli
        .positional('results', { type: 'string', demandOption: true, describe: 'the .json file written beside a report' })
        .option('out', { type: 'string', describe: 'markdown path (default: the JSON path with .md)' }),
      (args) => {
        choose(async () => (await import('./report-command.js')).runReport(args as unknown as ReportArgs, io));
      })
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      // yargs can report one mistake twice (a missing positional is also a
      // missing required argument); the first report is enough.
      if (hasFailed) return;
      hasFailed = true;
      // yargs wraps an error thrown while checking an option in a YError.
      const isUsage = error === undefined || error === null || error.name === 'YError';
      exitCode = isUsage ? usageError(error?.message ?? message, io) : reportError(error, io);
    })
    .help();
  return {
    async run(): Promise<number> {
      await program.parseAsync();
      if (!hasFailed && chosen !== undefined) await chosen().catch(fail);
      return exitCode;
    },
  };
}

function usageError(message: string, io: CliIo): number {
  io.stderr.write(`simulate: ${message}\nrun simulate --help for the options\n`);
  return 2;
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof SimulatorError) {
    io.stderr.write(`simulate: ${error.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`simulate: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}

function isMainModule(): boolean {
  if (process.argv[1] === undefined) return false;
  return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
}

if (isMainModule()) {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr };
  // Node empties its event loop with the run still pending only when a
  // promise the run awaits can never settle, such as a policy's prepare()
  // that never resolves. Node would then exit with code 13 and no word.
  let hasFinished = false;
  process.on('beforeExit', () => {
    if (hasFinished) return;
    io.stderr.write(`simulate: ${new NeverSettledError('the run').message}\n`);
    process.exit(1);
  });
  process.exitCode = await createCli(hideBin(process.argv), io).run();
  hasFinished = true;
}

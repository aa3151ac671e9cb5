#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { SimulatorError } from '../errors.js';
import {
  DEFAULT_PHASE_LENGTH,
  DEFAULT_SCAN_LENGTH,
  DEFAULT_SCAN_SHARE,
  DEFAULT_WORKING_SET,
  PATTERNS,
} from '../trace/generate.js';
import { POLICIES } from '../policies/registry.js';
import { CONVERT_TARGETS, runConvert } from './convert-command.js';
import { runGenerate } from './generate-command.js';
import { runInspect } from './inspect-command.js';
import { runSimulate, type SimulateArgs } from './simulate-command.js';
import { traceOptions } from './trace-options.js';

/** Output streams of the CLI, injected so that tests capture them. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const policyHelp = POLICIES.map((p) => `${p.id}: ${p.summary}`).join('; ');

function simulateOptions(cli: Argv) {
  return traceOptions(cli)
    .option('policy', { type: 'string', default: 'lru', describe: `comma-separated policy ids (${policyHelp})` })
    .option('cache-size', { type: 'string', default: '1000', describe: 'capacity: objects (1000), bytes (64MiB) or a fraction of distinct keys (0.1); a comma list runs each' })
    .option('train-fraction', { type: 'number', default: 0.2, describe: 'share of the trace, from its start, that trains the predictors and warms the cache; only the rest is scored' })
    .option('confidence', { type: 'number', describe: 'least predicted probability for a prefetch, for every predicting policy (default 0.6)' })
    .option('param', { type: 'string', array: true, default: [] as string[], describe: 'policy parameter, policy.key=value (e.g. lstm.epochs=5)' })
    .option('fetch-latency', { type: 'number', default: 0, describe: 'backend fetch time, in the trace\'s time unit' })
    .option('seed', { type: 'number', default: 42, describe: 'seed for training and any sampling' })
    .option('backend', { type: 'string', describe: 'TensorFlow.js backend to force (wasm, cpu, tensorflow)' })
    .option('out', { type: 'string', describe: 'report path (default: reports/<trace>-<policies>.md)' })
    .option('progress', { type: 'boolean', describe: 'status lines on stderr (default: on when stderr is a terminal)' });
}

/** Builds the yargs program; `run` resolves to the exit code. */
export function createCli(argv: string[], io: CliIo) {
  let exitCode = 0;
  const fail = (error: unknown) => {
    exitCode = reportError(error, io);
  };
  const program = yargs(argv)
    .scriptName('simulate')
    .usage('$0 --trace FILE [--policy lru,next-key,lstm] [--cache-size N]')
    .command('$0', 'replay a trace through cache policies and write a report', simulateOptions, async (args) => {
      await runSimulate(args as unknown as SimulateArgs, io, ['simulate', ...argv].join(' ')).catch(fail);
    })
    .command('generate', 'write a synthetic time,key CSV trace (time,key,size with --size)', (cli) =>
      cli
        .option('pattern', { type: 'string', choices: PATTERNS as unknown as string[], demandOption: true, describe: 'workload: mixed interleaves the first four in bursts; phases moves a Zipf working set at each phase; scan-zipf loops over keys on a zipfian background' })
        .option('length', { type: 'number', demandOption: true, describe: 'number of requests' })
        .option('seed', { type: 'number', default: 1, describe: 'seed; the same seed gives the same file' })
        .option('out', { type: 'string', demandOption: true, describe: 'CSV file to write' })
        .option('weights', { type: 'string', describe: 'mixed: stream weights, e.g. sequential=1,zipfian=3 (unnamed streams get 0; default 1 each)' })
        .option('phase-length', { type: 'number', describe: `phases: requests per phase (default ${DEFAULT_PHASE_LENGTH})` })
        .option('working-set', { type: 'number', describe: `phases: keys per phase (default ${DEFAULT_WORKING_SET})` })
        .option('scan-length', { type: 'number', describe: `scan-zipf: keys in the loop (default ${DEFAULT_SCAN_LENGTH})` })
        .option('scan-share', { type: 'number', describe: `scan-zipf: share of requests from the loop, in [0, 1] (default ${DEFAULT_SCAN_SHARE})` })
        .option('arrival', { type: 'string', choices: ['index', 'poisson'], default: 'index', describe: 'request times: the request index, or a Poisson process at --rate' })
        .option('rate', { type: 'number', describe: 'poisson: requests per time unit (default 1)' })
        .option('size', { type: 'string', describe: 'object sizes in bytes, one per key: fixed:4096, uniform:MIN:MAX, lognormal:MU:SIGMA, pareto:ALPHA:MIN' }),
      async (args) => {
        await runGenerate(args as never, io).catch(fail);
      })
    .command('inspect', 'analyse a trace: counts, popularity, reuse distances, next-key predictability', (cli) =>
      traceOptions(cli)
        .option('out', { type: 'string', describe: 'report path (default: reports/<trace>-inspect.md)' }),
      async (args) => {
        await runInspect(args as never, io, ['simulate', ...argv].join(' ')).catch(fail);
      })
    .command('convert', 'rewrite a trace as libCacheSim oracleGeneral or as time,key,size,op CSV', (cli) =>
      traceOptions(cli)
        .option('out', { type: 'string', demandOption: true, describe: 'file to write' })
        .option('to', { type: 'string', choices: CONVERT_TARGETS as unknown as string[], describe: 'output format (default: csv for a .csv name, else oracle-general)' })
        .option('time-scale', { type: 'number', default: 1, describe: 'oracleGeneral only: factor applied to times before rounding down to whole u32 units (1e-6: µs to s)' }),
      async (args) => {
        await runConvert(args as never, io).catch(fail);
      })
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      exitCode = error ? reportError(error, io) : usageError(message, io);
    })
    .help();
  return {
    async run(): Promise<number> {
      await program.parseAsync();
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
  process.exitCode = await createCli(hideBin(process.argv), io).run();
}

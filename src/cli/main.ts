#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { SimulatorError } from '../errors.js';
import { POLICIES } from '../policies/registry.js';
import { convertOptions, runConvert } from './convert-command.js';
import { generateOptions, runGenerate } from './generate-command.js';
import { inspectOptions, runInspect } from './inspect-command.js';
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
    .command('generate', 'write a synthetic time,key CSV trace (time,key,size with --size)', generateOptions, async (args) => {
      await runGenerate(args as never, io).catch(fail);
    })
    .command('inspect', 'analyse a trace: counts, popularity, reuse distances, next-key predictability', inspectOptions, async (args) => {
      await runInspect(args as never, io, ['simulate', ...argv].join(' ')).catch(fail);
    })
    .command('convert', 'rewrite a trace as libCacheSim oracleGeneral or as time,key,size,op CSV', convertOptions, async (args) => {
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

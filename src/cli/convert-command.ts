import type { Argv } from 'yargs';
import { BadOptionError } from '../errors.js';
import { writeOracleGeneral } from '../trace/oracle-general.js';
import { writeTraceCsv } from '../trace/write-csv.js';
import type { CliIo } from './main.js';
import { cacheLine, loadTraceForCli, traceOptions, type TraceArgs } from './trace-options.js';

/** Formats that `simulate convert` writes. */
export const CONVERT_TARGETS = ['oracle-general', 'csv'] as const;
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

export interface ConvertArgs extends TraceArgs {
  out: string;
  to?: ConvertTarget;
  timeScale: number;
}

/** Adds the options of `simulate convert`. */
export function convertOptions(cli: Argv) {
  return traceOptions(cli)
    .option('out', { type: 'string', demandOption: true, describe: 'file to write' })
    .option('to', { type: 'string', choices: CONVERT_TARGETS as unknown as string[], describe: 'output format (default: csv for a .csv name, else oracle-general)' })
    .option('time-scale', { type: 'number', default: 1, describe: 'oracleGeneral only: factor applied to times before rounding down to whole u32 units (1e-6: µs to s)' });
}

/**
 * Reads a trace in any known format and writes it as oracleGeneral (for
 * libCacheSim) or as `time,key,size,op` CSV.
 */
export async function runConvert(args: ConvertArgs, io: CliIo): Promise<void> {
  const target = args.to ?? (args.out.endsWith('.csv') ? 'csv' : 'oracle-general');
  if (target === 'csv' && args.timeScale !== 1) {
    throw new BadOptionError('--time-scale: applies to --to oracle-general only; drop it for CSV output');
  }
  const loaded = await loadTraceForCli(args, io);
  const { trace } = loaded;
  if (target === 'csv') {
    await writeTraceCsv(trace, args.out);
    io.stdout.write(`wrote ${trace.length} requests to ${args.out} (csv: time,key,size,op)\n${cacheLine(loaded)}`);
    return;
  }
  const result = await writeOracleGeneral(trace, args.out, { timeScale: args.timeScale });
  if (result.objectIds === 'dense-id') {
    io.stderr.write(`simulate: warning: some keys of ${trace.source} are not unsigned 64-bit decimals (e.g. "${trace.keys.find((key) => !/^(0|[1-9][0-9]*)$/.test(key))}"), so every key was written as its dense id 0..${trace.keys.length - 1} in order of first appearance; the key text is not in ${args.out}\n`);
  }
  if (result.roundedTimes > 0) {
    io.stderr.write(`simulate: warning: ${result.roundedTimes} times were not whole numbers after --time-scale ${args.timeScale} and were rounded down, because oracleGeneral stores whole u32 times\n`);
  }
  if (trace.stats.zeroSizeRequests > 0) {
    io.stderr.write(`simulate: warning: ${trace.stats.zeroSizeRequests} requests have size 0; libCacheSim's oracleGeneral reader skips such requests\n`);
  }
  io.stdout.write(`wrote ${result.records} requests to ${args.out} (oracle-general, object ids: ${result.objectIds})\n${cacheLine(loaded)}`);
}

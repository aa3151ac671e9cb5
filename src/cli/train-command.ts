import { LstmPolicy } from '../../policies/lstm.js';
import { LSTM_PARAMS } from '../../policies/lstm-params.js';
import { BadOptionError, TrainingError } from '../errors.js';
import { groupParams, policyLabel, resolveParams } from '../policies/params.js';
import { trainingView, type KeyDictionary } from '../policies/policy.js';
import { trainEndOf } from '../simulate.js';
import type { Trace } from '../trace/trace.js';
import type { TrainingResult } from '../model/train.js';
import type { CliIo } from './main.js';
import { progressLog } from './progress-bar.js';
import { loadTraceForCli, type TraceArgs } from './trace-options.js';

/** Parsed options of `simulate train`. */
export interface TrainArgs extends TraceArgs {
  out: string;
  trainFraction: number;
  param: string[];
  seed: number;
  backend?: string;
  progress?: boolean;
}

/**
 * Trains the lstm policy's model on the training part of a trace and saves
 * it, with its vocabulary, to `--out` for `simulate --model`.
 */
export async function runTrain(args: TrainArgs, io: CliIo): Promise<void> {
  const byPolicy = groupParams(args.param);
  for (const policyId of byPolicy.keys()) {
    if (policyId !== 'lstm') {
      throw new BadOptionError(`--param: train trains the lstm policy only, but "${policyId}" was given; pass lstm.key=value parameters`);
    }
  }
  const params = resolveParams('lstm', LSTM_PARAMS, byPolicy.get('lstm'));
  const { trace } = await loadTraceForCli(args, io);
  const trainEnd = trainEndOf(trace.length, args.trainFraction);
  const { log, done } = progressLog(io, args.progress);
  const label = policyLabel('lstm', LSTM_PARAMS, params);
  const policy = new LstmPolicy(label, params, { seed: args.seed, backend: args.backend });
  let training: TrainingResult | undefined;
  try {
    await policy.prepare({
      training: trainingView(trace, trainEnd),
      dictionary: dictionaryOf(trace),
      seed: args.seed,
      log,
    });
    done();
    training = policy.training();
    if (training === undefined) {
      throw new TrainingError(
        `--train-fraction: the training part of ${args.trace} has ${trainEnd} requests, too few for one sample with lstm.window=${params.window}; raise --train-fraction or lower lstm.window`,
      );
    }
    await policy.save(args.out);
  } finally {
    done();
    policy.dispose();
  }
  if (training === undefined) return;
  const accuracy = training.validationAccuracy[training.bestEpoch - 1];
  const summary = `${training.epochsRun} epochs, weights of epoch ${training.bestEpoch}` +
    (accuracy === undefined ? '' : `, validation accuracy ${accuracy.toFixed(4)}`);
  io.stdout.write(`${label} trained on requests 1 to ${trainEnd} of ${args.trace}: ${summary}\nmodel: ${args.out}\n`);
}

/** Builds a dictionary of the trace's own ids; the model stores key text, not ids. */
function dictionaryOf(trace: Trace): KeyDictionary {
  const idOfText = new Map(trace.keys.map((key, id) => [key, id]));
  return {
    size: trace.keys.length,
    textOf: (keyId) => trace.keys[keyId],
    idOf: (text) => idOfText.get(text),
  };
}

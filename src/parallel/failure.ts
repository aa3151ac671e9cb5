import { SimulatorError } from '../errors.js';
import type { WorkerFailure } from './messages.js';

/** Converts an error thrown in a worker thread to plain data to send back. */
export function failureOf(error: unknown): WorkerFailure {
  if (error instanceof SimulatorError) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      exitCode: error.exitCode,
    };
  }
  const plain = error instanceof Error ? error : new Error(String(error));
  return { name: plain.name, message: plain.message, stack: plain.stack };
}

/** Rebuilds a worker's error; a simulator error keeps its code and exit code. */
export function errorOf(failure: WorkerFailure): Error {
  if (failure.code !== undefined) {
    return new SimulatorError(failure.code, failure.message, failure.exitCode);
  }
  const error = new Error(failure.message);
  error.name = failure.name;
  if (failure.stack !== undefined) error.stack = failure.stack;
  return error;
}

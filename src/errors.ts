/**
 * Error classes for bad input. Each carries a stable `code` that tests assert
 * and that the CLI maps to an exit code (2 for usage errors, 1 otherwise).
 */
/** Mark of a `SimulatorError`, the same symbol in every copy of this module. */
const SIMULATOR_ERROR: unique symbol = Symbol.for('cache-prefetch-sim.SimulatorError');

export class SimulatorError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly [SIMULATOR_ERROR] = true;

  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }

  /**
   * Makes `instanceof SimulatorError` hold for the errors of every copy of
   * this module, by their mark. The CLI's bundle has its own copy, and a
   * module policy that throws `BadParameterError` imports the package's.
   * Subclasses keep the usual test.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return this === SimulatorError && typeof value === 'object' && value !== null && SIMULATOR_ERROR in value;
  }
}

/** A trace row or file that cannot be read; the message starts `path:line:`. */
export class TraceParseError extends SimulatorError {
  constructor(message: string) {
    super('TRACE_PARSE', message);
  }
}

/** An invalid command-line option value. */
export class BadOptionError extends SimulatorError {
  constructor(message: string) {
    super('BAD_OPTION', message, 2);
  }
}

/** A policy id that is not in the registry and is not a module path. */
export class UnknownPolicyError extends SimulatorError {
  constructor(message: string) {
    super('UNKNOWN_POLICY', message, 2);
  }
}

/** An invalid `policy.key=value` parameter. */
export class BadParameterError extends SimulatorError {
  constructor(message: string) {
    super('BAD_PARAMETER', message, 2);
  }
}

/** Model training that cannot produce a usable model (a NaN loss, say). */
export class TrainingError extends SimulatorError {
  constructor(message: string) {
    super('TRAINING_FAILED', message);
  }
}

/**
 * A `--policy` path whose module cannot be loaded or does not default-export
 * a policy; the message names the path and what the module must export.
 */
export class PolicyLoadError extends SimulatorError {
  constructor(message: string) {
    super('POLICY_LOAD', message, 2);
  }
}

/**
 * A policy that broke its contract: it pushed a key id that the trace does
 * not have or a confidence outside [0, 1], or it read a request's outcome
 * after declaring that it ignores outcomes.
 */
export class PolicyContractError extends SimulatorError {
  constructor(message: string) {
    super('POLICY_CONTRACT', message);
  }
}

/** A policy that failed one or more checks of `simulate check-policy`. */
export class PolicyCheckError extends SimulatorError {
  constructor(message: string) {
    super('POLICY_CHECK', message);
  }
}

/** A results JSON file that is missing, not JSON, or not a report's. */
export class ResultsFileError extends SimulatorError {
  constructor(message: string) {
    super('RESULTS_FILE', message);
  }
}

/**
 * A run that cannot finish, because it awaits a promise and Node has
 * nothing left to run that could settle it, such as a module policy's
 * `prepare()` that never resolves. Node does not count an unreferenced
 * timer or a pending `Atomics.waitAsync` as something left to run.
 */
export class NeverSettledError extends SimulatorError {
  constructor(run: string) {
    super(
      'NEVER_SETTLED',
      `${run} stopped before it finished, because a promise it waited for can never settle. Node had nothing left to run that could settle it. Check that the module policy's top-level code and async hooks (prepare, predictBatch) resolve or reject, and that what they wait for keeps Node running (an unref()'d timer or Atomics.waitAsync does not)`,
    );
  }
}

/**
 * A worker thread that stopped, or threw outside any run, while a run
 * needed it. The cause is most often a module policy that called
 * `process.exit()` or left a rejected promise unhandled.
 */
export class WorkerStoppedError extends SimulatorError {
  constructor(thread: string, reason: { exitCode: number } | { thrown: unknown }) {
    super(
      'WORKER_STOPPED',
      'exitCode' in reason
        ? `${thread} stopped with exit code ${reason.exitCode} while a run needed it; check that module policies do not call process.exit()`
        : `${thread} stopped: ${describeThrown(reason.thrown)}; check that module policies catch their errors and rejected promises`,
    );
  }
}

/** Maximum length, in characters, of the error message that `RunFailedError` repeats. */
const MAX_MESSAGE = 500;

/**
 * An error thrown during one (policy, capacity) run that is not one of the
 * errors above, most often from a module policy's own code. The message
 * names the run and, for an `Error`, the line that threw, so that the CLI
 * need not print a stack.
 */
export class RunFailedError extends SimulatorError {
  constructor(run: string, cause: unknown) {
    super('RUN_FAILED', `${run} failed: ${describeThrown(cause)}`);
    this.cause = cause;
  }
}

/** Describes a thrown value: its message, cut to `MAX_MESSAGE`, and where an `Error` was thrown. */
function describeThrown(thrown: unknown): string {
  if (!(thrown instanceof Error)) return `it threw ${shortened(valueText(thrown))}, which is not an Error`;
  const message = thrown.message === '' ? `${thrown.name} with no message` : shortened(thrown.message);
  const thrownAt = thrown.stack?.split('\n').find((line) => line.trimStart().startsWith('at '))?.trim();
  return thrownAt === undefined ? message : `${message} (${thrownAt})`;
}

function valueText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function shortened(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE)}… (${text.length} characters)`;
}

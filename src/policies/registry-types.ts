import type { Eviction } from '../sim/engine.js';
import type { Trace } from '../trace/trace.js';
import type { ParamSpec, ParamValues } from './params.js';
import type { Policy } from './policy.js';

/** Settings shared by every policy of a run. */
export interface RunSettings {
  /** Seed for training order, initialisation and any sampling. */
  readonly seed: number;
  /** Directory of a saved model to load instead of training, if any. */
  readonly modelDir?: string;
  /** TensorFlow.js backend to force, if any. */
  readonly backend?: string;
}

/** A policy the registry can build: its id, summary and parameters. */
export interface PolicyEntry {
  /** Lowercase kebab-case id used in `--policy`. */
  readonly id: string;
  /** One line for help and the README's policy table. */
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  /** Eviction rule of the cache under this policy. Default `lru`. */
  readonly eviction?: Eviction;
  /**
   * Marks a bound rather than a candidate: it may see the whole trace,
   * future included, and reports show it apart from the candidates.
   */
  readonly isBound?: boolean;
  /** Builds a fresh policy for one replay. */
  create(options: CreateOptions): Policy;
}

/** What the registry hands a policy factory. */
export interface CreateOptions {
  /** Parameter values, checked against the entry's specs, defaults filled. */
  readonly params: ParamValues;
  /** Label for reports: the id plus every non-default parameter. */
  readonly label: string;
  readonly settings: RunSettings;
  /** The whole trace, handed only to entries marked `isBound`. */
  readonly boundTrace?: Trace;
}

/**
 * The default export of a policy module given to `--policy ./file.ts`:
 * a `PolicyEntry` whose `id`, `summary` and `params` may be left out. The id
 * then comes from the file name (`my-policy.ts` → `my-policy`); it names the
 * policy in `--param id.key=value` and, with any non-default parameters, in
 * reports.
 */
export interface PolicyModule {
  readonly id?: string;
  readonly summary?: string;
  readonly params?: readonly ParamSpec[];
  create(options: CreateOptions): Policy;
}

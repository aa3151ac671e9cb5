/**
 * Next-key prefetcher: a first-order successor table learnt online.
 *
 * 1. After each request for key k whose previous request was for key p, add
 *    one to the count of "k followed p".
 * 2. Find the successor s that has followed k most often so far.
 * 3. Prefetch s when it followed k at least `minCount` times and in at least
 *    a `confidence` share of k's occurrences that had a successor.
 *
 * The table learns from warm-up requests too, which are in the past of every
 * scored request, so it never uses a request before that request happened.
 *
 * Deviation from an exact table: each key keeps at most `successor-slots`
 * successors, as a Misra–Gries summary (see `SuccessorTable`), so memory is
 * fixed by the key count rather than growing with every distinct pair. A
 * key with at most that many distinct successors is predicted exactly as
 * with an unbounded table. For other keys the counts are lower bounds, so
 * the policy pushes only where the exact table would push too. With
 * `confidence` at or below 0.5 it may then name another successor.
 */
import type { PolicyEntry } from '../src/policies/registry-types.js';
import type { ParamValues } from '../src/policies/params.js';
import { BatchedSuccessors } from '../src/policies/batched-successors.js';
import type {
  Policy,
  PrefetchSink,
  RequestEvent,
} from '../src/policies/policy.js';

class NextKeyPolicy implements Policy {
  readonly label: string;
  /** The table learns from the keys alone. */
  readonly ignoresOutcomes = true;
  readonly #minCount: number;
  readonly #confidence: number;
  readonly #slotsPerKey: number;
  #successors: BatchedSuccessors;
  #hasCounted = false;
  #previous = -1;

  constructor(label: string, params: ParamValues) {
    this.label = label;
    this.#minCount = params['min-count'] as number;
    this.#confidence = params.confidence as number;
    this.#slotsPerKey = params['successor-slots'] as number;
    this.#successors = this.#emptySuccessors(0);
  }

  async prepare(context: { training: { keySpace: number } }): Promise<void> {
    this.#allocate(context.training.keySpace);
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    const keyId = request.keyId;
    if (keyId >= this.#successors.table.keySpace) this.#allocate(keyId + 1);
    const successors = this.#successors;
    if (this.#previous !== -1) {
      successors.add(this.#previous, keyId);
      this.#hasCounted = true;
    }
    this.#previous = keyId;
    const successor = successors.prediction(keyId);
    if (successor !== -1) prefetch.push(successor, successors.share(keyId));
  }

  /** Sizes the table; valid only before the first pair is counted. */
  #allocate(keySpace: number): void {
    if (this.#hasCounted) {
      throw new Error(
        `next-key: key id ${keySpace - 1} is beyond the key space of ${this.#successors.table.keySpace} given to prepare()`,
      );
    }
    this.#successors = this.#emptySuccessors(keySpace);
  }

  #emptySuccessors(keySpace: number): BatchedSuccessors {
    return new BatchedSuccessors(keySpace, this.#slotsPerKey, this.#minCount, this.#confidence);
  }
}

export const nextKey: PolicyEntry = {
  id: 'next-key',
  summary:
    'prefetches the key that most often followed the current key so far, from a fixed number of successor counts per key',
  params: [
    {
      name: 'min-count',
      type: 'integer',
      default: 2,
      min: 1,
      description: 'times the successor must have followed the key',
    },
    {
      name: 'confidence',
      type: 'number',
      default: 0.6,
      min: 0,
      max: 1,
      unit: 'share',
      description: 'minimum share of the key\'s successors that the successor must be',
    },
    {
      name: 'successor-slots',
      type: 'integer',
      default: 4,
      min: 1,
      max: 64,
      description:
        'successors kept per key (8 bytes each); a key with more distinct successors keeps the frequent ones by the Misra–Gries rule, with counts that may fall short',
    },
  ],
  create: ({ params, label }) => new NextKeyPolicy(label, params),
};

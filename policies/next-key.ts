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
 */
import type { PolicyEntry } from '../src/policies/registry-types.js';
import type { ParamValues } from '../src/policies/params.js';
import { PairCounts } from '../src/policies/pair-counts.js';
import type {
  Policy,
  PrefetchSink,
  RequestEvent,
} from '../src/policies/policy.js';

class NextKeyPolicy implements Policy {
  readonly label: string;
  readonly #minCount: number;
  readonly #confidence: number;
  readonly #pairCounts = new PairCounts();
  #keySpace = 0;
  #successorTotals = new Uint32Array(0);
  #bestSuccessor = new Int32Array(0);
  #bestCount = new Uint32Array(0);
  #previous = -1;

  constructor(label: string, params: ParamValues) {
    this.label = label;
    this.#minCount = params['min-count'] as number;
    this.#confidence = params.confidence as number;
  }

  async prepare(context: { training: { keySpace: number } }): Promise<void> {
    this.#allocate(context.training.keySpace);
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    const keyId = request.keyId;
    if (keyId >= this.#keySpace) this.#allocate(keyId + 1);
    if (this.#previous !== -1) this.#count(this.#previous, keyId);
    this.#previous = keyId;
    const best = this.#bestCount[keyId];
    if (best < this.#minCount) return;
    const share = best / this.#successorTotals[keyId];
    if (share >= this.#confidence) prefetch.push(this.#bestSuccessor[keyId], share);
  }

  #count(previous: number, next: number): void {
    const count = this.#pairCounts.increment(previous, next);
    this.#successorTotals[previous]++;
    // Counts only grow, so the pair just counted is the only one that can
    // overtake the current best; ties keep the earlier best.
    if (count > this.#bestCount[previous]) {
      this.#bestCount[previous] = count;
      this.#bestSuccessor[previous] = next;
    }
  }

  /** Sizes the tables; only called before the first pair is counted. */
  #allocate(keySpace: number): void {
    if (this.#pairCounts.size > 0) {
      throw new Error(
        `next-key: key id ${keySpace - 1} is beyond the key space of ${this.#keySpace} given to prepare()`,
      );
    }
    this.#keySpace = keySpace;
    this.#successorTotals = new Uint32Array(keySpace);
    this.#bestSuccessor = new Int32Array(keySpace).fill(-1);
    this.#bestCount = new Uint32Array(keySpace);
  }
}

export const nextKey: PolicyEntry = {
  id: 'next-key',
  summary:
    'prefetches the key that most often followed the current key so far',
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
  ],
  create: ({ params, label }) => new NextKeyPolicy(label, params),
};

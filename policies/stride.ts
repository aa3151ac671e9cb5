/**
 * Stride prefetcher for block traces, whose keys are block numbers.
 *
 * 1. Read each key as a whole number; a key that is not one ends the run.
 * 2. Keep the deltas between the last `history` + 1 consecutive keys.
 * 3. When the newest delta is not 0 and at least a `confidence` share of
 *    the kept deltas equal it, prefetch key + j × delta for j = 1 to
 *    `degree`, with that share as the confidence.
 *
 * A block trace's key is a request's first block, so a sequential stream of
 * 64 KiB requests on 512-byte blocks advances the key by 128, not by 1.
 * A trace does not say which stream a request belongs to, so this policy
 * follows the single sequence of requests and misses the strides of
 * streams that interleave.
 *
 * The engine accepts only keys of the trace, so a target block that the
 * trace never requests is skipped, and the report counts those skips. A real
 * prefetcher would fetch it and waste the fetch, so this policy's waste is a
 * lower bound.
 */
import type { PolicyEntry } from '../src/policies/registry-types.js';
import type { ParamValues } from '../src/policies/params.js';
import type {
  KeyDictionary,
  Policy,
  PolicyReport,
  PrefetchSink,
  PrepareContext,
  RequestEvent,
} from '../src/policies/policy.js';

/** Key text of a block number: digits, no sign, no leading zero. */
const BLOCK_NUMBER = /^(0|[1-9][0-9]*)$/;

class StridePolicy implements Policy {
  readonly label: string;
  /** Deltas come from the block numbers requested, not from the cache. */
  readonly ignoresOutcomes = true;
  readonly #degree: number;
  readonly #history: number;
  readonly #confidence: number;
  /** Block number of each key id, or NaN for keys that are not numbers. */
  #blockOf = new Float64Array(0);
  /** Key id of each block number the trace requests. */
  #keyIdOfBlock = new Map<number, number>();
  /** Ring of the last `history` deltas; `#deltaCount` of them are valid. */
  readonly #deltas: Float64Array;
  #deltaCount = 0;
  #newest = 0;
  #previousBlock = Number.NaN;
  #absentTargets = 0;
  #strideRequests = 0;

  constructor(label: string, params: ParamValues) {
    this.label = label;
    this.#degree = params.degree as number;
    this.#history = params.history as number;
    this.#confidence = params.confidence as number;
    this.#deltas = new Float64Array(this.#history);
  }

  async prepare(context: PrepareContext): Promise<void> {
    this.#indexBlocks(context.dictionary);
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    const block = this.#blockOf[request.keyId];
    if (Number.isNaN(block)) {
      this.#deltaCount = 0;
      this.#previousBlock = Number.NaN;
      return;
    }
    const previous = this.#previousBlock;
    this.#previousBlock = block;
    if (Number.isNaN(previous)) return;
    const delta = block - previous;
    this.#newest = (this.#newest + 1) % this.#history;
    this.#deltas[this.#newest] = delta;
    if (this.#deltaCount < this.#history) this.#deltaCount++;
    if (delta === 0 || this.#deltaCount < this.#history) return;

    const share = this.#shareOf(delta);
    if (share < this.#confidence) return;
    if (request.isScored) this.#strideRequests++;
    for (let j = 1; j <= this.#degree; j++) {
      const keyId = this.#keyIdOfBlock.get(block + j * delta);
      if (keyId !== undefined) prefetch.push(keyId, share);
      else if (request.isScored) this.#absentTargets++;
    }
  }

  report(): PolicyReport {
    return {
      notes: {
        'scored requests that continued a stride': this.#strideRequests,
        'prefetch targets skipped because the trace never requests them':
          this.#absentTargets,
      },
    };
  }

  /** Share of the kept deltas that equal `delta`. */
  #shareOf(delta: number): number {
    let matches = 0;
    for (let i = 0; i < this.#history; i++) {
      if (this.#deltas[i] === delta) matches++;
    }
    return matches / this.#history;
  }

  /**
   * Reads every key as a block number once, so the replay neither parses
   * text nor builds strings for the target blocks.
   */
  #indexBlocks(dictionary: KeyDictionary): void {
    this.#blockOf = new Float64Array(dictionary.size).fill(Number.NaN);
    this.#keyIdOfBlock = new Map();
    for (let keyId = 0; keyId < dictionary.size; keyId++) {
      const text = dictionary.textOf(keyId);
      if (!BLOCK_NUMBER.test(text)) continue;
      const block = Number(text);
      if (!Number.isSafeInteger(block)) continue;
      this.#blockOf[keyId] = block;
      this.#keyIdOfBlock.set(block, keyId);
    }
  }
}

export const stride: PolicyEntry = {
  id: 'stride',
  summary:
    'prefetches the next blocks along a constant key delta (block traces)',
  params: [
    {
      name: 'degree',
      type: 'integer',
      default: 2,
      min: 1,
      max: 64,
      unit: 'keys',
      description: 'keys prefetched ahead along the stride',
    },
    {
      name: 'history',
      type: 'integer',
      default: 2,
      min: 1,
      max: 64,
      unit: 'deltas',
      description: 'recent key deltas compared with the newest one',
    },
    {
      name: 'confidence',
      type: 'number',
      default: 1,
      min: 0,
      max: 1,
      unit: 'share',
      description: 'minimum share of those deltas that must equal the newest',
    },
  ],
  create: ({ params, label }) => new StridePolicy(label, params),
};

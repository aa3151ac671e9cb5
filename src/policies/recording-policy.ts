import type {
  BatchPrediction,
  KeyDictionary,
  Policy,
  PolicyReport,
  PrefetchSink,
  PrepareContext,
  RequestEvent,
} from './policy.js';

/**
 * Wraps a policy for the conformance checks: it records every decision and
 * follows which keys are resident from the engine's calls to the policy.
 *
 * The resident set is exact only at zero fetch and prediction latency,
 * where a fetch lands before the policy hears of the next request: a
 * request's key is resident when the policy is called, a scored prefetch
 * is resident from the next request on, and a key leaves on its eviction.
 */
export class RecordingPolicy implements Policy {
  readonly label: string;
  readonly batch?: BatchPrediction;
  /**
   * Prefetches pushed after each request, by trace index, as key text with
   * any confidence (`"128@0.5 136"`); an empty string when none.
   */
  readonly decisions: string[] = [];
  /** Keys resident now, as far as the engine's notifications tell. */
  readonly resident = new Set<number>();
  /** Most keys resident when a request reached the policy. */
  peakResident = 0;
  readonly #inner: Policy;
  readonly #sink: PrefetchSink;
  #dictionary: KeyDictionary | undefined;
  #pushes: string[] = [];
  #isScored = false;
  #engineSink: PrefetchSink | undefined;

  constructor(policy: Policy) {
    this.#inner = policy;
    this.label = policy.label;
    this.batch = policy.batch;
    this.#sink = { push: (keyId, confidence) => this.#push(keyId, confidence) };
  }

  async prepare(context: PrepareContext): Promise<void> {
    this.#dictionary = context.dictionary;
    await this.#inner.prepare?.(context);
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    this.resident.add(request.keyId);
    this.peakResident = Math.max(this.peakResident, this.resident.size);
    this.#pushes = [];
    this.#isScored = request.isScored;
    this.#engineSink = prefetch;
    this.#inner.onRequest?.(request, this.#sink);
    this.decisions[request.index] = this.#pushes.join(' ');
  }

  onEvict(keyId: number): void {
    this.resident.delete(keyId);
    this.#inner.onEvict?.(keyId);
  }

  report(): PolicyReport {
    return this.#inner.report?.() ?? {};
  }

  dispose(): void {
    this.#inner.dispose?.();
  }

  #push(keyId: number, confidence: number | undefined): void {
    const dictionary = this.#dictionary;
    const isKnown =
      dictionary !== undefined &&
      Number.isInteger(keyId) &&
      keyId >= 0 &&
      keyId < dictionary.size;
    const text = isKnown ? dictionary.textOf(keyId) : `#${keyId}`;
    this.#pushes.push(confidence === undefined ? text : `${text}@${confidence}`);
    // The engine ignores warm-up prefetches; an invalid id fails below.
    if (this.#isScored && isKnown) this.resident.add(keyId);
    this.#engineSink?.push(keyId, confidence);
  }
}

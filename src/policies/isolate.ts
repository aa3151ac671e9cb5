/**
 * The boundary between the engine and a policy. The engine's key ids are
 * dense in order of first request, so id "largest seen + 1" would name the
 * next new key before it is requested. A policy therefore sees its own ids:
 * keys of the training part keep theirs, later keys are numbered in order
 * of key text. The boundary also hands the policy a fresh event object and
 * sink (never the engine itself) and rejects pushes of ids the trace lacks.
 */
import { PolicyContractError } from '../errors.js';
import type { Trace } from '../trace/trace.js';
import {
  Outcome,
  eventWithoutOutcome,
  MAX_PUSHES_PER_REQUEST,
  prefixKeyCount,
  trainingView,
  type BatchPrediction,
  type KeyDictionary,
  type Policy,
  type PolicyReport,
  type PrefetchSink,
  type RequestEvent,
} from './policy.js';
import { sortIdsByText } from './text-order.js';

/** Translation between engine key ids and the ids a policy sees. */
interface KeyIdMap {
  readonly toPolicy: Uint32Array;
  readonly toEngine: Uint32Array;
  readonly dictionary: KeyDictionary;
}

/**
 * Maps are built once per trace and training length, because sorting the
 * key texts costs O(n log n) and every policy and capacity of a run shares
 * one split.
 */
const keyIdMaps = new WeakMap<Trace, Map<number, KeyIdMap>>();

function keyIdMapFor(trace: Trace, trainEnd: number): KeyIdMap {
  let byTrainEnd = keyIdMaps.get(trace);
  if (byTrainEnd === undefined) {
    byTrainEnd = new Map();
    keyIdMaps.set(trace, byTrainEnd);
  }
  let map = byTrainEnd.get(trainEnd);
  if (map === undefined) {
    map = buildKeyIdMap(trace, trainEnd);
    byTrainEnd.set(trainEnd, map);
  }
  return map;
}

/**
 * Returns the id translation of a trace and training length as two arrays
 * to send to another thread, which passes them to `adoptKeyIds` there
 * rather than sorting the key texts again.
 */
export function keyIdArrays(trace: Trace, trainEnd: number): { toPolicy: Uint32Array; toEngine: Uint32Array } {
  const { toPolicy, toEngine } = keyIdMapFor(trace, trainEnd);
  return { toPolicy, toEngine };
}

/** Makes `keyIdArrays` of another thread this thread's translation of `trace`. */
export function adoptKeyIds(trace: Trace, trainEnd: number, toPolicy: Uint32Array, toEngine: Uint32Array): void {
  let byTrainEnd = keyIdMaps.get(trace);
  if (byTrainEnd === undefined) {
    byTrainEnd = new Map();
    keyIdMaps.set(trace, byTrainEnd);
  }
  byTrainEnd.set(trainEnd, { toPolicy, toEngine, dictionary: dictionaryOf(trace, toPolicy, toEngine) });
}

function buildKeyIdMap(trace: Trace, trainEnd: number): KeyIdMap {
  const keys = trace.keys;
  const trainingKeys = prefixKeyCount(trace.keyIds.subarray(0, trainEnd));
  const toEngine = new Uint32Array(keys.length);
  const toPolicy = new Uint32Array(keys.length);
  for (let id = 0; id < keys.length; id++) toEngine[id] = id;
  // Code-unit order: cheap, and independent of locale and of the trace.
  sortIdsByText(toEngine.subarray(trainingKeys), keys);
  for (let id = 0; id < keys.length; id++) toPolicy[toEngine[id]] = id;
  return { toPolicy, toEngine, dictionary: dictionaryOf(trace, toPolicy, toEngine) };
}

/**
 * Builds the dictionary over the trace's keys. It reads `trace.keys` only
 * when a lookup needs it, because a trace sent to another thread decodes
 * its key texts on that first read.
 */
function dictionaryOf(trace: Trace, toPolicy: Uint32Array, toEngine: Uint32Array): KeyDictionary {
  // Built on the first lookup: most policies never call idOf.
  let engineIdOf: Map<string, number> | undefined;
  const size = toEngine.length;
  return {
    size,
    textOf(keyId: number): string {
      if (!isKeyId(keyId, size)) {
        throw new RangeError(
          `key id ${keyId} is out of range; ids run from 0 to ${size - 1}`,
        );
      }
      return trace.keys[toEngine[keyId]];
    },
    idOf(text: string): number | undefined {
      engineIdOf ??= new Map(trace.keys.map((key, id) => [key, id]));
      const engineId = engineIdOf.get(text);
      return engineId === undefined ? undefined : toPolicy[engineId];
    },
  };
}

/**
 * Engine ids unchanged, for bounds: they read the whole trace by design,
 * so hiding the order of first requests from them would hide nothing.
 */
function identityKeyIdMap(trace: Trace): KeyIdMap {
  const ids = Uint32Array.from({ length: trace.keys.length }, (_, id) => id);
  return { toPolicy: ids, toEngine: ids, dictionary: dictionaryOf(trace, ids, ids) };
}

function isKeyId(keyId: number, keySpace: number): boolean {
  return Number.isInteger(keyId) && keyId >= 0 && keyId < keySpace;
}

/** Requests translated at a time: 16 KiB of ids, which stay in cache. */
const TRANSLATION_CHUNK = 4096;

/**
 * A policy behind the boundary, as the engine and `simulate` drive it. It
 * has `runPrepare` in place of `prepare`, because the boundary, not the
 * caller, builds what the policy may see.
 */
export class IsolatedPolicy implements Policy {
  readonly label: string;
  readonly batch?: BatchPrediction;
  /** Present only when the inner policy has it, so the engine can skip it. */
  readonly onRequest?: (request: RequestEvent, prefetch: PrefetchSink) => void;
  /** Present only when the inner policy has it. */
  readonly onEvict?: (keyId: number) => void;
  readonly ignoresOutcomes: boolean;
  readonly #inner: Policy;
  readonly #trace: Trace;
  readonly #trainEnd: number;
  readonly #isBound: boolean;
  #idMap: KeyIdMap | undefined;
  readonly #event: RequestEvent;
  /** Created on the first request, with the id translation. */
  #sink: TranslatingSink | undefined;
  #toPolicy: Uint32Array = new Uint32Array(0);
  /**
   * Policy ids of requests [chunkStart, chunkStart + chunkLength), filled
   * a chunk at a time. One tight loop overlaps the cache misses of many
   * `toPolicy` reads that, one per request, stalled the replay of a trace
   * with a million keys.
   */
  readonly #chunk = new Uint32Array(TRANSLATION_CHUNK);
  #chunkStart = 0;
  #chunkLength = 0;

  /** `isBound` keeps engine ids for bounds, which may see the future. */
  constructor(policy: Policy, trace: Trace, trainEnd: number, isBound = false) {
    this.#inner = policy;
    this.#trace = trace;
    this.#trainEnd = trainEnd;
    this.#isBound = isBound;
    this.label = policy.label;
    this.ignoresOutcomes = policy.ignoresOutcomes === true;
    if (this.ignoresOutcomes && policy.onEvict !== undefined) {
      throw new PolicyContractError(
        `policy ${policy.label} sets ignoresOutcomes and defines onEvict, which tells it about the cache; drop one of them`,
      );
    }
    this.#event = this.ignoresOutcomes
      ? eventWithoutOutcome(policy.label)
      : { index: 0, keyId: 0, time: 0, sizeBytes: 0, outcome: Outcome.Miss, isScored: false };
    if (policy.batch !== undefined) this.batch = this.#translatedBatch(policy.batch);
    if (policy.onRequest !== undefined) {
      this.onRequest = (request, prefetch) => this.#forward(request, prefetch);
    }
    if (policy.onEvict !== undefined) {
      this.onEvict = (keyId) => policy.onEvict!(this.#ids.toPolicy[keyId]);
    }
  }

  /**
   * The id translation, built on first use: sorting the key texts of a
   * million-key trace takes about a second, which a policy that never
   * looks at keys (lru, belady) should not pay.
   */
  get #ids(): KeyIdMap {
    this.#idMap ??= this.#isBound
      ? identityKeyIdMap(this.#trace)
      : keyIdMapFor(this.#trace, this.#trainEnd);
    return this.#idMap;
  }

  /** Hands the policy the training part and the key dictionary. */
  async runPrepare(options: {
    seed: number;
    log: (message: string) => void;
  }): Promise<void> {
    if (this.#inner.prepare === undefined) return;
    await this.#inner.prepare({
      training: trainingView(this.#trace, this.#trainEnd),
      dictionary: this.#ids.dictionary,
      seed: options.seed,
      log: options.log,
    });
  }

  #forward(request: RequestEvent, prefetch: PrefetchSink): void {
    const sink = this.#sink ?? this.#createSink();
    const event = this.#event;
    event.index = request.index;
    event.keyId = this.#policyKeyId(request.index, request.keyId);
    event.time = request.time;
    event.sizeBytes = request.sizeBytes;
    if (!this.ignoresOutcomes) event.outcome = request.outcome;
    event.isScored = request.isScored;
    sink.target = prefetch;
    this.#inner.onRequest!(event, sink);
  }

  /** Policy id of `keyId`, requested at trace position `index`. */
  #policyKeyId(index: number, keyId: number): number {
    // Callers other than the engine may pass an index that is not where
    // the trace requests keyId; those take the direct lookup.
    if (this.#trace.keyIds[index] !== keyId) return this.#toPolicy[keyId];
    const offset = index - this.#chunkStart;
    if (offset >= 0 && offset < this.#chunkLength) return this.#chunk[offset];
    this.#fillChunk(index);
    return this.#chunk[0];
  }

  #fillChunk(start: number): void {
    const keyIds = this.#trace.keyIds;
    const toPolicy = this.#toPolicy;
    const chunk = this.#chunk;
    const length = Math.min(chunk.length, keyIds.length - start);
    for (let i = 0; i < length; i++) chunk[i] = toPolicy[keyIds[start + i]];
    this.#chunkStart = start;
    this.#chunkLength = length;
  }

  #createSink(): TranslatingSink {
    const ids = this.#ids;
    this.#toPolicy = ids.toPolicy;
    this.#sink = new TranslatingSink(this.label, this.#event, ids.toEngine);
    return this.#sink;
  }

  /**
   * Returns the inner policy's report. It must be data that a worker thread
   * can send (structured-cloneable), because replays on other threads send
   * it, so a function or the like in it is rejected on every path alike.
   */
  report(): PolicyReport {
    const report = this.#inner.report?.() ?? {};
    try {
      structuredClone(report);
    } catch (error) {
      throw new PolicyContractError(
        `policy ${this.label}: report() returned a value that cannot be copied between threads (${(error as Error).message}); return numbers, strings and typed arrays`,
      );
    }
    return report;
  }

  /** Whether `fork` can share the prepared policy. */
  get canFork(): boolean {
    return this.#inner.fork !== undefined;
  }

  /** The inner policy's fork behind a boundary of its own. */
  fork(): IsolatedPolicy {
    const inner = this.#inner.fork?.();
    if (inner === undefined) throw new Error(`policy ${this.label} cannot fork`);
    return new IsolatedPolicy(inner, this.#trace, this.#trainEnd, this.#isBound);
  }

  dispose(): void {
    this.#inner.dispose?.();
  }

  #translatedBatch(batch: BatchPrediction): BatchPrediction {
    const toPolicy = this.#ids.toPolicy;
    return {
      historyWindow: batch.historyWindow,
      predictBatch(windows: Int32Array, count: number): Promise<void> {
        const translated = new Int32Array(windows.length);
        for (let i = 0; i < windows.length; i++) {
          const keyId = windows[i];
          translated[i] = keyId < 0 ? keyId : toPolicy[keyId];
        }
        return batch.predictBatch(translated, count);
      },
    };
  }
}

/**
 * The sink a policy pushes to: checks each push and forwards it, in engine
 * ids, to the engine's sink. One per `IsolatedPolicy`, reused for every
 * request, so that a request allocates nothing at the boundary. Its fields
 * are private, so a policy reaches neither the engine nor the id
 * translation (which would reveal the order of first requests) through it.
 */
class TranslatingSink implements PrefetchSink {
  readonly #label: string;
  /** The event the policy is handling, for the request index in errors. */
  readonly #event: RequestEvent;
  readonly #toEngine: Uint32Array;
  #target: PrefetchSink | undefined;
  /** Keys pushed for the request being handled. */
  #pushes = 0;

  constructor(label: string, event: RequestEvent, toEngine: Uint32Array) {
    this.#label = label;
    this.#event = event;
    this.#toEngine = toEngine;
  }

  /**
   * Sets the engine's sink for the request being handled, whose pushes are
   * counted from here. Write-only, so a policy that sets it only redirects
   * its own pushes.
   */
  set target(target: PrefetchSink) {
    this.#target = target;
    this.#pushes = 0;
  }

  push(keyId: number, confidence?: number): void {
    const toEngine = this.#toEngine;
    if (++this.#pushes > MAX_PUSHES_PER_REQUEST) this.#rejectPushCount();
    if (!isKeyId(keyId, toEngine.length)) this.#rejectKeyId(keyId);
    if (confidence !== undefined && !(confidence >= 0 && confidence <= 1)) {
      this.#rejectConfidence(confidence);
    }
    this.#target?.push(toEngine[keyId], confidence);
  }

  #rejectKeyId(keyId: number): never {
    throw new PolicyContractError(
      `${this.#where()}: pushed key id ${keyId}, which is not a key id of the trace (0 to ${this.#toEngine.length - 1}); look ids up with context.dictionary.idOf(keyText)`,
    );
  }

  #rejectPushCount(): never {
    throw new PolicyContractError(
      `${this.#where()}: pushed more than ${MAX_PUSHES_PER_REQUEST} keys; push the keys most worth fetching, a few per request`,
    );
  }

  #rejectConfidence(confidence: number): never {
    throw new PolicyContractError(
      `${this.#where()}: pushed confidence ${confidence}, which is outside [0, 1]; push a probability or leave it out`,
    );
  }

  #where(): string {
    return `policy ${this.#label}, after request ${this.#event.index}`;
  }
}

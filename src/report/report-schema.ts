import { Ajv, type ValidateFunction } from 'ajv';
import { REPORT_SCHEMA_VERSION, type ReportData } from './report-data.js';

/*
 * JSON Schema (draft-07, as Ajv checks it) of the report's JSON file.
 * Objects list every property as required and reject unknown ones, so a
 * field added to `ReportData` without a schema entry fails the schema
 * test. The counters and notes accept any name, because they grow with
 * the engine and the policies.
 */

const nullableNumber = { type: 'number', nullable: true } as const;
const number = { type: 'number' } as const;
const integer = { type: 'integer', minimum: 0 } as const;
const string = { type: 'string' } as const;
const boolean = { type: 'boolean' } as const;

const capacitySchema = {
  type: 'object',
  properties: {
    unit: { type: 'string', enum: ['objects', 'bytes'] },
    amount: number,
    label: string,
  },
  required: ['unit', 'amount', 'label'],
  additionalProperties: false,
};

const percentilesSchema = {
  type: 'object',
  nullable: true,
  properties: { p50Ms: number, p95Ms: number, p99Ms: number, samples: integer },
  required: ['p50Ms', 'p95Ms', 'p99Ms', 'samples'],
  additionalProperties: false,
};

/** Counters the report and charts read; the engine may add others. */
const REQUIRED_COUNTERS = [
  'requests',
  'hits',
  'misses',
  'delayedHits',
  'fetches',
  'issuedPrefetches',
  'usefulPrefetches',
  'latePrefetches',
  'wastedPrefetches',
];

const runSchema = {
  type: 'object',
  properties: {
    policyId: string,
    label: string,
    capacity: capacitySchema,
    isBaseline: boolean,
    isBound: boolean,
    counters: {
      type: 'object',
      properties: Object.fromEntries(REQUIRED_COUNTERS.map((name) => [name, number])),
      required: REQUIRED_COUNTERS,
      additionalProperties: number,
    },
    metrics: {
      type: 'object',
      properties: {
        hitRatio: nullableNumber,
        missRatio: nullableNumber,
        byteHitRatio: nullableNumber,
        prefetchAccuracy: nullableNumber,
        prefetchCoverage: nullableNumber,
        timeliness: nullableNumber,
        wasteShare: nullableNumber,
        backendLoad: nullableNumber,
        predictionAccuracy: nullableNumber,
        meanLatency: nullableNumber,
      },
      required: ['hitRatio', 'missRatio', 'byteHitRatio', 'prefetchAccuracy', 'prefetchCoverage', 'timeliness', 'wasteShare', 'backendLoad', 'predictionAccuracy', 'meanLatency'],
      additionalProperties: false,
    },
    latency: {
      type: 'object',
      nullable: true,
      properties: { mean: number, p50: number, p95: number, p99: number },
      required: ['mean', 'p50', 'p95', 'p99'],
      additionalProperties: false,
    },
    windowHitRatios: { type: 'array', items: nullableNumber },
    overhead: {
      type: 'object',
      properties: {
        percentiles: percentilesSchema,
        percentileSource: { type: 'string', enum: ['single predictions', 'per-request hook'] },
        meanMsPerRequest: nullableNumber,
        predictionsPerSecond: nullableNumber,
        trainingMs: nullableNumber,
        replayMs: number,
        modelParameters: nullableNumber,
        modelBytes: nullableNumber,
        backend: { type: 'string', nullable: true },
      },
      required: ['percentiles', 'percentileSource', 'meanMsPerRequest', 'predictionsPerSecond', 'trainingMs', 'replayMs', 'modelParameters', 'modelBytes', 'backend'],
      additionalProperties: false,
    },
    notes: {
      type: 'object',
      required: [],
      additionalProperties: { type: ['string', 'number'] },
    },
  },
  required: ['policyId', 'label', 'capacity', 'isBaseline', 'isBound', 'counters', 'metrics', 'windowHitRatios', 'overhead', 'notes'],
  additionalProperties: false,
};

const intervalSchema = {
  type: 'object',
  properties: {
    estimate: nullableNumber,
    lower: nullableNumber,
    upper: nullableNumber,
    windowValues: { type: 'array', items: nullableNumber },
    validReplicates: integer,
  },
  required: ['estimate', 'lower', 'upper', 'windowValues', 'validReplicates'],
  additionalProperties: false,
};

const guardrailNames = ['min-gain', 'max-backend-load', 'max-prediction-p99', 'max-waste'];

const guardrailSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', enum: guardrailNames },
    limit: nullableNumber,
    isDefault: boolean,
    observed: nullableNumber,
    lower: nullableNumber,
    upper: nullableNumber,
    status: { type: 'string', enum: ['pass', 'fail', 'uncertain', 'not measured', 'off'] },
  },
  required: ['name', 'limit', 'isDefault', 'observed', 'lower', 'upper', 'status'],
  additionalProperties: false,
};

const comparisonSchema = {
  type: 'object',
  properties: {
    candidate: string,
    candidatePolicyId: string,
    baseline: string,
    capacity: capacitySchema,
    hitRatioGainPoints: intervalSchema,
    backendLoad: intervalSchema,
    guardrails: { type: 'array', items: guardrailSchema },
    verdict: {
      type: 'object',
      properties: {
        decision: { type: 'string', enum: ['roll out', 'do not roll out', 'inconclusive'] },
        failed: { type: 'array', items: { type: 'string', enum: guardrailNames } },
        uncertain: { type: 'array', items: { type: 'string', enum: guardrailNames } },
      },
      required: ['decision', 'failed', 'uncertain'],
      additionalProperties: false,
    },
    reason: string,
  },
  required: ['candidate', 'candidatePolicyId', 'baseline', 'capacity', 'hitRatioGainPoints', 'backendLoad', 'guardrails', 'verdict', 'reason'],
  additionalProperties: false,
};

const curvePointSchema = {
  type: 'object',
  properties: { capacity: number, missRatio: number },
  required: ['capacity', 'missRatio'],
  additionalProperties: false,
} as const;

const sweepSchema = {
  type: 'object',
  properties: {
    unit: { type: 'string', enum: ['objects', 'bytes', null], nullable: true },
    curves: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          policyId: string,
          label: string,
          isBound: boolean,
          points: { type: 'array', items: curvePointSchema },
        },
        required: ['policyId', 'label', 'isBound', 'points'],
        additionalProperties: false,
      },
    },
    equivalents: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          label: string,
          capacity: number,
          missRatio: number,
          baseline: string,
          equivalent: {
            type: 'object',
            properties: {
              relation: { type: 'string', enum: ['interpolated', 'below', 'above'] },
              capacity: number,
            },
            required: ['relation', 'capacity'],
            additionalProperties: false,
          },
        },
        required: ['label', 'capacity', 'missRatio', 'baseline', 'equivalent'],
        additionalProperties: false,
      },
    },
    note: { type: 'string', nullable: true },
  },
  required: ['unit', 'curves', 'equivalents', 'note'],
  additionalProperties: false,
};

const traceSchema = {
  type: 'object',
  properties: {
    source: string,
    requests: integer,
    distinctKeys: integer,
    trainEnd: integer,
    scoredRequests: integer,
    timeUnit: string,
    backwardTimestamps: integer,
    skippedBlankLines: integer,
    skippedInvalidRows: integer,
  },
  required: ['source', 'requests', 'distinctKeys', 'trainEnd', 'scoredRequests', 'timeUnit', 'backwardTimestamps', 'skippedBlankLines', 'skippedInvalidRows'],
  additionalProperties: false,
};

/** Schema of the whole JSON file. */
export const REPORT_SCHEMA = {
  type: 'object',
  properties: {
    schemaVersion: { type: 'integer', const: REPORT_SCHEMA_VERSION },
    reproducibility: {
      type: 'object',
      properties: {
        command: string,
        toolVersion: string,
        traceSha256: { type: 'string', nullable: true, pattern: '^[0-9a-f]{64}$' },
        seed: number,
        bootstrapSeed: number,
        backend: string,
        nodeVersion: string,
        cpuModel: string,
        cpuCores: integer,
      },
      required: ['command', 'toolVersion', 'traceSha256', 'seed', 'bootstrapSeed', 'backend', 'nodeVersion', 'cpuModel', 'cpuCores'],
      additionalProperties: false,
    },
    trace: traceSchema,
    fetchLatency: string,
    predictionLatency: string,
    backendConcurrency: { type: 'integer', nullable: true, minimum: 1 },
    settings: {
      type: 'object',
      properties: {
        baseline: string,
        windows: { type: 'integer', minimum: 1 },
        windowEnds: { type: 'array', items: integer },
        blockLength: { type: 'integer', minimum: 1 },
        bootstrapReplicates: { type: 'integer', minimum: 1 },
        bootstrapSeed: number,
        confidenceLevel: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        guardrails: {
          type: 'object',
          properties: {
            minGainPoints: nullableNumber,
            maxBackendLoad: nullableNumber,
            maxPredictionP99Ms: nullableNumber,
            maxWaste: nullableNumber,
          },
          required: ['minGainPoints', 'maxBackendLoad', 'maxPredictionP99Ms', 'maxWaste'],
          additionalProperties: false,
        },
        defaultGuardrails: {
          type: 'array',
          items: { type: 'string', enum: ['minGainPoints', 'maxBackendLoad', 'maxPredictionP99Ms', 'maxWaste'] },
        },
      },
      required: ['baseline', 'windows', 'windowEnds', 'blockLength', 'bootstrapReplicates', 'bootstrapSeed', 'confidenceLevel', 'guardrails', 'defaultGuardrails'],
      additionalProperties: false,
    },
    runs: { type: 'array', items: runSchema },
    comparisons: { type: 'array', items: comparisonSchema },
    sweep: sweepSchema,
  },
  required: ['schemaVersion', 'reproducibility', 'trace', 'fetchLatency', 'predictionLatency', 'backendConcurrency', 'settings', 'runs', 'comparisons', 'sweep'],
  additionalProperties: false,
};

let validate: ValidateFunction<ReportData> | undefined;

/**
 * Checks parsed JSON against the report schema. Returns the data typed, or
 * the list of problems as `/json/pointer: message` lines.
 */
export function checkReportData(
  value: unknown,
): { data: ReportData; problems: null } | { data: null; problems: string[] } {
  validate ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile<ReportData>(REPORT_SCHEMA);
  if (validate(value)) return { data: value, problems: null };
  const problems = (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'}: ${error.message ?? 'is invalid'}`,
  );
  return { data: null, problems };
}

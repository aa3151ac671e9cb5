import {
  equivalentCapacity,
  type CurvePoint,
  type EquivalentCapacity,
} from './equivalent-capacity.js';
import type { RunEvaluation } from './evaluate.js';

/** Miss ratio against capacity for one policy. */
export interface SweepCurve {
  policyId: string;
  label: string;
  isBound: boolean;
  /** Points in ascending capacity. */
  points: CurvePoint[];
}

/** A candidate's capacity translated to the baseline's curve. */
export interface SweepEquivalent {
  label: string;
  capacity: number;
  missRatio: number;
  baseline: string;
  equivalent: EquivalentCapacity;
}

/** Miss-ratio curves across the capacities of one unit. */
export interface Sweep {
  /** Unit of the swept capacities; null when there was no sweep. */
  unit: 'objects' | 'bytes' | null;
  curves: SweepCurve[];
  equivalents: SweepEquivalent[];
  /** Reason that curves or equivalents are missing; null when none are. */
  note: string | null;
}

/**
 * Builds miss-ratio curves from the runs of a capacity sweep and places
 * each candidate on the baseline's curve. Capacities in objects and in
 * bytes do not share an axis, so the unit with more capacities is swept
 * (objects on a tie).
 */
export function missRatioSweep(
  runs: readonly RunEvaluation[],
  baselineId: string,
): Sweep {
  const unit = sweptUnit(runs);
  if (unit === null) {
    return {
      unit,
      curves: [],
      equivalents: [],
      note: 'a sweep needs two or more cache sizes of one unit',
    };
  }
  const inUnit = runs.filter(
    (run) => run.capacity.unit === unit && run.metrics.missRatio !== null,
  );
  if (inUnit.length === 0) {
    return {
      unit,
      curves: [],
      equivalents: [],
      note: 'no request was scored, so no run has a miss ratio',
    };
  }
  const curves = curvesOf(inUnit);
  const baseline = curves.find((curve) => curve.policyId === baselineId);
  if (baseline === undefined || baseline.points.length < 2) {
    return {
      unit,
      curves,
      equivalents: [],
      note: `equivalent sizes need ${baselineId} at two or more cache sizes`,
    };
  }
  const equivalents = inUnit
    .filter((run) => run.policyId !== baselineId && !run.isBound)
    .map((run) => ({
      label: run.label,
      capacity: run.capacity.amount,
      missRatio: run.metrics.missRatio!,
      baseline: baseline.label,
      equivalent: equivalentCapacity(baseline.points, run.metrics.missRatio!),
    }));
  return { unit, curves, equivalents, note: null };
}

function sweptUnit(runs: readonly RunEvaluation[]): 'objects' | 'bytes' | null {
  const distinct = (unit: string) =>
    new Set(
      runs.filter((r) => r.capacity.unit === unit).map((r) => r.capacity.amount),
    ).size;
  const objects = distinct('objects');
  const bytes = distinct('bytes');
  if (Math.max(objects, bytes) < 2) return null;
  return objects >= bytes ? 'objects' : 'bytes';
}

function curvesOf(runs: readonly RunEvaluation[]): SweepCurve[] {
  const curves = new Map<string, SweepCurve>();
  for (const run of runs) {
    let curve = curves.get(run.label);
    if (curve === undefined) {
      curve = {
        policyId: run.policyId,
        label: run.label,
        isBound: run.isBound,
        points: [],
      };
      curves.set(run.label, curve);
    }
    curve.points.push({
      capacity: run.capacity.amount,
      missRatio: run.metrics.missRatio!,
    });
  }
  for (const curve of curves.values()) {
    curve.points.sort((a, b) => a.capacity - b.capacity);
  }
  return [...curves.values()];
}

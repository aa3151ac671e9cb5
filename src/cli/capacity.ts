import { BadOptionError } from '../errors.js';
import type { Capacity } from '../sim/cache.js';

/** A `--cache-size` item before the trace is known. */
export type CapacitySpec =
  | Capacity
  | { readonly unit: 'fraction'; readonly fraction: number };

const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
};

/**
 * Parses one `--cache-size` item: a whole number of objects (`1000`), a byte
 * size with a unit (`64MiB`, `500KB`, `4096B`), or a fraction in (0, 1) of
 * the trace's distinct keys (`0.1`).
 */
export function parseCapacity(text: string): CapacitySpec {
  const trimmed = text.trim();
  const bytes = /^([0-9]+(?:\.[0-9]+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/.exec(trimmed);
  if (bytes !== null) {
    const value = Math.floor(Number(bytes[1]) * BYTE_UNITS[bytes[2]]);
    if (value >= 1) return { unit: 'bytes', bytes: value };
  }
  if (/^[1-9][0-9]*$/.test(trimmed)) {
    return { unit: 'objects', objects: Number(trimmed) };
  }
  if (/^0?\.[0-9]+$/.test(trimmed) && Number(trimmed) > 0) {
    return { unit: 'fraction', fraction: Number(trimmed) };
  }
  throw new BadOptionError(
    `--cache-size: "${text}" is not a capacity; give a whole number of objects (1000), bytes with a unit (64MiB, 500KB) or a fraction of the distinct keys (0.1)`,
  );
}

/** Turns a fraction of the distinct keys into an object count (at least 1). */
export function resolveCapacity(spec: CapacitySpec, distinctKeys: number): Capacity {
  if (spec.unit !== 'fraction') return spec;
  return { unit: 'objects', objects: Math.max(1, Math.round(spec.fraction * distinctKeys)) };
}

/**
 * Number formats shared by the markdown, the stdout table and the verdict
 * sentences. Fixed decimals keep reports comparable line by line.
 */

/** Text for a value that has no definition here (a ratio over 0). */
export const NOT_APPLICABLE = 'n/a';

/** `0.1446`; n/a for null. */
export function fixed(value: number | null, digits: number): string {
  return value === null ? NOT_APPLICABLE : value.toFixed(digits);
}

/** `+3.34`, `-0.20`, `0.00`; n/a for null. */
export function signed(value: number | null, digits: number): string {
  if (value === null) return NOT_APPLICABLE;
  const text = value.toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return value > 0 ? `+${text}` : text;
}

/** `10,000` for whole numbers; other values keep their decimals. */
export function grouped(value: number): string {
  const [whole, fraction] = String(value).split('.');
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? withCommas : `${withCommas}.${fraction}`;
}

/** Formats a limit as the user would type it: `1.3`, `0.5`, `1`. */
export function compact(value: number): string {
  return String(Number(value.toFixed(4)));
}

/**
 * Formats a duration given in milliseconds in the unit that keeps it
 * readable: `1.2 s`, `3.40 ms`, `1.08 µs`, or n/a for null.
 */
export function duration(ms: number | null): string {
  if (ms === null) return NOT_APPLICABLE;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(2)} µs`;
}

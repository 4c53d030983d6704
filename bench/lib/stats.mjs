/**
 * @module stats
 * Small statistics helpers for the benchmark: percentiles over latency samples, medians over
 * rounds, and ratios that stay null when an input is missing.
 */

/** The p-th percentile (0–100) of `sorted` (ascending), nearest-rank; null when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Median of the non-null numbers in `values`; null when there are none. */
export function median(values) {
  const numbers = values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (numbers.length === 0) return null;
  const mid = Math.floor(numbers.length / 2);
  return numbers.length % 2 === 1 ? numbers[mid] : (numbers[mid - 1] + numbers[mid]) / 2;
}

/** a / b, or null when either is missing or b is zero. */
export function ratio(a, b) {
  if (typeof a !== "number" || typeof b !== "number" || b === 0) return null;
  return a / b;
}

/** Rounds to `digits` decimals (null stays null) so JSON results stay readable. */
export function round(value, digits = 2) {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

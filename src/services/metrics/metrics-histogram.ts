/**
 * Fixed log-scale histogram of durations, so medians and p90 over any range come from summed bucket rows instead
 * of raw samples. Bin 0 holds [0, 10 s); bins 1..62 split [10 s, 30 days) into equal ratios; bin 63 holds
 * 30 days and more. Because the edges are fixed, histograms of any hours, teams or agents add bin by bin.
 */
export const HIST_BINS = 64;
export const HIST_MIN_MS = 10_000;
export const HIST_MAX_MS = 30 * 24 * 3600 * 1000;
const INNER = HIST_BINS - 2;
/** Ratio between the upper and lower edge of one inner bin: (30 d / 10 s)^(1/62) ≈ 1.2227. */
export const HIST_RATIO = (HIST_MAX_MS / HIST_MIN_MS) ** (1 / INNER);
/**
 * The estimate of a value in an inner bin is the bin's geometric midpoint, so it is within a factor
 * sqrt(HIST_RATIO) ≈ 1.1057 of the true value: at most +10.6 % / -9.6 %. Below 10 s the estimate is 5 s (±5 s).
 */
export const HIST_MAX_RELATIVE_ERROR = Math.sqrt(HIST_RATIO) - 1;

export type Histogram = Record<number, number>;

export function binOf(ms: number): number {
  if (!(ms >= HIST_MIN_MS)) return 0;
  if (ms >= HIST_MAX_MS) return HIST_BINS - 1;
  return Math.min(INNER, 1 + Math.floor(Math.log(ms / HIST_MIN_MS) / Math.log(HIST_RATIO)));
}

/** The value a bin stands for when a percentile falls in it. */
export function binEstimate(bin: number): number {
  if (bin <= 0) return HIST_MIN_MS / 2;
  if (bin >= HIST_BINS - 1) return HIST_MAX_MS;
  return HIST_MIN_MS * HIST_RATIO ** (bin - 0.5);
}

export function addHistogram(into: Histogram, from: Histogram): Histogram {
  for (const [bin, n] of Object.entries(from)) into[Number(bin)] = (into[Number(bin)] ?? 0) + n;
  return into;
}

/**
 * Nearest-rank percentile (p in 0..100): the smallest value with at least p % of the samples at or below it,
 * i.e. the ceil(p/100 · n)-th smallest (1-based). Null when there are no samples.
 */
export function histogramPercentile(h: Histogram, p: number): number | null {
  const bins = Object.keys(h).map(Number).filter((b) => (h[b] ?? 0) > 0).sort((a, b) => a - b);
  const total = bins.reduce((s, b) => s + h[b]!, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const b of bins) {
    seen += h[b]!;
    if (seen >= rank) return binEstimate(b);
  }
  return binEstimate(bins[bins.length - 1]!);
}

/** The same nearest-rank rule over exact samples (used by the CSV-side checks and the tests' arithmetic). */
export function exactPercentile(samples: number[], p: number): number | null {
  if (!samples.length) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

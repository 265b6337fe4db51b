/** Order statistics for bench samples. Pure; shared by the workers, the page and the Node driver. */

/** The q-quantile (0..1) of `samples` by nearest rank; NaN for no samples. */
export function quantile(samples: ArrayLike<number>, q: number): number {
  const n = samples.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  return sorted[rank]!;
}

export const median = (samples: ArrayLike<number>): number => quantile(samples, 0.5);
export const p99 = (samples: ArrayLike<number>): number => quantile(samples, 0.99);

export function mean(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]!;
  return samples.length ? sum / samples.length : Number.NaN;
}

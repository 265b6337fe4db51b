/** Formatting for people: sizes, dates, durations, ages. Pure. */

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** "0.2 s ago", "12 s ago", "3 min ago" — for the durability indicator. */
export function formatAge(ms: number): string {
  const age = Math.max(0, ms);
  if (age < 10_000) return `${(age / 1000).toFixed(1)} s ago`;
  if (age < 60_000) return `${Math.round(age / 1000)} s ago`;
  return `${Math.round(age / 60_000)} min ago`;
}

export function formatDateTime(unixMs: number, locale?: string): string {
  return new Date(unixMs).toLocaleString(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

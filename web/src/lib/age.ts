import type { SnapshotUnit } from '../types';

export type Lang = 'nl' | 'en';

/** Age of a report in whole seconds at `nowMs` (server clock), or null when never reported. */
export function ageSeconds(asOf: string | null | undefined, nowMs: number): number | null {
  if (!asOf) return null;
  const t = Date.parse(asOf);
  if (Number.isNaN(t)) return null;
  return Math.max(0, Math.floor((nowMs - t) / 1000));
}

/**
 * Short, dense age text for tables: "45 s", "3 min", "2 u 05 min" (nl) / "2 h 05 min" (en), "3 d 4 u".
 * Null means "no report" and renders as an em dash.
 */
export function formatAge(seconds: number | null | undefined, lang: Lang = 'nl'): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  const h = lang === 'nl' ? 'u' : 'h';
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) {
    const hours = Math.floor(s / 3600);
    const mins = Math.floor((s % 3600) / 60);
    return `${hours} ${h} ${String(mins).padStart(2, '0')} min`;
  }
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  return hours ? `${days} d ${hours} ${h}` : `${days} d`;
}

/**
 * The server's staleness rule (core/stale.h IsStale): stale when never reported, or when the report's
 * as_of is more than twice the expected update interval before `nowMs`, counted in milliseconds.
 * The shared case table tests/cases/capacity_rules.json holds both to the same answers.
 */
export function isStaleAt(asOf: string | null | undefined, expectedIntervalS: number, nowMs: number): boolean {
  if (!asOf) return true;
  const t = Date.parse(asOf);
  if (Number.isNaN(t)) return true;
  return nowMs - t > 2 * expectedIntervalS * 1000;
}

/**
 * A unit is stale when the server said so, or by the server's rule (isStaleAt) applied live, so a row
 * turns stale while the page is open.
 */
export function isStale(row: Pick<SnapshotUnit, 'as_of' | 'stale' | 'expected_interval_s'>, nowMs: number): boolean {
  return row.stale || isStaleAt(row.as_of, row.expected_interval_s, nowMs);
}

/** Offset to add to the browser clock to get the server clock, from a response's generated_at. */
export function clockOffset(generatedAt: string | null | undefined, receivedAtMs: number): number {
  if (!generatedAt) return 0;
  const t = Date.parse(generatedAt);
  if (Number.isNaN(t)) return 0;
  const off = t - receivedAtMs;
  // Ignore sub-second noise; only correct real clock skew.
  return Math.abs(off) < 2000 ? 0 : off;
}

export function formatClock(ms: number, lang: Lang = 'nl'): string {
  return new Date(ms).toLocaleTimeString(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

export function formatDateTime(iso: string | null | undefined, lang: Lang = 'nl'): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  return new Date(t).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

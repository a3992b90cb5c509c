import type { EdStatus, SnapshotUnit } from '../types';

/** Map/legend classes: every colour also has a text label (see i18n 'status.*'). */
export type MarkerStatus = 'ok' | 'threatened' | 'closed' | 'stale';

export const STATUS_COLOURS: Record<MarkerStatus, string> = {
  ok: '#1a7f37',
  threatened: '#c77700',
  closed: '#c62828',
  stale: '#7a7f87',
};

export const ED_COLOURS: Record<EdStatus, string> = {
  open: STATUS_COLOURS.ok,
  threatened: STATUS_COLOURS.threatened,
  closed: STATUS_COLOURS.closed,
};

/**
 * Status of one location from its (filtered) units:
 * stale when no unit there has current data; otherwise the worst ED status (closed > threatened);
 * otherwise closed ("full") when no bed is free in any unit with beds, else ok.
 */
export function locationStatus(units: SnapshotUnit[], stale: (u: SnapshotUnit) => boolean): MarkerStatus {
  const fresh = units.filter((u) => !stale(u));
  if (fresh.length === 0) return 'stale';
  const eds = fresh.filter((u) => u.ed).map((u) => u.ed!.status);
  if (eds.includes('closed')) return 'closed';
  if (eds.includes('threatened')) return 'threatened';
  const withBeds = fresh.filter((u) => u.beds);
  if (withBeds.length > 0 && withBeds.every((u) => u.beds!.available === 0)) return 'closed';
  return 'ok';
}

/** Groups snapshot rows by position (one marker per location). */
export function groupByLocation(units: SnapshotUnit[]): { key: string; lat: number; lon: number; units: SnapshotUnit[] }[] {
  const m = new Map<string, { key: string; lat: number; lon: number; units: SnapshotUnit[] }>();
  for (const u of units) {
    if (!u.location) continue;
    const key = `${u.location.lat.toFixed(5)},${u.location.lon.toFixed(5)}`;
    let g = m.get(key);
    if (!g) m.set(key, (g = { key, lat: u.location.lat, lon: u.location.lon, units: [] }));
    g.units.push(u);
  }
  return [...m.values()];
}

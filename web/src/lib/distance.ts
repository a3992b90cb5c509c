import type { SnapshotUnit } from '../types';

export interface LatLon { lat: number; lon: number }

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in kilometres (haversine). */
export function haversineKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface BedQuery {
  n: number;
  type: string;
  specialism?: string | null;
  origin: LatLon;
  /** Leave out units whose data is stale (caller decides staleness, e.g. with isStale). */
  excludeStale?: boolean;
  isStale?: (u: SnapshotUnit) => boolean;
}

export interface BedHit { unit: SnapshotUnit; distanceKm: number; available: number; cumulative: number; stale: boolean }
export interface BedResult { hits: BedHit[]; found: number; enough: boolean; candidates: number }

/**
 * "Find N free beds of type X near place Y": units of the type (and specialism) with at least one
 * available bed, nearest first (ties: more beds first, then name), taken until the cumulative
 * number of available beds reaches N.
 */
export function findBeds(units: SnapshotUnit[], q: BedQuery): BedResult {
  const stale = q.isStale ?? ((u: SnapshotUnit) => u.stale);
  const candidates = units
    .filter((u) => u.type === q.type)
    .filter((u) => !q.specialism || u.specialism === q.specialism)
    .filter((u) => u.beds != null && u.beds.available >= 1 && u.location != null)
    .filter((u) => !(q.excludeStale && stale(u)))
    .map((u) => ({ unit: u, distanceKm: haversineKm(q.origin, u.location as LatLon), available: u.beds!.available }))
    .sort((a, b) => a.distanceKm - b.distanceKm || b.available - a.available || a.unit.name.localeCompare(b.unit.name));
  const hits: BedHit[] = [];
  let cumulative = 0;
  const need = Math.max(1, Math.floor(q.n));
  for (const c of candidates) {
    if (cumulative >= need) break;
    cumulative += c.available;
    hits.push({ ...c, cumulative, stale: stale(c.unit) });
  }
  return { hits, found: cumulative, enough: cumulative >= need, candidates: candidates.length };
}

import type { Location, Organization } from '../types';

export interface Place { key: string; label: string; lat: number; lon: number; kind: 'location' | 'city' }

/**
 * Places to search from: every organisation location, and every town of the region
 * (its position is the mean of the locations there).
 */
export function buildPlaces(locations: Location[], organizations: Organization[]): { locations: Place[]; cities: Place[] } {
  const orgName = new Map(organizations.map((o) => [o.id, o.name]));
  const locs: Place[] = locations
    .filter((l) => Number.isFinite(l.lat) && Number.isFinite(l.lon))
    .map((l) => {
      const org = orgName.get(l.organization_id) ?? '';
      const name = l.name && l.name !== org ? `${org} – ${l.name}` : org || l.name;
      return { key: `loc:${l.id}`, label: l.city ? `${name} (${l.city})` : name, lat: l.lat, lon: l.lon, kind: 'location' as const };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
  const byCity = new Map<string, { lat: number; lon: number; n: number }>();
  for (const l of locations) {
    if (!l.city || !Number.isFinite(l.lat) || !Number.isFinite(l.lon)) continue;
    const c = byCity.get(l.city) ?? { lat: 0, lon: 0, n: 0 };
    c.lat += l.lat; c.lon += l.lon; c.n += 1;
    byCity.set(l.city, c);
  }
  const cities: Place[] = [...byCity.entries()]
    .map(([city, c]) => ({ key: `city:${city}`, label: city, lat: c.lat / c.n, lon: c.lon / c.n, kind: 'city' as const }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return { locations: locs, cities };
}

import { describe, expect, it } from 'vitest';
import { findBeds, haversineKm } from '../src/lib/distance';
import { buildPlaces } from '../src/lib/places';
import { unit } from './fixtures';

const rotterdam = { lat: 51.9225, lon: 4.47917 };
const dordrecht = { lat: 51.8133, lon: 4.6901 };
const middelburg = { lat: 51.4988, lon: 3.6109 };

describe('haversineKm', () => {
  it('is zero for the same point and symmetric', () => {
    expect(haversineKm(rotterdam, rotterdam)).toBe(0);
    expect(haversineKm(rotterdam, dordrecht)).toBeCloseTo(haversineKm(dordrecht, rotterdam), 9);
  });
  it('matches known distances', () => {
    expect(haversineKm(rotterdam, dordrecht)).toBeGreaterThan(18);
    expect(haversineKm(rotterdam, dordrecht)).toBeLessThan(19);
    // Amsterdam–Paris ≈ 430 km great-circle
    expect(haversineKm({ lat: 52.3676, lon: 4.9041 }, { lat: 48.8566, lon: 2.3522 })).toBeCloseTo(430, -1);
  });
});

describe('findBeds', () => {
  const near = unit({ name: 'Near', location: rotterdam, beds: { total: 10, staffed: 10, occupied: 8, available: 2 } });
  const mid = unit({ name: 'Mid', location: dordrecht, beds: { total: 10, staffed: 10, occupied: 7, available: 3 } });
  const far = unit({ name: 'Far', location: middelburg, beds: { total: 10, staffed: 10, occupied: 5, available: 5 } });
  const full = unit({ name: 'Full', location: rotterdam, beds: { total: 10, staffed: 10, occupied: 10, available: 0 } });
  const otherType = unit({ name: 'Ward', type: 'ward', specialism: 'cardiologie', location: rotterdam });
  const noBeds = unit({ name: 'NoData', location: rotterdam, beds: null, as_of: null, stale: true });
  const all = [far, full, mid, otherType, near, noBeds];

  it('sorts by distance and stops once N is reached cumulatively', () => {
    const r = findBeds(all, { n: 4, type: 'ic', origin: rotterdam });
    expect(r.hits.map((h) => h.unit.name)).toEqual(['Near', 'Mid']);
    expect(r.hits.map((h) => h.cumulative)).toEqual([2, 5]);
    expect(r.enough).toBe(true);
    expect(r.found).toBe(5);
  });
  it('only counts units with at least one free bed', () => {
    const r = findBeds(all, { n: 100, type: 'ic', origin: rotterdam });
    expect(r.hits.map((h) => h.unit.name)).toEqual(['Near', 'Mid', 'Far']);
    expect(r.enough).toBe(false);
    expect(r.found).toBe(10);
  });
  it('searches from another place', () => {
    expect(findBeds(all, { n: 1, type: 'ic', origin: middelburg }).hits.map((h) => h.unit.name)).toEqual(['Far']);
  });
  it('filters by type and specialism', () => {
    expect(findBeds(all, { n: 1, type: 'ward', specialism: 'cardiologie', origin: rotterdam }).hits).toHaveLength(1);
    expect(findBeds(all, { n: 1, type: 'ward', specialism: 'neurologie', origin: rotterdam }).hits).toHaveLength(0);
  });
  it('can leave out stale units, and marks them otherwise', () => {
    const staleNear = unit({ name: 'StaleNear', location: rotterdam, stale: true });
    const withStale = findBeds([staleNear, mid], { n: 1, type: 'ic', origin: rotterdam });
    expect(withStale.hits[0].unit.name).toBe('StaleNear');
    expect(withStale.hits[0].stale).toBe(true);
    expect(findBeds([staleNear, mid], { n: 1, type: 'ic', origin: rotterdam, excludeStale: true }).hits[0].unit.name).toBe('Mid');
  });
});

describe('buildPlaces', () => {
  it('lists organisation locations and towns (mean position)', () => {
    const p = buildPlaces([
      { id: 'l1', organization_id: 'o1', name: 'Hoofdlocatie', city: 'Rotterdam', lat: 51.9, lon: 4.4 },
      { id: 'l2', organization_id: 'o2', name: 'Zuid', city: 'Rotterdam', lat: 51.8, lon: 4.6 },
      { id: 'l3', organization_id: 'o2', name: 'Dordt', city: 'Dordrecht', lat: 51.81, lon: 4.69 },
    ], [{ id: 'o1', name: 'Erasmus MC', type: 'hospital', subregion_id: 'rr' }, { id: 'o2', name: 'Maasstad', type: 'hospital', subregion_id: 'rr' }]);
    expect(p.cities.map((c) => c.label)).toEqual(['Dordrecht', 'Rotterdam']);
    expect(p.cities[1].lat).toBeCloseTo(51.85, 6);
    expect(p.cities[1].lon).toBeCloseTo(4.5, 6);
    expect(p.locations.map((l) => l.label)).toContain('Erasmus MC – Hoofdlocatie (Rotterdam)');
  });
});

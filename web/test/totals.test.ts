import { describe, expect, it } from 'vitest';
import { computeTotals, occupancyPct, sumTotals } from '../src/lib/totals';
import { applyFilters, NO_FILTERS, specialisms } from '../src/lib/filters';
import { groupByLocation, locationStatus } from '../src/lib/status';
import { canEditUnit } from '../src/lib/units';
import { parseRoute, href } from '../src/router';
import { unit } from './fixtures';

const rows = [
  unit({ subregion: 'rr', type: 'ic', beds: { total: 10, staffed: 8, occupied: 6, available: 2 } }),
  unit({ subregion: 'rr', type: 'ic', beds: { total: 12, staffed: 12, occupied: 12, available: 0 } }),
  unit({ subregion: 'zl', type: 'ic', beds: { total: 6, staffed: 6, occupied: 3, available: 3 } }),
  unit({ subregion: 'zl', type: 'hap', beds: null, ed: { status: 'open', waiting: 3, in_treatment: 1, boarding: 0, crowding: 20 } }),
  unit({ subregion: 'zl', type: 'ward', specialism: 'cardiologie', beds: null, as_of: null, stale: true }),
];

describe('computeTotals', () => {
  it('sums beds per type and per subregion in the server shape', () => {
    const t = computeTotals(rows);
    expect(t.by_type.ic).toEqual({ units: 3, total: 28, staffed: 26, occupied: 21, available: 5 });
    expect(t.by_subregion.rr.ic).toEqual({ units: 2, total: 22, staffed: 20, occupied: 18, available: 2 });
    expect(t.by_subregion.zl.ic).toEqual({ units: 1, total: 6, staffed: 6, occupied: 3, available: 3 });
  });
  it('counts units without beds but adds no beds for them', () => {
    const t = computeTotals(rows);
    expect(t.by_type.hap).toEqual({ units: 1, total: 0, staffed: 0, occupied: 0, available: 0 });
    expect(t.by_type.ward.units).toBe(1);
  });
  it('is empty for no units, and sums lists', () => {
    expect(computeTotals([])).toEqual({ by_type: {}, by_subregion: {} });
    const t = computeTotals(rows);
    expect(sumTotals([t.by_subregion.rr.ic, t.by_subregion.zl.ic])).toEqual(t.by_type.ic);
  });
  it('computes occupancy of staffed beds', () => {
    expect(occupancyPct({ staffed: 8, occupied: 6 })).toBe(75);
    expect(occupancyPct({ staffed: 0, occupied: 0 })).toBe(0);
  });
});

describe('applyFilters', () => {
  const now = Date.parse('2025-01-01T12:01:00Z');
  it('filters by subregion, type, specialism, free beds and stale', () => {
    expect(applyFilters(rows, NO_FILTERS, now)).toHaveLength(5);
    expect(applyFilters(rows, { ...NO_FILTERS, subregion: 'zl' }, now)).toHaveLength(3);
    expect(applyFilters(rows, { ...NO_FILTERS, type: 'ic' }, now)).toHaveLength(3);
    expect(applyFilters(rows, { ...NO_FILTERS, specialism: 'cardiologie' }, now)).toHaveLength(1);
    expect(applyFilters(rows, { ...NO_FILTERS, onlyFree: true }, now)).toHaveLength(2);
    expect(applyFilters(rows, { ...NO_FILTERS, onlyStale: true }, now)).toHaveLength(1);
  });
  it('searches names without regard to case or accents', () => {
    const r = [unit({ organization_name: 'Ziekenhuis Rivierenland', name: 'IC' }), unit({ organization_name: 'Adrz', name: 'Eerste Hulp Ée' })];
    expect(applyFilters(r, { ...NO_FILTERS, q: 'rivieren' }, now)).toHaveLength(1);
    expect(applyFilters(r, { ...NO_FILTERS, q: 'hulp ee' }, now)).toHaveLength(1);
  });
  it('lists specialisms present', () => {
    expect(specialisms(rows)).toEqual(['cardiologie']);
  });
});

describe('locationStatus', () => {
  const stale = (u: { stale: boolean }) => u.stale;
  it('is the worst fresh ED status, else full/ok by free beds, else stale', () => {
    const ed = (status: 'open' | 'threatened' | 'closed') => unit({ type: 'seh', ed: { status, waiting: 0, in_treatment: 0, boarding: 0, crowding: 0 } });
    expect(locationStatus([ed('open'), ed('threatened')], stale)).toBe('threatened');
    expect(locationStatus([ed('open'), ed('closed')], stale)).toBe('closed');
    expect(locationStatus([unit()], stale)).toBe('ok');
    expect(locationStatus([unit({ beds: { total: 1, staffed: 1, occupied: 1, available: 0 } })], stale)).toBe('closed');
    expect(locationStatus([unit({ stale: true })], stale)).toBe('stale');
  });
  it('groups rows by location', () => {
    const g = groupByLocation([unit({ location: { lat: 1, lon: 2 } }), unit({ location: { lat: 1, lon: 2 } }), unit({ location: null })]);
    expect(g).toHaveLength(1);
    expect(g[0].units).toHaveLength(2);
  });
});

describe('canEditUnit', () => {
  const u = { organization_id: 'org-a' };
  it('lets managers edit their own organisation, coordinators their region and admins all', () => {
    expect(canEditUnit({ role: 'org-capacity-manager', organization_id: 'org-a', region_id: 'R' }, u, 'R')).toBe(true);
    expect(canEditUnit({ role: 'org-capacity-manager', organization_id: 'org-b', region_id: 'R' }, u, 'R')).toBe(false);
    expect(canEditUnit({ role: 'roaz-coordinator', organization_id: null, region_id: 'R' }, u, 'R')).toBe(true);
    expect(canEditUnit({ role: 'admin', organization_id: null, region_id: null }, u, 'R')).toBe(true);
    expect(canEditUnit({ role: 'org-user', organization_id: 'org-a', region_id: 'R' }, u, 'R')).toBe(false);
    expect(canEditUnit({ role: 'viewer', organization_id: null, region_id: 'R' }, u, 'R')).toBe(false);
    expect(canEditUnit(null, u, 'R')).toBe(false);
  });
  it('keeps coordinators and managers to their own region, as the server does', () => {
    expect(canEditUnit({ role: 'roaz-coordinator', organization_id: null, region_id: 'R' }, u, 'S')).toBe(false);
    expect(canEditUnit({ role: 'org-capacity-manager', organization_id: 'org-a', region_id: 'R' }, u, 'S')).toBe(false);
    expect(canEditUnit({ role: 'roaz-coordinator', organization_id: null }, u, 'R')).toBe(false);
  });
});

describe('routes', () => {
  it('round-trips hash routes', () => {
    for (const r of [{ name: 'overview' }, { name: 'map' }, { name: 'beds' }, { name: 'wall' }, { name: 'unit', id: 'zwn/emc ic' }, { name: 'entry', id: 'x' }, { name: 'entry' }] as const) {
      expect(parseRoute(href(r as never))).toEqual(r);
    }
    expect(parseRoute('')).toEqual({ name: 'overview' });
    expect(parseRoute('#/wand')).toEqual({ name: 'wall' });
  });
});

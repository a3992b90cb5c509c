// The placement KPI page's data handling (src/lib/placementKpis.ts): the query and file name, labels of groups and
// of decline reasons, the stacked bars per group, provider rows by name, days as text, the acceptance rate, the
// check that states add up, and the route of the page.
import { describe, expect, it } from 'vitest';
import {
  acceptanceRate, declineRows, formatDays, placementCsvFileName, placementGroupLabel, placementKpiQuery, providerRows,
  stackedBars, statesAddUp, stillOpen, type PlacementKpiFigures,
} from '../src/lib/placementKpis';
import { translate } from '../src/i18n';
import { href, parseRoute } from '../src/router';

function figures(over: Partial<PlacementKpiFigures> = {}): PlacementKpiFigures {
  return {
    placements: 0, waiting: 0, offered: 0, placed: 0, cancelled: 0,
    time_to_placement: { count: 0, median_seconds: null, p90_seconds: null },
    wrong_bed_days: { count: 0, total: 0, median: null, p90: null },
    offers: { made: 0, open: 0, accepted: 0, declined: 0, withdrawn: 0, expired: 0 },
    declines_by_reason: {}, time_to_answer: { count: 0, median_seconds: null, p90_seconds: null }, providers: [], ...over,
  };
}
const nl = (k: string, p?: Record<string, string | number>) => translate('nl', k, p);
const en = (k: string, p?: Record<string, string | number>) => translate('en', k, p);

describe('query and file', () => {
  it('names region, period and grouping', () => {
    expect(placementKpiQuery('ZWN', '2026-11-30T00:00:00Z', '2026-12-07T00:00:00Z', 'care-type'))
      .toBe('?region=ZWN&from=2026-11-30T00%3A00%3A00Z&to=2026-12-07T00%3A00%3A00Z&by=care-type');
    expect(placementKpiQuery('ZWN', 'a', 'b', '')).toBe('?region=ZWN&from=a&to=b');
    expect(placementCsvFileName('ZWN', '2026-11-30T00:00:00Z', '2026-12-07T00:00:00Z', 'week')).toBe('placement-kpis-ZWN-2026-11-30-2026-12-07-week.csv');
    expect(placementCsvFileName('a/b', '2026-11-30T00:00:00Z', '2026-12-07T00:00:00Z', '')).toBe('placement-kpis-a_b-2026-11-30-2026-12-07.csv');
  });
});

describe('labels', () => {
  it('name care types in Dutch and English, days and weeks as on the worklist KPIs', () => {
    expect(placementGroupLabel('elv-high', 'care-type', nl, 'nl')).toBe('ELV hoogcomplex');
    expect(placementGroupLabel('vvt-crisis', 'care-type', nl, 'nl')).toBe('VVT-crisisbed');
    expect(placementGroupLabel('elv-high', 'care-type', en, 'en')).toBe(translate('en', 'pl.care.elv-high'));
    expect(placementGroupLabel('unknown-type', 'care-type', nl, 'nl')).toBe('unknown-type');
    expect(placementGroupLabel('2026-W49', 'week', nl, 'nl')).toBe('week 49 (2026)');
    expect(placementGroupLabel('2026-12-01', 'day', nl, 'nl')).toMatch(/1.*dec/);
  });
  it('name the decline reasons shortly, in the server\'s order, 0 for a missing one', () => {
    const rows = declineRows(figures({ declines_by_reason: { 'no-bed': 4, 'patient-choice': 1 } }));
    expect(rows.map((r) => [nl(r.key), r.value])).toEqual([
      ['geen bed', 4], ['zorg te complex', 0], ['voldoet niet aan criteria', 0], ['keuze patiënt', 1], ['anders', 0],
    ]);
    expect(rows.map((r) => en(r.key))).toEqual(['no bed', 'care too complex', 'criteria not met', 'patient choice', 'other']);
  });
});

describe('stacked bars', () => {
  it('stack placed, offered, waiting, cancelled, scaled to the largest group, leaving out parts of 0', () => {
    const bars = stackedBars([
      { key: 'a', figures: figures({ placements: 4, placed: 2, waiting: 1, cancelled: 1 }) },
      { key: 'b', figures: figures({ placements: 8, placed: 2, offered: 2, waiting: 4 }) },
      { key: 'c', figures: figures() },
    ]);
    expect(bars[0]).toEqual({ key: 'a', total: 4, parts: [
      { state: 'placed', value: 2, start: 0, fraction: 0.25 },
      { state: 'waiting', value: 1, start: 0.25, fraction: 0.125 },
      { state: 'cancelled', value: 1, start: 0.375, fraction: 0.125 },
    ] });
    expect(bars[1].parts.map((p) => [p.state, p.start, p.fraction])).toEqual([['placed', 0, 0.25], ['offered', 0.25, 0.25], ['waiting', 0.5, 0.5]]);
    expect(bars[2]).toEqual({ key: 'c', total: 0, parts: [] });
    expect(stackedBars([])).toEqual([]);
  });
});

describe('providers and figures', () => {
  it('list providers by name from the region data, the id without one', () => {
    const f = figures({ providers: [
      { organization_id: 'laurens', offers: 5, accepted: 2, declined: 3, expired: 0, placed: 1, acceptance_rate: 0.4 },
      { organization_id: 'aafje', offers: 1, accepted: 0, declined: 0, expired: 0, placed: 0, acceptance_rate: null },
      { organization_id: 'zz-unknown', offers: 1, accepted: 1, declined: 0, expired: 1, placed: 0, acceptance_rate: 1 },
    ] });
    const rows = providerRows(f, new Map([['laurens', 'Laurens'], ['aafje', 'Aafje']]));
    expect(rows.map((r) => [r.organization_id, r.name])).toEqual([['aafje', 'Aafje'], ['laurens', 'Laurens'], ['zz-unknown', 'zz-unknown']]);
    expect(rows[1]).toMatchObject({ offers: 5, accepted: 2, declined: 3, acceptance_rate: 0.4 });
  });
  it('write days with one decimal, Dutch with a comma', () => {
    expect(formatDays(31.5, 'nl')).toBe('31,5 d');
    expect(formatDays(2, 'nl')).toBe('2,0 d');
    expect(formatDays(5.25, 'en')).toBe('5.3 d');
    expect(formatDays(null, 'nl')).toBe('—');
  });
  it('count the acceptance of answered offers only, and the open placements', () => {
    expect(acceptanceRate({ accepted: 7, declined: 9 })).toBe(7 / 16);
    expect(acceptanceRate({ accepted: 0, declined: 0 })).toBeNull();
    expect(stillOpen(figures({ waiting: 3, offered: 2 }))).toBe(5);
  });
  it('check that every placement is in one state', () => {
    expect(statesAddUp(figures({ placements: 12, waiting: 3, offered: 2, placed: 6, cancelled: 1 }))).toBe(true);
    expect(statesAddUp(figures({ placements: 12, waiting: 3, offered: 2, placed: 6 }))).toBe(false);
  });
});

describe('route', () => {
  it('lives at #/kpi/plaatsingen beside the worklist KPIs, also as #/kengetallen/plaatsingen', () => {
    expect(parseRoute('#/kpi/plaatsingen')).toEqual({ name: 'kpi', part: 'placements' });
    expect(parseRoute('#/kengetallen/plaatsingen')).toEqual({ name: 'kpi', part: 'placements' });
    expect(parseRoute('#/kengetallen')).toEqual({ name: 'kpi' });
    expect(parseRoute('#/kpi')).toEqual({ name: 'kpi' });
    expect(href({ name: 'kpi', part: 'placements' })).toBe('#/kpi/plaatsingen');
    expect(href({ name: 'kpi' })).toBe('#/kpi');
  });
});

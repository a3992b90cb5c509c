// The KPI page's data handling (src/lib/kpis.ts): the period picker, the query and file name, labels of groups,
// durations and rates as text, partner rows, bar scales, who may see the page, and the route.
import { describe, expect, it } from 'vitest';
import {
  bars, canReadKpis, csvFileName, formatDuration, formatRate, groupLabel, handoverTotals, kpiQuery, partnerRows, periodOf,
  share, type KpiFigures,
} from '../src/lib/kpis';
import { translate } from '../src/i18n';
import { href, parseRoute } from '../src/router';

const NOW = Date.parse('2026-03-29T12:00:00Z');

function figures(over: Partial<KpiFigures> = {}): KpiFigures {
  return {
    requests: 0, open: 0, closed: 0, action_needed: 0, outcomes: {}, requests_by_partner: [], requests_without_partner: 0,
    time_to_triage: { count: 0, median_seconds: null, p90_seconds: null },
    time_to_handover: { count: 0, median_seconds: null, p90_seconds: null },
    handovers_by_partner: [], pathway: { followed: 0, deviated: 0, none: 0 }, ...over,
  };
}

describe('period', () => {
  it('ends now for the fixed choices', () => {
    expect(periodOf('24h', NOW)).toEqual({ ok: true, from: '2026-03-28T12:00:00Z', to: '2026-03-29T12:00:00Z' });
    expect(periodOf('7d', NOW)).toEqual({ ok: true, from: '2026-03-22T12:00:00Z', to: '2026-03-29T12:00:00Z' });
    expect(periodOf('30d', NOW)).toEqual({ ok: true, from: '2026-02-27T12:00:00Z', to: '2026-03-29T12:00:00Z' });
  });
  it('checks a custom period as the server does', () => {
    const ok = periodOf('custom', NOW, { from: '2026-03-01T00:00Z', to: '2026-03-02T00:00Z' });
    expect(ok).toEqual({ ok: true, from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' });
    const cases: [{ from: string; to: string }, { field: string; key: string }[]][] = [
      [{ from: '', to: '' }, [{ field: 'from', key: 'kpi.err.from' }, { field: 'to', key: 'kpi.err.to' }]],
      [{ from: 'nonsense', to: '2026-03-02T00:00Z' }, [{ field: 'from', key: 'kpi.err.from' }]],
      [{ from: '2026-03-02T00:00Z', to: '2026-03-02T00:00Z' }, [{ field: 'from', key: 'kpi.err.order' }]],
      [{ from: '2026-03-03T00:00Z', to: '2026-03-02T00:00Z' }, [{ field: 'from', key: 'kpi.err.order' }]],
      [{ from: '2025-01-01T00:00Z', to: '2026-01-02T00:00Z' }, []], // 366 days
      [{ from: '2025-01-01T00:00Z', to: '2026-01-02T00:01Z' }, [{ field: 'from', key: 'kpi.err.span' }]],
    ];
    for (const [input, errors] of cases) {
      const r = periodOf('custom', NOW, input);
      expect([input, r.ok ? [] : r.errors]).toEqual([input, errors]);
    }
  });
});

describe('query and file', () => {
  it('names region, period and grouping', () => {
    expect(kpiQuery('ZWN', '2026-03-22T12:00:00Z', '2026-03-29T12:00:00Z', 'day'))
      .toBe('?region=ZWN&from=2026-03-22T12%3A00%3A00Z&to=2026-03-29T12%3A00%3A00Z&by=day');
    expect(kpiQuery('ZWN', 'a', 'b', '')).toBe('?region=ZWN&from=a&to=b');
    expect(csvFileName('ZWN', '2026-03-22T12:00:00Z', '2026-03-29T12:00:00Z', 'week')).toBe('kpis-ZWN-2026-03-22-2026-03-29-week.csv');
    expect(csvFileName('a/b c', '2026-03-22T12:00:00Z', '2026-03-29T12:00:00Z', '')).toBe('kpis-a_b_c-2026-03-22-2026-03-29.csv');
  });
});

describe('labels', () => {
  const nl = (k: string, p?: Record<string, string | number>) => translate('nl', k, p);
  const en = (k: string, p?: Record<string, string | number>) => translate('en', k, p);
  it('name days, weeks, channels, subregions and the empty key', () => {
    expect(groupLabel('2026-03-29', 'day', nl, 'nl')).toMatch(/29.*mrt/);
    expect(groupLabel('2026-03-29', 'day', en, 'en')).toMatch(/Sun.*29.*Mar/);
    expect(groupLabel('2026-W13', 'week', nl, 'nl')).toBe('week 13 (2026)');
    expect(groupLabel('self-triage', 'channel', nl, 'nl')).toBe('zelftriage');
    expect(groupLabel('self-triage', 'channel', en, 'en')).toBe(translate('en', 'channel.self-triage'));
    expect(groupLabel('ZWN-R', 'subregion', nl, 'nl', new Map([['ZWN-R', 'Rijnmond']]))).toBe('Rijnmond');
    expect(groupLabel('ZWN-X', 'subregion', nl, 'nl')).toBe('ZWN-X');
    expect(groupLabel('catheter-care', 'pathway', nl, 'nl')).toBe('catheter-care');
    expect(groupLabel('', 'pathway', nl, 'nl')).toBe('(geen)');
    expect(groupLabel('', 'subregion', en, 'en')).toBe('(none)');
  });
  it('write durations, rates and shares', () => {
    expect(formatDuration(null, 'nl')).toBe('—');
    expect(formatDuration(45, 'nl')).toBe('45 s');
    expect(formatDuration(1200, 'nl')).toBe('20 min');
    expect(formatDuration(3900, 'nl')).toBe('1 u 05 min');
    expect(formatDuration(3900, 'en')).toBe('1 h 05 min');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(0.5)).toBe('50 %');
    expect(formatRate(2 / 3)).toBe('67 %');
    expect(formatRate(0)).toBe('0 %');
    expect(share(1, 3)).toBe('33 %');
    expect(share(0, 0)).toBe('—');
  });
});

describe('partners', () => {
  const f = figures({
    requests_by_partner: [{ organization_id: 'hap-1', requests: 3 }, { organization_id: 'vvt-2', requests: 1 }],
    handovers_by_partner: [
      { organization_id: 'vvt-2', requested: 3, answered: 2, accepted: 1, declined: 1, escalated: 2, acceptance_rate: 0.5 },
      { organization_id: 'ggz-3', requested: 1, answered: 1, accepted: 1, declined: 0, escalated: 0, acceptance_rate: 1 },
      { organization_id: 'ziek-4', requested: 1, answered: 0, accepted: 0, declined: 0, escalated: 0, acceptance_rate: null },
    ],
  });
  it('add up the handovers of every partner', () => {
    expect(handoverTotals(f)).toEqual({ organization_id: '', requested: 5, answered: 3, accepted: 2, declined: 1, escalated: 2, acceptance_rate: 2 / 3 });
    expect(handoverTotals(figures()).acceptance_rate).toBeNull();
  });
  it('list requesters and receivers once each, by name', () => {
    const names = new Map([['hap-1', 'HAP Rotterdam'], ['vvt-2', 'Aafje'], ['ggz-3', 'Parnassia']]);
    const rows = partnerRows(f, names);
    expect(rows.map((r) => r.id)).toEqual(['vvt-2', 'hap-1', 'ggz-3', 'ziek-4']);
    expect(rows[0]).toMatchObject({ requests: 1, handovers: { requested: 3, acceptance_rate: 0.5 } });
    expect(rows[1]).toEqual({ id: 'hap-1', requests: 3, handovers: null });
    expect(rows[2].requests).toBe(0);
    expect(partnerRows(figures())).toEqual([]);
  });
});

describe('bars', () => {
  it('scale to the largest value', () => {
    expect(bars([{ key: 'a', label: 'A', value: 2 }, { key: 'b', label: 'B', value: 4 }, { key: 'c', label: 'C', value: 0 }])
      .map((b) => b.fraction)).toEqual([0.5, 1, 0]);
    expect(bars([{ key: 'a', label: 'A', value: 0 }]).map((b) => b.fraction)).toEqual([0]);
    expect(bars([])).toEqual([]);
  });
});

describe('access and route', () => {
  it('is for the ZCC and ROAZ coordinators and admins', () => {
    expect(['admin', 'roaz-coordinator', 'zcc-coordinator'].every(canReadKpis)).toBe(true);
    expect(['viewer', 'org-user', 'org-capacity-manager', 'privacy-officer'].some(canReadKpis)).toBe(false);
  });
  it('lives at #/kpi', () => {
    expect(parseRoute('#/kpi')).toEqual({ name: 'kpi' });
    expect(href({ name: 'kpi' })).toBe('#/kpi');
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import {
  CSV_COLUMNS, EMPTY_WARMUP_HOURS, buildVariant, changedRoutes, compareByUrgency, pathwayFrom, suggestedRoutes, changedStations, checkEdits, compare, comparisonCsv, editorField, fieldPath,
  NO_STATION_FILTER, arrivalChanged, finished, inClosure, initialEdits, stationShown, stationsWithDifference, mapSimErrors, pairNames, partnerOf, progress, runComparison, runPair, simCsvFileName, stopComparison, verdict,
  withRunSettings, type Edits, type NewSimulation, type PairState, type Scenario, type ScenarioStationInfo, type SimResult, type SimRun,
} from '../src/lib/simulation';
import { ApiError, simulations } from '../src/api';
import { I18nProvider } from '../src/i18n';
import { ComparisonTable, Results } from '../src/views/WhatIf';
import { parseRoute, href } from '../src/router';
import { erlangC, createSimulations, approximateResult } from '../dev/mock-sim.mjs';

const base: Scenario = {
  name: 'ZWN nu', horizon_hours: 24, start_hour_of_week: 100,
  arrivals: [
    { name: 'zelfverwijzers', rate_per_hour: 10, to: 'SEH A', profile: Array.from({ length: 24 }, () => 1) },
    { name: 'meldingen', rate_per_hour: 20, to: 'ZCC' },
  ],
  stations: [
    { name: 'ZCC', servers: 4, service: { dist: 'exponential', mean_minutes: 8 }, next: [{ station: 'SEH A', probability: 0.2 }, { station: 'SEH B', probability: 0.1 }] },
    { name: 'SEH A', servers: 20, service: { dist: 'lognormal', mean_minutes: 150, sd_minutes: 90 }, initial_in_service: 15, initial_waiting: 3 },
    { name: 'SEH B', servers_by_hour: [...Array.from({ length: 8 }, () => 0), ...Array.from({ length: 16 }, () => 6)], service: { dist: 'exponential', mean_minutes: 120 }, initial_in_service: 2, initial_waiting: 0 },
  ],
};

const edit = (f: (e: Edits) => void): Edits => { const e = initialEdits(base); f(e); return e; };

describe('the variant', () => {
  it('is the baseline when nothing is changed', () => {
    const e = initialEdits(base);
    expect(checkEdits(base, e)).toEqual([]);
    expect(buildVariant(base, e).scenario).toEqual(base);
    expect(changedStations(base, e)).toEqual([false, false, false]);
  });

  it('closes a station at night: 0 servers from 23:00 to 07:00 as a 24-hour schedule', () => {
    const v = buildVariant(base, edit((e) => { e.stations[1].closeNight = true; })).scenario.stations[1];
    expect(v.servers).toBeUndefined();
    expect(v.servers_by_hour).toEqual([0, 0, 0, 0, 0, 0, 0, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 0]);
    expect(inClosure(23, 23, 7)).toBe(true);
    expect(inClosure(7, 23, 7)).toBe(false);
    expect(inClosure(12, 10, 14)).toBe(true);
    expect(inClosure(14, 10, 14)).toBe(false);
    expect(inClosure(5, 5, 5)).toBe(false);
  });

  it('zeroes the closed hours of every day of a 168-hour schedule', () => {
    const week: Scenario = { ...base, stations: [{ ...base.stations[1], servers: undefined, servers_by_hour: Array.from({ length: 168 }, () => 5) }] };
    const e = initialEdits(week);
    e.stations[0].closeNight = true; e.stations[0].closeFrom = 22; e.stations[0].closeTo = 6;
    const s = buildVariant(week, e).scenario.stations[0].servers_by_hour!;
    expect(s).toHaveLength(168);
    expect(s[24 + 22]).toBe(0);
    expect(s[72 + 5]).toBe(0);
    expect(s[72 + 6]).toBe(5);
  });

  it('adds places to a schedule and keeps its closed hours closed', () => {
    const v = buildVariant(base, edit((e) => { e.stations[2].servers = '8'; })).scenario.stations[2];
    expect(v.servers_by_hour!.slice(0, 8)).toEqual(Array.from({ length: 8 }, () => 0));
    expect(v.servers_by_hour!.slice(8)).toEqual(Array.from({ length: 16 }, () => 8));
  });

  it('collapses a schedule that is the same all day into a fixed number, and adds beds', () => {
    const v = buildVariant(base, edit((e) => { e.stations[1].servers = '24'; })).scenario.stations[1];
    expect(v.servers).toBe(24);
    expect(v.servers_by_hour).toBeUndefined();
  });

  it('changes demand, service time (sd along) and routing', () => {
    const { scenario } = buildVariant(base, edit((e) => {
      e.arrivals[0].demandPct = '10'; e.stations[1].mean = '180'; e.stations[0].onward = '15';
    }));
    expect(scenario.arrivals[0].rate_per_hour).toBeCloseTo(11, 9);
    expect(scenario.arrivals[0].profile).toEqual(base.arrivals[0].profile);
    expect(scenario.stations[1].service).toEqual({ dist: 'lognormal', mean_minutes: 180, sd_minutes: 108 });
    // 30% onward (0.2 + 0.1) halved to 15%: each route halved.
    expect(scenario.stations[0].next!.map((r) => r.station)).toEqual(['SEH A', 'SEH B']);
    expect(scenario.stations[0].next![0].probability).toBeCloseTo(0.1, 8);
    expect(scenario.stations[0].next![1].probability).toBeCloseTo(0.05, 8);
    expect(scenario.stations[0].next!.reduce((a, r) => a + r.probability, 0)).toBeLessThanOrEqual(0.15);
    const all = buildVariant(base, edit((e) => { e.stations[0].onward = '100'; })).scenario.stations[0].next!;
    expect(all.reduce((a, r) => a + r.probability, 0)).toBeLessThanOrEqual(1);
    expect(all[0].probability / all[1].probability).toBeCloseTo(2, 6);
    expect(initialEdits(base).stations.map((x) => x.onward)).toEqual(['30', '0', '0']);
    expect(base.stations[1].service.mean_minutes).toBe(150); // the baseline is not changed
  });

  it('changes demand per urgency of a triage mix: the rate by the weighted change, the shares renormalised', () => {
    const mixed: Scenario = {
      ...base,
      arrivals: [{ name: 'meldingen', rate_per_hour: 20, to: 'ZCC', mix: [
        { urgency: 'U3', complaint: 'abdominal-pain', share: 0.5 }, { urgency: 'U1', share: 0.25 }, { urgency: 'U3', complaint: 'falls', share: 0.25 },
      ] }],
    };
    const e = initialEdits(mixed);
    expect(e.arrivals[0].urgencyPct).toEqual({ U1: '0', U3: '0' });
    expect(buildVariant(mixed, e).scenario).toEqual(mixed);
    e.arrivals[0].urgencyPct.U3 = '10';
    expect(checkEdits(mixed, e)).toEqual([]);
    const a = buildVariant(mixed, e).scenario.arrivals[0];
    // U3 is 75% of the stream: 10% more of it is 7.5% more requests.
    expect(a.rate_per_hour).toBeCloseTo(21.5, 9);
    const shares = a.mix!.map((c) => c.share);
    [0.55 / 1.075, 0.25 / 1.075, 0.275 / 1.075].forEach((x, k) => expect(shares[k]).toBeCloseTo(x, 11));
    expect(Math.abs(shares.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-9);
    // With the stream's own change on top, and a share diverted keeping the new mix.
    e.arrivals[0].demandPct = '100'; e.arrivals[0].divertPct = '50'; e.arrivals[0].divertTo = 'SEH A';
    const both = buildVariant(mixed, e).scenario.arrivals;
    expect(both.map((x) => x.rate_per_hour)).toEqual([21.5, 21.5]);
    expect(both[1].mix).toEqual(both[0].mix);
    // All urgencies gone: no requests, the mix as it was (the engine needs shares that sum to 1).
    const none = initialEdits(mixed);
    none.arrivals[0].urgencyPct = { U1: '-100', U3: '-100' };
    expect(buildVariant(mixed, none).scenario.arrivals[0]).toEqual({ ...mixed.arrivals[0], rate_per_hour: 0 });
    none.arrivals[0].urgencyPct.U1 = '-101';
    expect(checkEdits(mixed, none)).toEqual([{ field: 'arrival.0.urgency.U1', key: 'sim.err.demand' }]);
    expect(changedStations(mixed, e)).toEqual([false, false, false]);
  });

  it('routes the ZCC by care pathways: the baseline by the suggested stations, the variant by the edited ones', () => {
    const region: Scenario = {
      ...base,
      arrivals: [...base.arrivals, { name: 'zcc (hap)', rate_per_hour: 1, to: 'ZCC', mix: [{ urgency: 'U3', complaint: 'catheter-problem', share: 1 }] }],
      stations: [...base.stations, { name: 'VVT crisis', servers: 4, service: { dist: 'exponential', mean_minutes: 60 } },
        { name: 'RAV', servers: 9, service: { dist: 'exponential', mean_minutes: 75 } }],
    };
    const info: ScenarioStationInfo[] = [
      { name: 'ZCC', unit_id: '', kind: 'zcc', stale: false },
      { name: 'SEH A', unit_id: 'a', kind: 'ed', stale: false, unit_type: 'seh' },
      { name: 'SEH B', unit_id: 'b', kind: 'ed', stale: false, unit_type: 'seh' },
      { name: 'VVT crisis', unit_id: 'v', kind: 'beds', stale: false, unit_type: 'vvt-crisis' },
      { name: 'RAV', unit_id: 'r', kind: 'ambulance', stale: false, unit_type: 'ambulance' },
    ];
    expect(pathwayFrom(region, info)).toBe('ZCC');
    expect(pathwayFrom(base, info)).toBe(''); // no mix with complaints: nothing to route
    // SEH A has 20 places, SEH B at most 6: the largest ED.
    expect(suggestedRoutes(region, info)).toEqual({
      ambulance: 'RAV', hap: '', hospital: 'SEH A', elv: '', 'elv-palliative': '', 'vvt-crisis-bed': 'VVT crisis', vvt: '', ggz: '',
    });
    const e = initialEdits(region, '', info);
    expect(runPair(region, e).baseline.pathway_routing).toBeUndefined(); // off by default: the runs as before
    e.pathways.on = true;
    e.pathways.routes.vvt = 'VVT crisis';
    e.pathways.routes.hospital = '';
    expect(changedRoutes(e)).toEqual(['hospital', 'vvt']);
    const p = runPair(region, e);
    expect(p.baseline.pathway_routing).toEqual({ from: 'ZCC', routes: { ambulance: 'RAV', hospital: 'SEH A', 'vvt-crisis-bed': 'VVT crisis' } });
    expect(p.variant.pathway_routing).toEqual({ from: 'ZCC', routes: { ambulance: 'RAV', 'vvt-crisis-bed': 'VVT crisis', vvt: 'VVT crisis' } });
    expect(editorField('scenario.pathway_routing.routes.vvt-crisis-bed')).toBe('pathways.vvt-crisis-bed');
    expect(editorField('scenario.pathway_routing')).toBe('pathways');
  });

  it('sends a share of a stream to another station as a stream of its own, appended', () => {
    const { scenario, origin } = buildVariant(base, edit((e) => {
      e.arrivals[0].demandPct = '20'; e.arrivals[0].divertPct = '25'; e.arrivals[0].divertTo = 'SEH B';
    }));
    expect(scenario.arrivals.map((a) => [a.name, a.to, a.rate_per_hour])).toEqual([
      ['zelfverwijzers', 'SEH A', 9], ['meldingen', 'ZCC', 20], ['zelfverwijzers → SEH B', 'SEH B', 3],
    ]);
    expect(origin).toEqual([{ base: 0, diverted: false }, { base: 1, diverted: false }, { base: 0, diverted: true }]);
  });

  it('runs baseline and variant with the same horizon and start', () => {
    const e = edit((x) => { x.horizon = 72; x.stations[1].servers = '25'; });
    const now = runPair(base, e);
    expect(now.baseline.horizon_hours).toBe(72);
    expect(now.variant.horizon_hours).toBe(72);
    expect(now.baseline.stations[1].initial_in_service).toBe(15);
    expect(now.baseline.warmup_hours).toBeUndefined();
    const empty = withRunSettings(base, 8, 'empty');
    expect(empty.warmup_hours).toBe(EMPTY_WARMUP_HOURS);
    expect(empty.horizon_hours).toBe(8 + EMPTY_WARMUP_HOURS);
    expect(empty.start_hour_of_week).toBe(100); // a week earlier is the same hour of the week
    expect(empty.stations.some((s) => 'initial_in_service' in s || 'initial_waiting' in s)).toBe(false);
    expect(base.stations[1].initial_in_service).toBe(15);
  });

  it('moves patients beyond the places of the start hour to the queue (a closure that has begun)', () => {
    // Hour 100 of the week is Friday 04:00: inside 23:00–07:00.
    const v = runPair(base, edit((e) => { e.stations[1].closeNight = true; })).variant.stations[1];
    expect(v.initial_in_service).toBe(0);
    expect(v.initial_waiting).toBe(3 + 15);
    const fewer = runPair(base, edit((e) => { e.stations[1].servers = '10'; })).variant.stations[1];
    expect([fewer.initial_in_service, fewer.initial_waiting]).toEqual([10, 8]);
    const day = runPair({ ...base, start_hour_of_week: 110 }, edit((e) => { e.stations[1].closeNight = true; })).variant.stations[1];
    expect([day.initial_in_service, day.initial_waiting]).toEqual([15, 3]);
  });

  it('checks what the editor can check, naming the field', () => {
    const e = edit((x) => {
      x.stations[0].servers = '2.5'; x.stations[1].servers = '0'; x.stations[2].mean = '0';
      x.stations[0].onward = '130'; x.arrivals[0].demandPct = '-150'; x.arrivals[1].divertPct = '10';
      x.replications = '101';
    });
    expect(checkEdits(base, e).map((x) => `${x.field}:${x.key}`)).toEqual([
      'station.0.servers:sim.err.servers', 'station.0.onward:sim.err.onward', 'station.1.servers:sim.err.noServers',
      'station.2.mean:sim.err.mean', 'arrival.0.demand:sim.err.demand', 'arrival.1.divertTo:sim.err.divertTo',
      'replications:sim.err.replications',
    ]);
    expect(checkEdits(base, edit((x) => { x.arrivals[0].divertPct = '10'; x.arrivals[0].divertTo = 'SEH A'; })).map((x) => x.field))
      .toEqual(['arrival.0.divertTo']); // not to the station it already goes to
    expect(checkEdits(base, edit((x) => { x.stations[1].mean = '2,5'; }))).toEqual([]); // a Dutch decimal comma
  });
});

describe("the server's field errors on the editor", () => {
  it('reads dotted paths with indices and JSON pointers', () => {
    expect(fieldPath('scenario.stations[1].servers')).toEqual(['scenario', 'stations', 1, 'servers']);
    expect(fieldPath('/scenario/stations/1/next/0/probability')).toEqual(['scenario', 'stations', 1, 'next', 0, 'probability']);
  });
  it('maps each to the row and input it belongs to', () => {
    const origin = [{ base: 0, diverted: false }, { base: 1, diverted: false }, { base: 0, diverted: true }];
    expect(editorField('scenario.stations[1].servers')).toBe('station.1.servers');
    expect(editorField('scenario.stations[2].servers_by_hour[23]')).toBe('station.2.servers');
    expect(editorField('scenario.stations[0].service.mean_minutes')).toBe('station.0.mean');
    expect(editorField('scenario.stations[0].next[1].probability')).toBe('station.0.onward');
    expect(editorField('scenario.stations[0].next')).toBe('station.0.onward');
    expect(editorField('scenario.stations[3].initial_waiting')).toBe('station.3');
    expect(editorField('scenario.arrivals[1].rate_per_hour', origin)).toBe('arrival.1.demand');
    expect(editorField('scenario.arrivals[2].rate_per_hour', origin)).toBe('arrival.0.divert');
    expect(editorField('scenario.arrivals[2].to', origin)).toBe('arrival.0.divertTo');
    expect(editorField('/scenario/horizon_hours')).toBe('horizon');
    expect(editorField('scenario.warmup_hours')).toBe('horizon');
    expect(editorField('replications')).toBe('replications');
    expect(editorField('seed')).toBeNull();
    expect(editorField('scenario')).toBeNull();
  });
  it('joins two messages of one field and keeps the rest for above the table', () => {
    expect(mapSimErrors([
      { field: 'scenario.stations[1].servers', message: 'too many' }, { field: 'scenario.stations[1].servers_by_hour', message: 'not both' },
      { field: 'seed', message: 'out of range' },
    ])).toEqual({ fields: { 'station.1.servers': 'too many; not both' }, general: ['seed: out of range'] });
  });
});

const est = (mean: number, lo?: number, hi?: number) => ({ mean, ci95: lo == null ? null : [lo, hi!] as [number, number] });

describe('the comparison', () => {
  it('calls a difference only when the intervals do not overlap', () => {
    expect(verdict(est(0.5, 0.45, 0.55), est(0.6, 0.56, 0.64))).toBe('worse');
    expect(verdict(est(0.5, 0.45, 0.55), est(0.4, 0.35, 0.44))).toBe('better');
    expect(verdict(est(0.5, 0.45, 0.55), est(0.54, 0.5, 0.58))).toBe('same');
    expect(verdict(est(10), est(10.05))).toBe('same'); // one replication: under 1%
    expect(verdict(est(10), est(12))).toBe('worse');
    expect(verdict(est(0), est(0))).toBe('same');
    expect(verdict(null, est(1))).toBeNull();
  });

  const b: SimResult = { stations: {
    'SEH A': { wait_probability: est(0.2, 0.18, 0.22), mean_wait_minutes: est(12, 10, 14), utilisation: est(0.8, 0.79, 0.81) },
    '=ZCC, "oost"': { wait_probability: est(0.1, 0.09, 0.11), mean_wait_minutes: est(1, 0.9, 1.1), utilisation: est(0.5, 0.49, 0.51) },
  } };
  const v: SimResult = { stations: {
    'SEH A': { wait_probability: est(0.6, 0.55, 0.65), mean_wait_minutes: est(40, 35, 45), utilisation: est(0.95, 0.94, 0.96) },
    '=ZCC, "oost"': { wait_probability: est(0.1, 0.09, 0.11), mean_wait_minutes: est(1, 0.9, 1.1), utilisation: est(0.5, 0.49, 0.51) },
  } };

  it('compares each urgency of a station with a triage mix, U0 first, and writes it to the CSV', () => {
    const withU = (w1: number, w3: number): SimResult => ({
      stations: {
        ZCC: { utilisation: est(0.5), by_urgency: { U3: { wait_probability: est(w3), mean_wait_minutes: est(w3 * 10) }, U1: { wait_probability: est(w1), mean_wait_minutes: est(w1 * 10) } } },
        SEH: { utilisation: est(0.5) },
      },
    });
    const rows = compareByUrgency(withU(0.1, 0.2), withU(0.1, 0.5));
    expect(rows.map((r) => `${r.station}/${r.urgency}/${r.measure}/${r.verdict}`)).toEqual([
      'ZCC/U1/wait_probability/same', 'ZCC/U1/mean_wait_minutes/same', 'ZCC/U3/wait_probability/worse', 'ZCC/U3/mean_wait_minutes/worse',
    ]);
    expect(compareByUrgency(b, v)).toEqual([]);
    expect(comparisonCsv(rows).split('\r\n')[3]).toBe('ZCC,wait_probability,0.2,,,0.5,,,U3');
  });

  it('has one row per station and measure, in the baseline order', () => {
    const rows = compare(b, v);
    expect(rows.map((r) => `${r.station}/${r.measure}/${r.verdict}`)).toEqual([
      'SEH A/wait_probability/worse', 'SEH A/mean_wait_minutes/worse', 'SEH A/utilisation/worse',
      '=ZCC, "oost"/wait_probability/same', '=ZCC, "oost"/mean_wait_minutes/same', '=ZCC, "oost"/utilisation/same',
    ]);
    expect(compare(b, null).every((r) => r.variant === null && r.verdict === null)).toBe(true);
  });

  it('downloads as CSV: a header, one row per station and measure, quoted and formula-safe', () => {
    const csv = comparisonCsv(compare(b, v));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 6 + 1); // the last line ends with CRLF too
    expect(lines[1]).toBe('SEH A,wait_probability,0.2,0.18,0.22,0.6,0.55,0.65,');
    expect(lines[4]).toBe(`"'=ZCC, ""oost""",wait_probability,0.1,0.09,0.11,0.1,0.09,0.11,`);
    expect(comparisonCsv(compare({ stations: { X: { utilisation: est(0.5) } } }, null)).split('\r\n')[3]).toBe('X,utilisation,0.5,,,,,,');
    expect(simCsvFileName('ZWN', Date.UTC(2026, 11, 6, 4, 12))).toBe('wat-als-ZWN-2026-12-06T0412.csv');
  });

  it('opens a recent run with the other half of its pair', () => {
    const names = pairNames('SEH dicht');
    const run = (id: string, name: string, at: string): SimRun => ({
      id, name, region_id: 'ZWN', state: 'done', replications: 10, replications_done: 10, seed: 1, created_at: at, created_by: 'zcc',
    });
    const runs = [run('1', names.baseline, '2026-12-06T01:00:00Z'), run('2', names.variant, '2026-12-06T01:00:00Z'),
      run('3', names.baseline, '2026-12-06T03:00:00Z'), run('4', names.variant, '2026-12-06T03:00:01Z'), run('5', 'los', '2026-12-06T03:00:00Z')];
    expect(partnerOf(runs[3], runs)).toEqual({ baseline: runs[2], variant: runs[3] });
    expect(partnerOf(runs[0], runs)).toEqual({ baseline: runs[0], variant: runs[1] });
    expect(partnerOf(runs[4], runs)).toBeNull();
    expect(progress({ state: 'running', replications: 10, replications_done: 3 })).toBeCloseTo(0.3);
    expect(progress({ state: 'done', replications: 10, replications_done: 0 })).toBe(1);
  });

  it('filters the editor without ever hiding an edit or an error, and the results to the stations that differ', () => {
    const f = { ...NO_STATION_FILTER, q: 'seh', kind: 'ed' as const };
    expect(stationShown('SEH Ikazia', 'ed', f, false, false)).toBe(true);
    expect(stationShown('IC Ikazia', 'beds', f, false, false)).toBe(false);
    expect(stationShown('IC Ikazia', 'beds', f, true, false)).toBe(true);
    expect(stationShown('IC Ikazia', 'beds', { ...NO_STATION_FILTER, changedOnly: true }, false, true)).toBe(true);
    expect(stationShown('SEH Ikazia', 'ed', { ...NO_STATION_FILTER, changedOnly: true }, false, false)).toBe(false);
    expect(arrivalChanged({ demandPct: '0', divertPct: '0', divertTo: '', urgencyPct: { U3: '0' } })).toBe(false);
    expect(arrivalChanged({ demandPct: '0', divertPct: '5', divertTo: 'X', urgencyPct: {} })).toBe(true);
    expect(arrivalChanged({ demandPct: '0', divertPct: '0', divertTo: '', urgencyPct: { U3: '10' } })).toBe(true);
    expect([...stationsWithDifference(compare(b, v))]).toEqual(['SEH A']);
  });

  it('has its own route and key', () => {
    expect(parseRoute('#/wat-als')).toEqual({ name: 'whatif' });
    expect(parseRoute('#/what-if')).toEqual({ name: 'whatif' });
    expect(href({ name: 'whatif' })).toBe('#/wat-als');
  });
});

describe('the stand-in API (dev/mock-sim.mjs)', () => {
  it('computes Erlang C as docs/simulation.md quotes it (λ = 9/h, 60 min, c = 10: P(wait) 0.6687)', () => {
    expect(erlangC(10, 9)).toBeCloseTo(0.6687, 4);
    const r = approximateResult({ horizon_hours: 100, arrivals: [{ name: 'c', rate_per_hour: 9, to: 't' }],
      stations: [{ name: 't', servers: 10, service: { dist: 'exponential', mean_minutes: 60 } }] }, 10, 1);
    expect(r.stations.t.mean_wait_minutes!.mean).toBeCloseTo(40.12, 1);
  });
});

// The runner and the view against the stand-in API, over real HTTP in this process.
describe('a comparison against the stand-in API', () => {
  let server: http.Server;
  let baseUrl = '';
  const user = { username: 'zcc', role: 'zcc-coordinator', region_id: 'ZWN' };
  const units = [
    { id: 'a-seh', organization_id: 'a', type: 'seh', name: 'Spoedeisende hulp' },
    { id: 'b-seh', organization_id: 'b', type: 'seh', name: 'Spoedeisende hulp' },
    { id: 'a-ic', organization_id: 'a', type: 'ic', name: 'IC' },
  ];
  const rowOf = (u: { id: string }) => ({
    beds: { total: 10, staffed: 8, occupied: 6, available: 2 }, ed: { waiting: 2, in_treatment: 5 }, stale: u.id === 'b-seh',
  });
  beforeAll(async () => {
    const handle = createSimulations({
      region: { id: 'ZWN', name: 'Zuidwest' }, orgs: [{ id: 'a', name: 'Alfa' }, { id: 'b', name: 'Beta' }], units, rowOf, repMs: 5,
      json: (res, status, body) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); },
      problem: (res, status, title, errors, detail) => {
        res.writeHead(status, { 'Content-Type': 'application/problem+json' });
        res.end(JSON.stringify({ title, status, detail, errors }));
      },
      readBody: (req) => new Promise((ok) => { let s = ''; req.on('data', (c) => { s += c; }); req.on('end', () => ok(s)); }),
    });
    server = http.createServer((req, res) => {
      void handle(req, res, new URL(req.url ?? '/', 'http://x'), user).then((done) => { if (!done) { res.writeHead(404); res.end(); } });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
  const realFetch = globalThis.fetch;
  const throughServer = () => vi.stubGlobal('fetch', (path: string, init: RequestInit) => realFetch(baseUrl + path, init));
  afterEach(() => { vi.unstubAllGlobals(); user.role = 'zcc-coordinator'; });

  async function pair(change: (e: Edits) => void) {
    const s = await simulations.scenario('ZWN');
    const e = initialEdits(s.scenario);
    change(e);
    expect(checkEdits(s.scenario, e)).toEqual([]);
    const p = runPair(s.scenario, e);
    const common = { region_id: 'ZWN', replications: 5, seed: 1 };
    const bodies: { baseline: NewSimulation; variant: NewSimulation } = {
      baseline: { ...common, name: pairNames('t').baseline, scenario: p.baseline }, variant: { ...common, name: pairNames('t').variant, scenario: p.variant },
    };
    return { s, p, bodies };
  }

  it('loads the baseline, runs both with progress to done, and shows them side by side', async () => {
    throughServer();
    const { s, bodies } = await pair((e) => { e.stations[1].closeNight = true; e.replications = '5'; });
    expect(s.stations.map((x) => [x.kind, x.stale])).toEqual([['zcc', false], ['ed', false], ['ed', true], ['beds', false]]);
    expect(s.scenario.stations[1].initial_in_service).toBe(5);
    const seen: number[] = [];
    const done = await runComparison(simulations, bodies, (st) => { if (st.baseline) seen.push(progress(st.baseline)); }, { pollMs: 5 });
    expect(done.baseline!.state).toBe('done');
    expect(done.variant!.state).toBe('done');
    expect(seen[seen.length - 1]).toBe(1);
    const rows = compare(done.baseline!.result, done.variant!.result);
    expect(rows).toHaveLength(4 * 3);
    // Closed at night, the ED's wait probability is worse.
    expect(rows.find((r) => r.station === s.scenario.stations[1].name && r.measure === 'wait_probability')!.verdict).toBe('worse');
    const html = renderToStaticMarkup(createElement(I18nProvider, null,
      createElement(Results, { baseline: done.baseline, variant: done.variant, regionId: 'ZWN' })));
    expect(html).toContain('data-testid="sim-col-baseline"');
    expect(html).toContain('data-testid="sim-col-variant"');
    expect(html).toContain('slechter');
    expect(html).toContain('role="img"');
    expect((html.match(/data-measure=/g) ?? []).length).toBe(12);
    const list = await simulations.list('ZWN');
    expect(list.items.map((r) => r.name)).toEqual(expect.arrayContaining([pairNames('t').baseline, pairNames('t').variant]));
  }, 20000);

  it("throws the variant's field errors, which land on its rows", async () => {
    throughServer();
    const { bodies, p } = await pair((e) => { e.arrivals[0].divertPct = '10'; e.arrivals[0].divertTo = 'IC-bedden regio'; });
    bodies.variant.scenario.stations[2].servers = 0; // as if the editor had let it through
    bodies.variant.scenario.arrivals[p.origin.length - 1].to = 'nowhere';
    const err = await runComparison(simulations, bodies, () => {}, { pollMs: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError & { side: string }).side).toBe('variant');
    expect((err as ApiError).status).toBe(400);
    expect(mapSimErrors((err as ApiError).problem?.errors, p.origin).fields).toEqual({
      'station.2.servers': 'must be an integer from 1 to 100000', 'arrival.0.divertTo': 'unknown station',
    });
  });

  it('waits when the server is busy (503, Retry-After) and tries again; gives up after five', async () => {
    const run = (id: string, state: SimRun['state'], done: number): SimRun => ({
      id, name: id, region_id: 'ZWN', state, replications: 4, replications_done: done, seed: 1, created_at: '', created_by: 'zcc',
    });
    let busy = 2;
    const polls = new Map<string, number>();
    const client = {
      create: vi.fn(async (b: NewSimulation) => {
        if (b.name === 'v' && busy-- > 0) throw new ApiError(503, null, 'busy', 3);
        return run(b.name, 'queued', 0);
      }),
      get: vi.fn(async (id: string) => {
        const n = (polls.get(id) ?? 0) + 1;
        polls.set(id, n);
        return n >= 2 ? run(id, id === 'v' ? 'failed' : 'done', 4) : run(id, 'running', 2);
      }),
    };
    const sleep = vi.fn(async () => {});
    const states: string[] = [];
    const body = (name: string): NewSimulation => ({ region_id: 'ZWN', name, scenario: base, replications: 4, seed: 1 });
    const done = await runComparison(client, { baseline: body('b'), variant: body('v') },
      (s) => states.push(`${s.busy ? `busy${s.busy.retryInS}` : ''}${s.baseline?.state ?? '-'}/${s.variant?.state ?? '-'}`), { sleep, pollMs: 7 });
    expect(sleep.mock.calls.map((c) => (c as unknown[])[0])).toEqual([3000, 3000, 7, 7]);
    expect(states).toEqual(['queued/-', 'busy3queued/-', 'busy3queued/-', 'queued/queued', 'running/running', 'done/failed']);
    expect(done.variant!.state).toBe('failed');
    busy = 99;
    await expect(runComparison(client, { baseline: body('b'), variant: body('v') }, () => {}, { sleep }))
      .rejects.toMatchObject({ status: 503, side: 'variant' });
  });

  it('stops a comparison under way: both runs end as stopped, keep their progress, and a second stop reads them again', async () => {
    throughServer();
    const { bodies } = await pair(() => {});
    bodies.baseline.replications = bodies.variant.replications = 100; // half a second each at 5 ms a replication
    let seen: PairState | null = null;
    const ctl = new AbortController();
    const following = runComparison(simulations, bodies, (st) => { seen = st; if (st.variant) ctl.abort(); }, { pollMs: 5, signal: ctl.signal });
    await following;
    expect(seen!.baseline!.state).not.toBe('done');
    const stopped = await stopComparison(simulations, seen!);
    expect(stopped.baseline!.state).toBe('cancelled');
    expect(stopped.variant!.state).toBe('cancelled');
    expect(finished(stopped.baseline!)).toBe(true);
    expect(stopped.baseline!.replications_done).toBeLessThan(100);
    await new Promise((ok) => setTimeout(ok, 30));
    expect((await simulations.get(stopped.baseline!.id)).replications_done).toBe(stopped.baseline!.replications_done);
    // Stopping again: the server answers 409, the runner reads the run instead of failing.
    const again = await stopComparison(simulations, seen!);
    expect(again.variant!.state).toBe('cancelled');
    await expect(simulations.cancel(stopped.variant!.id)).rejects.toMatchObject({ status: 409 });
  });

  it('refuses other roles', async () => {
    throughServer();
    user.role = 'org-capacity-manager';
    await expect(simulations.scenario('ZWN')).rejects.toMatchObject({ status: 403 });
  });

  it('renders the table with the baseline alone when a run has no partner', () => {
    const html = renderToStaticMarkup(createElement(I18nProvider, null,
      createElement(ComparisonTable, { rows: compare({ stations: { X: { utilisation: est(0.5, 0.4, 0.6) } } }, null), hasVariant: false })));
    expect(html).toContain('Basis');
    expect(html).not.toContain('sim-col-variant');
    expect(html).toContain('50,0%');
  });
});

// Spreading plans (src/lib/spreading.ts): who may read and work plans, the new-plan form's own checks and body, the
// server's field errors mapped onto the form (and put into Dutch), pins and forbids collected before a re-solve, the
// plan read into rows, totals and stale capacity, and the unplaced reasons held to the engine's wire names
// (src/api/json/spreading_json.cc).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyOps, buildNewPlan, constraintsChanged, emptyPatient, emptyPlanForm, eventConcernsRegion, fmtCost, localizeSpreadingMessage, mapPlanErrors,
  normaliseField, normalisePlan, notTransferredMsg, openPlaces, planFields, planOrder, planRows, planStateKey, planSteps, planTotals, readsSpreading,
  staleHospitals, storedConstraints, unplacedMsg, usedPlaces, withForbid, without, withPin, worksSpreading, PLAN_STATES,
  type PlanForm, type PlanSummary, type SpreadingPlan,
} from '../src/lib/spreading';
import { nl } from '../src/i18n/nl';
import { en } from '../src/i18n/en';
import { href, parseRoute, type Route } from '../src/router';

const has = (k: string) => k in nl && k in en;

describe('who may do what', () => {
  const u = (role: string, region_id: string | null = 'ZWN') => ({ role, region_id });
  it('coordinators of the region and admins work plans; the viewer reads; others neither', () => {
    for (const r of ['zcc-coordinator', 'roaz-coordinator']) {
      expect(readsSpreading(u(r))).toBe(true);
      expect(worksSpreading(u(r), 'ZWN')).toBe(true);
      expect(worksSpreading(u(r), 'OOST')).toBe(false);
    }
    expect(worksSpreading(u('admin', null), 'OOST')).toBe(true);
    expect(readsSpreading(u('viewer'))).toBe(true);
    expect(worksSpreading(u('viewer'), 'ZWN')).toBe(false);
    for (const r of ['org-user', 'org-capacity-manager', 'privacy-officer']) {
      expect(readsSpreading(u(r))).toBe(false);
      expect(worksSpreading(u(r), 'ZWN')).toBe(false);
    }
  });
  it('only a proposed plan offers steps, and only to who works it', () => {
    expect(planSteps({ state: 'proposed', owner_region: 'ZWN' }, u('roaz-coordinator'))).toEqual({ solve: true, approve: true, discard: true });
    expect(planSteps({ state: 'approved', owner_region: 'ZWN' }, u('roaz-coordinator'))).toEqual({ solve: false, approve: false, discard: false });
    expect(planSteps({ state: 'discarded', owner_region: 'ZWN' }, u('admin', null)).solve).toBe(false);
    expect(planSteps({ state: 'proposed', owner_region: 'ZWN' }, u('viewer')).approve).toBe(false);
    expect(planSteps({ state: 'proposed', owner_region: 'OOST' }, u('zcc-coordinator')).solve).toBe(false);
  });
  it('every state and reason has a text in both languages', () => {
    for (const s of PLAN_STATES) expect(has(planStateKey(s)), s).toBe(true);
    expect(planStateKey('weird')).toBe('sp.state.unknown');
    for (const r of ['unplaced', 'other_region', 'x']) expect(has(notTransferredMsg(r).key)).toBe(true);
  });
});

describe('unplaced reasons', () => {
  it('every reason the engine writes has its own Dutch text', () => {
    const src = readFileSync(new URL('../../src/api/json/spreading_json.cc', import.meta.url), 'utf8');
    const reasons = [...src.matchAll(/\["unplaced_reason"\] = "([^"]+)"/g)].map((m) => m[1]);
    expect(reasons.length).toBeGreaterThanOrEqual(2);
    for (const r of reasons) {
      const m = unplacedMsg(r);
      expect(m.key, r).not.toBe('sp.unplaced.other');
      expect(has(m.key)).toBe(true);
    }
    expect(unplacedMsg('something_new')).toEqual({ key: 'sp.unplaced.other', params: { reason: 'something_new' } });
  });
});

function filled(): PlanForm {
  const f = emptyPlanForm('ZWN');
  f.patients = [
    { key: 1, id: 'P1', from_organization: 'h1', from_unit: 'h1-ic', needs: 'ic', label: '  beademd  ' },
    { key: 2, id: 'P2', from_organization: 'h2', from_unit: 'h2-w', needs: 'ward', label: '' },
  ];
  return f;
}

describe('the new plan form', () => {
  it('a new row takes the next free id', () => {
    const rows = filled().patients;
    expect(emptyPatient(3, rows).id).toBe('P3');
    expect(emptyPatient(3, [{ ...rows[0], id: 'P2' }]).id).toBe('P3');
  });
  it('builds the body: the own region is the default, labels trimmed, empty ones left out, no policy when none given', () => {
    const r = buildNewPlan(filled(), 'ZWN');
    expect(r.errors).toEqual({});
    expect(r.value).toEqual({
      patients: [
        { id: 'P1', from_organization: 'h1', from_unit: 'h1-ic', needs: 'ic', label: 'beademd' },
        { id: 'P2', from_organization: 'h2', from_unit: 'h2-w', needs: 'ward' },
      ],
    });
    const two = { ...filled(), regions: ['ZWN', 'OOST'], note: ' druk ' };
    expect(buildNewPlan(two, 'ZWN').value).toMatchObject({ regions: ['ZWN', 'OOST'], note: 'druk' });
    // An admin has no region of its own: the chosen one is named.
    expect(buildNewPlan(filled(), null).value?.regions).toEqual(['ZWN']);
  });
  it('the policy: numbers in range (a comma is a decimal point), the reserve nested', () => {
    const f = filled();
    f.policy = { ...f.policy, speed_kmh: '60', 'reserve.ic': '0,3', 'reserve.ward': '0' };
    expect(buildNewPlan(f, 'ZWN').value?.policy).toEqual({ speed_kmh: 60, reserve: { ic: 0.3, ward: 0 } });
    f.policy = { ...f.policy, road_factor: '0.5', load_weight: 'veel', 'reserve.ic': '2' };
    const r = buildNewPlan(f, 'ZWN');
    expect(r.value).toBeNull();
    expect(r.errors['policy.road_factor']).toEqual({ key: 'sp.err.range', params: { min: 1, max: 10 } });
    expect(r.errors['policy.load_weight']?.key).toBe('sp.err.range');
    expect(r.errors['policy.reserve.ic']).toEqual({ key: 'sp.err.range', params: { min: 0, max: 1 } });
  });
  it('names every wrong field of every row, and sends nothing', () => {
    const f = filled();
    f.patients.push({ key: 3, id: 'P1', from_organization: '', from_unit: '', needs: '', label: 'x'.repeat(201) });
    f.patients.push({ key: 4, id: 'P 4', from_organization: 'h1', from_unit: 'h1-ic', needs: 'ic', label: '' });
    const r = buildNewPlan(f, 'ZWN');
    expect(r.value).toBeNull();
    expect(r.errors).toEqual({
      'patients[2].id': { key: 'sp.err.idTwice' },
      'patients[2].from_organization': { key: 'err.required' },
      'patients[2].from_unit': { key: 'err.required' },
      'patients[2].needs': { key: 'err.required' },
      'patients[2].label': { key: 'srv.tooLong', params: { max: 200 } },
      'patients[3].id': { key: 'sp.err.id' },
    });
    expect(buildNewPlan({ ...filled(), patients: [] }, 'ZWN').errors.patients).toEqual({ key: 'sp.err.noPatients' });
    for (const m of Object.values(r.errors)) expect(has(m.key), m.key).toBe(true);
  });
});

describe('the server\'s field errors', () => {
  const fields = planFields(filled());
  it('land next to the row\'s field, in either notation', () => {
    const m = mapPlanErrors({
      title: 'Bad Request', status: 400, errors: [
        { field: 'patients[1].from_unit', message: 'not a unit of organisation h2' },
        { field: '/patients/0/label', message: 'must not hold patient identifiers' },
        { field: 'policy.reserve.ic', message: 'must be 0 to 1' },
        { field: 'pins[0].hospital', message: 'not a hospital of the regions' },
        { field: 'patients[9].id', message: 'x' },
        { field: 'whatever', message: 'odd' },
      ],
    }, fields);
    expect(m.fields).toEqual({
      'patients[1].from_unit': 'not a unit of organisation h2',
      'patients[0].label': 'must not hold patient identifiers',
      'policy.reserve.ic': 'must be 0 to 1',
      pins: 'not a hospital of the regions',
      patients: 'x',
    });
    expect(m.general).toEqual(['whatever: odd']);
    expect(mapPlanErrors({ title: 'Conflict', status: 409, detail: 'the plan is approved' }, fields)).toEqual({ fields: {}, general: ['the plan is approved'] });
    expect(normaliseField('/patients/12/needs')).toBe('patients[12].needs');
  });
  it('are put into Dutch where known', () => {
    const cases: [string, string][] = [
      ['is required', 'err.required'],
      ['not an organisation of region ZWN', 'sp.srv.org'],
      ['not a unit of organisation h2', 'sp.srv.unit'],
      ['unknown region XYZ', 'sp.srv.region'],
      ['must be "ic" or "ward"', 'sp.srv.needs'],
      ['must be unique in the plan', 'sp.err.idTwice'],
      ['must be 1 to 64 characters of [A-Za-z0-9._-]', 'sp.err.id'],
      ['must be 0 to 1', 'sp.err.range'],
      ['must hold 1 to 2000 patients', 'sp.err.tooMany'],
      ['must not hold patient identifiers', 'sp.srv.identifiers'],
      ['not a patient of the plan', 'sp.srv.patient'],
      // The server's own words (src/service/spreading_service.cc, src/core/validate.h, the JSON reader).
      ['not an organisation of the plan\'s regions', 'sp.srv.org'],
      ['not a hospital of the plan\'s regions', 'sp.srv.hospital'],
      ['no such region', 'sp.srv.region'],
      ['has no location to start from', 'sp.srv.noLocation'],
      ['is pinned already: one pin per patient', 'sp.srv.pinnedTwice'],
      ['is the patient\'s own sending hospital', 'sp.srv.ownHospital'],
      ['forbids the hospital the patient is pinned to', 'sp.srv.forbidPinned'],
      ['names the same patient and hospital twice', 'sp.srv.pairTwice'],
      ['is named twice', 'sp.srv.twice'],
      ['is used by another patient of the plan', 'sp.err.idTwice'],
      ['must be 1–64 characters of A–Z, a–z, 0–9, \'-\', \'_\', \'.\'', 'sp.err.id'],
      ['unknown care type "icu" (one of ic, ward)', 'sp.srv.needs'],
      ['must be at most 200 bytes', 'srv.tooLong'],
    ];
    for (const [msg, key] of cases) {
      expect(localizeSpreadingMessage(msg)?.key, msg).toBe(key);
      expect(has(key)).toBe(true);
    }
    expect(localizeSpreadingMessage('something else entirely')).toBeNull();
  });
});

function plan(over: Partial<SpreadingPlan> = {}): SpreadingPlan {
  return {
    id: 'sp-1', version: 2, state: 'proposed', owner_region: 'ZWN', regions: ['ZWN'], created_by: 'c', created_at: '2026-12-07T02:00:00Z',
    updated_at: '2026-12-07T02:00:00Z', solved_at: '2026-12-07T02:00:00Z', approved_by: null, approved_at: null, note: '',
    request: {
      patients: [{ id: 'P1', from_organization: 'A', from_unit: 'A-ic', needs: 'ic' }, { id: 'P2', from_organization: 'B', from_unit: 'B-w', needs: 'ward' },
        { id: 'P3', from_organization: 'A', from_unit: 'A-ic', needs: 'ic' }],
      pins: [{ patient: 'P2', hospital: 'C' }], forbids: [{ patient: 'P1', hospital: 'B' }],
    },
    hospitals: [
      { id: 'B', name: 'Bee', lat: 52, lon: 4, region: 'ZWN', regional_function: false, capacity: { ic: { staffed: 10, occupied: 4, stale: false } } },
      { id: 'C', name: 'Cee', lat: 52, lon: 4.1, region: 'ZWN', regional_function: true,
        capacity: { ic: { staffed: 10, occupied: 2, stale: false }, ward: { staffed: 20, occupied: 5, stale: true } } },
    ],
    plan: {
      status: 'optimal', total_cost: 10060.5, solve_ms: 0.1,
      assignments: [
        { patient: 'P1', hospital: 'C', care_type: 'ic', travel: 10, load: 20, outside_region: 0, cost: 30 },
        { patient: 'P2', hospital: null, care_type: 'ward', travel: 0, load: 0, outside_region: 0, cost: 10000, unplaced_reason: 'no_open_place' },
        { patient: 'P3', hospital: 'C', care_type: 'ic', travel: 5.5, load: 25, outside_region: 0, cost: 30.5 },
      ],
      left_out: [], open_places: [{ hospital: 'B', care_type: 'ic', open: 6, reserve: 0 }, { hospital: 'C', care_type: 'ic', open: 3, reserve: 5 },
        { hospital: 'C', care_type: 'ward', open: 0, reserve: 0 }],
    },
    left_out_units: [{ unit: 'C-w', organization: 'C', care_type: 'ward', reason: 'stale' }],
    ...over,
  };
}

describe('pins and forbids', () => {
  it('collect on top of the stored ones; a pin replaces the patient\'s other pin and its forbid of that hospital', () => {
    const s = storedConstraints(plan());
    expect(constraintsChanged(s, s)).toBe(false);
    let c = withForbid(s, { patient: 'P3', hospital: 'C' });
    expect(c.forbids).toEqual([{ patient: 'P1', hospital: 'B' }, { patient: 'P3', hospital: 'C' }]);
    expect(constraintsChanged(s, c)).toBe(true);
    expect(withForbid(c, { patient: 'P3', hospital: 'C' })).toBe(c);
    c = withPin(c, { patient: 'P3', hospital: 'C' });
    expect(c.forbids).toEqual([{ patient: 'P1', hospital: 'B' }]);
    expect(c.pins).toEqual([{ patient: 'P2', hospital: 'C' }, { patient: 'P3', hospital: 'C' }]);
    c = withPin(c, { patient: 'P2', hospital: 'B' });
    expect(c.pins).toEqual([{ patient: 'P3', hospital: 'C' }, { patient: 'P2', hospital: 'B' }]);
    // Forbidding the pinned hospital drops the pin.
    c = withForbid(c, { patient: 'P2', hospital: 'B' });
    expect(c.pins).toEqual([{ patient: 'P3', hospital: 'C' }]);
    c = without(without(c, 'pins', { patient: 'P3', hospital: 'C' }), 'forbids', { patient: 'P2', hospital: 'B' });
    expect(constraintsChanged(s, c)).toBe(true); // P2's stored pin is gone
    expect(constraintsChanged(s, withPin(c, { patient: 'P2', hospital: 'C' }))).toBe(false); // order does not matter
  });
});

describe('pending changes after a reload', () => {
  it('are applied to the new stored lists, keeping what someone else pinned meanwhile', () => {
    const ops = [{ op: 'forbid', x: { patient: 'P1', hospital: 'C' } }, { op: 'unpin', x: { patient: 'P2', hospital: 'C' } }] as const;
    const before = storedConstraints(plan());
    expect(applyOps(before, ops)).toEqual({ pins: [], forbids: [{ patient: 'P1', hospital: 'B' }, { patient: 'P1', hospital: 'C' }] });
    // Someone else pinned P3 and re-solved: the reload brings that pin, the user's changes still apply on top.
    const after = { pins: [{ patient: 'P2', hospital: 'C' }, { patient: 'P3', hospital: 'B' }], forbids: [{ patient: 'P1', hospital: 'B' }] };
    expect(applyOps(after, ops)).toEqual({ pins: [{ patient: 'P3', hospital: 'B' }], forbids: [{ patient: 'P1', hospital: 'B' }, { patient: 'P1', hospital: 'C' }] });
    expect(applyOps(after, [])).toBe(after);
  });
});

describe('reading a plan', () => {
  it('one row per patient in the request\'s order, with its assignment and constraints', () => {
    const p = plan();
    const rows = planRows(p, storedConstraints(p));
    expect(rows.map((r) => [r.patient.id, r.a?.hospital, r.pinned, r.forbidden])).toEqual([
      ['P1', 'C', null, ['B']], ['P2', null, 'C', []], ['P3', 'C', null, []],
    ]);
  });
  it('totals, places open and used, stale capacity from the plan and the instance', () => {
    const p = plan();
    expect(planTotals(p.plan)).toEqual({ patients: 3, placed: 2, unplaced: 1, travel: 15.5, cost: 10060.5, outside: 0 });
    expect(openPlaces(p.plan).get('C')).toEqual({ ic: 3, ward: 0 });
    expect(usedPlaces(p.plan).get('C|ic')).toBe(2);
    expect(staleHospitals(p)).toEqual([{ hospital: 'C', care_type: 'ward' }]);
    const q = plan({ plan: { ...p.plan, left_out: [{ hospital: 'C', care_type: 'ward', reason: 'stale' }] } });
    expect(staleHospitals(q)).toEqual([{ hospital: 'C', care_type: 'ward' }]);
  });
  it('costs shown with a decimal comma in Dutch', () => {
    expect(fmtCost(10060.5, 'nl')).toBe('10060,5');
    expect(fmtCost(10060.5, 'en')).toBe('10060.5');
    expect(fmtCost(30, 'nl')).toBe('30');
    expect(fmtCost(53.31570582693245, 'nl')).toBe('53,3');
  });
  it('the list newest first; events of the region concern it', () => {
    const s = (id: string, at: string) => ({ id, created_at: at } as PlanSummary);
    expect(planOrder([s('a', '2026-12-07T01:00:00Z'), s('b', '2026-12-07T02:00:00Z'), s('c', '2026-12-07T02:00:00Z')]).map((x) => x.id)).toEqual(['b', 'c', 'a']);
    expect(eventConcernsRegion({ id: 'x', version: 1, state: 'proposed', owner_region: 'ZWN' }, 'ZWN')).toBe(true);
    expect(eventConcernsRegion({ id: 'x', version: 1, state: 'proposed', owner_region: 'OOST' }, 'ZWN')).toBe(false);
  });
});

describe('routes', () => {
  it('#/spreiding, #/spreiding/nieuw and #/spreiding/ID (English aliases too)', () => {
    const rs: Route[] = [{ name: 'spreading' }, { name: 'spreadingNew' }, { name: 'spreadingPlan', id: 'sp-1 2' }];
    for (const r of rs) expect(parseRoute(href(r))).toEqual(r);
    expect(href({ name: 'spreading' })).toBe('#/spreiding');
    expect(parseRoute('#/spreading/new')).toEqual({ name: 'spreadingNew' });
    expect(parseRoute('#/spreading/sp-9')).toEqual({ name: 'spreadingPlan', id: 'sp-9' });
  });
});

describe('a plan as the server may send it', () => {
  it('gets its optional lists, so the screen reads it without checks', () => {
    const bare = { id: 'sp-2', version: 1, state: 'proposed', owner_region: 'ZWN', request: { patients: [] }, plan: { status: 'optimal', total_cost: 0, solve_ms: 0, assignments: [] } } as unknown as SpreadingPlan;
    const p = normalisePlan(bare);
    expect(p.regions).toEqual([]);
    expect(p.hospitals).toEqual([]);
    expect(p.left_out_units).toEqual([]);
    expect(storedConstraints(p)).toEqual({ pins: [], forbids: [] });
    expect(p.plan.left_out).toEqual([]);
    expect(staleHospitals(p)).toEqual([]);
  });
});

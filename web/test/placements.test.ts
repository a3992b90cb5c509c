// The follow-up placement desk's rules (src/lib/placements.ts): the wire names held to core/placement.cc and
// core/admission_criteria.cc, who may do what by role and side, the waiting list's order and the criterion labels.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localizeCaseMessage } from '../src/lib/intake';
import {
  CRITERIA, criterionLabel, DECLINE_REASONS, mayAnswer, mayCancel, netAvailable, mayCreatePlacement, mayOffer, mayReadMatches, MOBILITIES, OFFER_STATES,
  openOffers, PLACEMENT_CARE_TYPES, PLACEMENT_STATES, readsPlacements, waitingOrder, waitsOnMe, careTypeKey, declineKey,
  mobilityKey, offerStateKey, plStateKey, type CriterionCheck, type Offer, type Placement, type PlacementState,
} from '../src/lib/placements';
import { nl } from '../src/i18n/nl';
import { en } from '../src/i18n/en';
import { translate } from '../src/i18n';
import { href, parseRoute } from '../src/router';
import { buildNewPlacement, emptyPlacementForm } from '../src/lib/placements';

const core = (f: string) => readFileSync(new URL(`../../src/core/${f}`, import.meta.url), 'utf8');
const wire = (text: string, enumName: string) =>
  [...text.matchAll(new RegExp(`case ${enumName}::k\\w+: return "([^"]+)";`, 'g'))].map((m) => m[1]);

const SEND = 'org-send', PROV = 'org-prov', OTHER = 'org-other';
const T0 = Date.parse('2026-12-06T10:00:00Z');
const iso = (min: number) => new Date(T0 + min * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
function offer(id: string, org: string, state: Offer['state'] = 'open'): Offer {
  return {
    id, placement_id: 'p', organization_id: org, unit_id: `${org}-u`, state, decline_reason: null, decline_text: null,
    created_by: 'a', created_at: iso(0), answered_by: null, answered_at: null, reserved_until: null, reservation_ended_at: null,
  };
}
function pl(id: string, state: PlacementState, over: Partial<Placement> = {}): Placement {
  return {
    id, region_id: 'ZWN', from_organization_id: SEND, from_unit_id: 'u-send', care_type: 'elv-high',
    profile: { dementia: false, isolation: false, oxygen: false, weight_kg: null, mobility: 'independent', age: null },
    needs: 'wondzorg', preferred_place: null, preferred_lat: null, preferred_lon: null, earliest_date: '2026-12-06', state,
    has_patient: false, created_by: 'a', created_at: iso(0), updated_at: iso(0), ended_at: null, transfer_id: null, cancel_reason: null,
    waiting_hours: 0, wrong_bed_days: 0, offers: [], version: 1, ...over,
  };
}
const sender = { role: 'org-user', organization_id: SEND };
const provider = { role: 'org-capacity-manager', organization_id: PROV };
const other = { role: 'org-user', organization_id: OTHER };
const coord = { role: 'roaz-coordinator', organization_id: null };
const zcc = { role: 'zcc-coordinator', organization_id: null };
const viewer = { role: 'viewer', organization_id: null };
const admin = { role: 'admin', organization_id: null };
const privacy = { role: 'privacy-officer', organization_id: null };
const orphan = { role: 'org-user', organization_id: null };

describe('the wire names', () => {
  it('are the core\'s, read from the source', () => {
    expect([...PLACEMENT_STATES]).toEqual(wire(core('placement.cc'), 'PlacementState'));
    expect([...OFFER_STATES]).toEqual(wire(core('placement.cc'), 'OfferState'));
    expect([...DECLINE_REASONS]).toEqual(wire(core('placement.cc'), 'DeclineReason'));
    expect([...PLACEMENT_CARE_TYPES]).toEqual(wire(core('admission_criteria.cc'), 'CareType'));
    expect([...MOBILITIES]).toEqual(wire(core('admission_criteria.cc'), 'Mobility'));
  });
  it('the eight criteria are the ones the matching checks, in its order', () => {
    const names = [...core('placement_match.cc').matchAll(/"(care_type|dementia|isolation|oxygen|max_weight_kg|mobility|age_min|age_max)"/g)]
      .map((m) => m[1]);
    expect([...new Set(names)]).toEqual([...CRITERIA]);
  });
  it('every state, care type, reason and mobility has a name in both languages', () => {
    const keys = [...PLACEMENT_STATES.map(plStateKey), ...OFFER_STATES.map(offerStateKey), ...PLACEMENT_CARE_TYPES.map(careTypeKey),
      ...DECLINE_REASONS.map(declineKey), ...MOBILITIES.map(mobilityKey)];
    for (const k of keys) { expect(nl).toHaveProperty([k]); expect(en).toHaveProperty([k]); }
  });
});

describe('who may', () => {
  it('read the desk: organisation users, the region\'s roles, viewers, admin; not the privacy officer or a user without organisation', () => {
    for (const u of [sender, provider, coord, zcc, viewer, admin]) expect(readsPlacements(u)).toBe(true);
    for (const u of [privacy, orphan]) expect(readsPlacements(u)).toBe(false);
  });
  it('record a placement: not viewers or the privacy officer', () => {
    for (const u of [sender, coord, zcc, admin]) expect(mayCreatePlacement(u)).toBe(true);
    for (const u of [viewer, privacy, orphan]) expect(mayCreatePlacement(u)).toBe(false);
  });
  it('offer: the sending organisation and the region\'s coordinators, while the placement is open', () => {
    const p = pl('p', 'waiting');
    for (const u of [sender, coord, zcc, admin]) expect(mayOffer(p, u)).toBe(true);
    for (const u of [provider, other, viewer, privacy]) expect(mayOffer(p, u)).toBe(false);
    expect(mayOffer(pl('p', 'offered'), sender)).toBe(true);
    for (const s of ['placed', 'cancelled'] as const) expect(mayOffer(pl('p', s), coord)).toBe(false);
  });
  it('free beds net of reservations: never below 0, null without beds, a row without reserved as is', () => {
    const beds = { total: 10, staffed: 8, occupied: 6, available: 2 };
    expect(netAvailable({ beds, reserved: 1 })).toBe(1);
    expect(netAvailable({ beds, reserved: 3 })).toBe(0);
    expect(netAvailable({ beds })).toBe(2);
    expect(netAvailable({ beds: null, reserved: 1 })).toBeNull();
  });
  it('cancel: the sending organisation and the region\'s coordinators, while the placement is open', () => {
    for (const u of [sender, coord, zcc, admin]) expect(mayCancel(pl('p', 'offered'), u)).toBe(true);
    for (const u of [provider, other, viewer, privacy]) expect(mayCancel(pl('p', 'waiting'), u)).toBe(false);
    for (const s of ['placed', 'cancelled'] as const) expect(mayCancel(pl('p', s), admin)).toBe(false);
  });
  it('see the matches: not the provider an offer is made to', () => {
    const p = pl('p', 'offered', { offers: [offer('o1', PROV)] });
    for (const u of [sender, coord, viewer, admin]) expect(mayReadMatches(p, u)).toBe(true);
    for (const u of [provider, other, privacy]) expect(mayReadMatches(p, u)).toBe(false);
  });
  it('answer an offer: its provider and the coordinators, only while it is open', () => {
    const o = offer('o1', PROV);
    for (const u of [provider, coord, zcc, admin]) expect(mayAnswer(o, u)).toBe(true);
    for (const u of [sender, other, viewer, privacy]) expect(mayAnswer(o, u)).toBe(false);
    for (const s of ['accepted', 'declined', 'withdrawn', 'expired'] as const) expect(mayAnswer(offer('o', PROV, s), provider)).toBe(false);
  });
});

describe('the waiting list', () => {
  it('puts open placements first, an open offer to my organisation before the rest, then the longest in a wrong bed', () => {
    const items = [
      pl('ended-old', 'placed', { updated_at: iso(10) }),
      pl('short', 'waiting', { wrong_bed_days: 1 }),
      pl('long', 'waiting', { wrong_bed_days: 4.5 }),
      pl('mine', 'offered', { wrong_bed_days: 0, offers: [offer('o', PROV)] }),
      pl('ended-new', 'cancelled', { updated_at: iso(20) }),
    ];
    expect(waitingOrder(items, provider).map((p) => p.id)).toEqual(['mine', 'long', 'short', 'ended-new', 'ended-old']);
    expect(waitingOrder(items, coord).map((p) => p.id)).toEqual(['long', 'short', 'mine', 'ended-new', 'ended-old']);
  });
  it('breaks a tie by the oldest recorded', () => {
    const items = [pl('b', 'waiting', { created_at: iso(5) }), pl('a', 'waiting', { created_at: iso(1) })];
    expect(waitingOrder(items, coord).map((p) => p.id)).toEqual(['a', 'b']);
  });
  it('counts open offers and whether one waits on me; a declined offer does not', () => {
    const p = pl('p', 'offered', { offers: [offer('o1', PROV), offer('o2', OTHER, 'declined'), offer('o3', OTHER)] });
    expect(openOffers(p)).toBe(2);
    expect(waitsOnMe(p, provider)).toBe(true);
    expect(waitsOnMe(pl('p', 'offered', { offers: [offer('o2', PROV, 'declined')] }), provider)).toBe(false);
    expect(waitsOnMe(p, coord)).toBe(false);
  });
});

describe('criterion labels', () => {
  const say = (c: CriterionCheck, lang: 'nl' | 'en' = 'nl') => { const m = criterionLabel(c); return translate(lang, m.key, m.params); };
  it('say a failed weight as the issue asks', () => {
    expect(say({ criterion: 'max_weight_kg', ok: false, need: 130, limit: 120 })).toBe('max. gewicht 120 kg < 130 kg nodig');
    expect(say({ criterion: 'max_weight_kg', ok: true, need: 80, limit: 120 }, 'en')).toBe('max. weight 120 kg ≥ 80 kg needed');
    expect(say({ criterion: 'max_weight_kg', ok: true, need: null, limit: null })).toBe('geen max. gewicht');
    expect(say({ criterion: 'max_weight_kg', ok: true, need: null, limit: 120 })).toBe('max. gewicht 120 kg, gewicht onbekend');
  });
  it('say a need the unit does not meet differently from one the patient does not have', () => {
    expect(say({ criterion: 'oxygen', ok: false, need: true, limit: false })).toBe('geen zuurstof, wel nodig');
    expect(say({ criterion: 'oxygen', ok: true, need: false, limit: false })).toBe('geen zuurstof');
    expect(say({ criterion: 'dementia', ok: true, need: true, limit: true })).toBe('dementie mogelijk, nodig');
  });
  it('name the care types a unit gives', () => {
    expect(say({ criterion: 'care_type', ok: false, need: 'grz', limit: ['elv-low', 'elv-high'] })).toBe('geeft elv-low, elv-high, niet grz');
    expect(say({ criterion: 'age_max', ok: false, need: 70, limit: 65 })).toBe('tot 65 jaar < patiënt 70');
  });
  it('every label of every criterion is in both dictionaries', () => {
    const cases: CriterionCheck[] = [];
    for (const criterion of CRITERIA) {
      for (const ok of [true, false]) for (const need of [null, true, false, 5]) for (const limit of [null, true, false, 9]) {
        cases.push({ criterion, ok, need, limit });
      }
    }
    for (const c of cases) {
      const k = criterionLabel(c).key;
      expect([k, k in nl && k in en]).toEqual([k, true]);
    }
  });
});

describe('the route', () => {
  it('#/plaatsingen and #/placements open the desk, and it links back to the Dutch path', () => {
    expect(parseRoute('#/plaatsingen')).toEqual({ name: 'placements' });
    expect(parseRoute('#/placements')).toEqual({ name: 'placements' });
    expect(href({ name: 'placements' })).toBe('#/plaatsingen');
  });
  it('the desk\'s key "y" is bound once in the app and taken by no view', () => {
    const app = readFileSync(new URL('../src/App.tsx', import.meta.url), 'utf8');
    expect(app.match(/case 'y':/g)).toHaveLength(1);
    expect(app).toContain("key: 'y', show: readsPlacements(user)");
  });
});

describe('the new placement\'s body', () => {
  const base = () => ({ ...emptyPlacementForm(sender), from_unit_id: 'u-send', care_type: 'grz', needs: '  revalidatie na heupfractuur ' });
  it('starts from the user\'s own organisation, none for a coordinator', () => {
    expect(emptyPlacementForm(sender).from_organization_id).toBe(SEND);
    expect(emptyPlacementForm(coord).from_organization_id).toBe('');
  });
  it('is trimmed, carries the profile and leaves empty optional parts out', () => {
    const r = buildNewPlacement({ ...base(), oxygen: true, weight_kg: ' 130 ', mobility: 'bedbound', age: '84' }, 'ZWN');
    expect(r.errors).toEqual({});
    expect(r.value).toEqual({
      region_id: 'ZWN', from_organization_id: SEND, from_unit_id: 'u-send', care_type: 'grz', needs: 'revalidatie na heupfractuur',
      profile: { dementia: false, isolation: false, oxygen: true, mobility: 'bedbound', weight_kg: 130, age: 84 },
    });
  });
  it('refuses missing required fields, a weight or age out of range, half a coordinate and a patient without BSN or name', () => {
    const r = buildNewPlacement({ ...emptyPlacementForm(coord), weight_kg: '0', age: '12.5', preferred_lat: '52.1', withPatient: true }, 'ZWN');
    expect(r.value).toBeNull();
    expect(Object.keys(r.errors).sort()).toEqual(['care_type', 'from_organization_id', 'from_unit_id', 'needs', 'patient.name',
      'preferred_lon', 'profile.age', 'profile.weight_kg']);
    expect(r.errors['profile.weight_kg']).toEqual({ key: 'pl.err.range', params: { min: 1, max: 500 } });
  });
  it('sends the preferred place with both coordinates and the patient with a 9-digit BSN', () => {
    const r = buildNewPlacement({ ...base(), preferred_place: 'Zoetermeer', preferred_lat: '52.06', preferred_lon: '4.49', earliest_date: '2026-12-08',
      withPatient: true, patient: { bsn: '1112.22.333', name: '', birth_date: '' } }, 'ZWN');
    expect(r.value).toMatchObject({ preferred_place: 'Zoetermeer', preferred_lat: 52.06, preferred_lon: 4.49, earliest_date: '2026-12-08', patient: { bsn: '111222333' } });
    expect(buildNewPlacement({ ...base(), withPatient: true, patient: { bsn: '12345', name: 'x', birth_date: '' } }, 'ZWN').errors)
      .toEqual({ 'patient.bsn': { key: 'err.bsnNine' } });
  });
  it('the form\'s route', () => {
    expect(parseRoute('#/plaatsingen/nieuw')).toEqual({ name: 'placementNew' });
    expect(href({ name: 'placementNew' })).toBe('#/plaatsingen/nieuw');
  });
});

describe('the server\'s placement field messages in the user\'s language', () => {
  const said = (m: string) => { const k = localizeCaseMessage(m); return k ? translate('nl', k.key, k.params) : null; };
  it('each message of core/placement.cc and the body reader has its Dutch text', () => {
    expect(said('must be within a year of today')).toBe('Kies een datum binnen een jaar van vandaag.');
    expect(said('must be between 1 and 500')).toBe('Moet tussen 1 en 500 liggen.');
    expect(said('must be between -90 and 90')).toBe('Moet tussen -90 en 90 liggen.');
    expect(said('give both preferred_lat and preferred_lon')).toBe('Geef zowel de breedte- als de lengtegraad.');
    expect(said('must be one of elv-low, elv-high, elv-palliative, vvt-crisis, grz, ggz')).toMatch(/^Kies een zorgsoort/);
    expect(said('unknown mobility "crawl" (one of independent, aid, bedbound)')).toBe('Kies zelfstandig, met hulpmiddel of bedlegerig.');
    expect(said('must be a date as 2026-12-05')).toBe('Geef een datum als 2026-12-05.');
    expect(said('must be an integer, not a string')).toBe('Geef een heel getal.');
    expect(said('not a unit of organisation ziekenhuis-a')).toBe('Geen afdeling van deze organisatie.');
    expect(said('is a ic unit, not a follow-up unit')).toBe('Geen afdeling voor vervolgzorg.');
    expect(said('is required')).toBe('Verplicht veld.');
    expect(said('something new')).toBeNull();
  });
});

// The intake form's body and checks, the server's messages in Dutch, and the If-Match of every change.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildNewCase, contextForm, contextValue, emptyIntake, INTAKE_FIELDS, localizeCaseMessage, type IntakeForm } from '../src/lib/intake';
import { cases, CSRF_HEADER, ifMatch, query, versionOfETag } from '../src/api';
import { nl } from '../src/i18n/nl';
import { en } from '../src/i18n/en';
import {
  CASE_STATES, CHANNELS, HANDOVER_STATES, KNOWN_CARE, LEGAL_BASES, LIVING_SITUATIONS, OUTCOMES, TIMELINE_KINDS, URGENCIES,
} from '../src/types';

const form = (p: Partial<IntakeForm> = {}): IntakeForm => ({ ...emptyIntake(), channel: 'hap', summary: ' Benauwd ', ...p });

describe('intake body', () => {
  it('needs a channel and a summary, and sends only what is filled in', () => {
    expect(buildNewCase(emptyIntake(), 'ZWN').errors).toEqual({ channel: { key: 'err.required' }, summary: { key: 'err.required' } });
    expect(buildNewCase(form(), 'ZWN')).toEqual({ errors: {}, value: { region_id: 'ZWN', channel: 'hap', summary: 'Benauwd' } });
  });
  it('sends caller, requester, subregion and received_at in UTC', () => {
    const v = buildNewCase(form({
      caller: { name: ' A. de Wit ', role: '', phone: '+31 (0)10-123.45' }, requesting_organization_id: 'hap-rijnmond',
      subregion_id: 'ZWN-RR', received_at: '2026-12-05T03:12',
    }), 'ZWN').value!;
    expect(v.caller).toEqual({ name: 'A. de Wit', role: '', phone: '+31 (0)10-123.45' });
    expect(v.requesting_organization_id).toBe('hap-rijnmond');
    expect(v.subregion_id).toBe('ZWN-RR');
    expect(v.received_at).toBe(new Date(2026, 11, 5, 3, 12).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(buildNewCase(form({ caller: { name: '', role: '', phone: 'bel me' } }), 'ZWN').errors['caller.phone']).toEqual({ key: 'err.phone' });
  });
  it('a patient needs a BSN or a name and a legal basis; the BSN is sent as its 9 digits', () => {
    const p = { ...emptyIntake().patient };
    let r = buildNewCase(form({ withPatient: true, patient: p }), 'ZWN');
    expect(r.errors).toEqual({ 'patient.name': { key: 'err.bsnOrName' }, legal_basis: { key: 'err.legalBasis' } });
    r = buildNewCase(form({ withPatient: true, patient: { ...p, bsn: '111 222 333', birth_date: '1941-03-02', allergies: ' penicilline ' }, legal_basis: 'consent' }), 'ZWN');
    expect(r.value?.patient).toEqual({ bsn: '111222333', birth_date: '1941-03-02', allergies: 'penicilline' });
    expect(r.value?.legal_basis).toBe('consent');
    // The 11-proef is the server's: a 9-digit number that fails it is still sent.
    expect(buildNewCase(form({ withPatient: true, patient: { ...p, bsn: '123456789' }, legal_basis: 'consent' }), 'ZWN').value?.patient?.bsn).toBe('123456789');
    expect(buildNewCase(form({ withPatient: true, patient: { ...p, bsn: '1234' }, legal_basis: 'consent' }), 'ZWN').errors['patient.bsn']).toEqual({ key: 'err.bsnNine' });
    // Unticked, nothing of the patient goes out, whatever was typed.
    expect(buildNewCase(form({ withPatient: false, patient: { ...p, name: 'Jansen' } }), 'ZWN').value).not.toHaveProperty('patient');
  });
  it('an urgency needs the complaint too (the server would drop it silently)', () => {
    expect(buildNewCase(form({ urgency: 'U3' }), 'ZWN').errors).toEqual({ complaint: { key: 'err.complaintWithUrgency' } });
    expect(buildNewCase(form({ urgency: 'U3', complaint: 'catheter-problem' }), 'ZWN').value).toMatchObject({ urgency: 'U3', complaint: 'catheter-problem' });
    expect(buildNewCase(form({ complaint: 'catheter-problem' }), 'ZWN').value).toMatchObject({ complaint: 'catheter-problem' });
  });
  it('context: whole years 0–130, known care once, "asked" sends an empty list', () => {
    expect(contextValue({ age: '84', living: 'home-alone', knownCare: ['home-care', 'home-care'], knownCareAsked: true }).value)
      .toEqual({ age_years: 84, living: 'home-alone', known_care: ['home-care'] });
    expect(contextValue({ age: '', living: '', knownCare: [], knownCareAsked: true }).value).toEqual({ known_care: [] });
    expect(contextValue({ age: '', living: '', knownCare: [], knownCareAsked: false }).value).toEqual({});
    expect(contextValue({ age: '131', living: '', knownCare: [], knownCareAsked: false }).error).toEqual({ key: 'err.age', params: { max: 130 } });
    expect(contextValue({ age: '8.5', living: '', knownCare: [], knownCareAsked: false }).error?.key).toBe('err.age');
    expect(buildNewCase(form({ context: { age: 'oud', living: '', knownCare: [], knownCareAsked: false } }), 'ZWN').errors).toHaveProperty(['context.age_years']);
    expect(contextForm({ age_years: 84, living: null, known_care: [] })).toEqual({ age: '84', living: '', knownCare: [], knownCareAsked: true });
    expect(contextForm({ age_years: null, living: 'nursing-home', known_care: null })).toEqual({ age: '', living: 'nursing-home', knownCare: [], knownCareAsked: false });
  });
  it('lists every field it checks', () => {
    for (const f of ['channel', 'summary', 'caller.phone', 'received_at', 'patient.bsn', 'patient.name', 'legal_basis', 'complaint', 'context.age_years']) {
      expect(INTAKE_FIELDS).toContain(f);
    }
  });
});

describe('server messages in the user\'s language', () => {
  it('knows the common ones, keeps the rest as sent', () => {
    expect(localizeCaseMessage('must be a BSN: 9 digits that pass the 11-proef')).toEqual({ key: 'srv.bsn' });
    expect(localizeCaseMessage('is required')).toEqual({ key: 'err.required' });
    expect(localizeCaseMessage('required field "summary" is missing')).toEqual({ key: 'err.required' });
    expect(localizeCaseMessage('is required when patient data is given')).toEqual({ key: 'err.legalBasis' });
    expect(localizeCaseMessage('needs a bsn or a name')).toEqual({ key: 'err.bsnOrName' });
    expect(localizeCaseMessage('must be at most 200 bytes')).toEqual({ key: 'srv.tooLong', params: { max: 200 } });
    expect(localizeCaseMessage('unknown entry complaint "x"')).toEqual({ key: 'srv.complaint' });
    expect(localizeCaseMessage('this server has no patient key: patient data cannot be stored')).toEqual({ key: 'srv.noPatientKey' });
    expect(localizeCaseMessage('something new')).toBeNull();
  });
});

describe('labels', () => {
  it('name every value of the worklist\'s vocabulary, in both languages', () => {
    const keys = [
      ...URGENCIES.flatMap((u) => [`urgency.${u}.short`, `urgency.${u}.long`]), ...CASE_STATES.map((s) => `state.${s}`),
      ...CHANNELS.map((c) => `channel.${c}`), ...OUTCOMES.map((o) => `outcome.${o}`), ...LEGAL_BASES.map((b) => `legal.${b}`),
      ...LIVING_SITUATIONS.map((l) => `living.${l}`), ...KNOWN_CARE.map((k) => `care.${k}`), ...HANDOVER_STATES.map((h) => `handover.${h}`),
      ...TIMELINE_KINDS.map((k) => `timeline.${k}`),
    ];
    for (const k of keys) {
      expect(nl).toHaveProperty([k]);
      expect(en).toHaveProperty([k]);
    }
  });
  it('uses the agreed Dutch words', () => {
    expect(CASE_STATES.map((s) => nl[`state.${s}`])).toEqual(['nieuw', 'getrieerd', 'in consultatie', 'overgedragen', 'geaccepteerd', 'afgewezen', 'gesloten']);
    expect(OUTCOMES.map((o) => nl[`outcome.${o}`])).toEqual(['geholpen door ZCC', 'verwezen', 'zorg voorkomen', 'SEH-bezoek', 'ziekenhuisopname', 'ambulance', 'visite huisarts', 'zelfzorgadvies']);
    expect(CHANNELS.map((c) => nl[`channel.${c}`])).toEqual(['HAP', '112', 'huisarts', 'VVT', 'ziekenhuis', 'GGZ', 'zelftriage', 'overig']);
    expect(nl['case.stale']).toMatch(/^Iemand anders heeft deze melding net gewijzigd/);
  });
});

// Records the requests api.ts makes, answering each with an empty JSON object.
function recordFetch() {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => { calls.push({ url, init }); return new Response('{}', { status: 200 }); }));
  return calls;
}
const header = (init: RequestInit, name: string) => (init.headers as Record<string, string>)[name];
afterEach(() => { vi.unstubAllGlobals(); });

describe('If-Match', () => {
  it('is the version as a strong entity tag, and reads back from an ETag', () => {
    expect(ifMatch(7)).toBe('"7"');
    expect(versionOfETag('"7"')).toBe(7);
    expect(versionOfETag('W/"12"')).toBe(12);
    expect(versionOfETag(' "3" ')).toBe(3);
    for (const bad of ['*', '7', '"x"', '"0"', '', null]) expect(versionOfETag(bad)).toBeNull();
  });
  it('goes with every change of a case and every answer to a handover, with the CSRF header', async () => {
    const calls = recordFetch();
    await cases.act('c-1', 'triage', 4, { urgency: 'U3', complaint: 'x' });
    await cases.act('c-1', 'handovers', 5, { to_organization_id: 'laurens', sbar: {} });
    await cases.answer('h-1', 'accept', 2, {});
    await cases.answer('h-1', 'decline', 3, { reason: 'vol' });
    expect(calls.map((c) => [c.init.method, c.url, header(c.init, 'If-Match')])).toEqual([
      ['POST', '/api/v1/cases/c-1/triage', '"4"'],
      ['POST', '/api/v1/cases/c-1/handovers', '"5"'],
      ['POST', '/api/v1/handovers/h-1/accept', '"2"'],
      ['POST', '/api/v1/handovers/h-1/decline', '"3"'],
    ]);
    for (const c of calls) expect(header(c.init, CSRF_HEADER)).toBe('1');
  });
  it('is not sent on reads; the patient is fetched with its purpose and never from a cache', async () => {
    const calls = recordFetch();
    await cases.list({ region: 'ZWN', state: 'open', channel: '', subregion: 'ZWN-RR' });
    await cases.patient('c-1', 'hand-over');
    expect(calls[0].url).toBe('/api/v1/cases?region=ZWN&state=open&subregion=ZWN-RR');
    expect(calls[1].url).toBe('/api/v1/cases/c-1/patient?purpose=hand-over');
    expect(calls[1].init.cache).toBe('no-store');
    for (const c of calls) expect(header(c.init, 'If-Match')).toBeUndefined();
  });
  it('builds query strings of the given parameters only', () => {
    expect(query({ a: 'x y', b: '', c: undefined, d: null, e: 0 })).toBe('?a=x%20y&e=0');
    expect(query({})).toBe('');
  });
});

// The region's phase (src/lib/phase.ts): who may declare it, the form and the body of PUT /regions/{id}/phase with
// the checks the server makes, the server's field messages in Dutch, what the header shows under live events, and
// the phase stand-in (dev/mock-phase.mjs) answering as the contract says.
import { describe, expect, it } from 'vitest';
import {
  buildPhaseBody, choosePhase, isPhase, mayDeclarePhase, neverDeclared, phaseFieldMessage, phaseFormOf, phaseKey, PHASES,
  RATIONALE_MAX_BYTES, shownPhase, utf8Bytes, type RegionPhase,
} from '../src/lib/phase';
import { nl } from '../src/i18n/nl';
import { en } from '../src/i18n/en';
import { translate } from '../src/i18n';
import { createPhase } from '../dev/mock-phase.mjs';

describe('who declares the phase', () => {
  it('the region\'s ROAZ and ZCC coordinators and admins; everyone else reads it', () => {
    for (const role of ['roaz-coordinator', 'zcc-coordinator']) {
      expect(mayDeclarePhase({ role, region_id: 'ZWN' }, 'ZWN')).toBe(true);
      expect(mayDeclarePhase({ role, region_id: 'RAV' }, 'ZWN')).toBe(false);
    }
    expect(mayDeclarePhase({ role: 'admin', region_id: null }, 'ZWN')).toBe(true);
    for (const role of ['org-user', 'org-capacity-manager', 'viewer', 'privacy-officer']) {
      expect(mayDeclarePhase({ role, region_id: 'ZWN' }, 'ZWN')).toBe(false);
    }
  });
});

describe('the form and its body', () => {
  it('starts at the current phase with an empty rationale; approval on by default in a crisis', () => {
    expect(phaseFormOf(neverDeclared('ZWN'))).toEqual({ phase: 'regular', rationale: '', transfer_approval: true });
    expect(phaseFormOf({ phase: 'crisis', transfer_approval: false })).toEqual({ phase: 'crisis', rationale: '', transfer_approval: false });
  });
  it('choosing crisis turns approval on; choosing the same phase changes nothing', () => {
    const f = { phase: 'regular' as const, rationale: 'x', transfer_approval: false };
    expect(choosePhase(f, 'crisis')).toEqual({ phase: 'crisis', rationale: 'x', transfer_approval: true });
    expect(choosePhase(f, 'regular')).toBe(f);
  });
  it('sends the trimmed rationale, and transfer_approval only in a crisis', () => {
    expect(buildPhaseBody({ phase: 'crisis', rationale: '  IC 95% ', transfer_approval: true }).value)
      .toEqual({ phase: 'crisis', rationale: 'IC 95%', transfer_approval: true });
    expect(buildPhaseBody({ phase: 'crisis', rationale: 'x', transfer_approval: false }).value)
      .toEqual({ phase: 'crisis', rationale: 'x', transfer_approval: false });
    // Outside a crisis the switch has no meaning: never sent (true would be refused, false is the default).
    expect(buildPhaseBody({ phase: 'adjusted', rationale: 'griep', transfer_approval: true }).value)
      .toEqual({ phase: 'adjusted', rationale: 'griep' });
  });
  it('refuses an empty rationale, one over 1000 bytes (UTF-8, as the server counts) and an unknown phase', () => {
    expect(buildPhaseBody({ phase: 'regular', rationale: '   ', transfer_approval: false }))
      .toEqual({ errors: { rationale: { key: 'err.required' } }, value: null });
    expect(utf8Bytes('é')).toBe(2);
    const long = 'é'.repeat(501); // 501 characters, 1002 bytes
    expect(buildPhaseBody({ phase: 'regular', rationale: long, transfer_approval: false }).errors['rationale'])
      .toEqual({ key: 'srv.tooLong', params: { max: RATIONALE_MAX_BYTES } });
    expect(buildPhaseBody({ phase: 'regular', rationale: 'é'.repeat(500), transfer_approval: false }).value).not.toBeNull();
    expect(buildPhaseBody({ phase: 'peace' as never, rationale: 'x', transfer_approval: false }).errors['phase']).toEqual({ key: 'phase.err.phase' });
    expect(PHASES.every(isPhase) && !isPhase('peace')).toBe(true);
  });
});

describe('the server\'s field messages, in Dutch', () => {
  const dutch = (field: string, m: string) => { const k = phaseFieldMessage(field, m); return translate('nl', k.key, k.params); };
  it('required and too long as elsewhere', () => {
    expect(dutch('rationale', 'is required')).toBe(nl['err.required']);
    expect(dutch('rationale', 'must be at most 1000 bytes')).toMatch(/1000/);
  });
  it('a refused approval switch can only mean it is on outside a crisis', () => {
    expect(dutch('transfer_approval', 'may only be true in the crisis phase')).toBe('Goedkeuring van overplaatsingen kan alleen in de crisisfase aan.');
    expect(dutch('transfer_approval', 'must be true only when phase is crisis')).toBe(nl['phase.srv.approvalCrisis']);
    expect(dutch('transfer_approval', 'must be true or false')).toBe(nl['phase.srv.approvalBool']);
  });
  it('the phase, unknown fields, and the rest with the server\'s words behind a Dutch lead', () => {
    expect(dutch('phase', 'must be one of regular, adjusted, crisis')).toBe('Kies regulier, aangepast of crisis.');
    expect(dutch('extra', 'unknown field')).toBe(nl['phase.srv.unknown']);
    expect(dutch('rationale', 'must not hold control characters')).toBe('Niet geaccepteerd: must not hold control characters');
  });
});

describe('what the header shows', () => {
  const data: RegionPhase = { ...neverDeclared('ZWN'), phase: 'adjusted', version: 2, rationale: 'griep', declared_by: 'zcc1', declared_at: '2026-12-07T10:00:00Z' };
  it('the declaration fetched, or a newer phase announced live until the refetch arrives', () => {
    expect(shownPhase(null, null)).toBeNull();
    expect(shownPhase(data, null)).toBe(data);
    const e = { region_id: 'ZWN', phase: 'crisis' as const, transfer_approval: true, version: 3, at: '2026-12-07T11:00:00Z' };
    expect(shownPhase(data, e)).toEqual({ phase: 'crisis', transfer_approval: true, version: 3 });
    expect(shownPhase(null, e)).toEqual({ phase: 'crisis', transfer_approval: true, version: 3 });
    expect(shownPhase({ ...data, version: 3 }, e)).toEqual({ ...data, version: 3 });
  });
  it('names every phase in both languages', () => {
    expect(PHASES.map((p) => nl[phaseKey(p) as keyof typeof nl])).toEqual(['Regulier', 'Aangepast', 'Crisis']);
    expect(PHASES.map((p) => en[phaseKey(p) as keyof typeof en])).toEqual(['Regular', 'Adjusted', 'Crisis']);
    expect(nl['phase.label']).toBe('Fase');
    expect(nl['phase.approvalOn']).toBe('goedkeuring overplaatsingen aan');
    expect(nl['phase.field.approval']).toBe('Elke overplaatsing vraagt goedkeuring van de coördinator');
  });
});

// The stand-in, driven without a network: a request and response just rich enough for its handler.
describe('the phase stand-in (dev/mock-phase.mjs)', () => {
  type Answer = { status: number; body: Record<string, unknown>; headers: Record<string, string>; setHeader: (k: string, v: string) => void };
  type Req = { method: string; headers: Record<string, string>; body: string };
  const events: { type: string; data: unknown }[] = [];
  const handle = createPhase({
    region: { id: 'ZWN' },
    json: (res: Answer, status: number, body: unknown) => { res.status = status; res.body = body as Record<string, unknown>; },
    problem: (res: Answer, status, title, errors, detail) => { res.status = status; res.body = { title, errors, detail }; },
    readBody: (req: Req) => Promise.resolve(req.body),
    publish: (type, data) => { events.push({ type, data }); },
  });
  const call = async (method: string, user: { username: string; role: string; region_id: string | null }, body?: object, ifMatch?: string) => {
    const res: Answer = { status: 0, body: {}, headers: {}, setHeader(k, v) { this.headers[k] = v; } };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (ifMatch) headers['if-match'] = ifMatch;
    await handle({ method, headers, body: JSON.stringify(body ?? {}) }, res, new URL('http://x/api/v1/regions/ZWN/phase'), user);
    return res;
  };
  const zcc = { username: 'zcc1', role: 'zcc-coordinator', region_id: 'ZWN' };
  const hospital = { username: 'h', role: 'org-user', region_id: 'ZWN' };

  it('answers the contract: never declared, 403, 428, 422 by field, 200 with the event, 412 when stale', async () => {
    const never = await call('GET', hospital);
    expect(never.body).toMatchObject({ phase: 'regular', transfer_approval: false, version: 0, history: [], declared_at: null });
    expect((await call('PUT', hospital, { phase: 'crisis', rationale: 'x' }, '"0"')).status).toBe(403);
    expect((await call('PUT', zcc, { phase: 'crisis', rationale: 'x' })).status).toBe(428);
    const bad = await call('PUT', zcc, { phase: 'adjusted', rationale: ' ', transfer_approval: true, extra: 1 }, '"0"');
    expect(bad.status).toBe(422);
    expect((bad.body['errors'] as { field: string }[]).map((e) => e.field).sort()).toEqual(['extra', 'rationale', 'transfer_approval']);
    const ok = await call('PUT', zcc, { phase: 'crisis', rationale: 'IC 95%' }, '"0"');
    expect(ok.status).toBe(200);
    expect(ok.headers['ETag']).toBe('"1"');
    expect(ok.body).toMatchObject({ phase: 'crisis', transfer_approval: true, declared_by: 'zcc1', version: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'phase', data: { region_id: 'ZWN', phase: 'crisis', transfer_approval: true, version: 1 } });
    expect(handle.approvalRequired()).toBe(true);
    expect((await call('PUT', zcc, { phase: 'regular', rationale: 'x' }, '"0"')).status).toBe(412);
    const back = await call('PUT', zcc, { phase: 'regular', rationale: 'rustig' }, '"1"');
    expect((back.body['history'] as { phase: string }[]).map((h) => h.phase)).toEqual(['regular', 'crisis']);
    expect(handle.approvalRequired()).toBe(false);
  });
});

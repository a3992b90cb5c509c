// The worklist's pure rules: timers, the state machine's steps (held to core/cases.h), the 11-proef hint,
// problem+json field mapping, refusals, worklist and inbox order, names of complaints, routes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bsnHint, canWorkCases, complaintName, countdown, elevenTest, fieldOf, formatTarget, hasInbox, impliedHandoverState,
  isOpenForZcc, mapFieldErrors, mayReadPatient, moveSelection, normalizeBsn, refusalOf, stepPath, stepsFor, targetStatus,
  truncate, waitingSeconds, worklistBand, worklistBefore,
} from '../src/lib/cases';
import { inboxOrder } from '../src/views/Inbox';
import { parseRoute, href } from '../src/router';
import { CASE_STATES, type CaseState, type HandoverWithCase } from '../src/types';

const T0 = Date.parse('2026-12-05T03:00:00Z');
const at = (min: number, s = 0) => new Date(T0 + min * 60000 + s * 1000).toISOString();

describe('target timer', () => {
  it('counts down to due_at while the ZCC owes an answer', () => {
    expect(targetStatus({ state: 'triaged', due_at: at(12) }, T0)).toEqual({ kind: 'left', seconds: 720 });
    expect(targetStatus({ state: 'new', due_at: at(-3) }, T0)).toEqual({ kind: 'late', seconds: 180 });
    // Due this very second is late (the server's `now > due_at` one second on).
    expect(targetStatus({ state: 'handed-over', due_at: at(0) }, T0).kind).toBe('late');
    expect(targetStatus({ state: 'declined', due_at: at(0, 1) }, T0)).toEqual({ kind: 'left', seconds: 1 });
  });
  it('has no deadline for U5 and none once accepted or closed', () => {
    expect(targetStatus({ state: 'triaged', due_at: null }, T0).kind).toBe('none');
    expect(targetStatus({ state: 'accepted', due_at: at(-30) }, T0).kind).toBe('none');
    expect(targetStatus({ state: 'closed', due_at: at(-30) }, T0).kind).toBe('none');
    expect(countdown('not a time', T0).kind).toBe('none');
  });
  it('reads "nog 12 min" / "3 min te laat", seconds below a minute, hours above', () => {
    expect(formatTarget({ kind: 'left', seconds: 720 }, 'nl')).toBe('nog 12 min');
    expect(formatTarget({ kind: 'late', seconds: 180 }, 'nl')).toBe('3 min te laat');
    expect(formatTarget({ kind: 'left', seconds: 45 }, 'nl')).toBe('nog 45 s');
    expect(formatTarget({ kind: 'late', seconds: 3900 }, 'nl')).toBe('1 u 05 min te laat');
    expect(formatTarget({ kind: 'left', seconds: 720 }, 'en')).toBe('12 min left');
    expect(formatTarget({ kind: 'late', seconds: 3900 }, 'en')).toBe('1 h 05 min late');
    expect(formatTarget({ kind: 'none' }, 'nl')).toBe('—');
  });
  it('waiting time runs from received_at, never negative', () => {
    expect(waitingSeconds(at(-75), T0)).toBe(4500);
    expect(waitingSeconds(at(2), T0)).toBe(0);
    expect(waitingSeconds('garbage', T0)).toBe(0);
  });
  it('the target clock runs in the states core IsOpenForZcc names', () => {
    expect(CASE_STATES.filter(isOpenForZcc)).toEqual(['new', 'triaged', 'in-consultation', 'handed-over', 'declined']);
  });
});

// core/cases.h kCaseTransitions, read from the header: the UI offers exactly the ZCC's legal steps.
const WIRE: Record<string, string> = {
  kNew: 'new', kTriaged: 'triaged', kInConsultation: 'in-consultation', kHandedOver: 'handed-over', kAccepted: 'accepted',
  kDeclined: 'declined', kClosed: 'closed', kTriage: 'triage', kConsult: 'consult', kEndConsult: 'end-consult',
  kHandOver: 'hand-over', kAccept: 'accept', kDecline: 'decline', kWithdraw: 'withdraw', kClose: 'close',
};
const header = readFileSync(new URL('../../src/core/cases.h', import.meta.url), 'utf8');
const transitions = [...header.matchAll(/\{CaseState::(k\w+), CaseAction::(k\w+), CaseState::(k\w+)\}/g)]
  .map((m) => ({ from: WIRE[m[1]], action: WIRE[m[2]], to: WIRE[m[3]] }));

describe('steps per state', () => {
  it('the transition table is read from core/cases.h', () => {
    expect(transitions).toHaveLength(22);
  });
  it.each(CASE_STATES.map((s) => [s]))('%s: exactly the ZCC\'s legal steps (advice only in consultation)', (state: CaseState) => {
    const legal = transitions.filter((x) => x.from === state && x.action !== 'accept' && x.action !== 'decline').map((x) => x.action);
    const offered = stepsFor(state);
    expect(offered.filter((s) => s !== 'advice').sort()).toEqual([...new Set(legal)].sort());
    expect(offered.includes('advice')).toBe(state === 'in-consultation');
  });
  it('maps steps onto the API paths', () => {
    expect(stepPath('hand-over')).toBe('handovers');
    expect(stepPath('end-consult')).toBe('end-consult');
  });
});

describe('roles', () => {
  it('worklist for the ZCC and admin; inbox for users of an organisation; patient data not for admin', () => {
    expect(['zcc-coordinator', 'admin', 'roaz-coordinator', 'viewer', 'org-user'].map(canWorkCases)).toEqual([true, true, false, false, false]);
    expect(hasInbox({ role: 'org-user', organization_id: 'laurens' })).toBe(true);
    expect(hasInbox({ role: 'org-capacity-manager', organization_id: 'maasstad' })).toBe(true);
    expect(hasInbox({ role: 'org-user', organization_id: null })).toBe(false);
    expect(hasInbox({ role: 'zcc-coordinator', organization_id: null })).toBe(false);
    expect(mayReadPatient('admin')).toBe(false);
    expect(mayReadPatient('zcc-coordinator')).toBe(true);
    expect(mayReadPatient('viewer')).toBe(false);
  });
});

describe('BSN 11-proef hint', () => {
  it('accepts valid numbers, also typed with spaces or dots', () => {
    expect(elevenTest('111222333')).toBe(true);
    expect(elevenTest('999999990')).toBe(true);
    expect(bsnHint('111222333')).toBeNull();
    expect(bsnHint('1112.22.333')).toBeNull();
    expect(bsnHint(' 111 222 333 ')).toBeNull();
    expect(normalizeBsn('111.222-333')).toBe('111222333');
  });
  it('names what is wrong', () => {
    expect(bsnHint('')).toBeNull();
    expect(bsnHint('12345678a')).toBe('digits');
    expect(bsnHint('12345678')).toBe('length');
    expect(bsnHint('1234567890')).toBe('length');
    expect(bsnHint('123456789')).toBe('checksum');
    expect(bsnHint('000000000')).toBe('checksum');
  });
});

describe('problem+json field errors', () => {
  const fields = ['summary', 'patient', 'patient.bsn', 'legal_basis', 'context.known_care', 'sbar'];
  it('normalises field names', () => {
    expect(fieldOf('patient.bsn')).toBe('patient.bsn');
    expect(fieldOf('/patient/bsn')).toBe('patient.bsn');
    expect(fieldOf('context.known_care[2]')).toBe('context.known_care');
    expect(fieldOf('')).toBeNull();
  });
  it('puts each error next to its field, a child under its shown parent, the rest in general', () => {
    const m = mapFieldErrors({
      status: 422, detail: 'the care request is not valid; nothing was stored', errors: [
        { field: 'patient.bsn', message: 'must be a BSN: 9 digits that pass the 11-proef' },
        { field: '/legal_basis', message: 'is required when patient data is given' },
        { field: 'context.known_care[1]', message: 'is listed twice' },
        { field: 'context.known_care[3]', message: 'is listed twice' },
        { field: 'sbar.situation', message: 'is required' },
        { field: 'region_id', message: 'is required' },
        { field: '', message: 'body is not JSON' },
      ],
    }, fields);
    expect(m.fields).toEqual({
      'patient.bsn': 'must be a BSN: 9 digits that pass the 11-proef',
      'legal_basis': 'is required when patient data is given',
      'context.known_care': 'is listed twice; is listed twice',
      'sbar': 'is required',
    });
    expect(m.general).toEqual(['region_id: is required', 'body is not JSON']);
  });
  it('falls back to the detail without field errors', () => {
    expect(mapFieldErrors({ status: 409, detail: 'case is new: triage it first' }, fields)).toEqual({ fields: {}, general: ['case is new: triage it first'] });
    expect(mapFieldErrors(null, fields)).toEqual({ fields: {}, general: [] });
  });
  it('reads the refusals of a change', () => {
    expect([412, 409, 428, 403, 404, 422, 400, 500].map(refusalOf))
      .toEqual(['stale', 'conflict', 'precondition', 'forbidden', 'not-found', 'invalid', 'invalid', 'other']);
  });
});

describe('order', () => {
  const c = (id: string, urgency: string | null, min: number) => ({ id, urgency: urgency as never, received_at: at(min) });
  it('bands as core WorklistBand: U0, U1, untriaged, U2 … U5', () => {
    expect([['U0'], ['U1'], [null], ['U2'], ['U3'], ['U4'], ['U5']].map(([u]) => worklistBand(u as never))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('sorts by band, then longest waiting, then id', () => {
    const list = [c('e', 'U5', -100), c('d', 'U2', -5), c('c', null, -1), c('b', 'U2', -50), c('a', 'U1', 0), c('f', 'U2', -50)];
    expect(list.sort(worklistBefore).map((x) => x.id)).toEqual(['a', 'c', 'b', 'f', 'd', 'e']);
  });
  it('puts handovers waiting for an answer first in the inbox, most urgent first', () => {
    const h = (id: string, state: string, urgency: string | null, min: number) =>
      ({ id, state, case: { id: `c${id}`, urgency, received_at: at(min) } }) as unknown as HandoverWithCase;
    const items = [h('1', 'accepted', 'U1', 0), h('2', 'requested', 'U4', -60), h('3', 'requested', 'U2', -5), h('4', 'rejected', 'U1', 0)];
    expect(inboxOrder(items).map((x) => x.id)).toEqual(['3', '2', '1', '4']);
  });
  it('moves a selection within the list', () => {
    expect(moveSelection(-1, 1, 5)).toBe(0);
    expect(moveSelection(-1, -1, 5)).toBe(4);
    expect(moveSelection(4, 1, 5)).toBe(4);
    expect(moveSelection(0, -1, 5)).toBe(0);
    expect(moveSelection(2, -10, 5)).toBe(0);
    expect(moveSelection(0, 1, 0)).toBe(-1);
  });
});

describe('names and texts', () => {
  it('names a complaint whichever way the server names the names', () => {
    expect(complaintName({ code: 'x', nl: 'Katheterproblemen', en: 'Catheter problem' }, 'nl')).toBe('Katheterproblemen');
    expect(complaintName({ code: 'x', name_nl: 'Katheterproblemen', name_en: 'Catheter problem' }, 'en')).toBe('Catheter problem');
    expect(complaintName({ code: 'x', en: 'Catheter problem' }, 'nl')).toBe('Catheter problem');
    expect(complaintName(undefined, 'nl', 'catheter-problem')).toBe('catheter-problem');
  });
  it('implies the handover state from the case state', () => {
    expect(impliedHandoverState('handed-over')).toBe('requested');
    expect(impliedHandoverState('accepted')).toBe('accepted');
    expect(impliedHandoverState('declined')).toBe('rejected');
    expect(impliedHandoverState('triaged')).toBeNull();
  });
  it('truncates to one line', () => {
    expect(truncate('kort', 10)).toBe('kort');
    expect(truncate('een  lange\nregel tekst', 10)).toBe('een lange…');
  });
});

describe('routes of the worklist', () => {
  it('round-trip, with English aliases', () => {
    for (const r of [{ name: 'worklist' }, { name: 'intake' }, { name: 'case', id: 'c-0123456789abcdef' }, { name: 'inbox' }] as const) {
      expect(parseRoute(href(r))).toEqual(r);
    }
    expect(href({ name: 'case', id: 'c-1' })).toBe('#/melding/c-1');
    expect(parseRoute('#/cases/c-1')).toEqual({ name: 'case', id: 'c-1' });
    expect(parseRoute('#/worklist')).toEqual({ name: 'worklist' });
    expect(parseRoute('#/cases/new')).toEqual({ name: 'intake' });
    expect(parseRoute('#/melding')).toEqual({ name: 'worklist' });
  });
});

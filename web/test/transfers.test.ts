// The transfer board's rules (src/lib/transfers.ts): the steps held to core/transfers.h, who may take which
// step by role and side, the board's order, the alert, the bodies of a new transfer and of a step.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  alertsUser, approvalKey, boardOrder, boardScope, buildNewTransfer, buildStep, emptyTransferForm, eventConcerns, heldSteps,
  HELD_WHILE_PENDING, mayApprove, mayCreateTransfer, mayReadTransferPatient, readsTransfers, sideOf, stateKey, stepKey, stepsFor,
  TRANSFER_STATES, TRANSFER_STEPS, waitsOnMe, withSeenApproval, type Transfer, type TransferState,
} from '../src/lib/transfers';
import { nl } from '../src/i18n/nl';
import { en } from '../src/i18n/en';
import { parseRoute, href } from '../src/router';
import { localizeCaseMessage } from '../src/lib/intake';

const WIRE: Record<string, string> = {
  kRequested: 'requested', kAccepted: 'accepted', kDeclined: 'declined', kPlanned: 'planned', kEnRoute: 'en-route',
  kArrived: 'arrived', kCancelled: 'cancelled', kSending: 'sending', kReceiving: 'receiving', kEither: 'either',
};
const header = readFileSync(new URL('../../src/core/transfers.h', import.meta.url), 'utf8');
const table = [...header.matchAll(/\{TransferState::(k\w+), TransferState::(k\w+), TransferSide::(k\w+), (true|false)\}/g)]
  .map((m) => ({ from: WIRE[m[1]], to: WIRE[m[2]], side: WIRE[m[3]], needsReason: m[4] === 'true' }));

const SEND = 'org-send', RECV = 'org-recv', OTHER = 'org-other';
const T0 = Date.parse('2026-12-06T10:00:00Z');
const iso = (min: number) => new Date(T0 + min * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
function tr(id: string, state: TransferState, over: Partial<Transfer> = {}): Transfer {
  return {
    id, region_id: 'ZWN', from_organization_id: SEND, from_unit_id: 'u-send', to_organization_id: RECV, to_unit_id: 'u-recv',
    care_type: 'ic', reason: 'capaciteit', case_id: null, has_patient: false, state, planned_at: null, created_by: 'a',
    requested_at: iso(0), updated_at: iso(0), answered_at: null, departed_at: null, ended_at: null, version: 1, ...over,
  };
}
const sender = { role: 'org-user', organization_id: SEND };
const receiver = { role: 'org-capacity-manager', organization_id: RECV };
const other = { role: 'org-user', organization_id: OTHER };
const coord = { role: 'roaz-coordinator', organization_id: null };
const zcc = { role: 'zcc-coordinator', organization_id: null };
const viewer = { role: 'viewer', organization_id: null };
const admin = { role: 'admin', organization_id: null };
const privacy = { role: 'privacy-officer', organization_id: null };
const to = (t: Transfer, u: Parameters<typeof stepsFor>[1]) => stepsFor(t, u).map((s) => s.to);

describe('the steps', () => {
  it('are core/transfers.h kTransferSteps, read from the header', () => {
    expect(table).toHaveLength(9);
    expect([...TRANSFER_STEPS].sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`)))
      .toEqual([...table].sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`)));
  });
  it('the receiving side accepts or declines a request; the sending side may only cancel it', () => {
    const t = tr('t1', 'requested');
    expect(to(t, receiver).sort()).toEqual(['accepted', 'declined']);
    expect(to(t, sender)).toEqual(['cancelled']);
    expect(to(t, other)).toEqual([]);
  });
  it('either side plans and reports en route; only the receiving side confirms the arrival', () => {
    expect(to(tr('t', 'accepted'), sender).sort()).toEqual(['cancelled', 'planned']);
    expect(to(tr('t', 'accepted'), receiver)).toEqual(['planned']);
    expect(to(tr('t', 'planned'), receiver)).toEqual(['en-route']);
    expect(to(tr('t', 'en-route'), receiver)).toEqual(['arrived']);
    expect(to(tr('t', 'en-route'), sender)).toEqual(['cancelled']);
  });
  it('region-wide roles take every legal step; a viewer and the privacy officer none', () => {
    for (const u of [coord, zcc, admin]) expect(to(tr('t', 'requested'), u).sort()).toEqual(['accepted', 'cancelled', 'declined']);
    for (const u of [viewer, privacy]) expect(to(tr('t', 'requested'), u)).toEqual([]);
  });
  it('a closed transfer has no steps', () => {
    for (const s of ['arrived', 'declined', 'cancelled'] as const) expect(to(tr('t', s), coord)).toEqual([]);
  });
  it('an organisation user of both sides (a move within one organisation) gets both sides\' steps', () => {
    const t = tr('t', 'requested', { to_organization_id: SEND });
    expect(to(t, sender).sort()).toEqual(['accepted', 'cancelled', 'declined']);
  });
  it('declining and cancelling need a reason', () => {
    expect(TRANSFER_STEPS.filter((s) => s.needsReason).map((s) => s.to).sort())
      .toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled', 'declined']);
  });
});

describe('who sees what', () => {
  it('the board is the organisation\'s for its users and the region\'s for the rest', () => {
    expect(boardScope(sender)).toBe('organization');
    expect(boardScope(coord)).toBe('region');
    expect(boardScope({ role: 'org-user', organization_id: null })).toBe('region');
  });
  it('reads and creates by role', () => {
    expect([sender, receiver, coord, zcc, viewer, admin].every(readsTransfers)).toBe(true);
    expect(readsTransfers(privacy)).toBe(false);
    expect(mayCreateTransfer(viewer)).toBe(false);
    expect(mayCreateTransfer(sender) && mayCreateTransfer(zcc)).toBe(true);
  });
  it('the patient: the two sides\' users and the ZCC, not a viewer, ROAZ coordinator, admin or a third organisation', () => {
    const t = tr('t', 'requested');
    expect([sender, receiver, zcc].map((u) => mayReadTransferPatient(u, t))).toEqual([true, true, true]);
    expect([other, viewer, coord, admin].map((u) => mayReadTransferPatient(u, t))).toEqual([false, false, false, false]);
  });
  it('side of the user', () => {
    expect(sideOf(tr('t', 'requested'), sender)).toBe('sending');
    expect(sideOf(tr('t', 'requested'), receiver)).toBe('receiving');
    expect(sideOf(tr('t', 'requested'), coord)).toBeNull();
  });
});

describe('the live alert', () => {
  const ev = { alert: true, alert_organization_id: RECV, from_organization_id: SEND, to_organization_id: RECV };
  it('alerts the receiving organisation\'s users only', () => {
    expect(alertsUser(ev, receiver)).toBe(true);
    expect(alertsUser(ev, sender)).toBe(false);
    expect(alertsUser(ev, coord)).toBe(false);
    expect(alertsUser({ ...ev, alert: false }, receiver)).toBe(false);
  });
  it('the organisation\'s board follows only its own transfers; the region\'s all', () => {
    expect(eventConcerns(ev, receiver)).toBe(true);
    expect(eventConcerns(ev, other)).toBe(false);
    expect(eventConcerns(ev, coord)).toBe(true);
  });
});

describe('the board order', () => {
  it('open first, waiting on the user first, then en route, requested, accepted, planned; closed by newest change', () => {
    const items = [
      tr('closed-old', 'arrived', { updated_at: iso(5) }),
      tr('planned', 'planned'),
      tr('closed-new', 'cancelled', { updated_at: iso(9) }),
      tr('requested-old', 'requested', { requested_at: iso(1) }),
      tr('en-route', 'en-route'),
      tr('requested-new', 'requested', { requested_at: iso(3) }),
      tr('accepted', 'accepted'),
    ];
    expect(boardOrder(items, coord).map((t) => t.id))
      .toEqual(['en-route', 'requested-new', 'requested-old', 'accepted', 'planned', 'closed-new', 'closed-old']);
    // The sending side waits on an accepted transfer (to plan it): that comes first for it.
    expect(boardOrder(items, sender)[0].id).toBe('accepted');
    expect(boardOrder(items, receiver).slice(0, 4).map((t) => t.id)).toEqual(['en-route', 'requested-new', 'requested-old', 'accepted']);
  });
  it('planned ones by the earliest planned time', () => {
    const items = [tr('late', 'planned', { planned_at: iso(90) }), tr('none', 'planned'), tr('soon', 'planned', { planned_at: iso(30) })];
    expect(boardOrder(items, coord).map((t) => t.id)).toEqual(['soon', 'late', 'none']);
  });
  it('waits on the user', () => {
    expect(waitsOnMe(tr('t', 'requested'), receiver)).toBe(true);
    expect(waitsOnMe(tr('t', 'requested'), sender)).toBe(false);
    expect(waitsOnMe(tr('t', 'planned'), receiver)).toBe(false);
    expect(waitsOnMe(tr('t', 'en-route'), receiver)).toBe(true);
  });
});

describe('labels', () => {
  it('every state and step is named in both languages', () => {
    for (const s of TRANSFER_STATES) for (const d of [nl, en]) expect(d).toHaveProperty(stateKey(s));
    for (const s of TRANSFER_STEPS) for (const d of [nl, en]) expect(d).toHaveProperty(stepKey(s.to));
    expect(nl[stateKey('en-route') as keyof typeof nl]).toBe('onderweg');
  });
  it('routes', () => {
    expect(parseRoute('#/overplaatsingen')).toEqual({ name: 'transfers' });
    expect(parseRoute('#/overplaatsingen/nieuw')).toEqual({ name: 'transferNew' });
    expect(parseRoute('#/transfers/t-0123456789abcdef')).toEqual({ name: 'transfer', id: 't-0123456789abcdef' });
    expect(parseRoute(href({ name: 'transfer', id: 't-1' }))).toEqual({ name: 'transfer', id: 't-1' });
    expect(parseRoute(href({ name: 'transferNew' }))).toEqual({ name: 'transferNew' });
  });
});

describe('a new transfer', () => {
  const full = () => ({
    ...emptyTransferForm(sender), from_unit_id: 'u-send', to_organization_id: RECV, to_unit_id: 'u-recv', care_type: 'ic', reason: '  vol  ',
  });
  it('an organisation user\'s own organisation is preselected; a coordinator chooses', () => {
    expect(emptyTransferForm(sender).from_organization_id).toBe(SEND);
    expect(emptyTransferForm(coord).from_organization_id).toBe('');
  });
  it('names every missing field and nothing is built', () => {
    const r = buildNewTransfer(emptyTransferForm(coord), 'ZWN');
    expect(r.value).toBeNull();
    expect(Object.keys(r.errors).sort()).toEqual(['care_type', 'from_organization_id', 'from_unit_id', 'reason', 'to_organization_id', 'to_unit_id']);
  });
  it('builds the body: trimmed, optional parts left out, the planned time in UTC', () => {
    const r = buildNewTransfer({ ...full(), planned_at: '2026-12-06T14:30' }, 'ZWN');
    expect(r.errors).toEqual({});
    expect(r.value).toEqual({
      region_id: 'ZWN', from_organization_id: SEND, from_unit_id: 'u-send', to_organization_id: RECV, to_unit_id: 'u-recv',
      care_type: 'ic', reason: 'vol', planned_at: new Date('2026-12-06T14:30').toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    expect(buildNewTransfer(full(), 'ZWN').value).not.toHaveProperty('patient');
  });
  it('refuses the same unit on both sides, and a patient without BSN or name', () => {
    expect(buildNewTransfer({ ...full(), to_unit_id: 'u-send' }, 'ZWN').errors).toHaveProperty('to_unit_id');
    const p = buildNewTransfer({ ...full(), withPatient: true }, 'ZWN');
    expect(p.errors).toHaveProperty('patient.name');
    const ok = buildNewTransfer({ ...full(), case_id: ' c-1 ', withPatient: true, patient: { ...full().patient, bsn: '111 222 333' } }, 'ZWN');
    expect(ok.value?.patient).toEqual({ bsn: '111222333' });
    expect(ok.value?.case_id).toBe('c-1');
  });
});

describe('a step', () => {
  it('declining needs a reason; accepting does not', () => {
    expect(buildStep({ to: 'declined', needsReason: true }, '  ', '').errors).toHaveProperty('reason');
    expect(buildStep({ to: 'accepted', needsReason: false }, '', '').value).toEqual({ to: 'accepted' });
    expect(buildStep({ to: 'declined', needsReason: true }, ' vol ', '').value).toEqual({ to: 'declined', reason: 'vol' });
  });
  it('a time is sent in UTC; a wrong one is named', () => {
    expect(buildStep({ to: 'en-route', needsReason: false }, '', '2026-12-06T11:00').value?.at)
      .toBe(new Date('2026-12-06T11:00').toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(buildStep({ to: 'en-route', needsReason: false }, '', 'gisteren').errors).toHaveProperty('at');
    // A planning step says when the move will happen; no other step sends it.
    expect(buildStep({ to: 'planned', needsReason: false }, '', '', '2026-12-07T09:30').value?.planned_at)
      .toBe(new Date('2026-12-07T09:30').toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(buildStep({ to: 'planned', needsReason: false }, '', '', 'morgen').errors).toHaveProperty('planned_at');
    expect(buildStep({ to: 'en-route', needsReason: false }, '', '', '2026-12-07T09:30').value).toEqual({ to: 'en-route' });
  });
});

describe('the server\'s field messages of a transfer', () => {
  it('are shown in the user\'s language when known', () => {
    expect(localizeCaseMessage('not a case of region ZWN')).toEqual({ key: 'tr.srv.case' });
    expect(localizeCaseMessage('not a unit of organisation maasstad')).toEqual({ key: 'tr.srv.unit' });
    expect(localizeCaseMessage('not an organisation of region ZWN')).toEqual({ key: 'tr.srv.org' });
    expect(localizeCaseMessage('is a ward unit, not ic')).toEqual({ key: 'tr.srv.careType', params: { type: 'ic' } });
    expect(localizeCaseMessage('must differ from the sending unit')).toEqual({ key: 'tr.err.sameUnit' });
    expect(localizeCaseMessage('must not be before the transfer was requested')).toEqual({ key: 'tr.srv.beforeRequest' });
    expect(localizeCaseMessage('something new')).toBeNull();
  });
});

describe('the coordinator\'s approval in a crisis (issue 15)', () => {
  const pending = (s: TransferState, over: Partial<Transfer> = {}) => tr('t', s, { approval: 'pending', ...over });
  const region = { ...coord, region_id: 'ZWN' };
  it('while pending, planning, en route and arrival are held back; accept, decline and cancel stay', () => {
    expect(to(pending('requested'), receiver).sort()).toEqual(['accepted', 'declined']);
    expect(to(pending('requested'), sender)).toEqual(['cancelled']);
    expect(to(pending('accepted'), sender)).toEqual(['cancelled']);
    expect(to(pending('accepted'), receiver)).toEqual([]);
    expect(to(pending('accepted'), zcc)).toEqual(['cancelled']);
    expect(HELD_WHILE_PENDING).toEqual(['planned', 'en-route', 'arrived']);
  });
  it('names the held steps, to explain why they are not offered', () => {
    expect(heldSteps(pending('accepted'), sender).map((s) => s.to)).toEqual(['planned']);
    expect(heldSteps(pending('accepted'), receiver).map((s) => s.to)).toEqual(['planned']);
    expect(heldSteps(pending('requested'), receiver)).toEqual([]);
    expect(heldSteps(pending('accepted'), other)).toEqual([]);
    expect(heldSteps(tr('t', 'accepted', { approval: 'approved' }), sender)).toEqual([]);
  });
  it('approved, not required or absent (an older server): every step as before', () => {
    for (const approval of ['approved', 'not-required', undefined] as const) {
      expect(to(tr('t', 'accepted', { approval }), sender).sort()).toEqual(['cancelled', 'planned']);
      expect(to(tr('t', 'planned', { approval }), receiver)).toEqual(['en-route']);
      expect(to(tr('t', 'en-route', { approval }), receiver)).toEqual(['arrived']);
    }
  });
  it('the region\'s ROAZ and ZCC coordinators and admins approve an open pending transfer; nobody else', () => {
    expect([coord, zcc, admin, region].map((u) => mayApprove(pending('accepted'), u))).toEqual([true, true, true, true]);
    expect([sender, receiver, other, viewer, privacy].map((u) => mayApprove(pending('accepted'), u))).toEqual([false, false, false, false, false]);
    expect(mayApprove(pending('accepted'), { ...coord, region_id: 'OTHER' })).toBe(false);
    expect(mayApprove(tr('t', 'accepted', { approval: 'approved' }), coord)).toBe(false);
    expect(mayApprove(pending('cancelled'), coord)).toBe(false);
  });
  it('a pending transfer waits on the coordinator, not on the sides\' plan', () => {
    expect(waitsOnMe(pending('accepted'), zcc)).toBe(true);
    expect(waitsOnMe(pending('accepted'), sender)).toBe(false);
    expect(waitsOnMe(pending('accepted'), receiver)).toBe(false);
    // The receiving side still answers a pending request.
    expect(waitsOnMe(pending('requested'), receiver)).toBe(true);
    expect(waitsOnMe(tr('t', 'accepted', { approval: 'approved' }), sender)).toBe(true);
    const order = boardOrder([tr('a', 'en-route'), pending('accepted', { id: 'p' })], zcc).map((x) => x.id);
    expect(order).toEqual(['p', 'a']);
  });
  it('the board shows the approval an event announced for a newer version', () => {
    const rows = [pending('accepted', { id: 'x', version: 3 }), pending('accepted', { id: 'y', version: 3 })];
    const seen = new Map([['x', { version: 4, approval: 'approved' as const }], ['y', { version: 3, approval: 'approved' as const }]]);
    const out = withSeenApproval(rows, seen);
    expect(out.map((r) => r.approval)).toEqual(['approved', 'pending']);
    expect(out[1]).toBe(rows[1]);
  });
  it('labels in both languages', () => {
    expect(nl[approvalKey('pending') as keyof typeof nl]).toBe('Wacht op goedkeuring');
    expect(en[approvalKey('pending') as keyof typeof en]).toBe('Awaiting approval');
    expect(nl[approvalKey('approved') as keyof typeof nl]).toBe('Goedgekeurd');
    expect(nl['tr.approve']).toBe('Goedkeuren');
    expect(nl['tr.approvedBy'].replace('{who}', 'zcc1')).toBe('Goedgekeurd door zcc1');
  });
});

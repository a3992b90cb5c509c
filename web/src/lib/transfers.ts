import type { Msg } from './validation';
import { normalizeBsn } from './cases';

/**
 * The transfer board's rules (docs/transfers.md): the states, which steps a user may take by role and side
 * (copies of src/core/transfers.h kTransferSteps and core/authz.h read/work-transfers), the board's order, the
 * body of POST /transfers and of a step. The server decides; these only choose what to offer.
 */

export const TRANSFER_STATES = ['requested', 'accepted', 'declined', 'planned', 'en-route', 'arrived', 'cancelled'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];
export const OPEN_TRANSFER_STATES: readonly TransferState[] = ['requested', 'accepted', 'planned', 'en-route'];
export const isOpenTransfer = (s: TransferState) => OPEN_TRANSFER_STATES.includes(s);

/** Unit types with patient beds a transfer may ask for (core TransferCareType). */
export const CARE_TYPES = ['ic', 'ward', 'elv-low', 'elv-high', 'elv-palliative', 'ggz-crisis', 'vvt-crisis'] as const;

export interface Transfer {
  id: string;
  region_id: string;
  from_organization_id: string;
  from_unit_id: string;
  to_organization_id: string;
  to_unit_id: string;
  care_type: string;
  reason: string;
  case_id: string | null;
  has_patient: boolean;
  state: TransferState;
  planned_at: string | null;
  created_by: string;
  requested_at: string;
  updated_at: string;
  answered_at: string | null;
  departed_at: string | null;
  ended_at: string | null;
  version: number;
  /** The crisis approval (issue 15); absent from a server before it, read as not required. */
  approval?: Approval;
  approved_by?: string;
  approved_at?: string | null;
}

/** Whether the coordinator's approval is needed (a transfer made while the region's phase asks it), and given. */
export const APPROVALS = ['not-required', 'pending', 'approved'] as const;
export type Approval = (typeof APPROVALS)[number];
export const isPending = (t: Pick<Transfer, 'approval'>) => t.approval === 'pending';

export interface TransferLine { state: TransferState; at: string; actor: string; organization_id: string | null; reason: string | null }

export interface TransferDetail extends Transfer {
  timeline: TransferLine[];
  notes: string[];
  capacity_reports: { unit_id: string; as_of: string; source: string; beds: { total: number; staffed: number; occupied: number; available: number } | null; version: number }[];
}

export interface TransferBoard { now: string; items: Transfer[] }

/** The live stream's `transfer` event: no reason, no patient. */
export interface TransferEvent {
  transfer_id: string;
  state: TransferState;
  at: string;
  from_organization_id: string;
  from_unit_id: string;
  to_organization_id: string;
  to_unit_id: string;
  care_type: string;
  requested_at: string;
  planned_at: string | null;
  version: number;
  alert: boolean;
  alert_organization_id: string | null;
  approval?: Approval;
}

export type Side = 'sending' | 'receiving' | 'either';

/** A step of the state machine: from, to, who takes it, whether it needs a reason (kTransferSteps). */
export interface TransferStep { from: TransferState; to: TransferState; side: Side; needsReason: boolean }

export const TRANSFER_STEPS: readonly TransferStep[] = [
  { from: 'requested', to: 'accepted', side: 'receiving', needsReason: false },
  { from: 'requested', to: 'declined', side: 'receiving', needsReason: true },
  { from: 'accepted', to: 'planned', side: 'either', needsReason: false },
  { from: 'planned', to: 'en-route', side: 'either', needsReason: false },
  { from: 'en-route', to: 'arrived', side: 'receiving', needsReason: false },
  { from: 'requested', to: 'cancelled', side: 'sending', needsReason: true },
  { from: 'accepted', to: 'cancelled', side: 'sending', needsReason: true },
  { from: 'planned', to: 'cancelled', side: 'sending', needsReason: true },
  { from: 'en-route', to: 'cancelled', side: 'sending', needsReason: true },
];

export interface Who { role: string; organization_id: string | null; region_id?: string | null }

const ORG_ROLES = ['org-user', 'org-capacity-manager'];
const REGION_ROLES = ['roaz-coordinator', 'zcc-coordinator'];

/** Whether the user may work the given organisation's side (authz work-transfers). */
export function worksSide(u: Who, orgId: string): boolean {
  if (u.role === 'admin' || REGION_ROLES.includes(u.role)) return true;
  return ORG_ROLES.includes(u.role) && !!u.organization_id && u.organization_id === orgId;
}

/** Who sees the board at all (read-transfers): everyone but the privacy officer and users without an organisation or region. */
export function readsTransfers(u: Who): boolean {
  if (u.role === 'admin' || REGION_ROLES.includes(u.role) || u.role === 'viewer') return true;
  return ORG_ROLES.includes(u.role) && !!u.organization_id;
}

/** Who may request a transfer (an organisation's users from their own organisation; the region's coordinators; admin). */
export function mayCreateTransfer(u: Who): boolean {
  if (u.role === 'admin' || REGION_ROLES.includes(u.role)) return true;
  return ORG_ROLES.includes(u.role) && !!u.organization_id;
}

/** The board is the organisation's for its users, the region's for everyone else. */
export function boardScope(u: Who): 'organization' | 'region' {
  return ORG_ROLES.includes(u.role) && u.organization_id ? 'organization' : 'region';
}

/** Who may read a transfer's patient (read-patient of either side's organisation; never viewers, ROAZ coordinators or admins). */
export function mayReadTransferPatient(u: Who, t: Pick<Transfer, 'from_organization_id' | 'to_organization_id'>): boolean {
  if (u.role === 'zcc-coordinator') return true;
  return ORG_ROLES.includes(u.role) && !!u.organization_id
    && (u.organization_id === t.from_organization_id || u.organization_id === t.to_organization_id);
}

/** The steps the server refuses (409) while the transfer awaits the coordinator's approval; accept, decline and cancel stay. */
export const HELD_WHILE_PENDING: readonly TransferState[] = ['planned', 'en-route', 'arrived'];

type StepInput = Pick<Transfer, 'state' | 'from_organization_id' | 'to_organization_id' | 'approval'>;

/** The steps of the state machine this user's role and side allow from the transfer's state, approval aside. */
function sideSteps(t: StepInput, u: Who): TransferStep[] {
  const sending = worksSide(u, t.from_organization_id);
  const receiving = worksSide(u, t.to_organization_id);
  return TRANSFER_STEPS.filter((s) => s.from === t.state).filter((s) =>
    s.side === 'sending' ? sending : s.side === 'receiving' ? receiving : sending || receiving);
}

/**
 * The steps this user may take on this transfer now, in the order the detail offers them (cancel last); while
 * the transfer awaits the coordinator's approval, not the steps to planned, en route or arrived.
 */
export function stepsFor(t: StepInput, u: Who): TransferStep[] {
  const steps = sideSteps(t, u);
  return isPending(t) ? steps.filter((s) => !HELD_WHILE_PENDING.includes(s.to)) : steps;
}

/** The steps the user would have now but for the pending approval (to explain why they are not offered). */
export function heldSteps(t: StepInput, u: Who): TransferStep[] {
  return isPending(t) ? sideSteps(t, u).filter((s) => HELD_WHILE_PENDING.includes(s.to)) : [];
}

/**
 * Who may approve this transfer now: the region's ROAZ and ZCC coordinators and admins, while it awaits approval
 * and is open (core authz; the server says 409 when it is not pending).
 */
export function mayApprove(t: Pick<Transfer, 'approval' | 'state' | 'region_id'>, u: Who): boolean {
  if (!isPending(t) || !isOpenTransfer(t.state)) return false;
  if (u.role === 'admin') return true;
  return REGION_ROLES.includes(u.role) && (!u.region_id || u.region_id === t.region_id);
}

/** The side of the transfer the user's organisation is on, if any. */
export function sideOf(t: Pick<Transfer, 'from_organization_id' | 'to_organization_id'>, u: Who): 'sending' | 'receiving' | null {
  if (!u.organization_id) return null;
  if (u.organization_id === t.to_organization_id) return 'receiving';
  if (u.organization_id === t.from_organization_id) return 'sending';
  return null;
}

/**
 * Whether the transfer waits on the user: a request to answer or a patient to receive (receiving side), a plan
 * to make (either side) — unless the plan awaits the coordinator's approval —, and for those who approve, an
 * open transfer awaiting approval. Region-wide roles wait on nothing else in particular.
 */
export function waitsOnMe(t: Pick<Transfer, 'state' | 'from_organization_id' | 'to_organization_id' | 'approval' | 'region_id'>, u: Who): boolean {
  if (mayApprove(t, u)) return true;
  const side = sideOf(t, u);
  if (!side) return false;
  if (side === 'receiving') return t.state === 'requested' || t.state === 'en-route' || (t.state === 'accepted' && !isPending(t));
  return t.state === 'accepted' && !isPending(t);
}

/**
 * The board's rows with the approval the live stream announced for a newer version than the row's (the board
 * refetches on the event; until the answer is there the row already says so). `seen`: transfer id → the
 * latest event's version and approval.
 */
export function withSeenApproval<T extends Transfer>(items: readonly T[], seen: ReadonlyMap<string, { version: number; approval: Approval }>): T[] {
  return items.map((x) => {
    const e = seen.get(x.id);
    return e && e.version > x.version && e.approval !== (x.approval ?? 'not-required') ? { ...x, approval: e.approval } : x;
  });
}

/** Dictionary key of an approval's badge ("Wacht op goedkeuring", "Goedgekeurd"). */
export const approvalKey = (a: string) => `tr.approval.${a}`;

const FLOW: Record<TransferState, number> = { 'en-route': 0, requested: 1, accepted: 2, planned: 3, arrived: 4, declined: 5, cancelled: 6 };

/**
 * The board's order: open before closed; open ones waiting on the user first, then by the flow (en route,
 * requested, accepted, planned), then the earliest planned time, then the newest request; closed ones by
 * the newest change.
 */
export function boardOrder<T extends Transfer>(items: readonly T[], u: Who): T[] {
  const planned = (t: Transfer) => (t.planned_at ? Date.parse(t.planned_at) : Number.POSITIVE_INFINITY);
  return [...items].sort((a, b) => {
    const oa = isOpenTransfer(a.state), ob = isOpenTransfer(b.state);
    if (oa !== ob) return oa ? -1 : 1;
    if (!oa) return Date.parse(b.updated_at) - Date.parse(a.updated_at) || a.id.localeCompare(b.id);
    const wa = waitsOnMe(a, u), wb = waitsOnMe(b, u);
    if (wa !== wb) return wa ? -1 : 1;
    return FLOW[a.state] - FLOW[b.state] || planned(a) - planned(b)
      || Date.parse(b.requested_at) - Date.parse(a.requested_at) || a.id.localeCompare(b.id);
  });
}

/** Dictionary key of a state's name ("aangevraagd", "onderweg" …). */
export const stateKey = (s: string) => `tr.state.${s}`;
/** Dictionary key of a step's button ("Accepteren", "Onderweg melden" …). */
export const stepKey = (to: string) => `tr.step.${to}`;

/** Whether an event alerts this user: the receiving organisation's users when it is to act or be ready. */
export function alertsUser(e: Pick<TransferEvent, 'alert' | 'alert_organization_id'>, u: Who): boolean {
  return e.alert && !!u.organization_id && e.alert_organization_id === u.organization_id && ORG_ROLES.includes(u.role);
}

/** Whether the board of this user shows the transfer an event is about. */
export function eventConcerns(e: Pick<TransferEvent, 'from_organization_id' | 'to_organization_id'>, u: Who): boolean {
  if (boardScope(u) === 'region') return true;
  return e.from_organization_id === u.organization_id || e.to_organization_id === u.organization_id;
}

export interface TransferForm {
  from_organization_id: string;
  from_unit_id: string;
  to_organization_id: string;
  to_unit_id: string;
  care_type: string;
  reason: string;
  /** Local date-time (datetime-local) or empty. */
  planned_at: string;
  case_id: string;
  withPatient: boolean;
  patient: { bsn: string; name: string; birth_date: string; address: string; gp: string; summary: string; medication: string; allergies: string };
}

export function emptyTransferForm(u: Who): TransferForm {
  return {
    from_organization_id: ORG_ROLES.includes(u.role) && u.organization_id ? u.organization_id : '',
    from_unit_id: '', to_organization_id: '', to_unit_id: '', care_type: '', reason: '', planned_at: '', case_id: '',
    withPatient: false,
    patient: { bsn: '', name: '', birth_date: '', address: '', gp: '', summary: '', medication: '', allergies: '' },
  };
}

/** Every field of the form, in its order (the server's field errors map onto these; focus on the first wrong). */
export const TRANSFER_FIELDS = [
  'from_organization_id', 'from_unit_id', 'to_organization_id', 'to_unit_id', 'care_type', 'reason', 'planned_at', 'case_id',
  'patient', 'patient.bsn', 'patient.name', 'patient.birth_date', 'patient.address', 'patient.gp', 'patient.summary',
  'patient.medication', 'patient.allergies', 'region_id',
] as const;

export interface NewTransferInput {
  region_id: string; from_organization_id: string; from_unit_id: string; to_organization_id: string; to_unit_id: string;
  care_type: string; reason: string; planned_at?: string; case_id?: string;
  patient?: Partial<Record<'bsn' | 'name' | 'birth_date' | 'address' | 'gp' | 'summary' | 'medication' | 'allergies', string>>;
}

/**
 * Checks what is sure to be refused (required fields, the same unit on both sides, a patient with neither
 * BSN nor name, a BSN that is not 9 digits), then builds the body of POST /transfers: trimmed texts, empty
 * optional parts left out, the planned time in UTC.
 */
export function buildNewTransfer(f: TransferForm, regionId: string): { errors: Record<string, Msg>; value: NewTransferInput | null } {
  const errors: Record<string, Msg> = {};
  const tr = (s: string) => s.trim();
  for (const k of ['from_organization_id', 'from_unit_id', 'to_organization_id', 'to_unit_id', 'care_type'] as const) {
    if (!f[k]) errors[k] = { key: 'err.required' };
  }
  if (!tr(f.reason)) errors['reason'] = { key: 'err.required' };
  if (f.from_unit_id && f.from_unit_id === f.to_unit_id) errors['to_unit_id'] = { key: 'tr.err.sameUnit' };
  const body: NewTransferInput = {
    region_id: regionId, from_organization_id: f.from_organization_id, from_unit_id: f.from_unit_id,
    to_organization_id: f.to_organization_id, to_unit_id: f.to_unit_id, care_type: f.care_type, reason: tr(f.reason),
  };
  if (tr(f.planned_at)) {
    const t = Date.parse(f.planned_at);
    if (Number.isNaN(t)) errors['planned_at'] = { key: 'err.dateInvalid' };
    else body.planned_at = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (tr(f.case_id)) body.case_id = tr(f.case_id);
  if (f.withPatient) {
    const p = f.patient;
    const bsn = normalizeBsn(p.bsn);
    const patient: NonNullable<NewTransferInput['patient']> = {};
    if (bsn) patient.bsn = bsn;
    for (const k of ['name', 'address', 'gp', 'summary', 'medication', 'allergies'] as const) if (tr(p[k])) patient[k] = tr(p[k]);
    if (p.birth_date) patient.birth_date = p.birth_date;
    if (!bsn && !patient.name) errors['patient.name'] = { key: 'err.bsnOrName' };
    if (bsn && !/^\d{9}$/.test(bsn)) errors['patient.bsn'] = { key: 'err.bsnNine' };
    body.patient = patient;
  }
  return { errors, value: Object.keys(errors).length ? null : body };
}

export interface StepBody { to: TransferState; reason?: string; at?: string; planned_at?: string }

/**
 * The body of a step: the reason when the step needs one (required) or one was given; `at` in UTC when given; for a
 * step to planned, `plannedAt` (when the move will happen) in UTC when given.
 */
export function buildStep(step: Pick<TransferStep, 'to' | 'needsReason'>, reason: string, at: string, plannedAt = ''):
  { errors: Record<string, Msg>; value: StepBody | null } {
  const errors: Record<string, Msg> = {};
  const body: StepBody = { to: step.to };
  if (reason.trim()) body.reason = reason.trim();
  else if (step.needsReason) errors['reason'] = { key: 'err.required' };
  const utc = (field: 'at' | 'planned_at', v: string) => {
    if (!v.trim()) return;
    const t = Date.parse(v);
    if (Number.isNaN(t)) errors[field] = { key: 'err.dateInvalid' };
    else body[field] = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  };
  utc('at', at);
  if (step.to === 'planned') utc('planned_at', plannedAt);
  return { errors, value: Object.keys(errors).length ? null : body };
}

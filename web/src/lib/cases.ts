import type { Case, CaseState, Complaint, HandoverState, Problem, Urgency } from '../types';
import type { Lang } from './age';
import { formatAge } from './age';

/**
 * Pure rules of the ZCC worklist in the browser: target timers, the state machine's steps (a copy of
 * core/cases.h kCaseTransitions, to offer only the actions the server will take), the BSN 11-proef as a
 * hint (the server decides), field errors of a problem+json answer, and who sees what.
 */

/** The ZCC still owes the patient an answer: the target clock runs (core IsOpenForZcc). */
export function isOpenForZcc(state: CaseState): boolean {
  return state === 'new' || state === 'triaged' || state === 'in-consultation' || state === 'handed-over' || state === 'declined';
}

export type TargetStatus =
  | { kind: 'none' } // no deadline (U5), or the ZCC owes nothing any more (accepted, closed)
  | { kind: 'left'; seconds: number } // time left until due_at
  | { kind: 'late'; seconds: number }; // past due_at

/**
 * The target timer of a case at `nowMs` (server clock): time left until `due_at`, or how late. Only while the
 * ZCC still owes an answer; accepted and closed cases are never late (core Overdue).
 */
export function targetStatus(c: { state: CaseState; due_at: string | null }, nowMs: number): TargetStatus {
  if (!isOpenForZcc(c.state)) return { kind: 'none' };
  return countdown(c.due_at, nowMs);
}

/** Time left until `dueAt` at `nowMs`, or how late (a handover's answer deadline, a case's target). */
export function countdown(dueAt: string | null | undefined, nowMs: number): TargetStatus {
  const due = dueAt ? Date.parse(dueAt) : NaN;
  if (Number.isNaN(due)) return { kind: 'none' };
  const d = Math.floor((due - nowMs) / 1000);
  // Due at this very second counts as late, as the server's `now > due_at` does one second on.
  return d > 0 ? { kind: 'left', seconds: d } : { kind: 'late', seconds: -d };
}

/**
 * A timer as text: "nog 12 min" / "3 min te laat" (nl), "12 min left" / "3 min late" (en). Below a minute in
 * seconds, so a U1 timer visibly runs.
 */
export function formatTarget(s: TargetStatus, lang: Lang): string {
  if (s.kind === 'none') return '—';
  const d = formatAge(s.seconds, lang);
  if (lang === 'nl') return s.kind === 'left' ? `nog ${d}` : `${d} te laat`;
  return s.kind === 'left' ? `${d} left` : `${d} late`;
}

/** Waiting time of the patient since the request came in, in whole seconds (0 before). */
export function waitingSeconds(receivedAt: string, nowMs: number): number {
  const t = Date.parse(receivedAt);
  return Number.isNaN(t) ? 0 : Math.max(0, Math.floor((nowMs - t) / 1000));
}

/** The coordinator's steps (core/cases.h CaseAction), as the UI offers them. */
export type Step = 'triage' | 'consult' | 'advice' | 'end-consult' | 'hand-over' | 'withdraw' | 'close';

/** Legal steps of the ZCC per state: kCaseTransitions without the partner's accept/decline, plus advice. */
const STEPS: Record<CaseState, Step[]> = {
  'new': ['triage'],
  'triaged': ['triage', 'consult', 'hand-over', 'close'],
  'in-consultation': ['advice', 'end-consult', 'triage', 'consult', 'hand-over', 'close'],
  'handed-over': ['withdraw', 'hand-over', 'close'],
  'accepted': ['close', 'withdraw'],
  'declined': ['triage', 'consult', 'hand-over', 'close'],
  'closed': [],
};

export function stepsFor(state: CaseState): Step[] {
  return STEPS[state] ?? [];
}

/** The API action path of a step (POST /cases/{id}/{path}). */
export function stepPath(step: Step): 'triage' | 'consult' | 'advice' | 'end-consult' | 'handovers' | 'withdraw' | 'close' {
  return step === 'hand-over' ? 'handovers' : step;
}

/** Roles that work the worklist (authz kWorkCases). */
export function canWorkCases(role: string): boolean {
  return role === 'zcc-coordinator' || role === 'admin';
}

/** Roles that answer their organisation's handovers (authz kAnswerHandovers). */
export function hasInbox(user: { role: string; organization_id: string | null }): boolean {
  return (user.role === 'org-user' || user.role === 'org-capacity-manager') && !!user.organization_id;
}

/** Roles that may read patient data of a case at all (admin only through break-glass). */
export function mayReadPatient(role: string): boolean {
  return role === 'zcc-coordinator' || role === 'org-user' || role === 'org-capacity-manager';
}

/** Removes what people type between the digits of a BSN (spaces, dots, dashes); the server takes the 9 digits only. */
export function normalizeBsn(raw: string): string {
  return raw.replace(/[\s.-]/g, '');
}

export type BsnHint = 'digits' | 'length' | 'checksum' | null;

/**
 * The 11-proef as a hint while typing (core ValidBsn): 9 digits d1…d9 with 9·d1 + 8·d2 + … + 2·d8 − d9
 * divisible by 11, not 000000000. Null when empty or valid. Only a hint: the server decides.
 */
export function bsnHint(raw: string): BsnHint {
  const s = normalizeBsn(raw);
  if (s === '') return null;
  if (!/^\d+$/.test(s)) return 'digits';
  if (s.length !== 9) return 'length';
  return elevenTest(s) ? null : 'checksum';
}

export function elevenTest(bsn: string): boolean {
  if (!/^\d{9}$/.test(bsn) || bsn === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(bsn[i]);
  sum -= Number(bsn[8]);
  return sum % 11 === 0;
}

/**
 * The form field a problem+json `errors[].field` belongs to: JSON pointers ("/patient/bsn") and dotted paths
 * ("patient.bsn") alike; an index ("context.known_care[2]") belongs to its list. Null for the empty name.
 */
export function fieldOf(name: string | undefined | null): string | null {
  const f = (name ?? '').trim().replace(/^\//, '').replace(/\//g, '.').replace(/\[\d+\]/g, '');
  return f || null;
}

/**
 * Maps a problem+json answer onto a form: an error whose field (or a parent of it, e.g. "patient" for
 * "patient.bsn"-less errors) the form shows goes next to that field; the rest, and the detail when there
 * are no field errors, are general messages.
 */
export function mapFieldErrors(problem: Problem | null | undefined, fields: readonly string[]): { fields: Record<string, string>; general: string[] } {
  const out: { fields: Record<string, string>; general: string[] } = { fields: {}, general: [] };
  if (!problem) return out;
  const add = (f: string, m: string) => { out.fields[f] = out.fields[f] ? `${out.fields[f]}; ${m}` : m; };
  for (const e of problem.errors ?? []) {
    const f = fieldOf(e.field);
    if (f && fields.includes(f)) add(f, e.message);
    else if (f && fields.some((x) => f.startsWith(x + '.'))) add(fields.filter((x) => f.startsWith(x + '.')).sort((a, b) => b.length - a.length)[0], e.message);
    else out.general.push(f ? `${f}: ${e.message}` : e.message);
  }
  if (!problem.errors?.length) {
    const text = problem.detail || problem.title;
    if (text) out.general.push(text);
  }
  return out;
}

/** What a refused change means for the user. */
export type Refusal = 'stale' | 'conflict' | 'precondition' | 'forbidden' | 'not-found' | 'invalid' | 'other';

export function refusalOf(status: number): Refusal {
  switch (status) {
    case 412: return 'stale'; // someone else changed it: reload
    case 409: return 'conflict'; // an illegal step: the server says why
    case 428: return 'precondition';
    case 403: return 'forbidden';
    case 404: return 'not-found';
    case 400: case 422: return 'invalid';
    default: return 'other';
  }
}

/** A complaint's name in the language, whichever way the server named the names; the code when unknown. */
export function complaintName(c: Complaint | undefined, lang: Lang, code?: string | null): string {
  if (!c) return code ?? '';
  const nl = c.nl ?? c.name_nl;
  const en = c.en ?? c.name_en;
  return (lang === 'nl' ? nl ?? en : en ?? nl) ?? c.code;
}

/** The handover state the case's state implies (the worklist carries no handovers). */
export function impliedHandoverState(state: CaseState): HandoverState | null {
  switch (state) {
    case 'handed-over': return 'requested';
    case 'accepted': return 'accepted';
    case 'declined': return 'rejected';
    default: return null;
  }
}

/** Urgency with its worklist band rank (core WorklistBand): U0, U1, untriaged, U2 … U5. */
export function worklistBand(u: Urgency | null): number {
  if (u == null) return 2;
  const i = Number(u.slice(1));
  return i <= 1 ? i : i + 1;
}

/** The server's worklist order (core WorklistBefore): band, then longest waiting, then id. */
export function worklistBefore(a: Pick<Case, 'urgency' | 'received_at' | 'id'>, b: Pick<Case, 'urgency' | 'received_at' | 'id'>): number {
  return worklistBand(a.urgency) - worklistBand(b.urgency)
    || Date.parse(a.received_at) - Date.parse(b.received_at)
    || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Shortens a text to `max` characters on one line, with an ellipsis. */
export function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** The position after moving `delta` in a list of `n` (clamped; -1 when empty). */
export function moveSelection(current: number, delta: number, n: number): number {
  if (n <= 0) return -1;
  if (current < 0) return delta > 0 ? 0 : n - 1;
  return Math.min(n - 1, Math.max(0, current + delta));
}

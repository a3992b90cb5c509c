import type { CaseContext, Channel, KnownCare, LegalBasis, LivingSituation, NewCaseInput, Urgency } from '../types';
import type { Msg } from './validation';
import { normalizeBsn } from './cases';

/**
 * The intake form and the triage's context fields as text, their checks before sending (only what is sure to
 * be refused: the server decides everything else, and its field errors are shown next to the same fields),
 * and the body of POST /cases.
 */

export interface ContextForm { age: string; living: LivingSituation | ''; knownCare: KnownCare[]; knownCareAsked: boolean }

export interface IntakeForm {
  channel: Channel | '';
  subregion_id: string;
  requesting_organization_id: string;
  caller: { name: string; role: string; phone: string };
  /** Local date-time (datetime-local) or empty for now. */
  received_at: string;
  summary: string;
  withPatient: boolean;
  patient: { bsn: string; name: string; birth_date: string; address: string; gp: string; summary: string; medication: string; allergies: string };
  legal_basis: LegalBasis | '';
  urgency: Urgency | '';
  complaint: string;
  context: ContextForm;
}

export function emptyContext(): ContextForm {
  return { age: '', living: '', knownCare: [], knownCareAsked: false };
}

export function contextForm(c: CaseContext | null | undefined): ContextForm {
  if (!c) return emptyContext();
  return {
    age: c.age_years == null ? '' : String(c.age_years),
    living: c.living ?? '',
    knownCare: c.known_care ?? [],
    knownCareAsked: c.known_care != null,
  };
}

export function emptyIntake(): IntakeForm {
  return {
    channel: '', subregion_id: '', requesting_organization_id: '',
    caller: { name: '', role: '', phone: '' }, received_at: '', summary: '',
    withPatient: false,
    patient: { bsn: '', name: '', birth_date: '', address: '', gp: '', summary: '', medication: '', allergies: '' },
    legal_basis: '', urgency: '', complaint: '', context: emptyContext(),
  };
}

/** Every field the intake form shows, in order (server errors map onto these; focus goes to the first wrong). */
export const INTAKE_FIELDS = [
  'channel', 'summary', 'subregion_id', 'requesting_organization_id', 'caller.name', 'caller.role', 'caller.phone', 'received_at',
  'patient', 'patient.bsn', 'patient.name', 'patient.birth_date', 'patient.address', 'patient.gp', 'patient.summary',
  'patient.medication', 'patient.allergies', 'legal_basis', 'urgency', 'complaint',
  'context', 'context.age_years', 'context.living', 'context.known_care',
] as const;

export const MAX_AGE_YEARS = 130;

/** The context as the API takes it; `{ error }` when the age is not a whole number 0–130. */
export function contextValue(f: ContextForm): { value: Partial<CaseContext>; error?: Msg } {
  const out: Partial<CaseContext> = {};
  const age = f.age.trim();
  if (age !== '') {
    if (!/^\d+$/.test(age) || Number(age) > MAX_AGE_YEARS) return { value: out, error: { key: 'err.age', params: { max: MAX_AGE_YEARS } } };
    out.age_years = Number(age);
  }
  if (f.living) out.living = f.living;
  if (f.knownCareAsked || f.knownCare.length) out.known_care = [...new Set(f.knownCare)];
  return { value: out };
}

/**
 * Checks what is certain to be refused, then builds the body: trimmed texts, empty optional parts left
 * out, the BSN without spaces or dots, the birth date as YYYY-MM-DD, received_at in UTC.
 */
export function buildNewCase(f: IntakeForm, regionId: string): { errors: Record<string, Msg>; value: NewCaseInput | null } {
  const errors: Record<string, Msg> = {};
  const tr = (s: string) => s.trim();
  if (!f.channel) errors['channel'] = { key: 'err.required' };
  if (!tr(f.summary)) errors['summary'] = { key: 'err.required' };
  const body: NewCaseInput = { region_id: regionId, channel: (f.channel || 'other') as Channel, summary: tr(f.summary) };
  if (f.subregion_id) body.subregion_id = f.subregion_id;
  if (f.requesting_organization_id) body.requesting_organization_id = f.requesting_organization_id;
  const caller = { name: tr(f.caller.name), role: tr(f.caller.role), phone: tr(f.caller.phone) };
  if (caller.name || caller.role || caller.phone) body.caller = caller;
  if (caller.phone && !/^[\d\s+\-().]+$/.test(caller.phone)) errors['caller.phone'] = { key: 'err.phone' };
  if (f.received_at.trim()) {
    const t = Date.parse(f.received_at);
    if (Number.isNaN(t)) errors['received_at'] = { key: 'err.dateInvalid' };
    else body.received_at = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (f.withPatient) {
    const p = f.patient;
    const bsn = normalizeBsn(p.bsn);
    const patient: NonNullable<NewCaseInput['patient']> = {};
    if (bsn) patient.bsn = bsn;
    for (const k of ['name', 'address', 'gp', 'summary', 'medication', 'allergies'] as const) if (tr(p[k])) patient[k] = tr(p[k]);
    if (p.birth_date) patient.birth_date = p.birth_date;
    if (!bsn && !patient.name) errors['patient.name'] = { key: 'err.bsnOrName' };
    if (bsn && !/^\d{9}$/.test(bsn)) errors['patient.bsn'] = { key: 'err.bsnNine' };
    if (!f.legal_basis) errors['legal_basis'] = { key: 'err.legalBasis' };
    body.patient = patient;
    if (f.legal_basis) body.legal_basis = f.legal_basis;
  }
  if (f.urgency) body.urgency = f.urgency;
  if (f.complaint) body.complaint = f.complaint;
  // The server triages at intake only with both; an urgency alone would be dropped without a word.
  if (f.urgency && !f.complaint) errors['complaint'] = { key: 'err.complaintWithUrgency' };
  const ctx = contextValue(f.context);
  if (ctx.error) errors['context.age_years'] = ctx.error;
  if (Object.keys(ctx.value).length) body.context = ctx.value;
  return { errors, value: Object.keys(errors).length ? null : body };
}

/**
 * The server's field messages are English; known ones are shown in the user's language via the dictionary,
 * the rest as sent.
 */
export function localizeCaseMessage(message: string): Msg | null {
  const m = message.trim();
  let r: RegExpMatchArray | null;
  if (m === 'is required' || m === 'required' || /^required field ".*" is missing$/.test(m) || /^is required \(U0/.test(m)) return { key: 'err.required' };
  if (/11-proef/.test(m)) return { key: 'srv.bsn' };
  if (m === 'needs a bsn or a name') return { key: 'err.bsnOrName' };
  if (m === 'is required when patient data is given') return { key: 'err.legalBasis' };
  if (/^may hold only digits/.test(m)) return { key: 'err.phone' };
  if (m === 'must not be in the future') return { key: 'srv.future' };
  if (/more than 5 minutes in the future/.test(m)) return { key: 'srv.receivedFuture' };
  if (/more than 7 days in the past/.test(m)) return { key: 'srv.receivedPast' };
  if (/^this server has no patient key/.test(m)) return { key: 'srv.noPatientKey' };
  if ((r = m.match(/^must be at most (\d+) (?:bytes|characters)$/))) return { key: 'srv.tooLong', params: { max: Number(r[1]) } };
  if (/^unknown (?:entry )?complaint/.test(m) || /^not a known complaint/.test(m)) return { key: 'srv.complaint' };
  // Transfers (POST /transfers, a step).
  if (/^not a case of region/.test(m)) return { key: 'tr.srv.case' };
  if (/^not an organisation of region/.test(m)) return { key: 'tr.srv.org' };
  if (/^not a unit of organisation/.test(m)) return { key: 'tr.srv.unit' };
  if ((r = m.match(/^is an? \S+ unit, not (\S+)$/))) return { key: 'tr.srv.careType', params: { type: r[1] } };
  if (m === 'must differ from the sending unit') return { key: 'tr.err.sameUnit' };
  if (m === 'must be within a year of now') return { key: 'tr.srv.year' };
  if (m === 'must not be before the transfer was requested') return { key: 'tr.srv.beforeRequest' };
  // Follow-up placements (POST /placements, offers, cancel).
  if (m === 'must be within a year of today') return { key: 'pl.srv.year' };
  if (/^must be a date as /.test(m)) return { key: 'pl.srv.date' };
  if (/^must be one of elv-low, elv-high/.test(m)) return { key: 'pl.srv.careType' };
  if (/^unknown mobility /.test(m)) return { key: 'pl.srv.mobility' };
  if ((r = m.match(/^must be between (-?\d+) and (-?\d+)$/))) return { key: 'pl.srv.between', params: { min: Number(r[1]), max: Number(r[2]) } };
  if (/^give both preferred_lat and preferred_lon$/.test(m)) return { key: 'pl.srv.both' };
  if (/^must be an integer, not /.test(m)) return { key: 'pl.srv.integer' };
  if (/^must be a number, not /.test(m)) return { key: 'pl.srv.number' };
  if (/^must be 1–64 characters of /.test(m)) return { key: 'pl.srv.id' };
  if (/^is a \S+ unit, not a follow-up unit$/.test(m)) return { key: 'pl.srv.notFollowUp' };
  if (m === 'already has an open offer of this placement') return { key: 'pl.srv.offered' };
  if (m === 'must not contain control characters') return { key: 'pl.srv.control' };
  return null;
}

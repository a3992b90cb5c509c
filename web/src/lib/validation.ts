import type { CapacityInput, EdStatus, Problem, UnitType } from '../types';
import { hasBeds, hasEd } from './units';

/**
 * Client-side validation of a capacity report: the same rules as the API
 * (PUT /api/v1/units/{id}/capacity), so the user sees errors next to the fields before sending.
 * Messages are dictionary keys with parameters, so they render in the chosen language (Dutch by default).
 */

export const BED_FIELDS = ['total', 'staffed', 'occupied', 'available'] as const;
export const ED_COUNT_FIELDS = ['waiting', 'in_treatment', 'boarding', 'crowding'] as const;
export const CROWDING_MAX = 200;
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
/** Upper bound for counts, the server's sanity limit (core/validate.h kMaxCount). */
export const COUNT_MAX = 100000;
/** The server limits the note to 2000 bytes of UTF-8 (core/validate.h kMaxNoteBytes). */
export const NOTE_MAX_BYTES = 2000;

export interface CapacityForm {
  beds: Record<(typeof BED_FIELDS)[number], string>;
  ed: { status: EdStatus | ''; waiting: string; in_treatment: string; boarding: string; crowding: string };
  /** Local date-time ("YYYY-MM-DDTHH:MM", from <input type=datetime-local>) or empty for "now". */
  as_of: string;
  note: string;
}

export interface Msg { key: string; params?: Record<string, string | number> }
export type FieldErrors = Record<string, Msg>;

export function emptyForm(): CapacityForm {
  return {
    beds: { total: '', staffed: '', occupied: '', available: '' },
    ed: { status: '', waiting: '', in_treatment: '', boarding: '', crowding: '' },
    as_of: '',
    note: '',
  };
}

/** Parses a count field: a whole number ≥ 0, or an error message. */
export function parseCount(raw: string): { value?: number; error?: Msg } {
  const s = raw.trim();
  if (s === '') return { error: { key: 'err.required' } };
  if (/^-\s*\d+([.,]\d+)?$/.test(s)) return { error: { key: 'err.negative' } };
  if (!/^\d+$/.test(s)) return { error: { key: 'err.integer' } };
  const v = Number(s);
  if (!Number.isSafeInteger(v) || v > COUNT_MAX) return { error: { key: 'err.tooLarge', params: { max: COUNT_MAX } } };
  return { value: v };
}

export interface ValidationResult { errors: FieldErrors; value: CapacityInput | null }

export function validateCapacity(type: UnitType, form: CapacityForm, nowMs: number = Date.now()): ValidationResult {
  const errors: FieldErrors = {};
  const out: CapacityInput = {};

  if (hasBeds(type)) {
    const v: Partial<Record<(typeof BED_FIELDS)[number], number>> = {};
    for (const f of BED_FIELDS) {
      const r = parseCount(form.beds[f]);
      if (r.error) errors[`beds.${f}`] = r.error;
      else v[f] = r.value;
    }
    if (v.total != null && v.staffed != null && v.staffed > v.total) {
      errors['beds.staffed'] = { key: 'err.staffedGtTotal', params: { total: v.total } };
    }
    if (v.total != null && v.occupied != null && v.occupied > v.total) {
      errors['beds.occupied'] = { key: 'err.occupiedGtTotal', params: { total: v.total } };
    }
    if (v.staffed != null && v.available != null && v.available > v.staffed) {
      errors['beds.available'] = { key: 'err.availableGtStaffed', params: { staffed: v.staffed } };
    }
    if (BED_FIELDS.every((f) => v[f] != null)) {
      out.beds = { total: v.total!, staffed: v.staffed!, occupied: v.occupied!, available: v.available! };
    }
  }

  if (hasEd(type)) {
    const st = form.ed.status;
    if (st !== 'open' && st !== 'threatened' && st !== 'closed') errors['ed.status'] = { key: 'err.statusRequired' };
    const v: Partial<Record<(typeof ED_COUNT_FIELDS)[number], number>> = {};
    for (const f of ED_COUNT_FIELDS) {
      const r = parseCount(form.ed[f]);
      if (r.error) errors[`ed.${f}`] = r.error;
      else v[f] = r.value;
    }
    if (v.crowding != null && v.crowding > CROWDING_MAX) {
      errors['ed.crowding'] = { key: 'err.crowdingRange', params: { max: CROWDING_MAX } };
    }
    if (!errors['ed.status'] && ED_COUNT_FIELDS.every((f) => v[f] != null) && !errors['ed.crowding']) {
      out.ed = {
        status: st as EdStatus, waiting: v.waiting!, in_treatment: v.in_treatment!, boarding: v.boarding!,
        crowding: v.crowding!,
      };
    }
  }

  if (form.as_of.trim() !== '') {
    const t = Date.parse(form.as_of); // datetime-local without zone: parsed as local time
    if (Number.isNaN(t)) errors['as_of'] = { key: 'err.dateInvalid' };
    else if (t - nowMs > FUTURE_TOLERANCE_MS) errors['as_of'] = { key: 'err.dateFuture' };
    else out.as_of = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  const note = form.note.trim();
  if (new TextEncoder().encode(note).length > NOTE_MAX_BYTES) errors['note'] = { key: 'err.noteLong', params: { max: NOTE_MAX_BYTES } };
  else if (note) out.note = note;

  return { errors, value: Object.keys(errors).length ? null : out };
}

/** Fields a form for this unit type shows, in order; used to map server errors and to focus the first error. */
export function formFields(type: UnitType): string[] {
  const f: string[] = [];
  if (hasBeds(type)) f.push(...BED_FIELDS.map((x) => `beds.${x}`));
  if (hasEd(type)) f.push('ed.status', ...ED_COUNT_FIELDS.map((x) => `ed.${x}`));
  f.push('as_of', 'note');
  return f;
}

/**
 * Maps a problem+json response onto form fields: errors[].field that the form shows go next to that
 * field (server text, as sent); the rest, and the detail, become general messages.
 */
export function mapProblem(problem: Problem | null | undefined, fields: string[]): { fields: Record<string, string>; general: string[] } {
  const res: { fields: Record<string, string>; general: string[] } = { fields: {}, general: [] };
  if (!problem) return res;
  for (const e of problem.errors ?? []) {
    const f = (e.field ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (fields.includes(f)) res.fields[f] = res.fields[f] ? `${res.fields[f]}; ${e.message}` : e.message;
    else if (f === 'beds' || f === 'ed') {
      const first = fields.find((x) => x.startsWith(f + '.'));
      if (first) res.fields[first] = e.message; else res.general.push(e.message);
    } else res.general.push(f ? `${f}: ${e.message}` : e.message);
  }
  if (!problem.errors?.length) {
    const text = problem.detail || problem.title;
    if (text) res.general.push(text);
  }
  return res;
}

/** Pre-fills the form from the unit's current state. */
export function formFromCurrent(beds: { total: number; staffed: number; occupied: number; available: number } | null,
  ed: { status: EdStatus; waiting: number; in_treatment: number; boarding: number; crowding: number } | null): CapacityForm {
  const f = emptyForm();
  if (beds) for (const k of BED_FIELDS) f.beds[k] = String(beds[k]);
  if (ed) {
    f.ed.status = ed.status;
    for (const k of ED_COUNT_FIELDS) f.ed[k] = String(ed[k]);
  }
  return f;
}

/**
 * The server's field messages are English; known ones are shown in the user's language via the
 * dictionary, unknown ones as sent.
 */
export function localizeServerMessage(message: string): Msg | null {
  const m = message.trim();
  let r: RegExpMatchArray | null;
  if (m === 'must not exceed total') return { key: 'srv.notExceedTotal' };
  if (m === 'must not exceed staffed') return { key: 'srv.notExceedStaffed' };
  if (m === 'must be 0 or more') return { key: 'err.negative' };
  if (m === 'is required') return { key: 'err.required' };
  if (/^must be an integer/.test(m)) return { key: 'err.integer' };
  if ((r = m.match(/^must be at most (\d+)$/))) return { key: 'err.tooLarge', params: { max: Number(r[1]) } };
  if (/more than 5 minutes in the future/.test(m)) return { key: 'err.dateFuture' };
  if ((r = m.match(/^must be at most (\d+) bytes$/))) return { key: 'err.noteLong', params: { max: Number(r[1]) } };
  return null;
}

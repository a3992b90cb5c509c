import type { Beds, CapacityInput, EdStatus, Problem, UnitType } from '../types';
import { hasBeds, hasEd } from './units';

/**
 * Client-side validation of a capacity report: the same rules as the API
 * (PUT /api/v1/units/{id}/capacity), so the user sees errors next to the fields before sending.
 * `checkCapacity` is the copy of the server's rule (core/validate.cc ValidateCapacity); the shared
 * case table tests/cases/capacity_rules.json holds both to the same answers (test/rules_table.test.ts).
 * `validateCapacity` checks the form: it parses the text fields, then applies the same rules.
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
/** The server's one message for occupied + available > staffed (core/validate.h kOccupiedPlusAvailableMsg). */
export const OCCUPIED_PLUS_AVAILABLE_MSG = 'occupied + available must not exceed staffed';

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

/** A count's range error (0..max), as the server's CheckCount. */
function countError(v: number, max: number): Msg | undefined {
  if (v < 0) return { key: 'err.negative' };
  if (v > max) return { key: 'err.tooLarge', params: { max } };
  return undefined;
}

/**
 * The bed rules (core ValidateBeds): counts 0..COUNT_MAX; staffed ≤ total; occupied ≤ total; and, when any
 * bed is available, occupied + available ≤ staffed (one message, on available). Occupied may exceed staffed
 * (overflow, up to the total), but then none are available. A rule is checked only when its numbers are
 * known, so the form shows it while another field is still wrong; with all four it is the server's rule.
 */
export function checkBeds(b: Partial<Beds>): FieldErrors {
  const errors: FieldErrors = {};
  const set = (f: string, m: Msg | undefined) => { if (m && !errors[`beds.${f}`]) errors[`beds.${f}`] = m; };
  for (const f of BED_FIELDS) {
    const v = b[f];
    if (v != null) set(f, countError(v, COUNT_MAX));
  }
  const { total, staffed, occupied, available } = b;
  if (total != null && staffed != null && staffed > total) set('staffed', { key: 'err.staffedGtTotal', params: { total } });
  if (total != null && occupied != null && occupied > total) set('occupied', { key: 'err.occupiedGtTotal', params: { total } });
  // A negative occupied count (named above) counts as none.
  if (staffed != null && occupied != null && available != null && available > 0 && Math.max(occupied, 0) + available > staffed) {
    set('available', { key: 'err.occupiedAvailableGtStaffed', params: { staffed } });
  }
  return errors;
}

/** ED counts 0..COUNT_MAX, crowding 0–200 (core ValidateCapacity); checks the counts that are given. */
export function checkEdCounts(ed: Partial<Record<(typeof ED_COUNT_FIELDS)[number], number>>): FieldErrors {
  const errors: FieldErrors = {};
  for (const f of ED_COUNT_FIELDS) {
    const v = ed[f];
    if (v == null) continue;
    const e = f === 'crowding' ? (countError(v, CROWDING_MAX) && { key: 'err.crowdingRange', params: { max: CROWDING_MAX } })
      : countError(v, COUNT_MAX);
    if (e) errors[`ed.${f}`] = e;
  }
  return errors;
}

/** as_of (RFC 3339) at most 5 minutes ahead of `nowMs`. */
export function checkAsOf(asOf: string, nowMs: number): Msg | undefined {
  const t = Date.parse(asOf);
  if (Number.isNaN(t)) return { key: 'err.dateInvalid' };
  if (t - nowMs > FUTURE_TOLERANCE_MS) return { key: 'err.dateFuture' };
  return undefined;
}

/** A note of at most 2000 bytes of UTF-8. */
export function checkNote(note: string): Msg | undefined {
  return new TextEncoder().encode(note).length > NOTE_MAX_BYTES ? { key: 'err.noteLong', params: { max: NOTE_MAX_BYTES } } : undefined;
}

/**
 * The server's rule on a report as the API receives it (core ValidateCapacity): beds or ed; beds only where
 * the unit type has beds, then the bed rules; ed only where it has an ED or queue, then its counts (missing
 * ones are 0, as the API reads them); as_of at most 5 minutes ahead; a note of at most 2000 bytes.
 */
export function checkCapacity(type: UnitType, input: CapacityInput, nowMs: number): FieldErrors {
  let errors: FieldErrors = {};
  if (input.as_of != null) {
    const e = checkAsOf(input.as_of, nowMs);
    if (e) errors['as_of'] = e;
  }
  if (!input.beds && !input.ed) errors['beds'] = { key: 'err.reportEmpty' };
  if (input.beds) {
    if (!hasBeds(type)) errors['beds'] = { key: 'err.bedsNotForType', params: { type } };
    else errors = { ...errors, ...checkBeds(input.beds) };
  }
  if (input.ed) {
    if (!hasEd(type)) errors['ed'] = { key: 'err.edNotForType', params: { type } };
    else {
      const { waiting = 0, in_treatment = 0, boarding = 0, crowding = 0 } = input.ed;
      errors = { ...errors, ...checkEdCounts({ waiting, in_treatment, boarding, crowding }) };
      if (input.ed.arrivals != null) {
        const e = countError(input.ed.arrivals, COUNT_MAX);
        if (e) errors['ed.arrivals'] = e;
      }
    }
  }
  if (input.note != null) {
    const e = checkNote(input.note);
    if (e) errors['note'] = e;
  }
  return errors;
}

/**
 * Checks the capacity form: each field parsed (required, a whole number), then the server's rules on the
 * numbers that parsed. The form shows only the parts the unit type has, and each shown part is required.
 */
export function validateCapacity(type: UnitType, form: CapacityForm, nowMs: number = Date.now()): ValidationResult {
  const errors: FieldErrors = {};
  const out: CapacityInput = {};
  /** A rule's error goes only where the field itself parsed. */
  const add = (rules: FieldErrors) => {
    for (const [f, m] of Object.entries(rules)) if (!errors[f]) errors[f] = m;
  };

  if (hasBeds(type)) {
    const v: Partial<Beds> = {};
    for (const f of BED_FIELDS) {
      const r = parseCount(form.beds[f]);
      if (r.error) errors[`beds.${f}`] = r.error;
      else v[f] = r.value;
    }
    add(checkBeds(v));
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
    add(checkEdCounts(v));
    if (!errors['ed.status'] && ED_COUNT_FIELDS.every((f) => v[f] != null)) {
      out.ed = {
        status: st as EdStatus, waiting: v.waiting!, in_treatment: v.in_treatment!, boarding: v.boarding!,
        crowding: v.crowding!,
      };
    }
  }

  if (form.as_of.trim() !== '') {
    const t = Date.parse(form.as_of); // datetime-local without zone: parsed as local time
    if (Number.isNaN(t)) errors['as_of'] = { key: 'err.dateInvalid' };
    else {
      const e = checkAsOf(new Date(t).toISOString(), nowMs);
      if (e) errors['as_of'] = e;
      else out.as_of = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
  }

  const note = form.note.trim(); // what is sent, and what the server measures
  const noteError = checkNote(note);
  if (noteError) errors['note'] = noteError;
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
  if (m === OCCUPIED_PLUS_AVAILABLE_MSG) return { key: 'srv.occupiedAvailableGtStaffed' };
  if (m === 'must be 0 or more') return { key: 'err.negative' };
  if (m === 'is required') return { key: 'err.required' };
  if (/^must be an integer/.test(m)) return { key: 'err.integer' };
  if ((r = m.match(/^must be at most (\d+)$/))) return { key: 'err.tooLarge', params: { max: Number(r[1]) } };
  if (/more than 5 minutes in the future/.test(m)) return { key: 'err.dateFuture' };
  if ((r = m.match(/^must be at most (\d+) bytes$/))) return { key: 'err.noteLong', params: { max: Number(r[1]) } };
  return null;
}

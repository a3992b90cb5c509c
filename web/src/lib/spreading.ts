import type { Problem } from '../types';
import type { Msg } from './validation';

/**
 * Spreading plans (docs/spreading.md, the API's contract): the optimiser's proposal of where each patient of an
 * uneven region goes, pinned or forbidden assignments, re-solve, approve (which creates the transfers) or discard.
 * Who may do what is a copy of the server's rule (work: the owner region's zcc- and roaz-coordinators, admin;
 * read: those and the region's viewer); the server decides, these only choose what to offer.
 */

export const PLAN_STATES = ['proposed', 'approved', 'discarded'] as const;
export type PlanState = (typeof PLAN_STATES)[number];
export const CARE_TYPES = ['ic', 'ward'] as const;
export type SpreadCareType = (typeof CARE_TYPES)[number];

export interface PatientIn { id: string; from_organization: string; from_unit: string; needs: SpreadCareType; label?: string }
export interface PinIn { patient: string; hospital: string }
export interface Policy {
  road_factor?: number; speed_kmh?: number; load_weight?: number; outside_region_penalty?: number; unplaced_cost?: number;
  reserve?: { ic?: number; ward?: number };
}
export interface NewPlanInput {
  regions?: string[];
  patients: PatientIn[];
  pins?: PinIn[];
  forbids?: PinIn[];
  policy?: Policy;
  note?: string;
}

export interface CareCapacity { staffed: number; occupied: number; stale: boolean }
export interface PlanHospital {
  id: string; name: string; lat: number; lon: number; region: string; regional_function: boolean;
  capacity: { ic?: CareCapacity; ward?: CareCapacity };
}
export interface Assignment {
  patient: string; hospital: string | null; care_type: SpreadCareType; travel: number; load: number; outside_region: number; cost: number;
  unplaced_reason?: string;
}
export interface OptimiserPlan {
  status: string; total_cost: number; solve_ms: number;
  assignments: Assignment[];
  left_out: { hospital: string; care_type: SpreadCareType; reason: string }[];
  open_places: { hospital: string; care_type: SpreadCareType; open: number; reserve: number }[];
}
export interface LeftOutUnit { unit: string; organization: string; care_type: SpreadCareType; reason: string }
export interface SpreadingPlan {
  id: string; version: number; state: PlanState; owner_region: string; regions: string[];
  created_by: string; created_at: string; updated_at: string; solved_at: string | null;
  approved_by: string | null; approved_at: string | null; note: string;
  request: { patients: PatientIn[]; pins?: PinIn[]; forbids?: PinIn[]; policy?: Policy };
  hospitals: PlanHospital[];
  plan: OptimiserPlan;
  left_out_units: LeftOutUnit[];
  transfers?: { patient: string; transfer: string }[];
  not_transferred?: { patient: string; reason: string }[];
}
export interface PlanSummary {
  id: string; version: number; state: PlanState; owner_region: string; regions: string[]; created_by: string;
  created_at: string; updated_at: string; patients: number; placed: number; total_cost: number;
}
/** A plan with its optional lists present (a server may leave empty ones out), so the screen need not check each. */
export function normalisePlan(p: SpreadingPlan): SpreadingPlan {
  const plan = p.plan ?? { status: '', total_cost: 0, solve_ms: 0, assignments: [], left_out: [], open_places: [] };
  return {
    ...p, regions: p.regions ?? [], hospitals: p.hospitals ?? [], left_out_units: p.left_out_units ?? [], note: p.note ?? '',
    request: { ...p.request, patients: p.request?.patients ?? [], pins: p.request?.pins ?? [], forbids: p.request?.forbids ?? [] },
    plan: { ...plan, assignments: plan.assignments ?? [], left_out: plan.left_out ?? [], open_places: plan.open_places ?? [] },
  };
}

/** The live stream's `spreading` event. */
export interface SpreadingEvent { id: string; version: number; state: PlanState; owner_region: string }

type Who = { role: string; region_id: string | null };
const WORK_ROLES = ['admin', 'zcc-coordinator', 'roaz-coordinator'];

/** May read spreading plans (the screen and its key). */
export const readsSpreading = (u: Who) => WORK_ROLES.includes(u.role) || u.role === 'viewer';
/** May propose, re-solve, approve or discard plans of `region` (the plan's owner region). */
export function worksSpreading(u: Who, region?: string): boolean {
  if (u.role === 'admin') return true;
  if (!WORK_ROLES.includes(u.role)) return false;
  return region == null || u.region_id == null || u.region_id === region;
}
/** The steps a plan offers this user now. */
export function planSteps(p: Pick<SpreadingPlan, 'state' | 'owner_region'>, u: Who): { solve: boolean; approve: boolean; discard: boolean } {
  const may = p.state === 'proposed' && worksSpreading(u, p.owner_region);
  return { solve: may, approve: may, discard: may };
}

export const planStateKey = (s: string) => (PLAN_STATES.includes(s as PlanState) ? `sp.state.${s}` : 'sp.state.unknown');
export const careKey = (c: string) => (c === 'ic' ? 'sp.care.ic' : c === 'ward' ? 'sp.care.ward' : 'sp.care.unknown');

/** The reason a patient was left unplaced, in the user's language. */
export function unplacedMsg(reason: string | undefined): Msg {
  switch (reason) {
    case 'no_open_place': return { key: 'sp.unplaced.no_open_place' };
    case 'cheaper_unplaced': return { key: 'sp.unplaced.cheaper_unplaced' };
    case 'pinned': case 'pin_not_open': case 'pinned_full': return { key: 'sp.unplaced.pinned' };
    default: return { key: 'sp.unplaced.other', params: { reason: reason ?? '—' } };
  }
}
/** Why an approved plan's patient got no transfer. */
export function notTransferredMsg(reason: string): Msg {
  if (reason === 'unplaced') return { key: 'sp.nt.unplaced' };
  if (reason === 'other_region') return { key: 'sp.nt.other_region' };
  return { key: 'sp.unplaced.other', params: { reason } };
}

/** Newest first, as the server sends them; ties by id so the order is stable. */
export function planOrder(items: readonly PlanSummary[]): PlanSummary[] {
  return items.slice().sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || a.id.localeCompare(b.id));
}

/** Whether a list of `region`'s plans shows what an event is about. */
export const eventConcernsRegion = (e: SpreadingEvent, region: string) => e.owner_region === region;

// ---- the form of a new plan ----

export interface PatientRow { key: number; id: string; from_organization: string; from_unit: string; needs: '' | SpreadCareType; label: string }
export const POLICY_FIELDS = ['road_factor', 'speed_kmh', 'load_weight', 'outside_region_penalty', 'unplaced_cost', 'reserve.ic', 'reserve.ward'] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];
/** The policy's ranges (docs/spreading.md). */
export const POLICY_RANGES: Record<PolicyField, [number, number]> = {
  road_factor: [1, 10], speed_kmh: [1, 1000], load_weight: [0, 100000], outside_region_penalty: [0, 100000],
  unplaced_cost: [0, 100000], 'reserve.ic': [0, 1], 'reserve.ward': [0, 1],
};
export const POLICY_DEFAULTS: Record<PolicyField, number> = {
  road_factor: 1.3, speed_kmh: 80, load_weight: 60, outside_region_penalty: 30, unplaced_cost: 10000, 'reserve.ic': 0.5, 'reserve.ward': 0,
};
export interface PlanForm {
  regions: string[];
  patients: PatientRow[];
  policy: Record<PolicyField, string>;
  note: string;
}
export const MAX_PATIENTS = 2000;
const ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

export function emptyPatient(key: number, rows: readonly PatientRow[] = []): PatientRow {
  let n = rows.length + 1;
  const taken = new Set(rows.map((r) => r.id));
  while (taken.has(`P${n}`)) n += 1;
  return { key, id: `P${n}`, from_organization: '', from_unit: '', needs: '', label: '' };
}
export function emptyPlanForm(region: string | null): PlanForm {
  return {
    regions: region ? [region] : [],
    patients: [emptyPatient(1)],
    policy: { road_factor: '', speed_kmh: '', load_weight: '', outside_region_penalty: '', unplaced_cost: '', 'reserve.ic': '', 'reserve.ward': '' },
    note: '',
  };
}

/** Form field names (also the names the server's errors are mapped to): patients[i].x, policy.x. */
export const patientField = (i: number, f: keyof PatientIn) => `patients[${i}].${f}`;
export function planFields(form: Pick<PlanForm, 'patients'>): string[] {
  const out = ['regions', 'patients'];
  form.patients.forEach((_, i) => { for (const f of ['id', 'from_organization', 'from_unit', 'needs', 'label'] as const) out.push(patientField(i, f)); });
  for (const f of POLICY_FIELDS) out.push(`policy.${f}`);
  out.push('note', 'pins', 'forbids');
  return out;
}

const num = (s: string) => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s.trim()) : NaN);

/** Checks the form as the server would and builds the body; `value` is null when a field is wrong. */
export function buildNewPlan(form: PlanForm, ownRegion: string | null): { value: NewPlanInput | null; errors: Record<string, Msg> } {
  const errors: Record<string, Msg> = {};
  if (form.patients.length === 0) errors.patients = { key: 'sp.err.noPatients' };
  if (form.patients.length > MAX_PATIENTS) errors.patients = { key: 'sp.err.tooMany', params: { max: MAX_PATIENTS } };
  const seen = new Set<string>();
  const patients: PatientIn[] = form.patients.map((p, i) => {
    const id = p.id.trim();
    if (!id) errors[patientField(i, 'id')] = { key: 'err.required' };
    else if (!ID_RE.test(id)) errors[patientField(i, 'id')] = { key: 'sp.err.id' };
    else if (seen.has(id)) errors[patientField(i, 'id')] = { key: 'sp.err.idTwice' };
    seen.add(id);
    if (!p.from_organization) errors[patientField(i, 'from_organization')] = { key: 'err.required' };
    if (!p.from_unit) errors[patientField(i, 'from_unit')] = { key: 'err.required' };
    if (!p.needs) errors[patientField(i, 'needs')] = { key: 'err.required' };
    const label = p.label.trim();
    if (label.length > 200) errors[patientField(i, 'label')] = { key: 'srv.tooLong', params: { max: 200 } };
    return { id, from_organization: p.from_organization, from_unit: p.from_unit, needs: p.needs as SpreadCareType, ...(label ? { label } : {}) };
  });
  const policy: Policy = {};
  for (const f of POLICY_FIELDS) {
    const raw = form.policy[f].trim().replace(',', '.');
    if (!raw) continue;
    const v = num(raw);
    const [lo, hi] = POLICY_RANGES[f];
    if (!Number.isFinite(v) || v < lo || v > hi) { errors[`policy.${f}`] = { key: 'sp.err.range', params: { min: lo, max: hi } }; continue; }
    if (f === 'reserve.ic' || f === 'reserve.ward') policy.reserve = { ...policy.reserve, [f.slice(8)]: v };
    else policy[f] = v;
  }
  const note = form.note.trim();
  if (note.length > 1000) errors.note = { key: 'srv.tooLong', params: { max: 1000 } };
  if (Object.keys(errors).length) return { value: null, errors };
  const body: NewPlanInput = { patients };
  // The caller's own region is the server's default: named only when others are chosen too.
  if (form.regions.length && !(form.regions.length === 1 && form.regions[0] === ownRegion)) body.regions = form.regions;
  if (Object.keys(policy).length) body.policy = policy;
  if (note) body.note = note;
  return { value: body, errors };
}

/**
 * A problem+json's errors by form field: `patients[2].from_unit`, `/patients/2/from_unit` and `policy.reserve.ic` as
 * the form names them; an error on a field the form does not show goes to its closest shown parent, else to general.
 */
export function mapPlanErrors(problem: Problem | null | undefined, fields: readonly string[]): { fields: Record<string, string>; general: string[] } {
  const out: { fields: Record<string, string>; general: string[] } = { fields: {}, general: [] };
  if (!problem) return out;
  const add = (f: string, m: string) => { out.fields[f] = out.fields[f] ? `${out.fields[f]}; ${m}` : m; };
  for (const e of problem.errors ?? []) {
    const f = normaliseField(e.field);
    let target: string | null = f && fields.includes(f) ? f : null;
    for (let p = f ?? ''; !target;) {
      const up = p.replace(/(\.[^.[\]]*|\[\d+\])$/, ''); // one step up: "pins[0].hospital" → "pins[0]" → "pins"
      if (up === p || !up) break;
      p = up;
      if (fields.includes(p)) target = p;
    }
    if (target) add(target, e.message);
    else out.general.push(f ? `${f}: ${e.message}` : e.message);
  }
  if (!problem.errors?.length) {
    const text = problem.detail || problem.title;
    if (text) out.general.push(text);
  }
  return out;
}
export function normaliseField(name: string | null | undefined): string | null {
  const f = (name ?? '').trim().replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  return f || null;
}

/** The server's (English) messages about a plan, in the user's language where known. */
export function localizeSpreadingMessage(message: string): Msg | null {
  const m = message.trim();
  let r: RegExpMatchArray | null;
  if (/^(?:is )?required$/.test(m) || /^is missing$/.test(m)) return { key: 'err.required' };
  if (/^not a hospital of (?:the|this) plan/.test(m) || /^unknown hospital/.test(m)) return { key: 'sp.srv.hospital' };
  if (/^not an? (?:organi[sz]ation|hospital) of (?:the )?(?:plan's )?regions?/.test(m)) return { key: 'sp.srv.org' };
  if (/^not a unit of (?:the )?organi[sz]ation/.test(m)) return { key: 'sp.srv.unit' };
  if (/^(?:not a|unknown) region/.test(m) || /^no such region/.test(m)) return { key: 'sp.srv.region' };
  if (/^(?:is )?not a patient of (?:the|this) plan/.test(m) || /^unknown patient/.test(m)) return { key: 'sp.srv.patient' };
  if (/^has no location/.test(m)) return { key: 'sp.srv.noLocation' };
  if (/^is pinned already/.test(m)) return { key: 'sp.srv.pinnedTwice' };
  if (/own sending hospital/.test(m)) return { key: 'sp.srv.ownHospital' };
  if (/^forbids the hospital the patient is pinned to/.test(m)) return { key: 'sp.srv.forbidPinned' };
  if (/^names the same patient and hospital twice/.test(m)) return { key: 'sp.srv.pairTwice' };
  if (/^is named twice/.test(m)) return { key: 'sp.srv.twice' };
  if (/patient identifiers|patient data/.test(m)) return { key: 'sp.srv.identifiers' };
  if (/^is used by another patient|unique|duplicate|given twice|more than once/.test(m)) return { key: 'sp.err.idTwice' };
  if (/^unknown care type/.test(m)) return { key: 'sp.srv.needs' };
  if (/^must be (?:"ic" or "ward"|ic or ward|one of ic, ward)/.test(m)) return { key: 'sp.srv.needs' };
  if (/\[A-Za-z0-9._-\]|1[–-]64 characters/.test(m)) return { key: 'sp.err.id' };
  if ((r = m.match(/^must be (-?[\d.]+) to (-?[\d.]+)$/))) return { key: 'sp.err.range', params: { min: r[1], max: r[2] } };
  if ((r = m.match(/^must be at most (\d+) (?:bytes|characters)$/))) return { key: 'srv.tooLong', params: { max: Number(r[1]) } };
  if ((r = m.match(/^must hold 1 to (\d+)/))) return { key: 'sp.err.tooMany', params: { max: Number(r[1]) } };
  return null;
}

// ---- pins and forbids: stored on the plan, pending in the screen ----

export interface Constraints { pins: PinIn[]; forbids: PinIn[] }
const same = (a: PinIn, b: PinIn) => a.patient === b.patient && a.hospital === b.hospital;

/** A pin of `patient` (replacing any other pin of that patient). */
export function withPin(c: Constraints, pin: PinIn): Constraints {
  return { pins: [...c.pins.filter((p) => p.patient !== pin.patient), pin], forbids: c.forbids.filter((f) => !same(f, pin)) };
}
/** A forbid of `hospital` for `patient` (a pin of the patient to that hospital goes). */
export function withForbid(c: Constraints, f: PinIn): Constraints {
  if (c.forbids.some((x) => same(x, f))) return c;
  return { pins: c.pins.filter((p) => !same(p, f)), forbids: [...c.forbids, f] };
}
export function without(c: Constraints, kind: 'pins' | 'forbids', x: PinIn): Constraints {
  return { ...c, [kind]: c[kind].filter((y) => !same(x, y)) };
}
/**
 * A change the user made to the pins and forbids, kept as a change (not as a copy of the lists): when the plan is
 * reloaded (someone else re-solved it), the user's changes are applied to the new stored lists, and what the other
 * person pinned or forbade is kept.
 */
export type ConstraintOp = { op: 'pin' | 'forbid' | 'unpin' | 'unforbid'; x: PinIn };
export function applyOps(stored: Constraints, ops: readonly ConstraintOp[]): Constraints {
  return ops.reduce((c, o) => (o.op === 'pin' ? withPin(c, o.x) : o.op === 'forbid' ? withForbid(c, o.x)
    : without(c, o.op === 'unpin' ? 'pins' : 'forbids', o.x)), stored);
}
export function storedConstraints(p: Pick<SpreadingPlan, 'request'>): Constraints {
  return { pins: p.request.pins ?? [], forbids: p.request.forbids ?? [] };
}
/** Whether the screen's constraints differ from the plan's (there is something to re-solve with). */
export function constraintsChanged(stored: Constraints, now: Constraints): boolean {
  const key = (l: PinIn[]) => l.map((x) => `${x.patient}\u0000${x.hospital}`).sort().join('\u0001');
  return key(stored.pins) !== key(now.pins) || key(stored.forbids) !== key(now.forbids);
}

// ---- reading a plan ----

export interface PlanRow {
  patient: PatientIn;
  a: Assignment | null;
  pinned: string | null;
  forbidden: string[];
}
/** One row per patient of the request, in its order, with its assignment and constraints. */
export function planRows(p: Pick<SpreadingPlan, 'request' | 'plan'>, c: Constraints): PlanRow[] {
  const by = new Map(p.plan.assignments.map((a) => [a.patient, a]));
  return p.request.patients.map((patient) => ({
    patient, a: by.get(patient.id) ?? null,
    pinned: c.pins.find((x) => x.patient === patient.id)?.hospital ?? null,
    forbidden: c.forbids.filter((x) => x.patient === patient.id).map((x) => x.hospital),
  }));
}
export function planTotals(plan: OptimiserPlan): { patients: number; placed: number; unplaced: number; travel: number; cost: number; outside: number } {
  const placed = plan.assignments.filter((a) => a.hospital);
  return {
    patients: plan.assignments.length, placed: placed.length, unplaced: plan.assignments.length - placed.length,
    travel: placed.reduce((s, a) => s + a.travel, 0), cost: plan.total_cost, outside: placed.filter((a) => a.outside_region > 0).length,
  };
}
/** Open places per hospital and care type (the plan's own count: after reserve, 0 when stale). */
export function openPlaces(plan: OptimiserPlan): Map<string, Partial<Record<SpreadCareType, number>>> {
  const m = new Map<string, Partial<Record<SpreadCareType, number>>>();
  for (const o of plan.open_places) m.set(o.hospital, { ...m.get(o.hospital), [o.care_type]: o.open });
  return m;
}
/** Places the plan uses per hospital and care type. */
export function usedPlaces(plan: OptimiserPlan): Map<string, number> {
  const m = new Map<string, number>();
  for (const a of plan.assignments) if (a.hospital) m.set(`${a.hospital}|${a.care_type}`, (m.get(`${a.hospital}|${a.care_type}`) ?? 0) + 1);
  return m;
}
/** The hospitals and care types left out as stale: the plan's own list and the instance's stale flags. */
export function staleHospitals(p: Pick<SpreadingPlan, 'plan' | 'hospitals'>): { hospital: string; care_type: SpreadCareType }[] {
  const out = p.plan.left_out.map((x) => ({ hospital: x.hospital, care_type: x.care_type }));
  for (const h of p.hospitals) {
    for (const k of CARE_TYPES) {
      if (h.capacity[k]?.stale && !out.some((x) => x.hospital === h.id && x.care_type === k)) out.push({ hospital: h.id, care_type: k });
    }
  }
  return out;
}
/** A cost or time as shown: whole numbers plain, else one decimal (the exact figure is in the title). */
export function fmtCost(v: number, lang: 'nl' | 'en' = 'nl'): string {
  const s = Number.isInteger(v) ? String(v) : v.toFixed(1);
  return lang === 'nl' ? s.replace('.', ',') : s;
}

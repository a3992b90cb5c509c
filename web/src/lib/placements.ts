import type { Msg } from './validation';

/**
 * The follow-up placement desk's rules (docs/placement.md): the states, the care types, the decline reasons, who
 * may do what by role and side (copies of core/authz.h read-placements and work-placements as the placement
 * service asks them), the waiting list's order and the label of each criterion check of the matches. The server
 * decides; these only choose what to offer.
 */

export const PLACEMENT_STATES = ['waiting', 'offered', 'placed', 'cancelled'] as const;
export type PlacementState = (typeof PLACEMENT_STATES)[number];
export const OPEN_PLACEMENT_STATES: readonly PlacementState[] = ['waiting', 'offered'];
export const isOpenPlacement = (s: PlacementState) => OPEN_PLACEMENT_STATES.includes(s);

export const OFFER_STATES = ['open', 'accepted', 'declined', 'withdrawn', 'expired'] as const;
export type OfferState = (typeof OFFER_STATES)[number];

/** Care types a placement may ask for (core/admission_criteria.h CareType). */
export const PLACEMENT_CARE_TYPES = ['elv-low', 'elv-high', 'elv-palliative', 'vvt-crisis', 'grz', 'ggz'] as const;
export const MOBILITIES = ['independent', 'aid', 'bedbound'] as const;
export type Mobility = (typeof MOBILITIES)[number];
/** Reasons a provider declines an offer with (core/placement.h DeclineReason); `other` needs a text. */
export const DECLINE_REASONS = ['no-bed', 'care-too-complex', 'criteria-not-met', 'patient-choice', 'other'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];
/** The criteria every match lists, always all eight, in the server's order. */
export const CRITERIA = ['care_type', 'dementia', 'isolation', 'oxygen', 'max_weight_kg', 'mobility', 'age_min', 'age_max'] as const;

export interface CareProfile { dementia: boolean; isolation: boolean; oxygen: boolean; weight_kg: number | null; mobility: Mobility; age: number | null }

export interface Offer {
  id: string;
  placement_id: string;
  organization_id: string;
  unit_id: string;
  state: OfferState;
  decline_reason: DeclineReason | null;
  decline_text: string | null;
  created_by: string;
  created_at: string;
  answered_by: string | null;
  answered_at: string | null;
  reserved_until: string | null;
  reservation_ended_at: string | null;
}

export interface Placement {
  id: string;
  region_id: string;
  from_organization_id: string;
  from_unit_id: string;
  care_type: string;
  profile: CareProfile;
  needs: string;
  preferred_place: string | null;
  preferred_lat: number | null;
  preferred_lon: number | null;
  earliest_date: string;
  state: PlacementState;
  has_patient: boolean;
  created_by: string;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
  transfer_id: string | null;
  cancel_reason: string | null;
  waiting_hours: number;
  wrong_bed_days: number;
  offers: Offer[];
  version: number;
}

export type CriterionValue = null | boolean | number | string | string[];
export interface CriterionCheck { criterion: string; ok: boolean; need: CriterionValue; limit: CriterionValue }

export interface PlacementMatch {
  unit_id: string;
  organization_id: string;
  organization_name: string;
  unit_name: string;
  unit_type: string;
  fits: boolean;
  free_beds: number;
  reported_available: number | null;
  reserved: number;
  stale: boolean;
  distance_km: number | null;
  criteria: CriterionCheck[];
}

export interface WaitingList { now: string; items: Placement[] }

export interface Matches { placement_id: string; care_type: string; at: string; matches: PlacementMatch[] }

export interface Who { role: string; organization_id: string | null; region_id?: string | null }

const ORG_ROLES = ['org-user', 'org-capacity-manager'];
const REGION_ROLES = ['roaz-coordinator', 'zcc-coordinator'];
const isOrgUser = (u: Who) => ORG_ROLES.includes(u.role) && !!u.organization_id;
const regionWide = (u: Who) => u.role === 'admin' || REGION_ROLES.includes(u.role);

/** Who sees the desk's waiting list (read-placements of the region, or of the user's own organisation). */
export function readsPlacements(u: Who): boolean {
  return regionWide(u) || u.role === 'viewer' || isOrgUser(u);
}

/** Who may record a placement: an organisation's users (from their own organisation), the coordinators, admin. */
export function mayCreatePlacement(u: Who): boolean {
  return regionWide(u) || isOrgUser(u);
}

/** Whether the user works the sending side (work-placements of the sending organisation): offer units. */
export function mayOffer(p: Pick<Placement, 'from_organization_id' | 'state'>, u: Who): boolean {
  if (!isOpenPlacement(p.state)) return false;
  return regionWide(u) || (isOrgUser(u) && u.organization_id === p.from_organization_id);
}

/**
 * The free beds of a unit row net of the beds reserved for placements (a follow-up unit's `reserved`), at least 0;
 * null without beds. Computed here so a live capacity event (which carries no `reserved`) keeps it right.
 */
export function netAvailable(u: { beds: { available: number } | null; reserved?: number }): number | null {
  if (!u.beds) return null;
  return Math.max(0, u.beds.available - (u.reserved ?? 0));
}

/** Whether the user may cancel the placement: as offering (the sending side and the region's desk, while it is open). */
export function mayCancel(p: Pick<Placement, 'from_organization_id' | 'state'>, u: Who): boolean {
  return mayOffer(p, u);
}

/** Whether the user may see the matches: the sending side, the region's coordinators, admin and viewers (not a provider). */
export function mayReadMatches(p: Pick<Placement, 'from_organization_id'>, u: Who): boolean {
  return regionWide(u) || u.role === 'viewer' || (isOrgUser(u) && u.organization_id === p.from_organization_id);
}

/** Whether the user may answer this offer: open, and the offer's provider organisation, a coordinator or admin. */
export function mayAnswer(o: Pick<Offer, 'organization_id' | 'state'>, u: Who): boolean {
  if (o.state !== 'open') return false;
  return regionWide(u) || (isOrgUser(u) && u.organization_id === o.organization_id);
}

/** Whether a placement has an open offer to the user's organisation (what a provider has to answer). */
export function waitsOnMe(p: Pick<Placement, 'offers'>, u: Who): boolean {
  return isOrgUser(u) && p.offers.some((o) => o.state === 'open' && o.organization_id === u.organization_id);
}

export const openOffers = (p: Pick<Placement, 'offers'>) => p.offers.filter((o) => o.state === 'open').length;

/**
 * The waiting list's order: open before ended; open ones with an offer to the user's organisation first, then the
 * longest in a hospital bed it does not need, then the oldest recorded; ended ones by the newest change.
 */
export function waitingOrder<T extends Placement>(items: readonly T[], u: Who): T[] {
  return [...items].sort((a, b) => {
    const oa = isOpenPlacement(a.state), ob = isOpenPlacement(b.state);
    if (oa !== ob) return oa ? -1 : 1;
    if (!oa) return Date.parse(b.updated_at) - Date.parse(a.updated_at) || a.id.localeCompare(b.id);
    const wa = waitsOnMe(a, u), wb = waitsOnMe(b, u);
    if (wa !== wb) return wa ? -1 : 1;
    return b.wrong_bed_days - a.wrong_bed_days || Date.parse(a.created_at) - Date.parse(b.created_at) || a.id.localeCompare(b.id);
  });
}

/** Dictionary keys. */
export const plStateKey = (s: string) => `pl.state.${s}`;
export const offerStateKey = (s: string) => `pl.offer.${s}`;
export const careTypeKey = (s: string) => `pl.care.${s}`;
export const declineKey = (s: string) => `pl.decline.${s}`;
export const mobilityKey = (s: string) => `pl.mobility.${s}`;

const shown = (v: CriterionValue): string => (Array.isArray(v) ? v.join(', ') : v === null ? '–' : String(v));

/**
 * The label of one criterion check as a message: what the unit admits against what the patient needs, e.g.
 * `max. gewicht 120 kg < 130 kg nodig` for a failed weight, `geen dementie` for a unit without dementia care the
 * patient does not need. The pass/fail itself is `ok`; the label says why.
 */
export function criterionLabel(c: CriterionCheck): Msg {
  const vars = { need: shown(c.need), limit: shown(c.limit) };
  switch (c.criterion) {
    case 'dementia': case 'isolation': case 'oxygen':
      return { key: `pl.crit.${c.criterion}.${c.limit === true ? 'yes' : 'no'}${c.need === true ? '.need' : ''}` };
    case 'max_weight_kg': case 'age_min': case 'age_max':
      if (c.limit === null) return { key: `pl.crit.${c.criterion}.none` };
      if (c.need === null) return { key: `pl.crit.${c.criterion}.unknown`, params: vars };
      return { key: `pl.crit.${c.criterion}.${c.ok ? 'ok' : 'fail'}`, params: vars };
    case 'mobility':
      if (c.limit === null) return { key: 'pl.crit.mobility.none' };
      return { key: `pl.crit.mobility.${c.ok ? 'ok' : 'fail'}`, params: vars };
    case 'care_type':
      return { key: `pl.crit.care_type.${c.ok ? 'ok' : 'fail'}`, params: vars };
    default:
      return { key: 'pl.crit.unknown', params: { name: c.criterion } };
  }
}

export interface PlacementForm {
  from_organization_id: string;
  from_unit_id: string;
  care_type: string;
  dementia: boolean; isolation: boolean; oxygen: boolean;
  weight_kg: string; mobility: Mobility; age: string;
  needs: string;
  earliest_date: string;
  preferred_place: string; preferred_lat: string; preferred_lon: string;
  withPatient: boolean;
  patient: { bsn: string; name: string; birth_date: string };
}

export function emptyPlacementForm(u: Who): PlacementForm {
  return {
    from_organization_id: isOrgUser(u) ? (u.organization_id ?? '') : '', from_unit_id: '', care_type: '',
    dementia: false, isolation: false, oxygen: false, weight_kg: '', mobility: 'independent', age: '', needs: '',
    earliest_date: '', preferred_place: '', preferred_lat: '', preferred_lon: '', withPatient: false,
    patient: { bsn: '', name: '', birth_date: '' },
  };
}

/** Every field of the form, in its order (the server's field errors map onto these; focus on the first wrong). */
export const PLACEMENT_FIELDS = [
  'from_organization_id', 'from_unit_id', 'care_type', 'profile', 'profile.dementia', 'profile.isolation', 'profile.oxygen',
  'profile.weight_kg', 'profile.mobility', 'profile.age', 'needs', 'earliest_date', 'preferred_place', 'preferred_lat',
  'preferred_lon', 'patient', 'patient.bsn', 'patient.name', 'patient.birth_date', 'region_id',
] as const;

export interface NewPlacementInput {
  region_id: string; from_organization_id: string; from_unit_id: string; care_type: string;
  profile: { dementia: boolean; isolation: boolean; oxygen: boolean; mobility: Mobility; weight_kg?: number; age?: number };
  needs: string; earliest_date?: string; preferred_place?: string; preferred_lat?: number; preferred_lon?: number;
  patient?: { bsn?: string; name?: string; birth_date?: string };
}

/**
 * Checks what is sure to be refused (required fields, a weight or age that is not a whole number in range, one of
 * latitude and longitude without the other, a patient with neither BSN nor name) and builds the body of
 * POST /placements: trimmed texts, empty optional parts left out.
 */
export function buildNewPlacement(f: PlacementForm, regionId: string): { errors: Record<string, Msg>; value: NewPlacementInput | null } {
  const errors: Record<string, Msg> = {};
  const tr = (s: string) => s.trim();
  for (const k of ['from_organization_id', 'from_unit_id', 'care_type'] as const) if (!f[k]) errors[k] = { key: 'err.required' };
  if (!tr(f.needs)) errors['needs'] = { key: 'err.required' };
  const body: NewPlacementInput = {
    region_id: regionId, from_organization_id: f.from_organization_id, from_unit_id: f.from_unit_id, care_type: f.care_type,
    profile: { dementia: f.dementia, isolation: f.isolation, oxygen: f.oxygen, mobility: f.mobility }, needs: tr(f.needs),
  };
  const whole = (field: 'weight_kg' | 'age', v: string, min: number, max: number) => {
    if (!tr(v)) return;
    const n = Number(tr(v));
    if (!Number.isInteger(n) || n < min || n > max) errors[`profile.${field}`] = { key: 'pl.err.range', params: { min, max } };
    else body.profile[field] = n;
  };
  whole('weight_kg', f.weight_kg, 1, 500);
  whole('age', f.age, 0, 130);
  if (f.earliest_date) body.earliest_date = f.earliest_date;
  if (tr(f.preferred_place)) body.preferred_place = tr(f.preferred_place);
  const lat = tr(f.preferred_lat), lon = tr(f.preferred_lon);
  if (lat || lon) {
    const a = Number(lat), o = Number(lon);
    if (!lat) errors['preferred_lat'] = { key: 'pl.err.bothCoords' };
    else if (Number.isNaN(a) || a < -90 || a > 90) errors['preferred_lat'] = { key: 'pl.err.range', params: { min: -90, max: 90 } };
    if (!lon) errors['preferred_lon'] = { key: 'pl.err.bothCoords' };
    else if (Number.isNaN(o) || o < -180 || o > 180) errors['preferred_lon'] = { key: 'pl.err.range', params: { min: -180, max: 180 } };
    if (!errors['preferred_lat'] && !errors['preferred_lon']) { body.preferred_lat = a; body.preferred_lon = o; }
  }
  if (f.withPatient) {
    const bsn = f.patient.bsn.replace(/[\s.-]/g, '');
    const patient: NonNullable<NewPlacementInput['patient']> = {};
    if (bsn) patient.bsn = bsn;
    if (tr(f.patient.name)) patient.name = tr(f.patient.name);
    if (f.patient.birth_date) patient.birth_date = f.patient.birth_date;
    if (!bsn && !patient.name) errors['patient.name'] = { key: 'err.bsnOrName' };
    if (bsn && !/^\d{9}$/.test(bsn)) errors['patient.bsn'] = { key: 'err.bsnNine' };
    body.patient = patient;
  }
  return { errors, value: Object.keys(errors).length ? null : body };
}

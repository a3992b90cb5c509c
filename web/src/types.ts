// Shapes of the OpenZCC JSON API (/api/v1), as the server sends them.

export type Role =
  | 'admin'
  | 'roaz-coordinator'
  | 'zcc-coordinator'
  | 'org-capacity-manager'
  | 'org-user'
  | 'viewer'
  | 'privacy-officer'
  | string;

export interface User {
  username: string;
  role: Role;
  organization_id: string | null;
  region_id: string | null;
}

export interface Subregion { id: string; name: string }
export interface RegionSummary { id: string; name: string; subregions: Subregion[] }

export type OrgType = 'hospital' | 'ambulance' | 'hap' | 'vvt' | 'elv' | 'ggz' | string;
export interface Organization { id: string; name: string; type: OrgType; subregion_id: string }
export interface Location {
  id: string; organization_id: string; name: string; address?: string; city?: string; lat: number; lon: number;
}

export const UNIT_TYPES = [
  'seh', 'ic', 'ward', 'elv-low', 'elv-high', 'elv-palliative', 'ggz-crisis', 'vvt-crisis', 'hap', 'ambulance',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number] | string;

export interface Unit {
  id: string; organization_id: string; location_id: string; type: UnitType; specialism?: string | null;
  name: string; expected_interval_s: number;
}

export interface RegionDetail {
  region: RegionSummary;
  organizations: Organization[];
  locations: Location[];
  units: Unit[];
}

export interface Beds { total: number; staffed: number; occupied: number; available: number }
export type EdStatus = 'open' | 'threatened' | 'closed';
export interface Ed {
  status: EdStatus; waiting: number; in_treatment: number; boarding: number; crowding: number;
  /** Patients who arrived in the hour before as_of; absent when not reported. */
  arrivals?: number | null;
}

export interface SnapshotUnit {
  unit_id: string;
  organization_id: string;
  organization_name: string;
  subregion: string;
  type: UnitType;
  specialism?: string | null;
  name: string;
  location: { lat: number; lon: number } | null;
  beds: Beds | null;
  ed: Ed | null;
  as_of: string | null;
  age_seconds: number | null;
  stale: boolean;
  expected_interval_s: number;
  /** Data version of the unit's latest report (null when never reported). */
  version?: number | null;
  note?: string | null;
  source?: string | null;
  /** Follow-up units: beds held by accepted placement offers (docs/placement.md). */
  reserved?: number;
  /** Follow-up units: available less reserved, at least 0 (null without beds). */
  available_net?: number | null;
}

export interface TypeTotals { units: number; total: number; staffed: number; occupied: number; available: number }

export interface Snapshot {
  region: string;
  version: number | string;
  generated_at: string;
  units: SnapshotUnit[];
  totals: { by_type: Record<string, TypeTotals>; by_subregion: Record<string, Record<string, TypeTotals>> };
}

export interface HistoryPoint { as_of: string; beds: Beds | null; ed: Ed | null; source: string; reported_by: string }
export interface History { unit_id: string; from: string; to: string; downsampled: boolean; points: HistoryPoint[] }

/** GET /api/v1/units/{id}/forecast (docs/openapi.json UnitForecast). */
export interface ForecastPoint { horizon: number; target: string; mean: number; p10: number; p90: number }
export interface ForecastBacktest { mase: number; coverage: number; forecasts: number; origins: number }
export interface UnitForecast {
  unit_id: string; unit_type: UnitType; organization_name: string; unit_name: string;
  kind: 'ed-arrivals' | 'occupancy'; horizon_unit: 'hour' | 'day'; origin: string;
  data_as_of: string; data_age_seconds: number; history: number; interval: number;
  points: ForecastPoint[]; backtest: ForecastBacktest;
  peak?: { mean: number; date: string }; threshold?: number | null; crosses_threshold?: boolean; crosses_on?: string | null;
  /** Unit route only: every forecast of the unit, this one first (an SEH: ED arrivals, then its beds' occupancy). */
  forecasts?: UnitForecast[];
}
/** GET /api/v1/forecasts?region= */
export interface RegionForecast {
  region: string; days: number; generated_at: string;
  ed_outlook: UnitForecast[]; crossing: UnitForecast[]; units_without_forecast: number;
}

export interface FieldError { field: string; message: string }
export interface Problem {
  type?: string; title?: string; status?: number; detail?: string; instance?: string; errors?: FieldError[];
}

export interface CapacityInput {
  as_of?: string;
  beds?: Beds;
  ed?: Ed;
  note?: string;
}

// ---------------------------------------------------------------------------
// The ZCC worklist (/api/v1/cases, /handovers, /complaints). Wire names as core/cases.h defines them.

export const CHANNELS = ['hap', '112', 'gp', 'vvt', 'hospital', 'ggz', 'self-triage', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];
export const URGENCIES = ['U0', 'U1', 'U2', 'U3', 'U4', 'U5'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const CASE_STATES = ['new', 'triaged', 'in-consultation', 'handed-over', 'accepted', 'declined', 'closed'] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const OUTCOMES = [
  'helped-by-zcc', 'referred', 'care-prevented', 'ed-visit', 'hospital-admission', 'ambulance', 'doctor-visit', 'self-care-advice',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const LEGAL_BASES = ['consent', 'vital-interest', 'treatment-relationship'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];
export const HANDOVER_STATES = ['requested', 'accepted', 'rejected', 'completed', 'cancelled'] as const;
export type HandoverState = (typeof HANDOVER_STATES)[number];
export const TIMELINE_KINDS = [
  'created', 'triaged', 'consult', 'advice', 'consult-ended', 'handed-over', 'accepted', 'declined', 'withdrawn',
  'escalated', 'pathway', 'note', 'closed',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
export const LIVING_SITUATIONS = ['home-alone', 'home-with-carer', 'assisted-living', 'nursing-home', 'other'] as const;
export type LivingSituation = (typeof LIVING_SITUATIONS)[number];
export const KNOWN_CARE = [
  'district-nursing', 'home-care', 'palliative-care', 'ggz-treatment', 'chronic-care', 'recent-discharge',
] as const;
export type KnownCare = (typeof KNOWN_CARE)[number];

export interface CaseContext {
  age_years: number | null;
  living: LivingSituation | null;
  /** null: not asked; []: none. */
  known_care: KnownCare[] | null;
}
export interface CaseCaller { name: string; role: string; phone: string }

/** A care request as lists, events and details show it: never patient data (that is read separately). */
export interface Case {
  id: string;
  region_id: string;
  subregion_id: string | null;
  channel: Channel;
  requesting_organization_id: string | null;
  caller: CaseCaller;
  received_at: string;
  summary: string;
  urgency: Urgency | null;
  /** Entry complaint code (GET /complaints names it). */
  complaint: string | null;
  context: CaseContext;
  state: CaseState;
  outcome: Outcome | null;
  legal_basis: LegalBasis | null;
  has_patient: boolean;
  repeat_contact: boolean;
  pathway: { id: string; version: number; action: string | null; deviation_reason: string | null } | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  triaged_at: string | null;
  closed_at: string | null;
  /** Bumped on every change; the ETag every change names in If-Match. */
  version: number;
}

/** A worklist line: the case with its target time. */
export interface CaseItem extends Case { due_at: string | null; overdue: boolean }
export interface Worklist { now: string; items: CaseItem[] }

export interface TriageRecord { at: string; by: string; urgency: Urgency; complaint: string; note: string }
export interface TimelineEntry { at: string; actor: string; kind: TimelineKind | string; detail: string }
export interface Sbar { situation: string; background: string; assessment: string; recommendation: string }

export interface Handover {
  id: string;
  case_id: string;
  to_organization_id: string;
  to_unit_id: string | null;
  sbar: Sbar;
  state: HandoverState;
  reason: string | null;
  requested_by: string;
  answered_by: string | null;
  requested_at: string;
  due_at: string;
  escalations: number;
  answered_at: string | null;
  ended_at: string | null;
  version: number;
}

export interface CaseDetail extends CaseItem {
  triages: TriageRecord[];
  timeline: TimelineEntry[];
  handovers: Handover[];
  /** POST /cases: the request joined the patient's open case instead of making a new one. */
  linked?: boolean;
}

/** A handover with its case (the partner's inbox, accept, decline). */
export interface HandoverWithCase extends Handover { case: Case }
export interface Inbox { now: string; items: HandoverWithCase[] }

export interface Patient {
  bsn: string | null;
  name: string;
  birth_date: string | null;
  address: string;
  gp: string;
  summary: string;
  medication: string;
  allergies: string;
}

/**
 * An entry complaint. The server's JSON (api/json/complaint_json.cc) names the names `nl` and `en`; the
 * OpenAPI description says `name_nl` and `name_en`. Both are read (complaintName).
 */
export interface Complaint { code: string; nl?: string; en?: string; name_nl?: string; name_en?: string; synonyms?: string[] }

export interface BreakGlassGrant { id: string; username: string; case_id: string; reason: string; granted_at: string; expires_at: string }

/** What POST /cases takes. Optional parts are left out rather than sent empty. */
export interface NewCaseInput {
  region_id?: string;
  subregion_id?: string;
  channel: Channel;
  requesting_organization_id?: string;
  caller?: Partial<CaseCaller>;
  received_at?: string;
  summary: string;
  patient?: Partial<Omit<Patient, 'bsn' | 'birth_date'>> & { bsn?: string; birth_date?: string };
  legal_basis?: LegalBasis;
  urgency?: Urgency;
  complaint?: string;
  context?: Partial<CaseContext>;
}

/** Data of a live `case` or `handover` event on /api/v1/events: no patient data. */
export interface CaseEvent {
  case_id: string;
  kind: TimelineKind | string;
  at: string;
  state: CaseState;
  urgency: Urgency | null;
  channel: Channel;
  subregion_id: string | null;
  received_at: string;
  due_at: string | null;
  overdue: boolean;
  repeat_contact: boolean;
  version: number;
  handover?: {
    id: string; state: HandoverState; to_organization_id: string; to_unit_id: string | null; due_at: string;
    escalations: number; version: number;
  };
}

/** Text in both languages of the UI (a pathway's name, an action's description). */
export interface LocalText { nl: string; en: string }

/** The live capacity of a partner's unit beside a proposed action (GET /cases/{id}/proposal). */
export interface CapacityRow {
  organization_id: string;
  organization_name: string;
  unit_id: string | null;
  unit_name: string | null;
  unit_type: UnitType | null;
  beds: Beds | null;
  reported_at: string | null;
  age_s: number | null;
  stale: boolean;
  distance_km: number | null;
}

export interface ProposedAction {
  code: string;
  partner?: OrgType;
  unit?: UnitType;
  description: LocalText;
  rationale?: string;
  /** Nearest first (without an origin: most available first); empty for what the ZCC does itself. */
  capacity: CapacityRow[];
}

export interface ProposedPathway {
  id: string;
  version: number;
  name: LocalText;
  /** Conditions the facts could not check ("age", "living", "time_of_day", "known_care"): ask. */
  unchecked: string[];
  fallback: boolean;
  source: string;
  rationale: string;
  actions: ProposedAction[];
}

export interface Proposal {
  case_id: string;
  case_version: number;
  now: string;
  facts: {
    complaint: string | null; urgency: Urgency | null; age_years: number | null; living: string | null;
    local_time: string | null; known_care: string[] | null;
  };
  origin_organization_id: string | null;
  decided: { id: string; version: number; action: string | null; deviation_reason: string | null } | null;
  pathways: ProposedPathway[];
}

/** POST /cases/{id}/pathway: an action of the pathway version taken, or a deviation with a reason. */
export type PathwayDecision =
  | { pathway_id: string; pathway_version: number; action: string }
  | { pathway_id: string; pathway_version: number; deviation_reason: string };

/** One line of a patient's 72-hour history (POST /contacts:search): a partner's reported contact or a case of the ZCC. */
export interface HistoryItem {
  source: 'contact' | 'case';
  at: string;
  organization_id: string | null;
  /** The contact's kind (hap-call, ambulance …), or the case's channel. */
  kind: string;
  urgency: Urgency | null;
  advice?: string | null;
  case_id?: string;
  region_id?: string;
  state?: string | null;
  complaint?: string | null;
  outcome?: string | null;
}

export interface ContactHistory { since: string; items: HistoryItem[] }

/** One access-log entry (NEN 7513): who read or changed which patient data, why, and whether it was allowed. */
export interface AccessEntry {
  id: number;
  at: string;
  actor: string;
  role: string;
  organization_id: string | null;
  case_id: string | null;
  action: string;
  purpose: string;
  outcome: 'ok' | 'denied' | 'not-found';
  break_glass: boolean;
  request_id: string;
}

export interface AccessPage { entries: AccessEntry[]; next_before_id: number | null }

/** A break-glass grant to review (GET /break-glass), with the region of its case. */
export interface BreakGlassReviewItem {
  id: number;
  username: string;
  case_id: string;
  reason: string;
  granted_at: string;
  expires_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  region_id: string;
}

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
export interface Ed { status: EdStatus; waiting: number; in_treatment: number; boarding: number; crowding: number }

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

import type { Lang } from './age';
import { groupLabel, type KpiDuration } from './kpis';
import { DECLINE_REASONS, PLACEMENT_CARE_TYPES, careTypeKey, type DeclineReason } from './placements';

/**
 * The placement KPIs (GET /api/v1/placements/kpis) in the browser: the response's shape, the query, the labels of
 * groups, the parts of the stacked bars per group, the declines by reason, the provider table's rows and the
 * summary line's numbers. The period picker and its checks are the worklist KPIs' (lib/kpis.ts). Pure: the page
 * (views/PlacementKpi.tsx) only renders what these return.
 */

export const PLACEMENT_KPI_GROUPINGS = ['day', 'week', 'care-type'] as const;
export type PlacementKpiGrouping = (typeof PLACEMENT_KPI_GROUPINGS)[number];

export interface WrongBedDays { count: number; total: number; median: number | null; p90: number | null }
export interface PlacementOfferCounts { made: number; open: number; accepted: number; declined: number; withdrawn: number; expired: number }
export interface PlacementKpiProvider {
  organization_id: string; offers: number; accepted: number; declined: number; expired: number; placed: number;
  acceptance_rate: number | null;
}
export interface PlacementKpiFigures {
  placements: number; waiting: number; offered: number; placed: number; cancelled: number;
  time_to_placement: KpiDuration;
  wrong_bed_days: WrongBedDays;
  offers: PlacementOfferCounts;
  declines_by_reason: Partial<Record<DeclineReason, number>>;
  time_to_answer: KpiDuration;
  providers: PlacementKpiProvider[];
}
export interface PlacementKpiGroup { key: string; figures: PlacementKpiFigures }
export interface PlacementKpis {
  region: string; from: string; to: string; now: string; by: PlacementKpiGrouping | null;
  total: PlacementKpiFigures; groups: PlacementKpiGroup[];
}

/** The query of GET /api/v1/placements/kpis (grouping left out for one total). */
export function placementKpiQuery(region: string, from: string, to: string, by: PlacementKpiGrouping | ''): string {
  const p = new URLSearchParams({ region, from, to });
  if (by) p.set('by', by);
  return `?${p.toString()}`;
}

/** The file name of a CSV download: placement-kpis-ZWN-2026-11-30-2026-12-07-week.csv (UTC dates of the ends). */
export function placementCsvFileName(region: string, from: string, to: string, by: PlacementKpiGrouping | ''): string {
  const safe = region.replace(/[^A-Za-z0-9_-]/g, '_');
  return `placement-kpis-${safe}-${from.slice(0, 10)}-${to.slice(0, 10)}${by ? `-${by}` : ''}.csv`;
}

type Translate = (key: string, params?: Record<string, string | number>) => string;

/** What a group is called: a day and a week as on the worklist KPIs, a care type by its Dutch (or English) name. */
export function placementGroupLabel(key: string, by: PlacementKpiGrouping | null, t: Translate, lang: Lang): string {
  if (by === 'care-type') return (PLACEMENT_CARE_TYPES as readonly string[]).includes(key) ? t(careTypeKey(key)) : key;
  return groupLabel(key, by, t, lang);
}

/** The states a placement's bar is stacked by, in the order drawn (placed first: what went well, then what is open). */
export const STACK_STATES = ['placed', 'offered', 'waiting', 'cancelled'] as const;
export type StackState = (typeof STACK_STATES)[number];

/** One part of a stacked bar: where it starts and how long it is, as fractions (0–1) of the largest group's total. */
export interface StackPart { state: StackState; value: number; start: number; fraction: number }
export interface StackedBar { key: string; total: number; parts: StackPart[] }

/**
 * The stacked bars of placements per group: each group's placements split by their state now, scaled to the
 * group with the most placements (all 0 when no group has any). Parts of 0 are left out.
 */
export function stackedBars(groups: PlacementKpiGroup[]): StackedBar[] {
  const max = Math.max(0, ...groups.map((g) => g.figures.placements));
  return groups.map((g) => {
    let at = 0;
    const parts: StackPart[] = [];
    for (const s of STACK_STATES) {
      const v = Math.max(0, g.figures[s]);
      if (v === 0) continue;
      const fraction = max > 0 ? v / max : 0;
      parts.push({ state: s, value: v, start: at, fraction });
      at += fraction;
    }
    return { key: g.key, total: g.figures.placements, parts };
  });
}

/** The declines by reason in the server's order of reasons, each with its i18n key (short KPI labels); 0 for a missing one. */
export function declineRows(f: PlacementKpiFigures): { reason: DeclineReason; key: string; value: number }[] {
  return DECLINE_REASONS.map((r) => ({ reason: r, key: `pk.decline.${r}`, value: f.declines_by_reason[r] ?? 0 }));
}

/** The provider table's rows: by organisation name (then id), with the name from the region data (the id without one). */
export function providerRows(f: PlacementKpiFigures, names: Map<string, string> = new Map()): (PlacementKpiProvider & { name: string })[] {
  return f.providers.map((p) => ({ ...p, name: names.get(p.organization_id) ?? p.organization_id }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.organization_id.localeCompare(b.organization_id));
}

/** Days as text: "2,5 d" (Dutch) / "2.5 d", one decimal; "—" without a value. */
export function formatDays(days: number | null | undefined, lang: Lang): string {
  if (days == null || !Number.isFinite(days)) return '—';
  return `${days.toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} d`;
}

/** Accepted of the answered offers (accepted / (accepted + declined)), as the server's per-provider rate; null when none answered. */
export function acceptanceRate(o: Pick<PlacementOfferCounts, 'accepted' | 'declined'>): number | null {
  const answered = o.accepted + o.declined;
  return answered > 0 ? o.accepted / answered : null;
}

/** The placements still open (waiting or offered) of a set of figures. */
export const stillOpen = (f: PlacementKpiFigures) => f.waiting + f.offered;

/** Whether the figures add up as the contract says (every placement in exactly one state); a wrong answer shows a warning. */
export function statesAddUp(f: PlacementKpiFigures): boolean {
  return f.waiting + f.offered + f.placed + f.cancelled === f.placements;
}

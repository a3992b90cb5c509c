import type { Lang } from './age';
import { formatAge } from './age';

/**
 * The worklist KPIs (GET /api/v1/kpis, docs/worklist.md "KPIs") in the browser: the response's shape, the
 * period the picker stands for, the query, labels of groups, durations and rates as text, bar scales and the
 * rows of the dense table. Pure: the page (views/Kpi.tsx) only renders what these return.
 */

export const KPI_GROUPINGS = ['day', 'week', 'channel', 'subregion', 'pathway'] as const;
export type KpiGrouping = (typeof KPI_GROUPINGS)[number];
export const KPI_PERIODS = ['24h', '7d', '30d', 'custom'] as const;
export type KpiPeriod = (typeof KPI_PERIODS)[number];
/** The server refuses longer periods (core/kpis.h kMaxKpiSpan). */
export const MAX_SPAN_DAYS = 366;

export interface KpiDuration { count: number; median_seconds: number | null; p90_seconds: number | null }
export interface KpiPartnerHandovers {
  organization_id: string; requested: number; answered: number; accepted: number; declined: number; escalated: number;
  acceptance_rate: number | null;
}
export interface KpiFigures {
  requests: number; open: number; closed: number; action_needed: number;
  outcomes: Record<string, number>;
  requests_by_partner: { organization_id: string; requests: number }[];
  requests_without_partner: number;
  time_to_triage: KpiDuration; time_to_handover: KpiDuration;
  handovers_by_partner: KpiPartnerHandovers[];
  pathway: { followed: number; deviated: number; none: number };
}
export interface KpiGroup extends KpiFigures { key: string }
export interface Kpis { region: string; from: string; to: string; by: KpiGrouping | null; total: KpiFigures; groups: KpiGroup[] }

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A period as the API takes it, or the field errors of a custom one. */
export type PeriodResult = { ok: true; from: string; to: string } | { ok: false; errors: { field: 'from' | 'to'; key: string }[] };

/** RFC 3339 UTC without milliseconds, as the server writes times. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The period the picker stands for at `nowMs`: the last 24 hours, 7 or 30 days up to now, or a custom one from
 * two `datetime-local` values (local time of the browser). A custom period must have both ends, from before to,
 * and at most 366 days; the errors name the field and an i18n key.
 */
export function periodOf(choice: KpiPeriod, nowMs: number, custom: { from: string; to: string } = { from: '', to: '' }): PeriodResult {
  const back = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY } as const;
  if (choice !== 'custom') return { ok: true, from: isoUtc(nowMs - back[choice]), to: isoUtc(nowMs) };
  const errors: { field: 'from' | 'to'; key: string }[] = [];
  const from = custom.from ? Date.parse(custom.from) : NaN;
  const to = custom.to ? Date.parse(custom.to) : NaN;
  if (Number.isNaN(from)) errors.push({ field: 'from', key: 'kpi.err.from' });
  if (Number.isNaN(to)) errors.push({ field: 'to', key: 'kpi.err.to' });
  if (!errors.length) {
    if (from >= to) errors.push({ field: 'from', key: 'kpi.err.order' });
    else if (to - from > MAX_SPAN_DAYS * DAY) errors.push({ field: 'from', key: 'kpi.err.span' });
  }
  return errors.length ? { ok: false, errors } : { ok: true, from: isoUtc(from), to: isoUtc(to) };
}

/** A `datetime-local` value ("2026-03-29T14:05") of `ms` in the browser's time zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The query of GET /api/v1/kpis (grouping left out for one total). */
export function kpiQuery(region: string, from: string, to: string, by: KpiGrouping | ''): string {
  const p = new URLSearchParams({ region, from, to });
  if (by) p.set('by', by);
  return `?${p.toString()}`;
}

/** The file name a CSV download gets: kpis-ZWN-2026-03-22-2026-03-29.csv (UTC dates of the ends). */
export function csvFileName(region: string, from: string, to: string, by: KpiGrouping | ''): string {
  const safe = region.replace(/[^A-Za-z0-9_-]/g, '_');
  return `kpis-${safe}-${from.slice(0, 10)}-${to.slice(0, 10)}${by ? `-${by}` : ''}.csv`;
}

type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * What a group is called in the table: a day as a short date ("zo 29 mrt" / "Sun 29 Mar"; the key is already the
 * Dutch date), an ISO week as "week 13 (2026)", a channel by its name, a subregion by its name, a pathway by its
 * id; an empty key (no subregion, no pathway) as "none".
 */
export function groupLabel(key: string, by: KpiGrouping | null, t: Translate, lang: Lang, subregions: Map<string, string> = new Map()): string {
  if (key === '') return t('kpi.none');
  switch (by) {
    case 'day': {
      const d = new Date(`${key}T12:00:00Z`);
      if (Number.isNaN(d.getTime())) return key;
      return d.toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
    }
    case 'week': {
      const m = /^(\d{4})-W(\d{2})$/.exec(key);
      return m ? t('kpi.week', { week: Number(m[2]), year: m[1] }) : key;
    }
    case 'channel': return t(`channel.${key}`);
    case 'subregion': return subregions.get(key) ?? key;
    default: return key;
  }
}

/** A duration for the table: "—" without a value, else as ages are written ("12 min", "1 u 05 min"). */
export function formatDuration(seconds: number | null | undefined, lang: Lang): string {
  return seconds == null ? '—' : formatAge(seconds, lang);
}

/** A fraction as a whole percentage ("50 %"), "—" without one. */
export function formatRate(rate: number | null | undefined): string {
  return rate == null || !Number.isFinite(rate) ? '—' : `${Math.round(rate * 100)} %`;
}

/** Every receiving partner's handovers added up (the acceptance of the whole group). */
export function handoverTotals(f: KpiFigures): KpiPartnerHandovers {
  const sum = { organization_id: '', requested: 0, answered: 0, accepted: 0, declined: 0, escalated: 0, acceptance_rate: null as number | null };
  for (const p of f.handovers_by_partner) {
    sum.requested += p.requested; sum.answered += p.answered; sum.accepted += p.accepted;
    sum.declined += p.declined; sum.escalated += p.escalated;
  }
  sum.acceptance_rate = sum.answered ? sum.accepted / sum.answered : null;
  return sum;
}

/** One row of the partner table: what it requested and how it answered the handovers addressed to it. */
export interface PartnerRow { id: string; requests: number; handovers: KpiPartnerHandovers | null }

/** Partners that requested or received in `f`, by name (then id). */
export function partnerRows(f: KpiFigures, names: Map<string, string> = new Map()): PartnerRow[] {
  const rows = new Map<string, PartnerRow>();
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) { r = { id, requests: 0, handovers: null }; rows.set(id, r); }
    return r;
  };
  for (const p of f.requests_by_partner) row(p.organization_id).requests = p.requests;
  for (const h of f.handovers_by_partner) row(h.organization_id).handovers = h;
  const name = (id: string) => names.get(id) ?? id;
  return [...rows.values()].sort((a, b) => name(a.id).localeCompare(name(b.id)) || a.id.localeCompare(b.id));
}

/** A bar of a chart: its label, value and length as a fraction (0–1) of the largest value. */
export interface Bar { key: string; label: string; value: number; fraction: number }

/** Bars for `values`, scaled to the largest (all 0 when every value is 0 or there are none). */
export function bars(values: { key: string; label: string; value: number }[]): Bar[] {
  const max = Math.max(0, ...values.map((v) => v.value));
  return values.map((v) => ({ ...v, fraction: max > 0 ? Math.max(0, v.value) / max : 0 }));
}

/** The share of `part` in `whole` as a whole percentage, "—" when whole is 0. */
export function share(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)} %` : '—';
}

/** Who may read the KPIs (core/authz.h kReadKpis): the ZCC and ROAZ coordinators of a region, admins. */
export function canReadKpis(role: string): boolean {
  return role === 'zcc-coordinator' || role === 'roaz-coordinator' || role === 'admin';
}

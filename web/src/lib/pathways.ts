// The pathway proposal's pure rules: the decision's body with its own checks (held to core's
// ValidateReason), live data age of a capacity row, distances, and the order of rows the server gives.
import type { Lang } from './age';
import type { Msg } from './validation';
import type { CapacityRow, LocalText, PathwayDecision, ProposedPathway } from '../types';

/** core/cases.h kMaxReasonBytes: a deviation's reason, in UTF-8 bytes. */
export const MAX_REASON_BYTES = 1000;

/** The text in the user's language, else the other one. */
export function localText(text: LocalText, lang: Lang): string {
  return (lang === 'nl' ? text.nl || text.en : text.en || text.nl) ?? '';
}

/** The body that takes `action` of the pathway version proposed. */
export function takeBody(p: Pick<ProposedPathway, 'id' | 'version'>, action: string): PathwayDecision {
  return { pathway_id: p.id, pathway_version: p.version, action };
}

/**
 * The body of a deviation from the pathway version, or the reason's error: required (not only
 * white space), at most 1000 bytes of UTF-8.
 */
export function deviationBody(p: Pick<ProposedPathway, 'id' | 'version'>, reason: string):
  { body: PathwayDecision | null; error?: Msg } {
  const text = reason.trim();
  if (!text) return { body: null, error: { key: 'err.required' } };
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_REASON_BYTES) return { body: null, error: { key: 'proposal.reasonLong', params: { max: MAX_REASON_BYTES } } };
  return { body: { pathway_id: p.id, pathway_version: p.version, deviation_reason: text } };
}

/**
 * The age of a row's report now: the server's age at the proposal (`age_s`, by the server's clock)
 * plus the time since the proposal was fetched. Null when never reported.
 */
export function liveAgeSeconds(row: Pick<CapacityRow, 'age_s'>, fetchedAtMs: number | null, nowMs: number): number | null {
  if (row.age_s == null) return null;
  const since = fetchedAtMs == null ? 0 : Math.max(0, Math.floor((nowMs - fetchedAtMs) / 1000));
  return row.age_s + since;
}

/** "3,2 km" (nl) / "3.2 km" (en), "—" without a distance; whole kilometres from 10 km on. */
export function formatDistance(km: number | null | undefined, lang: Lang): string {
  if (km == null || !Number.isFinite(km)) return '—';
  const text = km >= 10 ? String(Math.round(km)) : km.toFixed(1);
  return `${lang === 'nl' ? text.replace('.', ',') : text} km`;
}

/** Whether the decision recorded on the case is this action of this pathway version. */
export function isChosen(decided: { id: string; version: number; action: string | null } | null | undefined,
  p: Pick<ProposedPathway, 'id' | 'version'>, action: string): boolean {
  return !!decided && decided.id === p.id && decided.version === p.version && decided.action === action;
}

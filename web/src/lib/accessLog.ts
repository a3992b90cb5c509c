// The privacy officer's page: the access-log search (POST /api/v1/access-log:search) and the break-glass
// review. Pure functions, tested in test/accessLog.test.ts.
import { elevenTest, normalizeBsn } from './cases';
import type { AccessEntry, AccessPage } from '../types';

/** Who may search the access log and review break-glass (core/authz: the privacy officer, admins). */
export function canAudit(role: string): boolean {
  return role === 'privacy-officer' || role === 'admin';
}

/**
 * Whether a role reads the capacity picture (region, snapshot, live stream): every role but the privacy officer,
 * whose work is the access log (GET /regions/{id}, /capacity/snapshot and /events refuse it).
 */
export function readsCapacity(role: string): boolean {
  return role !== 'privacy-officer';
}

export const ACCESS_PAGE_SIZE = 100;

export type AccessQuery = { bsn: string } | { case_id: string };
export type ParsedQuery = { ok: true; query: AccessQuery; by: 'bsn' | 'case' } | { ok: false; key: string };

/**
 * What the officer typed: 9 digits (spaces, dots, dashes allowed) is a BSN and must pass the 11-proef; anything
 * else is a case id. A BSN goes only in the body of the POST, never in the URL.
 */
export function parseAccessQuery(raw: string): ParsedQuery {
  const s = raw.trim();
  if (!s) return { ok: false, key: 'privacy.err.empty' };
  const digits = normalizeBsn(s);
  if (/^\d+$/.test(digits)) {
    if (digits.length !== 9 || !elevenTest(digits)) return { ok: false, key: 'privacy.err.bsn' };
    return { ok: true, query: { bsn: digits }, by: 'bsn' };
  }
  if (s.length > 64 || /\s/.test(s)) return { ok: false, key: 'privacy.err.caseId' };
  return { ok: true, query: { case_id: s }, by: 'case' };
}

/** The body of one page: the query, `limit`, and `before_id` (the previous page's next_before_id) after the first. */
export function accessSearchBody(q: AccessQuery, beforeId: number | null = null, limit = ACCESS_PAGE_SIZE): AccessQuery & { before_id?: number; limit: number } {
  return { ...q, ...(beforeId != null ? { before_id: beforeId } : {}), limit };
}

/** Adds a further (older) page to those shown; an entry seen already is not shown twice. */
export function appendPage(shown: readonly AccessEntry[], page: AccessPage): AccessEntry[] {
  const seen = new Set(shown.map((e) => e.id));
  return [...shown, ...page.entries.filter((e) => !seen.has(e.id))];
}

/** The CSS class (colour) of an outcome; the text beside it says the same in words. */
export function outcomeClass(outcome: string): 'ok' | 'bad' | 'warn' {
  return outcome === 'ok' ? 'ok' : outcome === 'denied' ? 'bad' : 'warn';
}

/** The message key of an action, for the known ones; others are shown as the server names them. */
export const KNOWN_ACTIONS = [
  'patient.read', 'patient.write', 'patient.link', 'case.read', 'contacts.search', 'contact.write', 'patient.break-glass',
] as const;
export function actionKey(action: string): string | null {
  return (KNOWN_ACTIONS as readonly string[]).includes(action) ? `action.${action}` : null;
}

/**
 * The download's file name: what was searched and when, never the BSN itself (a download folder is no place for
 * it): "toegangslog-zaak-c-12-20261205-1701.csv", "toegangslog-patient-20261205-1701.csv".
 */
export function accessCsvName(q: AccessQuery, nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
  const what = 'case_id' in q ? `zaak-${q.case_id.replace(/[^A-Za-z0-9_-]/g, '_')}` : 'patient';
  return `toegangslog-${what}-${stamp}.csv`;
}

/**
 * What the page does after "Beoordeeld": 200 done (refresh), 409 someone reviewed it already (refresh, say so),
 * anything else an error shown with the grant.
 */
export function reviewResult(status: number): 'done' | 'already' | 'error' {
  return status >= 200 && status < 300 ? 'done' : status === 409 ? 'already' : 'error';
}

// The 72-hour contact history of a patient (POST /api/v1/contacts:search): the request body, the order and
// what each line says. Pure functions, tested in test/contacts.test.ts.
import { elevenTest, normalizeBsn } from './cases';
import type { HistoryItem } from '../types';

/** The kinds of contact a partner's feed reports (NewContact.kind). */
export const CONTACT_KINDS = [
  'hap-call', 'hap-visit', 'gp-visit', 'ambulance', 'ed-visit', 'hospital-admission', 'district-nursing', 'ggz-crisis', 'pharmacy', 'other',
] as const;

/** How far back the history reaches (the server's window; `since` of its answer says it exactly). */
export const HISTORY_HOURS = 72;

/**
 * The search body: the BSN travels only here (never in a URL, never in browser storage), with the purpose that
 * goes on the access log. Null when the BSN is not 9 digits passing the 11-proef: nothing is asked then.
 */
export function contactSearchBody(raw: string | null | undefined, purpose = 'intake'): { bsn: string; purpose: string } | null {
  const bsn = normalizeBsn(raw ?? '');
  return elevenTest(bsn) ? { bsn, purpose } : null;
}

/** Newest first (the server's order too; kept when the times are equal). Unparsable times go last. */
export function newestFirst(items: readonly HistoryItem[]): HistoryItem[] {
  const at = (i: HistoryItem) => { const t = Date.parse(i.at); return Number.isNaN(t) ? -Infinity : t; };
  return items.map((item, i) => ({ item, i })).sort((a, b) => at(b.item) - at(a.item) || a.i - b.i).map((x) => x.item);
}

/** The message key of a line's kind: a contact's kind, or the channel of a case. */
export function kindKey(item: HistoryItem): string {
  if (item.source === 'case') return `channel.${item.kind}`;
  return (CONTACT_KINDS as readonly string[]).includes(item.kind) ? `contactKind.${item.kind}` : 'contactKind.other';
}

/**
 * What came of it: a contact's advice (the partner's text), or a case's outcome when closed, else its state.
 * `key` is a message key; `text` is shown as is.
 */
export type HistoryResult = { text: string } | { key: string } | null;
export function resultOf(item: HistoryItem): HistoryResult {
  if (item.source === 'contact') return item.advice ? { text: item.advice } : null;
  if (item.outcome) return { key: `outcome.${item.outcome}` };
  if (item.state) return { key: `state.${item.state}` };
  return null;
}

/** Age in seconds at `nowMs` (never negative: a partner's clock may run a little ahead). */
export function itemAgeSeconds(item: HistoryItem, nowMs: number): number | null {
  const t = Date.parse(item.at);
  return Number.isNaN(t) ? null : Math.max(0, Math.floor((nowMs - t) / 1000));
}

/** Compact age: "12 min", "2 u" (nl) / "2 h" (en), "1 d 3 u"; the whole hours are what counts at a glance. */
export function agoText(seconds: number | null, lang: 'nl' | 'en'): string {
  if (seconds == null) return '—';
  const h = lang === 'nl' ? 'u' : 'h';
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} ${h}`;
  const d = Math.floor(seconds / 86400);
  const rest = Math.floor((seconds % 86400) / 3600);
  return rest ? `${d} d ${rest} ${h}` : `${d} d`;
}

/** The age as a phrase: "zojuist" under a minute, else "{age} geleden" ("2 u geleden"); a message key and its values. */
export function agoPhrase(seconds: number | null, lang: 'nl' | 'en'): { key: string; params?: { age: string } } {
  if (seconds != null && seconds < 60) return { key: 'contacts.justNow' };
  return { key: 'contacts.ago', params: { age: agoText(seconds, lang) } };
}

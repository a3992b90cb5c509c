import { describe, expect, it } from 'vitest';
import { agoPhrase, agoText, contactSearchBody, itemAgeSeconds, kindKey, newestFirst, resultOf } from '../src/lib/contacts';
import { nl } from '../src/i18n/nl';
import type { HistoryItem } from '../src/types';

const item = (p: Partial<HistoryItem>): HistoryItem => ({ source: 'contact', at: '2026-12-05T10:00:00Z', organization_id: 'hap-r', kind: 'hap-call', urgency: null, ...p });

describe('contact history', () => {
  it('asks only with a BSN that passes the 11-proef, in the body, with the purpose', () => {
    expect(contactSearchBody('111222333')).toEqual({ bsn: '111222333', purpose: 'intake' });
    expect(contactSearchBody(' 1112.22-333 ')).toEqual({ bsn: '111222333', purpose: 'intake' });
    expect(contactSearchBody('123456789')).toBeNull();
    expect(contactSearchBody('11122233')).toBeNull();
    expect(contactSearchBody('')).toBeNull();
    expect(contactSearchBody(null)).toBeNull();
    expect(contactSearchBody('111222333', 'triage')).toEqual({ bsn: '111222333', purpose: 'triage' });
  });

  it('shows the newest first, stable on equal times, unreadable times last', () => {
    const a = item({ at: '2026-12-05T08:00:00Z', kind: 'a' });
    const b = item({ at: '2026-12-05T12:00:00Z', kind: 'b' });
    const c = item({ at: '2026-12-05T12:00:00Z', kind: 'c' });
    const d = item({ at: 'gisteren', kind: 'd' });
    expect(newestFirst([d, a, b, c]).map((i) => i.kind)).toEqual(['b', 'c', 'a', 'd']);
  });

  it('names a contact by its kind and a case by its channel', () => {
    expect(kindKey(item({ kind: 'ambulance' }))).toBe('contactKind.ambulance');
    expect(kindKey(item({ kind: 'something-new' }))).toBe('contactKind.other');
    expect(kindKey(item({ source: 'case', kind: 'hap', case_id: 'c-1' }))).toBe('channel.hap');
    // Every key it can give exists in the dictionary.
    for (const k of ['hap-call', 'hap-visit', 'gp-visit', 'ambulance', 'ed-visit', 'hospital-admission', 'district-nursing', 'ggz-crisis', 'pharmacy', 'other']) {
      expect(nl).toHaveProperty(kindKey(item({ kind: k })));
    }
  });

  it('says the advice of a contact, the outcome of a closed case, else its state', () => {
    expect(resultOf(item({ advice: 'Paracetamol, terugbellen bij koorts' }))).toEqual({ text: 'Paracetamol, terugbellen bij koorts' });
    expect(resultOf(item({ advice: null }))).toBeNull();
    expect(resultOf(item({ source: 'case', state: 'closed', outcome: 'care-prevented' }))).toEqual({ key: 'outcome.care-prevented' });
    expect(resultOf(item({ source: 'case', state: 'handed-over', outcome: null }))).toEqual({ key: 'state.handed-over' });
    expect(resultOf(item({ source: 'case' }))).toBeNull();
  });

  it('tells the age compactly, never negative', () => {
    const now = Date.parse('2026-12-05T12:00:00Z');
    expect(itemAgeSeconds(item({ at: '2026-12-05T10:00:00Z' }), now)).toBe(7200);
    expect(itemAgeSeconds(item({ at: '2026-12-05T12:01:00Z' }), now)).toBe(0);
    expect(itemAgeSeconds(item({ at: 'x' }), now)).toBeNull();
    expect(agoText(7200, 'nl')).toBe('2 u');
    expect(agoText(7200 + 59 * 60, 'en')).toBe('2 h');
    expect(agoText(30, 'nl')).toBe('30 s');
    expect(agoPhrase(30, 'nl')).toEqual({ key: 'contacts.justNow' });
    expect(agoPhrase(7200, 'nl')).toEqual({ key: 'contacts.ago', params: { age: '2 u' } });
    expect(agoPhrase(null, 'en')).toEqual({ key: 'contacts.ago', params: { age: '—' } });
    expect(agoText(12 * 60, 'nl')).toBe('12 min');
    expect(agoText(86400 + 3 * 3600, 'nl')).toBe('1 d 3 u');
    expect(agoText(2 * 86400, 'en')).toBe('2 d');
    expect(agoText(null, 'nl')).toBe('—');
  });
});

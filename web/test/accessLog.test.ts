import { describe, expect, it } from 'vitest';
import {
  accessCsvName, accessSearchBody, actionKey, appendPage, canAudit, KNOWN_ACTIONS, outcomeClass, parseAccessQuery, readsCapacity, reviewResult,
} from '../src/lib/accessLog';
import { nl } from '../src/i18n/nl';
import { parseRoute, href } from '../src/router';
import type { AccessEntry } from '../src/types';

const entry = (id: number): AccessEntry => ({
  id, at: '2026-12-05T10:00:00Z', actor: 'zcc', role: 'zcc-coordinator', organization_id: null, case_id: 'c-1',
  action: 'patient.read', purpose: 'triage', outcome: 'ok', break_glass: false, request_id: `r${id}`,
});

describe('access log search', () => {
  it('is for the privacy officer and admins only', () => {
    expect(canAudit('privacy-officer')).toBe(true);
    expect(canAudit('admin')).toBe(true);
    for (const r of ['zcc-coordinator', 'roaz-coordinator', 'org-user', 'org-capacity-manager', 'viewer']) expect(canAudit(r)).toBe(false);
  });

  it('leaves the privacy officer out of the capacity picture (the server refuses it region, snapshot and stream)', () => {
    expect(readsCapacity('privacy-officer')).toBe(false);
    for (const r of ['admin', 'roaz-coordinator', 'zcc-coordinator', 'org-user', 'org-capacity-manager', 'viewer']) expect(readsCapacity(r)).toBe(true);
  });

  it('reads nine digits as a BSN (11-proef), anything else as a case id', () => {
    expect(parseAccessQuery(' 111 222 333 ')).toEqual({ ok: true, query: { bsn: '111222333' }, by: 'bsn' });
    expect(parseAccessQuery('123456789')).toEqual({ ok: false, key: 'privacy.err.bsn' });
    expect(parseAccessQuery('12345')).toEqual({ ok: false, key: 'privacy.err.bsn' });
    expect(parseAccessQuery('c-0193ab')).toEqual({ ok: true, query: { case_id: 'c-0193ab' }, by: 'case' });
    expect(parseAccessQuery('   ')).toEqual({ ok: false, key: 'privacy.err.empty' });
    expect(parseAccessQuery('c 1')).toEqual({ ok: false, key: 'privacy.err.caseId' });
    expect(parseAccessQuery('c'.repeat(65))).toEqual({ ok: false, key: 'privacy.err.caseId' });
    for (const k of ['privacy.err.bsn', 'privacy.err.empty', 'privacy.err.caseId']) expect(nl).toHaveProperty(k);
  });

  it('pages with before_id after the first page', () => {
    expect(accessSearchBody({ bsn: '111222333' })).toEqual({ bsn: '111222333', limit: 100 });
    expect(accessSearchBody({ case_id: 'c-1' }, 42, 50)).toEqual({ case_id: 'c-1', before_id: 42, limit: 50 });
    expect(accessSearchBody({ case_id: 'c-1' }, 0)).toEqual({ case_id: 'c-1', before_id: 0, limit: 100 });
  });

  it('adds an older page without showing an entry twice', () => {
    const shown = [entry(9), entry(8)];
    expect(appendPage(shown, { entries: [entry(8), entry(7), entry(6)], next_before_id: 6 }).map((e) => e.id)).toEqual([9, 8, 7, 6]);
    expect(appendPage([], { entries: [], next_before_id: null })).toEqual([]);
  });

  it('gives every outcome a colour, the action a Dutch name when known', () => {
    expect(outcomeClass('ok')).toBe('ok');
    expect(outcomeClass('denied')).toBe('bad');
    expect(outcomeClass('not-found')).toBe('warn');
    for (const o of ['ok', 'denied', 'not-found']) expect(nl).toHaveProperty(`privacy.outcome.${o}`);
    for (const a of KNOWN_ACTIONS) expect(nl).toHaveProperty(actionKey(a)!);
    expect(actionKey('something.else')).toBeNull();
  });

  it('names the CSV by what was searched, never by the BSN', () => {
    const now = new Date(2026, 11, 5, 17, 1).getTime();
    expect(accessCsvName({ case_id: 'c-12' }, now)).toBe('toegangslog-zaak-c-12-20261205-1701.csv');
    expect(accessCsvName({ case_id: 'a/b c' }, now)).toBe('toegangslog-zaak-a_b_c-20261205-1701.csv');
    const name = accessCsvName({ bsn: '111222333' }, now);
    expect(name).toBe('toegangslog-patient-20261205-1701.csv');
    expect(name).not.toContain('111222333');
  });

  it('refreshes after a review, also when someone else reviewed it first (409)', () => {
    expect(reviewResult(200)).toBe('done');
    expect(reviewResult(409)).toBe('already');
    expect(reviewResult(403)).toBe('error');
    expect(reviewResult(0)).toBe('error');
  });

  it('has a route of its own', () => {
    expect(parseRoute('#/privacy')).toEqual({ name: 'privacy' });
    expect(parseRoute(href({ name: 'privacy' }))).toEqual({ name: 'privacy' });
  });
});

import { describe, expect, it } from 'vitest';
import { nl } from '../src/i18n/nl';
import { en } from '../src/i18n/en';
import { translate } from '../src/i18n';
import { UNIT_TYPES } from '../src/types';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have exactly the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nl).sort());
  });
  it('use the same placeholders per key', () => {
    for (const k of Object.keys(nl) as (keyof typeof nl)[]) expect([k, placeholders(en[k])]).toEqual([k, placeholders(nl[k])]);
  });
  it('have no empty texts', () => {
    for (const d of [nl, en]) for (const [k, v] of Object.entries(d)) expect([k, v.trim().length > 0]).toEqual([k, true]);
  });
  it('name every unit type, ED status and role', () => {
    for (const ty of UNIT_TYPES) expect(nl).toHaveProperty(`type.${ty}`);
    for (const s of ['open', 'threatened', 'closed']) expect(nl).toHaveProperty(`ed.${s}`);
    for (const r of ['admin', 'roaz-coordinator', 'org-capacity-manager', 'org-user', 'viewer']) expect(nl).toHaveProperty(`role.${r}`);
  });
  it('uses the agreed Dutch status words', () => {
    expect(nl['ed.open']).toBe('open');
    expect(nl['ed.threatened']).toBe('dreigend');
    expect(nl['ed.closed']).toBe('gesloten');
    expect(nl['stale']).toBe('verouderd');
  });
  it('fills placeholders and falls back for unknown keys', () => {
    expect(translate('nl', 'filter.count', { shown: 3, total: 9 })).toBe('3 van 9 eenheden');
    expect(translate('en', 'filter.count', { shown: 3, total: 9 })).toBe('3 of 9 units');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
});

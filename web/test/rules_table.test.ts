// The shared table of rule cases (tests/cases/capacity_rules.json) run against the web's copies of the
// server's rules: checkCapacity (core ValidateCapacity), isStaleAt (core IsStale) and canEditUnit (core
// Authorize, write-capacity). tests/unit/rules_table_test.cc runs the same file against core.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCapacity } from '../src/lib/validation';
import { isStaleAt } from '../src/lib/age';
import { canEditUnit } from '../src/lib/units';
import type { CapacityInput } from '../src/types';

interface Table {
  now: string;
  capacity: {
    name: string; unit_type: string; input: CapacityInput; errors: string[];
    note_repeat?: [string, number]; note_suffix?: string;
  }[];
  staleness: { name: string; age_ms: number | null; expected_interval_s: number; stale: boolean }[];
  edit: {
    name: string;
    user: { role: string; organization_id: string; region_id: string };
    unit: { organization_id: string; region_id: string };
    may_edit: boolean;
  }[];
}

const table = JSON.parse(readFileSync(new URL('../../tests/cases/capacity_rules.json', import.meta.url), 'utf8')) as Table;
const now = Date.parse(table.now);

describe('the shared rules table', () => {
  it('is there', () => {
    expect(Number.isNaN(now)).toBe(false);
    expect(table.capacity.length).toBeGreaterThanOrEqual(40);
    expect(table.staleness.length).toBeGreaterThanOrEqual(10);
    expect(table.edit.length).toBeGreaterThanOrEqual(10);
  });

  describe('capacity validation agrees with core ValidateCapacity', () => {
    it.each(table.capacity.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const input: CapacityInput = { ...c.input };
      if (c.note_repeat) input.note = c.note_repeat[0].repeat(c.note_repeat[1]) + (c.note_suffix ?? '');
      expect(Object.keys(checkCapacity(c.unit_type, input, now)).sort()).toEqual([...c.errors].sort());
    });
  });

  describe('staleness agrees with core IsStale', () => {
    it.each(table.staleness.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const asOf = c.age_ms == null ? null : new Date(now - c.age_ms).toISOString();
      expect(isStaleAt(asOf, c.expected_interval_s, now)).toBe(c.stale);
    });
  });

  describe('edit rights agree with core Authorize (write-capacity)', () => {
    it.each(table.edit.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const user = { role: c.user.role, organization_id: c.user.organization_id || null, region_id: c.user.region_id || null };
      expect(canEditUnit(user, { organization_id: c.unit.organization_id }, c.unit.region_id)).toBe(c.may_edit);
    });
  });
});

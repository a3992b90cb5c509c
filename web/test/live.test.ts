import { describe, expect, it } from 'vitest';
import { mergeRow } from '../src/data';
import { unit } from './fixtures';

describe('mergeRow (live events)', () => {
  const a = unit({ unit_id: 'a', version: 10, beds: { total: 10, staffed: 10, occupied: 5, available: 5 } });
  const b = unit({ unit_id: 'b', version: 11 });
  it('replaces the row of the unit in place', () => {
    const next = mergeRow([a, b], { ...a, version: 12, beds: { total: 10, staffed: 10, occupied: 9, available: 1 } });
    expect(next.map((r) => r.unit_id)).toEqual(['a', 'b']);
    expect(next[0].beds?.available).toBe(1);
    expect(next[1]).toBe(b);
  });
  it('ignores an older report that arrives late', () => {
    const rows = [a, b];
    expect(mergeRow(rows, { ...a, version: 9, beds: null })).toBe(rows);
  });
  it('applies rows without versions and appends unknown units', () => {
    expect(mergeRow([a], { ...a, version: null, stale: true })[0].stale).toBe(true);
    expect(mergeRow([a], unit({ unit_id: 'new' }))).toHaveLength(2);
  });
});

import type { SnapshotUnit } from '../src/types';

let n = 0;
export function unit(p: Partial<SnapshotUnit> = {}): SnapshotUnit {
  n += 1;
  return {
    unit_id: `u${n}`, organization_id: 'org-a', organization_name: 'Ziekenhuis A', subregion: 'rr', type: 'ic',
    specialism: null, name: `Unit ${n}`, location: { lat: 51.9, lon: 4.47 },
    beds: { total: 10, staffed: 8, occupied: 6, available: 2 }, ed: null,
    as_of: '2025-01-01T12:00:00Z', age_seconds: 0, stale: false, expected_interval_s: 300, ...p,
  };
}

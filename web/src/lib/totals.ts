import type { SnapshotUnit, TypeTotals } from '../types';

export interface Totals {
  by_type: Record<string, TypeTotals>;
  by_subregion: Record<string, Record<string, TypeTotals>>;
}

function empty(): TypeTotals {
  return { units: 0, total: 0, staffed: 0, occupied: 0, available: 0 };
}

function add(t: TypeTotals, u: SnapshotUnit): void {
  t.units += 1;
  if (u.beds) {
    t.total += u.beds.total;
    t.staffed += u.beds.staffed;
    t.occupied += u.beds.occupied;
    t.available += u.beds.available;
  }
}

/**
 * Totals per unit type and per subregion, in the server's snapshot shape, recomputed on the client
 * so they stay right while live events change single units.
 */
export function computeTotals(units: SnapshotUnit[]): Totals {
  const by_type: Record<string, TypeTotals> = {};
  const by_subregion: Record<string, Record<string, TypeTotals>> = {};
  for (const u of units) {
    add((by_type[u.type] ??= empty()), u);
    const sub = (by_subregion[u.subregion] ??= {});
    add((sub[u.type] ??= empty()), u);
  }
  return { by_type, by_subregion };
}

/** Sums a list of totals (e.g. all types of a subregion). */
export function sumTotals(list: TypeTotals[]): TypeTotals {
  const t = empty();
  for (const x of list) {
    t.units += x.units; t.total += x.total; t.staffed += x.staffed; t.occupied += x.occupied; t.available += x.available;
  }
  return t;
}

/** Occupancy of staffed beds in percent (0 when no staffed beds). */
export function occupancyPct(t: { staffed: number; occupied: number }): number {
  return t.staffed > 0 ? Math.round((100 * t.occupied) / t.staffed) : 0;
}

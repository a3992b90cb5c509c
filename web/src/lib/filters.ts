import type { SnapshotUnit } from '../types';
import { UNIT_TYPES } from '../types';
import { isStale } from './age';

export interface Filters {
  q: string;
  subregion: string;
  type: string;
  specialism: string;
  onlyFree: boolean;
  onlyStale: boolean;
}

export const NO_FILTERS: Filters = { q: '', subregion: '', type: '', specialism: '', onlyFree: false, onlyStale: false };

function norm(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

export function applyFilters(rows: SnapshotUnit[], f: Filters, nowMs: number): SnapshotUnit[] {
  const words = norm(f.q).split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (f.subregion && r.subregion !== f.subregion) return false;
    if (f.type && r.type !== f.type) return false;
    if (f.specialism && r.specialism !== f.specialism) return false;
    if (f.onlyFree && !(r.beds && r.beds.available > 0)) return false;
    if (f.onlyStale && !isStale(r, nowMs)) return false;
    if (words.length) {
      const hay = norm(`${r.organization_name} ${r.name} ${r.type} ${r.specialism ?? ''}`);
      if (!words.every((w) => hay.includes(w))) return false;
    }
    return true;
  });
}

/** Order of unit types in tables: the acute chain from ED to follow-up care. */
export function typeOrder(type: string): number {
  const i = (UNIT_TYPES as readonly string[]).indexOf(type);
  return i < 0 ? UNIT_TYPES.length : i;
}

const ORG_ORDER = ['hospital', 'ambulance', 'hap', 'ggz', 'elv', 'vvt'];
export function orgOrder(type: string | undefined): number {
  const i = ORG_ORDER.indexOf(type ?? '');
  return i < 0 ? ORG_ORDER.length : i;
}

export function sortUnits(a: SnapshotUnit, b: SnapshotUnit): number {
  return typeOrder(a.type) - typeOrder(b.type)
    || (a.specialism ?? '').localeCompare(b.specialism ?? '')
    || a.name.localeCompare(b.name);
}

/** Distinct specialisms present (ward units), sorted. */
export function specialisms(rows: SnapshotUnit[]): string[] {
  return [...new Set(rows.map((r) => r.specialism).filter((s): s is string => !!s))].sort((a, b) => a.localeCompare(b));
}

export function typesPresent(rows: SnapshotUnit[]): string[] {
  return [...new Set(rows.map((r) => r.type))].sort((a, b) => typeOrder(a) - typeOrder(b));
}

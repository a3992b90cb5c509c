import type { UnitType } from '../types';

/** Unit types with emergency-department fields (status, queue, crowding). */
export function hasEd(type: UnitType): boolean {
  return type === 'seh' || type === 'hap';
}

/** Unit types with beds (for ambulance services the "beds" are vehicles). */
export function hasBeds(type: UnitType): boolean {
  return type !== 'hap';
}

/**
 * Whether `user` may report capacity for a unit of organisation `unit.organization_id` in region `regionId`:
 * the server's rule (core/authz.cc Authorize, action write-capacity). Admins everywhere; ROAZ coordinators
 * in their own region; capacity managers for their own organisation in their own region; nobody else.
 * The shared case table tests/cases/capacity_rules.json holds both to the same answers.
 */
export function canEditUnit(
  user: { role: string; organization_id: string | null; region_id?: string | null } | null,
  unit: { organization_id: string },
  regionId: string,
): boolean {
  if (!user) return false;
  if (user.role === 'admin') return true;
  const sameRegion = !!user.region_id && user.region_id === regionId;
  if (user.role === 'roaz-coordinator') return sameRegion;
  if (user.role === 'org-capacity-manager') return sameRegion && !!user.organization_id && user.organization_id === unit.organization_id;
  return false;
}

export function canEditAny(user: { role: string } | null): boolean {
  return !!user && ['admin', 'roaz-coordinator', 'org-capacity-manager'].includes(user.role);
}

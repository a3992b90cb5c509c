import type { UnitType } from '../types';

/** Unit types with emergency-department fields (status, queue, crowding). */
export function hasEd(type: UnitType): boolean {
  return type === 'seh' || type === 'hap';
}

/** Unit types with beds (for ambulance services the "beds" are vehicles). */
export function hasBeds(type: UnitType): boolean {
  return type !== 'hap';
}

/** Capacity may be changed by managers for their own organisation, and by coordinators/admins region-wide. */
export function canEditUnit(
  user: { role: string; organization_id: string | null; region_id?: string | null } | null,
  unit: { organization_id: string },
): boolean {
  if (!user) return false;
  if (user.role === 'admin' || user.role === 'roaz-coordinator') return true;
  if (user.role === 'org-capacity-manager') return !!user.organization_id && user.organization_id === unit.organization_id;
  return false;
}

export function canEditAny(user: { role: string } | null): boolean {
  return !!user && ['admin', 'roaz-coordinator', 'org-capacity-manager'].includes(user.role);
}

import { useMemo } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { ageSeconds, formatAge, isStale } from '../lib/age';
import { SelectField } from './Fields';
import { typeLabel } from './Status';
import type { Organization } from '../types';

/** Partners of a handover first: the ones the ZCC hands over to most. */
const ORG_ORDER = ['vvt', 'elv', 'ggz', 'hap', 'hospital', 'ambulance'];
export const orgTypeOrder = (type: string) => { const i = ORG_ORDER.indexOf(type); return i < 0 ? ORG_ORDER.length : i; };

/** Organisations of the region (GET /regions/{id}), grouped by type, handover partners first. */
export function useOrgGroups(): { type: string; orgs: Organization[] }[] {
  const { detail } = useRegionData();
  return useMemo(() => {
    const by = new Map<string, Organization[]>();
    for (const o of detail?.organizations ?? []) {
      const l = by.get(o.type) ?? [];
      l.push(o);
      by.set(o.type, l);
    }
    return [...by.entries()].sort((a, b) => orgTypeOrder(a[0]) - orgTypeOrder(b[0]))
      .map(([type, orgs]) => ({ type, orgs: orgs.sort((a, b) => a.name.localeCompare(b.name)) }));
  }, [detail]);
}

/** An organisation of the region as a select, grouped by type; `free` adds the free beds the snapshot shows. */
export function OrgSelect({ name, label, value, onChange, error, optional, free, autoFocus, disabled }: {
  name: string; label: string; value: string; onChange: (id: string) => void; error?: string; optional?: boolean; free?: boolean; autoFocus?: boolean;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const { rows } = useRegionData();
  const groups = useOrgGroups();
  const freeBy = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of rows) if (r.beds && r.type !== 'ambulance') m.set(r.organization_id, (m.get(r.organization_id) ?? 0) + r.beds.available);
    return m;
  }, [rows]);
  return (
    <SelectField name={name} label={label} value={value} onChange={onChange} error={error} autoFocus={autoFocus} disabled={disabled} data-testid={`${name}-select`}>
      <option value="">{optional ? t('intake.none') : t('intake.choose')}</option>
      {groups.map((g) => (
        <optgroup key={g.type} label={t(`org.${g.type}`)}>
          {g.orgs.map((o) => (
            <option key={o.id} value={o.id} data-type={o.type}>
              {o.name}{free && freeBy.has(o.id) ? ` — ${t('ho.free', { n: freeBy.get(o.id)! })}` : ''}
            </option>
          ))}
        </optgroup>
      ))}
    </SelectField>
  );
}

/** A unit of the chosen organisation (optional), with its free beds and the age of that number. */
export function UnitSelect({ name, organizationId, value, onChange, error }: {
  name: string; organizationId: string; value: string; onChange: (id: string) => void; error?: string;
}) {
  const { t, lang } = useI18n();
  const { detail, rows } = useRegionData();
  const now = useNow(30000);
  const units = (detail?.units ?? []).filter((u) => u.organization_id === organizationId);
  return (
    <SelectField name={name} label={t('ho.unit')} value={value} onChange={onChange} error={error} disabled={!organizationId}>
      <option value="">{t('ho.anyUnit')}</option>
      {units.map((u) => {
        const r = rows.find((x) => x.unit_id === u.id);
        const age = r ? ageSeconds(r.as_of, now) : null;
        const info = r?.beds ? `${t('ho.free', { n: r.beds.available })}, ${age == null ? t('noData') : formatAge(age, lang)}${isStale(r, now) ? `, ${t('stale')}` : ''}` : '';
        return <option key={u.id} value={u.id}>{u.name} · {typeLabel(t, u.type)}{info ? ` (${info})` : ''}</option>;
      })}
    </SelectField>
  );
}

import { useMemo } from 'react';
import { useI18n } from '../i18n';
import { useRegionData } from '../data';
import { NO_FILTERS, specialisms, typesPresent, type Filters } from '../lib/filters';
import { typeLabel } from './Status';

/** Filters shared by overview and map. The search box is focused with "/". */
export function FilterBar({ filters, setFilters, shown, total, compact }: {
  filters: Filters; setFilters: (f: Filters) => void; shown?: number; total?: number; compact?: boolean;
}) {
  const { t } = useI18n();
  const { rows, detail } = useRegionData();
  const types = useMemo(() => typesPresent(rows), [rows]);
  const specs = useMemo(() => specialisms(filters.type ? rows.filter((r) => r.type === filters.type) : rows), [rows, filters.type]);
  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  const active = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <label className="f-search">
        <span className="sr-only">{t('filter.search')}</span>
        <input id="filter-input" type="search" value={filters.q} placeholder={t('filter.searchPlaceholder')}
          onChange={(e) => set({ q: e.target.value })}
          onKeyDown={(e) => { if (e.key === 'Escape') { set({ q: '' }); (e.target as HTMLInputElement).blur(); } }} />
      </label>
      <label>
        <span>{t('filter.subregion')}</span>
        <select id="filter-subregion" value={filters.subregion} onChange={(e) => set({ subregion: e.target.value })}>
          <option value="">{t('filter.all')}</option>
          {(detail?.region.subregions ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      </label>
      <label>
        <span>{t('filter.type')}</span>
        <select id="filter-type" value={filters.type} onChange={(e) => set({ type: e.target.value, specialism: '' })}>
          <option value="">{t('filter.all')}</option>
          {types.map((ty) => <option key={ty} value={ty}>{typeLabel(t, ty)}</option>)}
        </select>
      </label>
      <label>
        <span>{t('filter.specialism')}</span>
        <select id="filter-specialism" value={filters.specialism} onChange={(e) => set({ specialism: e.target.value })}
          disabled={specs.length === 0}>
          <option value="">{t('filter.all')}</option>
          {specs.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      {!compact && (
        <>
          <label className="check">
            <input type="checkbox" checked={filters.onlyFree} onChange={(e) => set({ onlyFree: e.target.checked })} />
            <span>{t('filter.onlyFree')}</span>
          </label>
          <label className="check">
            <input type="checkbox" checked={filters.onlyStale} onChange={(e) => set({ onlyStale: e.target.checked })} />
            <span>{t('filter.onlyStale')}</span>
          </label>
        </>
      )}
      {active && <button type="button" className="link-btn" onClick={() => setFilters(NO_FILTERS)}>{t('filter.reset')}</button>}
      {shown != null && total != null && <span className="muted small f-count">{t('filter.count', { shown, total })}</span>}
    </form>
  );
}

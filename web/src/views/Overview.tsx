import { Fragment, useMemo } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { applyFilters, orgOrder, sortUnits, type Filters } from '../lib/filters';
import { computeTotals, sumTotals } from '../lib/totals';
import { isStale } from '../lib/age';
import { AgeCell, EdBadge, typeLabel } from '../components/Status';
import { FilterBar } from '../components/FilterBar';
import { href } from '../router';
import type { SnapshotUnit } from '../types';
import { canEditUnit, hasBeds } from '../lib/units';
import { netAvailable } from '../lib/placements';
import type { UnitForecast, User } from '../types';
import { CrossFlag, EdOutlook, useRegionForecast } from '../components/Forecast';

export function Overview({ filters, setFilters, user }: { filters: Filters; setFilters: (f: Filters) => void; user: User }) {
  const { t } = useI18n();
  const { rows, detail, regionId } = useRegionData();
  const now = useNow(5000);
  const forecast = useRegionForecast(regionId);
  const crossing = useMemo(() => new Map((forecast?.crossing ?? []).map((f) => [f.unit_id, f])), [forecast]);

  const filtered = useMemo(() => applyFilters(rows, filters, now), [rows, filters, now]);
  const subNames = useMemo(() => new Map((detail?.region.subregions ?? []).map((s) => [s.id, s.name])), [detail]);
  const orgTypes = useMemo(() => new Map((detail?.organizations ?? []).map((o) => [o.id, o.type])), [detail]);
  const subOrder = useMemo(() => (detail?.region.subregions ?? []).map((s) => s.id), [detail]);

  const groups = useMemo(() => {
    const bySub = new Map<string, Map<string, SnapshotUnit[]>>();
    for (const r of filtered) {
      let orgs = bySub.get(r.subregion);
      if (!orgs) bySub.set(r.subregion, (orgs = new Map()));
      let list = orgs.get(r.organization_id);
      if (!list) orgs.set(r.organization_id, (list = []));
      list.push(r);
    }
    const subs = [...bySub.keys()].sort((a, b) => {
      const ia = subOrder.indexOf(a), ib = subOrder.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
    return subs.map((s) => ({
      id: s,
      orgs: [...bySub.get(s)!.entries()]
        .map(([id, units]) => ({ id, name: units[0].organization_name, type: orgTypes.get(id), units: units.sort(sortUnits) }))
        .sort((a, b) => orgOrder(a.type) - orgOrder(b.type) || a.name.localeCompare(b.name)),
    }));
  }, [filtered, subOrder, orgTypes]);

  return (
    <section className="view overview" aria-labelledby="ov-title">
      <div className="view-head">
        <h1 id="ov-title">{t('overview.title')}</h1>
        <FilterBar filters={filters} setFilters={setFilters} shown={filtered.length} total={rows.length} />
      </div>
      <Summary rows={filtered} now={now} />
      <TotalsTable rows={filtered} subNames={subNames} subOrder={subOrder} now={now} />
      <EdOutlook fc={forecast} />
      <h2 className="sr-only">{t('overview.units')}</h2>
      {filtered.length === 0 ? (
        <p className="empty">{t('overview.noMatch')}</p>
      ) : (
        <table className="grid units-table" data-testid="units-table">
          <thead>
            <tr>
              <th scope="col" className="c-name">{t('col.unit')}</th>
              <th scope="col">{t('col.type')}</th>
              <th scope="col">{t('col.ed')}</th>
              <th scope="col" className="num">{t('col.available')}</th>
              <th scope="col" className="num">{t('col.staffed')}</th>
              <th scope="col" className="num">{t('col.occupied')}</th>
              <th scope="col" className="num">{t('col.total')}</th>
              <th scope="col" className="num">{t('col.waiting')}</th>
              <th scope="col" className="num">{t('col.inTreatment')}</th>
              <th scope="col" className="num">{t('col.boarding')}</th>
              <th scope="col" className="num">{t('col.crowding')}</th>
              <th scope="col" className="c-age">{t('col.age')}</th>
            </tr>
          </thead>
          {groups.map((g) => (
            <tbody key={g.id}>
              <tr className="sub-row">
                <th colSpan={12} scope="rowgroup">{subNames.get(g.id) ?? g.id}</th>
              </tr>
              {g.orgs.map((o) => (
                <Fragment key={o.id}>
                  <tr className="org-row">
                    <th colSpan={12} scope="rowgroup">
                      {o.name}{o.type && <span className="org-type"> · {t(`org.${o.type}`)}</span>}
                    </th>
                  </tr>
                  {o.units.map((u) => <UnitRow key={u.unit_id} u={u} now={now} editable={canEditUnit(user, u, regionId)} crossing={crossing.get(u.unit_id)} />)}
                </Fragment>
              ))}
            </tbody>
          ))}
        </table>
      )}
    </section>
  );
}

function UnitRow({ u, now, editable, crossing }: { u: SnapshotUnit; now: number; editable: boolean; crossing?: UnitForecast }) {
  const { t } = useI18n();
  const stale = isStale(u, now);
  const b = u.beds;
  const e = u.ed;
  const free = netAvailable(u);  // net of beds reserved for follow-up placements
  return (
    <tr className={`unit-row${stale ? ' is-stale' : ''}`} data-unit={u.unit_id} data-stale={stale ? '1' : '0'}>
      <td className="c-name">
        <a href={href({ name: 'unit', id: u.unit_id })}>{u.name}</a>
        {editable && <a className="row-edit" href={href({ name: 'entry', id: u.unit_id })} title={t('unit.edit')} aria-label={`${t('unit.edit')}: ${u.name}`}>✎</a>}
        {' '}<CrossFlag f={crossing} />
      </td>
      <td className="c-type">{typeLabel(t, u.type)}{u.specialism ? <span className="spec"> · {u.specialism}</span> : null}</td>
      <td>{e ? <EdBadge status={e.status} /> : null}</td>
      <td className={`num free${free === 0 ? ' zero' : ''}`} data-col="available" data-reserved={u.reserved ?? undefined}>
        {hasBeds(u.type) ? (b ? free : '—') : ''}
        {b && (u.reserved ?? 0) > 0 && <span className="muted small" data-testid="reserved"> {t('col.reserved', { n: u.reserved ?? 0 })}</span>}
      </td>
      <td className="num" data-col="staffed">{b ? b.staffed : hasBeds(u.type) ? '—' : ''}</td>
      <td className="num" data-col="occupied">{b ? b.occupied : hasBeds(u.type) ? '—' : ''}</td>
      <td className="num" data-col="total">{b ? b.total : hasBeds(u.type) ? '—' : ''}</td>
      <td className="num">{e ? e.waiting : ''}</td>
      <td className="num">{e ? e.in_treatment : ''}</td>
      <td className="num">{e ? e.boarding : ''}</td>
      <td className={`num${e && e.crowding >= 140 ? ' hot' : ''}`}>{e ? e.crowding : ''}</td>
      <td className="c-age"><AgeCell row={u} now={now} /></td>
    </tr>
  );
}

function Summary({ rows, now }: { rows: SnapshotUnit[]; now: number }) {
  const { t } = useI18n();
  const eds = rows.filter((r) => r.type === 'seh' && r.ed && !isStale(r, now));
  const count = (s: string) => eds.filter((r) => r.ed!.status === s).length;
  const stale = rows.filter((r) => isStale(r, now)).length;
  return (
    <div className="summary" data-testid="summary">
      <span className="summary-item"><strong>{t('type.seh')}</strong></span>
      {(['open', 'threatened', 'closed'] as const).map((s) => (
        <span key={s} className="summary-item"><EdBadge status={s} /> <b>{count(s)}</b></span>
      ))}
      <span className={`summary-item${stale ? ' summary-stale' : ''}`}>
        <span className="badge stale-badge">{t('stale')}</span> <b>{stale}</b>
      </span>
    </div>
  );
}

function TotalsTable({ rows, subNames, subOrder, now }: {
  rows: SnapshotUnit[]; subNames: Map<string, string>; subOrder: string[]; now: number;
}) {
  const { t } = useI18n();
  const totals = useMemo(() => computeTotals(rows), [rows]);
  const types = Object.keys(totals.by_type).filter((ty) => hasBeds(ty))
    .sort((a, b) => ['seh', 'ic', 'ward', 'elv-low', 'elv-high', 'elv-palliative', 'ggz-crisis', 'vvt-crisis', 'ambulance'].indexOf(a)
      - ['seh', 'ic', 'ward', 'elv-low', 'elv-high', 'elv-palliative', 'ggz-crisis', 'vvt-crisis', 'ambulance'].indexOf(b));
  const subs = Object.keys(totals.by_subregion).sort((a, b) => subOrder.indexOf(a) - subOrder.indexOf(b));
  const staleBy = (ty: string) => rows.filter((r) => r.type === ty && isStale(r, now)).length;
  if (types.length === 0) return null;
  // Beds only: ambulance "beds" are vehicles and do not add up with beds.
  const bedTypes = types.filter((ty) => ty !== 'ambulance');
  const all = sumTotals(bedTypes.map((ty) => totals.by_type[ty]));
  return (
    <details className="totals" open>
      <summary><h2>{t('overview.totals')}</h2><span className="muted small"> {t('overview.totalsNote')}</span></summary>
      <table className="grid totals-table" data-testid="totals-table">
        <thead>
          <tr>
            <th rowSpan={2} scope="col">{t('col.type')}</th>
            {subs.map((s) => <th key={s} colSpan={2} scope="colgroup" className="grp">{subNames.get(s) ?? s}</th>)}
            <th colSpan={6} scope="colgroup" className="grp">{t('overview.all')}</th>
          </tr>
          <tr>
            {subs.map((s) => (
              <Fragment key={s}>
                <th scope="col" className="num grp">{t('col.available')}</th>
                <th scope="col" className="num">{t('col.staffed')}</th>
              </Fragment>
            ))}
            <th scope="col" className="num grp">{t('col.available')}</th>
            <th scope="col" className="num">{t('col.staffed')}</th>
            <th scope="col" className="num">{t('col.occupied')}</th>
            <th scope="col" className="num">{t('col.total')}</th>
            <th scope="col" className="num">{t('col.units')}</th>
            <th scope="col">{t('stale')}</th>
          </tr>
        </thead>
        <tbody>
          {types.map((ty) => {
            const tt = totals.by_type[ty];
            const st = staleBy(ty);
            return (
              <tr key={ty} data-type={ty}>
                <th scope="row">{typeLabel(t, ty)}</th>
                {subs.map((s) => {
                  const x = totals.by_subregion[s]?.[ty];
                  return (
                    <Fragment key={s}>
                      <td className={`num free grp${x && x.available === 0 ? ' zero' : ''}`}>{x ? x.available : '·'}</td>
                      <td className="num muted">{x ? x.staffed : '·'}</td>
                    </Fragment>
                  );
                })}
                <td className={`num free grp${tt.available === 0 ? ' zero' : ''}`}>{tt.available}</td>
                <td className="num">{tt.staffed}</td>
                <td className="num">{tt.occupied}</td>
                <td className="num">{tt.total}</td>
                <td className="num">{tt.units}</td>
                <td className={st ? 'stale-text' : 'muted'}>{st ? t('overview.staleCount', { n: st }) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('overview.bedsTotal')}</th>
            {subs.map((s) => {
              const x = sumTotals(bedTypes.map((ty) => totals.by_subregion[s]?.[ty]).filter((v): v is NonNullable<typeof v> => !!v));
              return (
                <Fragment key={s}>
                  <td className="num free grp">{x.available}</td>
                  <td className="num muted">{x.staffed}</td>
                </Fragment>
              );
            })}
            <td className="num free grp">{all.available}</td>
            <td className="num">{all.staffed}</td>
            <td className="num">{all.occupied}</td>
            <td className="num">{all.total}</td>
            <td className="num">{all.units}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </details>
  );
}

import { useEffect, useMemo } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { computeTotals } from '../lib/totals';
import { ageSeconds, formatAge, formatClock, isStale } from '../lib/age';
import { EdBadge, typeLabel } from '../components/Status';
import { LiveStatus } from '../components/LiveStatus';
import { WallPhase } from '../components/PhaseBits';
import { MapView } from './MapView';
import { NO_FILTERS } from '../lib/filters';
import { STATUS_COLOURS, type MarkerStatus } from '../lib/status';
import { go } from '../router';
import { useRegionForecast } from '../components/Forecast';
import { rangeText } from '../lib/forecast';

const WALL_TYPES = ['ic', 'ward', 'elv-low', 'elv-high', 'elv-palliative', 'ggz-crisis', 'vvt-crisis', 'ambulance'];

/** Wall screen (#/wand): large, read-only, always current; no controls needed. Esc returns. */
export function Wall() {
  const { t, lang } = useI18n();
  const { rows, detail, regionId } = useRegionData();
  const forecast = useRegionForecast(regionId);
  const outlook = useMemo(() => new Map((forecast?.ed_outlook ?? []).map((f) => [f.unit_id, f])), [forecast]);
  const now = useNow(1000);

  useEffect(() => {
    const on = (e: KeyboardEvent) => { if (e.key === 'Escape') go({ name: 'overview' }); };
    window.addEventListener('keydown', on);
    document.body.classList.add('wall-mode');
    return () => { window.removeEventListener('keydown', on); document.body.classList.remove('wall-mode'); };
  }, []);

  const subs = useMemo(() => detail?.region.subregions ?? [], [detail]);
  const totals = useMemo(() => computeTotals(rows), [rows]);
  const types = WALL_TYPES.filter((ty) => totals.by_type[ty]);
  const eds = useMemo(() => rows.filter((r) => r.type === 'seh')
    .sort((a, b) => subs.findIndex((s) => s.id === a.subregion) - subs.findIndex((s) => s.id === b.subregion)
      || a.organization_name.localeCompare(b.organization_name) || a.name.localeCompare(b.name)), [rows, subs]);
  const staleCount = rows.filter((r) => isStale(r, now)).length;
  const legend: MarkerStatus[] = ['ok', 'threatened', 'closed', 'stale'];

  return (
    <div className="wall" data-testid="wall">
      <header className="wall-head">
        <h1>{t('wall.title')} · {detail?.region.name ?? ''}</h1>
        <WallPhase />
        <LiveStatus large />
        <span className="wall-clock">{formatClock(now, lang)}</span>
      </header>
      <div className="wall-body">
        <section className="wall-ed" aria-labelledby="wall-ed-title">
          <h2 id="wall-ed-title">{t('wall.ed')}</h2>
          <ul className="ed-tiles">
            {eds.map((r) => {
              const stale = isStale(r, now);
              const status = r.ed?.status;
              return (
                <li key={r.unit_id} className={`ed-tile ${stale ? 'is-stale' : `ed-${status ?? 'none'}`}`} data-unit={r.unit_id}>
                  <span className="tile-name">{r.organization_name}{eds.filter((x) => x.organization_id === r.organization_id).length > 1 ? ` · ${r.name}` : ''}</span>
                  <span className="tile-status">{stale ? <span className="badge stale-badge badge-lg">{t('stale')}</span> : <EdBadge status={status} large />}</span>
                  <span className="tile-nums">
                    {r.ed ? <>{t('col.waiting')} <b>{r.ed.waiting}</b> · {t('col.crowding')} <b>{r.ed.crowding}</b></> : null}
                    <span className="tile-age">{formatAge(ageSeconds(r.as_of, now), lang)}</span>
                  </span>
                  {outlook.get(r.unit_id) && (
                    <span className="tile-outlook" data-testid="wall-outlook">
                      {t('fc.outlook')}: {outlook.get(r.unit_id)!.points.map((p) => `${Math.round(p.mean)} (${rangeText(p.p10, p.p90)})`).join(' · ')}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
        <section className="wall-free" aria-labelledby="wall-free-title">
          <h2 id="wall-free-title">{t('wall.free')}</h2>
          <table className="grid wall-table">
            <thead>
              <tr>
                <th scope="col">{t('col.type')}</th>
                {subs.map((s) => <th key={s.id} scope="col" className="num">{s.name}</th>)}
                <th scope="col" className="num">{t('overview.all')}</th>
              </tr>
            </thead>
            <tbody>
              {types.map((ty) => (
                <tr key={ty}>
                  <th scope="row">{typeLabel(t, ty)}</th>
                  {subs.map((s) => {
                    const x = totals.by_subregion[s.id]?.[ty];
                    return <td key={s.id} className={`num free${x && x.available === 0 ? ' zero' : ''}`}>{x ? x.available : '·'}</td>;
                  })}
                  <td className={`num free total${totals.by_type[ty].available === 0 ? ' zero' : ''}`}>{totals.by_type[ty].available}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="wall-map">
            <MapView filters={NO_FILTERS} embedded />
            <ul className="legend legend-row">
              {legend.map((s) => (
                <li key={s} className="legend-item"><span className="swatch" style={{ background: STATUS_COLOURS[s] }} aria-hidden="true" />{t(`status.${s}`)}</li>
              ))}
            </ul>
          </div>
        </section>
      </div>
      <footer className="wall-foot">
        <span className={staleCount ? 'stale-text' : ''}>{t('wall.staleUnits', { n: staleCount })}</span>
        {forecast && forecast.crossing.length > 0 && (
          <span className="crossing-text" data-testid="wall-crossing">{t('fc.crossingCount', { n: forecast.crossing.length })}</span>
        )}
        <span className="muted">{t('wall.exit')}</span>
      </footer>
    </div>
  );
}

import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { api } from '../api';
import { ageSeconds, formatAge, formatDateTime, isStale } from '../lib/age';
import { canEditUnit, hasBeds, hasEd } from '../lib/units';
import { Chart } from '../components/Chart';
import { EdBadge, StaleBadge, typeLabel } from '../components/Status';
import { href } from '../router';
import { allForecasts, backtestLabel, bandSeries, forecastEndMs, forecastOf, rangeText } from '../lib/forecast';
import type { History, UnitForecast, User } from '../types';

const HOUR = 3600000;
const RANGES = [168, 24, 6] as const;
// The newest reports listed under the charts, with where each came from.
const RECENT = 8;
type Range = (typeof RANGES)[number];

/** A step line's points, with the last value held until `now`. */
function extendToNow<T>(pts: [string | number, T][], now: number): [string | number, T][] {
  return pts.length ? [...pts, [now, pts[pts.length - 1][1]]] : pts;
}

export function UnitDetail({ id, user }: { id: string; user: User }) {
  const { t, lang } = useI18n();
  const { rows, detail, regionId } = useRegionData();
  const now = useNow(5000);
  const row = rows.find((r) => r.unit_id === id);
  const unit = detail?.units.find((u) => u.id === id);
  const loc = unit ? detail?.locations.find((l) => l.id === unit.location_id) : undefined;
  const [hist, setHist] = useState<History | null>(null);
  const [histErr, setHistErr] = useState<string | null>(null);
  const [range, setRange] = useState<Range>(168);
  const [fc, setFc] = useState<UnitForecast | null>(null);
  const [fcMissing, setFcMissing] = useState(false);

  // Refetch the history when this unit's row changes (a live update), at most once per change.
  const asOf = row?.as_of ?? null;
  useEffect(() => {
    let cancelled = false;
    const to = new Date(Date.now() + 60000);
    api.history(id, new Date(to.getTime() - range * HOUR), to)
      .then((h) => { if (!cancelled) { setHist(h); setHistErr(null); } })
      .catch((e) => { if (!cancelled) setHistErr((e as Error).message); });
    return () => { cancelled = true; };
  }, [id, asOf, range]);

  // Another unit: its own forecast, not the last one's.
  useEffect(() => { setFc(null); setFcMissing(false); }, [id]);
  // The unit's forecast (cached by the server until the unit's next report).
  useEffect(() => {
    let cancelled = false;
    api.forecast(id)
      .then((f) => { if (!cancelled) { setFc(f); setFcMissing(false); } })
      .catch(() => { if (!cancelled) { setFc(null); setFcMissing(true); } });
    return () => { cancelled = true; };
  }, [id, asOf]);

  // Step lines hold the last value until now (extendToNow); few points also get symbols so they stay visible.
  const few = (hist?.points.length ?? 0) < 40;
  const from = now - range * HOUR;
  // The time axis reaches to the forecast's last point (7 days for beds at the 7-day range, 2 hours for an ED).
  // An SEH has both: its arrivals on the ED chart, its beds' occupancy on the beds chart.
  const bedFc = forecastOf(fc, 'occupancy');
  const edFc = forecastOf(fc, 'ed-arrivals');
  const bedsEnd = Math.max(now, range === 168 && bedFc ? forecastEndMs(bedFc) ?? now : now);
  const edEnd = Math.max(now, edFc ? forecastEndMs(edFc) ?? now : now);

  const bedsOption = useMemo(() => {
    const pts = hist?.points ?? [];
    const s = (name: string, key: 'available' | 'staffed' | 'occupied' | 'total', color: string, width = 1.5) => ({
      name, type: 'line', step: 'end', showSymbol: few, symbolSize: 4, color, lineStyle: { width },
      data: extendToNow(pts.filter((p) => p.beds).map((p) => [p.as_of, p.beds![key]] as [string, number]), now),
    });
    return {
      animation: false,
      grid: { left: 44, right: 16, top: 32, bottom: 28 },
      legend: { top: 0, left: 0, itemWidth: 14, textStyle: { fontSize: 12 } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', min: from, max: bedsEnd, axisLabel: { fontSize: 11, hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 11 } },
      series: [
        s(t('col.available'), 'available', '#1a7f37', 2.5),
        s(t('col.staffed'), 'staffed', '#1f5fa8'),
        s(t('col.occupied'), 'occupied', '#c77700'),
        s(t('col.total'), 'total', '#7a7f87', 1),
        ...(bedFc && range === 168 ? bandSeries(bedFc, { band: t('fc.band'), mean: t('fc.mean') }, '#c77700') : []),
      ],
    };
  }, [hist, t, now, from, few, bedFc, range, bedsEnd]);

  const edOption = useMemo(() => {
    const pts = (hist?.points ?? []).filter((p) => p.ed);
    return {
      animation: false,
      grid: { left: 44, right: 44, top: 32, bottom: 28 },
      legend: { top: 0, left: 0, itemWidth: 14, textStyle: { fontSize: 12 } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', min: from, max: edEnd, axisLabel: { fontSize: 11, hideOverlap: true } },
      yAxis: [
        { type: 'value', minInterval: 1, axisLabel: { fontSize: 11 } },
        { type: 'value', min: 0, max: 200, axisLabel: { fontSize: 11 }, splitLine: { show: false } },
      ],
      series: [
        { name: t('col.waiting'), type: 'line', step: 'end', showSymbol: few, symbolSize: 4, color: '#1f5fa8', data: extendToNow(pts.map((p) => [p.as_of, p.ed!.waiting] as [string, number]), now) },
        { name: t('col.boarding'), type: 'line', step: 'end', showSymbol: few, symbolSize: 4, color: '#7a4fa0', data: extendToNow(pts.map((p) => [p.as_of, p.ed!.boarding] as [string, number]), now) },
        { name: t('col.crowding'), type: 'line', yAxisIndex: 1, showSymbol: few, symbolSize: 4, color: '#c62828', data: extendToNow(pts.map((p) => [p.as_of, p.ed!.crowding] as [string, number]), now),
          markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#c62828', opacity: 0.5 }, data: [{ yAxis: 140 }], label: { show: false } } },
        { name: t('fc.arrivals'), type: 'line', step: 'end', showSymbol: few, symbolSize: 4, color: '#0e7c86',
          data: pts.filter((p) => p.ed!.arrivals != null).map((p) => [p.as_of, p.ed!.arrivals] as [string, number]) },
        ...(edFc ? bandSeries(edFc, { band: t('fc.band'), mean: t('fc.mean') }, '#0e7c86') : []),
      ],
    };
  }, [hist, t, now, from, few, edFc, edEnd]);

  if (!row && !unit) {
    return <section className="view"><p className="empty">{rows.length ? t('unit.notFound') : t('loading')}</p><a href="#/">{t('unit.back')}</a></section>;
  }
  const type = row?.type ?? unit!.type;
  const stale = row ? isStale(row, now) : true;
  const age = ageSeconds(row?.as_of, now);
  const b = row?.beds;
  const e = row?.ed;
  const vehicles = type === 'ambulance';

  return (
    <section className="view unit" aria-labelledby="unit-title">
      <p><a href="#/">{t('unit.back')}</a></p>
      <div className="view-head">
        <h1 id="unit-title">{row?.organization_name ?? ''} · {row?.name ?? unit?.name}</h1>
        <span className="muted">{typeLabel(t, type)}{(row?.specialism ?? unit?.specialism) ? ` · ${row?.specialism ?? unit?.specialism}` : ''}</span>
        {canEditUnit(user, { organization_id: row?.organization_id ?? unit!.organization_id }, regionId) && (
          <a className="btn" href={href({ name: 'entry', id })}>{t('unit.edit')}</a>
        )}
      </div>

      <div className={`cards${stale ? ' is-stale' : ''}`} data-testid="unit-current">
        {hasBeds(type) && (
          <div className="card">
            <h2>{vehicles ? t('unit.vehicles') : t('unit.beds')}</h2>
            <dl className="kv big">
              <div><dt>{t('col.available')}</dt><dd className="free">{b?.available ?? '—'}</dd></div>
              <div><dt>{t('col.staffed')}</dt><dd>{b?.staffed ?? '—'}</dd></div>
              <div><dt>{t('col.occupied')}</dt><dd>{b?.occupied ?? '—'}</dd></div>
              <div><dt>{t('col.total')}</dt><dd>{b?.total ?? '—'}</dd></div>
            </dl>
          </div>
        )}
        {hasEd(type) && (
          <div className="card">
            <h2>{type === 'hap' ? t('entry.queue') : t('entry.ed')}</h2>
            <div className="ed-line"><EdBadge status={e?.status} large /></div>
            <dl className="kv">
              <div><dt>{t('col.waiting')}</dt><dd>{e?.waiting ?? '—'}</dd></div>
              <div><dt>{t('col.inTreatment')}</dt><dd>{e?.in_treatment ?? '—'}</dd></div>
              <div><dt>{t('col.boarding')}</dt><dd>{e?.boarding ?? '—'}</dd></div>
              <div><dt>{t('col.crowding')}</dt><dd>{e?.crowding ?? '—'}</dd></div>
            </dl>
          </div>
        )}
        <div className="card">
          <h2>{t('unit.asOf')}</h2>
          <p className="age-big">{stale && <StaleBadge />} {age == null ? t('noData') : formatAge(age, lang)}</p>
          <dl className="kv small">
            <div><dt>{t('unit.asOf')}</dt><dd>{formatDateTime(row?.as_of, lang)}</dd></div>
            <div><dt>{t('unit.interval')}</dt><dd>{formatAge(row?.expected_interval_s ?? unit?.expected_interval_s ?? null, lang)}</dd></div>
            {loc && <div><dt>{t('unit.location')}</dt><dd>{[loc.name, loc.address, loc.city].filter(Boolean).join(', ')}</dd></div>}
          </dl>
        </div>
      </div>

      {fc ? allForecasts(fc).map((f, i) => (
        <ForecastCard key={f.kind} fc={f} missing={false} testId={i === 0 ? 'forecast' : `forecast-${f.kind}`} showKind={allForecasts(fc).length > 1} />
      )) : <ForecastCard fc={null} missing={fcMissing} />}

      <div className="range-pick" role="group" aria-label={t('unit.range')}>
        <span className="muted small">{t('unit.range')}:</span>
        {RANGES.map((r) => (
          <button key={r} type="button" className={`btn small${range === r ? ' active' : ''}`} aria-pressed={range === r} onClick={() => setRange(r)}>
            {t(`unit.range${r}`)}
          </button>
        ))}
      </div>
      {histErr && <p className="error">{t('loadError', { detail: histErr })}</p>}
      {hasBeds(type) && (
        <div className="card chart-card">
          <h2>{t('unit.trend')} · {t(`unit.range${range}`)}{hist?.downsampled ? <span className="muted small"> · {t('unit.downsampled')}</span> : null}</h2>
          {hist && hist.points.length === 0 ? <p className="empty">{t('unit.noHistory')}</p>
            : <Chart option={bedsOption} className="chart" ariaLabel={t('unit.trend')} />}
        </div>
      )}
      {hasEd(type) && (
        <div className="card chart-card">
          <h2>{t('unit.trendEd')} · {t(`unit.range${range}`)}</h2>
          {hist && hist.points.length === 0 ? <p className="empty">{t('unit.noHistory')}</p>
            : <Chart option={edOption} className="chart" ariaLabel={t('unit.trendEd')} />}
        </div>
      )}
      {hist && hist.points.length > 0 && (
        <div className="card" data-testid="unit-recent">
          <h2>{t('unit.recent')}</h2>
          <table className="dense">
            <thead>
              <tr>
                <th>{t('unit.asOf')}</th>
                {hasBeds(type) && <th>{t('col.available')}</th>}
                {hasEd(type) && <th>{t('col.waiting')}</th>}
                <th>{t('unit.source')}</th>
                <th>{t('unit.reportedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {hist.points.slice(-RECENT).reverse().map((p) => (
                <tr key={p.as_of}>
                  <td>{formatDateTime(p.as_of, lang)}</td>
                  {hasBeds(type) && <td className="num">{p.beds?.available ?? '—'}</td>}
                  {hasEd(type) && <td className="num">{p.ed?.waiting ?? '—'}</td>}
                  <td>{t(`source.${p.source}`)}</td>
                  <td>{p.reported_by}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A forecast beside the trend (an SEH has two: arrivals and beds, each named when `showKind`): the next values with their 80% interval, the backtest, the data age, the threshold flag. */
function ForecastCard({ fc, missing, testId = 'forecast', showKind = false }: { fc: UnitForecast | null; missing: boolean; testId?: string; showKind?: boolean }) {
  const { t, lang } = useI18n();
  if (!fc) return missing ? <p className="muted small" data-testid="forecast-none">{t('fc.none')}</p> : null;
  const bt = backtestLabel(fc.backtest, lang);
  const date = (d: string | null | undefined) => (d ? new Date(`${d}T12:00:00`).toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short' }) : '');
  return (
    <div className={`card forecast-card${fc.crosses_threshold ? ' is-crossing' : ''}`} data-testid={testId} data-kind={fc.kind}>
      <h2>{t('fc.title')}{showKind ? ` · ${t(fc.kind === 'ed-arrivals' ? 'fc.kindEd' : 'fc.kindBeds')}` : ''}</h2>
      {fc.kind === 'ed-arrivals' ? (
        <dl className="kv">
          {fc.points.map((p) => (
            <div key={p.horizon}>
              <dt>{t('fc.next', { label: t(`fc.hour${p.horizon}`) })}</dt>
              <dd><b>{Math.round(p.mean)}</b> <span className="muted small">({rangeText(p.p10, p.p90)})</span></dd>
            </div>
          ))}
        </dl>
      ) : (
        <>
          {fc.crosses_threshold ? (
            <p className="forecast-flag" data-testid="forecast-flag"><span className="badge badge-crossing">{t('fc.flag')}</span> {t('fc.crosses', { threshold: fc.threshold ?? '—', date: date(fc.crosses_on) })}</p>
          ) : (
            <p className="small">{t('fc.noCross', { threshold: fc.threshold ?? '—', days: fc.points.length })}</p>
          )}
          {fc.peak && <p className="small">{t('fc.peak', { value: Math.round(fc.peak.mean), date: date(fc.peak.date) })}</p>}
        </>
      )}
      <p className="small muted">
        {bt && <span data-testid="forecast-backtest" title={t('fc.backtest')}>{bt} · </span>}
        {t('fc.band')} · {t('fc.dataAge', { age: formatAge(fc.data_age_seconds, lang) })}
      </p>
    </div>
  );
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { ApiError, placementKpis as api } from '../api';
import { FetchedAt } from '../components/CaseBits';
import type { User } from '../types';
import { KPI_PERIODS, canReadKpis, formatDuration, formatRate, periodOf, toLocalInput, type KpiPeriod } from '../lib/kpis';
import {
  PLACEMENT_KPI_GROUPINGS, STACK_STATES, acceptanceRate, declineRows, formatDays, placementCsvFileName, placementGroupLabel, placementKpiQuery,
  providerRows, stackedBars, statesAddUp, stillOpen, type PlacementKpiFigures, type PlacementKpiGrouping, type PlacementKpis,
  type StackState,
} from '../lib/placementKpis';
import { BarChart, KpiParts } from './Kpi';

/** Colours of the states in the stacked bars (each also named in the legend and the bar's title). */
const STATE_FILL: Record<StackState, string> = { placed: '#2e7d32', offered: '#1f5f99', waiting: '#d08c00', cancelled: '#9aa3ab' };

/**
 * The placement desk's KPIs (GET /api/v1/placements/kpis, the cohort of placements created in the period): the
 * worklist KPIs' period and grouping controls; the total as a summary line, the groups as a dense table, bars of
 * placements per group stacked by their state now and of declines by reason (inline SVG), the providers' answers,
 * and the same figures as a CSV download. The age of the figures is always shown.
 */
export function PlacementKpi({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { regionId, detail } = useRegionData();
  const now = useNow(5000);
  const [period, setPeriod] = useState<KpiPeriod>('7d');
  const [custom, setCustom] = useState(() => ({ from: toLocalInput(Date.now() - 7 * 86400_000), to: toLocalInput(Date.now()) }));
  const [by, setBy] = useState<PlacementKpiGrouping | ''>('day');
  const [data, setData] = useState<PlacementKpis | null>(null);
  const [fetchedAt, setFetchedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [askedAt, setAskedAt] = useState(() => Date.now());

  const orgNames = useMemo(() => new Map((detail?.organizations ?? []).map((o) => [o.id, o.name])), [detail]);
  const range = useMemo(() => periodOf(period, askedAt, custom), [period, askedAt, custom]);
  const query = range.ok ? placementKpiQuery(regionId, range.from, range.to, by) : '';

  const load = useCallback(async () => {
    if (!query) return;
    setBusy(true);
    try {
      setData(await api.get(query));
      setFetchedAt(Date.now());
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 403 ? t('kpi.noAccess') : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }, [query, t]);
  useEffect(() => { void load(); }, [load]);

  const download = async () => {
    if (!range.ok) return;
    try {
      const text = await api.csv(query);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = placementCsvFileName(regionId, range.from, range.to, by);
      document.body.appendChild(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  if (!canReadKpis(user.role)) return <section className="view"><p className="empty">{t('kpi.noAccess')}</p></section>;
  const fieldErr = (f: 'from' | 'to') => (!range.ok ? range.errors.filter((e) => e.field === f).map((e) => t(e.key)).join(' ') : '');
  const when = (s: string) => new Date(s).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB');
  const byLabel = (g: PlacementKpiGrouping | '') => (g === 'care-type' ? t('pk.by.care-type') : t(`kpi.by.${g || 'none'}`));

  return (
    <section className="view kpi placement-kpi" aria-labelledby="pk-title">
      <div className="view-head">
        <KpiParts current="placements" />
        <h1 id="pk-title">{t('pk.title')}</h1>
        <div className="range-pick" role="group" aria-label={t('kpi.period')}>
          <span className="muted small">{t('kpi.period')}:</span>
          {KPI_PERIODS.map((p) => (
            <button key={p} type="button" className={`btn small${period === p ? ' active' : ''}`} aria-pressed={period === p}
              data-testid={`kpi-period-${p}`} onClick={() => { setPeriod(p); setAskedAt(Date.now()); }}>
              {t(`kpi.period.${p}`)}
            </button>
          ))}
        </div>
        <form className="filters" onSubmit={(e) => { e.preventDefault(); setAskedAt(Date.now()); }}>
          {period === 'custom' && (
            <>
              <label>
                <span>{t('kpi.from')}</span>
                <input type="datetime-local" value={custom.from} aria-invalid={!!fieldErr('from')}
                  onChange={(e) => setCustom((c) => ({ ...c, from: e.target.value }))} />
              </label>
              <label>
                <span>{t('kpi.to')}</span>
                <input type="datetime-local" value={custom.to} aria-invalid={!!fieldErr('to')}
                  onChange={(e) => setCustom((c) => ({ ...c, to: e.target.value }))} />
              </label>
            </>
          )}
          <label>
            <span>{t('kpi.by')}</span>
            <select id="pk-by" value={by} onChange={(e) => setBy(e.target.value as PlacementKpiGrouping | '')}>
              <option value="">{t('kpi.by.none')}</option>
              {PLACEMENT_KPI_GROUPINGS.map((g) => <option key={g} value={g}>{byLabel(g)}</option>)}
            </select>
          </label>
          <button type="submit" className="btn small" disabled={busy || !range.ok}>{t('kpi.refresh')}</button>
          <button type="button" className="btn small" onClick={download} disabled={!range.ok} data-testid="pk-csv">{t('kpi.csv')}</button>
        </form>
        <FetchedAt at={fetchedAt} now={now} />
      </div>
      {!range.ok && <p className="field-error" role="alert">{[fieldErr('from'), fieldErr('to')].filter(Boolean).join(' ')}</p>}
      {error && <div className="banner error" role="alert">{t('loadError', { detail: error })} <button type="button" className="link-btn" onClick={load}>{t('retry')}</button></div>}
      {data && (
        <>
          <p className="muted small" data-testid="pk-range">{t('pk.range', { from: when(data.from), to: when(data.to), now: when(data.now) })}</p>
          <Summary f={data.total} />
          {!statesAddUp(data.total) && <p className="banner error" role="alert">{t('pk.mismatch')}</p>}
          <div className="cards">
            {data.groups.length > 0 && (
              <div className="card chart-card">
                <h2 className="small">{t('pk.chart.placements')}</h2>
                <StackedChart data={data} />
              </div>
            )}
            <div className="card chart-card">
              <h2 className="small">{t('pk.chart.declines')}</h2>
              <BarChart items={declineRows(data.total).map((r) => ({ key: r.reason, label: t(r.key), value: r.value }))} labelW={160} />
            </div>
          </div>
          {data.groups.length > 0 && <GroupTable data={data} label={byLabel(data.by ?? '')} />}
          <ProviderTable f={data.total} names={orgNames} />
        </>
      )}
    </section>
  );
}

function Summary({ f }: { f: PlacementKpiFigures }) {
  const { t, lang } = useI18n();
  const items: [string, string, string, string?][] = [
    ['placements', t('pk.placements'), String(f.placements)],
    ['placed', t('pk.placed'), String(f.placed)],
    ['open', t('pk.open'), `${f.waiting} / ${f.offered}`],
    ['cancelled', t('pk.cancelled'), String(f.cancelled)],
    ['to-placement', t('pk.toPlacement'), `${formatDuration(f.time_to_placement.median_seconds, lang)} / ${formatDuration(f.time_to_placement.p90_seconds, lang)}`, t('kpi.medianP90')],
    ['wrong-bed', t('pk.wrongBed'), `${formatDays(f.wrong_bed_days.total, lang)} / ${formatDays(f.wrong_bed_days.median, lang)}`, t('pk.wrongBedParts')],
    ['acceptance', t('pk.acceptance'), formatRate(acceptanceRate(f.offers)),
      `${f.offers.made} ${t('pk.offers').toLowerCase()}`],
  ];
  return (
    <div className="summary" data-testid="pk-summary">
      {items.map(([id, label, value, note]) => (
        <span key={id} className="summary-item" data-kpi={id}>{label}: <b>{value}</b>{note && <span className="muted small"> ({note})</span>}</span>
      ))}
    </div>
  );
}

/** Placements per group as horizontal bars stacked by state, each part titled, with a legend in colour and text. */
function StackedChart({ data }: { data: PlacementKpis }) {
  const { t, lang } = useI18n();
  const rows = stackedBars(data.groups);
  const row = 16;
  const labelW = 110;
  const barW = 220;
  const label = (key: string) => placementGroupLabel(key, data.by, t, lang);
  return (
    <>
      <svg className="kpi-bars" width={labelW + barW + 50} height={rows.length * row + 4} role="img" data-testid="pk-stacked"
        aria-label={rows.map((r) => `${label(r.key)}: ${r.total} (${r.parts.map((p) => `${t(`pk.${p.state}`)} ${p.value}`).join(', ')})`).join('; ')}>
        {rows.map((r, i) => {
          const end = r.parts.reduce((s, p) => s + p.fraction, 0);
          return (
            <g key={r.key} transform={`translate(0, ${i * row + 2})`}>
              <text x={labelW - 6} y={11} textAnchor="end" fontSize="11">{label(r.key)}</text>
              {r.parts.map((p) => (
                <rect key={p.state} x={labelW + p.start * barW} y={2} width={Math.max(1, p.fraction * barW)} height={row - 5} fill={STATE_FILL[p.state]}>
                  <title>{`${t(`pk.${p.state}`)}: ${p.value}`}</title>
                </rect>
              ))}
              <text x={labelW + end * barW + 4} y={11} fontSize="11">{r.total}</text>
            </g>
          );
        })}
      </svg>
      <p className="small pk-legend">
        {STACK_STATES.map((s) => (
          <span key={s} className="legend-item"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill={STATE_FILL[s]} /></svg> {t(`pk.${s}`)} </span>
        ))}
      </p>
    </>
  );
}

function GroupTable({ data, label }: { data: PlacementKpis; label: string }) {
  const { t, lang } = useI18n();
  return (
    <table className="grid kpi-table" data-testid="pk-groups">
      <thead>
        <tr>
          <th scope="col">{label}</th>
          <th scope="col" className="num">{t('pk.placements')}</th>
          <th scope="col" className="num">{t('pk.placed')}</th>
          <th scope="col" className="num">{t('pk.waiting')}</th>
          <th scope="col" className="num">{t('pk.offered')}</th>
          <th scope="col" className="num">{t('pk.cancelled')}</th>
          <th scope="col" className="num grp">{t('pk.toPlacement')}<br /><span className="muted">{t('kpi.medianP90')}</span></th>
          <th scope="col" className="num">{t('pk.wrongBed')}<br /><span className="muted">{t('pk.wrongBedParts')}</span></th>
          <th scope="col" className="num grp">{t('pk.offers')}</th>
          <th scope="col" className="num">{t('pk.accepted')}</th>
          <th scope="col" className="num">{t('pk.declined')}</th>
          <th scope="col" className="num">{t('pk.expired')}</th>
          <th scope="col" className="num">{t('pk.toAnswer')}<br /><span className="muted">{t('kpi.medianP90')}</span></th>
        </tr>
      </thead>
      <tbody>
        {data.groups.map(({ key, figures: g }) => (
          <tr key={key} data-group={key}>
            <th scope="row">{placementGroupLabel(key, data.by, t, lang)}</th>
            <td className="num" data-col="placements">{g.placements}</td>
            <td className="num" data-col="placed">{g.placed}</td>
            <td className="num" data-col="waiting">{g.waiting}</td>
            <td className="num" data-col="offered">{g.offered}</td>
            <td className="num" data-col="cancelled">{g.cancelled}</td>
            <td className="num grp">{formatDuration(g.time_to_placement.median_seconds, lang)} / {formatDuration(g.time_to_placement.p90_seconds, lang)}</td>
            <td className="num">{formatDays(g.wrong_bed_days.total, lang)} / {formatDays(g.wrong_bed_days.median, lang)}</td>
            <td className="num grp">{g.offers.made}</td>
            <td className="num">{g.offers.accepted}</td>
            <td className="num">{g.offers.declined}</td>
            <td className="num">{g.offers.expired}</td>
            <td className="num">{formatDuration(g.time_to_answer.median_seconds, lang)} / {formatDuration(g.time_to_answer.p90_seconds, lang)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('kpi.by.none')}</th>
          <td className="num">{data.total.placements}</td>
          <td className="num">{data.total.placed}</td>
          <td className="num" colSpan={2}>{stillOpen(data.total)}</td>
          <td className="num">{data.total.cancelled}</td>
          <td colSpan={7} />
        </tr>
      </tfoot>
    </table>
  );
}

function ProviderTable({ f, names }: { f: PlacementKpiFigures; names: Map<string, string> }) {
  const { t } = useI18n();
  const rows = providerRows(f, names);
  if (!rows.length) return <p className="muted small" data-testid="pk-no-providers">{t('pk.noProviders')}</p>;
  return (
    <table className="grid totals-table kpi-partners" data-testid="pk-providers">
      <caption className="small">{t('pk.providers')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('pk.provider')}</th>
          <th scope="col" className="num">{t('pk.offers')}</th>
          <th scope="col" className="num">{t('pk.accepted')}</th>
          <th scope="col" className="num">{t('pk.declined')}</th>
          <th scope="col" className="num">{t('pk.expired')}</th>
          <th scope="col" className="num">{t('pk.placed')}</th>
          <th scope="col" className="num">{t('pk.acceptance')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.organization_id} data-provider={r.organization_id}>
            <th scope="row" title={r.organization_id}>{r.name}</th>
            <td className="num">{r.offers}</td>
            <td className="num">{r.accepted}</td>
            <td className="num">{r.declined}</td>
            <td className="num">{r.expired}</td>
            <td className="num">{r.placed}</td>
            <td className="num">{formatRate(r.acceptance_rate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

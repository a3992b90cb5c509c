import { useCallback, useEffect, useMemo, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { ApiError, kpis as kpiApi } from '../api';
import { FetchedAt } from '../components/CaseBits';
import { href } from '../router';
import { OUTCOMES, type User } from '../types';
import {
  KPI_GROUPINGS, KPI_PERIODS, bars, canReadKpis, csvFileName, formatDuration, formatRate, groupLabel, handoverTotals,
  kpiQuery, partnerRows, periodOf, share, toLocalInput, type KpiFigures, type KpiGrouping, type KpiPeriod, type Kpis,
} from '../lib/kpis';

/**
 * The worklist KPIs of the region (the Rotterdam list): a period (last 24 h, 7 days, 30 days or custom) and a
 * grouping; the total as a summary line, the groups as a dense table, bars of requests and of outcomes (inline
 * SVG), the partners' acceptance, and the same figures as a CSV download.
 */
export function Kpi({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { regionId, detail } = useRegionData();
  const now = useNow(5000);
  const [period, setPeriod] = useState<KpiPeriod>('7d');
  const [custom, setCustom] = useState(() => ({ from: toLocalInput(Date.now() - 7 * 86400_000), to: toLocalInput(Date.now()) }));
  const [by, setBy] = useState<KpiGrouping | ''>('day');
  const [data, setData] = useState<Kpis | null>(null);
  const [fetchedAt, setFetchedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The period ends when it was asked for (a press of a period or Refresh), not at every clock tick.
  const [askedAt, setAskedAt] = useState(() => Date.now());

  const subNames = useMemo(() => new Map((detail?.region.subregions ?? []).map((s) => [s.id, s.name])), [detail]);
  const orgNames = useMemo(() => new Map((detail?.organizations ?? []).map((o) => [o.id, o.name])), [detail]);
  const range = useMemo(() => periodOf(period, askedAt, custom), [period, askedAt, custom]);

  const load = useCallback(async () => {
    if (!range.ok) return;
    setBusy(true);
    try {
      const k = await kpiApi.get(kpiQuery(regionId, range.from, range.to, by));
      setData(k);
      setFetchedAt(Date.now());
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 403 ? t('kpi.noAccess') : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }, [regionId, range, by, t]);
  useEffect(() => { void load(); }, [load]);

  const download = async () => {
    if (!range.ok) return;
    try {
      const text = await kpiApi.csv(kpiQuery(regionId, range.from, range.to, by));
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = csvFileName(regionId, range.from, range.to, by);
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

  return (
    <section className="view kpi" aria-labelledby="kpi-title">
      <div className="view-head">
        <KpiParts current="cases" />
        <h1 id="kpi-title">{t('kpi.title')}</h1>
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
            <select id="kpi-by" value={by} onChange={(e) => setBy(e.target.value as KpiGrouping | '')}>
              <option value="">{t('kpi.by.none')}</option>
              {KPI_GROUPINGS.map((g) => <option key={g} value={g}>{t(`kpi.by.${g}`)}</option>)}
            </select>
          </label>
          <button type="submit" className="btn small" disabled={busy || !range.ok}>{t('kpi.refresh')}</button>
          <button type="button" className="btn small" onClick={download} disabled={!range.ok} data-testid="kpi-csv">{t('kpi.csv')}</button>
        </form>
        <FetchedAt at={fetchedAt} now={now} />
      </div>
      {!range.ok && <p className="field-error" role="alert">{[fieldErr('from'), fieldErr('to')].filter(Boolean).join(' ')}</p>}
      {error && <div className="banner error" role="alert">{t('loadError', { detail: error })} <button type="button" className="link-btn" onClick={load}>{t('retry')}</button></div>}
      {data && (
        <>
          <p className="muted small">{t('kpi.range', { from: new Date(data.from).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB'), to: new Date(data.to).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB') })}</p>
          <Summary f={data.total} />
          <div className="cards">
            {data.groups.length > 0 && (
              <div className="card chart-card">
                <h2 className="small">{t('kpi.chart.requests')}</h2>
                <BarChart items={data.groups.map((g) => ({ key: g.key, label: groupLabel(g.key, data.by, t, lang, subNames), value: g.requests, mark: g.action_needed }))}
                  markLabel={t('kpi.actionNeeded')} />
              </div>
            )}
            <div className="card chart-card">
              <h2 className="small">{t('kpi.chart.outcomes')}</h2>
              <BarChart items={OUTCOMES.map((o) => ({ key: o, label: t(`outcome.${o}`), value: data.total.outcomes[o] ?? 0 }))} />
            </div>
          </div>
          {data.groups.length > 0 && <GroupTable data={data} subNames={subNames} />}
          <PartnerTable f={data.total} names={orgNames} />
        </>
      )}
    </section>
  );
}

function Summary({ f }: { f: KpiFigures }) {
  const { t, lang } = useI18n();
  const h = handoverTotals(f);
  const items: [string, string, string?][] = [
    [t('kpi.requests'), String(f.requests)],
    [t('kpi.open'), String(f.open)],
    [t('kpi.closed'), String(f.closed)],
    [t('kpi.actionNeeded'), String(f.action_needed), share(f.action_needed, f.closed)],
    [t('kpi.triage'), `${formatDuration(f.time_to_triage.median_seconds, lang)} / ${formatDuration(f.time_to_triage.p90_seconds, lang)}`, t('kpi.medianP90')],
    [t('kpi.handover'), `${formatDuration(f.time_to_handover.median_seconds, lang)} / ${formatDuration(f.time_to_handover.p90_seconds, lang)}`, t('kpi.medianP90')],
    [t('kpi.acceptance'), formatRate(h.acceptance_rate), t('kpi.answeredOf', { answered: h.answered, requested: h.requested })],
    [t('kpi.pathway'), `${f.pathway.followed} / ${f.pathway.deviated} / ${f.pathway.none}`, t('kpi.pathwayParts')],
  ];
  return (
    <div className="summary" data-testid="kpi-summary">
      {items.map(([label, value, note]) => (
        <span key={label} className="summary-item">{label}: <b>{value}</b>{note && <span className="muted small"> ({note})</span>}</span>
      ))}
    </div>
  );
}

/** The switch at the top of the KPI pages: the worklist's care requests or the placement desk's placements. */
export function KpiParts({ current }: { current: 'cases' | 'placements' }) {
  const { t } = useI18n();
  return (
    <div className="range-pick kpi-parts" role="group" aria-label={t('kpi.part')} data-testid="kpi-parts">
      <a className={`btn small${current === 'cases' ? ' active' : ''}`} href={href({ name: 'kpi' })}
        aria-current={current === 'cases' ? 'page' : undefined} data-testid="kpi-part-cases">{t('kpi.part.cases')}</a>
      <a className={`btn small${current === 'placements' ? ' active' : ''}`} href={href({ name: 'kpi', part: 'placements' })}
        aria-current={current === 'placements' ? 'page' : undefined} data-testid="kpi-part-placements">{t('kpi.part.placements')}</a>
    </div>
  );
}

/** Horizontal bars as inline SVG; each bar also carries its number as text. `mark`: a second, darker part. */
export function BarChart({ items, markLabel, labelW = 110 }: {
  items: { key: string; label: string; value: number; mark?: number }[]; markLabel?: string; labelW?: number;
}) {
  const scaled = bars(items);
  const max = Math.max(0, ...items.map((i) => i.value));
  const row = 16;
  const barW = 220;
  return (
    <svg className="kpi-bars" width={labelW + barW + 50} height={items.length * row + 4} role="img"
      aria-label={items.map((i) => `${i.label}: ${i.value}`).join(', ')}>
      {scaled.map((b, i) => {
        const mark = items[i].mark ?? 0;
        return (
          <g key={b.key} transform={`translate(0, ${i * row + 2})`}>
            <text x={labelW - 6} y={11} textAnchor="end" fontSize="11">{b.label}</text>
            <rect x={labelW} y={2} width={Math.max(b.value > 0 ? 1 : 0, b.fraction * barW)} height={row - 5} fill="#7aa7d6" />
            {mark > 0 && max > 0 && <rect x={labelW} y={2} width={(mark / max) * barW} height={row - 5} fill="#1f5f99"><title>{`${markLabel}: ${mark}`}</title></rect>}
            <text x={labelW + b.fraction * barW + 4} y={11} fontSize="11">{b.value}</text>
          </g>
        );
      })}
    </svg>
  );
}

function GroupTable({ data, subNames }: { data: Kpis; subNames: Map<string, string> }) {
  const { t, lang } = useI18n();
  return (
    <table className="grid kpi-table" data-testid="kpi-groups">
      <thead>
        <tr>
          <th scope="col">{t(`kpi.by.${data.by ?? 'none'}`)}</th>
          <th scope="col" className="num">{t('kpi.requests')}</th>
          <th scope="col" className="num">{t('kpi.open')}</th>
          <th scope="col" className="num">{t('kpi.actionNeeded')}</th>
          {OUTCOMES.map((o) => <th key={o} scope="col" className="num">{t(`outcome.${o}`)}</th>)}
          <th scope="col" className="num grp">{t('kpi.triage')}<br /><span className="muted">{t('kpi.medianP90')}</span></th>
          <th scope="col" className="num">{t('kpi.handover')}<br /><span className="muted">{t('kpi.medianP90')}</span></th>
          <th scope="col" className="num grp">{t('kpi.acceptance')}</th>
          <th scope="col" className="num">{t('kpi.declined')}</th>
          <th scope="col" className="num">{t('kpi.escalated')}</th>
          <th scope="col" className="num grp">{t('kpi.pathway')}<br /><span className="muted">{t('kpi.pathwayParts')}</span></th>
        </tr>
      </thead>
      <tbody>
        {data.groups.map((g) => {
          const h = handoverTotals(g);
          return (
            <tr key={g.key}>
              <th scope="row">{groupLabel(g.key, data.by, t, lang, subNames)}</th>
              <td className="num">{g.requests}</td>
              <td className="num">{g.open}</td>
              <td className="num">{g.action_needed}</td>
              {OUTCOMES.map((o) => <td key={o} className="num">{g.outcomes[o] ?? 0}</td>)}
              <td className="num grp">{formatDuration(g.time_to_triage.median_seconds, lang)} / {formatDuration(g.time_to_triage.p90_seconds, lang)}</td>
              <td className="num">{formatDuration(g.time_to_handover.median_seconds, lang)} / {formatDuration(g.time_to_handover.p90_seconds, lang)}</td>
              <td className="num grp">{formatRate(h.acceptance_rate)}</td>
              <td className="num">{h.declined}</td>
              <td className="num">{h.escalated}</td>
              <td className="num grp">{g.pathway.followed} / {g.pathway.deviated} / {g.pathway.none}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function PartnerTable({ f, names }: { f: KpiFigures; names: Map<string, string> }) {
  const { t } = useI18n();
  const rows = partnerRows(f, names);
  if (!rows.length && !f.requests_without_partner) return null;
  return (
    <table className="grid totals-table kpi-partners" data-testid="kpi-partners">
      <caption className="small">{t('kpi.partners')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('kpi.partner')}</th>
          <th scope="col" className="num">{t('kpi.requestsBy')}</th>
          <th scope="col" className="num grp">{t('kpi.handovers')}</th>
          <th scope="col" className="num">{t('kpi.accepted')}</th>
          <th scope="col" className="num">{t('kpi.declined')}</th>
          <th scope="col" className="num">{t('kpi.escalated')}</th>
          <th scope="col" className="num">{t('kpi.acceptance')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <th scope="row" title={r.id}>{names.get(r.id) ?? r.id}</th>
            <td className="num">{r.requests}</td>
            <td className="num grp">{r.handovers?.requested ?? 0}</td>
            <td className="num">{r.handovers?.accepted ?? 0}</td>
            <td className="num">{r.handovers?.declined ?? 0}</td>
            <td className="num">{r.handovers?.escalated ?? 0}</td>
            <td className="num">{formatRate(r.handovers?.acceptance_rate)}</td>
          </tr>
        ))}
        {f.requests_without_partner > 0 && (
          <tr><th scope="row" className="muted">{t('kpi.withoutPartner')}</th><td className="num">{f.requests_without_partner}</td><td colSpan={5} /></tr>
        )}
      </tbody>
    </table>
  );
}

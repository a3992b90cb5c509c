import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { api } from '../api';
import { formatAge } from '../lib/age';
import { backtestLabel, rangeText } from '../lib/forecast';
import type { RegionForecast, UnitForecast } from '../types';

const REFRESH_MS = 60000;

/** The region's forecasts (ED outlook, units crossing their threshold), refetched every minute; null until loaded or when refused. */
export function useRegionForecast(regionId: string | null | undefined): RegionForecast | null {
  const [fc, setFc] = useState<RegionForecast | null>(null);
  useEffect(() => {
    if (!regionId) return undefined;
    let cancelled = false;
    const load = () => api.regionForecast(regionId)
      .then((f) => { if (!cancelled) setFc(f); })
      .catch(() => { if (!cancelled) setFc(null); });
    void load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => { cancelled = true; window.clearInterval(timer); };
  }, [regionId]);
  return fc;
}

/** The 2-hour ED outlook: per ED the expected arrivals in the next two hours with their 80% interval and backtest. */
export function EdOutlook({ fc, large = false }: { fc: RegionForecast | null; large?: boolean }) {
  const { t, lang } = useI18n();
  if (!fc || fc.ed_outlook.length === 0) return null;
  const eds = [...fc.ed_outlook].filter((f) => f.unit_type === 'seh')
    .sort((a, b) => a.organization_name.localeCompare(b.organization_name) || a.unit_name.localeCompare(b.unit_name));
  if (eds.length === 0) return null;
  return (
    <section className={`ed-outlook${large ? ' large' : ''}`} aria-labelledby="ed-outlook-title" data-testid="ed-outlook">
      <h2 id="ed-outlook-title">{t('fc.outlook')}</h2>
      <table className="grid dense">
        <thead>
          <tr>
            <th scope="col">{t('col.unit')}</th>
            <th scope="col" className="num">{t('fc.hour1')}</th>
            <th scope="col" className="num">{t('fc.hour2')}</th>
            {!large && <th scope="col">{t('fc.backtest')}</th>}
            <th scope="col" className="c-age">{t('col.age')}</th>
          </tr>
        </thead>
        <tbody>
          {eds.map((f) => <OutlookRow key={f.unit_id} f={f} large={large} lang={lang} />)}
        </tbody>
      </table>
      <p className="muted small">{t('fc.outlookHead')}</p>
    </section>
  );
}

function OutlookRow({ f, large, lang }: { f: UnitForecast; large: boolean; lang: 'nl' | 'en' }) {
  const cell = (h: number) => {
    const p = f.points.find((x) => x.horizon === h);
    return p ? <><b>{Math.round(p.mean)}</b> <span className="muted small">({rangeText(p.p10, p.p90)})</span></> : '—';
  };
  return (
    <tr data-unit={f.unit_id}>
      <td>{f.organization_name}{f.unit_name ? ` · ${f.unit_name}` : ''}</td>
      <td className="num">{cell(1)}</td>
      <td className="num">{cell(2)}</td>
      {!large && <td className="small muted">{backtestLabel(f.backtest, lang) ?? '—'}</td>}
      <td className="c-age">{formatAge(f.data_age_seconds, lang)}</td>
    </tr>
  );
}

/** The flag on a unit expected to cross its threshold: colour plus text. */
export function CrossFlag({ f }: { f: UnitForecast | undefined }) {
  const { t, lang } = useI18n();
  if (!f || !f.crosses_threshold) return null;
  const date = f.crosses_on ? new Date(`${f.crosses_on}T12:00:00`).toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'short' }) : '';
  return <span className="badge badge-crossing" title={t('fc.flagTitle', { date })} data-testid="cross-flag">{t('fc.flag')} · {date}</span>;
}

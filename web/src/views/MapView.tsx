import { useMemo, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { applyFilters, sortUnits, type Filters } from '../lib/filters';
import { groupByLocation, locationStatus, STATUS_COLOURS, type MarkerStatus } from '../lib/status';
import { isStale } from '../lib/age';
import { ensureMap } from '../lib/echarts';
import { Chart } from '../components/Chart';
import { FilterBar } from '../components/FilterBar';
import { AgeCell, EdBadge, LegendItem, typeLabel } from '../components/Status';
import { href } from '../router';
import { buildPlaces } from '../lib/places';

const STATUSES: MarkerStatus[] = ['ok', 'threatened', 'closed', 'stale'];

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

export function MapView({ filters, setFilters, embedded }: { filters: Filters; setFilters?: (f: Filters) => void; embedded?: boolean }) {
  const { t } = useI18n();
  const { rows, detail } = useRegionData();
  const now = useNow(15000);
  const [selected, setSelected] = useState<string | null>(null);
  ensureMap();

  const filtered = useMemo(() => applyFilters(rows, filters, now), [rows, filters, now]);
  const groups = useMemo(() => groupByLocation(filtered).map((g) => ({
    ...g, status: locationStatus(g.units, (u) => isStale(u, now)),
  })), [filtered, now]);

  // Frame the region: the bounding box of all its locations (not only the filtered ones), with a margin.
  const bbox = useMemo(() => {
    const pts = (detail?.locations ?? []).map((l) => [l.lon, l.lat]).concat(rows.filter((r) => r.location).map((r) => [r.location!.lon, r.location!.lat]));
    if (pts.length === 0) return [[3.2, 52.2], [5.2, 51.2]];
    const lons = pts.map((p) => p[0]), lats = pts.map((p) => p[1]);
    return [[Math.min(...lons) - 0.25, Math.max(...lats) + 0.15], [Math.max(...lons) + 0.25, Math.min(...lats) - 0.15]];
  }, [detail, rows]);

  // Orientation labels: the towns that have a hospital.
  const towns = useMemo(() => {
    const hospitals = new Set((detail?.organizations ?? []).filter((o) => o.type === 'hospital').map((o) => o.id));
    return buildPlaces((detail?.locations ?? []).filter((l) => hospitals.has(l.organization_id)), detail?.organizations ?? []).cities;
  }, [detail]);

  const option = useMemo(() => ({
    animation: false,
    tooltip: {
      trigger: 'item', confine: true,
      formatter: (p: { data?: { key: string } }) => {
        const g = groups.find((x) => x.key === p.data?.key);
        if (!g) return '';
        const orgs = [...new Set(g.units.map((u) => u.organization_name))].map(esc).join(', ');
        const lines = g.units.slice().sort(sortUnits).slice(0, 12).map((u) => {
          const st = isStale(u, now) ? ` <i>(${esc(t('stale'))})</i>` : '';
          const ed = u.ed ? ` ${esc(t(`ed.${u.ed.status}`))}` : '';
          const free = u.beds ? ` ${u.beds.available} ${esc(t('map.free'))}` : '';
          return `${esc(typeLabel(t, u.type))}${u.specialism ? ' ' + esc(u.specialism) : ''}:${ed}${free}${st}`;
        });
        return `<b>${orgs}</b><br/><span style="color:${STATUS_COLOURS[g.status]}">■</span> ${esc(t(`status.${g.status}`))}<br/>${lines.join('<br/>')}`;
      },
    },
    geo: {
      map: 'NL', roam: true, aspectScale: Math.cos((51.8 * Math.PI) / 180), boundingCoords: bbox, silent: true,
      itemStyle: embedded ? { areaColor: '#1d3148', borderColor: '#4d6680', borderWidth: 1 } : { areaColor: '#ffffff', borderColor: '#6f7d8b', borderWidth: 1 },
      regions: ['België', 'Duitsland'].map((name) => ({
        name, itemStyle: embedded ? { areaColor: '#142233', borderColor: '#2c4056' } : { areaColor: '#e9ecef', borderColor: '#b4bcc5' },
      })),
      label: { show: false },
    },
    series: [{
      type: 'scatter', coordinateSystem: 'geo', silent: true, z: 1, symbolSize: 0, tooltip: { show: false },
      label: { show: true, formatter: '{b}', position: 'right', distance: 7, fontSize: embedded ? 13 : 11,
        color: embedded ? '#8ea4ba' : '#4b5866', textBorderColor: embedded ? '#0b1622' : '#fff', textBorderWidth: 2 },
      data: towns.map((c) => ({ name: c.label, value: [c.lon, c.lat] })),
    }, ...STATUSES.map((s) => ({
      type: 'scatter', coordinateSystem: 'geo', name: t(`status.${s}`),
      z: s === 'stale' ? 2 : 3,
      itemStyle: { color: STATUS_COLOURS[s], borderColor: embedded ? '#0b1622' : '#fff', borderWidth: 1.2, opacity: s === 'stale' ? 0.8 : 0.95 },
      symbol: s === 'stale' ? 'diamond' : 'circle',
      symbolSize: (v: number[]) => (s === 'stale' ? 11 : 9) + Math.min(10, Math.sqrt(v[2] ?? 0) * 1.6),
      emphasis: { scale: 1.4 },
      data: groups.filter((g) => g.status === s).map((g) => ({
        key: g.key, name: g.units[0].organization_name,
        value: [g.lon, g.lat, g.units.reduce((a, u) => a + (u.beds?.available ?? 0), 0)],
      })),
    }))],
  }), [groups, bbox, t, now, embedded, towns]);

  const sel = groups.find((g) => g.key === selected);

  const chart = (
    <Chart className={embedded ? 'map map-wall' : 'map'} option={option} ariaLabel={t('map.title')}
      onClick={(p) => { const d = p.data as { key?: string } | undefined; if (d?.key) setSelected(d.key); }} />
  );
  if (embedded) return chart;

  return (
    <section className="view mapview" aria-labelledby="map-title">
      <div className="view-head">
        <h1 id="map-title">{t('map.title')}</h1>
        {setFilters && <FilterBar filters={filters} setFilters={setFilters} compact />}
      </div>
      <div className="map-layout">
        {chart}
        <aside className="map-side">
          <h2>{t('map.legend')}</h2>
          <ul className="legend" data-testid="map-legend">
            {STATUSES.map((s) => <LegendItem key={s} status={s} />)}
          </ul>
          <p className="muted small">{t('map.locations', { n: groups.length })} · {t('map.clickHint')}</p>
          {sel && (
            <div className="map-sel">
              <h2>{t('map.selected')}</h2>
              <table className="grid">
                <tbody>
                  {sel.units.slice().sort(sortUnits).map((u) => (
                    <tr key={u.unit_id} className={isStale(u, now) ? 'is-stale' : ''}>
                      <td><a href={href({ name: 'unit', id: u.unit_id })}>{u.organization_name} · {u.name}</a></td>
                      <td>{u.ed ? <EdBadge status={u.ed.status} /> : u.beds ? <span className="free">{u.beds.available}</span> : null}</td>
                      <td className="c-age"><AgeCell row={u} now={now} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </aside>
      </div>
    </section>
  );
}

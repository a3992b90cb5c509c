import type { ForecastBacktest, UnitForecast } from '../types';
import type { Lang } from './age';

/** A number with a decimal comma in Dutch, a point in English. */
function decimal(v: number, digits: number, lang: Lang): string {
  const s = v.toFixed(digits);
  return lang === 'nl' ? s.replace('.', ',') : s;
}

/**
 * The backtest beside a forecast: "MASE 0,72 · dekking 81%" (nl) / "MASE 0.72 · coverage 81%" (en);
 * null when nothing could be scored (too little history).
 */
export function backtestLabel(b: ForecastBacktest | null | undefined, lang: Lang): string | null {
  if (!b || b.forecasts <= 0) return null;
  const cover = Math.round(b.coverage * 100);
  return `MASE ${decimal(b.mase, 2, lang)} · ${lang === 'nl' ? 'dekking' : 'coverage'} ${cover}%`;
}

/** An interval as whole numbers: "4–9" (counts and beds are whole; the band is rounded outwards). */
export function rangeText(p10: number, p90: number): string {
  const lo = Math.max(0, Math.floor(p10));
  const hi = Math.max(lo, Math.ceil(p90));
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
}

/** The forecast's time of a point in ms: an hour's start, or local noon of a forecast day (to plot on a time axis). */
export function targetMs(f: UnitForecast, target: string): number {
  if (f.horizon_unit === 'day') {
    const [y, m, d] = target.split('-').map(Number);
    return new Date(y, m - 1, d, 12).getTime();
  }
  return Date.parse(target);
}

/**
 * ECharts series for an 80% band and its mean: an invisible lower line, the band stacked on it, the mean dashed.
 * `names` label the band and the mean in the legend.
 */
export function bandSeries(f: UnitForecast | null | undefined, names: { band: string; mean: string }, color: string): object[] {
  if (!f || f.points.length === 0) return [];
  const pts = f.points.map((p) => ({ t: targetMs(f, p.target), lo: p.p10, hi: p.p90, mean: p.mean }));
  const stack = `band-${f.unit_id}`;
  return [
    { name: names.band, type: 'line', stack, data: pts.map((p) => [p.t, p.lo]), lineStyle: { opacity: 0 }, symbol: 'none',
      color, areaStyle: { opacity: 0 }, tooltip: { show: false }, legendHoverLink: false },
    { name: names.band, type: 'line', stack, data: pts.map((p) => [p.t, Math.max(0, p.hi - p.lo)]), lineStyle: { opacity: 0 },
      symbol: 'none', color, areaStyle: { opacity: 0.22, color } },
    { name: names.mean, type: 'line', data: pts.map((p) => [p.t, p.mean]), color, lineStyle: { type: 'dashed', width: 1.5 },
      showSymbol: pts.length < 10, symbolSize: 4 },
  ];
}

/** The last time a forecast reaches, in ms (to widen a chart's time axis); null without points. */
export function forecastEndMs(f: UnitForecast | null | undefined): number | null {
  if (!f || f.points.length === 0) return null;
  return targetMs(f, f.points[f.points.length - 1].target) + (f.horizon_unit === 'hour' ? 3600000 : 12 * 3600000);
}

/** Units expected to cross their threshold, by unit id. */
export function crossingIds(list: UnitForecast[] | null | undefined): Set<string> {
  return new Set((list ?? []).filter((f) => f.crosses_threshold).map((f) => f.unit_id));
}

/**
 * Every forecast of a unit's answer (an SEH has its ED arrivals and its beds' occupancy), in the server's order;
 * an answer without `forecasts` (an older server) is its own one forecast.
 */
export function allForecasts(f: UnitForecast | null | undefined): UnitForecast[] {
  if (!f) return [];
  return f.forecasts && f.forecasts.length > 0 ? f.forecasts : [f];
}

/** The unit's forecast of one kind, or null when it has none. */
export function forecastOf(f: UnitForecast | null | undefined, kind: UnitForecast['kind']): UnitForecast | null {
  return allForecasts(f).find((x) => x.kind === kind) ?? null;
}

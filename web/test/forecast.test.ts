import { describe, expect, it } from 'vitest';
import { allForecasts, backtestLabel, bandSeries, crossingIds, forecastEndMs, forecastOf, rangeText, targetMs } from '../src/lib/forecast';
import type { UnitForecast } from '../src/types';

function forecast(over: Partial<UnitForecast> = {}): UnitForecast {
  return {
    unit_id: 'u1', unit_type: 'seh', organization_name: 'Ziekenhuis', unit_name: 'SEH', kind: 'ed-arrivals', horizon_unit: 'hour',
    origin: '2026-12-06T09:00:00Z', data_as_of: '2026-12-06T10:00:05Z', data_age_seconds: 30, history: 500, interval: 0.8,
    points: [
      { horizon: 1, target: '2026-12-06T10:00:00Z', mean: 5.4, p10: 2.2, p90: 8.6 },
      { horizon: 2, target: '2026-12-06T11:00:00Z', mean: 6.1, p10: 3, p90: 9.1 },
    ],
    backtest: { mase: 0.7249, coverage: 0.8123, forecasts: 672, origins: 336 },
    ...over,
  };
}

describe('backtestLabel', () => {
  it('writes MASE and coverage in the language', () => {
    expect(backtestLabel(forecast().backtest, 'nl')).toBe('MASE 0,72 · dekking 81%');
    expect(backtestLabel(forecast().backtest, 'en')).toBe('MASE 0.72 · coverage 81%');
  });
  it('says nothing without scored forecasts', () => {
    expect(backtestLabel({ mase: 0, coverage: 0, forecasts: 0, origins: 0 }, 'nl')).toBeNull();
    expect(backtestLabel(null, 'en')).toBeNull();
  });
});

describe('rangeText', () => {
  it('rounds the band outwards to whole numbers', () => {
    expect(rangeText(2.2, 8.6)).toBe('2–9');
    expect(rangeText(-0.4, 0.2)).toBe('0–1');
    expect(rangeText(3, 3)).toBe('3');
  });
});

describe('bandSeries', () => {
  it('stacks the band width on the lower line and dashes the mean', () => {
    const s = bandSeries(forecast(), { band: '80%', mean: 'verwacht' }, '#c77700') as { data: [number, number][]; stack?: string }[];
    expect(s).toHaveLength(3);
    expect(s[0].data[0]).toEqual([Date.parse('2026-12-06T10:00:00Z'), 2.2]);
    expect(s[1].data[1][1]).toBeCloseTo(6.1);
    expect(s[0].stack).toBe(s[1].stack);
    expect(s[2].data.map((d) => d[1])).toEqual([5.4, 6.1]);
  });
  it('is empty without a forecast', () => {
    expect(bandSeries(null, { band: 'b', mean: 'm' }, '#000')).toEqual([]);
    expect(bandSeries(forecast({ points: [] }), { band: 'b', mean: 'm' }, '#000')).toEqual([]);
  });
});

describe('days and crossings', () => {
  const beds = forecast({ kind: 'occupancy', horizon_unit: 'day', unit_id: 'w1', crosses_threshold: true,
    points: [{ horizon: 1, target: '2026-12-07', mean: 20, p10: 18, p90: 22 }] });
  it('plots a day at local noon and ends the axis after it', () => {
    expect(targetMs(beds, '2026-12-07')).toBe(new Date(2026, 11, 7, 12).getTime());
    expect(forecastEndMs(beds)).toBe(new Date(2026, 11, 8, 0).getTime());
    expect(forecastEndMs(forecast())).toBe(Date.parse('2026-12-06T12:00:00Z'));
  });
  it('collects the units that cross', () => {
    expect([...crossingIds([beds, forecast(), { ...beds, unit_id: 'w2', crosses_threshold: false }])]).toEqual(['w1']);
  });
});

describe('allForecasts and forecastOf', () => {
  const beds = forecast({ kind: 'occupancy', horizon_unit: 'day', points: [{ horizon: 1, target: '2026-12-07', mean: 21, p10: 19, p90: 23 }] });
  it('an SEH answer lists its arrivals and its beds; each kind is found', () => {
    const ed = forecast();
    const seh = { ...ed, forecasts: [ed, beds] };
    expect(allForecasts(seh).map((f) => f.kind)).toEqual(['ed-arrivals', 'occupancy']);
    expect(forecastOf(seh, 'occupancy')?.points[0].mean).toBe(21);
    expect(forecastOf(seh, 'ed-arrivals')?.points).toHaveLength(2);
  });
  it('an answer without the list is its own one forecast; a missing kind is null', () => {
    expect(allForecasts(beds)).toEqual([beds]);
    expect(forecastOf(beds, 'ed-arrivals')).toBeNull();
    expect(forecastOf(null, 'occupancy')).toBeNull();
    expect(allForecasts(undefined)).toEqual([]);
  });
});

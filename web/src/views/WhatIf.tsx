import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { ApiError, simulations } from '../api';
import { StaleBadge } from '../components/Status';
import { FieldError, fieldId, formKeys } from '../components/Fields';
import { ageSeconds, formatAge, formatDateTime } from '../lib/age';
import {
  HORIZONS, MEASURES, NO_STATION_FILTER, PATHWAY_KEYS, URGENCIES, changedRoutes, arrivalChanged, compareByUrgency, mixUrgencies, urgencySharePct, canSimulate, stationShown, stationsWithDifference, changedStations, checkEdits, compare, comparisonCsv, formatMeasure,
  initialEdits, mapSimErrors, pairNames, partnerOf, progress, runComparison, runPair, simCsvFileName, stopComparison,
  type ComparisonRow, type Edits, type Horizon, type Measure, type PairState, type RegionScenario,
  type SimRun, type StationFilter, type StationKind, type VariantArrivalOrigin,
} from '../lib/simulation';
import type { User } from '../types';

const HOURS = Array.from({ length: 24 }, (_, h) => h);
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/**
 * What-if ("Wat-als"): the region's current state as the baseline scenario ("Huidige situatie, vanaf nu"), an
 * editor for a variant (servers, a night closure, service time, demand, a share of a stream sent elsewhere,
 * routing, horizon, replications, start from now or empty), "Doorrekenen" runs both with a progress bar each, and
 * the results side by side with their 95% intervals as a table and small bar charts, downloadable as CSV. The
 * region's recent runs are listed and can be opened.
 */
export function WhatIf({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { regionId } = useRegionData();
  const now = useNow(5000);
  const [base, setBase] = useState<RegionScenario | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const [edits, setEdits] = useState<Edits | null>(null);
  const [tried, setTried] = useState(false);
  const [server, setServer] = useState<{ fields: Record<string, string>; general: string[] }>({ fields: {}, general: [] });
  const [pair, setPair] = useState<PairState | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [recent, setRecent] = useState<SimRun[]>([]);
  const [filter, setFilter] = useState<StationFilter>(NO_STATION_FILTER);
  const [shown, setShown] = useState<{ baseline: SimRun | null; variant: SimRun | null } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const abort = useRef<AbortController | null>(null);
  const following = useRef<Promise<PairState> | null>(null);

  const loadRecent = useCallback(async () => {
    try { setRecent((await simulations.list(regionId)).items); } catch { /* the list is an extra; the editor works without */ }
  }, [regionId]);

  const load = useCallback(async () => {
    try {
      const s = await simulations.scenario(regionId);
      setBase(s);
      setEdits((e) => e ?? initialEdits(s.scenario, '', s.stations));
      setLoadError(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) setRefused(true);
      else setLoadError((e as Error).message);
    }
  }, [regionId]);
  useEffect(() => {
    if (!canSimulate(user.role)) return;
    void load();
    void loadRecent();
  }, [load, loadRecent, user.role]);
  useEffect(() => () => abort.current?.abort(), []);

  const own = useMemo(() => (base && edits ? checkEdits(base.scenario, edits) : []), [base, edits]);
  const changed = useMemo(() => (base && edits ? changedStations(base.scenario, edits) : []), [base, edits]);

  if (!canSimulate(user.role) || refused) return <section className="view"><p className="empty" role="alert" data-testid="sim-refused">{t('sim.noAccess')}</p></section>;

  const message = (f: string): string | undefined => {
    const o = tried ? own.find((e) => e.field === f) : undefined;
    if (o) return t(o.key, o.params);
    return server.fields[f];
  };

  const run = async () => {
    if (!base || !edits) return;
    setTried(true);
    if (own.length) {
      const first = own[0].field;
      setTimeout(() => formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(fieldId(first))}`)?.focus(), 0);
      return;
    }
    const p = runPair(base.scenario, edits);
    const names = pairNames(edits.name || t('sim.defaultName', { time: formatDateTime(new Date(now).toISOString(), lang) }));
    const common = { region_id: regionId, replications: Number(edits.replications), seed: 1 };
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setServer({ fields: {}, general: [] });
    setRunError(null);
    setRunning(true);
    setPair(null);
    setShown(null);
    try {
      following.current = runComparison(simulations, {
        baseline: { ...common, name: names.baseline, scenario: p.baseline },
        variant: { ...common, name: names.variant, scenario: p.variant },
      }, (s) => { if (!ctl.signal.aborted) setPair(s); }, { signal: ctl.signal });
      const done = await following.current;
      if (!ctl.signal.aborted) setShown({ baseline: done.baseline, variant: done.variant });
    } catch (e) {
      if (ctl.signal.aborted) return;
      showRefusal(e, p.origin);
    } finally {
      if (!ctl.signal.aborted) { setRunning(false); void loadRecent(); }
    }
  };

  // Stops following the pair and stops its unfinished runs on the server: first the runner ends (a start under way
  // completes, so no run is left behind unseen), then whatever it started is stopped.
  const stop = async () => {
    const pending = following.current;
    abort.current?.abort();
    setRunning(false);
    let current = pair;
    if (pending) {
      try { current = await pending; } catch { /* a start was refused: what was started is in `pair` */ }
    }
    if (!current) return;
    try {
      setPair(await stopComparison(simulations, current));
    } catch (e) {
      setRunError(t('sim.runError', { detail: (e as Error).message }));
    } finally {
      void loadRecent();
    }
  };

  const showRefusal = (e: unknown, origin: VariantArrivalOrigin[]) => {
    const side = (e as { side?: string }).side;
    if (e instanceof ApiError) {
      if (e.status === 503) { setRunError(t('sim.busy', { s: e.retryAfterS ?? '?' })); return; }
      if (e.status === 403) { setRunError(t('sim.noAccess')); return; }
      if (e.problem?.errors?.length) {
        // The variant's errors go next to its fields; the baseline is the server's own scenario.
        const mapped = side === 'variant' ? mapSimErrors(e.problem.errors, origin) : mapSimErrors([], origin);
        if (side !== 'variant') mapped.general.push(...e.problem.errors.map((x) => `${x.field}: ${x.message}`));
        setServer(mapped);
        setRunError(t(side === 'variant' ? 'sim.variantRefused' : 'sim.baselineRefused', { detail: e.problem.detail ?? e.message }));
        const first = Object.keys(mapped.fields)[0];
        if (first) setTimeout(() => formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(fieldId(first))}, [data-row="${first}"] input`)?.focus(), 0);
        return;
      }
    }
    setRunError(t('sim.runError', { detail: (e as Error).message }));
  };

  const open = async (r: SimRun) => {
    setRunError(null);
    try {
      const partner = partnerOf(r, recent);
      const [a, b] = await Promise.all([
        simulations.get(partner ? partner.baseline.id : r.id),
        partner ? simulations.get(partner.variant.id) : Promise.resolve(null),
      ]);
      setPair(null);
      setShown(partner ? { baseline: a, variant: b } : { baseline: a, variant: null });
      setTimeout(() => document.getElementById('sim-results')?.scrollIntoView({ block: 'start' }), 0);
    } catch (e) {
      setRunError(t('sim.runError', { detail: (e as Error).message }));
    }
  };

  const set = (f: (e: Edits) => Edits) => setEdits((e) => (e ? f(e) : e));
  const age = base ? ageSeconds(base.as_of, now) : null;
  const staleCount = base ? base.stations.filter((s) => s.stale).length : 0;

  return (
    <section className="view whatif" aria-labelledby="sim-title">
      <div className="view-head">
        <h1 id="sim-title">{t('sim.title')}</h1>
      </div>
      {loadError && <div className="banner error" role="alert">{t('loadError', { detail: loadError })} <button type="button" className="link-btn" onClick={load}>{t('retry')}</button></div>}
      {!base && !loadError && <p className="muted">{t('loading')}</p>}
      {base && edits && (
        <>
          <div className="card sim-baseline" data-testid="sim-baseline">
            <h2 className="small">{t('sim.baseline')}</h2>
            <p className="small">
              <span data-testid="sim-age">{t('sim.dataAge', { age: formatAge(age, lang) })}</span>
              {' · '}{t('sim.asOf', { time: formatDateTime(base.as_of, lang) })}
              {staleCount > 0 && <> · <span className="stale-text" data-testid="sim-stale-count">{t('sim.staleCount', { n: staleCount })}</span></>}
            </p>
            {base.notes.length > 0 && <ul className="small sim-notes" data-testid="sim-notes">{base.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
          </div>
          <form ref={formRef} className="sim-editor" noValidate onSubmit={(e) => { e.preventDefault(); void run(); }} onKeyDown={(e) => formKeys(formRef.current)(e)}
            aria-labelledby="sim-editor-title">
            <h2 id="sim-editor-title" className="small">{t('sim.variant')}</h2>
            {server.general.length > 0 && <ul className="field-error" role="alert">{server.general.map((g) => <li key={g}>{g}</li>)}</ul>}
            <StationFilterBar filter={filter} setFilter={setFilter} base={base} changed={changed} message={message} />
            <StationTable base={base} edits={edits} set={set} message={message} changed={changed} filter={filter} />
            <ArrivalTable base={base} edits={edits} set={set} message={message} changed={changed} filter={filter} />
            {edits.pathways.from && <PathwayRoutes base={base} edits={edits} set={set} message={message} />}
            <div className="filters sim-settings">
              <label>
                <span>{t('sim.horizon')}</span>
                <select id={fieldId('horizon')} value={edits.horizon} onChange={(e) => set((x) => ({ ...x, horizon: Number(e.target.value) as Horizon }))}>
                  {HORIZONS.map((h) => <option key={h} value={h}>{t('sim.hours', { n: h })}</option>)}
                </select>
                <FieldError name="horizon" error={message('horizon')} />
              </label>
              <label>
                <span>{t('sim.replications')}</span>
                <input id={fieldId('replications')} type="number" min={1} max={100} inputMode="numeric" className="num-input" value={edits.replications}
                  aria-invalid={message('replications') ? true : undefined} aria-describedby={message('replications') ? `${fieldId('replications')}-err` : undefined}
                  onChange={(e) => set((x) => ({ ...x, replications: e.target.value }))} />
                <FieldError name="replications" error={message('replications')} />
              </label>
              <fieldset className="inline-radios">
                <legend>{t('sim.start')}</legend>
                {(['now', 'empty'] as const).map((m) => (
                  <label key={m}>
                    <input type="radio" name="sim-start" value={m} checked={edits.start === m} onChange={() => set((x) => ({ ...x, start: m }))} />
                    {t(`sim.start.${m}`)}
                  </label>
                ))}
              </fieldset>
              <label>
                <span>{t('sim.name')}</span>
                <input id={fieldId('name')} type="text" maxLength={80} value={edits.name} placeholder={t('sim.namePlaceholder')}
                  onChange={(e) => set((x) => ({ ...x, name: e.target.value }))} />
                <FieldError name="name" error={message('name')} />
              </label>
              <button type="submit" className="btn primary" disabled={running} data-testid="sim-run" aria-keyshortcuts="Control+Enter">{t('sim.run')}</button>
              <button type="button" className="btn small" disabled={running}
                onClick={() => { setEdits(initialEdits(base.scenario, edits.name, base.stations)); setServer({ fields: {}, general: [] }); setTried(false); }}>{t('sim.reset')}</button>
            </div>
            <p className="muted small">{t('sim.startHelp')}</p>
          </form>
        </>
      )}
      {runError && <div className="banner error" role="alert" data-testid="sim-error">{runError}</div>}
      {pair?.busy && <p className="muted small" role="status">{t('sim.busy', { s: pair.busy.retryInS })}</p>}
      {pair && (pair.baseline || pair.variant) && (
        <div className="sim-progress" data-testid="sim-progress">
          <Progress label={t('sim.baselineShort')} run={pair.baseline} testid="sim-progress-baseline" />
          {(running || pair.variant) && <Progress label={t('sim.variantShort')} run={pair.variant} testid="sim-progress-variant" />}
          {running && (
            <button type="button" className="btn small" onClick={() => void stop()} data-testid="sim-cancel" title={t('sim.cancelHelp')}>
              {t('sim.cancel')}
            </button>
          )}
        </div>
      )}
      {shown && <Results baseline={shown.baseline} variant={shown.variant} regionId={regionId} />}
      <RecentRuns runs={recent} onOpen={open} onRefresh={loadRecent} />
    </section>
  );
}

type Setter = (f: (e: Edits) => Edits) => void;

const STATION_FIELDS = ['', '.servers', '.mean', '.onward'];
const stationWrong = (i: number, message: (f: string) => string | undefined) => STATION_FIELDS.some((f) => !!message(`station.${i}${f}`));
const ARRIVAL_FIELDS = ['', '.demand', '.divert', '.divertTo', ...URGENCIES.map((u) => `.urgency.${u}`)];
const arrivalWrong = (i: number, message: (f: string) => string | undefined) => ARRIVAL_FIELDS.some((f) => !!message(`arrival.${i}${f}`));

/** Which station rows the filter shows, by index. */
function shownStations(base: RegionScenario, f: StationFilter, changed: boolean[], message: (f: string) => string | undefined): boolean[] {
  const kind = new Map(base.stations.map((s) => [s.name, s.kind]));
  return base.scenario.stations.map((s, i) => stationShown(s.name, kind.get(s.name), f, changed[i], stationWrong(i, message)));
}

function StationFilterBar({ filter, setFilter, base, changed, message }: {
  filter: StationFilter; setFilter: (f: StationFilter) => void; base: RegionScenario; changed: boolean[];
  message: (f: string) => string | undefined;
}) {
  const { t } = useI18n();
  const shown = shownStations(base, filter, changed, message).filter(Boolean).length;
  return (
    <div className="filters sim-filter" role="search">
      <label>
        <span>{t('sim.filter')}</span>
        <input id="sim-filter" type="search" value={filter.q} onChange={(e) => setFilter({ ...filter, q: e.target.value })}
          onKeyDown={(e) => { if (e.key === 'Escape') setFilter({ ...filter, q: '' }); }} />
      </label>
      <label>
        <span>{t('sim.kindFilter')}</span>
        <select value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value as StationKind | '' })}>
          <option value="">{t('sim.kind.all')}</option>
          {(['ed', 'hap', 'ambulance', 'beds', 'zcc'] as const).map((k) => <option key={k} value={k}>{t(`sim.kind.${k}`)}</option>)}
        </select>
      </label>
      <label className="inline">
        <input type="checkbox" checked={filter.changedOnly} onChange={(e) => setFilter({ ...filter, changedOnly: e.target.checked })} />
        {t('sim.onlyChanged')}
      </label>
      <span className="muted small" data-testid="sim-shown">{t('sim.shown', { shown, total: base.scenario.stations.length })}</span>
    </div>
  );
}

function StationTable({ base, edits, set, message, changed, filter }: {
  base: RegionScenario; edits: Edits; set: Setter; message: (f: string) => string | undefined; changed: boolean[]; filter: StationFilter;
}) {
  const visible = shownStations(base, filter, changed, message);
  const { t } = useI18n();
  const info = new Map(base.stations.map((s) => [s.name, s]));
  const upd = (i: number, patch: Partial<Edits['stations'][number]>) =>
    set((e) => ({ ...e, stations: e.stations.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  return (
    <table className="grid sim-stations" data-testid="sim-stations">
      <caption className="small">{t('sim.stations')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('sim.station')}</th>
          <th scope="col">{t('sim.kind')}</th>
          <th scope="col" className="num">{t('sim.now')}</th>
          <th scope="col" className="num">{t('sim.servers')}</th>
          <th scope="col">{t('sim.closeNight')}</th>
          <th scope="col" className="num grp">{t('sim.meanNow')}</th>
          <th scope="col" className="num">{t('sim.mean')}</th>
          <th scope="col" className="num grp">{t('sim.initial')}</th>
          <th scope="col" className="num grp">{t('sim.routing')}</th>
        </tr>
      </thead>
      <tbody>
        {base.scenario.stations.map((s, i) => {
          if (!visible[i]) return null;
          const ed = edits.stations[i];
          const meta = info.get(s.name);
          const f = (m: string) => `station.${i}.${m}`;
          const rowErr = message(`station.${i}`);
          const aria = (name: string) => ({
            id: fieldId(name), 'aria-invalid': message(name) ? true : undefined,
            'aria-describedby': message(name) ? `${fieldId(name)}-err` : undefined,
          });
          return (
            <tr key={s.name} className={`${meta?.stale ? 'is-stale' : ''}${changed[i] ? ' is-changed' : ''}`} data-row={`station.${i}`} data-station={s.name}>
              <th scope="row">
                {s.name} {meta?.stale && <StaleBadge />}
                {changed[i] && <span className="badge sim-changed">{t('sim.changed')}</span>}
                <FieldError name={`station.${i}`} error={rowErr} />
              </th>
              <td>{meta ? t(`sim.kind.${meta.kind}`) : '—'}</td>
              <td className="num">{s.servers ?? `${Math.max(...(s.servers_by_hour ?? [0]))} (${t('sim.schedule')})`}</td>
              <td className="num">
                <input {...aria(f('servers'))} type="number" min={0} inputMode="numeric" className="num-input" value={ed.servers}
                  aria-label={t('sim.serversOf', { name: s.name })} onChange={(e) => upd(i, { servers: e.target.value })} />
                <FieldError name={f('servers')} error={message(f('servers'))} />
              </td>
              <td>
                <label className="inline">
                  <input type="checkbox" id={fieldId(f('close'))} checked={ed.closeNight} onChange={(e) => upd(i, { closeNight: e.target.checked })}
                    data-testid={`sim-close-${i}`} />
                  {t('sim.closed')}
                </label>
                {ed.closeNight && (
                  <>
                    {' '}
                    <select aria-label={t('sim.closeFromOf', { name: s.name })} value={ed.closeFrom} onChange={(e) => upd(i, { closeFrom: Number(e.target.value) })}>
                      {HOURS.map((h) => <option key={h} value={h}>{hh(h)}</option>)}
                    </select>
                    {'–'}
                    <select aria-label={t('sim.closeToOf', { name: s.name })} value={ed.closeTo} onChange={(e) => upd(i, { closeTo: Number(e.target.value) })}>
                      {HOURS.map((h) => <option key={h} value={h}>{hh(h)}</option>)}
                    </select>
                  </>
                )}
              </td>
              <td className="num grp">{s.service.mean_minutes} min</td>
              <td className="num">
                <input {...aria(f('mean'))} type="number" min={0} step="any" inputMode="decimal" className="num-input" value={ed.mean}
                  aria-label={t('sim.meanOf', { name: s.name })} onChange={(e) => upd(i, { mean: e.target.value })} />
                <FieldError name={f('mean')} error={message(f('mean'))} />
              </td>
              <td className="num grp">{s.initial_in_service ?? '—'} / {s.initial_waiting ?? '—'}</td>
              <td className="num grp" title={[t('sim.destinations', { n: (s.next ?? []).length }), ...(s.next ?? []).map((r) => `${r.station}: ${Math.round(r.probability * 1000) / 10}%`)].join('\n')}>
                {(s.next ?? []).length === 0 ? <span className="muted">—</span> : (
                  <>
                    <input {...aria(f('onward'))} type="number" min={0} max={100} step="any" inputMode="decimal" className="num-input small"
                      value={ed.onward} aria-label={t('sim.onwardOf', { name: s.name, n: (s.next ?? []).length })}
                      onChange={(e) => upd(i, { onward: e.target.value })} /> %
                    <FieldError name={f('onward')} error={message(f('onward'))} />
                  </>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ArrivalTable({ base, edits, set, message, changed, filter }: {
  base: RegionScenario; edits: Edits; set: Setter; message: (f: string) => string | undefined; changed: boolean[]; filter: StationFilter;
}) {
  const { t, lang } = useI18n();
  const visible = shownStations(base, filter, changed, message);
  const stationIndex = new Map(base.scenario.stations.map((s, i) => [s.name, i]));
  const upd = (i: number, patch: Partial<Edits['arrivals'][number]>) =>
    set((e) => ({ ...e, arrivals: e.arrivals.map((a, j) => (j === i ? { ...a, ...patch } : a)) }));
  return (
    <table className="grid sim-arrivals" data-testid="sim-arrivals">
      <caption className="small">{t('sim.arrivals')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('sim.stream')}</th>
          <th scope="col">{t('sim.to')}</th>
          <th scope="col" className="num">{t('sim.rateNow')}</th>
          <th scope="col" className="num">{t('sim.demand')}</th>
          <th scope="col" className="num grp">{t('sim.divert')}</th>
          <th scope="col">{t('sim.divertTo')}</th>
        </tr>
      </thead>
      <tbody>
        {base.scenario.arrivals.map((a, i) => {
          const ed = edits.arrivals[i];
          if (!visible[stationIndex.get(a.to) ?? -1] && !arrivalChanged(ed) && !arrivalWrong(i, message)) return null;
          const f = (m: string) => `arrival.${i}.${m}`;
          const aria = (name: string) => ({
            id: fieldId(name), 'aria-invalid': message(name) ? true : undefined,
            'aria-describedby': message(name) ? `${fieldId(name)}-err` : undefined,
          });
          const urgencies = mixUrgencies(a);
          return [
            <tr key={a.name} data-row={`arrival.${i}`}>
              <th scope="row">{a.name}<FieldError name={`arrival.${i}`} error={message(`arrival.${i}`)} /></th>
              <td>{a.to}</td>
              <td className="num">{a.rate_per_hour.toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', { maximumSignificantDigits: 3 })}</td>
              <td className="num">
                <input {...aria(f('demand'))} type="number" step="any" inputMode="decimal" className="num-input" value={ed.demandPct}
                  aria-label={t('sim.demandOf', { name: a.name })} onChange={(e) => upd(i, { demandPct: e.target.value })} /> %
                <FieldError name={f('demand')} error={message(f('demand'))} />
              </td>
              <td className="num grp">
                <input {...aria(f('divert'))} type="number" min={0} max={100} step="any" inputMode="decimal" className="num-input" value={ed.divertPct}
                  aria-label={t('sim.divertOf', { name: a.name })} onChange={(e) => upd(i, { divertPct: e.target.value })} /> %
                <FieldError name={f('divert')} error={message(f('divert'))} />
              </td>
              <td>
                <select {...aria(f('divertTo'))} value={ed.divertTo} aria-label={t('sim.divertToOf', { name: a.name })} onChange={(e) => upd(i, { divertTo: e.target.value })}>
                  <option value="">—</option>
                  {base.scenario.stations.filter((s) => s.name !== a.to).map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
                </select>
                <FieldError name={f('divertTo')} error={message(f('divertTo'))} />
              </td>
            </tr>,
            urgencies.length > 0 && (
              <tr key={`${a.name}/mix`} className="sim-mix" data-row={`arrival.${i}.mix`}>
                <td colSpan={6}>
                  <span className="muted small">{t('sim.byUrgency')}</span>
                  {urgencies.map((u) => (
                    <span key={u} className="sim-mix-cell">
                      <label htmlFor={fieldId(f(`urgency.${u}`))} title={t('sim.mixShare', { pct: urgencySharePct(a, u) })}>
                        <b>{u}</b> <span className="muted small">({urgencySharePct(a, u).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB')}%)</span>
                      </label>{' '}
                      <input {...aria(f(`urgency.${u}`))} type="number" step="any" inputMode="decimal" className="num-input"
                        value={ed.urgencyPct[u] ?? '0'} aria-label={t('sim.urgencyDemandOf', { u, name: a.name })}
                        onChange={(e) => upd(i, { urgencyPct: { ...ed.urgencyPct, [u]: e.target.value } })} /> %
                      <FieldError name={f(`urgency.${u}`)} error={message(f(`urgency.${u}`))} />
                    </span>
                  ))}
                </td>
              </tr>
            ),
          ];
        })}
      </tbody>
    </table>
  );
}

/** Care pathways as routing: on for both runs, and per partner or action the station of the baseline and of the variant. */
function PathwayRoutes({ base, edits, set, message }: { base: RegionScenario; edits: Edits; set: Setter; message: (f: string) => string | undefined }) {
  const { t } = useI18n();
  const p = edits.pathways;
  const changed = new Set(changedRoutes(edits));
  const upd = (patch: Partial<Edits['pathways']>) => set((e) => ({ ...e, pathways: { ...e.pathways, ...patch } }));
  return (
    <fieldset className="sim-pathways" data-testid="sim-pathways">
      <legend>{t('sim.pathways')}</legend>
      <label className="inline small">
        <input type="checkbox" checked={p.on} data-testid="sim-pathways-on" onChange={(e) => upd({ on: e.target.checked })} />
        {t('sim.pathwaysOn', { from: p.from })}
      </label>
      <FieldError name="pathways" error={message('pathways')} />
      {p.on && (
        <table className="grid">
          <thead>
            <tr><th scope="col">{t('sim.pathwayKey')}</th><th scope="col">{t('sim.baselineShort')}</th><th scope="col">{t('sim.variantShort')}</th></tr>
          </thead>
          <tbody>
            {PATHWAY_KEYS.map((k) => {
              const name = `pathways.${k}`;
              return (
                <tr key={k} className={changed.has(k) ? 'is-changed' : undefined} data-row={name}>
                  <th scope="row">{t(`sim.pathwayKey.${k}`)}</th>
                  <td>{p.suggested[k] || <span className="muted">{t('sim.notRouted')}</span>}</td>
                  <td>
                    <select id={fieldId(name)} value={p.routes[k] ?? ''} aria-label={t('sim.pathwayRouteOf', { key: t(`sim.pathwayKey.${k}`) })}
                      aria-invalid={message(name) ? true : undefined} onChange={(e) => upd({ routes: { ...p.routes, [k]: e.target.value } })}>
                      <option value="">{t('sim.notRouted')}</option>
                      {base.scenario.stations.filter((st) => st.name !== p.from).map((st) => <option key={st.name} value={st.name}>{st.name}</option>)}
                    </select>
                    <FieldError name={name} error={message(name)} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p className="muted small">{t('sim.pathwaysHelp')}</p>
    </fieldset>
  );
}

function Progress({ label, run, testid }: { label: string; run: SimRun | null; testid: string }) {
  const { t } = useI18n();
  const p = run ? progress(run) : 0;
  const pct = Math.round(p * 100);
  const state = run?.state ?? 'queued';
  return (
    <div className={`sim-bar state-${state}`} data-testid={testid} data-state={state}>
      <span className="sim-bar-label">{label}</span>
      <div className="sim-bar-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}
        aria-valuetext={`${pct}% · ${t(`sim.state.${state}`)}`}>
        <div className="sim-bar-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="small">
        {run ? t('sim.repsDone', { done: state === 'done' ? run.replications : run.replications_done, of: run.replications }) : ''}
        {' · '}<b>{t(`sim.state.${state}`)}</b>
        {state === 'failed' && run?.error && <span className="field-error"> {run.error}</span>}
      </span>
    </div>
  );
}

/** The results of a pair (or of one run) side by side: table, small bar charts with whiskers, CSV. */
export function Results({ baseline, variant, regionId }: { baseline: SimRun | null; variant: SimRun | null; regionId: string }) {
  const { t } = useI18n();
  const all = useMemo(() => compare(baseline?.result, variant?.result), [baseline, variant]);
  const byUrgency = useMemo(() => compareByUrgency(baseline?.result, variant?.result), [baseline, variant]);
  const differing = useMemo(() => stationsWithDifference(all), [all]);
  const stationCount = all.length / MEASURES.length;
  // With many stations (a region has one per bedded unit) the view starts with those that differ; the CSV has all.
  const [onlyDiff, setOnlyDiff] = useState(() => !!variant && stationCount > 12);
  const rows = onlyDiff ? all.filter((r) => differing.has(r.station)) : all;
  const download = () => {
    const url = URL.createObjectURL(new Blob([comparisonCsv([...all, ...byUrgency])], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = simCsvFileName(regionId, Date.now());
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  };
  const failed = [baseline, variant].filter((r): r is SimRun => !!r && r.state === 'failed');
  return (
    <div id="sim-results" className="sim-results" data-testid="sim-results">
      <div className="view-head">
        <h2 className="small">{t('sim.results')}</h2>
        <span className="muted small">
          {baseline && <>{t('sim.baselineShort')}: {baseline.name}</>}{variant && <> · {t('sim.variantShort')}: {variant.name}</>}
          {baseline && <> · {t('sim.repsSeed', { r: baseline.replications, seed: baseline.seed })}</>}
        </span>
        {variant && all.length > 0 && (
          <label className="inline small">
            <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} data-testid="sim-only-diff" />
            {t('sim.onlyDiff', { n: differing.size, total: stationCount })}
          </label>
        )}
        {all.length > 0 && <button type="button" className="btn small" onClick={download} data-testid="sim-csv">{t('sim.csv')}</button>}
      </div>
      {failed.map((r) => <p key={r.id} className="banner error" role="alert">{t('sim.failed', { name: r.name, error: r.error ?? '' })}</p>)}
      {rows.length > 0 && <ComparisonTable rows={rows} hasVariant={!!variant} />}
      {[baseline, variant].map((r) => r?.result?.pathway_routes?.length ? <PathwayRouteTable key={r.id} run={r} /> : null)}
      {byUrgency.length > 0 && (
        <>
          <h3 className="small">{t('sim.byUrgencyResults')}</h3>
          <ComparisonTable rows={byUrgency} hasVariant={!!variant} testid="sim-compare-urgency" />
        </>
      )}
      {rows.length > 0 && (
        <div className="cards">
          {MEASURES.map((m) => <MeasureChart key={m} measure={m} rows={rows.filter((r) => r.measure === m)} hasVariant={!!variant} />)}
        </div>
      )}
    </div>
  );
}

/** Where the pathways sent each triage class in a run: the class, the pathway (version) and its action, the station. */
function PathwayRouteTable({ run }: { run: SimRun }) {
  const { t } = useI18n();
  return (
    <details className="sim-routes" data-testid="sim-pathway-routes">
      <summary className="small">{t('sim.pathwayRoutes', { name: run.name })}</summary>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">{t('sim.class')}</th><th scope="col">{t('sim.pathway')}</th>
            <th scope="col">{t('sim.action')}</th><th scope="col">{t('sim.to')}</th>
          </tr>
        </thead>
        <tbody>
          {run.result!.pathway_routes!.map((r) => (
            <tr key={`${r.urgency}/${r.complaint ?? ''}`} data-urgency={r.urgency} data-complaint={r.complaint ?? ''}>
              <th scope="row">{r.urgency}{r.complaint ? ` · ${r.complaint}` : ''}</th>
              <td>{r.pathway ? `${r.pathway.id} v${r.pathway.version}` : '—'}</td>
              <td>{r.action ?? '—'}</td>
              <td>{r.station ?? <span className="muted">{t('sim.notRouted')}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function ComparisonTable({ rows, hasVariant, testid = 'sim-compare' }: { rows: ComparisonRow[]; hasVariant: boolean; testid?: string }) {
  const { t, lang } = useI18n();
  const ci = (m: Measure, e: ComparisonRow['baseline']) => (e?.ci95 ? `${formatMeasure(m, e.ci95[0], lang)} – ${formatMeasure(m, e.ci95[1], lang)}` : '—');
  return (
    <table className="grid sim-compare" data-testid={testid}>
      <thead>
        <tr>
          <th scope="col">{t('sim.station')}</th>
          <th scope="col">{t('sim.measure')}</th>
          <th scope="col" className="num grp" data-testid="sim-col-baseline">{t('sim.baselineShort')}</th>
          <th scope="col" className="num">{t('sim.ci95')}</th>
          {hasVariant && (
            <>
              <th scope="col" className="num grp" data-testid="sim-col-variant">{t('sim.variantShort')}</th>
              <th scope="col" className="num">{t('sim.ci95')}</th>
              <th scope="col" className="grp">{t('sim.difference')}</th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => {
          const label = r.urgency ? `${r.station} · ${r.urgency}` : r.station;
          const same = i > 0 && rows[i - 1].station === r.station && rows[i - 1].urgency === r.urgency;
          return (
          <tr key={`${label}/${r.measure}`} className={`${hasVariant && r.verdict ? `verdict-${r.verdict}` : ''}${same ? '' : ' first-of-station'}`}
            data-station={r.station} data-measure={r.measure} data-urgency={r.urgency}>
            <th scope="row"><span className={same ? 'sr-only' : undefined}>{label}</span></th>
            <td>{t(`sim.m.${r.measure}`)}</td>
            <td className="num grp">{formatMeasure(r.measure, r.baseline?.mean, lang)}</td>
            <td className="num muted">{ci(r.measure, r.baseline)}</td>
            {hasVariant && (
              <>
                <td className="num grp">{formatMeasure(r.measure, r.variant?.mean, lang)}</td>
                <td className="num muted">{ci(r.measure, r.variant)}</td>
                <td className="grp">{r.verdict ? <span className={`badge verdict verdict-${r.verdict}`}>{r.verdict === 'worse' ? '▲ ' : r.verdict === 'better' ? '▼ ' : ''}{t(`sim.verdict.${r.verdict}`)}</span> : '—'}</td>
              </>
            )}
          </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** One measure for every station: a bar for the baseline and one for the variant, each with its 95% whisker (inline SVG). */
function MeasureChart({ measure, rows, hasVariant }: { measure: Measure; rows: ComparisonRow[]; hasVariant: boolean }) {
  const { t, lang } = useI18n();
  const max = Math.max(1e-9, ...rows.flatMap((r) => [r.baseline, r.variant].flatMap((e) => (e ? [e.mean, e.ci95?.[1] ?? e.mean] : []))));
  const labelW = 190;
  const barW = 190;
  const short = (n: string) => (n.length > 30 ? `${n.slice(0, 29)}…` : n);
  const bar = 8;
  const group = hasVariant ? 2 * bar + 8 : bar + 8;
  const x = (v: number) => labelW + (Math.max(0, v) / max) * barW;
  const one = (e: ComparisonRow['baseline'], y: number, fill: string, what: string, station: string) => {
    if (!e) return null;
    return (
      <g>
        <rect x={labelW} y={y} width={Math.max(e.mean > 0 ? 1 : 0, x(e.mean) - labelW)} height={bar} fill={fill}>
          <title>{`${station} · ${what}: ${formatMeasure(measure, e.mean, lang)}`}</title>
        </rect>
        {e.ci95 && (
          <g stroke="#1b2630" strokeWidth={1}>
            <line x1={x(e.ci95[0])} x2={x(e.ci95[1])} y1={y + bar / 2} y2={y + bar / 2} />
            <line x1={x(e.ci95[0])} x2={x(e.ci95[0])} y1={y} y2={y + bar} />
            <line x1={x(e.ci95[1])} x2={x(e.ci95[1])} y1={y} y2={y + bar} />
          </g>
        )}
        <text x={x(e.ci95?.[1] ?? e.mean) + 4} y={y + bar - 1} fontSize="10">{formatMeasure(measure, e.mean, lang)}</text>
      </g>
    );
  };
  return (
    <div className="card chart-card" data-testid={`sim-chart-${measure}`}>
      <h3 className="small">{t(`sim.m.${measure}`)}</h3>
      <svg width={labelW + barW + 70} height={rows.length * group + 4} role="img"
        aria-label={rows.map((r) => `${r.station}: ${formatMeasure(measure, r.baseline?.mean, lang)}${hasVariant ? ` → ${formatMeasure(measure, r.variant?.mean, lang)}` : ''}`).join(', ')}>
        {rows.map((r, i) => (
          <g key={r.station} transform={`translate(0, ${i * group + 2})`}>
            <text x={labelW - 6} y={hasVariant ? bar + 3 : bar - 1} textAnchor="end" fontSize="11">{short(r.station)}<title>{r.station}</title></text>
            {one(r.baseline, 0, '#9fb3c8', t('sim.baselineShort'), r.station)}
            {hasVariant && one(r.variant, bar + 2, r.verdict === 'worse' ? '#c62828' : r.verdict === 'better' ? '#2e7d32' : '#1f5f99', t('sim.variantShort'), r.station)}
          </g>
        ))}
      </svg>
      <p className="muted small">
        <span className="swatch" style={{ background: '#9fb3c8' }} /> {t('sim.baselineShort')}
        {hasVariant && <> <span className="swatch" style={{ background: '#1f5f99' }} /> {t('sim.variantShort')} ({t('sim.chartColours')})</>}
        {' · '}{t('sim.whisker')}
      </p>
    </div>
  );
}

function RecentRuns({ runs, onOpen, onRefresh }: { runs: SimRun[]; onOpen: (r: SimRun) => void; onRefresh: () => void }) {
  const { t, lang } = useI18n();
  return (
    <div className="sim-recent">
      <div className="view-head">
        <h2 className="small">{t('sim.recent')}</h2>
        <button type="button" className="btn small" onClick={onRefresh}>{t('kpi.refresh')}</button>
      </div>
      {runs.length === 0 ? <p className="muted small">{t('sim.noRuns')}</p> : (
        <table className="grid" data-testid="sim-recent">
          <thead>
            <tr>
              <th scope="col">{t('sim.name')}</th>
              <th scope="col">{t('sim.createdAt')}</th>
              <th scope="col">{t('sim.createdBy')}</th>
              <th scope="col">{t('sim.stateCol')}</th>
              <th scope="col" className="num">{t('sim.replications')}</th>
              <th scope="col"><span className="sr-only">{t('sim.open')}</span></th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.name}</th>
                <td>{formatDateTime(r.created_at, lang)}</td>
                <td>{r.created_by}</td>
                <td><span className={`sim-state state-${r.state}`}>{t(`sim.state.${r.state}`)}</span></td>
                <td className="num">{r.state === 'done' ? r.replications : `${r.replications_done} / ${r.replications}`}</td>
                <td><button type="button" className="btn small" onClick={() => onOpen(r)} aria-label={t('sim.openRun', { name: r.name })}>{t('sim.open')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

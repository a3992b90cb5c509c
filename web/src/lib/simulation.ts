/**
 * What-if simulation in the browser (docs/simulation.md, the scenario language; the API's
 * GET /regions/{id}/scenario and /simulations): the shapes, the variant a coordinator makes of the region's
 * current scenario (servers, a night closure, service time, demand, a share of a stream sent elsewhere, routing,
 * horizon, start from now or empty), the server's field errors mapped onto the editor's rows, the comparison of
 * two results with their 95% intervals, and its CSV. Pure: views/WhatIf.tsx only renders what these return.
 */

export type Dist = 'exponential' | 'deterministic' | 'lognormal' | 'gamma' | 'erlang';
export interface Service { dist: Dist; mean_minutes: number; sd_minutes?: number; k?: number }
export interface Route { station: string; probability: number }
export interface ScenarioStation {
  name: string; servers?: number; servers_by_hour?: number[]; service: Service; next?: Route[];
  initial_in_service?: number; initial_waiting?: number;
}
export const URGENCIES = ['U0', 'U1', 'U2', 'U3', 'U4', 'U5'] as const;
export type SimUrgency = (typeof URGENCIES)[number];
/** One class of a stream's triage mix: an urgency, optionally × an entry complaint, and its share (the shares sum to 1). */
export interface MixClass { urgency: SimUrgency; complaint?: string; share: number }
export interface ScenarioArrival { name: string; rate_per_hour: number; profile?: number[]; to: string; mix?: MixClass[] }
/** Care pathways as routing (docs/simulation.md): from a station, each pathway's first action by its code or partner type to a station. */
export interface PathwayRouting { from: string; routes: Record<string, string> }
export interface Scenario {
  name?: string; description?: string; horizon_hours: number; warmup_hours?: number; start_hour_of_week?: number;
  arrivals: ScenarioArrival[]; stations: ScenarioStation[]; pathway_routing?: PathwayRouting;
}
export type StationKind = 'ed' | 'hap' | 'ambulance' | 'beds' | 'zcc';
export interface ScenarioStationInfo { name: string; unit_id: string | null; kind: StationKind; stale: boolean; unit_type?: string }
/** GET /api/v1/regions/{id}/scenario: the region's current state as a scenario. */
export interface RegionScenario {
  region_id: string; as_of: string; scenario: Scenario; stations: ScenarioStationInfo[]; notes: string[];
}

export const MEASURES = ['wait_probability', 'mean_wait_minutes', 'utilisation'] as const;
export type Measure = (typeof MEASURES)[number];
export interface Estimate { mean: number; ci95: [number, number] | null }
/** The figures of one urgency at a station (a scenario with a triage mix). */
export type UrgencyFigures = Partial<Record<'wait_probability' | 'mean_wait_minutes' | 'arrival_rate_per_hour', Estimate>>;
export type StationFigures = Partial<Record<Measure | 'arrival_rate_per_hour', Estimate>> & {
  by_urgency?: Partial<Record<SimUrgency, UrgencyFigures>>;
};
/** What the server's expansion of pathway routing decided for one class (docs/simulation.md). */
export interface PathwayRoute {
  urgency: SimUrgency; complaint?: string; pathway?: { id: string; version: number }; action?: string; matched?: string; station?: string;
}
export interface SimResult {
  stations: Record<string, StationFigures>; pathway_routes?: PathwayRoute[];
  events?: number; wall_seconds?: number; replications?: number; seed?: number;
}
export type RunState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export interface SimRun {
  id: string; region_id: string; name: string; state: RunState; replications: number; replications_done: number;
  seed: number; created_at: string; created_by: string; started_at?: string | null; finished_at?: string | null;
  error?: string | null; scenario?: Scenario; result?: SimResult | null;
}
export interface NewSimulation { region_id: string; name: string; scenario: Scenario; replications: number; seed: number }

export const HORIZONS = [8, 24, 72, 168] as const;
export type Horizon = (typeof HORIZONS)[number];
export type StartMode = 'now' | 'empty';
/** The warm-up of an empty start: a week, so every hour of an hour-of-week profile has been seen once. */
export const EMPTY_WARMUP_HOURS = 168;
export const MAX_REPLICATIONS = 100;
export const MAX_SERVERS = 100_000;

/**
 * What the editor holds per station: text of the inputs as typed, a night closure, and the share (percent) that moves
 * on after service — the sum of its routing probabilities, which a change scales alike (an ED's admissions to the
 * wards of its hospital: 25% → 20% lowers every ward's share by a fifth).
 */
export interface StationEdit { servers: string; mean: string; closeNight: boolean; closeFrom: number; closeTo: number; onward: string }
/**
 * Per arrival stream: a demand change in percent, and a share (percent) sent to another station. A stream with a
 * triage mix also takes a change per urgency of its mix ("10% more U3 requests"), on top of the stream's change.
 */
export interface ArrivalEdit { demandPct: string; divertPct: string; divertTo: string; urgencyPct: Partial<Record<SimUrgency, string>> }
/**
 * Care pathways in both runs: `on` sends the ZCC's requests on by the worklist's pathways (the server expands them over
 * its current pathway set); `suggested` is where the baseline sends each key, `routes` where the variant does ('' = not
 * routed: the request leaves the chain at the ZCC).
 */
export interface PathwayEdit { on: boolean; from: string; suggested: Record<string, string>; routes: Record<string, string> }
export interface Edits {
  stations: StationEdit[]; arrivals: ArrivalEdit[]; horizon: Horizon; replications: string; start: StartMode; name: string;
  pathways: PathwayEdit;
}

/**
 * The keys a coordinator routes: partner types of the pathways' actions, and the action codes that need a unit of
 * their own (an ELV palliative bed, a VVT crisis bed). The server tries an action's code first, then its partner type.
 */
export const PATHWAY_KEYS = ['ambulance', 'hap', 'hospital', 'elv', 'elv-palliative', 'vvt-crisis-bed', 'vvt', 'ggz'] as const;
const PATHWAY_STATION: Record<(typeof PATHWAY_KEYS)[number], (i: ScenarioStationInfo) => boolean> = {
  ambulance: (i) => i.kind === 'ambulance',
  hap: (i) => i.kind === 'hap',
  hospital: (i) => i.kind === 'ed',
  elv: (i) => i.unit_type === 'elv-high' || i.unit_type === 'elv-low',
  'elv-palliative': (i) => i.unit_type === 'elv-palliative',
  'vvt-crisis-bed': (i) => i.unit_type === 'vvt-crisis',
  vvt: () => false, // acute district nursing works at home: no station of the chain
  ggz: (i) => i.unit_type === 'ggz-crisis',
};

/** Whether the region's scenario can route by pathways: a ZCC station that receives a stream whose mix names complaints. */
export function pathwayFrom(s: Scenario, info: ScenarioStationInfo[]): string {
  const zcc = info.find((i) => i.kind === 'zcc')?.name ?? '';
  return zcc && s.arrivals.some((a) => a.to === zcc && a.mix?.some((c) => !!c.complaint)) ? zcc : '';
}

/** The baseline's routes: per key the station of its kind with the most places, none where the region has none. */
export function suggestedRoutes(s: Scenario, info: ScenarioStationInfo[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of PATHWAY_KEYS) {
    let best: ScenarioStation | undefined;
    s.stations.forEach((st, i) => {
      if (info[i] && PATHWAY_STATION[key](info[i]) && (!best || baseServers(st) > baseServers(best))) best = st;
    });
    out[key] = best?.name ?? '';
  }
  return out;
}

/** The editor's starting point: the baseline as it is (no change). */
export function initialEdits(base: Scenario, name = '', info: ScenarioStationInfo[] = []): Edits {
  const suggested = suggestedRoutes(base, info);
  return {
    pathways: { on: false, from: pathwayFrom(base, info), suggested, routes: { ...suggested } },
    stations: base.stations.map((s) => ({
      servers: String(baseServers(s)), mean: String(s.service.mean_minutes), closeNight: false, closeFrom: 23, closeTo: 7,
      onward: String(onwardPct(s)),
    })),
    arrivals: base.arrivals.map((a) => ({
      demandPct: '0', divertPct: '0', divertTo: '', urgencyPct: Object.fromEntries(mixUrgencies(a).map((u) => [u, '0'])),
    })),
    horizon: 24, replications: '10', start: 'now', name,
  };
}

/** The urgencies of a stream's mix, U0 first, each with its share of the stream (percent, one decimal). */
export function mixUrgencies(a: ScenarioArrival): SimUrgency[] {
  const present = new Set((a.mix ?? []).map((c) => c.urgency));
  return URGENCIES.filter((u) => present.has(u));
}
export function urgencySharePct(a: ScenarioArrival, u: SimUrgency): number {
  return Math.round((a.mix ?? []).filter((c) => c.urgency === u).reduce((x, c) => x + c.share, 0) * 1000) / 10;
}

/** The percentage of a station's customers that moves on after service (one decimal), 0 without routing. */
export function onwardPct(s: ScenarioStation): number {
  return Math.round((s.next ?? []).reduce((a, r) => a + r.probability, 0) * 1000) / 10;
}

/** A station's servers: the fixed number, or the most of its schedule. */
export function baseServers(s: ScenarioStation): number {
  return s.servers ?? Math.max(0, ...(s.servers_by_hour ?? [0]));
}

/** A station's servers in hour `hourOfWeek` (0–168, a fraction allowed) of the week: simulated time 0 is `start_hour_of_week`. */
export function serversAt(s: ScenarioStation, hourOfWeek: number): number {
  if (!s.servers_by_hour?.length) return s.servers ?? 0;
  const h = Math.floor(hourOfWeek) % 168;
  return s.servers_by_hour[s.servers_by_hour.length === 24 ? h % 24 : h] ?? 0;
}

/** Whether hour `h` (0–23) lies in the closure from `from` to `to` (wrapping past midnight: 23–7 is 23:00–06:59). */
export function inClosure(h: number, from: number, to: number): boolean {
  if (from === to) return false;
  return from < to ? h >= from && h < to : h >= from || h < to;
}

/** A field of the editor: "station.1.servers", "station.1.onward", "arrival.0.demand", "horizon", "replications", "name". */
export interface EditError { field: string; key: string; params?: Record<string, string | number> }

const num = (s: string) => (s.trim() === '' ? NaN : Number(s.trim().replace(',', '.')));

/**
 * The editor's own checks (the server decides the rest, and its field errors are shown next to the same fields):
 * servers a whole number 1–100 000 (a station closed all day is refused: at least one hour must have a server,
 * so a closure cannot cover the whole day), service time > 0, demand change ≥ −100%, a diverted share
 * 0–100% to another station, routing probabilities 0–1 that add up to at most 1, replications 1–100.
 */
export function checkEdits(base: Scenario, e: Edits): EditError[] {
  const out: EditError[] = [];
  base.stations.forEach((s, i) => {
    const st = e.stations[i];
    const n = num(st.servers);
    if (!Number.isInteger(n) || n < 0 || n > MAX_SERVERS) out.push({ field: `station.${i}.servers`, key: 'sim.err.servers', params: { max: MAX_SERVERS } });
    else if (n === 0 || (st.closeNight && !Array.from({ length: 24 }, (_, h) => h).some((h) => !inClosure(h, st.closeFrom, st.closeTo))))
      out.push({ field: `station.${i}.servers`, key: 'sim.err.noServers' });
    const m = num(st.mean);
    if (!Number.isFinite(m) || m <= 0) out.push({ field: `station.${i}.mean`, key: 'sim.err.mean' });
    if (s.next?.length) {
      const o = num(st.onward);
      if (!Number.isFinite(o) || o < 0 || o > 100) out.push({ field: `station.${i}.onward`, key: 'sim.err.onward' });
    }
  });
  base.arrivals.forEach((a, i) => {
    const ed = e.arrivals[i];
    const d = num(ed.demandPct);
    if (!Number.isFinite(d) || d < -100 || d > 10_000) out.push({ field: `arrival.${i}.demand`, key: 'sim.err.demand' });
    for (const u of mixUrgencies(a)) {
      const x = num(ed.urgencyPct[u] ?? '0');
      if (!Number.isFinite(x) || x < -100 || x > 10_000) out.push({ field: `arrival.${i}.urgency.${u}`, key: 'sim.err.demand' });
    }
    const v = num(ed.divertPct);
    if (!Number.isFinite(v) || v < 0 || v > 100) out.push({ field: `arrival.${i}.divert`, key: 'sim.err.divert' });
    else if (v > 0 && (!ed.divertTo || ed.divertTo === a.to || !base.stations.some((s) => s.name === ed.divertTo)))
      out.push({ field: `arrival.${i}.divertTo`, key: 'sim.err.divertTo' });
  });
  const r = num(e.replications);
  if (!Number.isInteger(r) || r < 1 || r > MAX_REPLICATIONS) out.push({ field: 'replications', key: 'sim.err.replications', params: { max: MAX_REPLICATIONS } });
  if (!(HORIZONS as readonly number[]).includes(e.horizon)) out.push({ field: 'horizon', key: 'sim.err.horizon' });
  return out;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * What both runs share: the horizon and the start. "From now" keeps the live state (initial_* and the hour of the
 * week) and measures from time 0; an "empty start" drops initial_* and adds a week of warm-up before the horizon,
 * starting a week earlier so the measured hours are the same hours of the week.
 */
export function withRunSettings(s: Scenario, horizon: number, start: StartMode): Scenario {
  const out: Scenario = { ...s, stations: s.stations.map((st) => ({ ...st })) };
  if (start === 'now') {
    out.horizon_hours = horizon;
    delete out.warmup_hours;
    // Nobody can be in service beyond the servers of the start hour (the engine refuses it): with fewer places
    // (a closure that has begun, beds taken away) the rest of those patients wait for a place.
    for (const st of out.stations) {
      const cap = serversAt(st, out.start_hour_of_week ?? 0);
      const busy = st.initial_in_service ?? 0;
      if (busy > cap) { st.initial_in_service = cap; st.initial_waiting = (st.initial_waiting ?? 0) + busy - cap; }
    }
    return out;
  }
  out.warmup_hours = EMPTY_WARMUP_HOURS;
  out.horizon_hours = horizon + EMPTY_WARMUP_HOURS;
  if (out.start_hour_of_week != null) out.start_hour_of_week = (((out.start_hour_of_week - EMPTY_WARMUP_HOURS) % 168) + 168) % 168;
  for (const st of out.stations) { delete st.initial_in_service; delete st.initial_waiting; }
  return out;
}

/** Where each arrival of a variant came from: `origin[i]` is the baseline stream, `diverted` when it is the split-off share. */
export interface VariantArrivalOrigin { base: number; diverted: boolean }

/**
 * The variant: the baseline with the edits applied (call checkEdits first; inputs are read as they pass it).
 * - servers: a fixed number is replaced; a schedule is shifted by the change of its most (each hour ≥ 0);
 * - a night closure makes a 24-hour schedule (or zeroes those hours of each day of a 168-hour one) with 0 servers
 *   from `closeFrom` to `closeTo` — "the ED of X closes tonight";
 * - the mean service time is replaced (sd_minutes scaled along, so the spread stays relative);
 * - demand: rate_per_hour × (1 + pct/100); with a mix, each class's part also × (1 + its urgency's pct/100): the rate
 *   is multiplied by Σ share × (1 + pct_u/100) and the shares become share × (1 + pct_u/100) over that sum (all
 *   urgencies at −100%: rate 0, the mix as it was); a diverted share becomes a stream of its own, "<name> → <station>",
 *   with that part of the rate and the same profile, appended after the baseline's streams;
 * - routing probabilities replaced where present.
 */
export function buildVariant(base: Scenario, e: Edits): { scenario: Scenario; origin: VariantArrivalOrigin[] } {
  const stations = base.stations.map((s, i) => {
    const ed = e.stations[i];
    const out: ScenarioStation = { ...s, service: { ...s.service } };
    const n = num(ed.servers);
    let schedule: number[] | undefined;
    if (s.servers_by_hour) {
      const delta = n - baseServers(s);
      schedule = s.servers_by_hour.map((c) => (c > 0 ? Math.max(0, c + delta) : 0)); // closed hours stay closed
    } else if (ed.closeNight) {
      schedule = Array.from({ length: 24 }, () => n);
    }
    if (schedule && ed.closeNight) schedule = schedule.map((c, h) => (inClosure(h % 24, ed.closeFrom, ed.closeTo) ? 0 : c));
    const first = schedule?.[0] ?? 0;
    if (schedule && first > 0 && schedule.every((c) => c === first)) schedule = undefined; // the same all day: a fixed number
    if (schedule) { out.servers_by_hour = schedule; delete out.servers; } else { out.servers = n; delete out.servers_by_hour; }
    const m = num(ed.mean);
    if (m !== s.service.mean_minutes) {
      out.service.mean_minutes = m;
      if (s.service.sd_minutes != null) out.service.sd_minutes = round6((s.service.sd_minutes * m) / s.service.mean_minutes);
    }
    const onward = num(ed.onward) / 100;
    if (s.next?.length && num(ed.onward) !== onwardPct(s)) {
      const sum = s.next.reduce((a, r) => a + r.probability, 0);
      // Scaled alike; routes that were all 0 share the new total equally. Rounding never lets the sum pass 1.
      out.next = s.next.map((r) => ({ ...r, probability: Math.floor((sum > 0 ? (r.probability * onward) / sum : onward / s.next!.length) * 1e9) / 1e9 }));
    }
    return out;
  });
  const arrivals: ScenarioArrival[] = [];
  const origin: VariantArrivalOrigin[] = [];
  const extra: ScenarioArrival[] = [];
  const extraOrigin: VariantArrivalOrigin[] = [];
  base.arrivals.forEach((a, i) => {
    const ed = e.arrivals[i];
    const mixed = withUrgencyChanges(a, ed);
    const rate = a.rate_per_hour * (1 + num(ed.demandPct) / 100) * mixed.factor;
    const share = num(ed.divertPct) / 100;
    const stream = mixed.mix ? { ...a, mix: mixed.mix } : a;
    arrivals.push({ ...stream, rate_per_hour: round6(rate * (1 - share)) });
    origin.push({ base: i, diverted: false });
    if (share > 0) {
      extra.push({ ...stream, name: `${a.name} → ${ed.divertTo}`, rate_per_hour: round6(rate * share), to: ed.divertTo });
      extraOrigin.push({ base: i, diverted: true });
    }
  });
  return { scenario: { ...base, arrivals: [...arrivals, ...extra], stations }, origin: [...origin, ...extraOrigin] };
}

/** A stream's mix after its per-urgency changes, and the factor its rate changes by (1 without a change). */
function withUrgencyChanges(a: ScenarioArrival, ed: ArrivalEdit): { mix?: MixClass[]; factor: number } {
  if (!a.mix?.length || !mixUrgencies(a).some((u) => num(ed.urgencyPct[u] ?? '0') !== 0)) return { factor: 1 };
  const weighted = a.mix.map((c) => c.share * (1 + num(ed.urgencyPct[c.urgency] ?? '0') / 100));
  const factor = weighted.reduce((x, w) => x + w, 0);
  if (factor <= 0) return { mix: a.mix, factor: 0 };
  // The last share takes what rounding leaves, so the shares sum to 1 as the engine requires (within 1e-9).
  const shares = weighted.map((w) => Math.round((w / factor) * 1e12) / 1e12);
  shares[shares.length - 1] = Math.max(0, 1 - shares.slice(0, -1).reduce((x, v) => x + v, 0));
  return { mix: a.mix.map((c, k) => ({ ...c, share: shares[k] })), factor };
}

/** A scenario with its requests routed by the pathways (the keys routed nowhere left out), or as it is when off. */
function withPathways(s: Scenario, p: PathwayEdit, routes: Record<string, string>): Scenario {
  if (!p.on || !p.from) return s;
  return { ...s, pathway_routing: { from: p.from, routes: Object.fromEntries(Object.entries(routes).filter(([, st]) => !!st)) } };
}

/**
 * The two scenarios one "Doorrekenen" runs: the baseline as it is and the variant, with the same horizon and start;
 * with pathways on, the baseline routes by the suggested stations and the variant by the edited ones.
 */
export function runPair(base: Scenario, e: Edits): { baseline: Scenario; variant: Scenario; origin: VariantArrivalOrigin[] } {
  const horizon = e.horizon;
  const v = buildVariant(base, e);
  return {
    baseline: withRunSettings(withPathways(base, e.pathways, e.pathways.suggested), horizon, e.start),
    variant: withRunSettings(withPathways(v.scenario, e.pathways, e.pathways.routes), horizon, e.start),
    origin: v.origin,
  };
}

/** The keys whose station the variant changes. */
export function changedRoutes(e: Edits): string[] {
  if (!e.pathways.on) return [];
  return PATHWAY_KEYS.filter((k) => (e.pathways.routes[k] ?? '') !== (e.pathways.suggested[k] ?? ''));
}

/** Which stations the variant changes (for the row marking): servers, closure, service time or routing. */
export function changedStations(base: Scenario, e: Edits): boolean[] {
  return base.stations.map((s, i) => {
    const ed = e.stations[i];
    return num(ed.servers) !== baseServers(s) || ed.closeNight || num(ed.mean) !== s.service.mean_minutes
      || (!!s.next?.length && num(ed.onward) !== onwardPct(s));
  });
}

/** The editor's filter: a text in the station's name, a kind, only the changed ones. */
export interface StationFilter { q: string; kind: StationKind | ''; changedOnly: boolean }
export const NO_STATION_FILTER: StationFilter = { q: '', kind: '', changedOnly: false };

/** Whether the editor shows a station's row: a changed or wrong row always (an edit or error is never hidden). */
export function stationShown(name: string, kind: StationKind | undefined, f: StationFilter, changed: boolean, wrong: boolean): boolean {
  if (changed || wrong) return true;
  if (f.changedOnly) return false;
  if (f.kind && kind !== f.kind) return false;
  const q = f.q.trim().toLocaleLowerCase('nl');
  return !q || name.toLocaleLowerCase('nl').includes(q);
}

/** Whether an arrival stream's edits differ from the baseline's (no change, no share sent elsewhere). */
export function arrivalChanged(e: ArrivalEdit): boolean {
  return num(e.demandPct) !== 0 || num(e.divertPct) !== 0 || Object.values(e.urgencyPct).some((v) => num(v ?? '0') !== 0);
}

/** The stations of a comparison where some measure differs clearly ("worse" or "better"). */
export function stationsWithDifference(rows: ComparisonRow[]): Set<string> {
  return new Set(rows.filter((r) => r.verdict === 'worse' || r.verdict === 'better').map((r) => r.station));
}

/** "a.b[2].c" or the JSON pointer "/a/b/2/c" as parts: ["a", "b", 2, "c"]. */
export function fieldPath(field: string): (string | number)[] {
  const parts = field.startsWith('/')
    ? field.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    : field.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * The editor field a server error of the variant's POST belongs to: `scenario.stations[1].servers` → "station.1.servers",
 * `…stations[1].servers_by_hour[23]` → the same, `…service.mean_minutes` → "station.1.mean", `…next[0].probability`
 * → "station.1.onward", `…arrivals[i].rate_per_hour` → "arrival.k.demand" of the baseline stream (a diverted stream's →
 * "arrival.k.divert"), horizon/warm-up → "horizon", `replications` → "replications"; otherwise the station's or the
 * stream's row ("station.1", "arrival.0"), or null (shown above the table).
 */
export function editorField(field: string, origin: VariantArrivalOrigin[] = []): string | null {
  const p = fieldPath(field);
  if (p[0] === 'scenario') p.shift();
  const [head, i, member] = p;
  if (head === 'stations' && typeof i === 'number') {
    if (member === 'servers' || member === 'servers_by_hour') return `station.${i}.servers`;
    if (member === 'service') return `station.${i}.mean`;
    if (member === 'next') return `station.${i}.onward`;
    return `station.${i}`;
  }
  if (head === 'arrivals' && typeof i === 'number') {
    const o = origin[i] ?? { base: i, diverted: false };
    if (o.diverted) return member === 'to' ? `arrival.${o.base}.divertTo` : `arrival.${o.base}.divert`;
    if (member === 'rate_per_hour') return `arrival.${o.base}.demand`;
    return `arrival.${o.base}`;
  }
  if (head === 'pathway_routing') return member !== undefined && p[1] === 'routes' ? `pathways.${String(member)}` : 'pathways';
  if (head === 'horizon_hours' || head === 'warmup_hours') return 'horizon';
  if (head === 'replications') return 'replications';
  if (head === 'name') return 'name';
  return null;
}

/** A problem+json answer's errors on the editor: per field (messages joined), and the rest. */
export function mapSimErrors(
  errors: { field: string; message: string }[] | undefined, origin: VariantArrivalOrigin[] = [],
): { fields: Record<string, string>; general: string[] } {
  const out: { fields: Record<string, string>; general: string[] } = { fields: {}, general: [] };
  for (const e of errors ?? []) {
    const f = editorField(e.field, origin);
    if (f) out.fields[f] = out.fields[f] ? `${out.fields[f]}; ${e.message}` : e.message;
    else out.general.push(`${e.field}: ${e.message}`);
  }
  return out;
}

/** A run's progress, 0–1 (a finished run is 1). */
export function progress(run: Pick<SimRun, 'state' | 'replications' | 'replications_done'>): number {
  if (run.state === 'done') return 1;
  return run.replications > 0 ? Math.min(1, Math.max(0, run.replications_done / run.replications)) : 0;
}
export const finished = (run: Pick<SimRun, 'state'>) => run.state === 'done' || run.state === 'failed' || run.state === 'cancelled';

export type Verdict = 'worse' | 'better' | 'same';
/** A row of the comparison; `urgency` set: the figure of that urgency's customers at the station. */
export interface ComparisonRow {
  station: string; measure: Measure; baseline: Estimate | null; variant: Estimate | null; verdict: Verdict | null; urgency?: SimUrgency;
}

/**
 * Baseline against variant for one measure: higher is worse for all three (a higher chance to wait, a longer wait,
 * less room left). With intervals on both sides the verdict is "same" while they overlap (no clear difference);
 * without (one replication) a relative difference under 1% is "same".
 */
export function verdict(b: Estimate | null | undefined, v: Estimate | null | undefined): Verdict | null {
  if (!b || !v || !Number.isFinite(b.mean) || !Number.isFinite(v.mean)) return null;
  if (b.ci95 && v.ci95) {
    if (v.ci95[0] > b.ci95[1]) return 'worse';
    if (v.ci95[1] < b.ci95[0]) return 'better';
    return 'same';
  }
  const scale = Math.max(Math.abs(b.mean), Math.abs(v.mean));
  if (scale === 0 || Math.abs(v.mean - b.mean) / scale < 0.01) return 'same';
  return v.mean > b.mean ? 'worse' : 'better';
}

/** One row per station (the baseline's order, then any the variant adds) and measure. */
export function compare(baseline: SimResult | null | undefined, variant: SimResult | null | undefined): ComparisonRow[] {
  const names = [...Object.keys(baseline?.stations ?? {})];
  for (const n of Object.keys(variant?.stations ?? {})) if (!names.includes(n)) names.push(n);
  const rows: ComparisonRow[] = [];
  for (const station of names) {
    for (const measure of MEASURES) {
      const b = baseline?.stations[station]?.[measure] ?? null;
      const v = variant?.stations[station]?.[measure] ?? null;
      rows.push({ station, measure, baseline: b, variant: v, verdict: verdict(b, v) });
    }
  }
  return rows;
}

/** The waits per urgency (scenarios with a triage mix): per station with `by_urgency`, per urgency U0 first. */
export const URGENCY_MEASURES = ['wait_probability', 'mean_wait_minutes'] as const;
export function compareByUrgency(baseline: SimResult | null | undefined, variant: SimResult | null | undefined): ComparisonRow[] {
  const names = [...Object.keys(baseline?.stations ?? {})];
  for (const n of Object.keys(variant?.stations ?? {})) if (!names.includes(n)) names.push(n);
  const rows: ComparisonRow[] = [];
  for (const station of names) {
    const b = baseline?.stations[station]?.by_urgency;
    const v = variant?.stations[station]?.by_urgency;
    for (const urgency of URGENCIES) {
      if (!b?.[urgency] && !v?.[urgency]) continue;
      for (const measure of URGENCY_MEASURES) {
        const be = b?.[urgency]?.[measure] ?? null;
        const ve = v?.[urgency]?.[measure] ?? null;
        rows.push({ station, urgency, measure, baseline: be, variant: ve, verdict: verdict(be, ve) });
      }
    }
  }
  return rows;
}

/** A figure as the table shows it: probabilities and utilisation as percentages, waits in minutes (one decimal). */
export function formatMeasure(measure: Measure, x: number | null | undefined, lang: 'nl' | 'en'): string {
  if (x == null || !Number.isFinite(x)) return '—';
  const loc = lang === 'nl' ? 'nl-NL' : 'en-GB';
  if (measure === 'mean_wait_minutes') return `${x.toLocaleString(loc, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} min`;
  return `${(x * 100).toLocaleString(loc, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

function csvCell(v: string | number | null | undefined): string {
  if (v == null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = /^[=+\-@]/.test(v) ? `'${v}` : v; // a spreadsheet shows it instead of running it (as the server's CSV)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = ['station', 'measure', 'baseline_mean', 'baseline_lo', 'baseline_hi', 'variant_mean', 'variant_lo', 'variant_hi', 'urgency'] as const;

/**
 * The comparison as CSV as the server writes its downloads (RFC 4180: comma, CRLF, a header row; numbers as numbers);
 * `urgency` is empty on a station's own rows.
 */
export function comparisonCsv(rows: ComparisonRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push([r.station, r.measure, r.baseline?.mean, r.baseline?.ci95?.[0], r.baseline?.ci95?.[1],
      r.variant?.mean, r.variant?.ci95?.[0], r.variant?.ci95?.[1], r.urgency].map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** The file name of the download: wat-als-ZWN-2026-12-06T0412.csv (UTC). */
export function simCsvFileName(region: string, atMs: number): string {
  const d = new Date(atMs).toISOString();
  return `wat-als-${region.replace(/[^A-Za-z0-9_-]/g, '_')}-${d.slice(0, 10)}T${d.slice(11, 13)}${d.slice(14, 16)}.csv`;
}

/** The names of a pair of runs, so the recent runs can be opened as the pair they were started as. */
export const PAIR_SUFFIX = { baseline: ' · basis', variant: ' · variant' } as const;
export function pairNames(name: string): { baseline: string; variant: string } {
  const n = name.trim() || 'wat-als';
  return { baseline: n + PAIR_SUFFIX.baseline, variant: n + PAIR_SUFFIX.variant };
}
/** A run's partner in `runs` (the newest run of the other half of its pair started before or after it), if any. */
export function partnerOf(run: SimRun, runs: SimRun[]): { baseline: SimRun; variant: SimRun } | null {
  const isB = run.name.endsWith(PAIR_SUFFIX.baseline);
  const isV = run.name.endsWith(PAIR_SUFFIX.variant);
  if (!isB && !isV) return null;
  const stem = run.name.slice(0, run.name.length - (isB ? PAIR_SUFFIX.baseline : PAIR_SUFFIX.variant).length);
  const want = stem + (isB ? PAIR_SUFFIX.variant : PAIR_SUFFIX.baseline);
  const t = Date.parse(run.created_at);
  const other = runs.filter((r) => r.name === want && r.id !== run.id)
    .sort((a, b) => Math.abs(Date.parse(a.created_at) - t) - Math.abs(Date.parse(b.created_at) - t))[0];
  if (!other) return null;
  return isB ? { baseline: run, variant: other } : { baseline: other, variant: run };
}

/** Who may run what-if simulations of a region (core/authz kSimulate: admin, and in their region the ZCC and ROAZ
 * coordinators and viewers — ROAZ board members; the API decides, the view is hidden for others). */
export function canSimulate(role: string): boolean {
  return role === 'admin' || role === 'zcc-coordinator' || role === 'roaz-coordinator' || role === 'viewer';
}

/** The API calls a comparison needs (lib/simulation stays free of fetch; views pass api.ts's `simulations`). */
export interface SimClient {
  create: (body: NewSimulation) => Promise<SimRun>;
  get: (id: string) => Promise<SimRun>;
  cancel?: (id: string) => Promise<SimRun>;
}
/** A refusal of the API as the runner sees it (api.ts's ApiError has these). */
interface Refusal { status: number; retryAfterS?: number | null }
const isRefusal = (e: unknown): e is Refusal => typeof e === 'object' && e !== null && typeof (e as Refusal).status === 'number';

export interface PairState { baseline: SimRun | null; variant: SimRun | null; busy: { retryInS: number } | null }

/**
 * Starts the baseline and the variant and follows both until they are finished: a POST each (when the server is
 * busy, 503 with Retry-After, it waits that long — at most 10 s at a time, 5 times — and tries again), then a GET of
 * each unfinished run every `pollMs`. `onUpdate` gets every new state; a POST's refusal (a 400/422 with field
 * errors, 403, a 503 that stays) is thrown, with `side` saying which. Stops when `signal` is aborted.
 */
export async function runComparison(
  client: SimClient, bodies: { baseline: NewSimulation; variant: NewSimulation },
  onUpdate: (s: PairState) => void, opts: { pollMs?: number; sleep?: (ms: number) => Promise<void>; signal?: AbortSignal } = {},
): Promise<PairState> {
  const pollMs = opts.pollMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)));
  const state: PairState = { baseline: null, variant: null, busy: null };
  const emit = () => onUpdate({ ...state });
  for (const side of ['baseline', 'variant'] as const) {
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) return state;
      try {
        state[side] = await client.create(bodies[side]);
        state.busy = null;
        emit();
        break;
      } catch (e) {
        if (isRefusal(e) && e.status === 503 && attempt < 5) {
          const wait = Math.min(10, Math.max(1, e.retryAfterS ?? 2));
          state.busy = { retryInS: wait };
          emit();
          await sleep(wait * 1000);
          continue;
        }
        throw Object.assign(e as object, { side });
      }
    }
  }
  while (!opts.signal?.aborted && !(finished(state.baseline!) && finished(state.variant!))) {
    await sleep(pollMs);
    if (opts.signal?.aborted) break;
    for (const side of ['baseline', 'variant'] as const) {
      const r = state[side]!;
      if (!finished(r)) state[side] = await client.get(r.id);
    }
    emit();
  }
  return state;
}

/**
 * Stops the unfinished runs of a pair on the server (POST …/cancel). A run that ended meanwhile (409) is read again
 * instead; any other refusal is thrown. Returns the pair as the server now has it.
 */
export async function stopComparison(client: Required<Pick<SimClient, 'cancel' | 'get'>>, pair: PairState): Promise<PairState> {
  const out: PairState = { ...pair, busy: null };
  for (const side of ['baseline', 'variant'] as const) {
    const r = pair[side];
    if (!r || finished(r)) continue;
    try {
      out[side] = await client.cancel(r.id);
    } catch (e) {
      if (isRefusal(e) && e.status === 409) out[side] = await client.get(r.id);
      else throw e;
    }
  }
  return out;
}

// Development stand-in of the what-if API (GET /regions/{id}/scenario, POST/GET /simulations, POST …/cancel) for dev/mock-api.mjs
// and the unit tests. The scenario is built from the region file (every ED a station, the ZCC's triage desk, the
// region's IC beds); a run "simulates" by queueing formulas (Erlang C per station at the rates flow conservation
// gives, the mean number of servers of a schedule), one replication every `repMs`, with an interval that narrows with
// the replications. Not the engine: the browser tests use the real server.

/** Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = λ/μ (a < c). */
export function erlangC(c, a) {
  let b = 1; // Erlang B by its recursion
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho + rho * b);
}

const HOURLY = [0.45, 0.35, 0.3, 0.28, 0.3, 0.4, 0.6, 0.9, 1.2, 1.4, 1.45, 1.45, 1.4, 1.35, 1.35, 1.35, 1.4, 1.45, 1.4, 1.3, 1.15, 0.95, 0.75, 0.58];
const mean = HOURLY.reduce((a, b) => a + b, 0) / 24;
const PROFILE = HOURLY.map((x) => Math.round((x / mean) * 1000) / 1000);

/** The region's current state as a scenario, as GET /regions/{id}/scenario answers. */
export function regionScenario({ region, orgs, units, rowOf, now = Date.now() }) {
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const eds = units.filter((u) => u.type === 'seh');
  const ics = units.filter((u) => u.type === 'ic');
  const stations = [];
  const info = [];
  const arrivals = [];
  const icName = 'IC-bedden regio';
  stations.push({ name: 'ZCC triage', servers: 6, service: { dist: 'lognormal', mean_minutes: 8, sd_minutes: 5 }, initial_in_service: 4, initial_waiting: 1 });
  info.push({ name: 'ZCC triage', unit_id: null, kind: 'zcc', stale: false });
  arrivals.push({ name: 'ZCC-meldingen', rate_per_hour: 30, profile: PROFILE, to: 'ZCC triage' });
  for (const u of eds) {
    const row = rowOf(u);
    const places = row.beds?.total || 12;
    let name = `SEH ${orgName.get(u.organization_id) ?? u.id}${u.name.includes('kinderen') ? ' kinderen' : ''}`;
    if (stations.some((x) => x.name === name)) name = `${name} (${u.id})`; // station names are unique
    stations.push({
      name, servers: places, service: { dist: 'lognormal', mean_minutes: 150, sd_minutes: 90 },
      next: [{ station: icName, probability: 0.03 }],
      initial_in_service: Math.min(places, row.ed?.in_treatment ?? Math.round(places * 0.6)), initial_waiting: row.ed?.waiting ?? 0,
    });
    info.push({ name, unit_id: u.id, kind: 'ed', stale: !!row.stale });
    arrivals.push({ name: `${name} zelfverwijzers`, rate_per_hour: Math.round(places * 0.27 * 100) / 100, profile: PROFILE, to: name });
  }
  const icRows = ics.map(rowOf);
  const icBeds = icRows.reduce((s, r) => s + (r.beds?.staffed ?? 0), 0) || 40;
  stations.push({ name: icName, servers: icBeds, service: { dist: 'gamma', mean_minutes: 4320, sd_minutes: 4000 },
    initial_in_service: icRows.reduce((s, r) => s + (r.beds?.occupied ?? 0), 0), initial_waiting: 0 });
  info.push({ name: icName, unit_id: null, kind: 'beds', stale: icRows.some((r) => r.stale) });
  const d = new Date(now);
  const startHourOfWeek = ((d.getDay() + 6) % 7) * 24 + d.getHours();
  const stale = info.filter((s) => s.stale).length;
  return {
    region_id: region.id, as_of: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'),
    scenario: {
      name: `${region.name}: huidige situatie`, description: 'Stand-in of the server\'s scenario (dev/mock-sim.mjs).',
      horizon_hours: 24, start_hour_of_week: startHourOfWeek, arrivals, stations,
    },
    stations: info,
    notes: [
      'Behandelduur en doorstroom zijn aannames (gemiddelden van de regio), geen metingen.',
      ...(stale ? [`${stale} posten hebben verouderde gegevens: hun huidige stand is de laatst bekende.`] : []),
    ],
  };
}

/** Field errors of a scenario as the server names them ("scenario.stations[1].servers"); the brief shape only. */
export function validateScenario(s) {
  const errors = [];
  const err = (field, message) => errors.push({ field: `scenario.${field}`, message });
  if (!s || typeof s !== 'object') return [{ field: 'scenario', message: 'required' }];
  if (!(s.horizon_hours > 0 && s.horizon_hours <= 10_000_000)) err('horizon_hours', 'must be > 0 and <= 10000000');
  if (s.warmup_hours != null && !(s.warmup_hours >= 0 && s.warmup_hours < s.horizon_hours)) err('warmup_hours', 'must be >= 0 and < horizon_hours');
  const names = new Set((s.stations ?? []).map((x) => x.name));
  (s.stations ?? []).forEach((st, i) => {
    if (st.servers != null && st.servers_by_hour != null) err(`stations[${i}].servers`, 'give servers or servers_by_hour, not both');
    else if (st.servers_by_hour != null) {
      if (![24, 168].includes(st.servers_by_hour.length)) err(`stations[${i}].servers_by_hour`, 'must have 24 or 168 entries');
      else if (!st.servers_by_hour.some((c) => c > 0)) err(`stations[${i}].servers_by_hour`, 'at least one hour must have a server');
    } else if (!(Number.isInteger(st.servers) && st.servers >= 1 && st.servers <= 100_000)) err(`stations[${i}].servers`, 'must be an integer from 1 to 100000');
    if (!(st.service?.mean_minutes > 0)) err(`stations[${i}].service.mean_minutes`, 'must be > 0');
    let sum = 0;
    (st.next ?? []).forEach((r, j) => {
      if (!names.has(r.station)) err(`stations[${i}].next[${j}].station`, 'unknown station');
      if (!(r.probability >= 0 && r.probability <= 1)) err(`stations[${i}].next[${j}].probability`, 'must be from 0 to 1');
      sum += r.probability;
    });
    if (sum > 1 + 1e-9) err(`stations[${i}].next`, 'probabilities add up to more than 1');
  });
  const streams = new Set();
  (s.arrivals ?? []).forEach((a, i) => {
    if (streams.has(a.name)) err(`arrivals[${i}].name`, 'duplicate name');
    streams.add(a.name);
    if (!(a.rate_per_hour >= 0 && a.rate_per_hour <= 1_000_000)) err(`arrivals[${i}].rate_per_hour`, 'must be from 0 to 1000000');
    if (!names.has(a.to)) err(`arrivals[${i}].to`, 'unknown station');
  });
  return errors;
}

/** The result of `openzcc simulate` for a scenario, approximated by queueing formulas (see the top of the file). */
export function approximateResult(s, replications, seed) {
  const rate = new Map(s.stations.map((st) => [st.name, 0]));
  for (const a of s.arrivals) rate.set(a.to, rate.get(a.to) + a.rate_per_hour);
  // Flow conservation: a few passes suffice for the shallow networks of the stand-in.
  for (let pass = 0; pass < 20; pass++) {
    const next = new Map(s.stations.map((st) => [st.name, 0]));
    for (const a of s.arrivals) next.set(a.to, next.get(a.to) + a.rate_per_hour);
    for (const st of s.stations) for (const r of st.next ?? []) next.set(r.station, next.get(r.station) + rate.get(st.name) * r.probability);
    for (const [k, v] of next) rate.set(k, v);
  }
  const measured = s.horizon_hours - (s.warmup_hours ?? 0);
  const half = (m, rel) => (replications > 1 ? [m * (1 - rel), m * (1 + rel)] : null);
  const rel = 0.08 / Math.sqrt(replications);
  const stations = {};
  for (const st of s.stations) {
    const lambda = rate.get(st.name);
    const c = st.servers ?? st.servers_by_hour.reduce((x, y) => x + y, 0) / st.servers_by_hour.length;
    const mu = 60 / st.service.mean_minutes;
    const a = lambda / mu;
    const whole = Math.max(1, Math.floor(c));
    let pw; let wq; let util;
    if (lambda === 0) { pw = 0; wq = 0; util = 0; } else if (a < whole) {
      pw = erlangC(whole, a); wq = (pw / (whole * mu - lambda)) * 60; util = a / c;
    } else { pw = 1; util = 1; wq = ((a / whole - 1) * measured * 60) / 2; }
    const closedShare = st.servers_by_hour ? st.servers_by_hour.filter((x) => x === 0).length / st.servers_by_hour.length : 0;
    if (closedShare > 0) { pw = Math.max(pw, closedShare); wq += (closedShare * closedShare * st.servers_by_hour.length * 60) / 2; }
    const e = (m) => ({ mean: m, ci95: half(m, rel) });
    stations[st.name] = { wait_probability: e(Math.min(1, pw)), mean_wait_minutes: e(wq), utilisation: e(Math.min(1, util)), arrival_rate_per_hour: e(lambda) };
  }
  return { stations, events: Math.round([...rate.values()].reduce((x, y) => x + y, 0) * s.horizon_hours * 2 * replications), wall_seconds: 0.01, replications, seed };
}

/**
 * The handler: (req, res, url, user) → true when it answered. `maxRunning` runs at once, else 503 + Retry-After.
 * Who may: admin, and zcc-coordinator, roaz-coordinator and viewer of the region.
 */
export function createSimulations({ region, orgs, units, rowOf, json, problem, readBody, repMs = 120, maxRunning = 4 }) {
  const runs = [];
  let nextId = 1;
  const may = (u) => ['admin', 'zcc-coordinator', 'roaz-coordinator', 'viewer'].includes(u.role) && (u.role === 'admin' || u.region_id === region.id);
  const view = (r, full) => {
    const ended = r.state === 'done' || r.state === 'failed' || r.state === 'cancelled';
    const done = r.state === 'cancelled' ? r.replications_done : ended ? r.replications : Math.min(r.replications, Math.floor((Date.now() - r.t0) / repMs));
    if (!ended) {
      if (done >= r.replications) { r.state = 'done'; r.finished_at = new Date().toISOString(); r.result = approximateResult(r.scenario, r.replications, r.seed); } else if (done > 0) r.state = 'running';
      if (r.state === 'running' && !r.started_at) r.started_at = new Date().toISOString();
    }
    const { t0: _t0, scenario, result, ...rest } = r;
    return { ...rest, replications_done: r.state === 'done' ? r.replications : done, ...(full ? { scenario, result: result ?? null } : {}) };
  };
  return async (req, res, url, user) => {
    const p = url.pathname;
    const isScenario = p === `/api/v1/regions/${region.id}/scenario`;
    if (!isScenario && !p.startsWith('/api/v1/simulations')) return false;
    if (!may(user)) { problem(res, 403, 'Forbidden', undefined, 'what-if simulations are for admin, and coordinators and viewers of the region'); return true; }
    if (isScenario && req.method === 'GET') { json(res, 200, regionScenario({ region, orgs, units, rowOf })); return true; }
    if (p === '/api/v1/simulations' && req.method === 'GET') {
      const items = runs.filter((r) => !url.searchParams.get('region') || r.region_id === url.searchParams.get('region')).map((r) => view(r, false)).reverse();
      json(res, 200, { items });
      return true;
    }
    if (p === '/api/v1/simulations' && req.method === 'POST') {
      let b;
      try { b = JSON.parse(await readBody(req)); } catch { problem(res, 400, 'Bad request', undefined, 'body is not JSON'); return true; }
      const errors = [];
      if (b.region_id !== region.id) errors.push({ field: 'region_id', message: 'unknown region' });
      const reps = b.replications ?? 10;
      if (!(Number.isInteger(reps) && reps >= 1 && reps <= 100)) errors.push({ field: 'replications', message: 'must be an integer from 1 to 100' });
      errors.push(...validateScenario(b.scenario));
      if (errors.length) { problem(res, 400, 'Bad request', errors, 'the simulation is invalid'); return true; }
      if (runs.filter((r) => { view(r, false); return r.state === 'queued' || r.state === 'running'; }).length >= maxRunning) {
        res.setHeader('Retry-After', '1');
        problem(res, 503, 'Service unavailable', undefined, 'too many simulations running');
        return true;
      }
      const run = {
        id: `sim-${nextId++}`, region_id: region.id, name: String(b.name ?? ''), state: 'queued', replications: reps, replications_done: 0,
        seed: b.seed ?? 1, created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), created_by: user.username,
        started_at: null, finished_at: null, error: null, t0: Date.now(), scenario: b.scenario, result: null,
      };
      runs.push(run);
      res.setHeader('Location', `/api/v1/simulations/${run.id}`);
      json(res, 202, view(run, true));
      return true;
    }
    const c = /^\/api\/v1\/simulations\/([^/]+)\/cancel$/.exec(p);
    if (c && req.method === 'POST') {
      const r = runs.find((x) => x.id === decodeURIComponent(c[1]));
      if (!r) { problem(res, 404, 'Not found'); return true; }
      const now = view(r, false);
      if (now.state !== 'queued' && now.state !== 'running') { problem(res, 409, 'Conflict', undefined, `the run has ended (${now.state})`); return true; }
      if (user.role === 'viewer' && r.created_by !== user.username) { problem(res, 403, 'Forbidden', undefined, 'a viewer may stop only the runs it started'); return true; }
      Object.assign(r, { state: 'cancelled', replications_done: now.replications_done, finished_at: new Date().toISOString() });
      json(res, 200, view(r, true));
      return true;
    }
    const m = /^\/api\/v1\/simulations\/([^/]+)$/.exec(p);
    if (m && req.method === 'GET') {
      const r = runs.find((x) => x.id === decodeURIComponent(m[1]));
      if (!r) { problem(res, 404, 'Not found'); return true; }
      json(res, 200, view(r, true));
      return true;
    }
    problem(res, 405, 'Method not allowed');
    return true;
  };
}

#!/usr/bin/env node
// Development stand-in for the OpenZCC API, for working on the UI without the C++ server.
// Implements the /api/v1 contract the UI uses (auth, regions, snapshot, history, capacity PUT with
// validation, SSE events, what-if simulations from dev/mock-sim.mjs) from a region file, and serves web/dist with an SPA fallback.
// Usage: node dev/mock-api.mjs [--port 8099] [--region ../data/regions/zwn.json] [--feed]
// Accounts: admin, coord (roaz-coordinator), mgr (org-capacity-manager of the first hospital), viewer, and for the
// worklist (dev/mock-cases.mjs) zcc (zcc-coordinator), vvt (org-user of the first VVT organisation), hospital
// (org-user of the first hospital), and for transfers (dev/mock-transfers.mjs) hospital2 (org-user of the second
// hospital), and spreading plans (dev/mock-spreading.mjs) for admin, coord, zcc and viewer; placements and their KPIs
// (dev/mock-placements.mjs); the region's phase and the crisis approval of transfers (dev/mock-phase.mjs); password "demo".
import http from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, extname, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCases } from './mock-cases.mjs';
import { createSimulations } from './mock-sim.mjs';
import { createTransfers } from './mock-transfers.mjs';
import { createSpreading } from './mock-spreading.mjs';
import { createPlacements } from './mock-placements.mjs';
import { createPhase } from './mock-phase.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const port = Number(arg('--port', '8099'));
const host = arg('--host', '127.0.0.1');
const fresh = process.argv.includes('--fresh'); // no reports at all: every unit stale; no demo placements
const regionFile = arg('--region', join(here, '../../data/regions/zwn.json'));
const dist = arg('--web', join(here, '../dist'));
// Optional JSON file of extra accounts [{username, role, organization_id, region_id, password}], re-read on each login.
const usersFile = arg('--users', null);
const feed = process.argv.includes('--feed');

const file = JSON.parse(readFileSync(regionFile, 'utf8'));
const region = file.region;
const orgs = file.organizations.map(({ id, name, type, subregion_id }) => ({ id, name, type, subregion_id }));
const locs = file.locations.map(({ id, organization_id, name, address, city, lat, lon }) => ({ id, organization_id, name, address, city, lat, lon }));
const units = file.units.map(({ id, organization_id, location_id, type, specialism, name, expected_interval_s }) => ({ id, organization_id, location_id, type, specialism: specialism ?? null, name, expected_interval_s }));
const demo = new Map(file.units.map((u) => [u.id, u.demo ?? {}]));
const criteria = new Map(file.units.map((u) => [u.id, u.criteria ?? null]));
const orgById = new Map(orgs.map((o) => [o.id, o]));
const locById = new Map(locs.map((l) => [l.id, l]));
const firstHospital = orgs.find((o) => o.type === 'hospital');

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
let version = 1;
const state = new Map(); // unit_id -> {as_of, beds, ed}
const history = new Map(); // unit_id -> points

function fake(u, t) {
  const d = demo.get(u.id);
  const total = d.beds_total ?? (u.type === 'hap' ? 0 : 10);
  const staffed = Math.min(total, d.beds_staffed ?? Math.round(total * 0.9));
  const occ = Math.min(staffed, Math.round(staffed * Math.min(1, (d.occupancy ?? 0.8) + (rnd() - 0.4) * 0.3)));
  const avail = Math.max(0, staffed - occ);
  const beds = u.type === 'hap' ? null : { total, staffed, occupied: occ, available: avail };
  let ed = null;
  if (u.type === 'seh' || u.type === 'hap') {
    const crowding = Math.round(40 + rnd() * 130);
    ed = { status: crowding > 150 ? 'closed' : crowding > 120 ? 'threatened' : 'open', waiting: Math.round((d.ed_waiting ?? 5) * (0.5 + rnd())), in_treatment: Math.round(rnd() * 20), boarding: Math.round(rnd() * 6), crowding };
  }
  return { as_of: new Date(t).toISOString().replace(/\.\d+Z$/, 'Z'), beds, ed };
}

const now0 = Date.now();
if (!fresh) units.forEach((u, i) => {
  // Every 9th unit never reported, every 7th is old: the stale display shows.
  if (i % 9 === 4) return;
  const pts = [];
  for (let t = now0 - 7 * 86400000; t < now0; t += 3 * 3600000) pts.push(fake(u, t));
  history.set(u.id, pts);
  const age = i % 7 === 3 ? u.expected_interval_s * 3 : Math.floor(rnd() * u.expected_interval_s);
  state.set(u.id, fake(u, now0 - age * 1000));
});

function row(u, nowMs = Date.now()) {
  const s = state.get(u.id);
  const o = orgById.get(u.organization_id);
  const l = locById.get(u.location_id);
  const age = s ? Math.max(0, Math.floor((nowMs - Date.parse(s.as_of)) / 1000)) : null;
  return {
    unit_id: u.id, organization_id: u.organization_id, organization_name: o?.name ?? '', subregion: o?.subregion_id ?? '',
    type: u.type, specialism: u.specialism, name: u.name, location: l ? { lat: l.lat, lon: l.lon } : null,
    beds: s?.beds ?? null, ed: s?.ed ?? null, as_of: s?.as_of ?? null, age_seconds: age,
    stale: age == null || age > 2 * u.expected_interval_s, expected_interval_s: u.expected_interval_s,
  };
}

function snapshot() {
  const now = Date.now();
  const rows = units.map((u) => row(u, now));
  const by_type = {}, by_subregion = {};
  const add = (t, r) => { t.units++; if (r.beds) for (const k of ['total', 'staffed', 'occupied', 'available']) t[k] += r.beds[k]; };
  const empty = () => ({ units: 0, total: 0, staffed: 0, occupied: 0, available: 0 });
  for (const r of rows) { add(by_type[r.type] ??= empty(), r); add((by_subregion[r.subregion] ??= {})[r.type] ??= empty(), r); }
  return { region: region.id, version, generated_at: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'), units: rows, totals: { by_type, by_subregion } };
}

const users = {
  admin: { username: 'admin', role: 'admin', organization_id: null, region_id: region.id },
  coord: { username: 'coord', role: 'roaz-coordinator', organization_id: null, region_id: region.id },
  mgr: { username: 'mgr', role: 'org-capacity-manager', organization_id: firstHospital?.id ?? null, region_id: region.id },
  viewer: { username: 'viewer', role: 'viewer', organization_id: null, region_id: region.id },
  zcc: { username: 'zcc', role: 'zcc-coordinator', organization_id: null, region_id: region.id },
  vvt: { username: 'vvt', role: 'org-user', organization_id: orgs.find((o) => o.type === 'vvt')?.id ?? null, region_id: region.id },
  hospital: { username: 'hospital', role: 'org-user', organization_id: firstHospital?.id ?? null, region_id: region.id },
  hospital2: { username: 'hospital2', role: 'org-user', organization_id: orgs.filter((o) => o.type === 'hospital')[1]?.id ?? null, region_id: region.id },
  provider: { username: 'provider', role: 'org-user', organization_id: units.find((u) => u.type === 'elv-high')?.organization_id ?? null, region_id: region.id },
};
const sessions = new Map();
const clients = new Set();

const problem = (res, status, title, errors, detail) => {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail, instance: res.req.url, errors }));
};
const json = (res, status, body) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
const readBody = (req) => new Promise((ok) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => ok(b)); });
const who = (req) => { const m = /(?:^|;\s*)ozcc_session=([^;]+)/.exec(req.headers.cookie ?? ''); return m ? sessions.get(m[1]) : undefined; };

function broadcast(u) {
  const data = JSON.stringify(row(u));
  for (const c of clients) c.write(`id: ${version}\nevent: capacity\ndata: ${data}\n\n`);
}

// Every live event but capacity: the next version, to every stream.
function publish(type, data) {
  version += 1;
  for (const c of clients) c.write(`id: ${version}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}

const handleCases = createCases({
  region, orgs, units, complaintsFile: join(here, '../../data/complaints.json'), json, problem, readBody,
  publish,
});

// The region's declared phase (dev/mock-phase.mjs); in a crisis with approval on, new transfers await approval.
const handlePhase = createPhase({ region, json, problem, readBody, publish });

// Transfers (dev/mock-transfers.mjs): an arrival moves one occupied bed from the sending unit's report to the receiving one's.
const handleTransfers = createTransfers({
  region, orgs, units, json, problem, readBody,
  publish, approvalRequired: handlePhase.approvalRequired,
  arrive: (fromId, toId) => {
    const asOf = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    for (const [id, d] of [[toId, 1], [fromId, -1]]) {
      const s = state.get(id);
      if (!s?.beds) continue;
      const b = { ...s.beds };
      b.occupied = Math.max(0, Math.min(b.total, b.occupied + d));
      b.available = d > 0 ? Math.max(0, b.available - 1) : b.occupied + b.available + 1 <= b.staffed ? b.available + 1 : b.available;
      state.set(id, { ...s, as_of: asOf, beds: b });
      version += 1;
      broadcast(units.find((u) => u.id === id));
    }
  },
});

// Spreading plans (dev/mock-spreading.mjs): solved greedily from the current rows; approval makes transfers above.
const handleSpreading = createSpreading({
  region, orgs, locs, units, rowOf: (u) => row(u), json, problem, readBody, transfers: handleTransfers,
  publish,
});

// Placements (dev/mock-placements.mjs): demo placements of the last ten days, matches from the current rows and the
// region file's criteria; an accepted offer makes a transfer above, its arrival places the patient; the placement KPIs.
const handlePlacements = createPlacements({
  region, orgs, locs, units, rowOf: (u) => row(u), criteriaOf: (id) => criteria.get(id), json, problem, readBody, transfers: handleTransfers,
  publish, demo: !fresh,
});

// What-if (dev/mock-sim.mjs): the region's scenario from the current rows, runs by queueing formulas.
const handleSimulations = createSimulations({ region, orgs, units, rowOf: (u) => row(u), json, problem, readBody });

function validate(u, body) {
  const errors = [];
  const isCount = (v) => Number.isInteger(v) && v >= 0;
  if (body.beds) {
    if (u.type === 'hap') errors.push({ field: 'beds', message: 'beds not allowed for hap' });
    for (const k of ['total', 'staffed', 'occupied', 'available']) if (!isCount(body.beds[k])) errors.push({ field: `beds.${k}`, message: 'must be an integer >= 0' });
    const b = body.beds;
    if (b.staffed > b.total) errors.push({ field: 'beds.staffed', message: 'staffed must not exceed total' });
    if (b.occupied > b.total) errors.push({ field: 'beds.occupied', message: 'occupied must not exceed total' });
    if (b.available > 0 && Math.max(b.occupied, 0) + b.available > b.staffed) errors.push({ field: 'beds.available', message: 'occupied + available must not exceed staffed' });
  }
  if (body.ed) {
    if (u.type !== 'seh' && u.type !== 'hap') errors.push({ field: 'ed', message: 'ed only for seh/hap' });
    if (!['open', 'threatened', 'closed'].includes(body.ed.status)) errors.push({ field: 'ed.status', message: 'invalid status' });
    for (const k of ['waiting', 'in_treatment', 'boarding', 'crowding']) if (!isCount(body.ed[k])) errors.push({ field: `ed.${k}`, message: 'must be an integer >= 0' });
    if (body.ed.crowding > 200) errors.push({ field: 'ed.crowding', message: 'crowding must be 0..200' });
  }
  return errors;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  if (p === '/readyz' || p === '/healthz') return json(res, 200, { status: 'ok' });
  if (p.startsWith('/api/')) {
    if (p === '/api/v1/auth/login' && req.method === 'POST') {
      let b; try { b = JSON.parse(await readBody(req)); } catch { return problem(res, 400, 'Bad JSON'); }
      const extra = usersFile && existsSync(usersFile) ? JSON.parse(readFileSync(usersFile, 'utf8')) : [];
      const x = extra.find((e) => e.username === b.username);
      const u = x ? { username: x.username, role: x.role, organization_id: x.organization_id ?? null, region_id: x.region_id ?? region.id } : users[b.username];
      if (!u || b.password !== (x ? x.password : 'demo')) return problem(res, 401, 'Unauthorized', [], 'invalid credentials');
      const tok = Math.random().toString(36).slice(2);
      sessions.set(tok, u);
      res.setHeader('Set-Cookie', `ozcc_session=${tok}; HttpOnly; SameSite=Strict; Path=/`);
      return json(res, 200, { token: tok, expires_at: new Date(Date.now() + 8 * 3600000).toISOString(), user: u });
    }
    const user = who(req);
    if (!user) return problem(res, 401, 'Unauthorized');
    if (p === '/api/v1/auth/logout') { res.setHeader('Set-Cookie', 'ozcc_session=; Max-Age=0; Path=/'); res.writeHead(204); return res.end(); }
    if (p === '/api/v1/auth/me') return json(res, 200, user);
    if (p === '/api/v1/regions') return json(res, 200, [region]);
    if (p === `/api/v1/regions/${region.id}`) return json(res, 200, { region, organizations: orgs, locations: locs, units });
    if (p === '/api/v1/capacity/snapshot') return json(res, 200, snapshot());
    if (p === '/api/v1/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      res.write(': hello\n\n');
      clients.add(res);
      const hb = setInterval(() => res.write(': hb\n\n'), 15000);
      req.on('close', () => { clearInterval(hb); clients.delete(res); });
      return;
    }
    let m = /^\/api\/v1\/units\/([^/]+)\/capacity\/history$/.exec(p);
    if (m) {
      const id = decodeURIComponent(m[1]);
      const pts = [...(history.get(id) ?? []), ...(state.get(id) ? [state.get(id)] : [])];
      return json(res, 200, { unit_id: id, from: url.searchParams.get('from'), to: url.searchParams.get('to'), downsampled: false, points: pts });
    }
    m = /^\/api\/v1\/units\/([^/]+)\/capacity$/.exec(p);
    if (m && req.method === 'PUT') {
      const u = units.find((x) => x.id === decodeURIComponent(m[1]));
      if (!u) return problem(res, 404, 'Not Found');
      const can = user.role === 'admin' || user.role === 'roaz-coordinator' || (user.role === 'org-capacity-manager' && user.organization_id === u.organization_id);
      if (!can) return problem(res, 403, 'Forbidden');
      let b; try { b = JSON.parse(await readBody(req)); } catch { return problem(res, 400, 'Bad JSON'); }
      const errors = validate(u, b);
      if (errors.length) return problem(res, 422, 'Validation failed', errors, 'capacity report is invalid');
      version += 1;
      const s = { as_of: b.as_of ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'), beds: b.beds ?? null, ed: b.ed ?? null };
      state.set(u.id, s);
      (history.get(u.id) ?? history.set(u.id, []).get(u.id)).push(s);
      broadcast(u);
      return json(res, 200, { unit_id: u.id, ...s, received_at: new Date().toISOString(), source: 'manual', note: b.note ?? null, version });
    }
    if (await handlePhase(req, res, url, user)) return;
    if (await handleCases(req, res, url, user)) return;
    if (await handleSimulations(req, res, url, user)) return;
    if (await handleTransfers(req, res, url, user)) return;
    if (await handleSpreading(req, res, url, user)) return;
    if (await handlePlacements(req, res, url, user)) return;
    return problem(res, 404, 'Not Found');
  }
  // Static files with SPA fallback.
  let f = join(dist, p);
  if (!f.startsWith(dist) || !existsSync(f) || statSync(f).isDirectory()) f = join(dist, 'index.html');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
  res.writeHead(200, { 'Content-Type': types[extname(f)] ?? 'application/octet-stream' });
  res.end(readFileSync(f));
});

if (feed) {
  setInterval(() => {
    const fresh = units.filter((_, i) => i % 9 !== 4 && i % 7 !== 3);
    const u = fresh[Math.floor(rnd() * fresh.length)];
    version += 1;
    state.set(u.id, fake(u, Date.now()));
    broadcast(u);
  }, 2000);
}

server.listen(port, host, () => console.log(`mock OpenZCC API on http://127.0.0.1:${port} (region ${region.id}, ${units.length} units${feed ? ', live feed' : ''})`));

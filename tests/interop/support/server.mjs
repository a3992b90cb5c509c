// Starts a real OpenZCC server for the interoperability tests, the way an operator would: a new
// store (a temporary SQLite file, or a new empty database on the PostgreSQL server named by
// OZCC_TEST_PG), regions imported with `openzcc region import`, users made with
// `openzcc user add … --password-stdin`, a feed token from `openzcc token create`, then `serve`
// on a free port of 127.0.0.1. Capacity is seeded through the JSON API (one atomic batch per
// region), so the FHIR MeasureReport search has something to export: every unit of the hospital
// the tests report for, and every third other unit (a region where some units never reported;
// it also keeps the export, which the sanitizer build serves slowly, small). Handovers are seeded
// the same way (cases handed over to several organisations, two accepted), for the Task search.
// Nothing is mocked.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { randomBytes } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const interopDir = resolve(here, '..');
const repo = resolve(interopDir, '../..');
export const BIN = resolve(interopDir, process.env.OZCC_BIN ?? '../../build/asan/openzcc');
export const REGION_FILES = ['zwn.json', 'demo-small.json'].map((f) => join(repo, 'data/regions', f));

// The fetch Node.js came with, captured before a test installs its own transport as the global
// fetch (fhir-kit-client calls the global one).
const nodeFetch = globalThis.fetch;

const serverEnv = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=0' };

function run(args, input) {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8', timeout: 120000, env: serverEnv });
  if (r.status !== 0) {
    throw new Error(`${BIN} ${args.join(' ')} failed (${r.error?.message ?? r.signal ?? r.status}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// --- PostgreSQL: one new, empty database per server, dropped at the end ----------------------

/** The admin URL of the PostgreSQL server to test against, or '' when there is none. */
export function pgAdminUrl() {
  return process.env.OZCC_TEST_PG ?? '';
}

function psql(sql) {
  const r = spawnSync('psql', [pgAdminUrl(), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    encoding: 'utf8',
    timeout: 60000,
  });
  if (r.error) throw new Error(`psql: ${r.error.message} (install the PostgreSQL client)`);
  if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr || r.stdout}`);
}

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let databaseCounter = 0;

function createDatabase() {
  const name = `ozcc_interop_${process.pid}_${databaseCounter++}`;
  psql(`CREATE DATABASE ${name}`);
  return { name, url: withDatabase(pgAdminUrl(), name) };
}

// --- the server -------------------------------------------------------------------------------

/**
 * Prepares a store and starts `openzcc serve` on it.
 * @param {{store: 'sqlite'|'postgres', serveArgs?: string[]}} options
 *   serveArgs: extra flags for `serve` (e.g. `--trusted-proxy 127.0.0.1`).
 * @returns the server: `origin` (http://127.0.0.1:PORT), `tokens` (Bearer tokens by role),
 *   `org` (the organisation of the capacity manager and the feed token), `regions` (the JSON
 *   API's view of each imported region), `restart(serveArgs)` and `close()`.
 */
export async function startServer({ store, serveArgs = [] }) {
  if (!existsSync(BIN)) throw new Error(`server binary not found: ${BIN} (build it, or set OZCC_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'ozcc-interop-'));
  let database = null;
  let db;
  if (store === 'postgres') {
    if (!pgAdminUrl()) throw new Error('OZCC_TEST_PG is not set');
    database = createDatabase();
    db = database.url;
  } else if (store === 'sqlite') {
    db = join(dir, 'ozcc.db');
  } else {
    throw new Error(`unknown store ${store}`);
  }
  const cleanup = () => {
    if (process.env.OZCC_KEEP === '1') {
      console.error(`# OZCC_KEEP=1: kept ${dir} (server.log)${database ? ` and database ${database.name}` : ''}`);
      return;
    }
    if (database) {
      try {
        psql(`DROP DATABASE IF EXISTS ${database.name} WITH (FORCE)`);
      } catch (e) {
        console.error(`# could not drop ${database.name}: ${e.message}`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  let proc;
  try {
    for (const file of REGION_FILES) run(['region', 'import', file, '--db', db]);

    // The organisation of the capacity manager and the feed: a hospital with an IC unit,
    // taken from the region file (the users are made before the server runs).
    const zwn = JSON.parse(readFileSync(REGION_FILES[0], 'utf8'));
    const hospital = zwn.organizations.find(
      (o) => o.type === 'hospital' && zwn.units.some((u) => u.organization_id === o.id && u.type === 'ic'),
    );
    if (!hospital) throw new Error('no hospital with an IC unit in the ZWN region file');
    const regionId = zwn.region.id;

    const password = `pw-${randomBytes(12).toString('base64url')}`;
    const addUser = (username, role, extra = []) =>
      run(['user', 'add', '--username', username, '--role', role, ...extra, '--password-stdin', '--db', db], `${password}\n`);
    addUser('interop-admin', 'admin');
    addUser('interop-coordinator', 'roaz-coordinator', ['--region', regionId]);
    addUser('interop-manager', 'org-capacity-manager', ['--org', hospital.id]);
    const feed = run(['token', 'create', '--org', hospital.id, '--name', 'interop-feed', '--db', db]).trim().split('\n').pop().trim();
    if (!/^\S{20,}$/.test(feed)) throw new Error(`token create printed no token: ${feed}`);

    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const logFile = join(dir, 'server.log');
    const spawnServer = async (args) => {
      const fd = openSync(logFile, 'a');
      proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, ...args], {
        stdio: ['ignore', fd, fd],
        env: serverEnv,
      });
      await waitReady(origin, proc, logFile);
    };
    await spawnServer(serveArgs);

    const tokens = {
      admin: await login(origin, 'interop-admin', password),
      coordinator: await login(origin, 'interop-coordinator', password),
      manager: await login(origin, 'interop-manager', password),
      feed,
    };
    const regions = {};
    for (const { id } of await getJson(origin, '/api/v1/regions', tokens.admin).then(listOf)) {
      regions[id] = await getJson(origin, `/api/v1/regions/${encodeURIComponent(id)}`, tokens.admin);
    }
    const reports = (unit, i) => unit.organization_id === hospital.id || i % 3 === 0;
    for (const region of Object.values(regions)) await seedCapacity(origin, tokens.admin, region, reports);
    await seedHandovers(origin, tokens, regions, hospital.id);

    return {
      store,
      origin,
      tokens,
      org: hospital.id,
      regions,
      log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
      /** Stops the server and starts it again on the same store with other `serve` flags. */
      async restart(args) {
        await stop(proc);
        await spawnServer(args);
      },
      async close() {
        await stop(proc);
        cleanup();
      },
    };
  } catch (e) {
    await stop(proc);
    cleanup();
    throw e;
  }
}

function listOf(body) {
  if (Array.isArray(body)) return body;
  for (const key of ['regions', 'items']) if (Array.isArray(body?.[key])) return body[key];
  throw new Error(`GET /api/v1/regions: no list in ${JSON.stringify(body).slice(0, 200)}`);
}

async function login(origin, username, password) {
  const res = await nodeFetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

async function getJson(origin, path, token) {
  const res = await nodeFetch(`${origin}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * One current report for each unit of the region that `reports(unit, index)` selects
 * (POST /api/v1/capacity:batch): beds for every unit type that has beds, an ED state for SEH and
 * GP-post units. Counts differ per unit and leave at least one bed available (staffed = total - 1,
 * occupied = staffed / 2).
 */
async function seedCapacity(origin, token, region, reports) {
  const selected = region.units.map((u, i) => [u, i]).filter(([u, i]) => reports(u, i));
  const items = selected.map(([u, i]) => {
    const item = { unit_id: u.id };
    if (u.type !== 'hap') {
      const total = 10 + (i % 23);
      const staffed = total - 1;
      const occupied = Math.floor(staffed / 2);
      item.beds = { total, staffed, occupied, available: staffed - occupied };
    }
    if (u.type === 'seh' || u.type === 'hap') item.ed = { status: 'open', waiting: i % 9, in_treatment: i % 5 };
    return item;
  });
  const res = await nodeFetch(`${origin}/api/v1/capacity:batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ items }),
  });
  if (res.status !== 200) throw new Error(`seeding ${region.region?.id}: HTTP ${res.status} ${await res.text()}`);
}

/** A JSON API call that must answer `status`; returns the response's JSON and ETag. */
async function call(origin, token, method, path, body, status, headers = {}) {
  const res = await nodeFetch(`${origin}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (res.status !== status) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return { json: await res.json(), etag: res.headers.get('etag') };
}

/**
 * Handovers for the FHIR Task search (the admin's worklist): in every region, cases handed over to
 * several organisations, the first region's to `hospital` too, two of which its capacity manager
 * accepts — so owner, status and region each select a strict subset. No patient data.
 */
async function seedHandovers(origin, tokens, regions, hospital) {
  let n = 0;
  let accepted = 0;
  for (const [regionId, region] of Object.entries(regions)) {
    const orgs = region.organizations.map((o) => o.id).filter((id) => id !== hospital);
    const targets = region.organizations.some((o) => o.id === hospital) ? [hospital, hospital, hospital, ...orgs.slice(0, 5)] : orgs.slice(0, 4);
    for (const org of targets) {
      const request = { region_id: regionId, channel: 'gp', summary: `interop ${++n}`, urgency: 'U3', complaint: 'catheter-problem' };
      const created = await call(origin, tokens.admin, 'POST', '/api/v1/cases', request, 201);
      const sbar = { to_organization_id: org, sbar: { situation: 'interop', recommendation: 'take over' } };
      const handed = await call(origin, tokens.admin, 'POST', `/api/v1/cases/${created.json.id}/handovers`, sbar, 201, { 'If-Match': created.etag });
      const handover = handed.json.handovers.at(-1);
      if (org === hospital && accepted < 2) {
        accepted += 1;
        await call(origin, tokens.manager, 'POST', `/api/v1/handovers/${handover.id}/accept`, {}, 200, { 'If-Match': `"${handover.version}"` });
      }
    }
  }
}

async function waitReady(origin, proc, logFile) {
  const until = Date.now() + 90000;
  while (Date.now() < until) {
    if (proc.exitCode != null) throw new Error(`server exited with ${proc.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    try {
      const r = await nodeFetch(`${origin}/readyz`);
      if (r.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((ok) => setTimeout(ok, 150));
  }
  throw new Error(`server not ready after 90 s:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
}

function stop(proc) {
  return new Promise((ok) => {
    if (!proc || proc.exitCode != null || proc.signalCode != null) return ok();
    const kill = setTimeout(() => proc.kill('SIGKILL'), 15000);
    proc.once('exit', () => {
      clearTimeout(kill);
      ok();
    });
    proc.kill('SIGTERM');
  });
}

// Starts a real OpenZCC server for the browser tests: a temporary SQLite database with the ZWN region,
// users made with the CLI, `serve` on a free port serving web/dist. Nothing is mocked.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { randomBytes } from 'node:crypto';

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(webDir, '..');
export const BIN = resolve(webDir, process.env.OZCC_BIN ?? '../build/asan/openzcc');
const REGION_FILE = join(repo, 'data/regions/zwn.json');
const DIST = join(webDir, 'dist');

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

function run(args, input) {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`${BIN} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

// options.demo: serve with --demo (simulated feeds and weeks of simulated history, as `make run`).
export async function startServer(options = {}) {
  if (!existsSync(BIN)) throw new Error(`server binary not found: ${BIN} (build it, or set OZCC_BIN)`);
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`web/dist is missing: run "npm run build" first`);
  const dir = mkdtempSync(join(tmpdir(), 'ozcc-e2e-'));
  const db = join(dir, 'ozcc.db');
  run(['region', 'import', REGION_FILE, '--db', db]);
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const addUser = (username, role, extra = []) =>
    run(['user', 'add', '--username', username, '--role', role, ...extra, '--password-stdin', '--db', db], `${password}\n`);
  addUser('e2e-coord', 'roaz-coordinator', ['--region', 'ZWN']);
  addUser('e2e-viewer', 'viewer', ['--region', 'ZWN']);
  // The worklist (worklist.test.mjs): a coordinator of the ZCC; the partners are added below.
  addUser('zcc', 'zcc-coordinator', ['--region', 'ZWN']);
  // The privacy officer of the region (privacy.test.mjs): the access log and break-glass review.
  addUser('privacy', 'privacy-officer', ['--region', 'ZWN']);
  // An administrator, for break-glass on a case (the privacy officer reviews it).
  addUser('e2e-admin', 'admin');
  // Patient data is sealed with a key of its own; without one the server refuses patient data.
  const patientKey = join(dir, 'patient.key');
  run(['patient-key', 'generate', patientKey]);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'server.log');
  let proc;
  const spawnServer = async () => {
    const fd = openSync(logFile, 'a');
    proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', DIST, '--patient-key', patientKey, ...(options.demo ? ['--demo'] : [])],
      { stdio: ['ignore', fd, fd], env: { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=0' } });
    await waitReady(base, proc, logFile);
  };
  await spawnServer();

  // A capacity manager of a hospital chosen from the live API (no ids hard-coded here).
  const coord = await apiLogin(base, 'e2e-coord', password);
  const region = await (await fetch(`${base}/api/v1/regions/ZWN`, { headers: { Cookie: coord } })).json();
  const org = region.organizations.find((o) => o.type === 'hospital' && region.units.some((u) => u.organization_id === o.id && (u.type === 'ic' || u.type === 'ward')));
  if (!org) throw new Error('no hospital with ic/ward units in region ZWN');
  // Partners of the worklist: a user of a VVT organisation (handovers go there) and of a hospital (not involved).
  const vvtOrg = region.organizations.find((o) => o.type === 'vvt');
  if (!vvtOrg) throw new Error('no VVT organisation in region ZWN');
  // Transfers (transfers.test.mjs): a user of a second hospital with a unit of a type the first one has too.
  const bedTypes = new Set(region.units.filter((u) => u.organization_id === org.id && (u.type === 'ic' || u.type === 'ward')).map((u) => u.type));
  const org2 = region.organizations.find((o) => o.type === 'hospital' && o.id !== org.id
    && region.units.some((u) => u.organization_id === o.id && bedTypes.has(u.type)));
  if (!org2) throw new Error('no second hospital with an ic/ward unit in region ZWN');
  // Placements (placements.test.mjs): a user of a follow-up care provider with an ELV high-care unit.
  const providerOrg = region.organizations.find((o) => region.units.some((u) => u.organization_id === o.id && u.type === 'elv-high'));
  if (!providerOrg) throw new Error('no organisation with an elv-high unit in region ZWN');
  const orgUsers = [
    ['e2e-manager', 'org-capacity-manager', org.id], ['vvt', 'org-user', vvtOrg.id], ['hospital', 'org-user', org.id],
    ['hospital2', 'org-user', org2.id], ['provider', 'org-user', providerOrg.id],
  ];
  // A partner's feed (a GP post) that reports patients' contacts with its token (POST /api/v1/contacts).
  const feedOrg = region.organizations.find((o) => o.type === 'hap') ?? region.organizations.find((o) => o.id !== org.id && o.id !== vvtOrg.id);
  const createToken = () => run(['token', 'create', '--org', feedOrg.id, '--name', 'e2e-feed', '--db', db]).trim().split(/\s+/).pop();
  const locked = [];
  for (const [name, role, orgId] of orgUsers) {
    try { addUser(name, role, ['--org', orgId, '--region', 'ZWN']); } catch { locked.push([name, role, orgId]); }
  }
  let feedToken = null;
  try { feedToken = createToken(); } catch { /* locked: below */ }
  if (locked.length || !feedToken) {
    // The store may be locked by the running server: add those users (and the token) with the server stopped.
    await stop(proc);
    for (const [name, role, orgId] of locked) addUser(name, role, ['--org', orgId, '--region', 'ZWN']);
    if (!feedToken) feedToken = createToken();
    await spawnServer();
  }

  return {
    base, password, region, org, org2, vvtOrg, feedOrg, feedToken, providerOrg,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async close() { await stop(proc); rmSync(dir, { recursive: true, force: true }); },
  };
}

export async function apiLogin(base, username, password) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (cookie) return cookie.split(';')[0];
  const body = await res.json();
  return `ozcc_session=${body.token}`;
}

async function waitReady(base, proc, logFile) {
  const until = Date.now() + 90000;
  while (Date.now() < until) {
    if (proc.exitCode != null) throw new Error(`server exited with ${proc.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.status === 200) return;
    } catch { /* not up yet */ }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  throw new Error(`server not ready after 90 s:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
}

function stop(proc) {
  return new Promise((ok) => {
    if (!proc || proc.exitCode != null) return ok();
    const kill = setTimeout(() => proc.kill('SIGKILL'), 15000);
    proc.once('exit', () => { clearTimeout(kill); ok(); });
    proc.kill('SIGTERM');
  });
}

// Opens a page in `context`, signs in through the form as `username` (the
// server's shared password) and waits for `ready` (a selector) to show.
export async function signInPage(context, srv, username, ready) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${username}] pageerror: ${e.message}`));
  await page.goto(srv.base + '/');
  await page.fill('#login-username', username);
  await page.fill('#login-password', srv.password);
  await page.click('button[type=submit]');
  await page.waitForSelector(ready, { timeout: 20000 });
  return page;
}

/** A new browser context (Dutch, wide, downloads allowed) signed in as `username`, at the top bar. */
export async function signInContext(browser, srv, username) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'nl-NL', acceptDownloads: true });
  const page = await signInPage(context, srv, username, 'header.topbar');
  return { context, page };
}

/** Polls `fn` (every 150 ms) until it returns something true; fails naming `what` (and the last error) after `timeout` ms. */
export async function eventually(fn, what, timeout = 15000) {
  const until = Date.now() + timeout;
  let last;
  while (Date.now() < until) {
    try { if (await fn()) return; } catch (e) { last = e; }
    await new Promise((ok) => setTimeout(ok, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/** A JSON API call with a session cookie (and the CSRF header when there is a body): status, parsed body and ETag. */
export async function apiJson(base, cookie, method, path, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Cookie: cookie, Accept: 'application/json', ...headers, ...(body ? { 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: res.status, body: parsed, etag: res.headers.get('etag') };
}

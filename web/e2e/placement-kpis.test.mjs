// Browser test of the placement KPIs (#/kpi/plaatsingen) against the real server (node --test, playwright-core,
// Debian Chromium). The ZCC coordinator records two placements through the API (an ELV high-care one, offered to
// the provider's unit and declined for "no bed", and a GRZ one); opens the KPIs with `g`, switches to "Plaatsingen"
// and sees the two in the summary, the day table, the decline bar "geen bed" and the provider's row by name;
// groups by care type (all six listed, one each in ELV hoogcomplex and GRZ); downloads the CSV (header, one row per
// care type, the provider's row). The placement desk links to the KPIs for the coordinator, not for a viewer.
// Users (e2e/server.mjs): zcc (zcc-coordinator), provider (org-user of a follow-up care provider), e2e-viewer.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, apiLogin, signInPage } from './server.mjs';
import { launch } from '../dev/chromium.mjs';

let srv;
let browser;
// OZCC_E2E_BASE=http://… runs this file against a server that is already running with no placements yet (e.g.
// `node dev/mock-api.mjs --fresh`, password `demo` or OZCC_E2E_PASSWORD); its viewer is `viewer`.
const external = !!process.env.OZCC_E2E_BASE;
const VIEWER = external ? 'viewer' : 'e2e-viewer';

before(async () => {
  if (external) {
    const base = process.env.OZCC_E2E_BASE;
    const password = process.env.OZCC_E2E_PASSWORD ?? 'demo';
    const get = async (user, path) => {
      const cookie = await apiLogin(base, user, password);
      return (await fetch(`${base}${path}`, { headers: { Cookie: cookie } })).json();
    };
    const me = await get('provider', '/api/v1/auth/me');
    const region = await get('zcc', `/api/v1/regions/${me.region_id}`);
    const org = region.organizations.find((o) => o.type === 'hospital' && region.units.some((u) => u.organization_id === o.id && (u.type === 'ic' || u.type === 'ward')));
    const providerOrg = region.organizations.find((o) => o.id === me.organization_id);
    srv = { base, password, region, org, providerOrg, async close() {} };
  } else {
    srv = await startServer();
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

async function signIn(username) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'nl-NL', acceptDownloads: true });
  const page = await signInPage(context, srv, username, 'header.topbar');
  return { context, page };
}

const api = async (cookie, method, path, body, headers = {}) => {
  const res = await fetch(`${srv.base}${path}`, {
    method, headers: { Cookie: cookie, Accept: 'application/json', ...headers, ...(body ? { 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, etag: res.headers.get('etag') };
};

const text = async (loc) => (await loc.innerText()).trim();

describe('placement KPIs', () => {
  test('the coordinator sees the placements counted, groups by care type and downloads the CSV', async () => {
    const { region, org, providerOrg } = srv;
    const fromUnit = region.units.find((u) => u.organization_id === org.id && (u.type === 'ward' || u.type === 'ic'));
    const toUnit = region.units.find((u) => u.organization_id === providerOrg.id && u.type === 'elv-high');
    assert.ok(fromUnit && toUnit, 'a hospital ward and the provider\'s ELV high-care unit');

    const zcc = await apiLogin(srv.base, 'zcc', srv.password);
    const a = await api(zcc, 'POST', '/api/v1/placements', {
      from_organization_id: org.id, from_unit_id: fromUnit.id, care_type: 'elv-high', needs: 'e2e: kengetallen, afgewezen',
    });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const b = await api(zcc, 'POST', '/api/v1/placements', {
      from_organization_id: org.id, from_unit_id: fromUnit.id, care_type: 'grz', needs: 'e2e: kengetallen, wacht',
    });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    const offered = await api(zcc, 'POST', `/api/v1/placements/${a.body.id}/offers`,
      { offers: [{ organization_id: providerOrg.id, unit_id: toUnit.id }] }, { 'If-Match': a.etag });
    assert.equal(offered.status, 200, JSON.stringify(offered.body));
    const provider = await apiLogin(srv.base, 'provider', srv.password);
    const declined = await api(provider, 'POST', `/api/v1/placements/${a.body.id}/offers/${offered.body.offers[0].id}/answer`,
      { accept: false, reason: 'no-bed' }, { 'If-Match': offered.etag });
    assert.equal(declined.status, 200, JSON.stringify(declined.body));
    assert.equal(declined.body.state, 'waiting', 'every offer declined: waiting again');

    const { context, page } = await signIn('zcc');
    await page.keyboard.press('g');
    await page.waitForURL(/#\/kpi$/);
    await page.locator('[data-testid=kpi-part-placements]').click();
    await page.waitForURL(/#\/kpi\/plaatsingen$/);
    assert.equal(await text(page.locator('h1#pk-title')), 'Kengetallen plaatsingen');
    assert.equal(await page.locator('[data-testid=kpi-part-placements]').getAttribute('aria-current'), 'page');
    assert.equal(await text(page.locator('nav a[aria-current=page]')).then((s) => s.replace(/\s+g$/, '').trim()), "KPI's");

    const summary = page.locator('[data-testid=pk-summary]');
    await summary.waitFor({ timeout: 15000 });
    assert.equal(await text(summary.locator('[data-kpi=placements] b')), '2');
    assert.equal(await text(summary.locator('[data-kpi=placed] b')), '0');
    assert.equal(await text(summary.locator('[data-kpi=open] b')), '2 / 0', 'both waiting, none offered');
    assert.equal(await text(summary.locator('[data-kpi=to-placement] b')), '— / —', 'none placed yet');
    assert.equal(await text(summary.locator('[data-kpi=acceptance] b')), '0 %', 'one offer answered, declined');
    await page.locator('[data-testid=fetched-at]').waitFor();

    // Grouped by day (the default): every day of the period listed, the two placements on today's row.
    const dayRows = page.locator('[data-testid=pk-groups] tbody tr');
    assert.ok(await dayRows.count() >= 7, 'every day of the last 7 days');
    const perDay = await page.locator('[data-testid=pk-groups] tbody td[data-col=placements]').allInnerTexts();
    assert.equal(perDay.map(Number).reduce((s, x) => s + x, 0), 2);
    assert.equal(await page.locator('svg.kpi-bars[aria-label*="geen bed: 1"]').count(), 1, 'the decline bar "geen bed"');
    const prov = page.locator(`[data-testid=pk-providers] tr[data-provider="${providerOrg.id}"]`);
    await prov.waitFor();
    assert.equal(await text(prov.locator('th')), providerOrg.name);
    assert.deepEqual((await prov.locator('td').allInnerTexts()).map((s) => s.trim()), ['1', '0', '1', '0', '0', '0 %']);

    // Grouped by care type: all six, one each in ELV high-care and GRZ.
    await page.selectOption('#pk-by', 'care-type');
    const elvHigh = page.locator('[data-testid=pk-groups] tr[data-group=elv-high]');
    await elvHigh.waitFor({ timeout: 15000 });
    assert.equal(await page.locator('[data-testid=pk-groups] tbody tr').count(), 6);
    assert.equal(await text(elvHigh.locator('th')), 'ELV hoogcomplex');
    assert.equal(await text(elvHigh.locator('td[data-col=placements]')), '1');
    assert.equal(await text(page.locator('[data-testid=pk-groups] tr[data-group=grz] td[data-col=waiting]')), '1');
    assert.equal(await text(page.locator('[data-testid=pk-groups] tr[data-group=ggz] td[data-col=placements]')), '0');

    // The CSV of the same query: the header, one row per care type, the provider's row.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=pk-csv]')]);
    assert.match(download.suggestedFilename(), /^placement-kpis-ZWN-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d-care-type\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    const head = lines[0].split(',');
    assert.deepEqual(head.slice(0, 8), ['row', 'key', 'region', 'placements', 'waiting', 'offered', 'placed', 'cancelled']);
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
    assert.deepEqual(rows.filter((r) => r.row === 'group').map((r) => r.key), ['elv-low', 'elv-high', 'elv-palliative', 'vvt-crisis', 'grz', 'ggz']);
    assert.equal(rows.find((r) => r.key === 'grz').placements, '1');
    assert.equal(rows.find((r) => r.key === 'elv-high').declined_no_bed, '1');
    assert.ok(rows.some((r) => r.row === 'provider' && r.key === providerOrg.id), 'the provider\'s row');

    // The placement desk links here for the coordinator.
    await page.goto(`${srv.base}/#/plaatsingen`);
    await page.locator('[data-testid=placement-kpis]').click();
    await page.waitForURL(/#\/kpi\/plaatsingen$/);
    await context.close();

    const v = await signIn(VIEWER);
    await v.page.goto(`${srv.base}/#/plaatsingen`);
    await v.page.locator('[data-testid=placement-count]').waitFor({ timeout: 15000 });
    assert.equal(await v.page.locator('[data-testid=placement-kpis]').count(), 0, 'a viewer reads no KPIs');
    await v.context.close();
  });
});

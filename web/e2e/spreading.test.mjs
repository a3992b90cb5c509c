// Browser tests of the spreading plans screen against the real server (node --test, playwright-core, Debian Chromium):
// the coordinator reports the beds of every hospital's IC and ward units but one hospital's (left out as stale), opens
// "Spreiding" (`d`), gets the form's own Dutch errors with nothing sent, makes a plan of two patients from two
// hospitals, sees the table (both placed, the stale hospital named as left out, the capacity's age) and the map;
// forbids the first patient's hospital ("Uitsluiten"), re-solves ("Opnieuw berekenen", If-Match) and sees that
// patient go elsewhere; approves after the confirm dialog and sees the two transfers with links to the transfer board,
// which exist there as requested. The second test pins a patient to a chosen hospital; a screen without the live
// stream then re-solves an older version and is told that someone else changed the plan (412), reloads and keeps its
// pending forbid (beside the other screen's pin); the plan is discarded after the confirm dialog. A viewer's list, open meanwhile in a second browser context, shows the plan appear
// and become approved live (the `spreading` event) and offers no steps.
// Users (e2e/server.mjs): e2e-coord (roaz-coordinator), e2e-viewer (viewer).
// OZCC_E2E_BASE=http://… runs this file against a server that is already running (e.g. `node dev/mock-api.mjs`,
// password "demo" or OZCC_E2E_PASSWORD; users coord and viewer) instead of starting the real one.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiLogin, signInPage, eventually } from './server.mjs';
import { launch } from '../dev/chromium.mjs';

let srv;
let browser;
const external = !!process.env.OZCC_E2E_BASE;
const COORD = external ? 'coord' : 'e2e-coord';
const VIEWER = external ? 'viewer' : 'e2e-viewer';

before(async () => {
  if (external) {
    const base = process.env.OZCC_E2E_BASE;
    const password = process.env.OZCC_E2E_PASSWORD ?? 'demo';
    const cookie = await apiLogin(base, COORD, password);
    const me = await (await fetch(`${base}/api/v1/auth/me`, { headers: { Cookie: cookie } })).json();
    const region = await (await fetch(`${base}/api/v1/regions/${me.region_id}`, { headers: { Cookie: cookie } })).json();
    srv = { base, password, region, async close() {} };
  } else {
    srv = await startServer();
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

async function signIn(username, { offline = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'nl-NL' });
  if (offline) await context.route('**/api/v1/events**', (route) => route.abort());
  const page = await signInPage(context, srv, username, 'header.topbar');
  await page.waitForSelector(offline ? '[data-conn]' : '[data-conn=live]', { timeout: 20000 });
  return { context, page };
}

const api = async (cookie, method, path, body) => {
  const res = await fetch(`${srv.base}${path}`, {
    method, headers: { Cookie: cookie, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

describe('spreading plans', () => {
  test('plan two patients → table and map → forbid one assignment, re-solve → changed → approve → transfers', async () => {
    const { region } = srv;
    const regionId = region.region.id;
    const hospitals = region.organizations.filter((o) => o.type === 'hospital');
    const unitsOf = (org, type) => region.units.filter((u) => u.organization_id === org && u.type === type);
    // The care type most hospitals have: the patients need it, and a forbidden hospital leaves others.
    const type = ['ic', 'ward'].map((k) => [k, hospitals.filter((h) => unitsOf(h.id, k).length).length]).sort((a, b) => b[1] - a[1])[0][0];
    const withType = hospitals.filter((h) => unitsOf(h.id, type).length);
    assert.ok(withType.length >= 4, `at least four hospitals with ${type} units in ${regionId}`);
    const [a, b] = withType;
    const staleHospital = withType[withType.length - 1];

    // Every hospital's IC and ward units report free beds, but the last one's: its capacity is stale and left out.
    const coord = await apiLogin(srv.base, COORD, srv.password);
    for (const h of hospitals) {
      if (h.id === staleHospital.id) continue;
      for (const u of [...unitsOf(h.id, 'ic'), ...unitsOf(h.id, 'ward')]) {
        const r = await api(coord, 'PUT', `/api/v1/units/${encodeURIComponent(u.id)}/capacity`, { beds: { total: 24, staffed: 20, occupied: 8, available: 12 } });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
    }

    // The viewer watches the list: the plan must arrive there live.
    const viewer = await signIn(VIEWER);
    await viewer.page.keyboard.press('d');
    await viewer.page.waitForURL(/#\/spreiding$/);
    await viewer.page.waitForSelector('#sp-title');
    assert.equal(await viewer.page.locator('[data-testid=new-plan]').count(), 0, 'a viewer makes no plans');
    await viewer.page.evaluate(() => { window.__noReload = 'still here'; });

    const { context, page } = await signIn(COORD);
    await page.keyboard.press('d');
    await page.waitForURL(/#\/spreiding$/);
    await page.waitForSelector('nav a[aria-current=page][aria-keyshortcuts=d]');  // the menu follows the route a moment later
    assert.equal((await page.locator('nav a[aria-current=page]').innerText()).replace(/\s+d$/, '').trim(), 'Spreiding');
    await page.locator('[data-testid=new-plan]').waitFor();
    await page.keyboard.press('n');
    await page.waitForURL(/#\/spreiding\/nieuw$/);
    const form = page.locator('[data-testid=plan-form]');

    // Nothing chosen: Dutch errors next to the fields, nothing sent.
    let posts = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/spreading/plans')) posts += 1; });
    await page.locator('[data-testid=plan-submit]').click();
    const orgErr = form.locator('.field-error[data-field="patients[0].from_organization"]');
    await orgErr.waitFor();
    assert.equal((await orgErr.textContent()).trim(), 'Verplicht veld.');
    assert.equal(posts, 0);

    const fill = async (i, org) => {
      await form.locator(`select[name="patients[${i}].from_organization"]`).selectOption(org.id);
      await form.locator(`select[name="patients[${i}].from_unit"]`).selectOption(unitsOf(org.id, type)[0].id);
      assert.equal(await form.locator(`select[name="patients[${i}].needs"]`).inputValue(), type, 'the unit\'s care type is taken over');
      await form.locator(`input[name="patients[${i}].label"]`).fill(`e2e spreiding ${i + 1}`);
    };
    await fill(0, a);
    await page.locator('[data-testid=add-patient]').click();
    await form.locator('select[name="patients[1].from_organization"]').waitFor();
    assert.equal(await form.locator('input[name="patients[1].id"]').inputValue(), 'P2');
    await fill(1, b);
    await page.locator('[data-testid=plan-submit]').click();
    await page.waitForURL(/#\/spreiding\/[^/]+$/, { timeout: 20000 });
    const view = page.locator('section.spreading-view[data-plan-id]');
    await view.waitFor({ timeout: 15000 });
    const planId = await view.getAttribute('data-plan-id');
    assert.ok(planId, 'the plan id');
    assert.equal(await view.getAttribute('data-state'), 'proposed');
    assert.equal((await view.locator('[data-plan-state]').innerText()).trim(), 'voorgesteld');

    // The table: both patients placed at another hospital than their own, with travel and cost.
    const row = (id) => page.locator(`[data-testid=plan-rows] tr[data-patient="${id}"]`);
    await row('P1').waitFor();
    assert.equal(await page.locator('[data-testid=plan-rows] tbody tr').count(), 2);
    const first = await row('P1').getAttribute('data-hospital');
    assert.ok(first && first !== a.id, `P1 placed away from its own hospital (${first})`);
    assert.ok(await row('P2').getAttribute('data-hospital'), 'P2 placed');
    assert.notEqual(await row('P1').getAttribute('data-hospital'), staleHospital.id, 'never to a stale hospital');
    assert.match(await row('P1').locator('[data-col=travel]').innerText(), /^\d+(,\d)?$/);
    assert.equal(await view.locator('[data-testid=plan-totals] [data-col=placed]').innerText(), '2');
    // The stale hospital is named as left out, in colour and text; the capacity's age is shown.
    const leftOut = page.locator('[data-testid=left-out]');
    await leftOut.waitFor();
    assert.match(await leftOut.innerText(), /verouderd/);
    assert.ok((await leftOut.innerText()).includes(staleHospital.name), 'the stale hospital is named');
    assert.match(await page.locator('[data-testid=capacity-age]').innerText(), /oud\)/);
    await page.locator('.sp-map canvas').first().waitFor();

    // The viewer's list shows the new plan without a reload.
    await viewer.page.locator(`tr[data-plan="${planId}"]`).waitFor({ timeout: 15000 });
    assert.equal(await viewer.page.locator(`tr[data-plan="${planId}"]`).getAttribute('data-state'), 'proposed');

    // Forbid P1's hospital, re-solve: P1 goes elsewhere.
    const version = Number(await view.getAttribute('data-version'));
    await row('P1').locator('[data-testid=forbid]').click();
    const pending = page.locator(`[data-testid=constraints] li[data-kind=forbids][data-patient=P1][data-hospital="${first}"]`);
    await pending.waitFor();
    assert.equal(await pending.getAttribute('data-pending'), 'true');
    assert.equal(await page.locator('[data-testid=plan-approve]').isDisabled(), true, 'no approval with pending changes');
    await page.locator('[data-testid=plan-solve]').click();
    await eventually(async () => Number(await view.getAttribute('data-version')) > version, 'a new version');
    await eventually(async () => (await row('P1').getAttribute('data-hospital')) !== first, 'P1 moved');
    assert.equal(await pending.getAttribute('data-pending'), 'false', 'the forbid is stored now');
    assert.match(await row('P1').locator('[data-testid=forbidden]').innerText(), /uitgesloten/);
    assert.match(await page.locator('[data-testid=flash]').innerText(), /Opnieuw berekend/);

    // Approve (confirmed): two transfers, each a link to the transfer board.
    await page.locator('[data-testid=plan-approve]').click();
    const dialog = page.locator('[data-testid=confirm-dialog]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /overplaatsing/);
    await dialog.locator('[data-testid=confirm-ok]').click();
    await eventually(async () => (await view.getAttribute('data-state')) === 'approved', 'approved');
    const links = page.locator('[data-testid=created-transfers] a');
    await links.first().waitFor();
    assert.equal(await links.count(), 2);
    const ids = [];
    for (let i = 0; i < 2; i += 1) {
      const h = await links.nth(i).getAttribute('href');
      assert.match(h, /^#\/overplaatsingen\/.+/);
      ids.push(decodeURIComponent(h.replace('#/overplaatsingen/', '')));
    }
    assert.equal(await page.locator('[data-testid=plan-solve]').count(), 0, 'an approved plan is not solved again');

    // The transfers exist on the board, requested, with the plan as the reason.
    const board = await api(coord, 'GET', `/api/v1/transfers?region=${regionId}&state=all`);
    assert.equal(board.status, 200, JSON.stringify(board.body));
    for (const id of ids) {
      const t = board.body.items.find((x) => x.id === id);
      assert.ok(t, `transfer ${id} on the board`);
      assert.equal(t.state, 'requested');
      assert.match(t.reason, new RegExp(`Spreiding ${planId}`));
    }
    await links.first().click();
    await page.waitForURL(/#\/overplaatsingen\/.+/);
    await page.locator('section.transfer-view').waitFor({ timeout: 15000 });

    // The viewer's list shows it approved, still without a reload.
    await eventually(async () => (await viewer.page.locator(`tr[data-plan="${planId}"]`).getAttribute('data-state')) === 'approved', 'approved in the viewer\'s list');
    assert.equal(await viewer.page.evaluate(() => window.__noReload), 'still here');
    await viewer.page.locator(`tr[data-plan="${planId}"] a`).click();
    await viewer.page.locator('[data-testid=created-transfers]').waitFor({ timeout: 15000 });
    assert.equal(await viewer.page.locator('[data-testid=plan-approve]').count(), 0, 'a viewer approves nothing');
    await viewer.context.close();
    await context.close();
  });

  test('pin to a chosen hospital; a stale re-solve is explained and reloaded; discard', async () => {
    const { region } = srv;
    const hospitals = region.organizations.filter((o) => o.type === 'hospital');
    const unitsOf = (org, type) => region.units.filter((u) => u.organization_id === org && u.type === type);
    const type = ['ic', 'ward'].map((k) => [k, hospitals.filter((h) => unitsOf(h.id, k).length).length]).sort((a, b) => b[1] - a[1])[0][0];
    const withType = hospitals.filter((h) => unitsOf(h.id, type).length);
    const from = withType[0];
    // Fresh beds at every hospital of that type (this test may run alone), then the plan, made through the API.
    const coord = await apiLogin(srv.base, COORD, srv.password);
    for (const h of withType) {
      for (const u of unitsOf(h.id, type)) {
        const r = await api(coord, 'PUT', `/api/v1/units/${encodeURIComponent(u.id)}/capacity`, { beds: { total: 24, staffed: 20, occupied: 8, available: 12 } });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
    }
    const made = await api(coord, 'POST', '/api/v1/spreading/plans', {
      patients: [{ id: 'Q1', from_organization: from.id, from_unit: unitsOf(from.id, type)[0].id, needs: type, label: 'e2e vastzetten' }],
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const planId = made.body.id;

    const { context, page } = await signIn(COORD);
    await page.goto(`${srv.base}/#/spreiding/${encodeURIComponent(planId)}`);
    const view = page.locator('section.spreading-view');
    const row = page.locator('[data-testid=plan-rows] tr[data-patient=Q1]');
    await row.waitFor({ timeout: 15000 });
    // The screen that misses the live stream opens the same version.
    const offline = await signIn(COORD, { offline: true });
    await offline.page.goto(`${srv.base}/#/spreiding/${encodeURIComponent(planId)}`);
    const oview = offline.page.locator('section.spreading-view');
    await offline.page.locator('[data-testid=plan-rows] tr[data-patient=Q1]').waitFor({ timeout: 15000 });
    const v0 = await oview.getAttribute('data-version');

    // Pin Q1 to a hospital other than where it went: the plan follows after re-solving.
    const was = await row.getAttribute('data-hospital');
    const options = await row.locator('[data-testid=pin-to] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    const target = options.find((id) => id !== was && id !== from.id);
    assert.ok(target, 'another hospital to pin to');
    await row.locator('[data-testid=pin-to]').selectOption(target);
    await page.locator(`[data-testid=constraints] li[data-kind=pins][data-patient=Q1][data-hospital="${target}"][data-pending=true]`).waitFor();
    await page.locator('[data-testid=plan-solve]').click();
    await eventually(async () => (await view.getAttribute('data-version')) !== v0, 'a new version');
    const now = await row.getAttribute('data-hospital');
    assert.ok(now === target || now === '', `Q1 at the pinned hospital or unplaced (${now})`);
    assert.match(await row.locator('[data-testid=pinned]').innerText(), /vast/);

    // The offline screen forbids and re-solves its older version: 412, explained in Dutch, reloaded, its forbid kept.
    const orow = offline.page.locator('[data-testid=plan-rows] tr[data-patient=Q1]');
    const ohosp = await orow.getAttribute('data-hospital');
    assert.ok(ohosp, 'placed in the version the offline screen shows');
    await orow.locator('[data-testid=forbid]').click();
    await offline.page.locator('[data-testid=plan-solve]').click();
    const msg = offline.page.locator('[data-testid=plan-message]');
    await msg.waitFor({ timeout: 15000 });
    assert.match(await msg.innerText(), /Iemand anders heeft dit plan net gewijzigd/);
    await eventually(async () => (await oview.getAttribute('data-version')) !== v0, 'the offline screen reloaded');
    assert.equal(await offline.page.locator(`[data-testid=constraints] li[data-kind=forbids][data-patient=Q1][data-hospital="${ohosp}"]`).getAttribute('data-pending'), 'true');
    // The other screen's pin, stored meanwhile, is kept beside it.
    assert.equal(await offline.page.locator(`[data-testid=constraints] li[data-kind=pins][data-patient=Q1][data-hospital="${target}"]`).getAttribute('data-pending'), 'false');
    await offline.context.close();

    // Discard, after the confirm dialog.
    await page.locator('[data-testid=plan-discard]').click();
    await page.locator('[data-testid=confirm-dialog] [data-testid=confirm-ok]').click();
    await eventually(async () => (await view.getAttribute('data-state')) === 'discarded', 'discarded');
    assert.equal((await view.locator('[data-plan-state]').innerText()).trim(), 'verworpen');
    assert.equal(await page.locator('[data-testid=plan-approve]').count(), 0);
    const after = await api(coord, 'GET', `/api/v1/spreading/plans/${encodeURIComponent(planId)}`);
    assert.equal(after.body.state, 'discarded');
    await context.close();
  });
});

// Browser tests of the region's phase and the crisis approval of transfers (issue 15) against the real server
// (node --test, playwright-core, Debian Chromium): a coordinator of the ZCC declares crisis with transfer approval
// on in the header's dialog (the form's own error first, then a server field error in Dutch); a viewer's screen sees
// the header change live without a reload; a hospital requests a transfer (API), the receiving hospital accepts it in
// its screen, is offered no plan step and is told why, while a direct plan through the API is refused (409); the
// coordinator approves it from the board; the receiving screen follows live and plans it. The viewer's board shows
// the row pending, then approved, without a reload; its wall screen shows the phase and follows the next
// declaration live.
// Users (e2e/server.mjs): zcc (zcc-coordinator), hospital and hospital2 (org-users of two hospitals), e2e-viewer.
// OZCC_E2E_BASE=http://… runs this file against a server already running with the phase never declared (e.g. a fresh
// `node dev/mock-api.mjs`, password `demo` or OZCC_E2E_PASSWORD; its viewer is `viewer`).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiLogin, apiJson, eventually, signInContext } from './server.mjs';
import { launch } from '../dev/chromium.mjs';

let srv;
let browser;
const external = !!process.env.OZCC_E2E_BASE;
const VIEWER = external ? 'viewer' : 'e2e-viewer';

before(async () => {
  if (external) {
    const base = process.env.OZCC_E2E_BASE;
    const password = process.env.OZCC_E2E_PASSWORD ?? 'demo';
    const me = async (user) => (await apiJson(base, await apiLogin(base, user, password), 'GET', '/api/v1/auth/me')).body;
    const [h1, h2] = [await me('hospital'), await me('hospital2')];
    const cookie = await apiLogin(base, 'zcc', password);
    const region = (await apiJson(base, cookie, 'GET', `/api/v1/regions/${h1.region_id}`)).body;
    const byId = (id) => region.organizations.find((o) => o.id === id);
    srv = { base, password, region, org: byId(h1.organization_id), org2: byId(h2.organization_id), async close() {} };
  } else {
    srv = await startServer();
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

/** Signs in (Dutch, wide) and waits for the live stream, so that what follows arrives live. */
async function signIn(username) {
  const s = await signInContext(browser, srv, username);
  await s.page.waitForSelector('[data-conn=live]', { timeout: 20000 });
  return s;
}

const api = (cookie, method, path, body, headers) => apiJson(srv.base, cookie, method, path, body, headers);
const header = (page) => page.locator('[data-testid=phase]');
const view = (page) => page.locator('section.transfer-view');

describe('the region\'s phase and the crisis approval of transfers', () => {
  test('crisis with approval: a transfer waits for the coordinator, who approves it; then it is planned', async () => {
    const { region, org, org2 } = srv;
    const regionId = region.region.id;
    const type = ['ic', 'ward'].find((ty) => region.units.some((u) => u.organization_id === org.id && u.type === ty)
      && region.units.some((u) => u.organization_id === org2.id && u.type === ty));
    const fromUnit = region.units.find((u) => u.organization_id === org.id && u.type === type);
    const toUnit = region.units.find((u) => u.organization_id === org2.id && u.type === type);
    assert.ok(fromUnit && toUnit, 'units of one bed type at both hospitals');

    // The phase was never declared: regular, version 0. Only the region's coordinators may declare, with If-Match.
    const zccCookie = await apiLogin(srv.base, 'zcc', srv.password);
    const hospitalCookie = await apiLogin(srv.base, 'hospital', srv.password);
    const phasePath = `/api/v1/regions/${encodeURIComponent(regionId)}/phase`;
    const never = await api(zccCookie, 'GET', phasePath);
    assert.equal(never.status, 200, JSON.stringify(never.body));
    assert.deepEqual([never.body.phase, never.body.transfer_approval, never.body.version], ['regular', false, 0]);
    assert.equal((await api(hospitalCookie, 'PUT', phasePath, { phase: 'crisis', rationale: 'e2e' }, { 'If-Match': '"0"' })).status, 403);
    assert.equal((await api(zccCookie, 'PUT', phasePath, { phase: 'crisis', rationale: 'e2e' })).status, 428);

    // A viewer on the transfer board: the header's phase and the board's rows must change without a reload.
    const viewer = await signIn(VIEWER);
    const vp = viewer.page;
    await eventually(async () => (await header(vp).getAttribute('data-phase')) === 'regular', 'the viewer\'s header: regular');
    assert.match(await header(vp).innerText(), /Fase:\s*Regulier/);
    await vp.keyboard.press('u');
    await vp.waitForSelector('#tr-title');
    await vp.evaluate(() => { window.__noReload = 'still here'; });

    // The coordinator declares crisis in the header's dialog.
    const coord = await signIn('zcc');
    const cp = coord.page;
    await header(cp).click();
    const dialog = cp.locator('[data-testid=phase-dialog]');
    await dialog.waitFor();
    assert.match(await dialog.locator('[data-testid=phase-current]').innerText(), /Nooit afgekondigd/);
    let puts = 0;
    cp.on('request', (r) => { if (r.method() === 'PUT' && r.url().endsWith('/phase')) puts += 1; });
    const approval = dialog.locator('#f-transfer_approval');
    // Outside a crisis the approval switch cannot be used.
    await cp.selectOption('#f-phase', 'adjusted');
    assert.equal(await approval.isDisabled(), true);
    // No rationale: the form's own Dutch error, nothing sent.
    await dialog.locator('[data-testid=phase-submit]').click();
    const rationaleErr = dialog.locator('.field-error[data-field="rationale"]');
    await rationaleErr.waitFor();
    assert.match(await rationaleErr.textContent(), /Verplicht/);
    assert.equal(puts, 0);
    // The server's field error, in Dutch next to its field: a body with approval outside a crisis (as an outdated
    // screen might send it) is refused naming transfer_approval.
    await cp.route('**/api/v1/regions/*/phase', async (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      const body = { ...JSON.parse(route.request().postData() ?? '{}'), transfer_approval: true };
      return route.continue({ postData: JSON.stringify(body) });
    });
    await cp.fill('#f-rationale', 'Griepgolf');
    await dialog.locator('[data-testid=phase-submit]').click();
    const approvalErr = dialog.locator('.field-error[data-field="transfer_approval"]');
    await approvalErr.waitFor();
    assert.match(await approvalErr.textContent(), /alleen in de crisisfase/);
    assert.equal(puts, 1);
    await cp.unroute('**/api/v1/regions/*/phase');
    assert.equal((await api(zccCookie, 'GET', phasePath)).body.version, 0, 'nothing was stored');

    // Crisis: the switch is on by default; the declaration is stored and shown.
    await cp.selectOption('#f-phase', 'crisis');
    assert.equal(await approval.isDisabled(), false);
    assert.equal(await approval.isChecked(), true);
    await cp.fill('#f-rationale', 'IC-bezetting 95%, LCPS verzoek (e2e)');
    await cp.locator('#f-rationale').press('Control+Enter');
    await dialog.locator('[data-testid=phase-saved]').waitFor();
    assert.match(await dialog.locator('[data-testid=phase-saved]').textContent(), /Crisis/);
    await eventually(async () => !['', '0'].includes(await dialog.locator('[data-testid=phase-current]').getAttribute('data-version')), 'the declaration shown');
    const current = await dialog.locator('[data-testid=phase-current]').innerText();
    assert.match(current, /IC-bezetting 95%/);
    assert.match(current, /zcc/);
    await cp.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await header(cp).getAttribute('data-phase'), 'crisis');
    assert.match(await header(cp).innerText(), /Fase:\s*Crisis/);
    assert.match(await header(cp).innerText(), /goedkeuring overplaatsingen aan/);
    const declared = await api(zccCookie, 'GET', phasePath);
    assert.deepEqual([declared.body.phase, declared.body.transfer_approval, declared.body.declared_by], ['crisis', true, 'zcc']);

    // The viewer's header follows the phase event, without a reload; the crisis is in colour and in text.
    await eventually(async () => (await header(vp).getAttribute('data-phase')) === 'crisis', 'the viewer\'s header: crisis');
    assert.equal(await header(vp).getAttribute('data-approval'), 'on');
    assert.match(await header(vp).innerText(), /Crisis/);
    assert.match(await header(vp).innerText(), /goedkeuring overplaatsingen aan/);
    const crisisColour = await header(vp).locator('.badge[data-phase=crisis]').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(crisisColour, 'rgba(0, 0, 0, 0)', 'the phase has a colour');
    assert.equal(await vp.evaluate(() => window.__noReload), 'still here', 'no reload');
    // The viewer reads the dialog but has no form.
    await header(vp).click();
    await vp.locator('[data-testid=phase-dialog] [data-testid=phase-current]').waitFor();
    assert.equal(await vp.locator('[data-testid=phase-form]').count(), 0);
    await vp.keyboard.press('Escape');

    // A hospital requests a transfer (API): made in a crisis with approval on, it awaits the coordinator.
    const made = await api(hospitalCookie, 'POST', '/api/v1/transfers', {
      region_id: regionId, from_organization_id: org.id, from_unit_id: fromUnit.id, to_organization_id: org2.id, to_unit_id: toUnit.id,
      care_type: type, reason: 'Crisis: IC vol, patiënt stabiel (e2e fase).',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.approval, 'pending');
    const id = made.body.id;

    // The viewer's board: the row appears, awaiting approval (colour and text).
    const vrow = vp.locator(`[data-testid=transfers] tr[data-transfer="${id}"]`);
    await vrow.waitFor({ timeout: 15000 });
    assert.equal(await vrow.getAttribute('data-approval'), 'pending');
    assert.match(await vrow.innerText(), /Wacht op goedkeuring/);

    // The receiving hospital accepts; the plan step is not offered, and the screen says why.
    const receiver = await signIn('hospital2');
    const rp = receiver.page;
    await rp.goto(`${srv.base}/#/overplaatsingen/${id}`);
    await rp.waitForSelector(`section.transfer-view[data-transfer-id="${id}"][data-approval=pending]`);
    assert.match(await rp.locator('.transfer-view .view-head').innerText(), /Wacht op goedkeuring/);
    assert.equal(await rp.locator('[data-testid=tr-approve]').count(), 0, 'a hospital does not approve');
    await rp.click('[data-testid=tr-step-accepted]');
    await rp.click('[data-testid=tr-step-submit]');
    await eventually(async () => (await view(rp).getAttribute('data-state')) === 'accepted', 'accepted');
    assert.equal(await rp.locator('[data-testid=tr-step-planned]').count(), 0, 'no plan step while pending');
    const held = rp.locator('[data-testid=tr-held]');
    await held.waitFor();
    assert.match(await held.innerText(), /Inplannen/);
    assert.match(await held.innerText(), /goedkeuring/);

    // Planning through the API anyway: 409, the transfer awaits approval.
    const before = await api(hospitalCookie, 'GET', `/api/v1/transfers/${id}`);
    assert.equal(before.body.state, 'accepted');
    const refused = await api(hospitalCookie, 'POST', `/api/v1/transfers/${id}/transition`, { to: 'planned' },
      { 'If-Match': `"${before.body.version}"` });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(refused.body.detail, /approval/);
    assert.equal((await api(hospitalCookie, 'POST', `/api/v1/transfers/${id}/approve`, {}, { 'If-Match': `"${before.body.version}"` })).status, 403);

    // The coordinator finds it on the board, waiting on them, and approves it.
    await cp.keyboard.press('u');
    await cp.waitForSelector('#tr-title');
    const crow = cp.locator(`[data-testid=transfers] tr[data-transfer="${id}"]`);
    await crow.waitFor();
    assert.match(await crow.innerText(), /Wacht op goedkeuring/);
    assert.match(await crow.innerText(), /wacht op u/);
    await crow.locator('a').first().click();
    await cp.waitForSelector(`section.transfer-view[data-transfer-id="${id}"][data-approval=pending]`);
    await cp.click('[data-testid=tr-approve]');
    await eventually(async () => (await view(cp).getAttribute('data-approval')) === 'approved', 'approved at the coordinator');
    assert.match(await cp.locator('[data-testid=tr-approved-by]').innerText(), /Goedgekeurd door zcc/);
    assert.equal(await cp.locator('[data-testid=tr-approve]').count(), 0);

    // The receiving screen follows live: approved, and the plan step is offered now; it works.
    await eventually(async () => (await view(rp).getAttribute('data-approval')) === 'approved', 'approved at the receiver');
    assert.equal(await rp.locator('[data-testid=tr-held]').count(), 0);
    await rp.click('[data-testid=tr-step-planned]');
    await rp.click('[data-testid=tr-step-submit]');
    await eventually(async () => (await view(rp).getAttribute('data-state')) === 'planned', 'planned');
    const after = await api(hospitalCookie, 'GET', `/api/v1/transfers/${id}`);
    assert.deepEqual([after.body.state, after.body.approval, after.body.approved_by], ['planned', 'approved', 'zcc']);

    // The viewer's board row: approved and planned, still without a reload.
    await eventually(async () => (await vrow.getAttribute('data-approval')) === 'approved', 'approved on the viewer\'s board');
    await eventually(async () => (await vrow.getAttribute('data-state')) === 'planned', 'planned on the viewer\'s board');
    assert.doesNotMatch(await vrow.innerText(), /Wacht op goedkeuring/);
    assert.equal(await vp.evaluate(() => window.__noReload), 'still here', 'no reload all along');

    // The wall screen (no top bar) says the phase too, large, and follows the next declaration live.
    await vp.keyboard.press('w');
    const wall = vp.locator('[data-testid=wall-phase]');
    await wall.waitFor();
    await eventually(async () => (await wall.getAttribute('data-phase')) === 'crisis', 'the wall: crisis');
    assert.equal(await wall.getAttribute('data-approval'), 'on');
    assert.match(await wall.innerText(), /Fase:\s*Crisis/);
    assert.match(await wall.innerText(), /goedkeuring overplaatsingen aan/);
    const now = await api(zccCookie, 'GET', phasePath);
    const eased = await api(zccCookie, 'PUT', phasePath, { phase: 'adjusted', rationale: 'IC-druk neemt af (e2e)' },
      { 'If-Match': `"${now.body.version}"` });
    assert.equal(eased.status, 200, JSON.stringify(eased.body));
    await eventually(async () => (await wall.getAttribute('data-phase')) === 'adjusted', 'the wall: adjusted, live');
    assert.equal(await wall.getAttribute('data-approval'), 'off');
    assert.match(await wall.innerText(), /Aangepast/);

    for (const c of [viewer, coord, receiver]) await c.context.close();
  });
});

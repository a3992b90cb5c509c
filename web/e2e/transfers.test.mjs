// Browser tests of the transfer board against the real server (node --test, playwright-core, Debian Chromium):
// a hospital's user requests a transfer to a unit of another hospital (the server's field error first, next to
// the field); a user of the receiving hospital, on its board in a second browser context, sees it appear live
// with the alert and accepts it; the sender plans it and reports it en route (a third, offline context taking
// the same step with a stale version is told someone else changed it); the receiver sees the patient on request
// and confirms the arrival; the board shows the transfer closed and the receiving unit's occupied beds rose.
// Users (e2e/server.mjs): hospital (org-user of a hospital), hospital2 (org-user of a second hospital),
// e2e-coord (roaz-coordinator, who enters the units' capacity first), all with the run's password.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiLogin, signInPage, eventually } from './server.mjs';
import { launch } from '../dev/chromium.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer();
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

/** A local date-time for a datetime-local field, `min` minutes from now. */
const localInput = (min) => {
  const d = new Date(Date.now() + min * 60000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

const viewState = (page) => page.locator('section.transfer-view').getAttribute('data-state');
const BSN = '111222333';

describe('transfer board', () => {
  test('request → the receiving hospital sees it live with the alert and accepts → planned, en route → arrived', async () => {
    const { region, org, org2 } = srv;
    const type = region.units.some((u) => u.organization_id === org.id && u.type === 'ic')
      && region.units.some((u) => u.organization_id === org2.id && u.type === 'ic') ? 'ic' : 'ward';
    const fromUnit = region.units.find((u) => u.organization_id === org.id && u.type === type);
    const toUnit = region.units.find((u) => u.organization_id === org2.id && u.type === type);
    assert.ok(fromUnit && toUnit, `units of type ${type} on both sides`);

    // Both units report their beds (an arrival changes only units with a report).
    const coord = await apiLogin(srv.base, 'e2e-coord', srv.password);
    for (const u of [fromUnit, toUnit]) {
      const r = await api(coord, 'PUT', `/api/v1/units/${encodeURIComponent(u.id)}/capacity`,
        { beds: { total: 12, staffed: 10, occupied: 4, available: 6 } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const occupied = async (unitId) => {
      const snap = await api(coord, 'GET', `/api/v1/capacity/snapshot?region=${region.region.id}`);
      return snap.body.units.find((u) => u.unit_id === unitId).beds.occupied;
    };
    assert.equal(await occupied(toUnit.id), 4);

    // The receiving hospital's user waits on its board ("u"): the transfer must arrive there live.
    const receiver = await signIn('hospital2');
    const rp = receiver.page;
    await rp.keyboard.press('u');
    await rp.waitForSelector('#tr-title');
    await eventually(async () => (await rp.locator('#tr-title').textContent()) === `Overplaatsingen van en naar ${org2.name}`, 'board title');
    await rp.waitForSelector('[data-testid=transfers-empty]');
    await rp.evaluate(() => { window.__noReload = 'still here'; });

    // The sending hospital's user: the board, "n", the form with its own organisation preselected.
    const sender = await signIn('hospital');
    const sp = sender.page;
    await sp.keyboard.press('u');
    await sp.waitForSelector('#tr-title');
    await sp.keyboard.press('n');
    await sp.waitForSelector('[data-testid=transfer-form]');
    assert.equal(await sp.locator('#f-from_organization_id').inputValue(), org.id);
    assert.equal(await sp.locator('#f-from_organization_id').isDisabled(), true);
    // Nothing filled in: Dutch errors next to the fields, nothing sent.
    let posts = 0;
    sp.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/transfers')) posts += 1; });
    await sp.click('[data-testid=transfer-submit]');
    await sp.locator('.field-error[data-field="reason"]').waitFor();
    assert.match(await sp.locator('.field-error[data-field="reason"]').textContent(), /Verplicht/);
    assert.equal(posts, 0);

    await sp.selectOption('#f-from_unit_id', fromUnit.id);
    await sp.selectOption('#f-care_type', type);
    await sp.selectOption('#f-to_organization_id', org2.id);
    await sp.selectOption('#f-to_unit_id', toUnit.id);
    await sp.fill('#f-reason', 'IC vol, patiënt stabiel genoeg voor overplaatsing.');
    await sp.fill('#f-planned_at', localInput(120));
    // A case id that is not a case of the region: the server's field error, next to the field.
    await sp.fill('#f-case_id', 'c-bestaat-niet');
    await sp.check('input[name=withPatient]');
    await sp.fill('#f-patient-bsn', BSN);
    await sp.fill('#f-patient-name', 'De Vries-e2e');
    await sp.keyboard.press('Control+Enter');
    const caseErr = sp.locator('.field-error[data-field="case_id"]');
    await caseErr.waitFor();
    assert.match(await caseErr.textContent(), /Geen melding van deze regio/);
    assert.equal(posts, 1);
    await sp.fill('#f-case_id', '');
    await sp.click('[data-testid=transfer-submit]');

    await sp.waitForSelector('section.transfer-view');
    assert.match(await sp.locator('[data-testid=flash]').textContent(), /aangevraagd/);
    assert.equal(await viewState(sp), 'requested');
    const id = await sp.locator('section.transfer-view').getAttribute('data-transfer-id');
    assert.match(id, /^t-[0-9a-f]{16}$/);
    // The sending side may only cancel a request.
    assert.deepEqual(await sp.locator('[data-testid^=tr-step-]').evaluateAll((bs) => bs.map((b) => b.dataset.testid)), ['tr-step-cancelled']);

    // The receiver: the row appears without a reload, waiting on it, and the alert says so in colour and text.
    const row = rp.locator(`[data-testid=transfers] tr[data-transfer="${id}"]`);
    await row.waitFor({ timeout: 15000 });
    assert.equal(await rp.evaluate(() => window.__noReload), 'still here', 'no reload');
    assert.equal(await row.getAttribute('data-state'), 'requested');
    assert.match(await row.innerText(), /aangevraagd/);
    assert.match(await row.innerText(), /wacht op u/);
    assert.match(await row.locator('td[data-col=to]').innerText(), new RegExp(toUnit.name));
    const alert = rp.locator(`[data-testid=transfer-alerts] [data-transfer-id="${id}"]`);
    await alert.waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.match(await alert.innerText(), /Nieuwe overplaatsing/);
    assert.match(await alert.innerText(), new RegExp(org.name));
    const colour = await alert.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(colour, 'rgba(0, 0, 0, 0)', 'the alert has a colour');

    // Opens it from the alert; the patient only on request.
    await alert.locator('[data-testid=transfer-alert-open]').click();
    await rp.waitForSelector('section.transfer-view');
    assert.equal(await rp.locator('[data-testid=patient-data]').count(), 0);
    await rp.click('[data-testid=patient-show]');
    await rp.locator('[data-testid=patient-data]').waitFor();
    assert.match(await rp.locator('[data-testid=patient-data]').innerText(), /De Vries-e2e/);
    assert.match(await rp.locator('[data-testid=patient-data]').innerText(), new RegExp(BSN));
    await rp.click('[data-testid=patient-hide]');
    assert.equal(await rp.locator('[data-testid=patient-data]').count(), 0);
    // Accept.
    await rp.click('[data-testid=tr-step-accepted]');
    await rp.fill('[data-testid=tr-form-accepted] #f-reason', 'Bed 4 staat klaar.');
    await rp.click('[data-testid=tr-step-submit]');
    await eventually(async () => (await viewState(rp)) === 'accepted', 'accepted at the receiver');

    // The sender sees "geaccepteerd" without reloading, plans it.
    await eventually(async () => (await viewState(sp)) === 'accepted', 'accepted at the sender');
    assert.match(await sp.locator('.transfer-view .view-head').innerText(), /geaccepteerd/);
    await sp.click('[data-testid=tr-step-planned]');
    // Planned for three hours from now instead of the two of the request.
    const plannedFor = localInput(180);
    await sp.fill('[data-testid=tr-form-planned] #f-planned_at', plannedFor);
    await sp.locator('[data-testid=tr-form-planned] #f-reason').press('Control+Enter');
    await eventually(async () => (await viewState(sp)) === 'planned', 'planned');
    const afterPlan = await api(coord, 'GET', `/api/v1/transfers/${id}`);
    assert.equal(Date.parse(afterPlan.body.planned_at), Date.parse(plannedFor), 'the planned time is the one just set');

    // A second sender's screen without the live stream still shows "planned"; it reports en route after the first did.
    const stale = await signIn('hospital', { offline: true });
    await stale.page.goto(`${srv.base}/#/overplaatsingen/${id}`);
    await stale.page.waitForSelector('section.transfer-view[data-state=planned]');
    await stale.page.click('[data-testid=tr-step-en-route]');

    await sp.click('[data-testid=tr-step-en-route]');
    await sp.click('[data-testid=tr-step-submit]');
    await eventually(async () => (await viewState(sp)) === 'en-route', 'en route');

    await stale.page.click('[data-testid=tr-step-submit]');
    const msg = stale.page.locator('[data-testid=transfer-message]');
    await msg.waitFor();
    assert.match(await msg.textContent(), /Iemand anders heeft deze overplaatsing net gewijzigd/);
    await stale.page.waitForSelector('section.transfer-view[data-state=en-route]');
    await stale.context.close();

    // The receiver is alerted again (the patient is on the way) and confirms the arrival.
    await eventually(async () => (await viewState(rp)) === 'en-route', 'en route at the receiver');
    const alert2 = rp.locator(`[data-testid=transfer-alerts] [data-transfer-id="${id}"][data-state=en-route]`);
    await alert2.waitFor();
    assert.match(await alert2.innerText(), /onderweg/);
    // The sending side may not confirm an arrival; the receiving side may not cancel.
    assert.equal(await sp.locator('[data-testid=tr-step-arrived]').count(), 0);
    assert.equal(await rp.locator('[data-testid=tr-step-cancelled]').count(), 0);
    await rp.click('[data-testid=tr-step-arrived]');
    await rp.click('[data-testid=tr-step-submit]');
    await eventually(async () => (await viewState(rp)) === 'arrived', 'arrived');
    assert.deepEqual((await rp.locator('[data-testid=tr-timeline] li').evaluateAll((ls) => ls.map((l) => l.dataset.state))),
      ['requested', 'accepted', 'planned', 'en-route', 'arrived']);
    assert.equal(await rp.locator('[data-testid^=tr-step-]').count(), 0);

    // The board: no longer open; closed shows it as arrived.
    await rp.click('nav a[href="#/overplaatsingen"]');
    await rp.waitForSelector('#tr-title');
    await rp.waitForSelector('[data-testid=transfers-empty]');
    await rp.selectOption('#tr-state', 'closed');
    const closed = rp.locator(`[data-testid=transfers] tr[data-transfer="${id}"]`);
    await closed.waitFor();
    assert.equal(await closed.getAttribute('data-state'), 'arrived');
    assert.match(await closed.innerText(), /aangekomen/);
    assert.equal(await rp.evaluate(() => window.__noReload), 'still here', 'no reload all along');

    // The arrival changed both units' capacity.
    assert.equal(await occupied(toUnit.id), 5);
    assert.equal(await occupied(fromUnit.id), 3);

    // The sender's board (all): the same transfer, arrived, and the closed alert is gone at the receiver.
    await sp.click('nav a[href="#/overplaatsingen"]');
    await sp.selectOption('#tr-state', 'all');
    await sp.locator(`[data-testid=transfers] tr[data-transfer="${id}"][data-state=arrived]`).waitFor();
    assert.equal(await rp.locator(`[data-testid=transfer-alerts] [data-transfer-id="${id}"]`).count(), 0);

    await receiver.context.close();
    await sender.context.close();
  });

  test('a viewer reads the region board but takes no step and gets no form', async () => {
    const viewer = await signIn('e2e-viewer');
    const page = viewer.page;
    await page.keyboard.press('u');
    await page.waitForSelector('#tr-title');
    assert.equal(await page.locator('#tr-title').textContent(), 'Overplaatsingen in de regio');
    assert.equal(await page.locator('[data-testid=new-transfer]').count(), 0);
    await page.selectOption('#tr-state', 'all');
    const first = page.locator('[data-testid=transfers] tr[data-transfer]').first();
    await first.waitFor();
    await first.click();
    await page.waitForSelector('section.transfer-view');
    assert.equal(await page.locator('[data-testid^=tr-step-]').count(), 0);
    assert.equal(await page.locator('[data-testid=patient-show]').count(), 0);
    await viewer.context.close();
  });
});

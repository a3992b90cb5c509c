// Browser tests of the follow-up placement desk's waiting list against the real server (node --test,
// playwright-core, Debian Chromium): a hospital's user records a placement (API), sees it on #/plaatsingen as
// waiting with its care type and no offers; the region's coordinator offers it to the best-matching follow-up
// unit (API, If-Match) and the hospital's open list shows it offered with one open offer (live event); the
// state filter "alle" keeps it; the viewer of the region sees the region's list. The form: the hospital's user
// records a placement with "Nieuwe plaatsing" (`n`), gets the server's error (in Dutch) next to the earliest date first.
// The detail: the hospital's user sees the matches with every criterion's reason, offers to the provider's ELV
// high-care unit; the provider's user accepts; the hospital's open page links to the transfer it made (live), and the capacity
// table counts the reserved bed on that unit. Cancelling: the
// hospital's user cancels an offered placement with a reason ("Annuleren"); the provider has no such button.
// Users (e2e/server.mjs): hospital (org-user of a hospital), e2e-coord (roaz-coordinator), e2e-viewer, provider
// (org-user of a follow-up care provider).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiLogin, signInPage } from './server.mjs';
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

async function signIn(username) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'nl-NL' });
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

describe('placement desk', () => {
  test('recorded → on the waiting list as waiting; offered by the coordinator → offered with one open offer', async () => {
    const { region, org } = srv;
    const fromUnit = region.units.find((u) => u.organization_id === org.id && (u.type === 'ward' || u.type === 'ic'));
    assert.ok(fromUnit, 'a ward or IC unit of the hospital');
    const hospital = await apiLogin(srv.base, 'hospital', srv.password);
    const created = await api(hospital, 'POST', '/api/v1/placements', {
      from_organization_id: org.id, from_unit_id: fromUnit.id, care_type: 'elv-high', needs: 'e2e: wondzorg en mobilisatie',
      profile: { weight_kg: 80, mobility: 'aid', age: 81 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;

    const { context, page } = await signIn('hospital');
    await page.keyboard.press('y');
    await page.waitForURL(/#\/plaatsingen$/);
    const row = page.locator(`tr[data-placement="${id}"]`);
    await row.waitFor({ timeout: 15000 });
    assert.equal(await row.getAttribute('data-state'), 'waiting');
    assert.equal((await row.locator('[data-placement-state]').innerText()).trim(), 'wacht');
    assert.equal((await row.locator('[data-col=care]').innerText()).trim(), 'ELV hoogcomplex');
    assert.equal((await row.locator('[data-col=offers]').innerText()).trim(), '0');
    assert.match(await page.locator('h1#pl-title').innerText(), /^Plaatsingen van /);
    assert.equal(await page.locator('nav a[aria-current=page]').innerText().then((s) => s.replace(/\s+y$/, '').trim()), 'Plaatsingen');

    // The coordinator offers it to the best-matching unit with a free bed, or the best one.
    const coord = await apiLogin(srv.base, 'e2e-coord', srv.password);
    const m = await api(coord, 'GET', `/api/v1/placements/${id}/matches`);
    assert.equal(m.status, 200, JSON.stringify(m.body));
    const best = m.body.matches[0];
    assert.ok(best, 'a follow-up unit in the region');
    const got = await api(coord, 'GET', `/api/v1/placements/${id}`);
    const offered = await api(coord, 'POST', `/api/v1/placements/${id}/offers`,
      { offers: [{ organization_id: best.organization_id, unit_id: best.unit_id }] }, { 'If-Match': got.etag });
    assert.ok(offered.status === 200 || offered.status === 201, JSON.stringify(offered.body));

    // Live: the `placement` event refetches the list (no reload; polling would take 30 s).
    await page.locator(`tr[data-placement="${id}"][data-state=offered]`).waitFor({ timeout: 8000 });
    assert.equal((await row.locator('[data-placement-state]').innerText()).trim(), 'aangeboden');
    assert.equal((await row.locator('[data-col=offers]').innerText()).trim(), '1');
    await page.selectOption('#pl-state', 'waiting');
    await row.waitFor({ state: 'detached', timeout: 15000 });
    await page.selectOption('#pl-state', 'all');
    await row.waitFor({ timeout: 15000 });
    await context.close();

    const v = await signIn('e2e-viewer');
    await v.page.goto(`${srv.base}/#/plaatsingen`);
    await v.page.locator(`tr[data-placement="${id}"]`).waitFor({ timeout: 15000 });
    assert.equal((await v.page.locator('h1#pl-title').innerText()).trim(), 'Wachtlijst vervolgzorg in de regio');
    await v.context.close();
  });

  test('the form: the server\'s field error next to the field, then recorded and on the waiting list', async () => {
    const { region, org } = srv;
    const fromUnit = region.units.find((u) => u.organization_id === org.id && (u.type === 'ward' || u.type === 'ic'));
    const { context, page } = await signIn('hospital');
    await page.goto(`${srv.base}/#/plaatsingen`);
    await page.locator('[data-testid=new-placement]').waitFor();
    await page.keyboard.press('n');
    await page.waitForURL(/#\/plaatsingen\/nieuw$/);
    const form = page.locator('[data-testid=placement-form]');
    await form.locator('select[name=from_unit_id]').selectOption(fromUnit.id);
    await form.locator('select[name=care_type]').selectOption('grz');
    await form.locator('input[name="profile.weight_kg"]').fill('95');
    await form.locator('select[name="profile.mobility"]').selectOption('bedbound');
    await form.locator('textarea[name=needs]').fill('e2e: revalidatie na heupfractuur');
    // More than a year ahead: only the server knows that rule.
    const far = new Date(Date.now() + 400 * 86400000).toISOString().slice(0, 10);
    await form.locator('input[name=earliest_date]').fill(far);
    await page.locator('[data-testid=placement-submit]').click();
    const err = form.locator('.field-error[data-field="earliest_date"]');
    await err.waitFor({ timeout: 15000 });
    assert.equal((await err.textContent()).trim(), 'Kies een datum binnen een jaar van vandaag.', 'the server\'s message in Dutch');
    await form.locator('input[name=earliest_date]').fill(new Date().toISOString().slice(0, 10));
    await page.locator('[data-testid=placement-submit]').click();
    await page.waitForURL(/#\/plaatsingen$/);
    const row = page.locator('tr[data-placement]', { hasText: 'revalidatie na heupfractuur' });
    await row.waitFor({ timeout: 15000 });
    assert.equal((await row.locator('[data-col=care]').innerText()).trim(), 'GRZ');
    assert.equal(await row.getAttribute('data-state'), 'waiting');
    await context.close();
  });

  test('detail: matches with reasons → offer to the provider\'s unit → the provider accepts → link to the transfer', async () => {
    const { region, org, providerOrg } = srv;
    const fromUnit = region.units.find((u) => u.organization_id === org.id && (u.type === 'ward' || u.type === 'ic'));
    const toUnit = region.units.find((u) => u.organization_id === providerOrg.id && u.type === 'elv-high');
    const hospital = await apiLogin(srv.base, 'hospital', srv.password);
    const created = await api(hospital, 'POST', '/api/v1/placements', {
      from_organization_id: org.id, from_unit_id: fromUnit.id, care_type: 'elv-high', needs: 'e2e: detail', profile: { weight_kg: 499 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;

    const h = await signIn('hospital');
    await h.page.goto(`${srv.base}/#/plaatsingen/${id}`);
    const matches = h.page.locator('[data-testid=matches]');
    await matches.waitFor({ timeout: 15000 });
    const unitRow = matches.locator(`tr[data-unit="${toUnit.id}"]`);
    assert.equal(await unitRow.locator('[data-criterion]').count(), 8, 'every criterion');
    // 499 kg: a unit with a weight limit fails it and says why.
    const weight = matches.locator('[data-criterion=max_weight_kg][data-ok=false]').first();
    assert.ok(await weight.count() > 0, 'a unit of the demo region with a weight limit');
    assert.match(await weight.innerText(), /^✗ max\. gewicht \d+ kg < 499 kg nodig$/);
    await unitRow.locator('input[type=checkbox]').check();
    await h.page.locator('[data-testid=offer-submit]').click();
    const offerRow = h.page.locator(`[data-testid=offers] tr[data-state=open]`);
    await offerRow.waitFor({ timeout: 15000 });
    assert.equal(await h.page.locator('section.placement-view').getAttribute('data-state'), 'offered');
    assert.equal(await h.page.locator('[data-testid=offer-accept]').count(), 0, 'the sender does not answer');

    const pv = await signIn('provider');
    await pv.page.goto(`${srv.base}/#/plaatsingen/${id}`);
    await pv.page.locator('[data-testid=offer-accept]').waitFor({ timeout: 15000 });
    assert.equal(await pv.page.locator('[data-testid=matches]').count(), 0, 'the provider does not see the matches');
    await pv.page.locator('[data-testid=offer-accept]').click();
    await pv.page.locator('[data-testid=offers] tr[data-state=accepted]').waitFor({ timeout: 15000 });
    const link = pv.page.locator('[data-testid=placement-transfer] a');
    await link.waitFor({ timeout: 15000 });
    assert.match(await link.getAttribute('href'), /^#\/overplaatsingen\/.+/);
    await pv.context.close();

    // The hospital's open page follows the provider's answer live.
    await h.page.locator('[data-testid=placement-transfer] a').waitFor({ timeout: 8000 });

    // The capacity table counts the reserved bed on the provider's unit (the snapshot is at most a few seconds old).
    await h.page.goto(`${srv.base}/#/`);
    const cell = h.page.locator(`tr.unit-row[data-unit="${toUnit.id}"] td[data-col=available]`);
    await cell.waitFor({ timeout: 15000 });
    for (let i = 0; i < 15 && (await cell.getAttribute('data-reserved')) !== '1'; i++) {
      await h.page.waitForTimeout(1000);
      await h.page.reload();  // a fresh snapshot; a hospital user starts in the inbox, so go back by the menu
      await h.page.waitForSelector('[data-conn]');
      await h.page.locator('nav a[aria-keyshortcuts=o]').click();
      await cell.waitFor({ timeout: 15000 });
    }
    assert.equal(await cell.getAttribute('data-reserved'), '1', 'one bed reserved for the placement');
    await h.context.close();
  });

  test('cancel: "Annuleren" with a reason withdraws the open offer; the provider has no such button', async () => {
    const { region, org, providerOrg } = srv;
    const fromUnit = region.units.find((u) => u.organization_id === org.id && (u.type === 'ward' || u.type === 'ic'));
    const toUnit = region.units.find((u) => u.organization_id === providerOrg.id && u.type === 'elv-high');
    const hospital = await apiLogin(srv.base, 'hospital', srv.password);
    const created = await api(hospital, 'POST', '/api/v1/placements', {
      from_organization_id: org.id, from_unit_id: fromUnit.id, care_type: 'elv-high', needs: 'e2e: annuleren',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    const offered = await api(hospital, 'POST', `/api/v1/placements/${id}/offers`,
      { offers: [{ organization_id: providerOrg.id, unit_id: toUnit.id }] }, { 'If-Match': created.etag });
    assert.equal(offered.status, 200, JSON.stringify(offered.body));

    const pv = await signIn('provider');
    await pv.page.goto(`${srv.base}/#/plaatsingen/${id}`);
    await pv.page.locator('[data-testid=offer-accept]').waitFor({ timeout: 15000 });
    assert.equal(await pv.page.locator('[data-testid=placement-cancel]').count(), 0, 'the provider does not cancel');
    await pv.context.close();

    const h = await signIn('hospital');
    await h.page.goto(`${srv.base}/#/plaatsingen/${id}`);
    const form = h.page.locator('[data-testid=placement-cancel]');
    await form.waitFor({ timeout: 15000 });
    assert.equal(await h.page.locator('[data-testid=cancel-submit]').isDisabled(), true, 'a reason first');
    assert.equal((await h.page.locator('[data-testid=cancel-submit]').innerText()).trim(), 'Annuleren');
    await h.page.locator('[data-testid=cancel-reason]').fill('patiënt met thuiszorg naar huis');
    await h.page.locator('[data-testid=cancel-submit]').click();
    await h.page.locator('section.placement-view[data-state=cancelled]').waitFor({ timeout: 15000 });
    assert.equal((await h.page.locator('[data-placement-state]').innerText()).trim(), 'geannuleerd');
    assert.equal((await h.page.locator('[data-testid=placement-cancel-reason]').innerText()).trim(),
      'Geannuleerd: patiënt met thuiszorg naar huis');
    assert.equal(await h.page.locator('[data-testid=offers] tr[data-state=withdrawn]').count(), 1);
    assert.equal(await h.page.locator('[data-testid=placement-cancel]').count(), 0, 'nothing more to cancel');
    await h.context.close();
  });
});

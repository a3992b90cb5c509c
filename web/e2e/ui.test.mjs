// Browser tests of the web UI against the real server (node --test, playwright-core, Debian Chromium).
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

async function signIn(context, username) {
  return signInPage(context, srv, username, '[data-testid=units-table] tr.unit-row');
}

async function newUser(username) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'nl-NL' });
  return { context, page: await signIn(context, username) };
}

describe('OpenZCC web UI', () => {
  test('wrong password gives a Dutch error, no session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(srv.base + '/');
    await page.fill('#login-username', 'e2e-coord');
    await page.fill('#login-password', 'not-the-password');
    await page.click('button[type=submit]');
    const err = page.locator('[data-testid=login-error]');
    await err.waitFor();
    assert.equal(await err.textContent(), 'Onjuiste gebruikersnaam of wachtwoord.');
    await context.close();
  });

  test('sign in: the overview shows every unit of the region, grouped, with totals', async () => {
    const { context, page } = await newUser('e2e-coord');
    const rows = await page.locator('tr.unit-row').count();
    assert.equal(rows, srv.region.units.length, 'one row per unit');
    assert.equal(await page.locator('h1#ov-title').textContent(), 'Regio-overzicht');
    for (const s of srv.region.region.subregions) {
      assert.ok(await page.locator('tr.sub-row th', { hasText: s.name }).count() >= 1, `subregion ${s.name} shown`);
    }
    const someOrg = srv.region.organizations[0].name;
    assert.ok(await page.locator('tr.org-row th', { hasText: someOrg }).count() >= 1, `organisation ${someOrg} shown`);
    assert.ok(await page.locator('[data-testid=totals-table] tbody tr').count() >= 3, 'totals per type');
    // Session survives a reload (GET /auth/me with the HttpOnly cookie).
    await page.reload();
    await page.waitForSelector('tr.unit-row');
    await context.close();
  });

  test('stale units are marked with the word "verouderd" and a style', async () => {
    const { context, page } = await newUser('e2e-viewer');
    // A fresh database has no reports yet: every unit is stale.
    const stale = page.locator('tr.unit-row[data-stale="1"]');
    assert.ok(await stale.count() > 0, 'stale rows present');
    const first = stale.first();
    assert.match(await first.locator('.c-age').innerText(), /verouderd/);
    assert.match(await first.getAttribute('class'), /is-stale/);
    await context.close();
  });

  test('an update in one browser appears live in another, without reload', async () => {
    const unit = srv.region.units.find((u) => u.organization_id === srv.org.id && (u.type === 'ic' || u.type === 'ward'));
    const viewer = await newUser('e2e-viewer');
    await viewer.page.evaluate(() => { window.__noReload = 'still here'; });
    await viewer.page.waitForSelector('[data-conn=live]', { timeout: 20000 });
    const row = viewer.page.locator(`tr.unit-row[data-unit="${unit.id}"]`);
    assert.equal(await row.getAttribute('data-stale'), '1');

    const mgr = await newUser('e2e-manager');
    await mgr.page.goto(`${srv.base}/#/invoer/${encodeURIComponent(unit.id)}`);
    // The manager sees only units of their own organisation.
    const pickable = await mgr.page.locator('.unit-pick a[data-unit]').evaluateAll((as) => as.map((a) => a.getAttribute('data-unit')));
    const own = new Set(srv.region.units.filter((u) => u.organization_id === srv.org.id).map((u) => u.id));
    assert.ok(pickable.length > 0 && pickable.every((id) => own.has(id)), 'only own units are editable');

    await mgr.page.fill('#f-beds-total', '23');
    await mgr.page.fill('#f-beds-staffed', '19');
    await mgr.page.fill('#f-beds-occupied', '12');
    await mgr.page.fill('#f-beds-available', '7');
    await mgr.page.click('[data-testid=capacity-form] button[type=submit]');
    await mgr.page.locator('[data-testid=saved]').waitFor({ timeout: 15000 });

    await eventually(async () => (await row.locator('[data-col=available]').textContent()) === '7'
      && (await row.locator('[data-col=staffed]').textContent()) === '19'
      && (await row.getAttribute('data-stale')) === '0', 'the live update in the second browser');
    assert.equal(await viewer.page.evaluate(() => window.__noReload), 'still here', 'the page was not reloaded');
    assert.doesNotMatch(await row.locator('.c-age').innerText(), /verouderd/);
    await viewer.context.close();
    await mgr.context.close();
  });

  test('wrong input shows a Dutch error next to the field and stores nothing', async () => {
    const unit = srv.region.units.find((u) => u.organization_id === srv.org.id && (u.type === 'ic' || u.type === 'ward'));
    const { context, page } = await newUser('e2e-coord');
    await page.goto(`${srv.base}/#/invoer/${encodeURIComponent(unit.id)}`);
    await page.fill('#f-beds-total', '10');
    await page.fill('#f-beds-staffed', '12');
    await page.fill('#f-beds-occupied', '-1');
    await page.fill('#f-beds-available', '3');
    let puts = 0;
    page.on('request', (r) => { if (r.method() === 'PUT') puts += 1; });
    await page.click('[data-testid=capacity-form] button[type=submit]');
    const staffedErr = page.locator('.field-error[data-field="beds.staffed"]');
    await staffedErr.waitFor();
    assert.match(await staffedErr.textContent(), /Bemand mag niet groter zijn dan totaal \(10\)/);
    assert.match(await page.locator('.field-error[data-field="beds.occupied"]').textContent(), /Mag niet negatief zijn/);
    assert.equal(await page.getAttribute('#f-beds-staffed', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-beds-staffed', 'focus on the first wrong field');
    assert.equal(puts, 0, 'nothing sent');
    await context.close();
  });

  test('field errors in a problem+json answer are shown next to the fields, in Dutch', async () => {
    // The client checks the same rules first, so here the server's 422 (its exact shape) is injected.
    const unit = srv.region.units.find((u) => u.organization_id === srv.org.id && (u.type === 'ic' || u.type === 'ward'));
    const { context, page } = await newUser('e2e-coord');
    await page.route('**/api/v1/units/*/capacity', (route) => route.fulfill({
      status: 422, contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'https://openzcc.nl/problems/invalid', title: 'Invalid input', status: 422,
        detail: 'the capacity report breaks the rules', instance: `/api/v1/units/${unit.id}/capacity`,
        errors: [{ field: 'beds.occupied', message: 'must not exceed total' }, { field: 'beds.available', message: 'occupied + available must not exceed staffed' }] }),
    }));
    await page.goto(`${srv.base}/#/invoer/${encodeURIComponent(unit.id)}`);
    for (const [f, v] of [['total', '10'], ['staffed', '8'], ['occupied', '5'], ['available', '3']]) await page.fill(`#f-beds-${f}`, v);
    await page.click('[data-testid=capacity-form] button[type=submit]');
    const occ = page.locator('.field-error[data-field="beds.occupied"]');
    await occ.waitFor();
    assert.match(await occ.textContent(), /Mag niet groter zijn dan totaal/);
    assert.match(await page.locator('.field-error[data-field="beds.available"]').textContent(), /Bezet \+ vrij mag niet groter zijn dan bemand/);
    await context.close();
  });

  test('language toggle switches to English and back, and is remembered', async () => {
    const { context, page } = await newUser('e2e-viewer');
    await page.click('[data-testid=lang-toggle]');
    assert.equal(await page.locator('h1#ov-title').textContent(), 'Region overview');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.match(await page.locator('tr.unit-row[data-stale="1"] .c-age').first().innerText(), /stale/);
    await page.reload();
    await page.waitForSelector('tr.unit-row');
    assert.equal(await page.locator('h1#ov-title').textContent(), 'Region overview');
    await page.keyboard.press('l');
    assert.equal(await page.locator('h1#ov-title').textContent(), 'Regio-overzicht');
    await context.close();
  });

  test('keyboard: "/" focuses the filter, filtering narrows the table', async () => {
    const { context, page } = await newUser('e2e-viewer');
    await page.keyboard.press('/');
    // The app moves focus on the next tick (it may first switch to the overview).
    await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === 'filter-input',
      'focus on the filter');
    const org = srv.region.organizations.find((o) => o.type === 'hospital');
    await page.keyboard.type(org.name);
    await eventually(async () => {
      const n = await page.locator('tr.unit-row').count();
      return n > 0 && n === srv.region.units.filter((u) => u.organization_id === org.id).length;
    }, 'filtered rows');
    await context.close();
  });

  test('find beds: the nearest unit with free beds of the type comes first, counted until N', async () => {
    // Two units of one type get free beds through the API; the search starts at the location of the first.
    const byType = new Map();
    for (const u of srv.region.units) if (u.type === 'ic') byType.set(u.location_id, u);
    const [near, far] = [...byType.values()];
    const cookie = await apiLogin(srv.base, 'e2e-coord', srv.password);
    for (const [u, free] of [[near, 2], [far, 5]]) {
      const res = await fetch(`${srv.base}/api/v1/units/${encodeURIComponent(u.id)}/capacity`, {
        // A cookie session writes only with the CSRF header (as the UI sends it).
        method: 'PUT', headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' },
        body: JSON.stringify({ beds: { total: 12, staffed: 10, occupied: 10 - free, available: free } }),
      });
      assert.equal(res.status, 200, await res.text());
    }
    const { context, page } = await newUser('e2e-viewer');
    await page.goto(`${srv.base}/#/bedden`);
    await page.selectOption('#beds-type', 'ic');
    await page.selectOption('#beds-place', `loc:${near.location_id}`);
    await page.fill('#beds-n', '4');
    const rows = page.locator('[data-testid=beds-table] tbody tr');
    await eventually(async () => (await rows.count()) >= 2, 'two hits');
    assert.equal(await rows.nth(0).getAttribute('data-unit'), near.id);
    assert.match(await rows.nth(0).innerText(), /0,0 km/);
    assert.match(await page.locator('[data-testid=beds-result]').innerText(), /vrije bedden gevonden/);
    await context.close();
  });

  test('unit view: the latest reports, newest first, with source and reporter', async () => {
    // A ward nobody else in this file writes to: two reports through the API, read back in the UI.
    const unit = srv.region.units.find((u) => u.organization_id !== srv.org.id && u.type === 'ward');
    const cookie = await apiLogin(srv.base, 'e2e-coord', srv.password);
    for (const free of [3, 5]) {
      const res = await fetch(`${srv.base}/api/v1/units/${encodeURIComponent(unit.id)}/capacity`, {
        method: 'PUT', headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' },
        body: JSON.stringify({ beds: { total: 20, staffed: 18, occupied: 18 - free, available: free } }),
      });
      assert.equal(res.status, 200, await res.text());
      await new Promise((ok) => setTimeout(ok, 1100)); // distinct as_of seconds
    }
    const { context, page } = await newUser('e2e-viewer');
    await page.goto(`${srv.base}/#/eenheid/${encodeURIComponent(unit.id)}`);
    const rows = page.locator('[data-testid=unit-recent] tbody tr');
    await eventually(async () => (await rows.count()) === 2, 'two reports in the table');
    assert.match(await page.locator('[data-testid=unit-recent] h2').innerText(), /Laatste meldingen/);
    const cells = async (i) => (await rows.nth(i).locator('td').allInnerTexts()).map((c) => c.trim());
    const [newest, older] = [await cells(0), await cells(1)];
    assert.equal(newest[1], '5', 'newest report first');
    assert.equal(older[1], '3');
    assert.deepEqual(newest.slice(-2), ['handmatig', 'e2e-coord']);
    await context.close();
  });

  test('wall screen, map and bed finder render for a signed-in user; sign out ends the session', async () => {
    const { context, page } = await newUser('e2e-coord');
    await page.goto(`${srv.base}/#/wand`);
    await page.locator('[data-testid=wall] .ed-tile').first().waitFor();
    assert.ok(await page.locator('.ed-tile').count() >= 1);
    await page.keyboard.press('Escape');
    await page.goto(`${srv.base}/#/kaart`);
    await page.locator('[data-testid=map-legend]').waitFor();
    assert.match(await page.locator('[data-testid=map-legend]').innerText(), /SEH gesloten/);
    await page.goto(`${srv.base}/#/bedden`);
    await page.locator('[data-testid=beds-result]').waitFor();
    await page.goto(`${srv.base}/#/`);
    await page.click('button:has-text("Uitloggen")');
    await page.locator('#login-username').waitFor();
    await page.reload();
    await page.locator('#login-username').waitFor();
    await context.close();
  });
});

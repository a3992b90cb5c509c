// Forecasts in the browser, on a server started as `make run` starts it (--demo: simulated feeds and weeks of
// simulated history): the 7-day trend is not empty, the unit shows its forecast with the 80% band and its own
// backtest, the overview and the wall screen show the 2-hour ED outlook.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiLogin, signInPage } from './server.mjs';
import { launch } from '../dev/chromium.mjs';

let srv;
let browser;
let cookie;

before(async () => {
  srv = await startServer({ demo: true });
  browser = await launch();
  cookie = await apiLogin(srv.base, 'e2e-coord', srv.password);
  // The demo writes its history after the server is up: wait until the region's forecasts are there.
  const until = Date.now() + 120000;
  for (;;) {
    const r = await fetch(`${srv.base}/api/v1/forecasts?region=ZWN`, { headers: { Cookie: cookie } });
    if (r.status === 200 && (await r.json()).ed_outlook.length > 0) break;
    if (Date.now() > until) throw new Error(`no forecasts after 120 s:\n${srv.log().slice(-2000)}`);
    await new Promise((ok) => setTimeout(ok, 1000));
  }
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

async function signIn(username) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'nl-NL' });
  const page = await signInPage(context, srv, username, '[data-testid=units-table] tr.unit-row');
  return { context, page };
}

describe('forecasts', () => {
  test('the overview shows the 2-hour ED outlook of every ED, in Dutch', async () => {
    const { context, page } = await signIn('e2e-coord');
    const outlook = page.locator('[data-testid=ed-outlook]');
    await outlook.waitFor({ timeout: 20000 });
    assert.match(await outlook.locator('h2').textContent(), /SEH-verwachting komende 2 uur/);
    const eds = srv.region.units.filter((u) => u.type === 'seh').length;
    const rows = await outlook.locator('tbody tr').count();
    assert.ok(rows > 0 && rows <= eds, `${rows} outlook rows for ${eds} EDs`);
    // Expected arrivals with their interval, and the backtest beside them.
    const first = await outlook.locator('tbody tr').first().textContent();
    assert.match(first, /\d+ \(\d+(–\d+)?\)/);
    assert.match(first, /MASE \d+,\d\d · dekking \d+%/);
    await context.close();
  });

  test('a unit shows its 7-day trend, the band and its own backtest; an SEH its next two hours and its beds', async () => {
    const { context, page } = await signIn('e2e-coord');
    const api = await (await fetch(`${srv.base}/api/v1/forecasts?region=ZWN`, { headers: { Cookie: cookie } })).json();
    const ed = api.ed_outlook.find((f) => f.unit_type === 'seh');
    await page.goto(`${srv.base}/#/eenheid/${encodeURIComponent(ed.unit_id)}`);
    const card = page.locator('[data-testid=forecast]');
    await card.waitFor({ timeout: 20000 });
    const text = await card.textContent();
    assert.match(text, /Verwachting/);
    assert.match(text, /Aankomsten komend uur/);
    assert.match(text, /80%-interval/);
    assert.match(text, /Gegevens .* oud/);
    assert.match(await card.locator('[data-testid=forecast-backtest]').textContent(), /^MASE \d+,\d\d · dekking \d+%/);
    // An SEH has observation beds too: a second card with their occupancy and its own backtest.
    assert.match(await card.locator('h2').textContent(), /SEH-aankomsten/);
    const beds = page.locator('[data-testid=forecast-occupancy]');
    await beds.waitFor({ timeout: 20000 });
    assert.match(await beds.locator('h2').textContent(), /Verwachting · bezette bedden/);
    assert.match(await beds.textContent(), /bezette capaciteit/);
    assert.match(await beds.locator('[data-testid=forecast-backtest]').textContent(), /^MASE \d+,\d\d · dekking \d+%/);
    // The 7-day trend is not empty: the demo seeded history.
    assert.equal(await page.locator('.empty', { hasText: 'Geen historie' }).count(), 0);
    assert.ok(await page.locator('[data-testid=unit-recent] tbody tr').count() > 0);

    // A ward: occupancy days ahead, with or without a flag, always with its threshold.
    let wardCard = null;
    for (const u of srv.region.units.filter((x) => x.type === 'ward')) {
      const r = await fetch(`${srv.base}/api/v1/units/${u.id}/forecast`, { headers: { Cookie: cookie } });
      if (r.status === 200) { wardCard = u; break; }
    }
    assert.ok(wardCard, 'a ward with a forecast');
    await page.goto(`${srv.base}/#/eenheid/${encodeURIComponent(wardCard.id)}`);
    await page.waitForFunction(() => /bezette capaciteit/.test(document.querySelector('[data-testid=forecast]')?.textContent ?? ''),
      undefined, { timeout: 20000 });
    // English on request.
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.querySelector('[data-testid=forecast]')?.textContent?.includes('Forecast'));
    assert.match(await page.locator('[data-testid=forecast-backtest]').textContent(), /^MASE \d+\.\d\d · coverage \d+%/);
    await context.close();
  });

  test('the wall screen shows the outlook on the ED tiles', async () => {
    const { context, page } = await signIn('e2e-coord');
    await page.goto(`${srv.base}/#/wand`);
    const tile = page.locator('[data-testid=wall-outlook]').first();
    await tile.waitFor({ timeout: 20000 });
    assert.match(await tile.textContent(), /SEH-verwachting komende 2 uur: \d+ \(\d+(–\d+)?\) · \d+ \(\d+(–\d+)?\)/);
    await context.close();
  });
});

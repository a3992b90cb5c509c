// What-if in the browser against the real server (started with --demo: live feeds, so the region has a current
// state): the ZCC coordinator opens Wat-als, closes an ED at night and adds beds, runs baseline and variant, both
// progress bars reach done, the comparison has both columns and the CSV has a row per station and measure; a user
// without the right has no entry and is refused, by the page and by the API; a comparison under way is stopped;
// a demand change for one urgency of the ZCC's triage mix gives each urgency's wait.
// OZCC_E2E_BASE=http://… runs this file against a server that is already running (e.g. `node dev/mock-api.mjs`,
// password "demo" or OZCC_E2E_PASSWORD; its capacity manager is "mgr") instead of starting the real one.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, apiLogin, signInContext } from './server.mjs';
import { launch } from '../dev/chromium.mjs';

let srv;
let browser;

// A user without the right: a hospital's capacity manager (it reads the capacity picture, not the what-if).
let refusedUser = 'e2e-manager';

before(async () => {
  if (process.env.OZCC_E2E_BASE) {
    srv = { base: process.env.OZCC_E2E_BASE, password: process.env.OZCC_E2E_PASSWORD ?? 'demo', async close() {} };
    refusedUser = 'mgr';
  } else {
    srv = await startServer({ demo: true });
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

const signIn = (username) => signInContext(browser, srv, username);

describe('what-if', () => {
  test('the coordinator closes an ED at night, adds beds, runs, compares and downloads the CSV', async () => {
    const cookie = await apiLogin(srv.base, 'zcc', srv.password);
    const api = await (await fetch(`${srv.base}/api/v1/regions/ZWN/scenario`, { headers: { Cookie: cookie } })).json();
    const stations = api.scenario.stations;
    const ed = api.stations.findIndex((s) => s.kind === 'ed');
    const beds = api.stations.findIndex((s) => s.kind === 'beds');
    assert.ok(ed >= 0, 'the scenario has an ED station');
    assert.equal(api.stations[ed].name, stations[ed].name);

    const { context, page } = await signIn('zcc');
    const entry = page.locator('nav a[href="#/wat-als"]');
    assert.match(await entry.textContent(), /Wat-als/);
    await page.keyboard.press('m');
    await page.waitForSelector('[data-testid=sim-stations]', { timeout: 20000 });
    assert.match(await page.locator('[data-testid=sim-baseline]').textContent(), /Huidige situatie, vanaf nu.*Gegevens .* oud/s);
    assert.equal(await page.locator('[data-testid=sim-stations] tbody tr').count(), stations.length);

    // The ED of X closes tonight, 23:00–07:00; some beds added elsewhere.
    await page.check(`[data-testid=sim-close-${ed}]`);
    if (beds >= 0) {
      const now = Number(await page.inputValue(`#f-station-${beds}-servers`));
      await page.fill(`#f-station-${beds}-servers`, String(now + 5));
    }
    await page.selectOption('#f-horizon', '24');
    await page.fill('#f-replications', '4');
    await page.fill('#f-name', 'SEH dicht vannacht');
    await page.click('[data-testid=sim-run]');

    for (const side of ['baseline', 'variant']) {
      const bar = page.locator(`[data-testid=sim-progress-${side}]`);
      await bar.waitFor({ timeout: 20000 });
      await page.waitForSelector(`[data-testid=sim-progress-${side}][data-state=done]`, { timeout: 240000 });
      assert.equal(await bar.locator('[role=progressbar]').getAttribute('aria-valuenow'), '100');
      assert.match(await bar.textContent(), /4 van 4 herhalingen · klaar/);
    }
    const table = page.locator('[data-testid=sim-compare]');
    await table.waitFor({ timeout: 20000 });
    assert.match(await table.locator('[data-testid=sim-col-baseline]').textContent(), /Basis/);
    assert.match(await table.locator('[data-testid=sim-col-variant]').textContent(), /Variant/);
    // With many stations the table starts with those that differ; all of them on request.
    if (await page.locator('[data-testid=sim-only-diff]:checked').count()) {
      assert.ok(await table.locator(`tbody tr[data-station="${stations[ed].name}"]`).count() === 3, 'the closed ED differs');
      await page.uncheck('[data-testid=sim-only-diff]');
    }
    assert.equal(await table.locator('tbody tr').count(), stations.length * 3);
    // Eight hours closed: arrivals in those hours all wait.
    const edWait = table.locator(`tbody tr[data-station="${stations[ed].name}"][data-measure=wait_probability]`);
    assert.match(await edWait.textContent(), /slechter/);
    assert.equal(await page.locator('[data-testid^=sim-chart-] svg').count(), 3);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=sim-csv]')]);
    assert.match(download.suggestedFilename(), /^wat-als-ZWN-\d{4}-\d\d-\d\dT\d{4}\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8').trim().split(/\r\n/);
    assert.equal(lines[0], 'station,measure,baseline_mean,baseline_lo,baseline_hi,variant_mean,variant_lo,variant_hi,urgency');
    assert.equal(lines.length, 1 + stations.length * 3);
    assert.match(lines.find((l) => l.includes('wait_probability')), /^[^,]+,wait_probability(,-?\d[\d.e-]*){6},$/);

    // The runs are the region's recent runs, and open again as a pair.
    const recent = page.locator('[data-testid=sim-recent]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=sim-recent] tbody tr').length >= 2);
    assert.match(await recent.textContent(), /SEH dicht vannacht · basis/);
    assert.match(await recent.textContent(), /SEH dicht vannacht · variant/);
    await page.reload();
    await page.waitForSelector('[data-testid=sim-recent] tbody tr');
    await page.locator('[data-testid=sim-recent] tbody tr', { hasText: 'SEH dicht vannacht · variant' }).getByRole('button').click();
    await page.waitForSelector('[data-testid=sim-col-variant]', { timeout: 20000 });

    // English on request.
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.querySelector('#sim-title')?.textContent === 'What-if');
    await context.close();
  });

  test('a comparison under way is stopped: both runs read as stopped, on the page and in the list', async () => {
    // A long run started first keeps the server's one simulation worker busy, so the pair waits in the queue
    // whatever the speed of the machine; it is stopped over the API at the end.
    const cookie = await apiLogin(srv.base, 'zcc', srv.password);
    const headers = { Cookie: cookie, 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' };
    const blocker = await fetch(`${srv.base}/api/v1/simulations`, {
      method: 'POST', headers,
      body: JSON.stringify({ region_id: 'ZWN', name: 'e2e bezet', replications: 100, scenario: {
        horizon_hours: 1700, arrivals: [{ name: 'a', rate_per_hour: 600, to: 's' }],
        stations: [{ name: 's', servers: 800, service: { dist: 'exponential', mean_minutes: 60 } }] } }),
    });
    assert.equal(blocker.status, 202);
    const blockerId = (await blocker.json()).id;

    const { context, page } = await signIn('zcc');
    await page.goto(`${srv.base}/#/wat-als`);
    await page.waitForSelector('[data-testid=sim-stations]', { timeout: 20000 });
    await page.fill('#f-name', 'Te stoppen');
    await page.click('[data-testid=sim-run]');
    // Both runs stored and waiting behind the long one.
    await page.waitForFunction(() => /0 van 10 herhalingen · in de wachtrij/.test(
      document.querySelector('[data-testid=sim-progress-variant]')?.textContent ?? ''), null, { timeout: 20000 });
    await page.click('[data-testid=sim-cancel]');
    for (const side of ['baseline', 'variant']) {
      await page.waitForSelector(`[data-testid=sim-progress-${side}][data-state=cancelled]`, { timeout: 20000 });
      assert.match(await page.locator(`[data-testid=sim-progress-${side}]`).textContent(), /0 van 10 herhalingen · gestopt/);
    }
    assert.equal(await page.locator('[data-testid=sim-cancel]').count(), 0, 'nothing left to stop');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=sim-recent] tbody tr')]
      .filter((tr) => tr.textContent.includes('Te stoppen') && tr.textContent.includes('gestopt')).length === 2);

    const stop = await fetch(`${srv.base}/api/v1/simulations/${blockerId}/cancel`, { method: 'POST', headers });
    assert.equal(stop.status, 200);
    assert.equal((await stop.json()).state, 'cancelled');
    await context.close();
  });

  test("the editor's own checks: the error next to the field, nothing sent", async () => {
    const { context, page } = await signIn('zcc');
    await page.goto(`${srv.base}/#/wat-als`);
    await page.waitForSelector('[data-testid=sim-stations]', { timeout: 20000 });
    // The editor's own check first: nothing is sent.
    await page.fill('#f-station-0-servers', '0');
    await page.click('[data-testid=sim-run]');
    const own = page.locator('[data-field="station.0.servers"]');
    await own.waitFor();
    assert.match(await own.textContent(), /Minstens één uur per dag/);
    assert.equal(await page.locator('[data-testid=sim-progress]').count(), 0);
    await context.close();
  });

  test("the ZCC's requests carry their triage mix (50% more U3) and go on by the care pathways", async () => {
    // Requests triaged by the GP post: the hap channel's mix is half U3, half U1 (enough of them that a simulated
    // week sees some).
    const cookie = await apiLogin(srv.base, 'zcc', srv.password);
    const headers = { Cookie: cookie, 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' };
    const triaged = Array.from({ length: 12 }, () => [['U3', 'catheter-problem'], ['U1', 'abdominal-pain']]).flat();
    for (const [urgency, complaint] of triaged) {
      const r = await fetch(`${srv.base}/api/v1/cases`, {
        method: 'POST', headers, body: JSON.stringify({ region_id: 'ZWN', channel: 'hap', summary: 'e2e', urgency, complaint }),
      });
      assert.equal(r.status, 201, await r.text());
    }
    const api = await (await fetch(`${srv.base}/api/v1/regions/ZWN/scenario`, { headers: { Cookie: cookie } })).json();
    const k = api.scenario.arrivals.findIndex((a) => a.name === 'ZCC worklist requests (hap)');
    assert.ok(k >= 0, JSON.stringify(api.scenario.arrivals.map((a) => a.name)));

    const { context, page } = await signIn('zcc');
    await page.goto(`${srv.base}/#/wat-als`);
    await page.waitForSelector('[data-testid=sim-stations]', { timeout: 20000 });
    const mix = page.locator(`[data-row="arrival.${k}.mix"]`);
    assert.match(await mix.textContent(), /Per urgentie.*U1 \(50%\).*U3 \(50%\)/s);
    await page.fill(`#f-arrival-${k}-urgency-U3`, '50');
    // And the care pathways: the variant sends acute district nursing (catheter care, U3) to a VVT crisis unit.
    await page.check('[data-testid=sim-pathways-on]');
    const vvtUnit = api.stations.find((s) => s.unit_type === 'vvt-crisis')?.name ?? api.stations.find((s) => s.kind === 'beds').name;
    assert.match(await page.locator('[data-row="pathways.vvt"]').textContent(), /verlaat de keten/);
    await page.selectOption('#f-pathways-vvt', vvtUnit);
    await page.selectOption('#f-horizon', '168');
    await page.fill('#f-replications', '2');
    await page.fill('#f-name', 'Meer U3');
    await page.click('[data-testid=sim-run]');
    await page.waitForSelector('[data-testid=sim-progress-variant][data-state=done]', { timeout: 240000 });
    const byUrgency = page.locator('[data-testid=sim-compare-urgency]');
    await byUrgency.waitFor({ timeout: 20000 });
    for (const u of ['U1', 'U3']) {
      assert.equal(await byUrgency.locator(`tbody tr[data-station="ZCC worklist"][data-urgency=${u}]`).count(), 2, u);
    }
    // Where the pathways sent each class, per run: catheter care (U3) to the VVT unit in the variant only.
    const routes = page.locator('[data-testid=sim-pathway-routes]');
    assert.equal(await routes.count(), 2);
    const catheter = (i) => routes.nth(i).locator('tbody tr[data-urgency=U3][data-complaint=catheter-problem]');
    assert.match(await catheter(1).textContent(), new RegExp(`catheter-care v\\d+.*acute-district-nursing.*${vvtUnit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(await catheter(0).textContent(), /verlaat de keten/);
    // The variant's stream: the rate 25% up, the mix now 60% U3.
    const runs = await (await fetch(`${srv.base}/api/v1/simulations?region=ZWN`, { headers: { Cookie: cookie } })).json();
    const variant = runs.items.find((r) => r.name === 'Meer U3 · variant');
    const full = await (await fetch(`${srv.base}/api/v1/simulations/${variant.id}`, { headers: { Cookie: cookie } })).json();
    const stream = full.scenario.arrivals.find((a) => a.name === 'ZCC worklist requests (hap)');
    assert.ok(Math.abs(stream.rate_per_hour - api.scenario.arrivals[k].rate_per_hour * 1.25) < 1e-5, JSON.stringify(stream));
    const u3 = stream.mix.filter((c) => c.urgency === 'U3').reduce((x, c) => x + c.share, 0);
    assert.ok(Math.abs(u3 - 0.6) < 1e-9, JSON.stringify(stream.mix));
    // The pathways were expanded by the server into the ZCC's rules: catheter care (U3) to the VVT unit in the
    // variant only.
    const rulesTo = (scenario) => (scenario.stations.find((st) => st.name === 'ZCC worklist').routing ?? [])
      .filter((r) => r.when?.complaint?.includes('catheter-problem')).map((r) => r.next[0].station);
    assert.deepEqual(rulesTo(full.scenario), [vvtUnit]);
    const baselineRun = runs.items.find((r) => r.name === 'Meer U3 · basis');
    const baseFull = await (await fetch(`${srv.base}/api/v1/simulations/${baselineRun.id}`, { headers: { Cookie: cookie } })).json();
    assert.deepEqual(rulesTo(baseFull.scenario), []);
    await context.close();
  });

  test('a user without the right has no entry and is refused', async () => {
    const { context, page } = await signIn(refusedUser);
    await page.waitForSelector('nav a[href="#/"]');
    assert.equal(await page.locator('nav a[href="#/wat-als"]').count(), 0);
    await page.keyboard.press('m');
    await page.goto(`${srv.base}/#/wat-als`);
    await page.waitForSelector('[data-testid=sim-refused]');
    assert.match(await page.locator('[data-testid=sim-refused]').textContent(), /geen toegang/);
    const cookie = await apiLogin(srv.base, refusedUser, srv.password);
    const r = await fetch(`${srv.base}/api/v1/regions/ZWN/scenario`, { headers: { Cookie: cookie } });
    assert.equal(r.status, 403);
    const post = await fetch(`${srv.base}/api/v1/simulations`, {
      method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' },
      body: JSON.stringify({ region_id: 'ZWN', name: 'x', replications: 2, scenario: {
        horizon_hours: 1, arrivals: [{ name: 'a', rate_per_hour: 1, to: 's' }],
        stations: [{ name: 's', servers: 1, service: { dist: 'exponential', mean_minutes: 10 } }] } }),
    });
    assert.equal(post.status, 403);
    await context.close();
  });
});

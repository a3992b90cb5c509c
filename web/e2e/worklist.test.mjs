// Browser tests of the ZCC worklist against the real server (node --test, playwright-core, Debian Chromium):
// a coordinator takes in a request with a patient, triages it, chooses the action of the pathway's proposal and
// hands it over to a VVT organisation; the
// partner sees it arrive live in a second browser context and accepts; the coordinator sees "geaccepteerd"
// without reloading and closes it with an outcome, which the KPI page counts; a user of an uninvolved
// organisation is refused the case.
// Users (e2e/server.mjs): zcc (zcc-coordinator), vvt (org-user of a VVT organisation), hospital (org-user of a
// hospital), all with the run's password.
// OZCC_E2E_BASE=http://… runs this file against a server that is already running (e.g. `node dev/mock-api.mjs`,
// password "demo" or OZCC_E2E_PASSWORD) instead of starting the real one.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiLogin, signInPage, eventually } from './server.mjs';
import { launch } from '../dev/chromium.mjs';

let srv;
let browser;
// The real server (not the mock API of OZCC_E2E_BASE) has the pathways and the KPIs.
const real = !process.env.OZCC_E2E_BASE;

async function external(base) {
  const password = process.env.OZCC_E2E_PASSWORD ?? 'demo';
  const cookie = await apiLogin(base, 'zcc', password);
  const me = await (await fetch(`${base}/api/v1/auth/me`, { headers: { Cookie: cookie } })).json();
  const region = await (await fetch(`${base}/api/v1/regions/${me.region_id}`, { headers: { Cookie: cookie } })).json();
  return { base, password, region, vvtOrg: null, async close() {} };
}

before(async () => {
  srv = process.env.OZCC_E2E_BASE ? await external(process.env.OZCC_E2E_BASE) : await startServer();
  browser = await launch();
  if (!srv.vvtOrg) {
    // Against a running server: the VVT user's organisation, as the server says.
    const cookie = await apiLogin(srv.base, 'vvt', srv.password);
    const me = await (await fetch(`${srv.base}/api/v1/auth/me`, { headers: { Cookie: cookie } })).json();
    srv.vvtOrg = srv.region.organizations.find((o) => o.id === me.organization_id);
  }
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

/** Signs in a new browser context; `offline`: the live stream is blocked from the start (no events). */
async function signIn(username, { offline = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'nl-NL' });
  if (offline) await context.route('**/api/v1/events**', (route) => route.abort());
  const page = await signInPage(context, srv, username, 'header.topbar');
  await page.waitForSelector(offline ? '[data-conn]' : '[data-conn=live]', { timeout: 20000 });
  return { context, page };
}

const caseState = (page) => page.locator('section.case-view').getAttribute('data-state');

// 111222333 passes the 11-proef (9·1 + 8·1 + 7·1 + 6·2 + 5·2 + 4·2 + 3·3 + 2·3 − 3 = 66); 123456789 does not.
const BSN = '111222333';
const PATIENT = 'Jansen-e2e';

describe('ZCC worklist', () => {
  test('intake → triage → handover → the partner accepts live → close; others are refused', async () => {
    // The partner waits in its inbox first: the handover must arrive there live.
    // A partner's user starts at its inbox.
    const partner = await signIn('vvt');
    await partner.page.waitForSelector('#inbox-title');
    // The title names the organisation once the region's detail has loaded (its id until then).
    const title = `Overdrachten aan ${srv.vvtOrg.name}`;
    await eventually(async () => (await partner.page.locator('#inbox-title').textContent()) === title, `inbox title "${title}"`);
    await partner.page.evaluate(() => { window.__noReload = 'still here'; });

    const zcc = await signIn('zcc');
    const page = zcc.page;
    // A coordinator starts at the worklist; "n" opens the intake.
    await page.waitForSelector('#wl-title');
    assert.equal(await page.locator('#wl-title').textContent(), 'Werklijst ZCC');
    await page.keyboard.press('n');
    await page.waitForSelector('[data-testid=intake-form]');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-channel', 'the channel has the focus');
    await page.selectOption('#f-channel', 'vvt');
    await page.fill('#f-summary', 'Katheter verstopt, patiënt heeft pijn, wijkverpleging kan pas morgen.');
    await page.fill('#f-caller-name', 'A. de Wit');
    await page.fill('#f-caller-role', 'wijkverpleegkundige');
    await page.fill('#f-caller-phone', '010-1234567');
    await page.check('input[name=withPatient]');
    // The 11-proef is a hint while typing; the server decides.
    await page.fill('#f-patient-bsn', '123456789');
    await page.locator('[data-testid=bsn-hint]').waitFor();
    assert.match(await page.locator('[data-testid=bsn-hint]').textContent(), /11-proef/);
    await page.fill('#f-patient-bsn', BSN);
    assert.equal(await page.locator('[data-testid=bsn-hint]').count(), 0);
    await page.fill('#f-patient-name', PATIENT);
    await page.fill('#f-patient-birth_date', '1941-03-02');
    // Without a legal basis nothing is sent: the error is next to the field.
    let posts = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/cases')) posts += 1; });
    await page.keyboard.press('Control+Enter');
    const legalErr = page.locator('.field-error[data-field="legal_basis"]');
    await legalErr.waitFor();
    assert.match(await legalErr.textContent(), /grondslag/);
    assert.equal(posts, 0, 'nothing sent');
    await page.check('input[name=legal_basis][value=consent]');
    await page.fill('#f-context-age_years', '84');
    await page.selectOption('#f-context-living', 'home-alone');
    await page.check('input[name="context.known_care"][value=district-nursing]');
    await page.keyboard.press('Control+Enter');

    await page.waitForSelector('section.case-view');
    assert.match(await page.locator('[data-testid=flash]').textContent(), /Melding aangemaakt/);
    assert.equal(await caseState(page), 'new');
    assert.match(await page.locator('.case-head .cs').textContent(), /nieuw/);
    const caseId = await page.locator('section.case-view').getAttribute('data-case');
    assert.match(caseId, /^c-/);
    await page.evaluate(() => { window.__noReload = 'still here'; });

    // Triage: "t", urgency U3, the complaint found by a synonym with the arrow keys.
    await page.keyboard.press('t');
    await page.waitForSelector('[data-testid=step-triage]');
    await page.check('[data-testid=step-triage] input[name=urgency][value=U3]');
    await page.fill('#f-triage-complaint', 'katheter');
    await page.waitForSelector('#f-triage-complaint-list [role=option]');
    await page.locator('#f-triage-complaint').press('ArrowDown');
    await page.locator('#f-triage-complaint').press('ArrowUp');
    await page.locator('#f-triage-complaint').press('Enter');
    await page.waitForSelector('[data-testid=step-triage] [data-complaint]');
    await page.fill('[data-testid=step-triage] #f-note', 'Pijnscore 6.');
    await page.locator('[data-testid=step-triage] #f-note').press('Control+Enter');
    await eventually(async () => (await caseState(page)) === 'triaged', 'the triaged state');
    assert.match(await page.locator('.case-head .cs').textContent(), /getrieerd/);
    assert.equal(await page.locator('[data-testid=triages] tbody tr').count(), 1);
    assert.match(await page.locator('[data-testid=triages] tbody tr').first().innerText(), /U3/);

    // The proposal of the shipped pathway (catheter care, U3): "Kies" its action, the VVT's acute district
    // nursing, beside the partners' live capacity. (The mock API has no pathways.)
    if (real) {
      const choose = page.locator('[data-testid=proposal] [data-pathway=catheter-care] li[data-action=acute-district-nursing] [data-testid=proposal-choose]');
      await choose.waitFor({ timeout: 10000 });
      const before = await page.locator('section.case-view').getAttribute('data-version');
      await choose.click();
      await page.locator('[data-testid=proposal-decided]').waitFor();
      assert.match(await page.locator('[data-testid=proposal-decided]').textContent(), /Gekozen: catheter-care \(versie \d+\) – acute-district-nursing/);
      assert.ok(await page.locator('[data-testid=proposal] [data-pathway=catheter-care] li[data-action=acute-district-nursing] [data-testid=proposal-chosen]').count() === 1);
      assert.notEqual(await page.locator('section.case-view').getAttribute('data-version'), before, 'the decision is a new version');
      assert.equal(await caseState(page), 'triaged', 'choosing decides, it does not hand over');
    }

    // The patient only on request, with a purpose; never in the browser's storage.
    assert.equal(await page.locator('[data-testid=patient-data]').count(), 0, 'no patient data before asked');
    await page.click('[data-testid=patient-show]');
    await page.waitForSelector('[data-testid=patient-data]');
    assert.match(await page.locator('[data-testid=patient-data]').innerText(), new RegExp(PATIENT));
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.doesNotMatch(stored, new RegExp(`${BSN}|${PATIENT}`), 'patient data is not stored in the browser');
    await page.click('[data-testid=patient-hide]');

    // The worklist shows it (another tab of the coordinator), with urgency and state in words.
    const list = await zcc.context.newPage();
    await list.goto(`${srv.base}/#/werklijst`);
    const row = list.locator(`tr.case-row[data-case="${caseId}"]`);
    await row.waitFor({ timeout: 5000 });
    assert.equal(await row.getAttribute('data-urgency'), 'U3');
    assert.match(await row.innerText(), /getrieerd/);
    assert.match(await row.innerText(), /nog \d+ (min|u)/, 'the target timer in words');

    // Hand over to the VVT organisation with an SBAR.
    await page.keyboard.press('h');
    await page.waitForSelector('[data-testid=step-hand-over]');
    await page.selectOption('#f-to_organization_id', srv.vvtOrg.id);
    await page.fill('#f-sbar-background', '84 jaar, woont alleen, bekend bij wijkverpleging.');
    await page.fill('#f-sbar-recommendation', 'Vandaag nog katheter vervangen.');
    await page.locator('#f-sbar-recommendation').press('Control+Enter');
    await eventually(async () => (await caseState(page)) === 'handed-over', 'the handed-over state');
    assert.equal(await page.locator('.handover-list li[data-state=requested]').count(), 1);
    // … and the worklist follows live: the row says "overgedragen".
    await eventually(async () => /overgedragen/.test(await row.innerText()), 'the worklist row updated live');

    // The partner's inbox shows it without a reload, with the SBAR and the answer deadline.
    const item = partner.page.locator(`li.inbox-item[data-case="${caseId}"]`);
    await item.waitFor({ timeout: 15000 });
    assert.equal(await item.getAttribute('data-state'), 'requested');
    assert.match(await item.innerText(), /Vandaag nog katheter vervangen/);
    assert.match(await item.innerText(), /Antwoord\s+nog \d+ min/);
    assert.equal(await partner.page.evaluate(() => window.__noReload), 'still here', 'the inbox was not reloaded');
    await item.locator('textarea').fill('Wijkverpleging komt binnen het uur.');
    await item.locator('[data-testid=accept]').click();
    await eventually(async () => (await item.getAttribute('data-state')) === 'accepted', 'the accepted handover in the inbox');

    // The coordinator sees "geaccepteerd" without reloading.
    await eventually(async () => (await caseState(page)) === 'accepted', 'the accepted state at the coordinator');
    assert.match(await page.locator('.case-head .cs').textContent(), /geaccepteerd/);
    assert.equal(await page.evaluate(() => window.__noReload), 'still here', 'the case was not reloaded');
    assert.ok(await page.locator('[data-testid=timeline] li[data-kind=accepted]').count() >= 1, 'the timeline says who accepted');

    // The partner may open the case it was handed (no patient data unless asked).
    await partner.page.goto(`${srv.base}/#/melding/${caseId}`);
    await partner.page.waitForSelector('section.case-view');
    assert.equal(await partner.page.locator('[data-testid=case-refused]').count(), 0);

    // Close with an outcome: "s".
    await page.keyboard.press('s');
    await page.waitForSelector('[data-testid=step-close]');
    await page.check('input[name=outcome][value=care-prevented]');
    await page.locator('[data-testid=step-close] #f-note').fill('Opname voorkomen.');
    await page.locator('[data-testid=step-close] #f-note').press('Control+Enter');
    await eventually(async () => (await caseState(page)) === 'closed', 'the closed state');
    assert.equal(await page.locator('[data-testid=outcome]').textContent(), 'zorg voorkomen');
    // Off the open worklist, live.
    await eventually(async () => (await row.count()) === 0, 'the closed case leaves the open worklist');

    // The KPI page counts the closed case, its outcome and the pathway it followed.
    if (real) {
      await page.keyboard.press('g');
      const summary = page.locator('[data-testid=kpi-summary]');
      await summary.waitFor();
      await eventually(async () => /Gesloten: 1\b/.test(await summary.innerText()), 'the closed case in the KPIs');
      assert.match(await summary.innerText(), /Hulpvragen: 1\b/);
      assert.match(await summary.innerText(), /Zorgpad: 1 \/ 0 \/ 0/, 'followed / deviated / none');
      assert.equal(await page.locator('svg.kpi-bars[aria-label*="zorg voorkomen: 1"]').count(), 1, 'the outcome bar');
    }

    // A user of an organisation the case was never handed to gets a clear refusal.
    const other = await signIn('hospital');
    await other.page.goto(`${srv.base}/#/cases/${caseId}`);
    const refused = other.page.locator('[data-testid=case-refused]');
    await refused.waitFor();
    assert.match(await refused.textContent(), /geen toegang tot deze melding/);
    assert.equal(await other.page.locator('#patient-title').count(), 0, 'no patient panel');
    // Nor do they have the worklist in their menu.
    assert.equal(await other.page.locator('nav a[href="#/werklijst"]').count(), 0);

    await other.context.close();
    await partner.context.close();
    await zcc.context.close();
  });

  test('a change on an old version says someone else changed it, and reloads', async () => {
    // The page gets no live events (blocked), so it still shows the old version when it sends.
    const zcc = await signIn('zcc', { offline: true });
    const page = zcc.page;
    const cookie = await apiLogin(srv.base, 'zcc', srv.password);
    const api = (path, body, headers = {}) => fetch(`${srv.base}${path}`, {
      method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1', ...headers }, body: JSON.stringify(body),
    });
    const created = await (await api('/api/v1/cases', { channel: 'hap', summary: 'Benauwd, bekend COPD.', urgency: 'U2', complaint: 'catheter-problem' })).json();
    assert.equal(created.state, 'triaged');
    await page.goto(`${srv.base}/#/melding/${created.id}`);
    await page.waitForSelector('section.case-view');
    assert.equal(await page.locator('section.case-view').getAttribute('data-version'), String(created.version));

    // Someone else consults meanwhile.
    const other = await api(`/api/v1/cases/${created.id}/consult`, { consultant: 'regiearts', question: 'Opname nodig?' }, { 'If-Match': `"${created.version}"` });
    assert.equal(other.status, 200);

    await page.keyboard.press('s');
    await page.check('input[name=outcome][value=helped-by-zcc]');
    await page.locator('[data-testid=step-close] button[type=submit]').click();
    const err = page.locator('[data-testid=step-error]');
    await err.waitFor();
    assert.match(await err.textContent(), /Iemand anders heeft deze melding net gewijzigd/);
    await eventually(async () => (await caseState(page)) === 'in-consultation', 'the reloaded case');
    await zcc.context.close();
  });

  test('server field errors of an intake are shown next to the fields, in Dutch', async () => {
    const zcc = await signIn('zcc');
    const page = zcc.page;
    await page.goto(`${srv.base}/#/werklijst/nieuw`);
    await page.waitForSelector('[data-testid=intake-form]');
    await page.selectOption('#f-channel', 'gp');
    await page.fill('#f-summary', 'Verward, valt vaak.');
    await page.check('input[name=withPatient]');
    // Fails the 11-proef: only a hint here, so it is sent, and the server refuses it.
    await page.fill('#f-patient-bsn', '123456789');
    await page.check('input[name=legal_basis][value=vital-interest]');
    await page.click('[data-testid=intake-submit]');
    const bsnErr = page.locator('.field-error[data-field="patient.bsn"]');
    await bsnErr.waitFor();
    assert.match(await bsnErr.textContent(), /Geen geldig BSN/);
    assert.equal(await page.getAttribute('#f-patient-bsn', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-patient-bsn', 'focus on the wrong field');
    await zcc.context.close();
  });
});

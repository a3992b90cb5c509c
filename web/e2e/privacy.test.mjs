// Browser tests of the 72-hour contact history and the privacy officer's page against the real server (node
// --test, playwright-core, Debian Chromium). A partner's feed reports a contact of a patient; the ZCC coordinator
// sees it while taking in a request for that patient and again in the case, which is flagged as a repeat contact;
// a user of an uninvolved organisation is refused the case; the privacy officer finds every read of the patient
// (the history searches included) and the refused attempt in the access log, downloads it as CSV and reviews
// break-glass grants. Users and the feed token: e2e/server.mjs.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, apiLogin, signInContext, eventually } from './server.mjs';
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

const signIn = (username) => signInContext(browser, srv, username);

async function apiPost(cookie, path, body) {
  const res = await fetch(`${srv.base}${path}`, {
    method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' }, body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

// 111222333 passes the 11-proef.
const BSN = '111222333';
const ADVICE = 'Paracetamol, terugbellen bij koorts boven 39.';

describe('contact history and privacy officer', () => {
  test('a partner\'s contact shows in intake and case; the privacy officer sees every read and the refusal', async () => {
    // A GP post's system reports a call of the patient two hours ago with its feed token.
    const at = new Date(Date.now() - 2 * 3600_000 - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const fed = await fetch(`${srv.base}/api/v1/contacts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${srv.feedToken}`, 'Content-Type': 'application/json', 'X-OpenZCC-CSRF': '1' },
      body: JSON.stringify({ bsn: BSN, at, kind: 'hap-call', urgency: 'U3', advice: ADVICE }),
    });
    assert.equal(fed.status, 201, await fed.text());

    // The coordinator takes in a request for the same patient: the history appears as the BSN is complete.
    const zcc = await signIn('zcc');
    const page = zcc.page;
    await page.waitForSelector('#wl-title');
    await page.keyboard.press('n');
    await page.waitForSelector('[data-testid=intake-form]');
    await page.selectOption('#f-channel', 'hap');
    await page.fill('#f-summary', 'Koorts en verward, vanochtend al bij de HAP gebeld.');
    await page.check('input[name=withPatient]');
    await page.fill('#f-patient-bsn', BSN);
    const intakeRow = page.locator('[data-testid=contacts-panel] tr[data-source=contact]');
    await intakeRow.waitFor({ timeout: 10000 });
    assert.match(await page.locator('#contacts-title').textContent(), /Contacten laatste 72 uur/);
    assert.match(await intakeRow.innerText(), new RegExp(ADVICE.replace(/[.]/g, '\\.')));
    await page.fill('#f-patient-name', 'Pietersen-e2e');
    await page.check('input[name=legal_basis][value=consent]');
    await page.keyboard.press('Control+Enter');

    // The case: flagged as a repeat contact (colour and text), the history once the patient is read.
    await page.waitForSelector('section.case-view');
    const caseId = await page.locator('section.case-view').getAttribute('data-case');
    assert.match(caseId, /^c-/);
    assert.match(await page.locator('.case-head [data-repeat]').textContent(), /Herhaald contact < 72 u/);
    assert.equal(await page.locator('[data-testid=contacts-panel]').count(), 0, 'no history before the patient is read');
    await page.click('[data-testid=patient-show]');
    await page.waitForSelector('[data-testid=patient-data]');
    const contact = page.locator('[data-testid=contacts] tr[data-source=contact]');
    await contact.waitFor({ timeout: 10000 });
    const text = await contact.innerText();
    assert.match(text, new RegExp(srv.feedOrg.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the reporting organisation');
    assert.match(text, /HAP-telefoon/);
    assert.match(text, /U3/);
    assert.match(text, /2 u geleden/);
    assert.match(text, /terugbellen bij koorts/);
    assert.match(await page.locator(`[data-testid=contacts] tr[data-source=case][data-case="${caseId}"]`).innerText(), /deze melding/);
    // Newest first: this case before the call two hours ago.
    assert.equal(await page.locator('[data-testid=contacts] tbody tr').first().getAttribute('data-source'), 'case');
    // The BSN travelled in bodies only: not in the address, the history or the browser's storage.
    const traces = await page.evaluate(() => location.href + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.doesNotMatch(traces, new RegExp(BSN));

    // The worklist row says it too.
    await page.goto(`${srv.base}/#/werklijst`);
    const row = page.locator(`tr.case-row[data-case="${caseId}"]`);
    await row.waitFor();
    assert.match(await row.locator('[data-repeat]').textContent(), /Herhaald contact < 72 u/);

    // A user of an organisation the case was not handed to is refused, in the page and at the patient data.
    const other = await signIn('hospital');
    await other.page.goto(`${srv.base}/#/melding/${caseId}`);
    await other.page.locator('[data-testid=case-refused]').waitFor();
    assert.match(await other.page.locator('[data-testid=case-refused]').textContent(), /geen toegang tot deze melding/);
    const status = await other.page.evaluate(async (id) => (await fetch(`/api/v1/cases/${id}/patient?purpose=care`)).status, caseId);
    assert.equal(status, 403);
    await other.context.close();

    // The privacy officer starts at the privacy page and finds every access to the patient by BSN.
    const po = await signIn('privacy');
    const pp = po.page;
    await pp.waitForSelector('#privacy-title');
    assert.equal(new URL(pp.url()).hash, '#/privacy');
    assert.equal(await pp.locator('nav a[href="#/privacy"]').count(), 1);
    assert.equal(await pp.locator('nav a[href="#/werklijst"]').count(), 0);
    // Nor the capacity picture, which the server refuses it: no overview, no live status, no error banner.
    assert.equal(await pp.locator('nav a[href="#/"]').count(), 0);
    assert.equal(await pp.locator('.banner.error').count(), 0);
    // A BSN failing the 11-proef is not sent.
    await pp.fill('#f-access-q', '123456789');
    await pp.click('[data-testid=access-submit]');
    assert.match(await pp.locator('.field-error[data-field=q]').textContent(), /11-proef/);
    await pp.fill('#f-access-q', BSN);
    await pp.click('[data-testid=access-submit]');
    const log = pp.locator('[data-testid=access-log]');
    await log.waitFor();
    const searches = log.locator('tr[data-actor=zcc][data-action="contacts.search"]');
    assert.ok(await searches.count() >= 2, 'the history searches of intake and case');
    assert.match(await searches.first().innerText(), /contacthistorie opgevraagd/);
    assert.match(await searches.first().innerText(), /intake/);
    const read = log.locator('tr[data-actor=zcc][data-action="patient.read"]');
    assert.equal(await read.count(), 1);
    assert.match(await read.innerText(), /toegestaan/);
    assert.match(await read.innerText(), new RegExp(caseId));
    // The uninvolved organisation's two attempts: opening the case and reading the patient.
    const denied = log.locator('tr[data-actor=hospital][data-outcome=denied]');
    assert.equal(await denied.count(), 2, 'the refused attempts of the uninvolved organisation');
    const opened = log.locator('tr[data-actor=hospital][data-outcome=denied][data-action="case.read"]');
    assert.equal(await opened.count(), 1, 'opening the case is an attempt on the patient');
    assert.match(await opened.innerText(), /melding geopend/);
    assert.match(await opened.innerText(), /geweigerd/);
    // The organisation by its id: the privacy officer does not read the region's structure.
    assert.match(await opened.innerText(), new RegExp(`\\b${srv.org.id}\\b`));
    assert.doesNotMatch(pp.url(), new RegExp(BSN), 'the BSN is not in the address');

    // The same as CSV: a file with a header row, not named after the BSN.
    const [download] = await Promise.all([pp.waitForEvent('download'), pp.click('[data-testid=access-csv]')]);
    assert.doesNotMatch(download.suggestedFilename(), new RegExp(BSN));
    assert.match(download.suggestedFilename(), /^toegangslog-patient-\d{8}-\d{4}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    assert.match(lines[0], /actor/, `a header row: ${lines[0]}`);
    assert.ok(lines.length > 4, 'the entries follow the header');
    assert.match(csv, /contacts\.search/);
    assert.match(csv, /denied/);

    // By case id: the refusal is on that case's log too.
    await pp.fill('#f-access-q', caseId);
    await pp.click('[data-testid=access-submit]');
    await eventually(async () => (await pp.locator('[data-testid=access-count]').innerText()).includes(caseId), 'the case search');
    assert.equal(await log.locator('tr[data-actor=hospital][data-outcome=denied]').count(), 2);
    await po.context.close();
    await zcc.context.close();
  });

  test('the privacy officer reviews break-glass grants; one reviewed meanwhile refreshes the list', async () => {
    const zccCookie = await apiLogin(srv.base, 'zcc', srv.password);
    const created = await apiPost(zccCookie, '/api/v1/cases', { channel: 'gp', summary: 'Valt vaak, woont alleen.' });
    assert.equal(created.status, 201);
    const admin = await apiLogin(srv.base, 'e2e-admin', srv.password);
    const g1 = await apiPost(admin, `/api/v1/cases/${created.body.id}/break-glass`, { reason: 'Storing bij de ZCC, patiënt aan de lijn.' });
    const g2 = await apiPost(admin, `/api/v1/cases/${created.body.id}/break-glass`, { reason: 'Tweede keer nodig.' });
    assert.equal(g1.status, 201);
    assert.equal(g2.status, 201);

    const po = await signIn('privacy');
    const pp = po.page;
    const list = pp.locator('[data-testid=break-glass-list]');
    await list.waitFor();
    const first = list.locator(`tr[data-grant="${g1.body.id}"]`);
    assert.match(await first.innerText(), /e2e-admin[\s\S]*Storing bij de ZCC/);
    await first.locator('[data-testid=bg-review]').click();
    await eventually(async () => (await first.count()) === 0, 'the reviewed grant leaving the list');
    assert.match(await pp.locator('[data-testid=bg-note]').textContent(), /beoordeeld/);

    // Someone else reviews the second first: the button's 409 says so and refreshes.
    const poCookie = await apiLogin(srv.base, 'privacy', srv.password);
    assert.equal((await apiPost(poCookie, `/api/v1/break-glass/${g2.body.id}/review`, {})).status, 200);
    await list.locator(`tr[data-grant="${g2.body.id}"] [data-testid=bg-review]`).click();
    await pp.locator('[data-testid=bg-empty]').waitFor();
    assert.match(await pp.locator('[data-testid=bg-note]').textContent(), /al beoordeeld/);
    await po.context.close();
  });
});

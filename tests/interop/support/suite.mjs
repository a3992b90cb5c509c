// The interoperability suite: what an integrating hospital or regional system does with a generic
// FHIR client library against OpenZCC's /fhir, on one store, in three URL set-ups:
//   direct  — the client's base is the server's own address, http://127.0.0.1:PORT/fhir;
//   proxy   — behind a trusted proxy (`serve --trusted-proxy 127.0.0.1`): the client's base is
//             https://<name>/fhir and it sends X-Forwarded-Proto / -Host as its custom headers;
//   public  — `serve --public-base-url https://<name>/<prefix>`: the client's base is that URL + /fhir
//             (and the forwarded headers it still sends must not win).
// Every request and answer passes the transport's URL checks (support/transport.mjs).
import { after, before, describe, it } from 'node:test';
import { Client } from 'fhir-kit-client';
import { MedplumClient, OperationOutcomeError } from '@medplum/core';
import { assert, counts } from './check.mjs';
import { pgAdminUrl, startServer } from './server.mjs';
import { makeTransport } from './transport.mjs';
import { canonicalReference, searchParameters, valueForms } from './params.mjs';

const PROXY_HOST = 'zcc-proxy.interop.test';
const PUBLIC_BASE_URL = 'https://zcc.interop.test/regio';
const PAGE = 7; // the page size of the full pass
const URL_PASS_PAGE = 40; // fewer pages where only the URLs are checked
const MEDPLUM_PAGE = 25; // the second client's paging: fewer pages, the same union

const MODES = [
  {
    name: 'direct',
    full: true, // every test; the other two passes run those where URLs matter
    base: (server) => `${server.origin}/fhir`,
    headers: {},
  },
  {
    name: 'proxy',
    base: () => `https://${PROXY_HOST}/fhir`,
    headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': PROXY_HOST },
  },
  {
    name: 'public',
    restart: ['--public-base-url', PUBLIC_BASE_URL, '--trusted-proxy', '127.0.0.1'],
    base: () => `${PUBLIC_BASE_URL}/fhir`,
    // A trusted proxy's headers that name another address: public_base_url wins over them.
    headers: { 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'not-the-public-name.interop.test' },
  },
];

const STORES = {
  sqlite: { title: 'SQLite store (temporary file)' },
  postgres: {
    title: 'PostgreSQL store (a new database on OZCC_TEST_PG)',
    skip: () =>
      pgAdminUrl()
        ? false
        : 'OZCC_TEST_PG is not set: the PostgreSQL pass is skipped (run under scripts/with-postgres.sh, as make interop does)',
  },
};

/** Registers the whole suite for one store ('sqlite' or 'postgres'). */
export function storeSuite(store) {
  const { title, skip } = STORES[store];
  const skipReason = skip?.() || false;
  describe(title, { skip: skipReason }, () => {
    const figures = { started: 0, passes: [] };
    let server;
    before(async () => {
      figures.started = Date.now();
      server = await startServer({ store, serveArgs: ['--trusted-proxy', '127.0.0.1'] });
    });
    after(async () => {
      await server?.close();
    });
    for (const mode of MODES) {
      describe(`${mode.name} URLs`, () => definePass(() => server, mode, figures));
    }
    it('figures', (t) => {
      const seconds = ((Date.now() - figures.started) / 1000).toFixed(1);
      const requests = figures.passes.reduce((n, p) => n + p.requests, 0);
      const perPass = figures.passes.map((p) => `${p.name} ${p.requests}`).join(', ');
      const cpu = process.cpuUsage();
      const clientCpu = ((cpu.user + cpu.system) / 1e6).toFixed(1);
      const line = `${store}: ${requests} FHIR requests (${perPass}), ${counts.assertions} assertions, ${seconds} s including server start-up (test process CPU ${clientCpu} s)`;
      t.diagnostic(line);
    });
  });
}

function definePass(getServer, mode, figures) {
  const ctx = {};
  let savedFetch;
  before(async () => {
    const server = getServer();
    if (mode.restart) await server.restart(mode.restart);
    ctx.server = server;
    ctx.base = mode.base(server);
    ctx.transport = makeTransport({ base: ctx.base, localBase: `${server.origin}/fhir` });
    // fhir-kit-client calls the global fetch: route it through the transport for this pass.
    savedFetch = globalThis.fetch;
    globalThis.fetch = ctx.transport.fetch;
    ctx.kit = (who = 'admin', headers = {}) =>
      new Client({
        baseUrl: ctx.base,
        customHeaders: { ...mode.headers, ...headers },
        ...(who ? { bearerToken: server.tokens[who] } : {}),
      });
    ctx.medplum = (who = 'admin') =>
      new MedplumClient({
        baseUrl: `${new URL(ctx.base).origin}/`,
        fhirUrlPath: ctx.base,
        fetch: ctx.transport.fetch,
        accessToken: server.tokens[who],
        defaultHeaders: mode.headers,
        cacheTime: 0,
        extendedMode: false,
      });
    ctx.world = world(server.regions);
  });
  after(() => {
    globalThis.fetch = savedFetch;
    figures.passes.push({ name: mode.name, requests: ctx.transport?.stats.requests ?? 0 });
  });

  it('reads the CapabilityStatement (no sign-in needed) and finds every searchable type', async () => {
    const anonymous = ctx.kit(null);
    const cs = await anonymous.capabilityStatement();
    assert.equal(cs.resourceType, 'CapabilityStatement');
    assert.equal(cs.fhirVersion, '4.0.1');
    assert.ok(cs.format.some((f) => /json/.test(f)), 'the server speaks JSON');
    assert.equal(cs.implementation?.url, ctx.base);
    const viaMedplum = await ctx.medplum().get(ctx.medplum().fhirUrl('metadata'));
    assert.deepEqual(viaMedplum.rest, cs.rest);
    ctx.capability = cs;
    ctx.params = searchParameters(cs, ctx.world);
    const resources = cs.rest.flatMap((r) => r.resource ?? []);
    const supports = (code) => resources.filter((r) => (r.interaction ?? []).some((i) => i.code === code)).map((r) => r.type);
    ctx.types = supports('search-type');
    ctx.readable = supports('read');
    assert.ok(ctx.types.length >= 3, `searchable types: ${ctx.types}`);
    for (const type of ctx.types) assert.ok(ctx.readable.includes(type), `${type} is searchable but cannot be read`);
    assert.ok(ctx.params.length >= 8, `advertised search parameters: ${ctx.params.length}`);

    // Everything, unpaged: the reference every later search is compared with.
    ctx.all = {};
    for (const type of ctx.types) {
      const bundle = await ctx.kit().search({ resourceType: type });
      assertSearchset(bundle, ctx.base);
      assert.equal(link(bundle, 'next'), undefined, `${type}: one page holds everything`);
      assert.equal(bundle.total, bundle.entry.length);
      assert.ok(bundle.entry.length >= 10, `${type}: ${bundle.entry.length} resources`);
      for (const e of bundle.entry) assert.equal(e.fullUrl, `${ctx.base}/${type}/${e.resource.id}`);
      ctx.all[type] = bundle.entry.map((e) => e.resource);
    }
  });

  if (mode.full) {
    it('every advertised search parameter selects exactly the resources that match it', async (t) => {
      needs(ctx, 'all');
      let cases = 0;
      for (const param of ctx.params) {
        await t.test(`${param.resourceType}?${param.name}`, async () => {
          const ran = await searchCases(ctx, param, { full: true });
          cases += ran.total;
          assert.ok(ran.strict >= 1, `${param.resourceType}?${param.name}: no value selected a strict, non-empty subset`);
          assert.ok(ran.total >= 3, `${param.resourceType}?${param.name}: only ${ran.total} cases`);
        });
      }
      assert.ok(cases >= 3 * ctx.params.length, `${cases} search cases for ${ctx.params.length} parameters`);
    });
  } else {
    it("a reference written as this server's absolute URL (the public one) is recognised", async () => {
      needs(ctx, 'all');
      let cases = 0;
      for (const param of ctx.params.filter((p) => p.type === 'reference')) cases += (await searchCases(ctx, param, { full: false })).total;
      assert.ok(cases >= 2, `${cases} reference parameters`);
    });
  }

  if (mode.full) {
    it('_id through MedplumClient.searchOne, and a read (fhir-kit), give exactly that resource', async () => {
      needs(ctx, 'all');
      const medplum = ctx.medplum();
      for (const type of ctx.types) {
        for (const resource of sample(ctx.all[type], 3)) {
          const found = await medplum.searchOne(type, { _id: resource.id });
          assert.deepEqual(found, resource);
          assert.deepEqual(await ctx.kit().read({ resourceType: type, id: resource.id }), resource);
        }
      }
    });
  }

  const page = mode.full ? PAGE : URL_PASS_PAGE;
  it(`pages every type with _count=${page}, following next links (fhir-kit nextPage)`, async () => {
    needs(ctx, 'all');
    const client = ctx.kit();
    for (const type of ctx.types) {
      const expected = ctx.all[type].map((r) => r.id);
      const seen = [];
      let pages = 0;
      let bundle = await client.search({ resourceType: type, searchParams: { _count: page } });
      while (bundle) {
        pages += 1;
        assertSearchset(bundle, ctx.base);
        assert.equal(bundle.total, expected.length, `${type} page ${pages}: total`);
        assert.ok((bundle.entry ?? []).length <= page, `${type} page ${pages}: ${bundle.entry?.length} entries`);
        seen.push(...ids(bundle));
        if (link(bundle, 'next')) assert.equal((bundle.entry ?? []).length, page, `${type} page ${pages} is full`);
        bundle = await client.nextPage({ bundle });
        assert.ok(pages <= expected.length, `${type}: more pages than resources`);
      }
      assert.equal(new Set(seen).size, seen.length, `${type}: a resource was repeated across pages`);
      assert.deepEqual([...seen].sort(), [...expected].sort(), `${type}: the pages together are the unpaged result`);
      assert.equal(pages, Math.ceil(expected.length / page));
    }
  });

  if (mode.full) {
    it(`pages every type with MedplumClient.searchResourcePages (_count=${MEDPLUM_PAGE})`, async () => {
      needs(ctx, 'all');
      const medplum = ctx.medplum();
      for (const type of ctx.types) {
        const seen = [];
        for await (const page of medplum.searchResourcePages(type, { _count: String(MEDPLUM_PAGE) })) {
          assert.ok(page.length <= MEDPLUM_PAGE);
          assertSearchset(page.bundle, ctx.base);
          seen.push(...page.map((r) => r.id));
        }
        assert.equal(new Set(seen).size, seen.length, `${type}: a resource was repeated across pages`);
        assert.deepEqual(seen.sort(), ctx.all[type].map((r) => r.id).sort());
      }
    });
  }

  it('_summary=count answers the total only', async () => {
    needs(ctx, 'all');
    const medplum = ctx.medplum();
    for (const type of ctx.types) {
      const bundle = await ctx.kit().search({ resourceType: type, searchParams: { _summary: 'count' } });
      assert.equal(bundle.resourceType, 'Bundle');
      assert.equal(bundle.type, 'searchset');
      assert.equal(bundle.total, ctx.all[type].length);
      assert.equal((bundle.entry ?? []).length, 0);
      if (!mode.full) continue;
      const viaMedplum = await medplum.search(type, { _summary: 'count' });
      assert.equal(viaMedplum.total, ctx.all[type].length);
      // with a filter: the count of what the filter selects
      const param = ctx.params.find((p) => p.resourceType === type && p.name !== '_id');
      const value = distinctValues(ctx.all[type], param)[0];
      const expected = ctx.all[type].filter((r) => param.matches(r, [value])).length;
      const filtered = await ctx.kit().search({ resourceType: type, searchParams: { [param.name]: value, _summary: 'count' } });
      assert.equal(filtered.total, expected, `${type}?${param.name}=${value}&_summary=count`);
    }
  });

  it('POST <type>/_search (fhir-kit postSearch, a form body) answers as GET does', async () => {
    needs(ctx, 'all');
    const client = ctx.kit();
    // every parameter in the full pass; one per type in the others
    const params = mode.full ? ctx.params : ctx.types.map((type) => ctx.params.find((p) => p.resourceType === type));
    let posted = 0;
    for (const param of params) {
      const values = distinctValues(ctx.all[param.resourceType], param);
      const value = values[Math.floor(values.length / 2)];
      const searchParams = { [param.name]: value, _count: 1000 };
      const viaPost = await client.search({ resourceType: param.resourceType, searchParams, options: { postSearch: true } });
      assertSearchset(viaPost, ctx.base);
      assert.equal(Client.httpFor(viaPost).request.method, 'POST');
      // the GET of the same search is in the search test: here the oracle's answer
      const expected = ctx.all[param.resourceType].filter((r) => param.matches(r, [value])).map((r) => r.id);
      assert.deepEqual(ids(viaPost).sort(), expected.sort(), `POST ${param.resourceType}/_search ${param.name}=${value}`);
      assert.ok(expected.length > 0);
      const self = new URL(link(viaPost, 'self'));
      assert.equal(self.searchParams.get(param.name), value, 'the self link is the equivalent GET');
      posted += 1;
    }
    assert.ok(posted >= ctx.types.length);
  });

  it('creates a MeasureReport (fhir-kit create) and reads and vreads what Location names', async () => {
    needs(ctx, 'all');
    const unit = ownUnit(ctx, 'ic');
    const client = ctx.kit('manager');
    const exported = await exportedReport(client, unit);
    const body = changedReport(exported);
    const created = await client.create({ resourceType: 'MeasureReport', body });
    const response = Client.httpFor(created).response;
    assert.equal(response.status, 201);
    assert.equal(created.resourceType, 'MeasureReport');
    assert.match(created.meta?.versionId ?? '', /^\d+$/);
    assert.notEqual(created.meta.versionId, exported.meta.versionId);
    assertSameReport(created, body);
    const location = parseLocation(response.headers.get('location'), ctx.base);
    assert.equal(location.type, 'MeasureReport');
    assert.equal(location.id, unit.id);
    assert.equal(location.version, created.meta.versionId);
    assert.equal(response.headers.get('etag'), `W/"${created.meta.versionId}"`);

    const read = await client.read({ resourceType: location.type, id: location.id });
    assert.deepEqual(read, created);
    const vread = await client.vread({ resourceType: location.type, id: location.id, version: location.version });
    assert.deepEqual(vread, created);
    const old = await client.vread({ resourceType: 'MeasureReport', id: unit.id, version: exported.meta.versionId });
    assert.deepEqual(old, exported, 'the earlier version is still there');
    const search = await client.search({ resourceType: 'MeasureReport', searchParams: { _id: unit.id } });
    assert.deepEqual(search.entry.map((e) => e.resource), [created], 'the export is the new report');
  });

  if (mode.full) {
    it('creates through MedplumClient.createResource, then readResource and readVersion', async () => {
      needs(ctx, 'all');
      const unit = ownUnit(ctx, 'ward');
      const medplum = ctx.medplum('manager');
      const exported = await medplum.searchOne('MeasureReport', { subject: `Location/${unit.id}` });
      assert.equal(exported?.id, unit.id);
      const body = changedReport(exported);
      const created = await medplum.createResource(body);
      assert.equal(created.resourceType, 'MeasureReport');
      assert.equal(created.id, unit.id);
      assertSameReport(created, body);
      assert.deepEqual(await medplum.readResource('MeasureReport', unit.id), created);
      assert.deepEqual(await medplum.readVersion('MeasureReport', unit.id, created.meta.versionId), created);
    });
  }

  it('a create with Prefer: return=OperationOutcome answers what was stored', async () => {
    needs(ctx, 'all');
    const unit = ownUnit(ctx, 'ic');
    const client = ctx.kit('manager');
    const body = changedReport(await exportedReport(client, unit));
    const outcome = await client.create({
      resourceType: 'MeasureReport',
      body,
      options: { headers: { Prefer: 'return=OperationOutcome' } },
    });
    const response = Client.httpFor(outcome).response;
    assert.equal(response.status, 201);
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.equal(outcome.issue[0].severity, 'information');
    assert.match(outcome.issue[0].diagnostics, new RegExp(`MeasureReport/${unit.id}\\b`));
    const location = parseLocation(response.headers.get('location'), ctx.base);
    const stored = await client.vread({ resourceType: 'MeasureReport', id: location.id, version: location.version });
    assertSameReport(stored, body);
  });

  if (mode.full) {
    it('an unknown search parameter is a 400 OperationOutcome the clients surface (lenient: ignored)', async () => {
      needs(ctx, 'types');
      for (const type of ctx.types) {
        const error = await rejection(ctx.kit().search({ resourceType: type, searchParams: { 'not-a-parameter': 'x' } }));
        assert.equal(error.response?.status, 400, `${type}: ${error.message}`);
        assertOutcome(error.response.data, 'error');
        assert.ok(error.response.data.issue.some((i) => (i.expression ?? []).includes('not-a-parameter')), 'the issue names it');

        const medplumError = await rejection(ctx.medplum().search(type, { 'not-a-parameter': 'x' }));
        assert.ok(medplumError instanceof OperationOutcomeError, `${type}: ${medplumError}`);
        assertOutcome(medplumError.outcome, 'error');
        assert.ok(medplumError.outcome.issue.some((i) => (i.expression ?? []).includes('not-a-parameter')));

        const lenient = await ctx.kit('admin', { Prefer: 'handling=lenient' }).search({
          resourceType: type,
          searchParams: { 'not-a-parameter': 'x', _count: 1 },
        });
        assertSearchset(lenient, ctx.base);
        assert.equal(lenient.total, ctx.all[type].length);
        assert.equal(new URL(link(lenient, 'self')).searchParams.has('not-a-parameter'), false, 'the self link lists what was applied');
      }
    });

    it('a read of an unknown id (or of a unit that never reported) is a 404 OperationOutcome', async () => {
      needs(ctx, 'types');
      for (const type of ctx.types) {
        const error = await rejection(ctx.kit().read({ resourceType: type, id: 'no-such-id' }));
        assert.equal(error.response?.status, 404, `${type}: ${error.message}`);
        assertOutcome(error.response.data, 'error');
        const medplumError = await rejection(ctx.medplum().readResource(type, 'no-such-id'));
        assert.ok(medplumError instanceof OperationOutcomeError);
        assert.equal(medplumError.outcome.issue[0].code, 'not-found');
      }
      // a unit that exists but has never reported has no MeasureReport
      const reported = new Set(ctx.all.MeasureReport.map((r) => r.id));
      const silent = Object.values(ctx.server.regions).flatMap((r) => r.units).find((u) => !reported.has(u.id));
      assert.ok(silent, 'a unit without a report');
      const none = await rejection(ctx.kit().read({ resourceType: 'MeasureReport', id: silent.id }));
      assert.equal(none.response?.status, 404, `MeasureReport/${silent.id}: ${none.message}`);
      assertOutcome(none.response.data, 'error');
      const vread = await rejection(ctx.kit().vread({ resourceType: 'MeasureReport', id: ctx.all.MeasureReport[0].id, version: '999999999' }));
      assert.equal(vread.response?.status, 404);
      assertOutcome(vread.response.data, 'error');
    });

    it('a client that accepts no JSON gets 406 OperationOutcome', async () => {
      needs(ctx, 'types');
      const client = ctx.kit('admin', { Accept: 'application/fhir+xml' });
      const error = await rejection(client.search({ resourceType: ctx.types[0], searchParams: { _count: 1 } }));
      assert.equal(error.response?.status, 406);
      assertOutcome(error.response.data, 'error');
    });

    it("a feed token (Bearer) creates and reads back its own unit's report, and no other organisation's", async () => {
      needs(ctx, 'all');
      const unit = ownUnit(ctx, 'ic');
      const feed = ctx.kit('feed');
      const exported = await feed.read({ resourceType: 'MeasureReport', id: unit.id });
      const body = changedReport(exported);
      const created = await feed.create({ resourceType: 'MeasureReport', body });
      assert.equal(Client.httpFor(created).response.status, 201);
      assertSameReport(created, body);
      const location = parseLocation(Client.httpFor(created).response.headers.get('location'), ctx.base);
      assert.deepEqual(await feed.read({ resourceType: 'MeasureReport', id: unit.id }), created);
      assert.deepEqual(await feed.vread({ resourceType: 'MeasureReport', id: unit.id, version: location.version }), created);

      const other = ctx.all.MeasureReport.find((r) => r.reporter?.reference !== `Organization/${ctx.server.org}`);
      const refused = await rejection(feed.create({ resourceType: 'MeasureReport', body: changedReport(other) }));
      assert.equal(refused.response?.status, 403, refused.message);
      assertOutcome(refused.response.data, 'error');
    });

    it('the site or organisation form of MeasureReport?subject selects the reports of its units (as documented)', async () => {
      needs(ctx, 'all');
      // the units that have a report (not every unit has reported)
      const reported = new Set(ctx.all.MeasureReport.map((r) => r.id));
      const units = Object.values(ctx.server.regions).flatMap((r) => r.units).filter((u) => reported.has(u.id));
      const unitsOfSite = (siteId) => units.filter((u) => u.location_id === siteId).map((u) => u.id).sort();
      const unitsOfOrg = (orgId) => units.filter((u) => u.organization_id === orgId).map((u) => u.id).sort();
      const ic = ownUnit(ctx, 'ic');
      for (const [value, expected] of [
        [`Location/${ic.location_id}`, unitsOfSite(ic.location_id)],
        [`Organization/${ctx.server.org}`, unitsOfOrg(ctx.server.org)],
      ]) {
        const bundle = await ctx.kit().search({ resourceType: 'MeasureReport', searchParams: { subject: value } });
        assert.ok(expected.length > 1);
        assert.deepEqual(ids(bundle).sort(), expected, `MeasureReport?subject=${value}`);
      }
    });
  }

  if (mode.name === 'proxy') {
    it('the URL check itself fails a client whose proxy sends no X-Forwarded-* headers', async () => {
      // The same public base, but the server is not told it: it writes its own address, and the
      // transport must refuse that answer (a control that the check above can fail at all).
      const control = makeTransport({ base: ctx.base, localBase: `${ctx.server.origin}/fhir` });
      globalThis.fetch = control.fetch;
      try {
        const client = new Client({ baseUrl: ctx.base, bearerToken: ctx.server.tokens.admin });
        const error = await rejection(client.search({ resourceType: 'Organization', searchParams: { _count: 1 } }));
        assert.match(error.message, /URL check: .*http:\/\/127\.0\.0\.1:\d+\/fhir\/Organization.* does not start with https:/);
        assert.equal(control.violations.length, 1);
      } finally {
        globalThis.fetch = ctx.transport.fetch;
      }
    });
  }

  it('every URL the clients were given or followed started at their base', () => {
    assert.ok(ctx.transport.stats.requests > 20, `${ctx.transport.stats.requests} requests`);
    assert.deepEqual(ctx.transport.violations, []);
  });
}

// --- search cases -------------------------------------------------------------------------------

/**
 * Runs the cases of one parameter through fhir-kit-client; each result set must equal the
 * resources of the unpaged result that the oracle says match, and each result must match.
 * full: one value in every R4 form of writing it, an OR list of two others and an AND. Otherwise (the URL passes): the middle value as this server's absolute URL.
 */
async function searchCases(ctx, param, { full }) {
  const all = ctx.all[param.resourceType];
  const values = distinctValues(all, param);
  assert.ok(values.length >= 2, `${param.resourceType}?${param.name}: the data has only ${values.length} distinct values`);
  const expect = (vals) => all.filter((r) => param.matches(r, vals)).map((r) => r.id).sort();
  const run = { total: 0, strict: 0 };
  const check = async (searchParams, vals, label) => {
    const bundle = await ctx.kit().search({ resourceType: param.resourceType, searchParams });
    assertSearchset(bundle, ctx.base);
    const got = ids(bundle).sort();
    const expected = expect(vals);
    assert.ok(expected.length > 0, `${label}: the oracle expects nothing`);
    for (const e of bundle.entry ?? []) {
      assert.ok(param.matches(e.resource, vals), `${label}: ${e.resource.resourceType}/${e.resource.id} does not match`);
      assert.equal(e.search?.mode, 'match');
    }
    assert.deepEqual(got, expected, `${label}: the server's result set`);
    assert.equal(bundle.total, got.length, `${label}: Bundle.total`);
    run.total += 1;
    if (expected.length < all.length) run.strict += 1;
  };
  const middle = values[Math.floor(values.length / 2)];
  const [first, last] = [values[0], values[values.length - 1]];
  const forms = valueForms(param, middle, ctx.base).filter((f) => full || f.form === 'absolute URL');
  for (const form of forms) {
    await check({ [form.name]: form.value }, [middle], `${param.resourceType}?${form.name}=${form.value} (${form.form})`);
  }
  if (!full) return run;
  await check({ [param.name]: `${first},${last}` }, [first, last], `${param.resourceType}?${param.name}=${first},${last} (OR)`);
  // AND: (first OR last) AND last = last
  const label = `${param.resourceType}?${param.name}=${first},${last}&${param.name}=${last} (AND)`;
  const bundle = await ctx.kit().search({ resourceType: param.resourceType, searchParams: { [param.name]: [`${first},${last}`, last] } });
  assert.deepEqual(ids(bundle).sort(), expect([last]), label);
  run.total += 1;
  return run;
}

function distinctValues(resources, param) {
  return [...new Set(resources.flatMap((r) => param.values(r)))].sort();
}

// --- the world the custom parameters need --------------------------------------------------------

function world(regions) {
  const regionOfId = { Organization: new Map(), Location: new Map() };
  const units = new Map();
  for (const [regionId, region] of Object.entries(regions)) {
    for (const o of region.organizations) regionOfId.Organization.set(o.id, regionId);
    for (const l of region.locations) regionOfId.Location.set(l.id, regionId);
    for (const u of region.units) {
      regionOfId.Location.set(u.id, regionId);
      units.set(u.id, u);
    }
  }
  return {
    unitOf(id) {
      return units.get(id);
    },
    regionOf(resource) {
      if (resource.resourceType === 'Task') {  // a handover: the region of its case, which is its owner's
        const owner = canonicalReference(resource.owner?.reference);
        return owner ? regionOfId.Organization.get(owner.split('/')[1]) : undefined;
      }
      if (resource.resourceType === 'MeasureReport') {
        const subject = canonicalReference(resource.subject?.reference);
        return subject ? regionOfId.Location.get(subject.split('/')[1]) : undefined;
      }
      return regionOfId[resource.resourceType]?.get(resource.id);
    },
  };
}

// --- MeasureReports -------------------------------------------------------------------------------

/** A unit of the capacity manager's (and the feed's) organisation, of the given type. */
function ownUnit(ctx, type) {
  const units = Object.values(ctx.server.regions).flatMap((r) => r.units);
  const unit = units.find((u) => u.organization_id === ctx.server.org && u.type === type);
  assert.ok(unit, `a ${type} unit of ${ctx.server.org}`);
  return unit;
}

async function exportedReport(client, unit) {
  const bundle = await client.search({ resourceType: 'MeasureReport', searchParams: { subject: `Location/${unit.id}` } });
  assert.equal(bundle.entry?.length, 1, `the export of ${unit.id}`);
  return bundle.entry[0].resource;
}

/**
 * The exported report as a sender would post the next one: one more occupied bed and one fewer
 * available (or the other way round), a new measurement period ending now.
 */
function changedReport(exported) {
  const body = structuredClone(exported);
  delete body.meta;
  delete body.identifier;
  const now = Date.now();
  body.period = { start: new Date(now - 15 * 60000).toISOString(), end: new Date(now - 500).toISOString() };
  body.date = new Date(now - 500).toISOString();
  let changed = false;
  for (const group of body.group ?? []) {
    const population = (suffix) => group.population?.find((p) => p.code.coding.some((c) => c.code.endsWith(suffix)));
    const occupied = population('Occ') ?? population('Busy');
    const available = population('Avail') ?? population('Available');
    if (!occupied || !available) continue;
    const step = available.count > 0 ? 1 : -1;
    occupied.count += step;
    available.count -= step;
    changed = true;
  }
  assert.ok(changed, `report ${exported.id} has no occupied/available counts to change`);
  return body;
}

function countsOf(report) {
  const out = {};
  for (const group of report.group ?? []) {
    for (const p of group.population ?? []) out[p.code.coding[0].code] = p.count;
  }
  return out;
}

function assertSameReport(stored, sent) {
  assert.equal(stored.resourceType, 'MeasureReport');
  assert.equal(stored.status, 'complete');
  assert.equal(stored.subject.reference, sent.subject.reference);
  assert.deepEqual(countsOf(stored), countsOf(sent));
  assert.equal(Date.parse(stored.period.end), Date.parse(sent.period.end), 'period.end is the measurement time');
  assert.match(stored.meta?.versionId ?? '', /^\d+$/);
}

// --- small helpers --------------------------------------------------------------------------------

function needs(ctx, key) {
  assert.ok(ctx[key], `an earlier test of this pass failed to set up ${key}`);
}

function link(bundle, relation) {
  return bundle.link?.find((l) => l.relation === relation)?.url;
}

function ids(bundle) {
  return (bundle.entry ?? []).map((e) => e.resource.id);
}

function sample(list, n) {
  if (list.length <= n) return list;
  return Array.from({ length: n }, (_, i) => list[Math.floor((i * (list.length - 1)) / (n - 1))]);
}

function assertSearchset(bundle, base) {
  assert.equal(bundle.resourceType, 'Bundle');
  assert.equal(bundle.type, 'searchset');
  assert.ok(link(bundle, 'self')?.startsWith(`${base}/`), `self link ${link(bundle, 'self')}`);
}

function assertOutcome(outcome, severity) {
  assert.equal(outcome?.resourceType, 'OperationOutcome', JSON.stringify(outcome).slice(0, 300));
  assert.ok(outcome.issue?.length >= 1);
  assert.ok(outcome.issue.some((i) => i.severity === severity), JSON.stringify(outcome.issue));
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('the request was expected to fail');
}

function parseLocation(value, base) {
  assert.ok(value?.startsWith(`${base}/`), `Location ${value}`);
  const m = /^([A-Za-z]+)\/([A-Za-z0-9\-.]+)\/_history\/([^/]+)$/.exec(value.slice(base.length + 1));
  assert.ok(m, `Location ${value} is <base>/<type>/<id>/_history/<version>`);
  return { type: m[1], id: m[2], version: m[3] };
}

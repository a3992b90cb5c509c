// Development stand-in for the spreading plans API (/api/v1/spreading/plans, docs/spreading.md), in memory, for
// mock-api.mjs. Follows the API's contract closely enough to work on the UI (the plan resource, the list, re-solve,
// approve creating transfers through the transfer stand-in, discard, If-Match 428/412, 409 outside "proposed",
// problem+json field errors, the live `spreading` event); the plan is solved GREEDILY here with the documented cost
// model (patients in order, each to its cheapest open place), not by the engine's exact optimiser. The browser
// tests run against the real server.

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const hex = () => Array.from({ length: 12 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const WORK = ['admin', 'zcc-coordinator', 'roaz-coordinator'];
const ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
const DEFAULTS = { road_factor: 1.3, speed_kmh: 80, load_weight: 60, outside_region_penalty: 30, unplaced_cost: 10000, reserve: { ic: 0.5, ward: 0 } };
const RANGES = { road_factor: [1, 10], speed_kmh: [1, 1000], load_weight: [0, 100000], outside_region_penalty: [0, 100000], unplaced_cost: [0, 100000] };

function km(a, b) {
  const r = (d) => (d * Math.PI) / 180;
  const dl = r(b.lat - a.lat), dn = r(b.lon - a.lon);
  const h = Math.sin(dl / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(dn / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

/** `rowOf(unit)` is the snapshot row (beds, stale); `transfers.create(body, user)` makes a requested transfer. */
export function createSpreading({ region, orgs, locs, units, rowOf, json, problem, readBody, publish, transfers }) {
  const plans = new Map();
  const reads = (u) => WORK.includes(u.role) || u.role === 'viewer';
  const works = (u) => WORK.includes(u.role);
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const unitById = new Map(units.map((u) => [u.id, u]));
  const posOf = (org) => locs.find((l) => l.organization_id === org);
  const invalid = (res, errors) => problem(res, 400, 'Bad Request', errors, 'the plan is not valid; nothing was stored');

  /** The instance from the live capacity now: hospitals with their non-stale ic/ward units summed. */
  function instance() {
    const leftOutUnits = [];
    const hospitals = orgs.filter((o) => o.type === 'hospital' && posOf(o.id)).map((o) => {
      const capacity = {};
      for (const k of ['ic', 'ward']) {
        const us = units.filter((u) => u.organization_id === o.id && u.type === k);
        if (!us.length) continue;
        let staffed = 0, occupied = 0, fresh = 0;
        for (const u of us) {
          const r = rowOf(u);
          if (!r.beds || r.stale) { leftOutUnits.push({ unit: u.id, organization: o.id, care_type: k, reason: 'stale' }); continue; }
          staffed += r.beds.staffed; occupied += r.beds.occupied; fresh += 1;
        }
        capacity[k] = { staffed, occupied, stale: fresh === 0 };
      }
      const l = posOf(o.id);
      return { id: o.id, name: o.name, lat: l.lat, lon: l.lon, region: region.id, regional_function: /umc|erasmus|lumc|haga/i.test(o.name), capacity };
    });
    return { hospitals, leftOutUnits };
  }

  function solve(req, hospitals) {
    const pol = { ...DEFAULTS, ...req.policy, reserve: { ...DEFAULTS.reserve, ...req.policy?.reserve } };
    const open = new Map(), used = new Map(), leftOut = [], openPlaces = [];
    for (const h of hospitals) {
      for (const k of ['ic', 'ward']) {
        const c = h.capacity[k];
        if (!c) continue;
        const reserve = h.regional_function ? Math.ceil(pol.reserve[k] * c.staffed - 1e-9) : 0;
        const n = c.stale ? 0 : Math.max(0, c.staffed - c.occupied - reserve);
        open.set(`${h.id}|${k}`, n);
        if (c.stale) leftOut.push({ hospital: h.id, care_type: k, reason: 'stale' });
        openPlaces.push({ hospital: h.id, care_type: k, open: n, reserve });
      }
    }
    const assignments = req.patients.map((p) => {
      const from = posOf(p.from_organization);
      const pin = (req.pins ?? []).find((x) => x.patient === p.id)?.hospital;
      const forbidden = new Set([p.from_organization, ...(req.forbids ?? []).filter((x) => x.patient === p.id).map((x) => x.hospital)]);
      let best = null, anyOpen = false;
      for (const h of hospitals) {
        const key = `${h.id}|${p.needs}`;
        if (forbidden.has(h.id) || (pin && pin !== h.id) || !((open.get(key) ?? 0) > (used.get(key) ?? 0))) continue;
        anyOpen = true;
        const c = h.capacity[p.needs];
        const travel = from ? (km(from, h) * pol.road_factor / pol.speed_kmh) * 60 : 0;
        const load = pol.load_weight * (c.occupied + (used.get(key) ?? 0) + 1) / Math.max(1, c.staffed);
        const outside = h.region === region.id ? 0 : pol.outside_region_penalty;
        const cost = travel + load + outside;
        if (!best || cost < best.cost) best = { hospital: h.id, travel, load, outside_region: outside, cost };
      }
      if (best && best.cost <= pol.unplaced_cost) {
        used.set(`${best.hospital}|${p.needs}`, (used.get(`${best.hospital}|${p.needs}`) ?? 0) + 1);
        return { patient: p.id, hospital: best.hospital, care_type: p.needs, travel: best.travel, load: best.load, outside_region: best.outside_region, cost: best.cost };
      }
      return { patient: p.id, hospital: null, care_type: p.needs, travel: 0, load: 0, outside_region: 0, cost: pol.unplaced_cost,
        unplaced_reason: anyOpen ? 'cheaper_unplaced' : 'no_open_place' };
    });
    return { status: 'optimal', total_cost: assignments.reduce((s, a) => s + a.cost, 0), solve_ms: 0.1, assignments, left_out: leftOut, open_places: openPlaces };
  }

  function run(x) {
    const { hospitals, leftOutUnits } = instance();
    x.hospitals = hospitals;
    x.left_out_units = leftOutUnits;
    x.plan = solve(x.request, hospitals);
    x.solved_at = iso(Date.now());
  }
  const emit = (x) => publish('spreading', { id: x.id, version: x.version, state: x.state, owner_region: x.owner_region });
  const send = (res, status, x) => { res.setHeader('ETag', `"${x.version}"`); return json(res, status, x); };
  const body = async (req, res) => {
    try {
      const b = JSON.parse((await readBody(req)) || '{}');
      if (b && typeof b === 'object' && !Array.isArray(b)) return b;
    } catch { /* below */ }
    return invalid(res, [{ field: 'body', message: 'must be a JSON object' }]), null;
  };
  const checkPairs = (b, patientIds, errors) => {
    for (const kind of ['pins', 'forbids']) {
      if (b[kind] == null) continue;
      if (!Array.isArray(b[kind])) { errors.push({ field: kind, message: 'must be an array' }); continue; }
      b[kind].forEach((x, i) => {
        if (!patientIds.has(x?.patient)) errors.push({ field: `${kind}[${i}].patient`, message: 'not a patient of the plan' });
        if (!orgById.has(x?.hospital) || orgById.get(x.hospital).type !== 'hospital') errors.push({ field: `${kind}[${i}].hospital`, message: 'not a hospital of the regions' });
      });
    }
  };

  return async function handle(req, res, url, user) {
    const p = url.pathname;
    if (!p.startsWith('/api/v1/spreading/plans')) return false;
    if (!reads(user)) return problem(res, 403, 'Forbidden', [], 'spreading plans are for the region\'s coordinators'), true;
    if (p === '/api/v1/spreading/plans' && req.method === 'GET') {
      const state = url.searchParams.get('state') ?? 'all';
      if (!['proposed', 'approved', 'discarded', 'all'].includes(state)) return invalid(res, [{ field: 'state', message: 'one of proposed, approved, discarded, all' }]), true;
      const items = [...plans.values()].filter((x) => state === 'all' || x.state === state)
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at)).slice(0, 200)
        .map((x) => ({ id: x.id, version: x.version, state: x.state, owner_region: x.owner_region, regions: x.regions, created_by: x.created_by,
          created_at: x.created_at, updated_at: x.updated_at, patients: x.request.patients.length,
          placed: x.plan.assignments.filter((a) => a.hospital).length, total_cost: x.plan.total_cost }));
      return json(res, 200, { plans: items }), true;
    }
    if (p === '/api/v1/spreading/plans' && req.method === 'POST') {
      if (!works(user)) return problem(res, 403, 'Forbidden'), true;
      const b = await body(req, res);
      if (!b) return true;
      const errors = [];
      const regions = b.regions ?? [region.id];
      if (!Array.isArray(regions) || regions.some((r) => r !== region.id)) errors.push({ field: 'regions', message: `unknown region (the stand-in knows only ${region.id})` });
      if (!Array.isArray(b.patients) || b.patients.length < 1 || b.patients.length > 2000) errors.push({ field: 'patients', message: 'must hold 1 to 2000 patients' });
      const ids = new Set();
      (Array.isArray(b.patients) ? b.patients : []).forEach((x, i) => {
        const f = (k) => `patients[${i}].${k}`;
        if (typeof x?.id !== 'string' || !ID_RE.test(x.id)) errors.push({ field: f('id'), message: 'must be 1 to 64 characters of [A-Za-z0-9._-]' });
        else if (ids.has(x.id)) errors.push({ field: f('id'), message: 'must be unique in the plan' });
        ids.add(x?.id);
        if (!orgById.has(x?.from_organization)) errors.push({ field: f('from_organization'), message: `not an organisation of region ${region.id}` });
        else if (unitById.get(x.from_unit)?.organization_id !== x.from_organization) errors.push({ field: f('from_unit'), message: `not a unit of organisation ${x.from_organization}` });
        if (x?.needs !== 'ic' && x?.needs !== 'ward') errors.push({ field: f('needs'), message: 'must be "ic" or "ward"' });
        if (x?.label != null && (typeof x.label !== 'string' || x.label.length > 200)) errors.push({ field: f('label'), message: 'must be at most 200 characters' });
        // The stand-in's own rule, so the UI's mapping of a server-only error can be tried: a label may not look like a BSN.
        if (typeof x?.label === 'string' && /\b\d{9}\b/.test(x.label)) errors.push({ field: f('label'), message: 'must not hold patient identifiers' });
      });
      for (const [k, [lo, hi]] of Object.entries(RANGES)) {
        const v = b.policy?.[k];
        if (v != null && !(typeof v === 'number' && v >= lo && v <= hi)) errors.push({ field: `policy.${k}`, message: `must be ${lo} to ${hi}` });
      }
      checkPairs(b, ids, errors);
      if (typeof b.note === 'string' && b.note.length > 1000) errors.push({ field: 'note', message: 'must be at most 1000 characters' });
      if (errors.length) return invalid(res, errors), true;
      const now = iso(Date.now());
      const x = {
        id: `sp-${hex()}`, version: 1, state: 'proposed', owner_region: region.id, regions, created_by: user.username, created_at: now, updated_at: now,
        solved_at: null, approved_by: null, approved_at: null, note: b.note ?? '',
        request: { patients: b.patients.map(({ id, from_organization, from_unit, needs, label }) => ({ id, from_organization, from_unit, needs, ...(label ? { label } : {}) })),
          pins: b.pins ?? [], forbids: b.forbids ?? [], policy: b.policy ?? {} },
        hospitals: [], plan: null, left_out_units: [],
      };
      run(x);
      plans.set(x.id, x);
      emit(x);
      res.setHeader('Location', `/api/v1/spreading/plans/${x.id}`);
      return send(res, 201, x), true;
    }
    const m = /^\/api\/v1\/spreading\/plans\/([^/]+)(?:\/(solve|approve|discard))?$/.exec(p);
    if (!m) return problem(res, 404, 'Not Found'), true;
    const x = plans.get(decodeURIComponent(m[1]));
    if (!x) return problem(res, 404, 'Not Found', [], 'no such plan'), true;
    if (!m[2] && req.method === 'GET') return send(res, 200, x), true;
    if (!m[2] || req.method !== 'POST') return problem(res, 405, 'Method Not Allowed'), true;
    if (!works(user)) return problem(res, 403, 'Forbidden'), true;
    const b = await body(req, res);
    if (!b) return true;
    const v = Number(/^(?:W\/)?"(\d+)"$/.exec(req.headers['if-match'] ?? '')?.[1] ?? NaN);
    if (Number.isNaN(v)) return problem(res, 428, 'Precondition Required', [], "send If-Match with the plan's current ETag"), true;
    if (v !== x.version) return problem(res, 412, 'Precondition Failed', [], `plan ${x.id} was changed meanwhile (now version ${x.version})`), true;
    if (x.state !== 'proposed') return problem(res, 409, 'Conflict', [], `the plan is ${x.state}, not proposed`), true;
    const now = iso(Date.now());
    if (m[2] === 'solve') {
      const errors = [];
      checkPairs(b, new Set(x.request.patients.map((q) => q.id)), errors);
      if (errors.length) return invalid(res, errors), true;
      if (b.pins) x.request.pins = b.pins;
      if (b.forbids) x.request.forbids = b.forbids;
      run(x);
    } else if (m[2] === 'approve') {
      x.state = 'approved'; x.approved_by = user.username; x.approved_at = now;
      x.transfers = []; x.not_transferred = [];
      for (const a of x.plan.assignments) {
        const pt = x.request.patients.find((q) => q.id === a.patient);
        if (!a.hospital) { x.not_transferred.push({ patient: a.patient, reason: 'unplaced' }); continue; }
        const to = units.filter((u) => u.organization_id === a.hospital && u.type === a.care_type)
          .map((u) => ({ u, r: rowOf(u) })).filter(({ r }) => r.beds && !r.stale)
          .sort((p1, p2) => (p2.r.beds.staffed - p2.r.beds.occupied) - (p1.r.beds.staffed - p1.r.beds.occupied))[0];
        if (!to) { x.not_transferred.push({ patient: a.patient, reason: 'unplaced' }); continue; }
        const t = transfers.create({ from_organization_id: pt.from_organization, from_unit_id: pt.from_unit, to_organization_id: a.hospital,
          to_unit_id: to.u.id, care_type: a.care_type, reason: `Spreiding ${x.id}${pt.label ? `: ${pt.label}` : ''}` }, user, { approved: true });
        x.transfers.push({ patient: a.patient, transfer: t.id });
      }
    } else {
      x.state = 'discarded';
    }
    x.version += 1;
    x.updated_at = now;
    emit(x);
    return send(res, 200, x), true;
  };
}

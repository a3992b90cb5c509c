// Development stand-in for the transfer API (/api/v1/transfers, docs/transfers.md), in memory, for mock-api.mjs.
// Follows src/api/transfer_routes.cc and src/api/json/transfer_json.cc closely enough to work on the UI (the
// board per organisation or region, the steps by side with If-Match 428/412/409, problem+json field errors, the
// patient on request, the live `transfer` event with the receiving side's alert, an arrival changing both
// units' beds; in a crisis with approval on, a new transfer awaits the coordinator's approval: planning, en route
// and arrival 409 until POST …/approve); it is not the server: the browser tests run against the real one.
import { elevenTest } from './mock-cases.mjs';

const STEPS = [
  ['requested', 'accepted', 'receiving', false], ['requested', 'declined', 'receiving', true],
  ['accepted', 'planned', 'either', false], ['planned', 'en-route', 'either', false], ['en-route', 'arrived', 'receiving', false],
  ['requested', 'cancelled', 'sending', true], ['accepted', 'cancelled', 'sending', true], ['planned', 'cancelled', 'sending', true],
  ['en-route', 'cancelled', 'sending', true],
];
const STATES = ['requested', 'accepted', 'declined', 'planned', 'en-route', 'arrived', 'cancelled'];
const OPEN = new Set(['requested', 'accepted', 'planned', 'en-route']);
const CARE = new Set(['ic', 'ward', 'elv-low', 'elv-high', 'elv-palliative', 'ggz-crisis', 'vvt-crisis']);
const ORG_ROLES = ['org-user', 'org-capacity-manager'];
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const hex = () => Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

const HELD = new Set(['planned', 'en-route', 'arrived']);
const APPROVERS = ['admin', 'roaz-coordinator', 'zcc-coordinator'];

/**
 * `arrive(fromUnitId, toUnitId)` moves one patient's bed between the units' latest reports (and tells the stream);
 * `approvalRequired()` says whether the region's phase makes a new transfer await the coordinator's approval.
 */
export function createTransfers({ region, orgs, units, json, problem, readBody, publish, arrive, approvalRequired = () => false }) {
  const all = new Map(); // id -> { t, timeline, patient }
  const orgIds = new Set(orgs.map((o) => o.id));
  const unitById = new Map(units.map((u) => [u.id, u]));

  const works = (u, org) => u.role === 'admin' || u.role === 'roaz-coordinator' || u.role === 'zcc-coordinator'
    || (ORG_ROLES.includes(u.role) && u.organization_id === org);
  const reads = (u, t) => works(u, t.from_organization_id) || works(u, t.to_organization_id) || u.role === 'viewer';
  const invalid = (res, errors, detail = 'the transfer is not valid; nothing was stored') => problem(res, 422, 'Unprocessable Entity', errors, detail);
  const view = (x, extra = {}) => ({ ...x.t, timeline: x.timeline, notes: [], capacity_reports: [], ...extra });
  const send = (res, status, x, extra) => { res.setHeader('ETag', `"${x.t.version}"`); return json(res, status, view(x, extra)); };
  const emit = (x) => {
    const t = x.t;
    const alert = t.state === 'requested' || t.state === 'en-route';
    publish('transfer', {
      transfer_id: t.id, state: t.state, at: t.updated_at, from_organization_id: t.from_organization_id, from_unit_id: t.from_unit_id,
      to_organization_id: t.to_organization_id, to_unit_id: t.to_unit_id, care_type: t.care_type, requested_at: t.requested_at,
      planned_at: t.planned_at, answered_at: t.answered_at, departed_at: t.departed_at, ended_at: t.ended_at, version: t.version,
      alert, alert_organization_id: alert ? t.to_organization_id : null, approval: t.approval,
    });
  };
  const body = async (req, res) => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return problem(res, 415, 'Unsupported Media Type'), null;
    try {
      const b = JSON.parse(await readBody(req));
      if (b && typeof b === 'object' && !Array.isArray(b)) return b;
    } catch { /* below */ }
    return invalid(res, [{ field: 'body', message: 'must be a JSON object' }]), null;
  };

  /**
   * Stores a new requested transfer (checked already) and tells the stream; also used by the spreading stand-in's
   * approval (`approved`: the plan's approval is the coordinator's) and the placement desk's.
   */
  function make(b, user, { approved = false } = {}) {
    const now = iso(Date.now());
    const t = {
      id: `t-${hex()}`, region_id: region.id, from_organization_id: b.from_organization_id, from_unit_id: b.from_unit_id,
      to_organization_id: b.to_organization_id, to_unit_id: b.to_unit_id, care_type: b.care_type, reason: b.reason.trim(),
      case_id: null, has_patient: !!b.patient, state: 'requested', planned_at: b.planned_at ?? null, created_by: user.username,
      requested_at: now, updated_at: now, answered_at: null, departed_at: null, ended_at: null, version: 1,
      approval: approved ? 'approved' : approvalRequired() ? 'pending' : 'not-required',
      approved_by: approved ? user.username : '', approved_at: approved ? now : null,
    };
    const x = { t, timeline: [{ state: 'requested', at: now, actor: user.username, organization_id: user.organization_id, reason: null }], patient: b.patient ?? null };
    all.set(t.id, x);
    emit(x);
    return x;
  }

  async function handle(req, res, url, user) {
    const p = url.pathname;
    if (p === '/api/v1/transfers' && req.method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open';
      if (!['open', 'closed', 'all'].includes(state)) return problem(res, 400, 'Bad Request', [{ field: 'state', message: 'one of open, closed, all' }]), true;
      let org = url.searchParams.get('organization') ?? '';
      const regional = ['admin', 'roaz-coordinator', 'zcc-coordinator', 'viewer'].includes(user.role);
      if (!regional) {
        if (!ORG_ROLES.includes(user.role) || !user.organization_id) return problem(res, 403, 'Forbidden'), true;
        if (org && org !== user.organization_id) return problem(res, 403, 'Forbidden'), true;
        org = user.organization_id;
      }
      const items = [...all.values()].map((x) => x.t)
        .filter((t) => !org || t.from_organization_id === org || t.to_organization_id === org)
        .filter((t) => state === 'all' || (state === 'open') === OPEN.has(t.state))
        .sort((a, b) => Date.parse(b.requested_at) - Date.parse(a.requested_at));
      return json(res, 200, { now: iso(Date.now()), items: items.slice(0, Number(url.searchParams.get('limit') ?? 100)) }), true;
    }
    if (p === '/api/v1/transfers' && req.method === 'POST') {
      const b = await body(req, res);
      if (!b) return true;
      const errors = [];
      for (const k of ['from_organization_id', 'from_unit_id', 'to_organization_id', 'to_unit_id', 'care_type', 'reason']) {
        if (typeof b[k] !== 'string' || !b[k].trim()) errors.push({ field: k, message: 'is required' });
      }
      if (b.care_type && !CARE.has(b.care_type)) errors.push({ field: 'care_type', message: 'must be a unit type with patient beds (e.g. ic, ward, elv-high, vvt-crisis)' });
      for (const side of ['from', 'to']) {
        const o = b[`${side}_organization_id`], u = unitById.get(b[`${side}_unit_id`]);
        if (o && !orgIds.has(o)) errors.push({ field: `${side}_organization_id`, message: `not an organisation of region ${region.id}` });
        else if (b[`${side}_unit_id`] && (!u || u.organization_id !== o)) errors.push({ field: `${side}_unit_id`, message: `not a unit of organisation ${o}` });
      }
      const to = unitById.get(b.to_unit_id);
      if (to && b.care_type && to.type !== b.care_type) errors.push({ field: 'to_unit_id', message: `is of type ${to.type}, not ${b.care_type}` });
      if (b.from_unit_id && b.from_unit_id === b.to_unit_id) errors.push({ field: 'to_unit_id', message: 'must differ from the sending unit' });
      if (b.planned_at && Number.isNaN(Date.parse(b.planned_at))) errors.push({ field: 'planned_at', message: 'must be an RFC 3339 time with a zone (2026-12-05T03:12:00Z)' });
      if (b.case_id) errors.push({ field: 'case_id', message: `not a case of region ${region.id}` }); // the stand-in links no cases
      if (b.patient) {
        if (!b.patient.bsn && !b.patient.name) errors.push({ field: 'patient', message: 'needs a bsn or a name' });
        if (b.patient.bsn && !elevenTest(b.patient.bsn)) errors.push({ field: 'patient.bsn', message: 'must be a BSN: 9 digits that pass the 11-proef' });
      }
      if (errors.length) return invalid(res, errors), true;
      if (!works(user, b.from_organization_id) || user.role === 'viewer') return problem(res, 403, 'Forbidden', [], 'you may not request a transfer from this organisation'), true;
      const x = make(b, user);
      res.setHeader('Location', `/api/v1/transfers/${x.t.id}`);
      return send(res, 201, x), true;
    }    const m = /^\/api\/v1\/transfers\/([^/]+)(?:\/(transition|patient|approve))?$/.exec(p);
    if (!m) return false;
    const x = all.get(decodeURIComponent(m[1]));
    if (!x) return problem(res, 404, 'Not Found'), true;
    const t = x.t;
    if (!reads(user, t)) return problem(res, 403, 'Forbidden', [], 'you may not read this transfer: your organisation is no side of it'), true;
    if (!m[2] && req.method === 'GET') return send(res, 200, x), true;
    if (m[2] === 'patient' && req.method === 'GET') {
      const may = user.role === 'zcc-coordinator' || (ORG_ROLES.includes(user.role) && !!user.organization_id
        && (user.organization_id === t.from_organization_id || user.organization_id === t.to_organization_id));
      if (!may) return problem(res, 403, 'Forbidden'), true;
      if (!x.patient) return problem(res, 404, 'Not Found', [], 'the transfer has no patient'), true;
      return json(res, 200, { bsn: '', name: '', birth_date: '', address: '', gp: '', summary: '', medication: '', allergies: '', ...x.patient }), true;
    }
    if (m[2] === 'approve' && req.method === 'POST') {
      if (!APPROVERS.includes(user.role)) return problem(res, 403, 'Forbidden', [], "only the region's coordinators and admins approve a transfer"), true;
      const v = Number(/^(?:W\/)?"(\d+)"$/.exec(req.headers['if-match'] ?? '')?.[1] ?? NaN);
      if (Number.isNaN(v)) return problem(res, 428, 'Precondition Required', [], "send If-Match with the transfer's current ETag"), true;
      if (v !== t.version) return problem(res, 412, 'Precondition Failed', [], `transfer ${t.id} was changed meanwhile (now version ${t.version})`), true;
      if (t.approval !== 'pending') return problem(res, 409, 'Conflict', [], `transfer ${t.id} does not await approval (${t.approval})`), true;
      const at = iso(Date.now());
      Object.assign(t, { approval: 'approved', approved_by: user.username, approved_at: at, updated_at: at, version: t.version + 1 });
      emit(x);
      return send(res, 200, x), true;
    }
    if (m[2] !== 'transition' || req.method !== 'POST') return problem(res, 405, 'Method Not Allowed'), true;
    const b = await body(req, res);
    if (!b) return true;
    if (!STATES.includes(b.to)) return invalid(res, [{ field: 'to', message: `must be a state: ${STATES.join(', ')}` }], 'the step has invalid fields; nothing was stored'), true;
    const step = STEPS.find((s) => s[0] === t.state && s[1] === b.to);
    const side = step ? step[2] : 'either';
    const sending = works(user, t.from_organization_id), receiving = works(user, t.to_organization_id);
    if (!(side === 'sending' ? sending : side === 'receiving' ? receiving : sending || receiving)) {
      return problem(res, 403, 'Forbidden', [], `only the ${side} side may take a transfer to ${b.to}`), true;
    }
    const reason = typeof b.reason === 'string' ? b.reason.trim() : '';
    if (step && step[3] && !reason) return invalid(res, [{ field: 'reason', message: 'is required' }], 'the step is not valid; nothing was stored'), true;
    if (b.at && (Number.isNaN(Date.parse(b.at)) || Date.parse(b.at) > Date.now() + 60000)) {
      return invalid(res, [{ field: 'at', message: 'must not be in the future' }], 'the step is not valid; nothing was stored'), true;
    }
    const v = Number(/^(?:W\/)?"(\d+)"$/.exec(req.headers['if-match'] ?? '')?.[1] ?? NaN);
    if (Number.isNaN(v)) return problem(res, 428, 'Precondition Required', [], "send If-Match with the transfer's current ETag"), true;
    if (v !== t.version) return problem(res, 412, 'Precondition Failed', [], `transfer ${t.id} was changed meanwhile (now version ${t.version})`), true;
    if (!step) return problem(res, 409, 'Conflict', [], `a transfer cannot go from ${t.state} to ${b.to}`), true;
    if (t.approval === 'pending' && HELD.has(b.to)) {
      return problem(res, 409, 'Conflict', [], `transfer ${t.id} awaits the coordinator's approval (crisis phase)`), true;
    }
    const at = b.at ?? iso(Date.now());
    t.state = b.to;
    t.updated_at = at;
    t.version += 1;
    if (b.to === 'accepted' || b.to === 'declined') t.answered_at = at;
    if (b.to === 'en-route') t.departed_at = at;
    if (['arrived', 'cancelled', 'declined'].includes(b.to)) t.ended_at = at;
    x.timeline.push({ state: b.to, at, actor: user.username, organization_id: user.organization_id, reason: reason || null });
    if (b.to === 'arrived') arrive(t.from_unit_id, t.to_unit_id);
    emit(x);
    return send(res, 200, x), true;
  }
  handle.create = (b, user, opts) => make(b, user, opts).t;
  /** The transfer (live object) of an id, for the placement stand-in to follow. */
  handle.get = (id) => all.get(id)?.t;
  return handle;
}

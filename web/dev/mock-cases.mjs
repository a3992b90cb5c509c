// Development stand-in for the ZCC worklist API (/api/v1/cases, /handovers, /complaints), in memory, for
// mock-api.mjs. Follows the contract of src/api/case_routes.cc and src/api/json/case_json.cc closely enough to
// work on the UI (If-Match with 428/412/409, problem+json field errors, the state machine, live events);
// it is not the server: the browser tests run against the real one.
import { readFileSync } from 'node:fs';

const TRANSITIONS = [
  ['new', 'triage', 'triaged'], ['triaged', 'triage', 'triaged'], ['triaged', 'consult', 'in-consultation'],
  ['triaged', 'hand-over', 'handed-over'], ['triaged', 'close', 'closed'], ['in-consultation', 'triage', 'in-consultation'],
  ['in-consultation', 'consult', 'in-consultation'], ['in-consultation', 'end-consult', 'triaged'],
  ['in-consultation', 'hand-over', 'handed-over'], ['in-consultation', 'close', 'closed'], ['handed-over', 'accept', 'accepted'],
  ['handed-over', 'decline', 'declined'], ['handed-over', 'withdraw', 'triaged'], ['handed-over', 'hand-over', 'handed-over'],
  ['handed-over', 'close', 'closed'], ['declined', 'triage', 'triaged'], ['declined', 'consult', 'in-consultation'],
  ['declined', 'hand-over', 'handed-over'], ['declined', 'close', 'closed'], ['accepted', 'close', 'closed'],
  ['accepted', 'decline', 'declined'], ['accepted', 'withdraw', 'triaged'],
];
const CARE_MIN = { U0: 0, U1: 0, U2: 60, U3: 180, U4: 1440, U5: null };
const ANSWER_MIN = { U0: 2, U1: 2, U2: 5, U3: 15, U4: 60, U5: 240 };
const BAND = { U0: 0, U1: 1, U2: 3, U3: 4, U4: 5, U5: 6 };
const OPEN = new Set(['new', 'triaged', 'in-consultation', 'handed-over', 'declined']);
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const hex = () => Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

export function elevenTest(b) {
  if (!/^\d{9}$/.test(b) || b === '000000000') return false;
  let s = 0;
  for (let i = 0; i < 8; i++) s += (9 - i) * Number(b[i]);
  return (s - Number(b[8])) % 11 === 0;
}

export function createCases({ region, orgs, units, complaintsFile, json, problem, readBody, publish }) {
  const complaints = JSON.parse(readFileSync(complaintsFile, 'utf8')).complaints;
  const known = new Set(complaints.map((c) => c.code));
  const all = new Map(); // id -> { c, triages, timeline, handovers, patient }

  const dueAt = (c) => {
    if (!c.urgency) return Date.parse(c.received_at) + 10 * 60000;
    const m = CARE_MIN[c.urgency];
    return m == null ? null : Date.parse(c.received_at) + m * 60000;
  };
  const item = (c) => {
    const d = dueAt(c);
    return { ...c, due_at: d == null ? null : iso(d), overdue: OPEN.has(c.state) && d != null && Date.now() > d };
  };
  const view = (x, org) => ({
    ...item(x.c), triages: x.triages, timeline: x.timeline,
    handovers: org ? x.handovers.filter((h) => h.to_organization_id === org) : x.handovers,
  });
  const zcc = (u) => u.role === 'zcc-coordinator' || u.role === 'admin';
  const partnerOf = (u, x) => !!u.organization_id && ['org-user', 'org-capacity-manager'].includes(u.role)
    && x.handovers.some((h) => h.to_organization_id === u.organization_id);
  const line = (x, u, kind, detail) => x.timeline.push({ at: iso(Date.now()), actor: u.username, kind, detail });
  const emit = (x, kind, h) => {
    const c = x.c;
    const data = {
      case_id: c.id, kind, at: c.updated_at, state: c.state, urgency: c.urgency, channel: c.channel, subregion_id: c.subregion_id,
      received_at: c.received_at, due_at: item(c).due_at, overdue: item(c).overdue, repeat_contact: c.repeat_contact, version: c.version,
    };
    if (h) data.handover = { id: h.id, state: h.state, to_organization_id: h.to_organization_id, to_unit_id: h.to_unit_id, due_at: h.due_at, escalations: h.escalations, version: h.version };
    publish(h ? 'handover' : 'case', data);
  };
  const bump = (x) => { x.c.version += 1; x.c.updated_at = iso(Date.now()); };
  const invalid = (res, errors, detail = 'the request has invalid fields; nothing was stored') =>
    problem(res, 422, 'Invalid input', errors, detail);
  const ifMatch = (req) => {
    const h = req.headers['if-match'];
    if (h == null) return null;
    const m = /^\s*"(\d+)"\s*$/.exec(h);
    return m ? Number(m[1]) : -1;
  };
  const next = (state, action) => TRANSITIONS.find(([f, a]) => f === state && a === action)?.[2];
  const liveHandover = (x) => x.handovers.find((h) => h.state === 'requested' || h.state === 'accepted');
  const body = async (req, res) => {
    try { return JSON.parse((await readBody(req)) || '{}'); } catch { problem(res, 400, 'Bad JSON', [{ field: 'json', message: 'not JSON' }]); return null; }
  };
  const reqText = (errors, b, f) => { if (typeof b[f] !== 'string' || !b[f].trim()) errors.push({ field: f, message: 'is required' }); };

  async function step(req, res, user, x, action, apply) {
    if (!zcc(user)) return problem(res, 403, 'Forbidden', [], 'you may not work the cases of this region');
    const v = ifMatch(req);
    if (v == null) return problem(res, 428, 'Precondition required', [], "send If-Match with the case's current ETag");
    if (v !== x.c.version) return problem(res, 412, 'Precondition failed', [], `the case was changed by someone else (now version ${x.c.version}): reload it and try again`);
    const b = await body(req, res);
    if (!b) return;
    const to = action === 'advice' ? (x.c.state === 'in-consultation' ? x.c.state : null) : next(x.c.state, action);
    if (!to) return problem(res, 409, 'Conflict', [], `case is ${x.c.state}: ${action} is not possible`);
    const errors = [];
    const r = apply(b, errors);
    if (errors.length) return invalid(res, errors);
    x.c.state = to;
    bump(x);
    emit(x, r?.kind ?? action, r?.handover);
    res.setHeader('ETag', `"${x.c.version}"`);
    return json(res, action === 'hand-over' ? 201 : 200, view(x));
  }

  return async function handle(req, res, url, user) {
    const p = url.pathname;
    if (p === '/api/v1/complaints') {
      const q = (url.searchParams.get('q') ?? '').trim().toLowerCase();
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const hits = complaints.filter((c) => !q || [c.code, c.nl, c.en, ...(c.synonyms ?? [])].some((s) => s.toLowerCase().includes(q)));
      return json(res, 200, { items: hits.slice(0, limit).map(({ code, nl, en, synonyms }) => ({ code, nl, en, synonyms })) }), true;
    }
    if (p === '/api/v1/cases' && req.method === 'POST') {
      if (!zcc(user)) return problem(res, 403, 'Forbidden'), true;
      const b = await body(req, res);
      if (!b) return true;
      const errors = [];
      if (!['hap', '112', 'gp', 'vvt', 'hospital', 'ggz', 'self-triage', 'other'].includes(b.channel)) errors.push({ field: 'channel', message: 'required field "channel" is missing' });
      reqText(errors, b, 'summary');
      if (b.patient) {
        if (!b.patient.bsn && !b.patient.name) errors.push({ field: 'patient', message: 'needs a bsn or a name' });
        if (b.patient.bsn && !elevenTest(b.patient.bsn)) errors.push({ field: 'patient.bsn', message: 'must be a BSN: 9 digits that pass the 11-proef' });
        if (!b.legal_basis) errors.push({ field: 'legal_basis', message: 'is required when patient data is given' });
      }
      if (b.complaint && !known.has(b.complaint)) errors.push({ field: 'complaint', message: `unknown entry complaint "${b.complaint}"` });
      if (b.caller?.phone && !/^[\d\s+\-().]+$/.test(b.caller.phone)) errors.push({ field: 'caller.phone', message: 'may hold only digits, spaces and + - ( ) .' });
      if (errors.length) return invalid(res, errors, 'the care request is not valid; nothing was stored'), true;
      const now = iso(Date.now());
      const c = {
        id: `c-${hex()}`, region_id: region.id, subregion_id: b.subregion_id ?? null, channel: b.channel,
        requesting_organization_id: b.requesting_organization_id ?? null, caller: { name: '', role: '', phone: '', ...b.caller },
        received_at: b.received_at ?? now, summary: b.summary, urgency: null, complaint: b.complaint ?? null,
        context: { age_years: null, living: null, known_care: null, ...b.context }, state: 'new', outcome: null,
        legal_basis: b.legal_basis ?? null, has_patient: !!b.patient, repeat_contact: false, pathway: null,
        created_by: user.username, created_at: now, updated_at: now, triaged_at: null, closed_at: null, version: 1,
      };
      const x = { c, triages: [], timeline: [], handovers: [], patient: b.patient ?? null };
      line(x, user, 'created', `request via ${c.channel}`);
      if (b.urgency && b.complaint) {
        Object.assign(c, { urgency: b.urgency, state: 'triaged', triaged_at: now });
        x.triages.push({ at: now, by: user.username, urgency: b.urgency, complaint: b.complaint, note: 'triaged by the requester' });
        line(x, user, 'triaged', `${b.urgency} ${b.complaint} (at intake)`);
      }
      all.set(c.id, x);
      emit(x, 'created');
      res.setHeader('ETag', `"${c.version}"`);
      res.setHeader('Location', `/api/v1/cases/${c.id}`);
      return json(res, 201, view(x)), true;
    }
    if (p === '/api/v1/cases' && req.method === 'GET') {
      if (!zcc(user)) return problem(res, 403, 'Forbidden', [], 'you may not work the cases of this region'), true;
      const st = url.searchParams.get('state') ?? 'open';
      const ch = url.searchParams.get('channel');
      const sub = url.searchParams.get('subregion');
      let list = [...all.values()].map((x) => x.c)
        .filter((c) => (st === 'all' || (st === 'open') === (c.state !== 'closed')) && (!ch || c.channel === ch) && (!sub || c.subregion_id === sub));
      const band = (c) => (c.urgency ? BAND[c.urgency] : 2);
      list = list.sort((a, b) => (a.state === 'closed') - (b.state === 'closed') || band(a) - band(b) || Date.parse(a.received_at) - Date.parse(b.received_at));
      return json(res, 200, { now: iso(Date.now()), items: list.map(item) }), true;
    }
    let m = /^\/api\/v1\/cases\/([^/]+)(?:\/([a-z-]+))?$/.exec(p);
    if (m) {
      const x = all.get(decodeURIComponent(m[1]));
      if (!x) return problem(res, 404, 'Not found', [], 'no such case'), true;
      const sub = m[2];
      if (!sub && req.method === 'GET') {
        if (zcc(user)) return (res.setHeader('ETag', `"${x.c.version}"`), json(res, 200, view(x))), true;
        if (partnerOf(user, x)) return json(res, 200, view(x, user.organization_id)), true;
        return problem(res, 403, 'Forbidden', [], 'you may not read this case: it is not handed over to your organisation'), true;
      }
      if (sub === 'patient') {
        const ok = user.role === 'zcc-coordinator' || partnerOf(user, x) || (user.role === 'admin' && x.glass === user.username);
        if (!ok) return problem(res, 403, 'Forbidden', [], "you may not read this case's patient data"), true;
        if (!x.patient) return problem(res, 404, 'Not found', [], 'no patient data stored with this case'), true;
        return json(res, 200, { bsn: null, name: '', birth_date: null, address: '', gp: '', summary: '', medication: '', allergies: '', ...x.patient }), true;
      }
      if (sub === 'break-glass') {
        if (user.role !== 'admin') return problem(res, 403, 'Forbidden'), true;
        const b = await body(req, res);
        if (!b) return true;
        if (!b.reason?.trim()) return invalid(res, [{ field: 'reason', message: 'is required' }]), true;
        x.glass = user.username;
        return json(res, 201, { id: hex(), username: user.username, case_id: x.c.id, reason: b.reason, granted_at: iso(Date.now()), expires_at: iso(Date.now() + 1800000) }), true;
      }
      const c = x.c;
      const steps = {
        triage: (b, e) => {
          if (!b.urgency) e.push({ field: 'urgency', message: 'is required (U0–U5)' });
          if (!b.complaint) e.push({ field: 'complaint', message: 'is required' });
          else if (!known.has(b.complaint)) e.push({ field: 'complaint', message: `unknown entry complaint "${b.complaint}"` });
          if (e.length) return;
          const re = !!c.urgency;
          Object.assign(c, { urgency: b.urgency, complaint: b.complaint, triaged_at: c.triaged_at ?? iso(Date.now()) });
          if (b.context) c.context = { age_years: null, living: null, known_care: null, ...b.context };
          x.triages.push({ at: iso(Date.now()), by: user.username, urgency: b.urgency, complaint: b.complaint, note: b.note ?? '' });
          line(x, user, 'triaged', `${re ? 're-triaged ' : ''}${b.urgency} ${b.complaint}${b.note ? `: ${b.note}` : ''}`);
          return { kind: 'triaged' };
        },
        consult: (b, e) => { reqText(e, b, 'consultant'); reqText(e, b, 'question'); if (!e.length) line(x, user, 'consult', `${b.consultant}: ${b.question}`); return { kind: 'consult' }; },
        advice: (b, e) => { reqText(e, b, 'advice'); if (!e.length) line(x, user, 'advice', b.advice); return { kind: 'advice' }; },
        'end-consult': (b, e) => { reqText(e, b, 'decision'); if (!e.length) line(x, user, 'consult-ended', b.decision); return { kind: 'consult-ended' }; },
        handovers: (b, e) => {
          if (!orgs.some((o) => o.id === b.to_organization_id)) e.push({ field: 'to_organization_id', message: `not an organisation of region ${region.id}` });
          if (b.to_unit_id && !units.some((u) => u.id === b.to_unit_id && u.organization_id === b.to_organization_id)) e.push({ field: 'to_unit_id', message: `not a unit of organisation ${b.to_organization_id}` });
          if (!b.sbar?.situation?.trim()) e.push({ field: 'sbar.situation', message: 'is required' });
          if (!b.sbar?.recommendation?.trim()) e.push({ field: 'sbar.recommendation', message: 'is required' });
          if (e.length) return;
          const old = liveHandover(x);
          if (old) Object.assign(old, { state: 'cancelled', reason: `re-routed to ${b.to_organization_id}`, ended_at: iso(Date.now()), version: old.version + 1 });
          const now = Date.now();
          const h = {
            id: `h-${hex()}`, case_id: c.id, to_organization_id: b.to_organization_id, to_unit_id: b.to_unit_id ?? null,
            sbar: { situation: '', background: '', assessment: '', recommendation: '', ...b.sbar }, state: 'requested', reason: null,
            requested_by: user.username, answered_by: null, requested_at: iso(now), due_at: iso(now + ANSWER_MIN[c.urgency ?? 'U5'] * 60000),
            escalations: 0, answered_at: null, ended_at: null, version: 1,
          };
          x.handovers.push(h);
          line(x, user, 'handed-over', `to ${b.to_organization_id}`);
          return { kind: 'handed-over', handover: h };
        },
        withdraw: (b, e) => {
          reqText(e, b, 'reason');
          if (e.length) return;
          const h = liveHandover(x);
          if (h) Object.assign(h, { state: 'cancelled', reason: b.reason, ended_at: iso(Date.now()), version: h.version + 1 });
          line(x, user, 'withdrawn', b.reason);
          return { kind: 'withdrawn', handover: h };
        },
        close: (b, e) => {
          if (!b.outcome) { e.push({ field: 'outcome', message: 'required' }); return; }
          const h = liveHandover(x);
          if (h) Object.assign(h, { state: h.state === 'accepted' ? 'completed' : 'cancelled', ended_at: iso(Date.now()), version: h.version + 1 });
          Object.assign(c, { outcome: b.outcome, closed_at: iso(Date.now()) });
          line(x, user, 'closed', b.outcome + (b.note ? `: ${b.note}` : ''));
          return { kind: 'closed', handover: h };
        },
      };
      if (req.method === 'POST' && steps[sub]) {
        const action = sub === 'handovers' ? 'hand-over' : sub;
        return await step(req, res, user, x, action, steps[sub]), true;
      }
      return problem(res, 404, 'Not found'), true;
    }
    if (p === '/api/v1/handovers' && req.method === 'GET') {
      if (!user.organization_id || !['org-user', 'org-capacity-manager'].includes(user.role)) return problem(res, 403, 'Forbidden'), true;
      const allStates = url.searchParams.get('state') === 'all';
      const items = [];
      for (const x of all.values()) for (const h of x.handovers) {
        if (h.to_organization_id === user.organization_id && (allStates || h.state === 'requested' || h.state === 'accepted')) items.push({ ...h, case: x.c });
      }
      items.sort((a, b) => Date.parse(b.requested_at) - Date.parse(a.requested_at));
      return json(res, 200, { now: iso(Date.now()), items }), true;
    }
    m = /^\/api\/v1\/handovers\/([^/]+)(?:\/(accept|decline))?$/.exec(p);
    if (m) {
      let x, h;
      for (const y of all.values()) for (const k of y.handovers) if (k.id === m[1]) { x = y; h = k; }
      if (!h) return problem(res, 404, 'Not found'), true;
      if (user.organization_id !== h.to_organization_id) return problem(res, 403, 'Forbidden', [], 'only the organisation a handover is addressed to answers it'), true;
      if (!m[2]) return json(res, 200, { ...h, case: x.c }), true;
      const v = ifMatch(req);
      if (v == null) return problem(res, 428, 'Precondition required'), true;
      if (v !== h.version) return problem(res, 412, 'Precondition failed', [], `the handover was changed by someone else (now version ${h.version})`), true;
      const b = await body(req, res);
      if (!b) return true;
      const accept = m[2] === 'accept';
      if (!accept && !b.reason?.trim()) return invalid(res, [{ field: 'reason', message: 'is required' }]), true;
      const to = next(x.c.state, accept ? 'accept' : 'decline');
      if (!to || (accept && h.state !== 'requested')) return problem(res, 409, 'Conflict', [], `handover is ${h.state}`), true;
      Object.assign(h, { state: accept ? 'accepted' : 'rejected', answered_by: user.username, answered_at: iso(Date.now()), reason: accept ? null : b.reason, version: h.version + 1 });
      x.c.state = to;
      bump(x);
      line(x, user, accept ? 'accepted' : 'declined', h.to_organization_id + (b.note || b.reason ? `: ${b.note ?? b.reason}` : ''));
      emit(x, accept ? 'accepted' : 'declined', h);
      res.setHeader('ETag', `"${h.version}"`);
      return json(res, 200, { ...h, case: x.c }), true;
    }
    return false;
  };
}

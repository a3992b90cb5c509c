// Development stand-in for the region's declared phase (GET/PUT /api/v1/regions/{id}/phase, issue 15), in memory,
// for mock-api.mjs: the declaration with its history (newest first, at most 20), If-Match 428/412, the field
// checks (phase, rationale ≤ 1000 bytes, transfer_approval only true in a crisis, unknown fields), who may declare
// (the region's roaz- and zcc-coordinators, admin) and the live `phase` event. Not the server.
const PHASES = ['regular', 'adjusted', 'crisis'];
const FIELDS = new Set(['phase', 'rationale', 'transfer_approval']);
const DECLARERS = ['roaz-coordinator', 'zcc-coordinator'];
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export function createPhase({ region, json, problem, readBody, publish }) {
  let cur = { phase: 'regular', transfer_approval: false, rationale: '', declared_by: '', declared_at: null, version: 0 };
  const history = [];
  const view = () => ({ region_id: region.id, ...cur, history: history.slice(0, 20) });
  const send = (res, status) => { res.setHeader('ETag', `"${cur.version}"`); return json(res, status, view()); };
  const mayDeclare = (u) => u.role === 'admin' || (DECLARERS.includes(u.role) && (!u.region_id || u.region_id === region.id));

  async function handle(req, res, url, user) {
    const m = /^\/api\/v1\/regions\/([^/]+)\/phase$/.exec(url.pathname);
    if (!m) return false;
    if (decodeURIComponent(m[1]) !== region.id) return problem(res, 404, 'Not Found', [], `no region ${m[1]}`), true;
    if (user.role === 'privacy-officer') return problem(res, 403, 'Forbidden', [], 'you may not read this region'), true;
    if (req.method === 'GET') return send(res, 200), true;
    if (req.method !== 'PUT') return problem(res, 405, 'Method Not Allowed'), true;
    if (!mayDeclare(user)) return problem(res, 403, 'Forbidden', [], "only the region's coordinators and admins declare its phase"), true;
    const im = req.headers['if-match'];
    if (!im) return problem(res, 428, 'Precondition Required', [], "send If-Match with the phase's current ETag"), true;
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return problem(res, 415, 'Unsupported Media Type'), true;
    let b;
    try { b = JSON.parse(await readBody(req)); } catch { b = null; }
    const invalid = (errors) => problem(res, 422, 'Unprocessable Entity', errors, 'the declaration is not valid; nothing was stored');
    if (!b || typeof b !== 'object' || Array.isArray(b)) return invalid([{ field: 'body', message: 'must be a JSON object' }]), true;
    const errors = [];
    for (const k of Object.keys(b)) if (!FIELDS.has(k)) errors.push({ field: k, message: 'unknown field' });
    if (!PHASES.includes(b.phase)) errors.push({ field: 'phase', message: 'must be one of regular, adjusted, crisis' });
    const rationale = typeof b.rationale === 'string' ? b.rationale.trim() : '';
    if (!rationale) errors.push({ field: 'rationale', message: 'is required' });
    else if (Buffer.byteLength(rationale, 'utf8') > 1000) errors.push({ field: 'rationale', message: 'must be at most 1000 bytes' });
    if (b.transfer_approval !== undefined && typeof b.transfer_approval !== 'boolean') errors.push({ field: 'transfer_approval', message: 'must be true or false' });
    else if (b.transfer_approval === true && b.phase !== 'crisis') errors.push({ field: 'transfer_approval', message: 'may only be true in the crisis phase' });
    if (errors.length) return invalid(errors), true;
    const v = Number(/^(?:W\/)?"(\d+)"$/.exec(im)?.[1] ?? NaN);
    if (v !== cur.version) return problem(res, 412, 'Precondition Failed', [], `the phase was declared meanwhile (now version ${cur.version})`), true;
    const at = iso(Date.now());
    cur = {
      phase: b.phase, transfer_approval: b.phase === 'crisis' ? b.transfer_approval ?? true : false, rationale,
      declared_by: user.username, declared_at: at, version: cur.version + 1,
    };
    history.unshift({ ...cur });
    publish('phase', { region_id: region.id, phase: cur.phase, transfer_approval: cur.transfer_approval, version: cur.version, at });
    return send(res, 200), true;
  }
  /** Whether a transfer made now awaits the coordinator's approval. */
  handle.approvalRequired = () => cur.phase === 'crisis' && cur.transfer_approval;
  return handle;
}

// Development stand-in for the follow-up placement desk (/api/v1/placements, docs/placement.md), in memory, for
// mock-api.mjs. Follows the API's contract closely enough to work on the UI: the waiting list, one placement, a new
// one, the matches (every criterion of the region file's follow-up units, free beds net of reservations, stale units
// without free beds), offers, answers, cancel (If-Match 428/412, 409 in the wrong state, problem+json field errors)
// and the placement KPIs (GET /api/v1/placements/kpis, JSON and CSV). States: waiting → offered → placed or
// cancelled; an accepted offer reserves a bed and makes an accepted transfer through the transfer stand-in, whose
// arrival places the patient and whose cancellation puts the placement back on the waiting list. It is not the
// server (no patient data is kept, the time zone is a fixed CET): the browser tests run against the real one.

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const hex = (n) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const CARE_TYPES = ['elv-low', 'elv-high', 'elv-palliative', 'vvt-crisis', 'grz', 'ggz'];
const FOLLOW_UP = ['elv-low', 'elv-high', 'elv-palliative', 'vvt-crisis', 'ggz-crisis'];
const REASONS = ['no-bed', 'care-too-complex', 'criteria-not-met', 'patient-choice', 'other'];
const MOBILITY = ['independent', 'aid', 'bedbound'];
const STATES = ['waiting', 'offered', 'placed', 'cancelled'];
const REGION_ROLES = ['admin', 'zcc-coordinator', 'roaz-coordinator'];
const ORG_ROLES = ['org-user', 'org-capacity-manager'];
const KPI_ROLES = ['admin', 'zcc-coordinator', 'roaz-coordinator'];
const KPI_BY = ['day', 'week', 'care-type'];

/** The Dutch calendar day (CET, no summer time in the stand-in) of a time: "2026-12-01". */
const dutchDay = (ms) => iso(ms + HOUR).slice(0, 10);
/** The ISO week of a calendar day: "2026-W49". */
function isoWeek(day) {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow + 3); // the Thursday of that week
  const year = d.getUTCFullYear();
  const week = 1 + Math.floor((d - Date.UTC(year, 0, 1)) / (7 * DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}
/** Nearest rank: always a value that occurred; null without values. */
function rank(sorted, q) {
  if (!sorted.length) return null;
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}
const dur = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { count: s.length, median_seconds: rank(s, 0.5), p90_seconds: rank(s, 0.9) };
};
function km(a, b) {
  const r = (d) => (d * Math.PI) / 180;
  const dl = r(b.lat - a.lat), dn = r(b.lon - a.lon);
  const h = Math.sin(dl / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(dn / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

/**
 * `rowOf(unit)` is the snapshot row (beds, stale); `criteriaOf(unitId)` the unit's admission criteria from the region
 * file; `transfers` the transfer stand-in (`create`, `get`); `demo: false` starts without demo placements.
 */
export function createPlacements({ region, orgs, locs, units, rowOf, criteriaOf, json, problem, readBody, transfers, publish, demo = true }) {
  const all = new Map(); // id -> placement (with its offers)
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const unitById = new Map(units.map((u) => [u.id, u]));
  const followUp = units.filter((u) => FOLLOW_UP.includes(u.type));
  const hospitalUnits = units.filter((u) => (u.type === 'ward' || u.type === 'ic') && orgById.get(u.organization_id)?.type === 'hospital');
  const posOf = (u) => locs.find((l) => l.id === u.location_id) ?? locs.find((l) => l.organization_id === u.organization_id);

  const regionWide = (u) => REGION_ROLES.includes(u.role) && (u.role === 'admin' || u.region_id === region.id);
  const orgUser = (u) => ORG_ROLES.includes(u.role) && !!u.organization_id;
  const mayRead = (u, p) => regionWide(u) || u.role === 'viewer'
    || (orgUser(u) && (u.organization_id === p.from_organization_id || p.offers.some((o) => o.organization_id === u.organization_id)));
  const maySend = (u, p) => regionWide(u) || (orgUser(u) && u.organization_id === p.from_organization_id);
  const invalid = (res, errors, detail = 'the placement is not valid; nothing was stored') => problem(res, 400, 'Bad Request', errors, detail);
  const earliestAt = (p) => Date.parse(`${p.earliest_date}T00:00:00+01:00`);
  const reservedOn = (unitId, nowMs) => [...all.values()].flatMap((p) => p.offers)
    .filter((o) => o.unit_id === unitId && o.state === 'accepted' && !o.reservation_ended_at && Date.parse(o.reserved_until) > nowMs).length;

  /** The derived fields as of now, after following the placement's transfer and ending reservations that ran out. */
  function sync(p, nowMs = Date.now()) {
    const acc = p.offers.find((o) => o.state === 'accepted');
    const t = p.transfer_id ? transfers.get(p.transfer_id) : null;
    if (p.state === 'offered' && acc && t?.state === 'arrived') {
      p.state = 'placed'; p.ended_at = t.ended_at; acc.reservation_ended_at = t.ended_at; bump(p, t.ended_at);
    } else if (p.state === 'offered' && acc && t && ['cancelled', 'declined'].includes(t.state)) {
      acc.state = 'withdrawn'; acc.reservation_ended_at = t.ended_at; p.transfer_id = null; p.state = 'waiting'; bump(p, t.ended_at);
    } else if (p.state === 'offered' && acc && !acc.reservation_ended_at && Date.parse(acc.reserved_until) <= nowMs) {
      acc.state = 'expired'; acc.reservation_ended_at = acc.reserved_until; p.state = p.offers.some((o) => o.state === 'open') ? 'offered' : 'waiting'; bump(p, acc.reserved_until);
    }
    const end = p.ended_at ? Date.parse(p.ended_at) : nowMs;
    p.waiting_hours = Math.max(0, (end - Date.parse(p.created_at)) / HOUR);
    p.wrong_bed_days = Math.max(0, (end - earliestAt(p)) / DAY);
    return p;
  }
  // The live event `placement`, as the server sends it (no patient data).
  const emit = (p) => publish?.('placement', { id: p.id, version: p.version, state: p.state, region_id: p.region_id, at: p.updated_at });
  function bump(p, at) { p.version += 1; p.updated_at = at ?? iso(Date.now()); emit(p); }
  const send = (res, status, p) => { res.setHeader('ETag', `"${p.version}"`); return json(res, status, sync(p)); };

  function make(b, user, createdMs) {
    const created = iso(createdMs);
    return {
      id: `p-${hex(16)}`, region_id: region.id, from_organization_id: b.from_organization_id, from_unit_id: b.from_unit_id,
      care_type: b.care_type,
      profile: { dementia: !!b.profile?.dementia, isolation: !!b.profile?.isolation, oxygen: !!b.profile?.oxygen,
        weight_kg: b.profile?.weight_kg ?? null, mobility: b.profile?.mobility ?? 'independent', age: b.profile?.age ?? null },
      needs: b.needs, preferred_place: b.preferred_place ?? null, preferred_lat: b.preferred_lat ?? null, preferred_lon: b.preferred_lon ?? null,
      earliest_date: b.earliest_date ?? dutchDay(createdMs), state: 'waiting', has_patient: !!b.patient,
      created_by: user.username, created_at: created, updated_at: created, ended_at: null, transfer_id: null, cancel_reason: null,
      waiting_hours: 0, wrong_bed_days: 0, offers: [], version: 1,
    };
  }
  const offerOf = (p, u, by, atMs) => ({
    id: `o-${hex(16)}`, placement_id: p.id, organization_id: u.organization_id, unit_id: u.id, state: 'open', decline_reason: null,
    decline_text: null, created_by: by, created_at: iso(atMs), answered_by: null, answered_at: null, reserved_until: null, reservation_ended_at: null,
  });

  // Demo data: placements of the last ten days from the region's hospital wards, some placed, some declined
  // (with reasons), some still waiting or offered, one cancelled. Placed ones have no transfer in the stand-in.
  (function seed() {
    if (!demo || !hospitalUnits.length || !followUp.length) return;
    const now = Date.now();
    const needs = ['wondzorg en mobilisatie', 'revalidatie na heupfractuur', 'palliatieve zorg, pijnbestrijding', 'delier, toezicht nodig',
      'sondevoeding en decubituszorg', 'crisisopvang, mantelzorger uitgevallen', 'zuurstof en longrevalidatie', 'herstel na sepsis'];
    const plan = [
      // [days ago, care type, outcome, hours to answer, decline reasons before]
      [9.5, 'elv-high', 'placed', 20, ['no-bed']], [8.7, 'grz', 'placed', 30, []], [8.1, 'elv-low', 'placed', 6, ['patient-choice']],
      [7.2, 'vvt-crisis', 'cancelled', 0, ['care-too-complex']], [6.6, 'elv-palliative', 'placed', 4, []],
      [5.4, 'elv-high', 'placed', 50, ['no-bed', 'criteria-not-met']], [4.9, 'ggz', 'waiting', 0, ['no-bed', 'other']],
      [3.8, 'elv-low', 'placed', 12, []], [3.1, 'elv-high', 'offered', 0, ['no-bed']], [2.2, 'grz', 'waiting', 0, []],
      [1.6, 'vvt-crisis', 'offered', 0, []], [0.9, 'elv-high', 'waiting', 0, ['care-too-complex']], [0.3, 'elv-low', 'waiting', 0, []],
    ];
    plan.forEach(([ago, care, outcome, hours, declines], i) => {
      const from = hospitalUnits[(i * 7) % hospitalUnits.length];
      const createdMs = now - ago * DAY;
      const p = make({ from_organization_id: from.organization_id, from_unit_id: from.id, care_type: care, needs: needs[i % needs.length],
        earliest_date: dutchDay(createdMs - (i % 3) * DAY), profile: { mobility: MOBILITY[i % 3], age: 70 + i, weight_kg: 60 + 3 * i, dementia: i % 4 === 0 } },
      { username: 'demo' }, createdMs);
      const fits = followUp.filter((u) => (criteriaOf(u.id)?.care_types ?? [u.type === 'ggz-crisis' ? 'ggz' : u.type]).includes(care));
      const pick = (k) => fits[(i + k) % Math.max(1, fits.length)];
      let at = createdMs + 2 * HOUR;
      declines.forEach((reason, k) => {
        const u = pick(k);
        if (!u) return;
        const o = offerOf(p, u, 'demo', at);
        at += (1 + k) * 3 * HOUR;
        Object.assign(o, { state: 'declined', decline_reason: reason, decline_text: reason === 'other' ? 'geen plek op de gesloten afdeling' : null,
          answered_by: 'demo', answered_at: iso(at) });
        p.offers.push(o);
      });
      const u = pick(declines.length);
      if (outcome === 'placed' && u) {
        const o = offerOf(p, u, 'demo', at);
        const answered = at + 2 * HOUR;
        const arrived = Math.min(now, answered + hours * HOUR);
        Object.assign(o, { state: 'accepted', answered_by: 'demo', answered_at: iso(answered), reserved_until: iso(answered + 24 * HOUR),
          reservation_ended_at: iso(arrived) });
        p.offers.push(o);
        p.state = 'placed'; p.ended_at = iso(arrived);
      } else if (outcome === 'offered' && u) {
        p.offers.push(offerOf(p, u, 'demo', at));
        p.state = 'offered';
      } else if (outcome === 'cancelled') {
        p.state = 'cancelled'; p.cancel_reason = 'patiënt met thuiszorg naar huis'; p.ended_at = iso(at + 5 * HOUR);
      }
      p.version = 1 + p.offers.length + (p.state === 'waiting' ? 0 : 1);
      p.updated_at = p.ended_at ?? iso(at);
      all.set(p.id, p);
    });
  })();

  function matches(p, nowMs) {
    const need = { care_type: p.care_type, ...p.profile };
    const pos = p.preferred_lat != null && p.preferred_lon != null ? { lat: p.preferred_lat, lon: p.preferred_lon } : null;
    const list = followUp.map((u) => {
      const c = criteriaOf(u.id) ?? {};
      const types = c.care_types ?? [u.type === 'ggz-crisis' ? 'ggz' : u.type];
      const checks = [
        { criterion: 'care_type', ok: types.includes(need.care_type), need: need.care_type, limit: types },
        ...['dementia', 'isolation', 'oxygen'].map((k) => ({ criterion: k, ok: !need[k] || !!c[k], need: need[k], limit: !!c[k] })),
        { criterion: 'max_weight_kg', ok: need.weight_kg == null || c.max_weight_kg == null || need.weight_kg <= c.max_weight_kg, need: need.weight_kg, limit: c.max_weight_kg ?? null },
        { criterion: 'mobility', ok: !c.mobility || MOBILITY.indexOf(need.mobility) <= MOBILITY.indexOf(c.mobility), need: need.mobility, limit: c.mobility ?? null },
        { criterion: 'age_min', ok: need.age == null || c.age_min == null || need.age >= c.age_min, need: need.age, limit: c.age_min ?? null },
        { criterion: 'age_max', ok: need.age == null || c.age_max == null || need.age <= c.age_max, need: need.age, limit: c.age_max ?? null },
      ];
      const r = rowOf(u);
      const reserved = reservedOn(u.id, nowMs);
      const reported = r.beds ? r.beds.available : null;
      const l = posOf(u);
      return {
        unit_id: u.id, organization_id: u.organization_id, organization_name: orgById.get(u.organization_id)?.name ?? '', unit_name: u.name,
        unit_type: u.type, fits: checks.every((x) => x.ok), free_beds: r.stale || reported == null ? 0 : Math.max(0, reported - reserved),
        reported_available: reported, reserved, stale: !!r.stale, distance_km: pos && l ? km(pos, l) : null, criteria: checks,
      };
    });
    return list.sort((a, b) => Number(b.fits) - Number(a.fits) || Number(b.free_beds > 0) - Number(a.free_beds > 0)
      || (a.distance_km ?? 0) - (b.distance_km ?? 0) || a.unit_id.localeCompare(b.unit_id));
  }

  /** The figures of a cohort of placements, as the contract (docs in the KPI contract) lists them. */
  function figures(ps, nowMs) {
    const f = { placements: ps.length, waiting: 0, offered: 0, placed: 0, cancelled: 0 };
    for (const p of ps) f[p.state] += 1;
    const placedSecs = ps.filter((p) => p.state === 'placed').map((p) => (Date.parse(p.ended_at) - Date.parse(p.created_at)) / 1000);
    const wrong = ps.map((p) => Math.round(Math.max(0, ((p.ended_at ? Date.parse(p.ended_at) : nowMs) - earliestAt(p)) / DAY) * 100) / 100)
      .sort((a, b) => a - b);
    const offers = ps.flatMap((p) => p.offers);
    const count = (s) => offers.filter((o) => o.state === s).length;
    const declines = Object.fromEntries(REASONS.map((r) => [r, offers.filter((o) => o.state === 'declined' && o.decline_reason === r).length]));
    const answered = offers.filter((o) => (o.state === 'accepted' || o.state === 'declined' || o.state === 'expired') && o.answered_at)
      .map((o) => (Date.parse(o.answered_at) - Date.parse(o.created_at)) / 1000);
    const byOrg = new Map();
    for (const p of ps) {
      for (const o of p.offers) {
        const x = byOrg.get(o.organization_id) ?? { organization_id: o.organization_id, offers: 0, accepted: 0, declined: 0, expired: 0, placed: 0, acceptance_rate: null };
        x.offers += 1;
        if (o.state === 'accepted') x.accepted += 1;
        if (o.state === 'declined') x.declined += 1;
        if (o.state === 'expired') x.expired += 1;
        if (o.state === 'accepted' && p.state === 'placed') x.placed += 1;
        byOrg.set(o.organization_id, x);
      }
    }
    const providers = [...byOrg.values()].sort((a, b) => a.organization_id.localeCompare(b.organization_id))
      .map((x) => ({ ...x, acceptance_rate: x.accepted + x.declined ? x.accepted / (x.accepted + x.declined) : null }));
    return {
      ...f,
      time_to_placement: dur(placedSecs),
      wrong_bed_days: { count: wrong.length, total: Math.round(wrong.reduce((s, x) => s + x, 0) * 100) / 100, median: rank(wrong, 0.5), p90: rank(wrong, 0.9) },
      offers: { made: offers.length, open: count('open'), accepted: count('accepted'), declined: count('declined'), withdrawn: count('withdrawn'), expired: count('expired') },
      declines_by_reason: declines,
      time_to_answer: dur(answered),
      providers,
    };
  }

  const CSV_HEAD = ['row', 'key', 'region', 'placements', 'waiting', 'offered', 'placed', 'cancelled', 'placement_count', 'placement_median_seconds',
    'placement_p90_seconds', 'wrong_bed_days_total', 'wrong_bed_days_median', 'wrong_bed_days_p90', 'offers_made', 'offers_open', 'offers_accepted',
    'offers_declined', 'offers_withdrawn', 'offers_expired', 'declined_no_bed', 'declined_care_too_complex', 'declined_criteria_not_met',
    'declined_patient_choice', 'declined_other', 'answer_median_seconds', 'answer_p90_seconds', 'acceptance_rate'];
  const cell = (v) => (v == null ? '' : String(v));
  function csv(k) {
    const line = (row, key, f) => [row, key, k.region, f.placements, f.waiting, f.offered, f.placed, f.cancelled, f.time_to_placement.count,
      f.time_to_placement.median_seconds, f.time_to_placement.p90_seconds, f.wrong_bed_days.total, f.wrong_bed_days.median, f.wrong_bed_days.p90,
      f.offers.made, f.offers.open, f.offers.accepted, f.offers.declined, f.offers.withdrawn, f.offers.expired,
      ...REASONS.map((r) => f.declines_by_reason[r]), f.time_to_answer.median_seconds, f.time_to_answer.p90_seconds, ''].map(cell).join(',');
    // As the server writes it: the total (key empty), a row per provider of the total, then a row per group.
    const rows = [CSV_HEAD.join(','), line('total', '', k.total)];
    for (const p of k.total.providers) {
      const r = Object.fromEntries(CSV_HEAD.map((h) => [h, '']));
      Object.assign(r, { row: 'provider', key: p.organization_id, region: k.region, placed: p.placed, offers_made: p.offers, offers_accepted: p.accepted,
        offers_declined: p.declined, offers_expired: p.expired, acceptance_rate: p.acceptance_rate });
      rows.push(CSV_HEAD.map((h) => cell(r[h])).join(','));
    }
    for (const g of k.groups) rows.push(line('group', g.key, g.figures));
    return `${rows.join('\r\n')}\r\n`;
  }

  function kpis(req, res, url, user) {
    if (!(KPI_ROLES.includes(user.role) && (user.role === 'admin' || user.region_id === region.id))) {
      return problem(res, 403, 'Forbidden', [], 'the placement KPIs are for the region\'s coordinators');
    }
    const q = url.searchParams;
    const nowMs = Date.now();
    const errors = [];
    const reg = q.get('region') || user.region_id || region.id;
    if (reg !== region.id) return problem(res, 404, 'Not Found', [], `the stand-in knows only region ${region.id}`);
    const at = (k) => (q.get(k) ? Date.parse(q.get(k)) : undefined);
    const to = at('to') ?? nowMs;
    const from = at('from') ?? to - 7 * DAY;
    if (Number.isNaN(to)) errors.push({ field: 'to', message: 'must be an RFC 3339 time' });
    if (Number.isNaN(from)) errors.push({ field: 'from', message: 'must be an RFC 3339 time' });
    else if (!Number.isNaN(to) && !(from < to)) errors.push({ field: 'from', message: 'must be before to' });
    else if (!Number.isNaN(to) && to - from > 366 * DAY) errors.push({ field: 'from', message: 'the period is at most 366 days' });
    const by = q.get('by') || null;
    if (by && !KPI_BY.includes(by)) errors.push({ field: 'by', message: `must be one of ${KPI_BY.join(', ')}` });
    if (errors.length) return invalid(res, errors, 'the KPI query is not valid');
    const cohort = [...all.values()].map((p) => sync(p, nowMs)).filter((p) => { const c = Date.parse(p.created_at); return c >= from && c < to; });
    let groups = [];
    if (by === 'care-type') {
      groups = CARE_TYPES.map((c) => ({ key: c, figures: figures(cohort.filter((p) => p.care_type === c), nowMs) }));
    } else if (by) {
      const keyOf = (ms) => (by === 'day' ? dutchDay(ms) : isoWeek(dutchDay(ms)));
      const keys = [];
      for (let t = from; t < to; t += HOUR) if (keys[keys.length - 1] !== keyOf(t)) keys.push(keyOf(t));
      if (keys[keys.length - 1] !== keyOf(to - 1)) keys.push(keyOf(to - 1));
      groups = [...new Set(keys)].map((k) => ({ key: k, figures: figures(cohort.filter((p) => keyOf(Date.parse(p.created_at)) === k), nowMs) }));
    }
    const k = { region: region.id, from: iso(from), to: iso(to), now: iso(nowMs), by, total: figures(cohort, nowMs), groups };
    if ((req.headers.accept ?? '').includes('text/csv')) {
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="placement-kpis-${region.id}-${dutchDay(nowMs)}.csv"` });
      return res.end(csv(k));
    }
    return json(res, 200, k);
  }

  async function body(req, res) {
    try {
      const b = JSON.parse((await readBody(req)) || '{}');
      if (b && typeof b === 'object' && !Array.isArray(b)) return b;
    } catch { /* below */ }
    invalid(res, [{ field: 'body', message: 'must be a JSON object' }]);
    return null;
  }
  /** If-Match against the placement's version: 428 without, 412 when changed meanwhile; true when it may go on. */
  function matchesVersion(req, res, p) {
    const v = Number(/^(?:W\/)?"(\d+)"$/.exec(req.headers['if-match'] ?? '')?.[1] ?? NaN);
    if (Number.isNaN(v)) return problem(res, 428, 'Precondition Required', [], "send If-Match with the placement's current ETag"), false;
    if (v !== p.version) return problem(res, 412, 'Precondition Failed', [], `placement ${p.id} was changed meanwhile (now version ${p.version})`), false;
    return true;
  }

  function validateNew(b) {
    const errors = [];
    const from = unitById.get(b.from_unit_id);
    if (!orgById.has(b.from_organization_id)) errors.push({ field: 'from_organization_id', message: `not an organisation of region ${region.id}` });
    else if (!from || from.organization_id !== b.from_organization_id) errors.push({ field: 'from_unit_id', message: `not a unit of organisation ${b.from_organization_id}` });
    if (!CARE_TYPES.includes(b.care_type)) errors.push({ field: 'care_type', message: `must be one of ${CARE_TYPES.join(', ')}` });
    if (typeof b.needs !== 'string' || !b.needs.trim()) errors.push({ field: 'needs', message: 'is required' });
    const pr = b.profile ?? {};
    if (pr.weight_kg != null && !(Number.isInteger(pr.weight_kg) && pr.weight_kg >= 1 && pr.weight_kg <= 500)) errors.push({ field: 'profile.weight_kg', message: 'must be 1 to 500' });
    if (pr.age != null && !(Number.isInteger(pr.age) && pr.age >= 0 && pr.age <= 130)) errors.push({ field: 'profile.age', message: 'must be 0 to 130' });
    if (pr.mobility != null && !MOBILITY.includes(pr.mobility)) errors.push({ field: 'profile.mobility', message: `must be one of ${MOBILITY.join(', ')}` });
    if (b.earliest_date != null) {
      const d = Date.parse(`${b.earliest_date}T00:00:00Z`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(b.earliest_date) || Number.isNaN(d)) errors.push({ field: 'earliest_date', message: 'must be a date (YYYY-MM-DD)' });
      else if (Math.abs(d - Date.now()) > 366 * DAY) errors.push({ field: 'earliest_date', message: 'must be within a year of today' });
    }
    if ((b.preferred_lat == null) !== (b.preferred_lon == null)) errors.push({ field: b.preferred_lat == null ? 'preferred_lat' : 'preferred_lon', message: 'give both latitude and longitude' });
    return errors;
  }

  return async function handle(req, res, url, user) {
    const path = url.pathname;
    if (path !== '/api/v1/placements' && !path.startsWith('/api/v1/placements/')) return false;
    if (path === '/api/v1/placements/kpis') {
      if (req.method !== 'GET') return problem(res, 405, 'Method Not Allowed'), true;
      return kpis(req, res, url, user), true;
    }
    if (!(regionWide(user) || user.role === 'viewer' || orgUser(user))) return problem(res, 403, 'Forbidden'), true;
    if (path === '/api/v1/placements' && req.method === 'GET') {
      const q = url.searchParams;
      const state = q.get('state') || 'waiting,offered';
      const wanted = state === 'all' ? STATES : state.split(',');
      if (wanted.some((s) => !STATES.includes(s))) return invalid(res, [{ field: 'state', message: `a comma list of ${STATES.join(', ')}, or all` }]), true;
      const limit = Number(q.get('limit') ?? 200);
      if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) return invalid(res, [{ field: 'limit', message: 'must be 1 to 1000' }]), true;
      const org = q.get('organization');
      const nowMs = Date.now();
      const items = [...all.values()].map((p) => sync(p, nowMs))
        .filter((p) => wanted.includes(p.state) && mayRead(user, p) && (!org || p.from_organization_id === org || p.offers.some((o) => o.organization_id === org)))
        .sort((a, b) => b.wrong_bed_days - a.wrong_bed_days || a.created_at.localeCompare(b.created_at)).slice(0, limit);
      return json(res, 200, { now: iso(nowMs), items }), true;
    }
    if (path === '/api/v1/placements' && req.method === 'POST') {
      const b = await body(req, res);
      if (!b) return true;
      const errors = validateNew(b);
      if (errors.length) return invalid(res, errors), true;
      if (!maySend(user, b)) return problem(res, 403, 'Forbidden', [], 'only the sending organisation or the region\'s desk records a placement'), true;
      const p = make({ ...b, needs: b.needs.trim() }, user, Date.now());
      all.set(p.id, p);
      res.setHeader('Location', `/api/v1/placements/${p.id}`);
      emit(p);
      return send(res, 201, p), true;
    }
    const m = /^\/api\/v1\/placements\/([^/]+)(?:\/(matches|offers|cancel)(?:\/([^/]+)\/answer)?)?$/.exec(path);
    if (!m) return problem(res, 404, 'Not Found'), true;
    const p = all.get(decodeURIComponent(m[1]));
    if (!p || !mayRead(user, p)) return problem(res, 404, 'Not Found', [], 'no such placement'), true;
    sync(p);
    if (!m[2]) return req.method === 'GET' ? (send(res, 200, p), true) : (problem(res, 405, 'Method Not Allowed'), true);
    if (m[2] === 'matches' && !m[3]) {
      if (req.method !== 'GET') return problem(res, 405, 'Method Not Allowed'), true;
      if (!(regionWide(user) || user.role === 'viewer' || (orgUser(user) && user.organization_id === p.from_organization_id))) return problem(res, 403, 'Forbidden'), true;
      const limit = Number(url.searchParams.get('limit') ?? 50);
      if (!(Number.isInteger(limit) && limit >= 1 && limit <= 5000)) return invalid(res, [{ field: 'limit', message: 'must be 1 to 5000' }]), true;
      const list = matches(p, Date.now());
      return json(res, 200, { placement_id: p.id, care_type: p.care_type, at: iso(Date.now()), total: list.length, fitting: list.filter((x) => x.fits).length,
        matches: list.slice(0, limit) }), true;
    }
    if (req.method !== 'POST') return problem(res, 405, 'Method Not Allowed'), true;
    const b = await body(req, res);
    if (!b) return true;
    const now = iso(Date.now());
    if (m[2] === 'offers' && m[3]) {
      const o = p.offers.find((x) => x.id === decodeURIComponent(m[3]));
      if (!o) return problem(res, 404, 'Not Found', [], 'no such offer'), true;
      if (!(regionWide(user) || (orgUser(user) && user.organization_id === o.organization_id))) return problem(res, 403, 'Forbidden', [], 'only the provider answers an offer'), true;
      const errors = [];
      if (typeof b.accept !== 'boolean') errors.push({ field: 'accept', message: 'must be true or false' });
      if (b.accept === false && !REASONS.includes(b.reason)) errors.push({ field: 'reason', message: `must be one of ${REASONS.join(', ')}` });
      if (b.accept === false && b.reason === 'other' && !(typeof b.text === 'string' && b.text.trim())) errors.push({ field: 'text', message: 'is required with reason other' });
      const hours = b.reservation_hours ?? 24;
      if (b.accept === true && !(Number.isInteger(hours) && hours >= 1 && hours <= 336)) errors.push({ field: 'reservation_hours', message: 'must be 1 to 336' });
      if (errors.length) return invalid(res, errors, 'the answer is not valid; nothing was stored'), true;
      if (!matchesVersion(req, res, p)) return true;
      if (o.state !== 'open') return problem(res, 409, 'Conflict', [], `the offer is ${o.state}, not open`), true;
      Object.assign(o, { answered_by: user.username, answered_at: now });
      if (b.accept) {
        o.state = 'accepted';
        o.reserved_until = iso(Date.now() + hours * HOUR);
        for (const x of p.offers) if (x !== o && x.state === 'open') x.state = 'withdrawn';
        const u = unitById.get(o.unit_id);
        const t = transfers.create({ from_organization_id: p.from_organization_id, from_unit_id: p.from_unit_id, to_organization_id: o.organization_id,
          to_unit_id: o.unit_id, care_type: u.type, reason: `Plaatsing ${p.id}` }, user);
        Object.assign(t, { state: 'accepted', answered_at: now, updated_at: now, version: t.version + 1 });
        p.transfer_id = t.id;
      } else {
        Object.assign(o, { state: 'declined', decline_reason: b.reason, decline_text: b.text?.trim() || null });
        if (!p.offers.some((x) => x.state === 'open' || x.state === 'accepted')) p.state = 'waiting';
      }
      bump(p, now);
      return send(res, 200, p), true;
    }
    if (m[2] === 'offers') {
      if (!maySend(user, p)) return problem(res, 403, 'Forbidden', [], 'only the sending side and the region\'s desk offer'), true;
      const errors = [];
      if (!Array.isArray(b.offers) || b.offers.length < 1 || b.offers.length > 20) errors.push({ field: 'offers', message: 'must hold 1 to 20 offers' });
      (Array.isArray(b.offers) ? b.offers : []).forEach((x, i) => {
        const u = unitById.get(x?.unit_id);
        if (!u || !FOLLOW_UP.includes(u.type)) errors.push({ field: `offers[${i}].unit_id`, message: 'not a follow-up unit of the region' });
        else if (u.organization_id !== x.organization_id) errors.push({ field: `offers[${i}].organization_id`, message: `unit ${u.id} is not of this organisation` });
        else if (p.offers.some((o) => o.unit_id === u.id && o.state === 'open')) errors.push({ field: `offers[${i}].unit_id`, message: 'already has an open offer' });
      });
      if (errors.length) return invalid(res, errors, 'the offers are not valid; nothing was stored'), true;
      if (!matchesVersion(req, res, p)) return true;
      if (p.state !== 'waiting' && !(p.state === 'offered' && !p.offers.some((o) => o.state === 'accepted'))) {
        return problem(res, 409, 'Conflict', [], `the placement is ${p.state}; offers are made while it waits`), true;
      }
      for (const x of b.offers) p.offers.push(offerOf(p, unitById.get(x.unit_id), user.username, Date.now()));
      p.state = 'offered';
      bump(p, now);
      return send(res, 200, p), true;
    }
    if (m[2] === 'cancel' && !m[3]) {
      if (!maySend(user, p)) return problem(res, 403, 'Forbidden', [], 'only the sending side and the region\'s desk cancel'), true;
      const reason = typeof b.reason === 'string' ? b.reason.trim() : '';
      if (!reason) return invalid(res, [{ field: 'reason', message: 'is required' }], 'the cancellation is not valid; nothing was stored'), true;
      if (!matchesVersion(req, res, p)) return true;
      if (p.state !== 'waiting' && p.state !== 'offered') return problem(res, 409, 'Conflict', [], `the placement is ${p.state}`), true;
      const t = p.transfer_id ? transfers.get(p.transfer_id) : null;
      if (t?.state === 'en-route') return problem(res, 409, 'Conflict', [], `transfer ${t.id} is en route`), true;
      if (t && ['requested', 'accepted', 'planned'].includes(t.state)) Object.assign(t, { state: 'cancelled', ended_at: now, updated_at: now, version: t.version + 1 });
      for (const o of p.offers) {
        if (o.state === 'open') o.state = 'withdrawn';
        if (o.state === 'accepted') Object.assign(o, { state: 'withdrawn', reservation_ended_at: now });
      }
      Object.assign(p, { state: 'cancelled', cancel_reason: reason, ended_at: now });
      bump(p, now);
      return send(res, 200, p), true;
    }
    return problem(res, 404, 'Not Found'), true;
  };
}

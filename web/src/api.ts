import { normalisePlan, type NewPlanInput, type PinIn, type PlanSummary, type SpreadingPlan } from './lib/spreading';
import type {
  AccessPage, BreakGlassGrant, BreakGlassReviewItem, CapacityInput, RegionForecast, UnitForecast, ContactHistory, CaseDetail, Complaint, History, HandoverWithCase, Inbox, NewCaseInput, Patient, PathwayDecision,
  Problem, Proposal, RegionDetail, RegionSummary, Snapshot, User, Worklist,
} from './types';
import type { Kpis } from './lib/kpis';
import type { PlacementKpis } from './lib/placementKpis';
import type { NewSimulation, RegionScenario, SimRun } from './lib/simulation';
import type { NewTransferInput, StepBody, TransferBoard, TransferDetail } from './lib/transfers';
import type { PhaseBody, RegionPhase } from './lib/phase';
import type { Matches, NewPlacementInput, Placement, WaitingList } from './lib/placements';

/** A failed API call; `problem` is the parsed application/problem+json body when there was one. */
export class ApiError extends Error {
  constructor(public status: number, public problem: Problem | null, message?: string, public retryAfterS: number | null = null) {
    super(message ?? problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
}

let onUnauthorized: (() => void) | null = null;
/** Called when any API call (other than login/me) gets 401: the session has ended. */
export function setUnauthorizedHandler(fn: (() => void) | null): void { onUnauthorized = fn; }

/**
 * Sent on every unsafe request. The server refuses POST/PUT/PATCH/DELETE that the session cookie
 * authenticates without it (CSRF protection: another site cannot add a custom header without CORS).
 */
export const CSRF_HEADER = 'X-OpenZCC-CSRF';

/** The request headers for a call: JSON, and the CSRF header on unsafe methods. */
export function requestHeaders(method: string, hasBody: boolean): Record<string, string> {
  const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
  return {
    Accept: 'application/json',
    ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
    ...(unsafe ? { [CSRF_HEADER]: '1' } : {}),
  };
}

/**
 * The If-Match value naming a version the server gave (the case's or the handover's `version`, also its
 * ETag): a strong entity tag, `"7"`. Every change of a case or handover must send it (428 without, 412
 * when someone else changed it meanwhile).
 */
export function ifMatch(version: number): string {
  return `"${version}"`;
}

/** The version an ETag header names (`"7"`, or `W/"7"`), or null. */
export function versionOfETag(etag: string | null | undefined): number | null {
  const m = /^(?:W\/)?"(\d+)"$/.exec((etag ?? '').trim());
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

interface RequestOpts {
  quiet401?: boolean; cache?: RequestCache; headers?: Record<string, string>;
  /** The body as text (a CSV download), not parsed as JSON; errors are still problem+json. */
  text?: boolean;
}

async function request<T>(method: string, path: string, body?: unknown, opts: RequestOpts = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: opts.cache ?? 'no-cache',
      headers: { ...requestHeaders(method, body !== undefined), ...opts.headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, null, (e as Error).message || 'network error');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (res.ok && opts.text) return text as T;
  let json: unknown = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) onUnauthorized?.();
    const problem = json && typeof json === 'object' ? (json as Problem) : null;
    const retry = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
    throw new ApiError(res.status, problem, problem?.detail ?? problem?.title ?? (text.slice(0, 200) || `HTTP ${res.status}`),
      Number.isFinite(retry) ? retry : null);
  }
  return json as T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Signs in. When the server is busy hashing other sign-ins (503 with Retry-After, e.g. at a shift
 * change) it tries again by itself, up to 3 times, so nobody has to retype a password.
 */
async function login(username: string, password: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request<{ token: string; expires_at: string; user: User }>(
        'POST', '/api/v1/auth/login', { username, password }, { quiet401: true });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 503 || e.retryAfterS === null || attempt >= 3) throw e;
      await sleep(Math.min(e.retryAfterS, 5) * 1000);
    }
  }
}

export const api = {
  login,
  logout: () => request<void>('POST', '/api/v1/auth/logout', undefined, { quiet401: true }),
  me: () => request<User>('GET', '/api/v1/auth/me', undefined, { quiet401: true }),
  regions: () => request<RegionSummary[]>('GET', '/api/v1/regions'),
  region: (id: string) => request<RegionDetail>('GET', `/api/v1/regions/${encodeURIComponent(id)}`),
  snapshot: (region: string) => request<Snapshot>('GET', `/api/v1/capacity/snapshot?region=${encodeURIComponent(region)}`),
  history: (unitId: string, from: Date, to: Date) =>
    request<History>('GET', `/api/v1/units/${encodeURIComponent(unitId)}/capacity/history?from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(to))}`),
  forecast: (unitId: string, days = 7) =>
    request<UnitForecast>('GET', `/api/v1/units/${encodeURIComponent(unitId)}/forecast?days=${days}`),
  regionForecast: (region: string) =>
    request<RegionForecast>('GET', `/api/v1/forecasts?region=${encodeURIComponent(region)}`),
  putCapacity: (unitId: string, input: CapacityInput) =>
    request<Record<string, unknown> & { version?: number | string; received_at?: string; as_of?: string }>(
      'PUT', `/api/v1/units/${encodeURIComponent(unitId)}/capacity`, input),
};

/** A change of a case (`POST /cases/{id}/{action}`), naming the case version it changes. */
export type CaseAction = 'triage' | 'consult' | 'advice' | 'end-consult' | 'handovers' | 'withdraw' | 'close';

const enc = encodeURIComponent;

/** Query string of the defined, non-empty parameters. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = Object.entries(params).filter(([, v]) => v != null && v !== '')
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`).join('&');
  return q ? `?${q}` : '';
}

export const cases = {
  list: (p: { region: string; state?: 'open' | 'closed' | 'all'; channel?: string; subregion?: string; limit?: number }) =>
    request<Worklist>('GET', `/api/v1/cases${query(p)}`),
  get: (id: string) => request<CaseDetail>('GET', `/api/v1/cases/${enc(id)}`),
  create: (input: NewCaseInput) => request<CaseDetail>('POST', '/api/v1/cases', input),
  act: (id: string, action: CaseAction, version: number, body: unknown) =>
    request<CaseDetail>('POST', `/api/v1/cases/${enc(id)}/${action}`, body, { headers: { 'If-Match': ifMatch(version) } }),
  /** The patient: every read is logged on the server with its purpose. Call only when the user asks. */
  patient: (id: string, purpose: string) => request<Patient>('GET', `/api/v1/cases/${enc(id)}/patient${query({ purpose })}`, undefined, { cache: 'no-store' }),
  breakGlass: (id: string, reason: string) => request<BreakGlassGrant>('POST', `/api/v1/cases/${enc(id)}/break-glass`, { reason }),
  inbox: (state: 'open' | 'all' = 'open') => request<Inbox>('GET', `/api/v1/handovers${query({ state })}`),
  handover: (id: string) => request<HandoverWithCase>('GET', `/api/v1/handovers/${enc(id)}`),
  answer: (id: string, answer: 'accept' | 'decline', version: number, body: { note?: string } | { reason: string }) =>
    request<HandoverWithCase>('POST', `/api/v1/handovers/${enc(id)}/${answer}`, body, { headers: { 'If-Match': ifMatch(version) } }),
  /** The pathway proposal of the case now, with the partners' live capacity beside each action. */
  proposal: (id: string) => request<Proposal>('GET', `/api/v1/cases/${enc(id)}/proposal`),
  /** Records the decision on the proposal (an action taken, or a deviation with a reason). */
  decidePathway: (id: string, version: number, body: PathwayDecision) =>
    request<CaseDetail>('POST', `/api/v1/cases/${enc(id)}/pathway`, body, { headers: { 'If-Match': ifMatch(version) } }),
  complaints: (q: string, limit = 20) => request<{ items: Complaint[] }>('GET', `/api/v1/complaints${query({ q, limit })}`),
};

export function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The worklist KPIs (GET /api/v1/kpis); `q` from lib/kpis kpiQuery. */
export const kpis = {
  get: (q: string) => request<Kpis>('GET', `/api/v1/kpis${q}`),
  /** The same figures as CSV (Accept: text/csv), for a download. */
  csv: (q: string) => csvOf(`/api/v1/kpis${q}`),
};

/** The placement KPIs (GET /api/v1/placements/kpis); `q` from lib/placementKpis placementKpiQuery. */
export const placementKpis = {
  get: (q: string) => request<PlacementKpis>('GET', `/api/v1/placements/kpis${q}`, undefined, { cache: 'no-store' }),
  /** The same figures as CSV (Accept: text/csv), for a download. */
  csv: (q: string) => csvOf(`/api/v1/placements/kpis${q}`),
};

/** A GET with Accept: text/csv; a refusal as ApiError (with its problem+json when there is one). */
async function csvOf(path: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/csv' } });
  } catch (e) {
    throw new ApiError(0, null, (e as Error).message || 'network error');
  }
  const text = await res.text();
  if (!res.ok) {
    if (res.status === 401) onUnauthorized?.();
    let problem: Problem | null;
    try { problem = JSON.parse(text) as Problem; } catch { problem = null; }
    throw new ApiError(res.status, problem);
  }
  return text;
}

/** A patient's contacts of the last 72 hours (zcc-coordinator). The BSN only in the body; the read is logged. */
export const contacts = {
  search: (body: { bsn: string; purpose: string }) => request<ContactHistory>('POST', '/api/v1/contacts:search', body, { cache: 'no-store' }),
};

/** The privacy officer's: the access log (JSON or CSV) and the break-glass review. */
export const audit = {
  search: (body: object) => request<AccessPage>('POST', '/api/v1/access-log:search', body, { cache: 'no-store' }),
  /** The same search as CSV (Accept: text/csv), through the same helper: CSRF header and session cookie go along. */
  csv: (body: object) => request<string>('POST', '/api/v1/access-log:search', body, { cache: 'no-store', text: true, headers: { Accept: 'text/csv' } }),
  breakGlass: () => request<{ items: BreakGlassReviewItem[] }>('GET', '/api/v1/break-glass', undefined, { cache: 'no-store' }),
  review: (id: number) => request<BreakGlassReviewItem>('POST', `/api/v1/break-glass/${encodeURIComponent(String(id))}/review`),
};

/** What-if simulations (docs/simulation.md): the region's current state as a scenario, runs started and followed. */
export const simulations = {
  scenario: (region: string) => request<RegionScenario>('GET', `/api/v1/regions/${enc(region)}/scenario`, undefined, { cache: 'no-store' }),
  create: (body: NewSimulation) => request<SimRun>('POST', '/api/v1/simulations', body),
  get: (id: string) => request<SimRun>('GET', `/api/v1/simulations/${enc(id)}`, undefined, { cache: 'no-store' }),
  cancel: (id: string) => request<SimRun>('POST', `/api/v1/simulations/${enc(id)}/cancel`),
  list: (region: string) => request<{ items: SimRun[] }>('GET', `/api/v1/simulations${query({ region })}`, undefined, { cache: 'no-store' }),
};

/** Transfers of patients between units (docs/transfers.md): the board, one transfer, its steps and its patient. */
export const transfers = {
  /** The board: the user's organisation's (`organization` empty for its users) or the region's. */
  list: (p: { region?: string; organization?: string; state?: 'open' | 'closed' | 'all'; limit?: number }) =>
    request<TransferBoard>('GET', `/api/v1/transfers${query(p)}`, undefined, { cache: 'no-store' }),
  get: (id: string) => request<TransferDetail>('GET', `/api/v1/transfers/${enc(id)}`, undefined, { cache: 'no-store' }),
  create: (body: NewTransferInput) => request<TransferDetail>('POST', '/api/v1/transfers', body),
  /** A step, naming the version it changes (If-Match: the transfer's ETag). */
  step: (id: string, version: number, body: StepBody) =>
    request<TransferDetail>('POST', `/api/v1/transfers/${enc(id)}/transition`, body, { headers: { 'If-Match': ifMatch(version) } }),
  /** The patient: every read is logged on the server with its purpose. Call only when the user asks. */
  patient: (id: string, purpose: string) =>
    request<Patient>('GET', `/api/v1/transfers/${enc(id)}/patient${query({ purpose })}`, undefined, { cache: 'no-store' }),
  /** The coordinator's approval of a transfer awaiting it (crisis phase), naming the version it changes. */
  approve: (id: string, version: number) =>
    request<TransferDetail>('POST', `/api/v1/transfers/${enc(id)}/approve`, {}, { headers: { 'If-Match': ifMatch(version) } }),
};

/** The region's declared phase (regular, adjusted, crisis) with its history; declared by its coordinators. */
export const phase = {
  get: (region: string) => request<RegionPhase>('GET', `/api/v1/regions/${enc(region)}/phase`, undefined, { cache: 'no-store' }),
  /** Declares a phase, naming the declaration's version it replaces (0 when none was ever made). */
  put: (region: string, version: number, body: PhaseBody) =>
    request<RegionPhase>('PUT', `/api/v1/regions/${enc(region)}/phase`, body, { headers: { 'If-Match': ifMatch(version) } }),
};

/** Follow-up placement (docs/placement.md): the region's waiting list and one placement with its offers. */
export const placements = {
  /** The waiting list; `state` is `waiting,offered` (the server's default), a comma list, or `all`. */
  list: (p: { region?: string; organization?: string; state?: string; limit?: number }) =>
    request<WaitingList>('GET', `/api/v1/placements${query(p)}`, undefined, { cache: 'no-store' }),
  create: (body: NewPlacementInput) => request<Placement>('POST', '/api/v1/placements', body),
  get: (id: string) => request<Placement>('GET', `/api/v1/placements/${enc(id)}`, undefined, { cache: 'no-store' }),
  matches: (id: string) => request<Matches>('GET', `/api/v1/placements/${enc(id)}/matches`, undefined, { cache: 'no-store' }),
  /** Offers to units, naming the version it changes (If-Match: the placement's ETag). */
  offer: (id: string, version: number, offers: { organization_id: string; unit_id: string }[]) =>
    request<Placement>('POST', `/api/v1/placements/${enc(id)}/offers`, { offers }, { headers: { 'If-Match': ifMatch(version) } }),
  answer: (id: string, offer: string, version: number, body: { accept: boolean; reason?: string; text?: string }) =>
    request<Placement>('POST', `/api/v1/placements/${enc(id)}/offers/${enc(offer)}/answer`, body, { headers: { 'If-Match': ifMatch(version) } }),
  /** Cancels a waiting or offered placement with a reason (409 while its transfer is en route). */
  cancel: (id: string, version: number, reason: string) =>
    request<Placement>('POST', `/api/v1/placements/${enc(id)}/cancel`, { reason }, { headers: { 'If-Match': ifMatch(version) } }),
};

/** Spreading plans (docs/spreading.md): the region's plans, one plan, a new one, re-solve, approve, discard. */
export const spreading = {
  list: (p: { region?: string; state?: 'proposed' | 'approved' | 'discarded' | 'all' }) =>
    request<{ plans: PlanSummary[] }>('GET', `/api/v1/spreading/plans${query(p)}`, undefined, { cache: 'no-store' }),
  get: (id: string) => request<SpreadingPlan>('GET', `/api/v1/spreading/plans/${enc(id)}`, undefined, { cache: 'no-store' }).then(normalisePlan),
  create: (body: NewPlanInput) => request<SpreadingPlan>('POST', '/api/v1/spreading/plans', body).then(normalisePlan),
  /** Rebuilds the instance from the live capacity now and solves it again; pins and forbids replace the stored lists. */
  solve: (id: string, version: number, body: { pins?: PinIn[]; forbids?: PinIn[] }) =>
    request<SpreadingPlan>('POST', `/api/v1/spreading/plans/${enc(id)}/solve`, body, { headers: { 'If-Match': ifMatch(version) } }).then(normalisePlan),
  approve: (id: string, version: number) =>
    request<SpreadingPlan>('POST', `/api/v1/spreading/plans/${enc(id)}/approve`, {}, { headers: { 'If-Match': ifMatch(version) } }).then(normalisePlan),
  discard: (id: string, version: number) =>
    request<SpreadingPlan>('POST', `/api/v1/spreading/plans/${enc(id)}/discard`, {}, { headers: { 'If-Match': ifMatch(version) } }).then(normalisePlan),
};

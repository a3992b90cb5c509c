import type { Msg } from './validation';
import { localizeCaseMessage } from './intake';

/**
 * The region's declared phase (issue 15): regular, adjusted or crisis care, and in a crisis whether every
 * transfer needs the coordinator's approval. Who may declare it, the body of PUT /regions/{id}/phase with the
 * checks the server makes, and the server's field messages in Dutch. The server decides; these only choose what
 * to offer and catch what is sure to be refused.
 */

export const PHASES = ['regular', 'adjusted', 'crisis'] as const;
export type Phase = (typeof PHASES)[number];
export const isPhase = (s: unknown): s is Phase => typeof s === 'string' && (PHASES as readonly string[]).includes(s);

export interface PhaseDeclaration {
  phase: Phase;
  transfer_approval: boolean;
  rationale: string;
  declared_by: string;
  declared_at: string | null;
  version: number;
}

/** GET/PUT /regions/{id}/phase: the current declaration and the history, newest first (at most 20). */
export interface RegionPhase extends PhaseDeclaration {
  region_id: string;
  history: PhaseDeclaration[];
}

/** The live stream's `phase` event. */
export interface PhaseEvent { region_id: string; phase: Phase; transfer_approval: boolean; version: number; at: string }

/** The answer for a region that never declared a phase. */
export function neverDeclared(regionId: string): RegionPhase {
  return { region_id: regionId, phase: 'regular', transfer_approval: false, rationale: '', declared_by: '', declared_at: null, version: 0, history: [] };
}

/** The limit of the rationale, in UTF-8 bytes (as the server counts). */
export const RATIONALE_MAX_BYTES = 1000;
export const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

interface Who { role: string; region_id?: string | null }
const DECLARERS = ['roaz-coordinator', 'zcc-coordinator'];

/** Who may declare the phase of a region: its ROAZ and ZCC coordinators, and admins. Everyone else reads it. */
export function mayDeclarePhase(u: Who, regionId: string): boolean {
  if (u.role === 'admin') return true;
  return DECLARERS.includes(u.role) && (!u.region_id || u.region_id === regionId);
}

/**
 * The phase shown now: the last fetched declaration, or the newer phase a live event announced while the
 * refetch is on its way (the event has no rationale or history; those follow with the refetch).
 */
export function shownPhase(data: RegionPhase | null, e: PhaseEvent | null): Pick<PhaseDeclaration, 'phase' | 'transfer_approval' | 'version'> | null {
  if (e && (!data || e.version > data.version)) return { phase: e.phase, transfer_approval: e.transfer_approval, version: e.version };
  return data;
}

export interface PhaseForm { phase: Phase; rationale: string; transfer_approval: boolean }

/** The form starts at the current phase (with its approval switch), and an empty rationale: every declaration says why. */
export function phaseFormOf(cur: Pick<PhaseDeclaration, 'phase' | 'transfer_approval'>): PhaseForm {
  return { phase: cur.phase, rationale: '', transfer_approval: cur.phase === 'crisis' ? cur.transfer_approval : true };
}

/**
 * Chooses a phase in the form: the approval switch is on by default when crisis is chosen (as the server's
 * default) and has no meaning outside a crisis.
 */
export function choosePhase(f: PhaseForm, phase: Phase): PhaseForm {
  if (phase === f.phase) return f;
  return { ...f, phase, transfer_approval: phase === 'crisis' ? true : f.transfer_approval };
}

/** Whether the approval switch may be changed (only in a crisis) — and so whether it is sent. */
export const approvalApplies = (phase: Phase) => phase === 'crisis';

export interface PhaseBody { phase: Phase; rationale: string; transfer_approval?: boolean }

/** Fields of the form in their order (the server's field errors map onto these; focus on the first wrong). */
export const PHASE_FIELDS = ['phase', 'rationale', 'transfer_approval'] as const;

/**
 * Checks what is sure to be refused (a phase that is none of the three, an empty rationale, one over 1000
 * bytes) and builds the body: the rationale trimmed; `transfer_approval` sent in a crisis only (outside a crisis it
 * may only be false, which is the default).
 */
export function buildPhaseBody(f: PhaseForm): { errors: Record<string, Msg>; value: PhaseBody | null } {
  const errors: Record<string, Msg> = {};
  if (!isPhase(f.phase)) errors['phase'] = { key: 'phase.err.phase' };
  const rationale = f.rationale.trim();
  if (!rationale) errors['rationale'] = { key: 'err.required' };
  else if (utf8Bytes(rationale) > RATIONALE_MAX_BYTES) errors['rationale'] = { key: 'srv.tooLong', params: { max: RATIONALE_MAX_BYTES } };
  const body: PhaseBody = { phase: f.phase, rationale };
  if (approvalApplies(f.phase)) body.transfer_approval = f.transfer_approval;
  return { errors, value: Object.keys(errors).length ? null : body };
}

/**
 * The server's message on a field of the phase, in Dutch: the common ones (required, too long) as elsewhere;
 * otherwise what a refusal of that field can only mean (the contract names the fields, not the words), or the
 * server's words behind a Dutch lead.
 */
export function phaseFieldMessage(field: string, message: string): Msg {
  const common = localizeCaseMessage(message);
  if (common) return common;
  const m = message.trim();
  if (/^unknown field/i.test(m) || /not allowed|unexpected/i.test(m)) return { key: 'phase.srv.unknown' };
  if (field === 'phase') return { key: 'phase.err.phase' };
  if (field === 'transfer_approval') return /boolean|true or false/i.test(m) ? { key: 'phase.srv.approvalBool' } : { key: 'phase.srv.approvalCrisis' };
  return { key: 'phase.srv.other', params: { detail: m } };
}

/** Dictionary key of a phase's name ("Regulier", "Aangepast", "Crisis"). */
export const phaseKey = (p: string) => `phase.name.${p}`;

// Types of dev/mock-sim.mjs for the unit tests (test/simulation.test.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';

type Json = (res: ServerResponse, status: number, body: unknown) => void;
type Problem = (res: ServerResponse, status: number, title: string, errors?: { field: string; message: string }[], detail?: string) => void;
interface Unit { id: string; organization_id: string; type: string; name: string }
interface Row { beds: { total: number; staffed: number; occupied: number; available: number } | null; ed: { waiting: number; in_treatment: number } | null; stale: boolean }

export function erlangC(c: number, a: number): number;
export function regionScenario(o: {
  region: { id: string; name: string }; orgs: { id: string; name: string }[]; units: Unit[]; rowOf: (u: Unit) => Row; now?: number;
}): import('../src/lib/simulation').RegionScenario;
export function validateScenario(s: unknown): { field: string; message: string }[];
export function approximateResult(s: import('../src/lib/simulation').Scenario, replications: number, seed: number): import('../src/lib/simulation').SimResult;
export function createSimulations(o: {
  region: { id: string; name: string }; orgs: { id: string; name: string }[]; units: Unit[]; rowOf: (u: Unit) => Row;
  json: Json; problem: Problem; readBody: (req: IncomingMessage) => Promise<string>; repMs?: number; maxRunning?: number;
}): (req: IncomingMessage, res: ServerResponse, url: URL, user: { username: string; role: string; region_id: string | null }) => Promise<boolean>;

// Types of dev/mock-phase.mjs for the unit tests (test/phase.test.ts).
interface Req { method?: string; headers: Record<string, string | string[] | undefined> }
interface Res { setHeader(name: string, value: string): unknown }
interface User { username: string; role: string; region_id: string | null }

export interface PhaseHandler<Q extends Req, R extends Res> {
  (req: Q, res: R, url: URL, user: User): Promise<boolean>;
  /** Whether a transfer made now awaits the coordinator's approval. */
  approvalRequired(): boolean;
}

export function createPhase<Q extends Req, R extends Res>(o: {
  region: { id: string };
  json: (res: R, status: number, body: unknown) => void;
  problem: (res: R, status: number, title: string, errors?: { field: string; message: string }[], detail?: string) => void;
  readBody: (req: Q) => Promise<string>;
  publish: (type: string, data: unknown) => void;
}): PhaseHandler<Q, R>;

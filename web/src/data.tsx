import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from './api';
import { clockOffset } from './lib/age';
import type { CaseEvent, RegionDetail, SnapshotUnit } from './types';
import type { TransferEvent } from './lib/transfers';
import type { SpreadingEvent } from './lib/spreading';
import type { PhaseEvent } from './lib/phase';

export type Conn = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface RegionData {
  regionId: string;
  detail: RegionDetail | null;
  rows: SnapshotUnit[];
  version: number | string | null;
  generatedAt: string | null;
  /** Add to Date.now() to get the server's clock. */
  offsetMs: number;
  conn: Conn;
  /** Browser time of the last snapshot fetch or live event. */
  lastUpdateAt: number | null;
  lastEventAt: number | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
  /** Applies one unit row (from an event or a successful save) without refetching. */
  applyRow: (row: SnapshotUnit) => void;
  /**
   * Subscribes to the worklist's live events (`case`, `handover`); `null` means "refetch everything": the
   * stream came back after a gap, or the server asked for a reload. Returns the unsubscribe function.
   */
  onCaseEvent: (fn: CaseListener) => () => void;
  /** Subscribes to the `transfer` events; `null` means "refetch everything", as for `onCaseEvent`. */
  onTransferEvent: (fn: TransferListener) => () => void;
  /** Subscribes to the `spreading` events (a plan changed); `null` means "refetch everything". */
  onSpreadingEvent: (fn: SpreadingListener) => () => void;
  /** Subscribes to the `placement` events (a placement changed); `null` means "refetch everything". */
  onPlacementEvent: (fn: PlacementListener) => () => void;
  /** Subscribes to the `phase` events (the region's declared phase changed); `null` means "refetch everything". */
  onPhaseEvent: (fn: PhaseListener) => () => void;
}

export type CaseListener = (e: { type: 'case' | 'handover'; data: CaseEvent } | null) => void;
export type TransferListener = (e: TransferEvent | null) => void;
export type SpreadingListener = (e: SpreadingEvent | null) => void;
/** The live event `placement`: which placement changed, to what; no patient data. */
export interface PlacementEvent { id: string; version: number; state: string; region_id: string; at: string }
export type PlacementListener = (e: PlacementEvent | null) => void;
export type PhaseListener = (e: PhaseEvent | null) => void;

/** A set of listeners of one kind of live event: `tell` calls each, `on` adds one and returns its removal. */
function useListeners<E>(): [(e: E) => void, (fn: (e: E) => void) => () => void] {
  const listeners = useRef(new Set<(e: E) => void>());
  const tell = useCallback((e: E) => {
    for (const fn of [...listeners.current]) fn(e);
  }, []);
  const on = useCallback((fn: (e: E) => void) => {
    listeners.current.add(fn);
    return () => { listeners.current.delete(fn); };
  }, []);
  return [tell, on];
}

const Ctx = createContext<RegionData | null>(null);
const POLL_MS = 30000;

/**
 * Replaces one unit's row. Events may arrive slightly out of order and may repeat what a snapshot already
 * holds, so a row with an older report version than the one shown is ignored.
 */
export function mergeRow(rows: SnapshotUnit[], row: SnapshotUnit): SnapshotUnit[] {
  const i = rows.findIndex((r) => r.unit_id === row.unit_id);
  if (i < 0) return [...rows, row];
  const cur = rows[i].version, inc = row.version;
  if (typeof cur === 'number' && typeof inc === 'number' && inc < cur) return rows;
  const next = rows.slice();
  next[i] = { ...rows[i], ...row };
  return next;
}

/**
 * Holds the region's structure and live capacity rows: fetches the snapshot, then follows
 * GET /api/v1/events (SSE). Event "capacity" replaces one unit row; event "reload" refetches the
 * snapshot. While the stream is down it polls the snapshot every 30 s, so the picture is never frozen.
 * `enabled` false (a role that may not read capacity, the privacy officer): nothing is fetched, no stream.
 */
export function RegionDataProvider({ regionId, children, enabled = true }: { regionId: string; children: ReactNode; enabled?: boolean }) {
  const [detail, setDetail] = useState<RegionDetail | null>(null);
  const [rows, setRows] = useState<SnapshotUnit[]>([]);
  const [version, setVersion] = useState<number | string | null>(null);
  const [generatedAt, setGeneratedAt] = useState<string | null>(null);
  const [offsetMs, setOffset] = useState(0);
  const [conn, setConn] = useState<Conn>('connecting');
  const [lastUpdateAt, setLastUpdateAt] = useState<number | null>(null);
  const [lastEventAt, setLastEventAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const inflight = useRef(false);
  const [tellCases, onCaseEvent] = useListeners<Parameters<CaseListener>[0]>();
  const [tellTransfers, onTransferEvent] = useListeners<TransferEvent | null>();
  const [tellSpreading, onSpreadingEvent] = useListeners<SpreadingEvent | null>();
  const [tellPlacements, onPlacementEvent] = useListeners<PlacementEvent | null>();
  const [tellPhase, onPhaseEvent] = useListeners<PhaseEvent | null>();
  // After a gap or on the server's "reload": every view refetches what it shows.
  const tellAllMissed = useCallback(() => {
    tellCases(null); tellTransfers(null); tellSpreading(null); tellPlacements(null); tellPhase(null);
  }, [tellCases, tellTransfers, tellSpreading, tellPlacements, tellPhase]);

  const fetchSnapshot = useCallback(async () => {
    if (inflight.current) return;
    inflight.current = true;
    try {
      const snap = await api.snapshot(regionId);
      const now = Date.now();
      setRows(snap.units ?? []);
      setVersion(snap.version);
      setGeneratedAt(snap.generated_at);
      setOffset(clockOffset(snap.generated_at, now));
      setLastUpdateAt(now);
      setError(null);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError((e as Error).message);
    } finally {
      inflight.current = false;
      setLoading(false);
    }
  }, [regionId]);

  useEffect(() => {
    if (!enabled) { setLoading(false); return; }
    let cancelled = false;
    setLoading(true);
    api.region(regionId).then((d) => { if (!cancelled) setDetail(d); })
      .catch((e) => { if (!cancelled && !(e instanceof ApiError && e.status === 401)) setError((e as Error).message); });
    void fetchSnapshot();
    return () => { cancelled = true; };
  }, [regionId, fetchSnapshot, enabled]);

  // Live stream with automatic reconnect; the browser resends Last-Event-ID on its own reconnects.
  useEffect(() => {
    if (typeof EventSource === 'undefined' || !enabled) { setConn('offline'); return; }
    let es: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let hadError = false;
    let closed = false;
    const open = () => {
      setConn(hadError ? 'reconnecting' : 'connecting');
      es = new EventSource(`/api/v1/events?region=${encodeURIComponent(regionId)}`, { withCredentials: true });
      es.onopen = () => {
        setConn('live');
        if (hadError) { void fetchSnapshot(); tellAllMissed(); } // catch up on anything missed while away
        hadError = false;
      };
      es.onerror = () => {
        hadError = true;
        if (!es || es.readyState === EventSource.CLOSED) {
          setConn('offline');
          es?.close();
          if (!closed) retry = setTimeout(open, 5000);
        } else setConn('reconnecting');
      };
      es.addEventListener('capacity', (ev) => {
        const me = ev as MessageEvent<string>;
        let row: SnapshotUnit;
        try { row = JSON.parse(me.data) as SnapshotUnit; } catch { return; }
        const id = Number(me.lastEventId);
        if (me.lastEventId !== '' && Number.isFinite(id)) {
          if (typeof row.version !== 'number') row.version = id;
          setVersion((v) => (typeof v === 'number' && v > id ? v : id));
        }
        const now = Date.now();
        setRows((rs) => mergeRow(rs, row));
        setLastEventAt(now);
        setLastUpdateAt(now);
      });
      es.addEventListener('reload', () => { void fetchSnapshot(); tellAllMissed(); });
      // Worklist events carry no patient data and are not patched in: the views refetch what they show.
      for (const type of ['case', 'handover'] as const) {
        es.addEventListener(type, (ev) => {
          let data: CaseEvent;
          try { data = JSON.parse((ev as MessageEvent<string>).data) as CaseEvent; } catch { return; }
          setLastEventAt(Date.now());
          tellCases({ type, data });
        });
      }
      // Transfers: no patient data or reason in the event either; the board refetches, the alert is shown.
      es.addEventListener('transfer', (ev) => {
        let data: TransferEvent;
        try { data = JSON.parse((ev as MessageEvent<string>).data) as TransferEvent; } catch { return; }
        setLastEventAt(Date.now());
        tellTransfers(data);
      });
      // Spreading plans: the event names the plan and its version; the list and the plan shown refetch.
      es.addEventListener('spreading', (ev) => {
        let data: SpreadingEvent;
        try { data = JSON.parse((ev as MessageEvent<string>).data) as SpreadingEvent; } catch { return; }
        setLastEventAt(Date.now());
        tellSpreading(data);
      });
      // Placements: id, version and state only; the desk's list and the placement shown refetch.
      es.addEventListener('placement', (ev) => {
        let data: PlacementEvent;
        try { data = JSON.parse((ev as MessageEvent<string>).data) as PlacementEvent; } catch { return; }
        setLastEventAt(Date.now());
        tellPlacements(data);
      });
      // The region's phase: the header shows the announced phase at once and refetches the declaration.
      es.addEventListener('phase', (ev) => {
        let data: PhaseEvent;
        try { data = JSON.parse((ev as MessageEvent<string>).data) as PhaseEvent; } catch { return; }
        if (data.region_id && data.region_id !== regionId) return;
        setLastEventAt(Date.now());
        tellPhase(data);
      });
    };
    open();
    return () => { closed = true; if (retry) clearTimeout(retry); es?.close(); };
  }, [regionId, fetchSnapshot, tellCases, tellTransfers, tellSpreading, tellPlacements, tellPhase, tellAllMissed, enabled]);

  // Fallback polling while not live.
  useEffect(() => {
    if (conn === 'live' || !enabled) return;
    const h = setInterval(() => { void fetchSnapshot(); }, POLL_MS);
    return () => clearInterval(h);
  }, [conn, fetchSnapshot, enabled]);

  const applyRow = useCallback((row: SnapshotUnit) => {
    setRows((rs) => mergeRow(rs, row));
    setLastUpdateAt(Date.now());
  }, []);

  const value: RegionData = {
    regionId, detail, rows, version, generatedAt, offsetMs, conn, lastUpdateAt, lastEventAt, error, loading,
    reload: () => { void fetchSnapshot(); }, applyRow, onCaseEvent, onTransferEvent, onSpreadingEvent, onPlacementEvent,
    onPhaseEvent,
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useRegionData(): RegionData {
  const v = useContext(Ctx);
  if (!v) throw new Error('useRegionData outside RegionDataProvider');
  return v;
}

/** An organisation's name from the region's detail; its id until the detail has loaded (or when it is not in it). */
export function useOrgName(): (id: string | null | undefined) => string {
  const { detail } = useRegionData();
  return useCallback((id) => (id ? detail?.organizations.find((o) => o.id === id)?.name ?? id : ''), [detail]);
}

/** Server-clock "now", re-rendering every `everyMs`. */
export function useNow(everyMs = 5000): number {
  const { offsetMs } = useRegionData();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(h);
  }, [everyMs]);
  return now + offsetMs;
}

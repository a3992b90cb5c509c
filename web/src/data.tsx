import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from './api';
import { clockOffset } from './lib/age';
import type { CaseEvent, RegionDetail, SnapshotUnit } from './types';
import type { TransferEvent } from './lib/transfers';
import type { SpreadingEvent } from './lib/spreading';

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
}

export type CaseListener = (e: { type: 'case' | 'handover'; data: CaseEvent } | null) => void;
export type TransferListener = (e: TransferEvent | null) => void;
export type SpreadingListener = (e: SpreadingEvent | null) => void;

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
  const caseListeners = useRef(new Set<CaseListener>());
  const tellCases = useCallback((e: Parameters<CaseListener>[0]) => {
    for (const fn of [...caseListeners.current]) fn(e);
  }, []);
  const onCaseEvent = useCallback((fn: CaseListener) => {
    caseListeners.current.add(fn);
    return () => { caseListeners.current.delete(fn); };
  }, []);
  const transferListeners = useRef(new Set<TransferListener>());
  const tellTransfers = useCallback((e: TransferEvent | null) => {
    for (const fn of [...transferListeners.current]) fn(e);
  }, []);
  const onTransferEvent = useCallback((fn: TransferListener) => {
    transferListeners.current.add(fn);
    return () => { transferListeners.current.delete(fn); };
  }, []);
  const spreadingListeners = useRef(new Set<SpreadingListener>());
  const tellSpreading = useCallback((e: SpreadingEvent | null) => {
    for (const fn of [...spreadingListeners.current]) fn(e);
  }, []);
  const onSpreadingEvent = useCallback((fn: SpreadingListener) => {
    spreadingListeners.current.add(fn);
    return () => { spreadingListeners.current.delete(fn); };
  }, []);

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
        if (hadError) { void fetchSnapshot(); tellCases(null); tellTransfers(null); tellSpreading(null); } // catch up on anything missed while away
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
      es.addEventListener('reload', () => { void fetchSnapshot(); tellCases(null); tellTransfers(null); tellSpreading(null); });
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
    };
    open();
    return () => { closed = true; if (retry) clearTimeout(retry); es?.close(); };
  }, [regionId, fetchSnapshot, tellCases, tellTransfers, tellSpreading, enabled]);

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
    reload: () => { void fetchSnapshot(); }, applyRow, onCaseEvent, onTransferEvent, onSpreadingEvent,
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

import { useCallback, useEffect, useRef, useState } from 'react';
import { useRegionData, type PlacementEvent } from './data';
import type { CaseEvent } from './types';
import type { TransferEvent } from './lib/transfers';
import type { SpreadingEvent } from './lib/spreading';
import type { PhaseEvent } from './lib/phase';

export interface LiveQuery<T> {
  data: T | null;
  error: Error | null;
  /** True until the first answer (or error). */
  loading: boolean;
  /** Browser time of the last successful fetch (the data's age). */
  fetchedAt: number | null;
  reload: () => void;
  /** Shows data the server just returned (the answer to a change) without fetching again. */
  set: (data: T) => void;
}

const POLL_MS = 30000;

/**
 * Data of the worklist that follows the live stream: fetched by `load`, fetched again (debounced: events in
 * `debounceMs` are one fetch) when a `case`/`handover` event `match`es or the stream asks for a resync, and
 * every 30 s while the stream is down. Events are never patched in: the server's answer is the truth.
 * `load` must be stable (useCallback); a new `load` fetches at once.
 */
export function useLiveQuery<T>(load: () => Promise<T>, match: (e: CaseEvent, type: 'case' | 'handover') => boolean,
  debounceMs = 250): LiveQuery<T> {
  const { onCaseEvent } = useRegionData();
  const matchRef = useRef(match);
  useEffect(() => { matchRef.current = match; });
  const subscribe = useCallback((refetch: () => void) =>
    onCaseEvent((e) => { if (e === null || matchRef.current(e.data, e.type)) refetch(); }), [onCaseEvent]);
  return useFollowed(load, subscribe, debounceMs);
}

/** As `useLiveQuery`, for the transfer board and a transfer: refetched on the `transfer` events that `match`. */
export function useTransferQuery<T>(load: () => Promise<T>, match: (e: TransferEvent) => boolean, debounceMs = 250): LiveQuery<T> {
  return useMatched(useRegionData().onTransferEvent, load, match, debounceMs);
}

/** As `useLiveQuery`, for spreading plans: refetched on the `spreading` events that `match`. */
export function useSpreadingQuery<T>(load: () => Promise<T>, match: (e: SpreadingEvent) => boolean, debounceMs = 250): LiveQuery<T> {
  return useMatched(useRegionData().onSpreadingEvent, load, match, debounceMs);
}

/** As `useLiveQuery`, for the placement desk and a placement: refetched on the `placement` events that `match`. */
export function usePlacementQuery<T>(load: () => Promise<T>, match: (e: PlacementEvent) => boolean, debounceMs = 250): LiveQuery<T> {
  return useMatched(useRegionData().onPlacementEvent, load, match, debounceMs);
}

/** As `useLiveQuery`, for the region's phase: refetched on the `phase` events that `match`. */
export function usePhaseQuery<T>(load: () => Promise<T>, match: (e: PhaseEvent) => boolean, debounceMs = 150): LiveQuery<T> {
  return useMatched(useRegionData().onPhaseEvent, load, match, debounceMs);
}

/** Follows the events `on` subscribes to: refetched when one `match`es or on a resync (`null`). */
function useMatched<E, T>(on: (fn: (e: E | null) => void) => () => void, load: () => Promise<T>,
  match: (e: E) => boolean, debounceMs: number): LiveQuery<T> {
  const matchRef = useRef(match);
  useEffect(() => { matchRef.current = match; });
  const subscribe = useCallback((refetch: () => void) =>
    on((e) => { if (e === null || matchRef.current(e)) refetch(); }), [on]);
  return useFollowed(load, subscribe, debounceMs);
}

/** Fetches with `load`, again (debounced) when `subscribe`'s events call for it, and every 30 s while the stream is down. */
function useFollowed<T>(load: () => Promise<T>, subscribe: (refetch: () => void) => () => void, debounceMs: number): LiveQuery<T> {
  const { conn } = useRegionData();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [fetchedAt, setFetchedAt] = useState<number | null>(null);
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const run = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const d = await load();
      if (mine !== seq.current) return; // a newer fetch was started: its answer counts
      setData(d); setError(null); setFetchedAt(Date.now());
    } catch (e) {
      if (mine === seq.current) setError(e as Error);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [load]);

  useEffect(() => { void run(); }, [run]);

  const schedule = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => { timer.current = null; void run(); }, debounceMs);
  }, [run, debounceMs]);

  useEffect(() => subscribe(schedule), [subscribe, schedule]);
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); timer.current = null; }, []);

  useEffect(() => {
    if (conn === 'live') return;
    const h = setInterval(() => { void run(); }, POLL_MS);
    return () => clearInterval(h);
  }, [conn, run]);

  const set = useCallback((d: T) => { seq.current++; setData(d); setError(null); setFetchedAt(Date.now()); setLoading(false); }, []);
  const reload = useCallback(() => { void run(); }, [run]);
  return { data, error, loading, fetchedAt, reload, set };
}

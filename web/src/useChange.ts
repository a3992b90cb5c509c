import { useCallback, useState } from 'react';
import { useI18n } from './i18n';
import { ApiError } from './api';
import { mapFieldErrors, refusalOf } from './lib/cases';

export interface Change {
  busy: boolean;
  /** The server's field errors (English, as sent), by form field. */
  server: Record<string, string>;
  /** One message for the whole form, in the user's language. */
  general: string | null;
  /**
   * Sends a change. On success `onDone` gets the answer. Refusals become messages: 412 "someone else
   * changed it" (and `onStale` reloads), 409 the server's reason, 422 field errors next to `fields`.
   * Resolves to whether it succeeded and which fields the server named.
   */
  run: <T>(fields: readonly string[], call: () => Promise<T>, onDone: (v: T) => void) => Promise<{ ok: boolean; fields: string[] }>;
  clear: () => void;
}

export function useChange(onStale: () => void, staleKey = 'case.stale'): Change {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [server, setServer] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);

  const run = useCallback(async <T,>(fields: readonly string[], call: () => Promise<T>, onDone: (v: T) => void) => {
    setBusy(true); setServer({}); setGeneral(null);
    try {
      onDone(await call());
      return { ok: true, fields: [] };
    } catch (err) {
      if (!(err instanceof ApiError)) { setGeneral((err as Error).message); return { ok: false, fields: [] }; }
      let named: string[] = [];
      switch (refusalOf(err.status)) {
        case 'stale': setGeneral(t(staleKey)); onStale(); break;
        case 'conflict': setGeneral(t('case.conflict', { detail: err.problem?.detail ?? err.message })); break;
        case 'forbidden': setGeneral(t('err.forbidden')); break;
        case 'precondition': setGeneral(t('err.precondition')); onStale(); break;
        case 'invalid': {
          const m = mapFieldErrors(err.problem, fields);
          setServer(m.fields);
          named = Object.keys(m.fields);
          setGeneral(m.general.length ? t('err.refused', { detail: m.general.join('; ') }) : Object.keys(m.fields).length ? null : err.message);
          break;
        }
        default: setGeneral(t('err.refused', { detail: err.message }));
      }
      return { ok: false, fields: named };
    } finally {
      setBusy(false);
    }
  }, [t, staleKey, onStale]);

  const clear = useCallback(() => { setServer({}); setGeneral(null); }, []);
  return { busy, server, general, run, clear };
}

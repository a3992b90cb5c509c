import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useOrgName } from '../data';
import { ApiError, contacts } from '../api';
import { formatClock, formatDateTime } from '../lib/age';
import { agoPhrase, contactSearchBody, itemAgeSeconds, kindKey, newestFirst, resultOf } from '../lib/contacts';
import { href } from '../router';
import { FetchedAt, UrgencyBadge } from './CaseBits';
import type { ContactHistory as History } from '../types';

/**
 * "Contacten laatste 72 uur": every contact partners reported and every case of the ZCC of this patient in the
 * last 72 hours, newest first, so the patient need not tell the story twice. Asked with the BSN in the body of a
 * POST (never in a URL), logged on the server with the purpose; held in this component's state only.
 * `bsn` null: nothing is asked. `caseId`: the case being looked at, marked as such in its own history.
 */
export function ContactHistoryPanel({ bsn, caseId, delayMs = 0 }: { bsn: string | null; caseId?: string; delayMs?: number }) {
  const { t, lang } = useI18n();
  const orgName = useOrgName();
  const now = useNow(5000);
  const [data, setData] = useState<History | null>(null);
  const [fetchedAt, setFetchedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const body = contactSearchBody(bsn);
  const key = body?.bsn ?? null;

  const load = useCallback(async (b: string) => {
    setBusy(true);
    try {
      const h = await contacts.search({ bsn: b, purpose: 'intake' });
      setData(h); setFetchedAt(Date.now()); setError(null);
    } catch (e) {
      const s = e instanceof ApiError ? e.status : 0;
      setError(s === 403 ? t('contacts.forbidden') : s === 503 ? t('patient.unavailable') : t('loadError', { detail: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  }, [t]);

  // A new BSN asks again (in the intake after a pause in typing); a BSN gone clears what was shown.
  useEffect(() => {
    setData(null); setFetchedAt(null); setError(null);
    if (!key) return;
    const h = setTimeout(() => { void load(key); }, delayMs);
    return () => clearTimeout(h);
  }, [key, load, delayMs]);

  if (!key) return null;
  const items = newestFirst(data?.items ?? []);

  return (
    <section className="panel contacts-panel" aria-labelledby="contacts-title" data-testid="contacts-panel">
      <div className="panel-head">
        <h2 id="contacts-title">{t('contacts.title')}</h2>
        {data && <span className="muted small">{t('contacts.since', { time: formatDateTime(data.since, lang) })}</span>}
        <FetchedAt at={fetchedAt} now={now} />
        <button type="button" className="btn small" disabled={busy} onClick={() => void load(key)} data-testid="contacts-refresh">{t('contacts.refresh')}</button>
      </div>
      <p className="muted small">{t('contacts.logged')}</p>
      {error && <p className="error" role="alert" data-testid="contacts-error">{error}</p>}
      {!data && !error && <p className="muted">{t('loading')}</p>}
      {data && items.length === 0 && <p className="empty" data-testid="contacts-empty">{t('contacts.empty')}</p>}
      {items.length > 0 && (
        <table className="grid compact" data-testid="contacts">
          <thead>
            <tr>
              <th scope="col">{t('col.time')}</th><th scope="col">{t('contacts.source')}</th><th scope="col">{t('contacts.org')}</th>
              <th scope="col">{t('contacts.kind')}</th><th scope="col">{t('col.urgency')}</th><th scope="col">{t('contacts.result')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i, n) => {
              const r = resultOf(i);
              const self = i.source === 'case' && !!caseId && i.case_id === caseId;
              return (
                <tr key={`${i.source}-${i.case_id ?? ''}-${i.at}-${n}`} data-source={i.source} data-case={i.case_id ?? ''}>
                  <td title={formatDateTime(i.at, lang)}>
                    {formatClock(Date.parse(i.at), lang)} <Ago seconds={itemAgeSeconds(i, now)} />
                  </td>
                  <td>
                    {i.source === 'contact' ? <span className="badge src src-contact">{t('contacts.src.contact')}</span> : (
                      <>
                        <span className="badge src src-case">{t('contacts.src.case')}</span>{' '}
                        {self ? <span className="muted small">{t('contacts.thisCase')}</span>
                          : i.case_id && <a href={href({ name: 'case', id: i.case_id })}>{t('contacts.open')}</a>}
                      </>
                    )}
                  </td>
                  <td>{orgName(i.organization_id) || <span className="muted">{i.source === 'case' ? t('contacts.zcc') : '—'}</span>}</td>
                  <td>{t(kindKey(i))}</td>
                  <td><UrgencyBadge urgency={i.urgency} /></td>
                  <td className="wrap">{r == null ? <span className="muted">—</span> : 'text' in r ? r.text : t(r.key)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Ago({ seconds }: { seconds: number | null }) {
  const { t, lang } = useI18n();
  const p = agoPhrase(seconds, lang);
  return <span className="muted small">{t(p.key, p.params)}</span>;
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useOrgName } from '../data';
import { ApiError, audit } from '../api';
import { formatDateTime } from '../lib/age';
import {
  accessCsvName, accessSearchBody, actionKey, appendPage, canAudit, outcomeClass, parseAccessQuery, reviewResult, type AccessQuery,
} from '../lib/accessLog';
import { FetchedAt } from '../components/CaseBits';
import { href } from '../router';
import type { AccessEntry, BreakGlassReviewItem, User } from '../types';

/**
 * The privacy officer's page (NEN 7513): who accessed a patient's data (by BSN) or a case's, newest first, paged,
 * with refusals and break-glass marked; the same as CSV; and the break-glass grants still to review.
 * The BSN is held in this page's state only and sent only in the body of a POST.
 */
export function Privacy({ user }: { user: User }) {
  const { t } = useI18n();
  if (!canAudit(user.role)) return <section className="view"><p className="empty">{t('privacy.noAccess')}</p></section>;
  return (
    <section className="view privacy" aria-labelledby="privacy-title">
      <div className="view-head"><h1 id="privacy-title">{t('privacy.title')}</h1></div>
      <AccessLogSearch />
      <BreakGlassReview />
    </section>
  );
}

function AccessLogSearch() {
  const { t, lang } = useI18n();
  const orgName = useOrgName();
  const now = useNow(5000);
  const [input, setInput] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const [query, setQuery] = useState<AccessQuery | null>(null);
  const [entries, setEntries] = useState<AccessEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [fetchedAt, setFetchedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const fail = (e: unknown) => {
    const s = e instanceof ApiError ? e.status : 0;
    setError(s === 403 ? t('privacy.noAccess') : s === 404 ? t('privacy.notFound') : s === 503 ? t('patient.unavailable')
      : t('loadError', { detail: (e as Error).message }));
  };

  const search = async (e: React.FormEvent) => {
    e.preventDefault();
    const p = parseAccessQuery(input);
    if (!p.ok) { setInputError(t(p.key)); inputRef.current?.focus(); return; }
    setInputError(null); setBusy(true); setError(null);
    try {
      const page = await audit.search(accessSearchBody(p.query));
      setQuery(p.query); setEntries(page.entries); setNext(page.next_before_id); setFetchedAt(Date.now());
    } catch (err) {
      setQuery(null); setEntries([]); setNext(null); fail(err);
    } finally {
      setBusy(false);
    }
  };

  const more = async () => {
    if (!query || next == null) return;
    setBusy(true);
    try {
      const page = await audit.search(accessSearchBody(query, next));
      setEntries((shown) => appendPage(shown, page)); setNext(page.next_before_id); setFetchedAt(Date.now()); setError(null);
    } catch (err) { fail(err); } finally { setBusy(false); }
  };

  const download = async () => {
    if (!query) return;
    try {
      const text = await audit.csv(accessSearchBody(query, null, 1000));
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = accessCsvName(query, Date.now());
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) { fail(err); }
  };

  return (
    <section className="panel" aria-labelledby="al-title">
      <div className="panel-head">
        <h2 id="al-title">{t('privacy.log')}</h2>
        <FetchedAt at={fetchedAt} now={now} />
      </div>
      <form className="field-row" role="search" onSubmit={search} data-testid="access-search">
        <div className={`field${inputError ? ' has-error' : ''}`}>
          <label htmlFor="f-access-q">{t('privacy.query')}</label>
          {/* No autocomplete: a BSN typed here must not stay in the browser's form history. */}
          <input id="f-access-q" ref={inputRef} value={input} autoComplete="off" spellCheck={false} autoFocus
            aria-invalid={inputError ? true : undefined} aria-describedby="f-access-q-help" onChange={(e) => setInput(e.target.value)} />
          {inputError && <span className="field-error" data-field="q" role="alert">{inputError}</span>}
        </div>
        <button type="submit" className="btn primary" disabled={busy} data-testid="access-submit">{t('privacy.search')}</button>
        <button type="button" className="btn" disabled={!query || busy} onClick={() => void download()} data-testid="access-csv">{t('privacy.csv')}</button>
        <span id="f-access-q-help" className="muted small">{t('privacy.queryHelp')}</span>
      </form>
      {error && <p className="error" role="alert" data-testid="access-error">{error}</p>}
      {query && !error && (
        <p className="small" data-testid="access-count">
          {t('privacy.count', { n: entries.length })}{' '}
          {'case_id' in query ? <>· {t('privacy.forCase')} <a href={href({ name: 'case', id: query.case_id })}>{query.case_id}</a></> : `· ${t('privacy.forPatient')}`}
        </p>
      )}
      {entries.length > 0 && (
        <table className="grid compact access-table" data-testid="access-log">
          <thead>
            <tr>
              <th scope="col">{t('col.time')}</th><th scope="col">{t('privacy.actor')}</th><th scope="col">{t('privacy.role')}</th>
              <th scope="col">{t('contacts.org')}</th><th scope="col">{t('privacy.case')}</th><th scope="col">{t('privacy.action')}</th>
              <th scope="col">{t('privacy.purpose')}</th><th scope="col">{t('privacy.outcome')}</th><th scope="col">{t('privacy.breakGlass')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const ak = actionKey(e.action);
              return (
                <tr key={e.id} data-id={e.id} data-action={e.action} data-outcome={e.outcome} data-actor={e.actor}
                  className={e.break_glass ? 'is-break-glass' : e.outcome !== 'ok' ? 'is-refused' : undefined}>
                  <td>{formatDateTime(e.at, lang)}</td>
                  <td>{e.actor}</td>
                  <td>{t(`role.${e.role}`)}</td>
                  <td>{orgName(e.organization_id) || <span className="muted">—</span>}</td>
                  <td>{e.case_id ? <a href={href({ name: 'case', id: e.case_id })}>{e.case_id}</a> : <span className="muted">—</span>}</td>
                  <td title={e.action}>{ak ? t(ak) : e.action}</td>
                  <td>{e.purpose || <span className="muted">—</span>}</td>
                  <td><span className={`badge out out-${outcomeClass(e.outcome)}`}>{t(`privacy.outcome.${e.outcome}`)}</span></td>
                  <td>{e.break_glass ? <span className="badge out out-bad">{t('privacy.bgYes')}</span> : <span className="muted">—</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {query && !error && entries.length === 0 && <p className="empty" data-testid="access-empty">{t('privacy.empty')}</p>}
      {next != null && <p><button type="button" className="btn" disabled={busy} onClick={() => void more()} data-testid="access-more">{t('privacy.more')}</button></p>}
    </section>
  );
}

function BreakGlassReview() {
  const { t, lang } = useI18n();
  const now = useNow(5000);
  const [items, setItems] = useState<BreakGlassReviewItem[] | null>(null);
  const [fetchedAt, setFetchedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await audit.breakGlass();
      setItems(r.items); setFetchedAt(Date.now()); setError(null);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 403 ? t('privacy.noAccess') : t('loadError', { detail: (e as Error).message }));
    }
  }, [t]);
  useEffect(() => { void load(); }, [load]);

  const review = async (g: BreakGlassReviewItem) => {
    setBusy(g.id); setNote(null);
    try {
      await audit.review(g.id);
      setNote(t('privacy.reviewed', { id: g.id }));
    } catch (e) {
      const r = reviewResult(e instanceof ApiError ? e.status : 0);
      setNote(r === 'already' ? t('privacy.reviewedAlready') : t('err.refused', { detail: (e as Error).message }));
    } finally {
      setBusy(null);
      await load();
    }
  };

  return (
    <section className="panel" aria-labelledby="bg-title">
      <div className="panel-head">
        <h2 id="bg-title">{t('privacy.bgTitle')}</h2>
        <FetchedAt at={fetchedAt} now={now} />
        <button type="button" className="btn small" onClick={() => void load()}>{t('contacts.refresh')}</button>
      </div>
      {note && <p className="notice small" role="status" data-testid="bg-note">{note}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {items === null && !error && <p className="muted">{t('loading')}</p>}
      {items && items.length === 0 && <p className="empty" data-testid="bg-empty">{t('privacy.bgEmpty')}</p>}
      {items && items.length > 0 && (
        <table className="grid compact" data-testid="break-glass-list">
          <thead>
            <tr>
              <th scope="col">{t('privacy.bgGranted')}</th><th scope="col">{t('privacy.actor')}</th><th scope="col">{t('privacy.case')}</th>
              <th scope="col">{t('privacy.bgReason')}</th><th scope="col">{t('privacy.bgExpires')}</th><th scope="col"><span className="sr-only">{t('privacy.review')}</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((g) => (
              <tr key={g.id} data-grant={g.id}>
                <td>{formatDateTime(g.granted_at, lang)}</td>
                <td>{g.username}</td>
                <td><a href={href({ name: 'case', id: g.case_id })}>{g.case_id}</a></td>
                <td className="wrap">{g.reason}</td>
                <td>{formatDateTime(g.expires_at, lang)}</td>
                <td><button type="button" className="btn small" disabled={busy === g.id} onClick={() => void review(g)} data-testid="bg-review">{t('privacy.review')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

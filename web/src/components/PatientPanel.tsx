import { useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { ApiError, cases } from '../api';
import { formatClock } from '../lib/age';
import { mayReadPatient } from '../lib/cases';
import { TextArea } from './Fields';
import type { Case, Patient, User } from '../types';

export const PURPOSES = ['triage', 'hand-over', 'consultation', 'call-back', 'care'] as const;

/**
 * The case's patient, fetched only when the user asks, with a purpose: every read is logged on the server
 * (NEN 7513). Held in this component's state only (never stored in the browser), gone when hidden or left.
 * An admin reads it only through break-glass, with a reason the privacy officer reviews. `onPatient` hears of
 * a read and of hiding (the case view's contact history needs the BSN).
 */
export function PatientPanel({ c, user, onPatient }: { c: Case; user: User; onPatient?: (p: Patient | null) => void }) {
  const { t, lang } = useI18n();
  const zcc = user.role === 'zcc-coordinator';
  const [purpose, setPurpose] = useState<string>(zcc ? 'triage' : 'care');
  const [patient, setPatient] = useState<Patient | null>(null);
  const [readAt, setReadAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [glass, setGlass] = useState<'closed' | 'asking' | 'granted'>('closed');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const showRef = useRef<HTMLButtonElement>(null);

  const admin = user.role === 'admin';
  if (!mayReadPatient(user.role) && !admin) return null;

  const read = async (why: string) => {
    setBusy(true); setError(null);
    try {
      const p = await cases.patient(c.id, why);
      setPatient(p);
      onPatient?.(p);
      setReadAt(Date.now());
    } catch (e) {
      const s = e instanceof ApiError ? e.status : 0;
      setError(s === 403 ? t('patient.forbidden') : s === 404 ? t('patient.none') : s === 503 ? t('patient.unavailable')
        : t('loadError', { detail: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  const breakGlass = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) { setReasonError(t('err.required')); return; }
    setReasonError(undefined); setBusy(true); setError(null);
    try {
      await cases.breakGlass(c.id, reason.trim());
      setGlass('granted');
      await read('break-glass');
    } catch (err) {
      setBusy(false);
      const p = err instanceof ApiError ? err.problem : null;
      setError(err instanceof ApiError && err.status === 403 ? t('err.forbidden') : t('err.refused', { detail: p?.errors?.[0]?.message ?? (err as Error).message }));
    }
  };

  const hide = () => { setPatient(null); onPatient?.(null); setReadAt(null); setError(null); setTimeout(() => showRef.current?.focus(), 0); };

  return (
    <section className="panel patient-panel" aria-labelledby="patient-title" data-testid="patient-panel">
      <h2 id="patient-title">{t('patient.title')}</h2>
      {!c.has_patient && <p className="muted">{t('patient.none')}</p>}
      {c.has_patient && !patient && !admin && (
        <form className="field-row" onSubmit={(e) => { e.preventDefault(); void read(purpose); }}>
          <div className="field">
            <label htmlFor="patient-purpose">{t('patient.purpose')}</label>
            <select id="patient-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
              {PURPOSES.map((p) => <option key={p} value={p}>{t(`purpose.${p}`)}</option>)}
            </select>
          </div>
          <button ref={showRef} type="submit" className="btn" disabled={busy} data-testid="patient-show" aria-keyshortcuts="p">
            {t('patient.show')}<kbd>p</kbd>
          </button>
          <span className="muted small">{t('patient.logged')}</span>
        </form>
      )}
      {c.has_patient && !patient && admin && glass === 'granted' && (
        <p><button type="button" className="btn" disabled={busy} onClick={() => void read('break-glass')}>{t('patient.show')}</button></p>
      )}
      {c.has_patient && !patient && admin && glass !== 'granted' && (
        glass === 'closed' ? (
          <p>
            <button type="button" className="btn danger" onClick={() => setGlass('asking')} data-testid="break-glass">{t('patient.breakGlass')}</button>
            <span className="muted small"> {t('patient.adminNote')}</span>
          </p>
        ) : (
          <form onSubmit={breakGlass} className="break-glass-form" onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); setGlass('closed'); } }}>
            <p className="notice small">{t('patient.breakGlassNote')}</p>
            <TextArea name="reason" label={t('patient.breakGlassReason')} value={reason} onChange={setReason} error={reasonError} autoFocus />
            <div className="form-actions">
              <button type="submit" className="btn danger" disabled={busy}>{t('patient.breakGlassGo')}</button>
              <button type="button" className="link-btn" onClick={() => setGlass('closed')}>{t('form.cancel')}</button>
            </div>
          </form>
        )
      )}
      {error && <p className="error" role="alert" data-testid="patient-error">{error}</p>}
      {patient && (
        <div className="patient-data" data-testid="patient-data">
          <dl className="kv patient-kv">
            {(['bsn', 'name', 'birth_date', 'address', 'gp', 'summary', 'medication', 'allergies'] as const).map((k) => (
              <div key={k} className={k === 'summary' || k === 'medication' ? 'wide' : undefined}>
                <dt>{t(`patient.${k}`)}</dt>
                <dd className="pre">{patient[k] || <span className="muted">—</span>}</dd>
              </div>
            ))}
          </dl>
          <p className="muted small">
            {t('patient.readAt', { time: formatClock(readAt ?? Date.now(), lang) })}{glass === 'granted' ? ` · ${t('patient.viaBreakGlass')}` : ''}{' '}
            <button type="button" className="btn small" onClick={hide} data-testid="patient-hide">{t('patient.hide')}</button>
          </p>
        </div>
      )}
    </section>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { clearFlash, peekFlash, type Flash } from '../flash';
import { useI18n } from '../i18n';
import { useNow, useOrgName } from '../data';
import { useTransferQuery } from '../live';
import { ApiError, transfers } from '../api';
import { useChange } from '../useChange';
import { formatAge, formatClock, formatDateTime } from '../lib/age';
import {
  buildStep, heldSteps, isPending, mayApprove, mayReadTransferPatient, sideOf, stateKey, stepKey, stepsFor, waitsOnMe, type TransferDetail, type TransferStep,
} from '../lib/transfers';
import type { Msg } from '../lib/validation';
import { FetchedAt } from '../components/CaseBits';
import { focusFirst, formKeys, TextArea, TextField, useFieldMessages } from '../components/Fields';
import { typeLabel } from '../components/Status';
import { ApprovalBadge, TransferStateBadge, useUnitName } from '../components/TransferBits';
import { href } from '../router';
import type { Patient, User } from '../types';

/**
 * One transfer: who sends whom where and why, its times and timeline, and the steps the user may take now
 * (by role and side). Every step sends If-Match with the version of the last GET; 412 reloads and says so, 409
 * shows the server's reason. Refetched on the transfer's live events. The patient only on request (logged).
 */
export function TransferView({ id, user }: { id: string; user: User }) {
  const { t, lang } = useI18n();
  const now = useNow(1000);
  const orgName = useOrgName();
  const unitName = useUnitName();
  const load = useCallback(() => transfers.get(id), [id]);
  const live = useTransferQuery(load, (e) => e.transfer_id === id);
  const change = useChange(live.reload, 'tr.stale');
  const [open, setOpen] = useState<TransferStep | null>(null);
  const [flash, setFlash] = useState<Flash | null>(peekFlash);
  useEffect(() => { clearFlash(); }, []);
  const x = live.data;

  if (!x) {
    const s = live.error instanceof ApiError ? live.error.status : 0;
    return (
      <section className="view transfer-view">
        <p><a href={href({ name: 'transfers' })}>{t('tr.back')}</a></p>
        {live.loading && <p className="muted">{t('loading')}</p>}
        {live.error && <p className="error" role="alert">{s === 403 ? t('tr.forbidden') : s === 404 ? t('tr.notFound') : t('loadError', { detail: live.error.message })}</p>}
      </section>
    );
  }

  const steps = stepsFor(x, user);
  const held = heldSteps(x, user);
  const approver = mayApprove(x, user);
  const side = sideOf(x, user);
  const done = (v: TransferDetail) => { setOpen(null); live.set(v); setFlash({ text: t('tr.saved', { state: t(stateKey(v.state)) }), kind: 'ok' }); };
  const approve = () => {
    if (change.busy) return;
    setFlash(null); setOpen(null);
    void change.run([], () => transfers.approve(x.id, x.version), (v) => { live.set(v); setFlash({ text: t('tr.approved'), kind: 'ok' }); });
  };

  return (
    <section className="view transfer-view" aria-labelledby="trv-title" data-state={x.state} data-transfer-id={x.id} data-version={x.version}
      data-approval={x.approval ?? 'not-required'}>
      <div className="view-head">
        <a href={href({ name: 'transfers' })}>{t('tr.back')}</a>
        <h1 id="trv-title">{t('tr.detailTitle', { type: typeLabel(t, x.care_type) })}</h1>
        <TransferStateBadge state={x.state} />
        <ApprovalBadge approval={x.approval} />
        {waitsOnMe(x, user) && <span className="badge ts-waits">⚠ {t('tr.waitsOnYou')}</span>}
        {side && <span className="muted">{t(`tr.side.${side}`)}</span>}
        <span className="muted small">{t('tr.version', { v: x.version })}</span>
        <FetchedAt at={live.fetchedAt} now={now} />
      </div>
      {flash && !change.general && <p className={flash.kind === 'ok' ? 'ok flash' : 'notice flash'} role="status" data-testid="flash">{flash.text}</p>}
      {change.general && <p className="notice flash" role="alert" data-testid="transfer-message">{change.general}</p>}
      {live.error && <div className="banner error" role="alert">{t('loadError', { detail: live.error.message })}</div>}
      <div className="case-layout">
        <div className="case-main">
          <section className="panel">
            <dl className="kv case-kv">
              <div><dt>{t('tr.col.from')}</dt><dd data-testid="tr-from">{orgName(x.from_organization_id)} · {unitName(x.from_unit_id)}</dd></div>
              <div><dt>{t('tr.col.to')}</dt><dd data-testid="tr-to">{orgName(x.to_organization_id)} · {unitName(x.to_unit_id)}</dd></div>
              <div><dt>{t('tr.careType')}</dt><dd>{typeLabel(t, x.care_type)}</dd></div>
              <div className="wide"><dt>{t('tr.reason')}</dt><dd className="pre">{x.reason}</dd></div>
              <div><dt>{t('tr.col.requested')}</dt><dd>{formatDateTime(x.requested_at, lang)} · {x.created_by}</dd></div>
              <div><dt>{t('tr.col.planned')}</dt><dd>{x.planned_at ? formatDateTime(x.planned_at, lang) : '—'}</dd></div>
              {x.departed_at && <div><dt>{t('tr.departed')}</dt><dd>{formatDateTime(x.departed_at, lang)}</dd></div>}
              {x.ended_at && <div><dt>{t('tr.ended')}</dt><dd>{formatDateTime(x.ended_at, lang)}</dd></div>}
              <div><dt>{t('tr.col.changed')}</dt><dd>{formatAge(Math.max(0, (now - Date.parse(x.updated_at)) / 1000), lang)}</dd></div>
              {x.approval === 'approved' && (
                <div className="wide"><dt>{t('tr.approval.approved')}</dt>
                  <dd data-testid="tr-approved-by">{x.approved_at
                    ? t('tr.approvedAt', { who: x.approved_by || '—', time: formatDateTime(x.approved_at, lang) })
                    : t('tr.approvedBy', { who: x.approved_by || '—' })}</dd></div>
              )}
              {x.case_id && <div><dt>{t('tr.caseId')}</dt><dd><a href={href({ name: 'case', id: x.case_id })}>{x.case_id}</a></dd></div>}
            </dl>
            {x.notes.length > 0 && <ul className="notes small">{x.notes.map((n, i) => <li key={i} className="muted">{n}</li>)}</ul>}
          </section>

          <section className="panel" aria-labelledby="trv-steps">
            <h2 id="trv-steps">{t('tr.steps')}</h2>
            {approver && (
              <div className="held" data-testid="tr-approval">
                <p>{t('tr.approveHint')}</p>
                <button type="button" className="btn primary" onClick={approve} disabled={change.busy} data-testid="tr-approve">
                  {t('tr.approve')}
                </button>
              </div>
            )}
            {isPending(x) && !approver && held.length === 0 && <p className="muted small" data-testid="tr-pending-note">{t('tr.pendingNote')}</p>}
            {held.length > 0 && (
              <p className="held small" data-testid="tr-held" title={t('tr.heldTitle')} data-held={held.map((s) => s.to).join(' ')}>
                {t('tr.held', { steps: held.map((s) => t(stepKey(s.to))).join(', ') })}
              </p>
            )}
            {steps.length === 0 && held.length === 0 && <p className="muted" data-testid="tr-no-steps">{t(x.state === 'arrived' || x.state === 'declined' || x.state === 'cancelled' ? 'tr.closed' : 'tr.noSteps')}</p>}
            {steps.length > 0 && (
              <div className="step-buttons">
                {steps.map((s) => (
                  <button key={s.to} type="button" className={`btn${s.to === 'declined' || s.to === 'cancelled' ? ' danger' : ' primary'}`}
                    aria-pressed={open?.to === s.to} onClick={() => { change.clear(); setFlash(null); setOpen(s); }} data-testid={`tr-step-${s.to}`}>
                    {t(stepKey(s.to))}
                  </button>
                ))}
              </div>
            )}
            {open && steps.some((s) => s.to === open.to) && (
              <StepForm key={open.to} x={x} step={open} change={change} onDone={done} onCancel={() => setOpen(null)} />
            )}
          </section>
        </div>
        <div className="case-main">
          {mayReadTransferPatient(user, x) && <TransferPatient x={x} />}
          <section className="panel" aria-labelledby="trv-timeline">
            <h2 id="trv-timeline">{t('tr.timeline')}</h2>
            <ol className="timeline" data-testid="tr-timeline">
              {x.timeline.map((l, i) => (
                <li key={i} data-state={l.state}>
                  <span className="muted small">{formatDateTime(l.at, lang)}</span>{' '}
                  <b>{t(stateKey(l.state))}</b>{' '}
                  <span className="small">{t('tr.by', { who: l.actor })}{l.organization_id ? ` (${orgName(l.organization_id)})` : ''}</span>
                  {l.reason && <div className="small pre">{l.reason}</div>}
                </li>
              ))}
            </ol>
            <p className="muted small">{t('tr.shownAt', { time: formatClock(now, lang) })}</p>
          </section>
        </div>
      </div>
    </section>
  );
}

/** A step's form: a reason (required to decline or cancel) and optionally when it happened; Ctrl+Enter sends, Esc cancels. */
function StepForm({ x, step, change, onDone, onCancel }: {
  x: TransferDetail; step: TransferStep; change: ReturnType<typeof useChange>; onDone: (v: TransferDetail) => void; onCancel: () => void;
}) {
  const { t, lang } = useI18n();
  const [reason, setReason] = useState('');
  const [at, setAt] = useState('');
  const [plannedAt, setPlannedAt] = useState('');
  const [own, setOwn] = useState<Record<string, Msg>>({});
  const msg = useFieldMessages(own, change.server);
  const ref = useRef<HTMLFormElement>(null);
  const fields = ['reason', 'at', 'planned_at'] as const;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (change.busy) return;
    const b = buildStep(step, reason, at, plannedAt);
    setOwn(b.errors);
    if (!b.value) { focusFirst(ref.current, fields, Object.keys(b.errors)); return; }
    const body = b.value;
    const res = await change.run(fields, () => transfers.step(x.id, x.version, body), onDone);
    if (!res.ok) focusFirst(ref.current, fields, res.fields);
  };
  const title = t(stepKey(step.to));
  return (
    <form ref={ref} className="step-form" onSubmit={submit} noValidate data-testid={`tr-form-${step.to}`} aria-label={title}
      onKeyDown={(e) => {
        formKeys(ref.current)(e);
        if (e.key === 'Escape' && !e.defaultPrevented) { e.preventDefault(); onCancel(); }
      }}>
      <h3>{title}</h3>
      {step.to === 'planned' && <p className="muted small">{x.planned_at ? t('tr.plannedWas', { time: formatDateTime(x.planned_at, lang) }) : t('tr.plannedNone')}</p>}
      <div className="field-row">
        <TextArea name="reason" label={step.needsReason ? t('tr.stepReason') : t('tr.stepNote')} className="grow" value={reason}
          onChange={setReason} error={msg('reason')} autoFocus />
        {step.to === 'planned' && (
          <TextField name="planned_at" label={t('tr.plannedAtStep')} type="datetime-local" value={plannedAt} onChange={setPlannedAt}
            error={msg('planned_at')} />
        )}
        <TextField name="at" label={t('tr.at')} type="datetime-local" value={at} onChange={setAt} error={msg('at')} />
      </div>
      <div className="form-actions">
        <button type="submit" className={`btn ${step.needsReason ? 'danger' : 'primary'}`} disabled={change.busy} data-testid="tr-step-submit">
          {change.busy ? t('intake.saving') : title}
        </button>
        <span className="muted small">{t('form.ctrlEnter')}</span>
        <button type="button" className="link-btn" onClick={onCancel}>{t('form.cancel')} (Esc)</button>
      </div>
    </form>
  );
}

const TRANSFER_PURPOSES = ['transfer', 'care'] as const;

/**
 * The transfer's patient, fetched only when the user asks, with a purpose: every read is logged on the server.
 * Held in this component's state only (never stored in the browser), gone when hidden or left.
 */
function TransferPatient({ x }: { x: TransferDetail }) {
  const { t, lang } = useI18n();
  const [purpose, setPurpose] = useState<string>('transfer');
  const [patient, setPatient] = useState<Patient | null>(null);
  const [readAt, setReadAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const showRef = useRef<HTMLButtonElement>(null);

  const read = async () => {
    setBusy(true); setError(null);
    try {
      setPatient(await transfers.patient(x.id, purpose));
      setReadAt(Date.now());
    } catch (e) {
      const s = e instanceof ApiError ? e.status : 0;
      setError(s === 403 ? t('patient.forbidden') : s === 404 ? t('patient.none') : s === 503 ? t('patient.unavailable')
        : t('loadError', { detail: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  const hide = () => { setPatient(null); setReadAt(null); setError(null); setTimeout(() => showRef.current?.focus(), 0); };

  return (
    <section className="panel patient-panel" aria-labelledby="tr-patient-title" data-testid="patient-panel">
      <h2 id="tr-patient-title">{t('patient.title')}</h2>
      {!x.has_patient && <p className="muted">{t('tr.noPatient')}</p>}
      {x.has_patient && !patient && (
        <form className="field-row" onSubmit={(e) => { e.preventDefault(); void read(); }}>
          <div className="field">
            <label htmlFor="tr-patient-purpose">{t('patient.purpose')}</label>
            <select id="tr-patient-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
              {TRANSFER_PURPOSES.map((p) => <option key={p} value={p}>{t(`purpose.${p}`)}</option>)}
            </select>
          </div>
          <button ref={showRef} type="submit" className="btn" disabled={busy} data-testid="patient-show">{t('tr.showPatient')}</button>
          <span className="muted small">{t('patient.logged')}</span>
        </form>
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
            {t('patient.readAt', { time: formatClock(readAt ?? Date.now(), lang) })}{' '}
            <button type="button" className="btn small" onClick={hide} data-testid="patient-hide">{t('patient.hide')}</button>
          </p>
        </div>
      )}
    </section>
  );
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useOrgName, useRegionData } from '../data';
import { useLiveQuery } from '../live';
import { ApiError, cases } from '../api';
import { formatClock, formatDateTime } from '../lib/age';
import { canWorkCases, complaintName, stepsFor, type Step } from '../lib/cases';
import { useChange } from '../useChange';
import { clearFlash, peekFlash } from '../flash';
import { useComplaints } from '../components/ComplaintPicker';
import { FetchedAt, HandoverBadge, RepeatFlag, StateBadge, TargetTimer, UrgencyBadge, WaitTime } from '../components/CaseBits';
import { CloseForm, ConsultForm, HandoverForm, TextStepForm, TriageForm } from '../components/StepForms';
import { PatientPanel } from '../components/PatientPanel';
import { HandoverAnswer } from '../components/HandoverAnswer';
import { ProposalPanel } from '../components/ProposalPanel';
import { ContactHistoryPanel } from '../components/ContactHistory';
import { isTyping } from './Worklist';
import { href } from '../router';
import type { CaseDetail, Handover, User } from '../types';

/** Single keys for the steps while the case is shown (and no form field has the focus). */
const STEP_KEYS: Record<Step, string> = {
  'triage': 't', 'consult': 'c', 'advice': 'a', 'end-consult': 'e', 'hand-over': 'h', 'withdraw': 'r', 'close': 's',
};

/**
 * One care request: header with urgency, state and live timers; the steps its state allows (each sends
 * If-Match with the version shown); the patient on demand; triage history, handovers and timeline.
 * Refetched (debounced) when a live event names this case.
 */
export function CaseView({ id, user }: { id: string; user: User }) {
  const { t, lang } = useI18n();
  const now = useNow(1000);
  const names = useComplaints();
  const { detail } = useRegionData();
  const load = useCallback(() => cases.get(id), [id]);
  const live = useLiveQuery(load, (e) => e.case_id === id);
  const [open, setOpen] = useState<Step | null>(null);
  const [flash, setFlash] = useState(peekFlash);
  // The patient's BSN once the user has read the patient (state only, never stored): it asks the 72-hour history.
  const [bsn, setBsn] = useState<string | null>(null);
  useEffect(() => { clearFlash(); }, []);
  const change = useChange(live.reload);
  const clear = change.clear;
  const c = live.data;
  const zcc = canWorkCases(user.role);
  const steps = useMemo(() => (c && zcc ? stepsFor(c.state) : []), [c, zcc]);
  const orgName = useOrgName();

  // A step that the new state no longer allows (someone else moved the case) closes.
  useEffect(() => { if (open && !steps.includes(open)) setOpen(null); }, [open, steps]);

  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e) || open) return;
      const step = steps.find((s) => STEP_KEYS[s] === e.key);
      if (step) { e.preventDefault(); clear(); setFlash(null); setOpen(step); return; }
      if (e.key === 'p') {
        const b = document.querySelector<HTMLButtonElement>('[data-testid=patient-show]');
        if (b) { e.preventDefault(); b.focus(); }
      }
    };
    window.addEventListener('keydown', on, true);
    return () => window.removeEventListener('keydown', on, true);
  }, [steps, open, clear]);

  if (live.error && !c) {
    const s = live.error instanceof ApiError ? live.error.status : 0;
    return (
      <section className="view case-view">
        <p className={s === 403 ? 'refusal' : 'error'} role="alert" data-testid="case-refused">
          {s === 403 ? t(user.organization_id ? 'case.forbidden' : 'case.forbiddenRole') : s === 404 ? t('case.notFound') : t('loadError', { detail: live.error.message })}
        </p>
        <a href={href(zcc ? { name: 'worklist' } : { name: 'overview' })}>{zcc ? t('case.back') : t('unit.back')}</a>
      </section>
    );
  }
  if (!c) return <section className="view"><p className="muted">{t('loading')}</p></section>;

  const done = (next: CaseDetail) => { live.set(next); setOpen(null); setFlash({ text: t('case.saved'), kind: 'ok' }); };
  const stepProps = { c, change, onDone: done, onCancel: () => { setOpen(null); clear(); } };
  const mine = user.organization_id ? c.handovers.filter((h) => h.to_organization_id === user.organization_id) : [];

  return (
    <section className="view case-view" aria-labelledby="case-title" data-case={c.id} data-state={c.state} data-version={c.version}>
      <div className="view-head case-head">
        <a href={href(zcc ? { name: 'worklist' } : { name: 'inbox' })}>{zcc ? t('case.back') : t('inbox.back')}</a>
        <h1 id="case-title">{c.complaint ? complaintName(names.get(c.complaint), lang, c.complaint) : t('case.title')}</h1>
        <UrgencyBadge urgency={c.urgency} long />
        <StateBadge state={c.state} />
        {c.repeat_contact && <RepeatFlag />}
        <span className="head-item"><span className="muted">{t('case.target')}</span> <TargetTimer c={c} now={now} /></span>
        <span className="head-item"><span className="muted">{t('case.wait')}</span> <b><WaitTime since={c.received_at} now={now} until={c.closed_at} /></b></span>
        <FetchedAt at={live.fetchedAt} now={now} />
        <span className="muted small">{t('case.version', { v: c.version })}</span>
      </div>
      {flash && <p className={flash.kind === 'ok' ? 'ok flash' : 'notice flash'} role="status" data-testid="flash">{flash.text}</p>}
      {live.error && <div className="banner error" role="alert">{t('loadError', { detail: live.error.message })}</div>}
      {c.state === 'declined' && <p className="notice" data-testid="declined-flag">{t('case.flagDeclined')}</p>}

      <div className="case-layout">
        <div className="case-main">
          <section className="panel">
            <p className="case-summary pre">{c.summary}</p>
            <dl className="kv case-kv">
              <div><dt>{t('case.received')}</dt><dd>{formatDateTime(c.received_at, lang)}</dd></div>
              <div><dt>{t('col.channel')}</dt><dd>{t(`channel.${c.channel}`)}</dd></div>
              {c.requesting_organization_id && <div><dt>{t('case.requester')}</dt><dd>{orgName(c.requesting_organization_id)}</dd></div>}
              {(c.caller.name || c.caller.role || c.caller.phone) && (
                <div><dt>{t('case.caller')}</dt><dd>{[c.caller.name, c.caller.role].filter(Boolean).join(', ')}{c.caller.phone && <> · <a href={`tel:${c.caller.phone}`}>{c.caller.phone}</a></>}</dd></div>
              )}
              {c.subregion_id && <div><dt>{t('col.subregion')}</dt><dd>{detail?.region.subregions.find((s) => s.id === c.subregion_id)?.name ?? c.subregion_id}</dd></div>}
              {c.due_at && <div><dt>{t('case.due')}</dt><dd>{formatClock(Date.parse(c.due_at), lang)}</dd></div>}
              <Context c={c} />
              {c.legal_basis && <div><dt>{t('case.legal')}</dt><dd>{t(`legal.${c.legal_basis}`)}</dd></div>}
              {c.outcome && <div><dt>{t('case.outcome')}</dt><dd data-testid="outcome">{t(`outcome.${c.outcome}`)}</dd></div>}
            </dl>
          </section>

          {zcc && (
            <section className="panel actions" aria-labelledby="actions-title">
              <h2 id="actions-title">{t('case.actions')}</h2>
              {steps.length === 0 && <p className="muted">{t('case.noSteps')}</p>}
              <div className="step-buttons">
                {steps.map((s) => (
                  <button key={s} type="button" className={`btn${open === s ? ' active' : ''}${s === 'close' || s === 'withdraw' ? ' quiet' : ''}`}
                    aria-pressed={open === s} aria-keyshortcuts={STEP_KEYS[s]} data-step={s}
                    onClick={() => { clear(); setFlash(null); setOpen(open === s ? null : s); }}>
                    {s === 'triage' && c.urgency ? t('step.retriage') : s === 'hand-over' && c.state === 'handed-over' ? t('step.reroute') : t(`step.${s}`)}
                    <kbd>{STEP_KEYS[s]}</kbd>
                  </button>
                ))}
              </div>
              {open === 'triage' && <TriageForm key={`t${c.id}`} {...stepProps} />}
              {open === 'consult' && <ConsultForm {...stepProps} />}
              {open === 'advice' && <TextStepForm step="advice" field="advice" label={t('advice.text')} {...stepProps} />}
              {open === 'end-consult' && <TextStepForm step="end-consult" field="decision" label={t('endConsult.decision')} {...stepProps} />}
              {open === 'hand-over' && <HandoverForm {...stepProps} />}
              {open === 'withdraw' && <TextStepForm step="withdraw" field="reason" label={t('withdraw.reason')} {...stepProps} />}
              {open === 'close' && <CloseForm {...stepProps} />}
              {!open && change.general && <p className="error" role="alert">{change.general}</p>}
            </section>
          )}

          {zcc && <ProposalPanel c={c} now={now} orgName={orgName} onDone={done} />}

          {!zcc && mine.some((h) => h.state === 'requested' || h.state === 'accepted') && (
            <section className="panel" aria-label={t('inbox.answer')}>
              {mine.filter((h) => h.state === 'requested' || h.state === 'accepted').map((h) => (
                <HandoverAnswer key={h.id} h={h} onStale={live.reload} onDone={() => live.reload()} />
              ))}
            </section>
          )}

          <PatientPanel key={c.id} c={c} user={user} onPatient={(p) => setBsn(p?.bsn ?? null)} />
          {user.role === 'zcc-coordinator' && <ContactHistoryPanel bsn={bsn} caseId={c.id} />}

          <section className="panel" aria-labelledby="ho-title">
            <h2 id="ho-title">{t('case.handovers')}</h2>
            {c.handovers.length === 0 ? <p className="muted">{t('case.noHandovers')}</p> : (
              <ul className="handover-list">
                {[...c.handovers].reverse().map((h) => <HandoverItem key={h.id} h={h} now={now} orgName={orgName} />)}
              </ul>
            )}
          </section>

          <section className="panel" aria-labelledby="tr-title">
            <h2 id="tr-title">{t('case.triages')}</h2>
            {c.triages.length === 0 ? <p className="muted">{t('case.noTriage')}</p> : (
              <table className="grid compact" data-testid="triages">
                <thead><tr><th>{t('col.time')}</th><th>{t('col.urgency')}</th><th>{t('col.complaint')}</th><th>{t('col.by')}</th><th>{t('triage.note')}</th></tr></thead>
                <tbody>
                  {[...c.triages].reverse().map((r, i) => (
                    <tr key={`${r.at}-${i}`}>
                      <td>{formatDateTime(r.at, lang)}</td>
                      <td><UrgencyBadge urgency={r.urgency} /></td>
                      <td>{complaintName(names.get(r.complaint), lang, r.complaint)}</td>
                      <td>{r.by}</td>
                      <td className="wrap">{r.note}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>

        <aside className="panel timeline" aria-labelledby="tl-title">
          <h2 id="tl-title">{t('case.timeline')}</h2>
          <ol className="timeline-list" data-testid="timeline">
            {[...c.timeline].reverse().map((e, i) => (
              <li key={`${e.at}-${i}`} className={`tl tl-${e.kind}`} data-kind={e.kind}>
                <span className="tl-time" title={formatDateTime(e.at, lang)}>{formatClock(Date.parse(e.at), lang)}</span>
                <span className="tl-kind">{t(`timeline.${e.kind}`)}</span>
                <span className="tl-actor muted">{e.actor}</span>
                {e.detail && <span className="tl-detail">{e.detail}</span>}
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </section>
  );
}

function Context({ c }: { c: CaseDetail }) {
  const { t } = useI18n();
  const x = c.context;
  const parts = [
    x.age_years != null ? t('context.ageYears', { n: x.age_years }) : null,
    x.living ? t(`living.${x.living}`) : null,
    x.known_care ? (x.known_care.length ? x.known_care.map((k) => t(`care.${k}`)).join(', ') : t('context.noKnownCare')) : null,
  ].filter(Boolean);
  if (!parts.length) return null;
  return <div><dt>{t('case.context')}</dt><dd>{parts.join(' · ')}</dd></div>;
}

function HandoverItem({ h, now, orgName }: { h: Handover; now: number; orgName: (id: string | null) => string }) {
  const { t, lang } = useI18n();
  const waiting = h.state === 'requested';
  const late = waiting && Date.parse(h.due_at) < now;
  return (
    <li className={`handover${late ? ' is-late' : ''}`} data-handover-id={h.id} data-state={h.state}>
      <div className="ho-head">
        <HandoverBadge state={h.state} />
        <b>{t('ho.to', { org: orgName(h.to_organization_id) })}</b>
        {h.to_unit_id && <span className="muted">/ {h.to_unit_id}</span>}
        <span className="muted small">{formatDateTime(h.requested_at, lang)} · {h.requested_by}</span>
        {waiting && <span className={late ? 'timer late' : 'timer'}>{t('ho.due', { time: formatClock(Date.parse(h.due_at), lang) })}</span>}
        {h.escalations > 0 && <span className="badge late-badge">{t('ho.escalations', { n: h.escalations })}</span>}
        {h.answered_by && <span className="muted small">{t('ho.answeredBy', { who: h.answered_by, time: formatDateTime(h.answered_at, lang) })}</span>}
      </div>
      {h.reason && <p className="small">{t('ho.reason', { reason: h.reason })}</p>}
      <SbarView h={h} />
    </li>
  );
}

export function SbarView({ h }: { h: Handover }) {
  const { t } = useI18n();
  return (
    <dl className="sbar-view">
      {(['situation', 'background', 'assessment', 'recommendation'] as const).filter((k) => h.sbar[k]).map((k) => (
        <div key={k}><dt>{t(`sbar.${k}`)}</dt><dd className="pre">{h.sbar[k]}</dd></div>
      ))}
    </dl>
  );
}

import { useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { cases } from '../api';
import { stepPath, type Step } from '../lib/cases';
import { contextForm, contextValue } from '../lib/intake';
import type { Msg } from '../lib/validation';
import type { Change } from '../useChange';
import { ContextFields, FieldError, focusFirst, formKeys, TextArea, TextField, useFieldMessages } from './Fields';
import { ComplaintPicker } from './ComplaintPicker';
import { UrgencyRadios } from './CaseBits';
import { OrgSelect, UnitSelect } from './OrgPicker';
import { OUTCOMES, type CaseDetail, type Outcome, type Urgency } from '../types';

/** What every step form gets: the case (its version goes into If-Match), the shared change state, close. */
interface StepProps { c: CaseDetail; change: Change; onDone: (c: CaseDetail) => void; onCancel: () => void }

/**
 * A step's form: Ctrl+Enter sends, Esc cancels; own checks first (`check` returns errors by field, or the
 * body), then POST /cases/{id}/{step} with If-Match: "<version>"; field errors of the answer next to `fields`.
 */
function StepShell({ step, title, c, change, onDone, onCancel, fields, check, setOwn, children }: StepProps & {
  step: Step; title: string; fields: readonly string[];
  check: () => { errors: Record<string, Msg>; body: unknown | null };
  setOwn: (e: Record<string, Msg>) => void; children: ReactNode;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLFormElement>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (change.busy) return;
    const r = check();
    setOwn(r.errors);
    if (r.body == null) { focusFirst(ref.current, fields, Object.keys(r.errors)); return; }
    const res = await change.run(fields, () => cases.act(c.id, stepPath(step), c.version, r.body), onDone);
    if (!res.ok) focusFirst(ref.current, fields, res.fields);
  };
  return (
    <form ref={ref} className="step-form" onSubmit={submit} noValidate data-testid={`step-${step}`} aria-label={title}
      onKeyDown={(e) => {
        formKeys(ref.current)(e);
        if (e.key === 'Escape' && !e.defaultPrevented) { e.preventDefault(); onCancel(); }
      }}>
      <h3>{title}</h3>
      {children}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={change.busy}>{change.busy ? t('intake.saving') : title}</button>
        <span className="muted small">{t('form.ctrlEnter')}</span>
        <button type="button" className="link-btn" onClick={onCancel}>{t('form.cancel')} (Esc)</button>
        {change.general && <span className="error" role="alert" data-testid="step-error">{change.general}</span>}
      </div>
    </form>
  );
}

const req = (s: string): Msg | undefined => (s.trim() ? undefined : { key: 'err.required' });
const compact = (e: Record<string, Msg | undefined>) =>
  Object.fromEntries(Object.entries(e).filter((x): x is [string, Msg] => !!x[1]));

export function TriageForm(p: StepProps) {
  const { t } = useI18n();
  const [urgency, setUrgency] = useState<Urgency | ''>(p.c.urgency ?? '');
  const [complaint, setComplaint] = useState(p.c.complaint ?? '');
  const [note, setNote] = useState('');
  const [ctx, setCtx] = useState(() => contextForm(p.c.context));
  const [own, setOwn] = useState<Record<string, Msg>>({});
  const msg = useFieldMessages(own, p.change.server);
  const fields = ['urgency', 'complaint', 'note', 'context.age_years', 'context.living', 'context.known_care', 'context'] as const;
  const check = () => {
    const cv = contextValue(ctx);
    const errors = compact({ urgency: urgency ? undefined : { key: 'err.urgency' }, complaint: req(complaint), 'context.age_years': cv.error });
    return { errors, body: Object.keys(errors).length ? null : { urgency, complaint, ...(note.trim() ? { note: note.trim() } : {}), context: cv.value } };
  };
  return (
    <StepShell step="triage" title={p.c.urgency ? t('step.retriage') : t('step.triage')} fields={fields} check={check} setOwn={setOwn} {...p}>
      <div className="field-row">
        <UrgencyRadios value={urgency} onChange={setUrgency} error={msg('urgency')} autoFocus />
        <ComplaintPicker id="f-triage-complaint" value={complaint} onChange={setComplaint} error={msg('complaint')} />
      </div>
      <div className="field-row">
        <TextArea name="note" label={t('triage.note')} className="grow" value={note} onChange={setNote} error={msg('note')} />
      </div>
      <ContextFields value={ctx} onChange={setCtx} msg={msg} />
    </StepShell>
  );
}

export function ConsultForm(p: StepProps) {
  const { t } = useI18n();
  const [consultant, setConsultant] = useState('');
  const [org, setOrg] = useState('');
  const [question, setQuestion] = useState('');
  const [own, setOwn] = useState<Record<string, Msg>>({});
  const msg = useFieldMessages(own, p.change.server);
  const fields = ['consultant', 'organization_id', 'question'] as const;
  const check = () => {
    const errors = compact({ consultant: req(consultant), question: req(question) });
    return { errors, body: Object.keys(errors).length ? null : { consultant: consultant.trim(), question: question.trim(), ...(org ? { organization_id: org } : {}) } };
  };
  return (
    <StepShell step="consult" title={t('step.consult')} fields={fields} check={check} setOwn={setOwn} {...p}>
      <div className="field-row">
        <TextField name="consultant" label={t('consult.consultant')} value={consultant} onChange={setConsultant} error={msg('consultant')} autoFocus className="grow" />
        <OrgSelect name="organization_id" label={t('consult.org')} value={org} onChange={setOrg} error={msg('organization_id')} optional />
      </div>
      <div className="field-row">
        <TextArea name="question" label={t('consult.question')} className="grow" value={question} onChange={setQuestion} error={msg('question')} />
      </div>
    </StepShell>
  );
}

/** One required text: advice, the decision that ends a consultation, the reason of a withdrawal. */
export function TextStepForm({ step, field, label, ...p }: StepProps & { step: 'advice' | 'end-consult' | 'withdraw'; field: string; label: string }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [own, setOwn] = useState<Record<string, Msg>>({});
  const msg = useFieldMessages(own, p.change.server);
  const check = () => {
    const errors = compact({ [field]: req(text) });
    return { errors, body: Object.keys(errors).length ? null : { [field]: text.trim() } };
  };
  return (
    <StepShell step={step} title={t(`step.${step}`)} fields={[field]} check={check} setOwn={setOwn} {...p}>
      <div className="field-row">
        <TextArea name={field} label={label} className="grow" rows={3} value={text} onChange={setText} error={msg(field)} autoFocus />
      </div>
    </StepShell>
  );
}

export function HandoverForm(p: StepProps) {
  const { t } = useI18n();
  const [org, setOrg] = useState('');
  const [unit, setUnit] = useState('');
  const [sbar, setSbar] = useState({ situation: p.c.summary, background: '', assessment: '', recommendation: '' });
  const [own, setOwn] = useState<Record<string, Msg>>({});
  const msg = useFieldMessages(own, p.change.server);
  const fields = ['to_organization_id', 'to_unit_id', 'sbar.situation', 'sbar.background', 'sbar.assessment', 'sbar.recommendation', 'sbar'] as const;
  const set = (k: keyof typeof sbar, v: string) => setSbar((s) => ({ ...s, [k]: v }));
  const check = () => {
    const errors = compact({
      to_organization_id: org ? undefined : { key: 'err.org' }, 'sbar.situation': req(sbar.situation), 'sbar.recommendation': req(sbar.recommendation),
    });
    const body = {
      to_organization_id: org, ...(unit ? { to_unit_id: unit } : {}),
      sbar: { situation: sbar.situation.trim(), background: sbar.background.trim(), assessment: sbar.assessment.trim(), recommendation: sbar.recommendation.trim() },
    };
    return { errors, body: Object.keys(errors).length ? null : body };
  };
  const live = p.c.handovers.some((h) => h.state === 'requested' || h.state === 'accepted');
  return (
    <StepShell step="hand-over" title={live ? t('step.reroute') : t('step.hand-over')} fields={fields} check={check} setOwn={setOwn} {...p}>
      {live && <p className="notice small">{t('ho.rerouteNote')}</p>}
      <div className="field-row">
        <OrgSelect name="to_organization_id" label={t('ho.org')} value={org} onChange={(v) => { setOrg(v); setUnit(''); }} error={msg('to_organization_id')} free autoFocus />
        <UnitSelect name="to_unit_id" organizationId={org} value={unit} onChange={setUnit} error={msg('to_unit_id')} />
      </div>
      <FieldError name="sbar" error={msg('sbar')} />
      <div className="field-row sbar">
        <TextArea name="sbar.situation" label={t('sbar.situation')} value={sbar.situation} onChange={(v) => set('situation', v)} error={msg('sbar.situation')} rows={3} />
        <TextArea name="sbar.background" label={t('sbar.background')} value={sbar.background} onChange={(v) => set('background', v)} error={msg('sbar.background')} rows={3} />
        <TextArea name="sbar.assessment" label={t('sbar.assessment')} value={sbar.assessment} onChange={(v) => set('assessment', v)} error={msg('sbar.assessment')} rows={3} />
        <TextArea name="sbar.recommendation" label={t('sbar.recommendation')} value={sbar.recommendation} onChange={(v) => set('recommendation', v)} error={msg('sbar.recommendation')} rows={3} />
      </div>
    </StepShell>
  );
}

export function CloseForm(p: StepProps) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [note, setNote] = useState('');
  const [own, setOwn] = useState<Record<string, Msg>>({});
  const msg = useFieldMessages(own, p.change.server);
  const check = () => {
    const errors = compact({ outcome: outcome ? undefined : { key: 'err.outcome' } });
    return { errors, body: Object.keys(errors).length ? null : { outcome, ...(note.trim() ? { note: note.trim() } : {}) } };
  };
  return (
    <StepShell step="close" title={t('step.close')} fields={['outcome', 'note']} check={check} setOwn={setOwn} {...p}>
      <div className={`field${msg('outcome') ? ' has-error' : ''}`} role="radiogroup" aria-labelledby="outcome-label" id="f-outcome">
        <span className="field-label" id="outcome-label">{t('close.outcome')}</span>
        <div className="radios wrap">
          {OUTCOMES.map((o, i) => (
            <label key={o} className={`radio${outcome === o ? ' checked' : ''}`}>
              <input type="radio" name="outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} autoFocus={i === 0} />
              {t(`outcome.${o}`)}
            </label>
          ))}
        </div>
        <FieldError name="outcome" error={msg('outcome')} />
      </div>
      <div className="field-row">
        <TextArea name="note" label={t('close.note')} className="grow" value={note} onChange={setNote} error={msg('note')} />
      </div>
    </StepShell>
  );
}
